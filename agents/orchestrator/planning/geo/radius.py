"""City radii: "within 15 miles of Leeds", "Austin + 20 mi", "Portland, OR -- 10 mile radius".

A radius next to a city is that city's; a radius said on its own ("25 km around the city",
"mostly folks within 12 miles", "25 km around each city") is every city's when the brief gives
only one, and two such radii are asked about. A radius said of a list of cities ("Denver and
Boulder, 15 miles around each", "15 miles around Denver and Boulder") is every listed city's
that has none of its own. A radius
outside Meta's 10–50 miles / 17–80 km is a question naming the words — never corrected
silently. Without one, a city gets 25 miles (US, UK) or 40 km; an excluded city gets Meta's
minimum (the smallest hole Meta cuts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.cues import listed
from agents.orchestrator.planning.geo.scan import Cand, Mention
from state import rules

UNIT = r"(?P<u>miles?|mi|kms?|kilomet(?:er|re)s?)"
NUMBER = r"(?P<r>\d+(?:\.\d+)?)"
RADIUS = re.compile(rf"(?:\bwithin\s+(?:a\s+)?|\bradius\s+(?:of\s+)?|\+\s*)?{NUMBER}\s*-?\s*{UNIT}\b"
                    r"(?:\s*radius\b|\s+(?:around|round|from|of|near)\b"
                    r"(?:\s+(?:the\s+|our\s+)?(?:city|town|centre|center|area|shop|store|it|us|"
                    r"there|here|venue|studio|location)\b(?!\s+of)|\s+each(?:\s+(?:city|town|one|"
                    r"location|store|shop))?\b)?|\s+each\b)?", re.I)
NEXT_WORD = re.compile(r"^\s+[a-z]+\s+$", re.I)  # "20 miles aroud Denver": one stray word
# Kept for `facts.py`, which counts these words as understood.
RADIUS_BEFORE = re.compile(rf"{NUMBER}\s*-?\s*{UNIT}\s*(?:radius\s*)?(?:of|around|from|near|round)"
                           r"\s+(?:downtown\s+|central\s+|greater\s+)?$", re.I)
LOOSE_RADIUS = re.compile(rf"\bwithin\s+(?:a\s+)?{NUMBER}\s*-?\s*{UNIT}\b", re.I)
TO_PLACE = re.compile(r"^\s*(?:the\s+)?(?:(?:city|centre|center)\s+of\s+)?(?:downtown\s+|central\s+|"
                      r"greater\s+)?$", re.I)
AFTER_PLACE = re.compile(r"^\s*(?:\(|,|\+|-{1,2}|–|and|with)?\s*(?:(?:like|about|around|approx\.?|"
                         r"roughly|~)\s+)?(?:(?:and\s+)?(?:the\s+)?"
                         r"surrounding\s+areas?|and\s+(?:its\s+)?surroundings|metro(?:\s+area)?|"
                         r"area)?\s*[,(]?\s*(?:\+\s*)?$", re.I)


@dataclass
class Radius:
    """A radius the brief states: value, unit, the words, and the mention it is bound to."""

    value: float
    unit: str
    phrase: str
    span: tuple[int, int]
    mention: Mention | None = None
    shared: list[Mention] = field(default_factory=list)  # the other cities of its list


def find_radii(text: str, ms: list[Mention]) -> list[Radius]:
    """Every stated radius, bound to the place it is said of (None: said on its own)."""
    out = []
    for m in RADIUS.finditer(text):
        whole = m.group(0)
        cued = re.search(r"within|radius|\+|around|round|from|of|near|each", whole, re.I)
        nxt = [x for x in ms if x.start >= m.end() and NEXT_WORD.match(text[m.end():x.start])
               and any(c.kind == "city" for c in x.cands)]
        leads = [x for x in ms if x.end <= m.start() and AFTER_PLACE.match(text[x.end:m.start()])]
        if not (cued or nxt or leads):
            continue  # "our 10 km race": a distance, not a radius
        unit = "mile" if m.group("u").lower().startswith("mi") else "kilometer"
        r = Radius(float(m.group("r")), unit, text[m.start("r"):m.end("u")], m.span())
        if not cued and nxt and not leads:  # "20 miles aroud Denver"
            r.mention, r.span = nxt[0], (m.start(), nxt[0].start)
            out.append(r)
            continue
        follows = [x for x in ms if x.start >= m.end() and TO_PLACE.match(text[m.end():x.start])]
        if re.search(r"\beach\b", whole, re.I):
            pass  # "20 km each", "25 km around each city": every city's
        elif cued and follows and re.search(r"(?:around|round|from|of|near)\s*$", whole, re.I):
            r.mention = follows[0]
        elif leads:
            r.mention = leads[-1]
            while r.mention.role == "qualifier":  # "Portland, OR -- 10 mile radius"
                owner = [x for x in ms if r.mention in x.qualified_by]
                if not owner:
                    break
                r.mention = owner[0]
        if r.mention is not None:
            r.shared = _listed_with(text, ms, r.mention, forward=r.mention.start >= m.end())
        out.append(r)
    return out


def _is_city(m: Mention) -> bool:
    return m.role == "include" and any(c.kind == "city" for c in m.cands)


def _listed_with(text: str, ms: list[Mention], first: Mention, forward: bool) -> list[Mention]:
    """Return the cities listed with `first`: after it (a radius before the list), else before."""
    cities = sorted((x for x in ms if _is_city(x)), key=lambda x: x.start)
    if first not in cities:
        return []
    i = cities.index(first)
    out: list[Mention] = []
    step = 1 if forward else -1
    prev, j = first, i + step
    while 0 <= j < len(cities):
        nxt = cities[j]
        a, b = (prev, nxt) if forward else (nxt, prev)
        if not listed(text, a.end, b.start):
            break
        out.append(nxt)
        prev, j = nxt, j + step
    return out


def default_radius(country: str, excluded: bool = False) -> tuple[float, str]:
    """Return the radius a city gets when the brief states none."""
    unit = "mile" if country in ("US", "GB") else "kilometer"
    if excluded:
        return float(rules.CITY_RADIUS[unit][0]), unit
    return (25.0, unit) if unit == "mile" else (40.0, unit)


def check_radius(r: Radius, city: str, field: str) -> Question | None:
    """Return a question when the radius is outside Meta's range for cities, else None."""
    lo, hi = rules.CITY_RADIUS[r.unit]
    if lo <= r.value <= hi:
        return None
    other = "kilometer" if r.unit == "mile" else "mile"
    lo2, hi2 = rules.CITY_RADIUS[other]
    return Question(field, f"‘{r.phrase}’ around {city} is outside the radius Meta allows around "
                    f"a city: {lo}–{hi} {r.unit}s ({lo2}–{hi2} {other}s). Which radius should "
                    f"the ads use?", kind="invalid", phrase=r.phrase, affects=WHO)


