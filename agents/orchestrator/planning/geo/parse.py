"""Find locations in a brief: countries, regions, cities with a radius, groups, exclusions.

`find_geo(text, currency)` reads places the way people write them and returns Meta's
`geo_locations` and `excluded_geo_locations` pieces, with a question for anything it cannot
settle (`flags`), a note for anything a rule changed (`adjustments`) and the words it read
(`spans`). The steps, each in its module:

- `geo_scan`: names, aliases, state/province and country codes, demonyms, groups; what is not
  a target (quoted copy, company names, addresses, signatures, "US$50", "Paris-inspired").
- `geo_context`: qualifiers ("Portland, OR"), exclusions however phrased, the business's own
  place, "all of"/"-wide"/"the whole state", part of a place ("Southern California"), and the
  choice between places of one name (context, currency, US Census division) or a question.
- `geo_scope`: the whole world, "nationwide", groups the brief defines, "scratch that".
- `geo_radius`: radii bound to their city, or said once for all; outside Meta's range: asked.
- `geo_exclude`: where each excluded place goes (Meta cannot exclude a country the same spec
  lists, so it leaves the list), or a warning / question when it lies outside the target.
- `geo_unknown`: places the catalogue lacks, and goal-word look-alikes ("get leeds").
- Here: overlaps (Meta refuses a place inside another in one spec). "all of Florida" beside
  Tampa, or the business's own or an example city inside the targeted area, keeps the area;
  otherwise the brief is asked which is meant ("only Bordeaux" or "all of France" tells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.orchestrator.planning import WHO, Adjustment, Question
from agents.orchestrator.planning.cues import ANSWER_LINE, listed
from agents.orchestrator.planning.geo.context import (
    currencies,
    link_qualifiers,
    mark_roles,
    resolve,
)
from agents.orchestrator.planning.geo.exclude import exclude
from agents.orchestrator.planning.geo.groups import GROUPS, WORLD
from agents.orchestrator.planning.geo.radius import (
    LOOSE_RADIUS,
    RADIUS_BEFORE,
    Radius,
    city_entry,
    find_radii,
)
from agents.orchestrator.planning.geo.result import GeoResult
from agents.orchestrator.planning.geo.scan import (
    GEO,
    PLACE_CUE,
    Cand,
    Mention,
    country_cand,
    mask_non_targets,
    name_table,
    scan,
    standalone_code_ok,
)
from agents.orchestrator.planning.geo.scope import (
    defined_groups,
    nationwide,
    retractions,
    whole_world,
)
from agents.orchestrator.planning.geo.unknown import ask_unknown, find_unknown, goal_homographs

__all__ = ["LOOSE_RADIUS", "RADIUS_BEFORE", "GeoResult", "find_geo"]


@dataclass
class _Place:
    cand: Cand
    mention: Mention | None  # None: from a group ("the EU")
    home: str = ""  # "strong" / "weak" when every mention of it says where the business is
    example: bool = False  # every mention an example inside a wider area ("especially X")

    @property
    def broad(self) -> bool:
        """Whether the brief says to cover all of it ("all of Texas", or a group's member)."""
        return self.mention is None or self.mention.coverage


def find_geo(text: str, currency: str = "USD") -> GeoResult:
    """Return every location the brief names (see the module docstring for the rules)."""
    res = GeoResult()
    clean = mask_non_targets(text)
    ms = scan(clean)
    link_qualifiers(clean, ms)
    ms = [m for m in ms if m.role == "qualifier" or (_keep_code(clean, m) and not (
        m.tentative and not m.qualified_by))]  # "Phoenix AZ" yes, "Phoenix rising" no
    res.spans += mark_roles(clean, ms)
    notes, spans, gone = retractions(clean, ms)
    res.adjustments += notes
    res.spans += spans
    unknown = [u for u in find_unknown(clean, ms)  # "Delhi and Gurgaon... actually just X"
               if not any(a <= u[1][0] < b for a, b in gone)]
    ms = goal_homographs(clean, ms, res)
    res.flags += resolve(ms, currencies(clean, currency))
    res.flags += [Question(GEO, f"‘{m.part}’ is only part of {m.chosen.name}, and Meta targets "
                           f"whole regions and countries, or cities with a radius. Which cities "
                           f"(with a radius), or all of {m.chosen.name}?", kind="not_understood",
                           phrase=m.part, affects=WHO)
                  for m in ms if m.part and m.chosen and m.role in ("include", "exclude")]
    res.spans += [m.span for m in ms]
    defined = defined_groups(clean, ms, res)
    radii = find_radii(clean, ms)
    res.spans += [r.span for r in radii]
    inc = [m for m in ms if m.role == "include" and m.chosen]
    exc = [m for m in ms if m.role == "exclude" and m.chosen]
    world = whole_world(clean, ms, res, bool(inc))
    places = _expand(inc, defined, res)
    if wide := nationwide(clean, {p.cand.country for p in places},
                          any(p.cand.kind == "country" for p in places)):
        places.append(_Place(country_cand(wide[0]), None))
        res.spans.append(wide[1])
    said_only = {id(m) for m in inc if ONLY_BEFORE.search(clean[max(0, m.start - 25):m.start])}
    places = _overlaps(places, res, clean, said_only)
    _only_conflict(inc, places, res, clean, said_only)
    _fill(res, places, radii)
    groups = [GROUPS[m.chosen.key] for m in inc if m.chosen and m.chosen.kind == "group"]
    exclude(res, exc, groups, radii, world, [p.cand for p in places if p.cand.kind == "city"])
    if world and not res.geo_locations():
        res.country_groups = [WORLD.meta_group or "worldwide"]
    ask_unknown(res, unknown)
    return res


def _keep_code(text: str, m: Mention) -> bool:
    """Keep a state code alone only when it is no country code or English word ("TX").

    "CA" after no city is Canada, and then only after a place cue ("US + CA").
    """
    if m.via != "code":
        return True
    if standalone_code_ok(m):
        if any(c.kind != "region" for c in m.cands):  # "LA" is Los Angeles, not Louisiana
            m.cands = [c for c in m.cands if c.kind != "region"]
        return True
    m.cands = [c for c in m.cands if c.kind == "country"]
    return bool(m.cands) and bool(PLACE_CUE.search(text[max(0, m.start - 12):m.start]))


def _expand(inc: list[Mention], defined: set[str], res: GeoResult) -> list[_Place]:
    """Included mentions → places; groups become their countries or regions."""
    places: list[_Place] = []
    table = name_table()[1]
    for m in inc:
        c = m.chosen
        assert c is not None
        if c.kind != "group":
            places.append(_Place(c, m))
            continue
        g = GROUPS[c.key]
        if g.label in defined:
            continue
        if g.meta_group:
            if g.meta_group not in res.country_groups:
                res.country_groups.append(g.meta_group)
            continue
        places += [_Place(country_cand(code), None) for code in g.countries]
        for country, name in g.regions:
            hits = [x for x in table.get(name.lower(), []) if x.kind == "region"
                    and x.country == country]
            places += [_Place(hits[0], None)] if hits else []
    return places


LABEL_AFTER = re.compile(r"\s*(?::|—|–|-{1,2}|\()\s*")
ONLY_BEFORE = re.compile(r"\b(?:(?:only|just|solely)\s+(?:(?:in|around|near|within)\s+)?|(?:nobody|"
                         r"no\s+one|no-one|noone)\s+outside\s+(?:of\s+)?)(?:the\s+)?$", re.I)


def _overlaps(places: list[_Place], res: GeoResult, text: str, said_only: set[int]
              ) -> list[_Place]:
    """Meta refuses a place inside another: keep the one the brief means (module docstring).

    With nothing to tell which is meant, the brief is asked; "only Bordeaux" tells
    (`said_only`: the ids of the mentions said with "only").
    """
    seen: dict[tuple[str, str], _Place] = {}
    only: set[tuple[str, str]] = set()  # places said with "only" ("only Bordeaux")
    for p in places:
        m = p.mention
        if m and id(m) in said_only:
            only.add((p.cand.kind, p.cand.key))
        p.home, p.example = (m.home, m.example) if m else ("", False)
        first = seen.setdefault((p.cand.kind, p.cand.key), p)
        if first is not p:  # named twice: context only if both times
            first.home = first.home if p.home else ""
            first.example = first.example and p.example
            if m and m.coverage and first.mention:
                first.mention.coverage = True
    keep = list(seen.values())
    targets = [p for p in keep if not p.home]
    drop: set[int] = set()
    for p in keep:
        outers = [o for o in keep if p.cand.inside(o.cand)]
        if not outers:
            if p.home == "strong" and targets:  # "we're DC-based; target Maryland"
                drop.add(id(p))
                res.adjustments.append(Adjustment(
                    GEO, p.cand.name, None, f"‘{p.mention.raw if p.mention else p.cand.name}’ "
                    "read as where the business is or delivers, not as a place to target: the "
                    "brief names other places to target"))
            continue
        o = outers[0]
        if o.home and not p.home:
            drop.add(id(o))  # "we ship anywhere in the US; ads in California": the target
        elif o.broad or p.home or p.example:
            drop.add(id(p))
        elif (p.cand.kind, p.cand.key) in only:
            drop.add(id(o))  # "only Bordeaux": the narrower place is the one meant
        elif o.mention and p.mention and p.mention.start > o.mention.end and \
                LABEL_AFTER.match(text, o.mention.end):
            # "India -- Maharashtra, Karnataka", "Japan: Kyoto and Osaka": the country heads
            # the list of places inside it
            if id(o) not in drop:
                res.adjustments.append(Adjustment(
                    GEO, o.cand.name, p.cand.name, f"‘{o.mention.raw}’ read as the country of "
                    "the places listed after it, not as a place to target in full"))
            drop.add(id(o))
        else:
            drop.add(id(o))
            res.flags.append(Question(
                GEO, f"The brief names {o.cand.name} and {p.cand.name}, which lies in it; Meta "
                f"cannot target both in one ad set. Target all of {o.cand.name}, or only "
                f"{p.cand.name}? (e.g. 'all of {o.cand.name}' or 'only {p.cand.name}')",
                kind="ambiguous", phrase=f"{o.cand.name} … {p.cand.name}", affects=WHO))
    return [p for p in keep if id(p) not in drop]


ALL_ANSWER = re.compile(ANSWER_LINE + r"\s*(?:(?:target|keep|go\s+with|use)\s+)?"
                        r"(?:all|both|every(?:thing|where)?)\b[^\n]{0,30}", re.I)


def _only_conflict(inc: list[Mention], places: list[_Place], res: GeoResult, text: str,
                   said_only: set[int]) -> None:
    """Ask when "only X" stands beside other places said apart ("US and Canada. Only the US.").

    Places listed right after "only" belong to it ("only the US and Canada").
    """
    only: list[Mention] = []
    for m in sorted(inc, key=lambda m: m.start):
        if id(m) in said_only or (only and listed(text, only[-1].end, m.start)):
            only.append(m)
    cands = [m.chosen for m in only if m.chosen]
    if not cands:
        return
    others = [p for p in places if not p.home and not p.example and not any(
        (p.cand.kind, p.cand.key) == (c.kind, c.key) or p.cand.inside(c) for c in cands)]
    settled = ALL_ANSWER.search(text, only[-1].end)  # "Answer: all of them"
    if others and settled:
        res.spans.append(settled.span())
    elif others:
        named = ", ".join(p.mention.raw if p.mention else p.cand.name for p in others)
        phrase = text[only[0].start:only[-1].end]
        res.flags.append(Question(
            GEO, f"The brief names {named}, and also says only {phrase}. Target only "
            f"{phrase}, or all of them?", kind="conflict", phrase=phrase, affects=WHO))


def _fill(res: GeoResult, places: list[_Place], radii: list[Radius]) -> None:
    loose = {(r.value, r.unit) for r in radii if r.mention is None}
    for p in places:
        c = p.cand
        if c.kind == "country":
            res.countries.append(c.key)
        elif c.kind == "region":
            res.regions.append({"key": c.key, "name": c.name, "country": c.country})
        elif c.kind == "city":
            res.cities.append(city_entry(res.flags, c, p.mention, radii, loose, GEO))
