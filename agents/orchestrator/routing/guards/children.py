"""A child said by words that name nothing, inside a container that resolved: never the container.

"pause the blue ad set in Spring Sale", "pause the florida ad in Brand Awareness", "raise the
young people adset in Trail Shoes by 10%" changed Spring Sale, Brand Awareness, Trail Shoes -
Prospecting: the words before "ad set" matched no name, so only the container was left, and
the change fell on all of it. `unnamed_child` finds "the <words> ad set in ⟨X⟩" (or "⟨X⟩'s
<words> ad set") whose words hold no name; a status or budget change with it is asked about,
naming the words and what the container holds.
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.routing.checks import clarify
from agents.orchestrator.routing.cues import E
from agents.orchestrator.routing.resolve import Mention, Obj

_QUALITY = (r"(?:all|every|each|any|both|other|whole|entire|weak|weakest|worst|best|bad|poor|losing|"
            r"underperforming|top|bottom|cheapest|priciest|expensive|new|newest|old|remaining|active|"
            r"paused|live|running|current|same|one|two|three|\d+)")
_WORDS = rf"(?P<words>(?:(?!{_QUALITY}\b|['’])[^\s⟨,.;:!?]+\s+){{1,3}}?)"
_KIND = r"(?P<kind>ad\s*sets?|adsets?|ads?|campaigns?)"
CHILD = re.compile(rf"\b(?:the|that|this|our|my)\s+{_WORDS}{_KIND}\s+(?:in|of|under|within|from|inside)"
                   rf"\s+(?:the\s+)?(?:(?:campaign|ad\s*set|adset)\s+)?(?P<holder>{E})", re.I)
OWNED = re.compile(rf"(?P<holder>{E})\s*(?:'s|’s)?\s+{_WORDS}{_KIND}\b", re.I)
KIND_TYPE = {"ad": "ad", "ads": "ad", "campaign": "campaign", "campaigns": "campaign"}


def unnamed_child(text: str, placeholders: dict[str, Mention], objs: list[Obj],
                  refs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the clarification for "the <words> ad set in ⟨X⟩" when the words name nothing."""
    for pat in (CHILD, OWNED):
        for m in pat.finditer(text):
            holder = placeholders.get(m.group("holder"))
            if holder is None or not holder.resolved:
                continue
            kind = KIND_TYPE.get(m.group("kind").lower().replace(" ", ""), "adset")
            words = m.group("words").strip()
            ids = {c.id for c in holder.candidates}
            inside = [o.name for o in objs if o.type == kind and ids & set(o.ancestors)]
            if not inside or not re.search(r"[^\W\d_]", words):  # "Lookalike 1 % adset": one name
                continue
            what = {"adset": "ad set", "ad": "ad"}[kind]
            where = " and ".join(dict.fromkeys(c.name for c in holder.candidates))
            return clarify(f"No {what} named \"{words}\" in {where}; it holds "
                           f"{', '.join(dict.fromkeys(inside))}. Which one is meant (or all of "
                           f"{where})?", entities=refs, phrase=words)
    return None


_STOPS = (r"(?:by|to|in|for|on|at|from|and|or|with|budget|budgets|campaigns?|ad\s*sets?|adsets?|ads?|it|"
          r"them|that|this|everything|all|every|each|please|pls|now|today|asap|up|down|off|more|less|"
          r"we|i|you|they|our|my|do|doing|did|does|is|was|are|were|spend|spent|spending|perform\w*|go|"
          r"going|went|yesterday|last|this|so|far|the|a|an|whole|entire|account|overall|total)\b")
_RUN = rf"(?P<w>(?:(?!{_STOPS})[^\W\d_][\w'’-]*\s*){{1,4}})"
SAID_WRITE = re.compile(rf"^\W*(?:(?:please|pls|can\s+you|could\s+you|just|go\s+ahead\s+and)\s+)*"
                        rf"(?:pause|stop|kill|turn\s+off|switch\s+off|resume|unpause|raise|increase|lower|"
                        rf"cut|double|halve|bump|boost|reduce|scale|up)\s+(?:the\s+|our\s+)?{_RUN}", re.I)
SAID_QUESTION = re.compile(rf"^\W*(?:how(?:'s|\s+is|\s+was|\s+did|\s+are|\s+were)|what\s+did|how\s+much\s+"
                           rf"did)\s+(?:the|our)\s+{_RUN}", re.I)  # "how did the summer sale do"


def said_object(text: str, question: bool) -> str | None:
    """Return the words that stand where an object's name should ("pause the summer sale …").

    Never a metric or a breakdown ("how did the ctr do", "pause the mobile placements").
    """
    from agents.orchestrator.routing.lexicon import BREAKDOWN_RES
    from agents.orchestrator.routing.params import metric_list

    m = (SAID_QUESTION if question else SAID_WRITE).search(text)
    words = m.group("w").strip() if m else ""
    if not words or re.search(r"⟨", words) or metric_list(words) or \
            any(p.search(words) for _, p in BREAKDOWN_RES):
        return None
    return words


__all__ = ["said_object", "unnamed_child"]