def number(value: float) -> int | float:
    """20.0 → 20, 12.5 stays."""
    return int(value) if float(value).is_integer() else value


def city_entry(flags: list[Question], c: Cand, m: Mention | None, radii: list[Radius],
               loose: set[tuple[float, str]], path: str, excluded: bool = False
               ) -> dict[str, Any]:
    """Return the plan's city entry with its radius.

    The radius is the city's own, else the brief's only one, else the default; a radius
    outside Meta's range adds a question to `flags`.
    """
    own = [x for x in radii if m is not None and x.mention is not None and x.mention.chosen == c]
    own += [x for x in radii if m is not None and any(s is m for s in x.shared)]
    free = [x for x in radii if x.mention is None]
    stated = own[0] if own else free[0] if len(loose) == 1 and not excluded else None
    said = " … ".join(x.phrase for x in free)
    if stated is None and len(loose) > 1 and not excluded and \
            not any(q.phrase == said for q in flags):  # two radii said on their own: ask once
        flags.append(Question(path, f"The brief gives {said} without saying which city each is "
                              f"for. Which radius should the ads use around {c.name}? (e.g. "
                              f"'{c.name} within {free[0].phrase}')", kind="ambiguous",
                              phrase=said, affects=WHO))
    radius, unit = (stated.value, stated.unit) if stated else default_radius(c.country, excluded)
    if stated and (q := check_radius(stated, c.name, path)):
        flags.append(q)
    return {"key": c.key, "name": c.name, "country": c.country, "radius": number(radius),
            "distance_unit": unit}
