"""Excluded places: where each one goes, and a question when it cannot go anywhere.

A country excluded from a list or group leaves the list (Meta cannot exclude a country the
same spec includes); from a Meta group ("worldwide except China") it goes to
`excluded_geo_locations.countries`. A region or city inside an included place goes to
`excluded_geo_locations`; one already on the list leaves it ("the West Coast minus Oregon").
A city in the state of a targeted city with a radius ("LA and SF but not Oakland") may lie
inside the radius and is excluded as said. Any other place in a targeted country but outside
the targeted areas ("Texas but not Portland") excludes nothing and is a warning; one outside every targeted country
("the US except Quebec") is a question, as is "everywhere except Texas" (the world or the US?).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.orchestrator.planning import WHO, Question
from agents.orchestrator.planning.catalog import geo, norm
from agents.orchestrator.planning.geo.groups import GROUPS
from agents.orchestrator.planning.geo.radius import Radius, city_entry
from agents.orchestrator.planning.geo.scan import EXCLUDED, GEO, Cand, Mention

if TYPE_CHECKING:
    from agents.orchestrator.planning.geo.result import GeoResult



def exclude(res: GeoResult, exc: list[Mention], groups: list[Any], radii: list[Radius],
             world: str, cities: list[Cand]) -> None:
    """Place every excluded mention (module docstring) and check it lies inside the target.

    `cities` are the targeted cities' candidates (their regions tell "in the same state").
    """
    for g in groups:
        for country, name in g.excluded_regions:
            res.excluded_regions += [r for r in _regions(country, name)
                                     if r not in res.excluded_regions]
    targeted = [*[Cand("country", c, c, c) for c in res.countries],
                *[Cand("region", r["key"], r["name"], r["country"]) for r in res.regions]]
    meta_groups = bool(res.country_groups) or bool(world)
    for m in exc:
        c = m.chosen
        assert c is not None
        if c.kind == "group":  # "not the Maritimes": each of its countries or regions
            g = GROUPS[c.key]
            for code in g.countries:
                _exclude_country(res, code, m, groups, meta_groups)
            for country, name in g.regions:
                for r in _regions(country, name):
                    _exclude_place(res, Cand("region", r["key"], r["name"], country), m, radii,
                                   world, targeted, meta_groups, cities)
            continue
        if c.kind == "country":
            _exclude_country(res, c.key, m, groups, meta_groups)
            continue
        _exclude_place(res, c, m, radii, world, targeted, meta_groups, cities)


def _exclude_place(res: GeoResult, c: Cand, m: Mention, radii: list[Radius], world: str,
                   targeted: list[Cand], meta_groups: bool, cities: list[Cand]) -> None:
    """Place an excluded region or city: off the list, into excluded_geo_locations, or asked."""
    listed = res.regions if c.kind == "region" else res.cities
    same = [x for x in listed if x["key"] == c.key]
    if same:  # "the West Coast minus Oregon": out of the list, as with countries
        for x in same:
            listed.remove(x)
        return
    if world == "weak" and not res.geo_locations():  # "everywhere except Texas"
        res.flags.append(Question(
            GEO, f"‘{m.raw}’ is to be left out of ‘everywhere’: the whole world, or everywhere "
            f"in {_country_name(c.country)}?", kind="ambiguous", phrase=m.raw, affects=WHO))
    with_radius = {x["key"] for x in res.cities if x.get("radius")}
    if c.kind == "city" and any(t.key in with_radius and t.region == c.region
                                and t.country == c.country for t in cities):
        # "LA and SF but not Oakland": a city in the state of a targeted city may lie inside
        # its radius (the catalogue has no coordinates to tell), so it is left out as said
        res.excluded_cities.append(city_entry(res.flags, c, m, radii, set(), EXCLUDED,
                                               excluded=True))
        return
    if not (meta_groups or any(c.inside(t) for t in targeted)):
        if c.country in res.all_countries():  # "Austin and Dallas but not Houston"
            res.warnings.append(f"‘{m.raw}’ is excluded, but the ads do not target it anyway")
            return
        where = ", ".join([*res.countries, *(r["name"] for r in res.regions),
                           *(x["name"] for x in res.cities)]) or "no place yet"
        res.flags.append(Question(
            EXCLUDED, f"‘{m.raw}’ is to be left out, but it is not inside the places the ads "
            f"target ({where}). Which places should the ads reach, and what should they leave "
            "out?", kind="conflict", phrase=m.raw, affects=WHO))
        return
    if c.kind == "region":
        entry = {"key": c.key, "name": c.name, "country": c.country}
        if entry not in res.excluded_regions:
            res.excluded_regions.append(entry)
    else:
        res.excluded_cities.append(city_entry(res.flags, c, m, radii, set(), EXCLUDED,
                                               excluded=True))


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
    return [{"key": str(r["key"]), "name": r["name"], "country": r["country_code"]}
            for r in geo().regions.get(norm(name), []) if r["country_code"] == country]


def _country_name(code: str) -> str:
    return str(geo().countries.get(code, {}).get("name", code)).removesuffix(" (country)")
