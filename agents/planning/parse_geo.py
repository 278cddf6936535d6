"""Find locations in a brief: countries, regions, cities with a radius, groups, exclusions.

`find_geo(text, currency)` reads places the way people write them and returns Meta's
`geo_locations` and `excluded_geo_locations` pieces, with a question for anything it cannot
settle (`flags`) and a note for anything a rule changed (`adjustments`):

- Names, codes, groups and demonyms: `geo_scan`; qualifiers, exclusions, the business's own
  place, "all of" and ambiguous names: `geo_context`; radii: `geo_radius`; groups: `geo_groups`.
- "everywhere in the US", "all of X", "nationwide" are X; "worldwide" only when the brief
  names no other place ("worldwide" beside another place is a question, "everywhere" and
  "global" then mean nothing).
- Exclusions: a country excluded from a list or group ("EU except Hungary", "Nordics but skip
  Iceland") leaves the list — Meta cannot exclude a country the same spec includes; a region
  or city inside an included place goes to `excluded_geo_locations`; an excluded country
  outside what is targeted is a warning, an excluded region or city outside it a question.
- Overlaps (Meta refuses a place inside another in one spec): "all of Florida" beside Tampa,
  or the business's own city inside the targeted area, keeps the area; otherwise the narrower
  place is kept and the change is an adjustment on the card.
- A place the catalogue does not know, named beside places it knows ("Boise and Twin Falls"),
  is a question naming it; a lower-case place name where a goal word belongs ("get leeds for
  our roofing company in florida") is not read as a place (a question if it was the only one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.planning import WHO, Adjustment, Question
from agents.planning.geo_context import (
    currencies,
    link_qualifiers,
    mark_roles,
    resolve,
    retractions,
)
from agents.planning.geo_groups import DEFINED_BY, GROUPS, WE_MEAN, WORLD, WORLD_STRONG, WORLD_WEAK
from agents.planning.geo_radius import (
    LOOSE_RADIUS,
    RADIUS_BEFORE,
    Radius,
    check_radius,
    default_radius,
    find_radii,
    number,
)
from agents.planning.geo_scan import (
    PLACE_CUE,
    Cand,
    Mention,
    mask_non_targets,
    scan,
    standalone_code_ok,
)
from agents.planning.geo_unknown import ask_unknown, find_unknown, goal_homographs

__all__ = ["LOOSE_RADIUS", "RADIUS_BEFORE", "GeoResult", "find_geo"]
GEO = "ad_sets[0].targeting.geo_locations"
EXCLUDED = "ad_sets[0].targeting.excluded_geo_locations"


@dataclass
class GeoResult:
    """Locations found in the brief, as Meta's geo_locations pieces, plus notes."""

    countries: list[str] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    cities: list[dict[str, Any]] = field(default_factory=list)
    country_groups: list[str] = field(default_factory=list)
    excluded_countries: list[str] = field(default_factory=list)
    excluded_regions: list[dict[str, Any]] = field(default_factory=list)
    excluded_cities: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # place-like names the catalogue lacks

    def geo_locations(self) -> dict[str, Any]:
        """Return Meta's geo_locations dict (empty lists dropped)."""
        out: dict[str, Any] = {"countries": self.countries, "regions": self.regions,
                               "cities": self.cities, "country_groups": self.country_groups}
        return {k: v for k, v in out.items() if v}

    def excluded_geo_locations(self) -> dict[str, Any]:
        """Return Meta's excluded_geo_locations dict (empty when nothing is excluded)."""
        out = {"countries": self.excluded_countries, "regions": self.excluded_regions,
               "cities": self.excluded_cities}
        return {k: v for k, v in out.items() if v}

    def all_countries(self) -> set[str]:
        """Countries targeted directly or through a region or city."""
        return set(self.countries) | {r["country"] for r in self.regions} | \
            {c["country"] for c in self.cities}


@dataclass
class _Place:
    cand: Cand
    mention: Mention | None
    radius: Radius | None = None


def find_geo(text: str, currency: str = "USD") -> GeoResult:
    """Return every location the brief names (see the module docstring for the rules)."""
    res = GeoResult()
    clean = mask_non_targets(text)
    ms = scan(clean)
    link_qualifiers(clean, ms)
    ms = [m for m in ms if m.role == "qualifier" or _keep_code(clean, m)]
    res.spans += mark_roles(clean, ms)
    notes, spans = retractions(clean, ms)
    res.adjustments += notes
    res.spans += spans
    unknown = find_unknown(clean, ms)
    ms = goal_homographs(clean, ms, res)
    res.flags += resolve(ms, currencies(clean, currency))
    res.spans += [m.span for m in ms]
    defined = _defined_groups(clean, ms, res)
    radii = find_radii(clean, ms)
    res.spans += [r.span for r in radii]
    inc = [m for m in ms if m.role == "include" and m.chosen]
    exc = [m for m in ms if m.role == "exclude" and m.chosen]
    world = _world(clean, ms, res, bool(inc))
    places = _expand(inc, defined, res)
    places = _overlaps(places, res)
    _fill(res, places, radii)
    groups = [GROUPS[m.chosen.key] for m in inc if m.chosen and m.chosen.kind == "group"]
    _exclude(res, exc, groups, radii, world)
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


def _defined_groups(text: str, ms: list[Mention], res: GeoResult) -> set[str]:
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


