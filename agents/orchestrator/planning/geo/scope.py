"""How far a brief reaches: the whole world, a whole country, a group the brief defines.

- `whole_world`: "worldwide" / "globally" (strong) and "everywhere" / "global" (weak) mean the
  world only when no other place is named and no place follows ("everywhere in the US" is
  the US); "we ship worldwide" is about the business.
- `nationwide`: "nationwide" with no country named, beside places all in one country, is that
  country ("our Florida oranges, nationwide" → the US).
- `retractions`: "US... scratch that, Canada only" — the later places replace the earlier ones,
  and the card says so.
- `defined_groups`: a group the brief defines itself ("by Europe we mean the EU plus the UK",
  "LATAM (MX, CO, CL)") contributes its definition, not its default countries.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning.cues import ANSWER_LINE
from agents.orchestrator.planning.geo.groups import (
    DEFINED_BY,
    GROUPS,
    WE_MEAN,
    WORLD_STRONG,
    WORLD_WEAK,
)
from agents.orchestrator.planning.geo.scan import GEO

if TYPE_CHECKING:
    from agents.orchestrator.planning.geo.result import GeoResult
    from agents.orchestrator.planning.geo.scan import Mention

NATIONWIDE = re.compile(r"\b(?:nation[- ]?wide|country[- ]?wide|across\s+the\s+(?:whole\s+)?country|"
                        r"(?:the\s+)?(?:whole|entire)\s+country)\b", re.I)


def nationwide(text: str, countries: set[str], has_country: bool) -> tuple[str, tuple[int, int]] | None:
    """Return (country, span) when "nationwide" names no country but the places imply one."""
    hit = NATIONWIDE.search(text)
    if hit is None or has_country or len(countries) != 1:
        return None
    return next(iter(countries)), hit.span()


def defined_groups(text: str, ms: list[Mention], res: GeoResult) -> set[str]:
    """Return the groups the brief defines itself ("by Europe we mean", "LATAM (MX, CO)")."""
    defined: set[str] = set()
    for i, m in enumerate(ms):
        if not (m.chosen and m.chosen.kind == "group"):
            continue
        label = GROUPS[m.chosen.key].label
        before, after = text[max(0, m.start - 10):m.start], text[m.end:]
        if DEFINED_BY.search(before) and (w := WE_MEAN.match(after)):
            defined.add(label)
            res.spans.append((m.start - 3, m.end + w.end()))
            m.role = "qualifier"
        elif opening := re.match(r"^\s*(?:[a-z]+\s+){0,2}[(:=]", after):
            close = text.find(")", m.end) if opening.group(0).endswith("(") else -1
            end = close if close >= 0 else text.find(".", m.end)
            inside = [x for x in ms[i + 1:] if x.start < (end if end >= 0 else len(text))]
            if any(x.role == "include" and x.chosen and x.chosen.kind == "country"
                   for x in inside):
                defined.add(label)
    return defined


def whole_world(text: str, ms: list[Mention], res: GeoResult, named: bool) -> str:
    """Return "strong"/"weak" when the brief means the whole world, else ""; "everywhere in X" is X.

    Strong words ("worldwide", "globally") beside other places are a question; weak ones
    ("everywhere", "global") then mean nothing.
    """
    world = ""
    for pat, strong in ((WORLD_STRONG, True), (WORLD_WEAK, False)):
        for w in pat.finditer(text):
            res.spans.append(w.span())
            nxt = re.match(r"^\s+(?:in|across|within|throughout|of|over)\s+(?:the\s+)?", text[w.end():],
                           re.I)
            if nxt and any(m.start == w.end() + nxt.end() for m in ms):
                continue  # "everywhere in the US": coverage, read by geo_context
            if re.search(r"\b(?:ship(?:s|ping)?|deliver(?:s|y|ing)?)\s+$",
                         text[max(0, w.start() - 20):w.start()], re.I):
                continue  # "we ship worldwide" is about the business, not the audience
            if not named:
                world = world or ("strong" if strong else "weak")
            elif strong:
                res.flags.append(Question(
                    GEO, f"The brief says ‘{w.group(0)}’ but also names places. Should the ads "
                    "run worldwide, or only in the places named?", kind="conflict",
                    phrase=w.group(0), affects=WHO))
    return world


RETRACT = re.compile(r"\b(?:scratch\s+that|no\s+wait|wait,?\s+no|correction\s*:|i\s+mean|"
                     r"sorry,?\s+i\s+meant?|actually(?:,?\s+(?:make\s+(?:it|that)|change\s+(?:it|"
                     r"that)\s+to|let'?s\s+do))?|make\s+(?:it|that)|change\s+(?:it|that)\s+to|"
                     r"instead(?:\s+of\s+that)?)\b[\s,:;-]*", re.I)


# The answer a person gave to a question (see orchestrator.merge_answer).
ANSWER = re.compile(ANSWER_LINE + r"[^\n]*", re.I)
EXCLUSIVE = re.compile(r"\b(?:only|just|solely|exclusively)\b", re.I)


def _answer(ms: list[Mention], r: re.Match[str], notes: list[Adjustment],
            spans: list[tuple[int, int]]) -> None:
    """Let an answer naming places replace the earlier ones it is about.

    "Answer: just Canada" replaces every place named before; "Answer: Portland, Maine"
    replaces the earlier mentions of that name only (the question was which Portland).
    """
    after = [m for m in ms if r.start() <= m.start < r.end() and m.role == "include"]
    if not after:
        return
    earlier = [m for m in ms if m.start < r.start() and m.role == "include"]
    if not EXCLUSIVE.search(r.group(0)):
        names = {m.raw.lower().split(",")[0].strip() for m in after}
        earlier = [m for m in earlier if m.raw.lower().split(",")[0].strip() in names]
    if not earlier:
        return
    for m in earlier:
        m.role = "retracted"
    spans.append((r.start(), after[0].start))
    notes.append(Adjustment(GEO, [m.raw for m in earlier],
                            [m.raw for m in after], "the answer replaces the places named "
                            "before it"))


def retractions(text: str, ms: list[Mention]
                ) -> tuple[list[Adjustment], list[tuple[int, int]], list[tuple[int, int]]]:
    """Read "US... scratch that, Canada only": the later places replace the earlier ones.

    Return the notes for the card, the cue words' spans and the retracted stretches of text.
    """
    notes: list[Adjustment] = []
    spans: list[tuple[int, int]] = []
    gone: list[tuple[int, int]] = []
    for r in ANSWER.finditer(text):
        _answer(ms, r, notes, spans)
    for r in RETRACT.finditer(text):
        # the place it turns to, in the same sentence ("no wait sorry, we're only licensed in
        # Oklahoma")
        stop = re.search(r"[.!?\n]", text[r.end():r.end() + 100])
        reach = r.end() + (stop.start() if stop else 100)
        after = [m for m in ms if r.end() <= m.start <= reach and m.role == "include"]
        line = text.rfind("\n", 0, r.start()) + 1
        earlier = [m for m in ms if max(line, r.start() - 80) <= m.start < r.start() and
                   m.role == "include" and not re.search(r"[0-9$€£¥]", text[m.end:r.start()])]
        if not (after and earlier):
            continue
        for m in earlier:
            m.role = "retracted"
        spans.append(r.span())
        gone.append((earlier[0].start, r.start()))
        notes.append(Adjustment(GEO,
                                [m.raw for m in earlier], [m.raw for m in after],
                                f"‘{r.group(0).strip(' ,:;-')}’: the later place replaces the "
                                "earlier one"))
    return notes, spans, gone
