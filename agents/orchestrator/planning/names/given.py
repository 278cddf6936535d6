"""A campaign name the brief gives: "a sales campaign called Winter Boots", "name it 'Spring Drop'".

The name is used as written (the planner's own "Winter Boots – Sales – Mar 2026" is only for a
brief that names none). Quoted, it runs to the closing quote and is no ad copy; unquoted, it runs
to the end of its clause (a comma, a full stop, a bracket, a new line) or to a word that starts
what follows it ("for", "to", "in", "targeting", "with", "at", "from", "starting").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CUE = re.compile(r"\b(?:campaign\s+(?:called|named|titled)|(?:call|name)\s+(?:it|the\s+campaign)"
                 r"|campaign\s+name\s*(?:is\b|:|=|-)?)\s*", re.I)
QUOTED = re.compile(r"[\"“”'‘’«](?P<name>[^\"“”'‘’«»\n]{1,80})[\"“”'‘’»]")
BARE = re.compile(r"(?P<name>[^\s,.;:!?()\[\]\n\"“”'‘’][^,.;:!?()\[\]\n\"“”]{0,79}?)"
                  r"(?=\s*(?:[,.;:!?()\[\]\n]|$)|\s+(?:for|to|in|targeting|with|at|from|starting|"
                  r"running|on|and\s+(?:run|launch|target|spend))\b)", re.I)


@dataclass(frozen=True)
class GivenName:
    """The name, the span of the whole phrase (cue and name), the quote's span if quoted."""

    name: str
    span: tuple[int, int]
    quote: tuple[int, int] | None


def given_name(text: str) -> GivenName | None:
    """Return the campaign name the brief gives, or None."""
    for cue in CUE.finditer(text):
        if q := QUOTED.match(text, cue.end()):
            return GivenName(q.group("name").strip(), (cue.start(), q.end()), q.span())
        if (m := BARE.match(text, cue.end())) and m.group("name").strip():
            return GivenName(m.group("name").strip(), (cue.start(), m.end()), None)
    return None