def _world(text: str, ms: list[Mention], res: GeoResult, named: bool) -> bool:
    """Whether the brief means the whole world; "everywhere in X" is X."""
    world = False
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
                world = True
            elif strong:
                res.flags.append(Question(
                    GEO, f"The brief says ‘{w.group(0)}’ but also names places. Should the ads "
                    "run worldwide, or only in the places named?", kind="conflict",
                    phrase=w.group(0), affects=WHO))
    return world


def _expand(inc: list[Mention], defined: set[str], res: GeoResult) -> list[_Place]:
    """Included mentions → places; groups become their countries or regions."""
    from agents.planning.geo_scan import country_cand, name_table

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


def _overlaps(places: list[_Place], res: GeoResult) -> list[_Place]:
    """Meta refuses a place inside another: keep the one the brief means (module docstring)."""
    seen: dict[tuple[str, str], _Place] = {}
    for p in places:
        seen.setdefault((p.cand.kind, p.cand.key), p)
    keep = list(seen.values())
    drop: set[int] = set()
    for p in keep:
        outers = [o for o in keep if p.cand.inside(o.cand)]
        if not outers:
            continue
        o = outers[0]
        if o.mention is None or o.mention.coverage or (p.mention and (p.mention.home or
                                                                      p.mention.example)):
            drop.add(id(p))
        else:
            drop.add(id(o))
            res.adjustments.append(Adjustment(
                GEO, o.cand.name, p.cand.name, f"Meta refuses a place inside another one in the "
                f"same ad set: kept {p.cand.name}, left out the rest of {o.cand.name} (say "
                f"'all of {o.cand.name}' to target all of it)"))
    return [p for p in keep if id(p) not in drop]


def _fill(res: GeoResult, places: list[_Place], radii: list[Radius]) -> None:
    loose = {(r.value, r.unit) for r in radii if r.mention is None}
    for p in places:
        c = p.cand
        if c.kind == "country":
            res.countries.append(c.key)
        elif c.kind == "region":
            res.regions.append({"key": c.key, "name": c.name, "country": c.country})
        elif c.kind == "city":
            res.cities.append(_city(res, c, p.mention, radii, loose, GEO))


def _city(res: GeoResult, c: Cand, m: Mention | None, radii: list[Radius],
          loose: set[tuple[float, str]], path: str, excluded: bool = False) -> dict[str, Any]:
    own = [r for r in radii if m is not None and r.mention is not None and
           r.mention.chosen == c]
    free = [r for r in radii if r.mention is None]
    stated = own[0] if own else free[0] if len(loose) == 1 and not excluded else None
    radius, unit = (stated.value, stated.unit) if stated else default_radius(c.country, excluded)
    if stated and (q := check_radius(stated, c.name, path)):
        res.flags.append(q)
    return {"key": c.key, "name": c.name, "country": c.country, "radius": number(radius),
            "distance_unit": unit}


def _exclude(res: GeoResult, exc: list[Mention], groups: list[Any], radii: list[Radius],
             world: bool) -> None:
    """Place every excluded mention (module docstring) and check it lies inside the target."""
    for g in groups:
        for country, name in g.excluded_regions:
            res.excluded_regions += [r for r in _regions(country, name)
                                     if r not in res.excluded_regions]
    targeted = [*[Cand("country", c, c, c) for c in res.countries],
                *[Cand("region", r["key"], r["name"], r["country"]) for r in res.regions]]
    meta_groups = bool(res.country_groups) or world
    for m in exc:
        c = m.chosen
        assert c is not None
        if c.kind == "group":
            g = GROUPS[c.key]
            for code in g.countries:
                _exclude_country(res, code, m, groups, meta_groups)
            continue
        if c.kind == "country":
            _exclude_country(res, c.key, m, groups, meta_groups)
            continue
        inside = meta_groups or any(c.inside(t) for t in targeted)
        if not inside:
            where = ", ".join([*res.countries, *(r["name"] for r in res.regions),
                               *(x["name"] for x in res.cities)]) or "no place yet"
            res.flags.append(Question(
                EXCLUDED, f"‘{m.raw}’ is to be left out, but it is not inside the places the ads "
                f"target ({where}). Which places should the ads reach, and what should they "
                "leave out?", kind="conflict", phrase=m.raw, affects=WHO))
            continue
        if c.kind == "region":
            entry = {"key": c.key, "name": c.name, "country": c.country}
            if entry not in res.excluded_regions:
                res.excluded_regions.append(entry)
        else:
            res.excluded_cities.append(_city(res, c, m, radii, set(), EXCLUDED, excluded=True))


def _exclude_country(res: GeoResult, code: str, m: Mention, groups: list[Any],
                     meta_groups: bool) -> None:
    if code in res.countries:
        res.countries.remove(code)  # Meta cannot exclude a country the spec also lists
        return
    if any(code in g.members for g in groups):
        return  # the brief defined its group without it
    if meta_groups:
        if code not in res.excluded_countries:
            res.excluded_countries.append(code)
        return
    if any(r["country"] == code for r in [*res.regions, *res.cities]):
        res.flags.append(Question(
            EXCLUDED, f"‘{m.raw}’ is to be left out, but the ads target places inside it. "
            "Which places should the ads reach?", kind="conflict", phrase=m.raw, affects=WHO))
        return
    res.warnings.append(f"‘{m.raw}’ is excluded, but the ads do not target it anyway")


def _regions(country: str, name: str) -> list[dict[str, Any]]:
    from agents.planning.catalog import geo

    return [{"key": str(r["key"]), "name": r["name"], "country": r["country_code"]}
            for r in geo().regions.get(name.lower(), []) if r["country_code"] == country]
