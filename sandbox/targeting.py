"""Targeting-spec rules (docs/meta-api-facts.md §3.6): geography, radii, location types, ages, genders, detailed targeting, languages.

Detailed targeting beyond interests (docs/facts-audiences.md §7): `flexible_spec` groups and
`exclusions` take only the SDK's FlexibleTargeting keys; behaviours, life events, industries,
income, family statuses and job titles must be ids from targeting search
(`sandbox/data/targeting_categories.json`), employers from `data/employers.json`, and
education and relationship statuses whole numbers; `locales` keys come from
`GET /search?type=adlocale`.

Places: country codes, region and city keys must be in `sandbox/data/geo.json` (Meta's real keys
where a public source shows them, e.g. New York 2490299); a country Meta serves no ads to is
error 2641 in `geo_locations` and `excluded_geo_locations` alike.
"""

from __future__ import annotations

from typing import Any

from facebook_business.adobjects.flexibletargeting import FlexibleTargeting

from sandbox.catalog import geo, interests
from sandbox.enums import EU_COUNTRIES, values
from sandbox.errors import GraphError, invalid
from sandbox.targeting_search import categories, employers, locales

_GEO_KEYS = (
    "countries",
    "regions",
    "cities",
    "zips",
    "places",
    "custom_locations",
    "geo_markets",
    "country_groups",
    "electoral_districts",
    "medium_geo_areas",
    "large_geo_areas",
    "metro_areas",
    "neighborhoods",
    "subcities",
)
_LIST_CAPS = {"regions": 200, "cities": 250, "zips": 50_000, "places": 200, "custom_locations": 200}
_RADIUS: dict[str, dict[str, tuple[float, float]]] = {  # kind -> unit -> (min, max)
    "cities": {"mile": (10, 50), "kilometer": (17, 80)},
    "custom_locations": {"mile": (0.63, 50), "kilometer": (1, 80)},
    "places": {"mile": (0.63, 50), "kilometer": (1, 80)},
}
# Countries Meta serves no ads to (comprehensive sanctions; Russia since March 2022). Naming one in
# geo_locations or excluded_geo_locations is error 2641, which the delivery_estimate and
# reachestimate references list. The list is the sandbox's reading, not a table Meta publishes.
RESTRICTED_COUNTRIES = frozenset({"CU", "IR", "KP", "SY", "RU"})
_PLATFORMS = {"facebook", "instagram", "audience_network", "messenger", "threads", "whatsapp"}
_DEVICES = {"mobile", "desktop", "connected_tv"}


def _t(field: str) -> list[str]:
    return ["targeting", field]


def _fail(
    msg: str, field: str, subcode: int | None = None, title: str = "Invalid Targeting"
) -> GraphError:
    err = invalid(msg, subcode=subcode, title=title)
    err.blame_field_specs = [_t(field)]
    return err


def check_targeting(t: dict[str, Any], *, restricted: bool = False) -> None:
    """Raise Meta's error for the first rule the spec breaks."""
    geo_spec = t.get("geo_locations")
    if not isinstance(geo_spec, dict) or not any(geo_spec.get(k) for k in _GEO_KEYS):
        if not t.get("custom_audiences"):
            raise _fail(
                "Your audience needs a location: add targeting.geo_locations with countries, "
                "regions, cities, zips or custom_locations.",
                "geo_locations",
                title="Location Required",
            )
        geo_spec = geo_spec if isinstance(geo_spec, dict) else {}
    _check_geo(geo_spec)
    excluded = t.get("excluded_geo_locations")
    if excluded is not None:
        if not isinstance(excluded, dict):
            raise _fail("excluded_geo_locations must be an object like geo_locations.",
                        "excluded_geo_locations")
        _check_geo(excluded)
    _check_demographics(t, restricted)
    _check_interests(t)
    _check_detailed(t)
    _check_locales(t)
    for key, allowed in (("publisher_platforms", _PLATFORMS), ("device_platforms", _DEVICES)):
        bad = [v for v in t.get(key) or [] if v not in allowed]
        if bad:
            raise _fail(f"targeting.{key} values {bad} are not valid; use {sorted(allowed)}.", key)


def _check_geo(g: dict[str, Any]) -> None:
    cat = geo()
    for key, cap in _LIST_CAPS.items():
        if len(g.get(key) or []) > cap:
            raise _fail(f"geo_locations.{key} may hold at most {cap} entries.", "geo_locations")
    for cc in g.get("countries") or []:
        if cc in RESTRICTED_COUNTRIES:
            raise GraphError(
                2641, "(#2641) Your ad includes or excludes locations that are currently restricted",
                user_title="Restricted Location",
                user_msg=f"Ads cannot include or exclude {cc}: remove it from the targeting's "
                         "geo_locations and excluded_geo_locations.",
                blame_field_specs=[_t("geo_locations")],
            )
        if not isinstance(cc, str) or (cat["country"] and cc not in cat["country"]):
            raise _fail(
                f"{cc!r} is not a valid country code; use ISO 3166 alpha-2 codes such as US or DE.",
                "geo_locations",
            )
    for kind in ("regions", "cities"):
        known = cat["region" if kind == "regions" else "city"]
        for loc in g.get(kind) or []:
            key = str(loc.get("key", "")) if isinstance(loc, dict) else ""
            if not key or (known and key not in known):
                raise _fail(
                    f"geo_locations.{kind} key {key!r} is not a known location; look keys up with "
                    "GET /search?type=adgeolocation.",
                    "geo_locations",
                )
            if kind == "regions" and "radius" in loc:
                raise _fail(
                    "A radius cannot be used with regions; use cities or custom_locations.",
                    "geo_locations",
                    subcode=1815946,
                )
    units: dict[str, tuple[float, float]]
    for kind, units in _RADIUS.items():
        for loc in g.get(kind) or []:
            if not isinstance(loc, dict):
                raise _fail(f"geo_locations.{kind} entries must be objects.", "geo_locations")
            if kind == "custom_locations" and not (
                ("latitude" in loc and "longitude" in loc) or loc.get("address_string")
            ):
                raise _fail(
                    "custom_locations need latitude and longitude (or address_string).",
                    "geo_locations",
                )
            if "radius" not in loc:
                continue
            unit = loc.get("distance_unit", "mile")
            if unit not in units:
                raise _fail("distance_unit must be mile or kilometer.", "geo_locations")
            lo, hi = units[unit]
            try:
                radius = float(loc["radius"])
            except (TypeError, ValueError):
                radius = -1.0
            if not lo <= radius <= hi:
                raise _fail(
                    f"The radius {loc['radius']} {unit} for {kind} is out of range; use "
                    f"{lo}-{hi} {unit}s.",
                    "geo_locations",
                    title="Invalid Radius",
                )
    types = g.get("location_types")
    if types is not None:
        if "travel_in" in types:
            raise _fail(
                "The location_types value travel_in is no longer supported; remove it "
                '(use ["home", "recent"]).',
                "geo_locations",
                subcode=1870199,
            )
        bad = [v for v in types if v not in ("home", "recent")]
        if bad:
            raise _fail(
                f"location_types {bad} are not valid; use home and/or recent.", "geo_locations"
            )


def _check_demographics(t: dict[str, Any], restricted: bool) -> None:
    age_min, age_max = t.get("age_min", 18), t.get("age_max", 65)
    for name, value in (("age_min", age_min), ("age_max", age_max)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(f"targeting.{name} must be a whole number.", name)
    if age_min < 13:
        raise _fail("targeting.age_min must be at least 13.", "age_min")
    if age_max > 65:
        raise _fail("targeting.age_max must be at most 65 (65 means 65+).", "age_max")
    if age_min > age_max:
        raise _fail("targeting.age_min must not be greater than age_max.", "age_min")
    if age_min < 18 and targets_eu(t):
        raise _fail(
            "People under 18 cannot be targeted in the EU/EEA; set age_min to 18 or more.",
            "age_min",
            subcode=3858064,
        )
    genders = t.get("genders")
    if genders is not None and (
        not isinstance(genders, list) or any(g not in (1, 2) for g in genders)
    ):
        raise _fail(
            "targeting.genders must be [1] (men), [2] (women) or omitted for all.", "genders"
        )
    if restricted and (age_min != 18 or age_max != 65 or genders):
        raise _fail(
            "Campaigns in a special ad category (housing, employment, credit, financial "
            "products) must target ages 18-65 and all genders.",
            "age_min",
            title="Special Ad Category Restriction",
        )


def _check_interests(t: dict[str, Any]) -> None:
    known = interests()
    groups = [t] + [g for g in t.get("flexible_spec") or [] if isinstance(g, dict)]
    groups += [t["exclusions"]] if isinstance(t.get("exclusions"), dict) else []
    age_min = t.get("age_min", 18)
    if isinstance(age_min, int) and age_min < 18 and any(g.get("interests") for g in groups):
        raise _fail("Detailed targeting options such as interests are not available when "
                    "targeting people under 18.", "flexible_spec", subcode=1870165)
    for group in groups:
        for item in group.get("interests") or []:
            iid = str(item.get("id", "")) if isinstance(item, dict) else str(item)
            if not iid.isdigit() or (known and iid not in known):
                raise _fail(
                    f"The interest id {iid!r} is not valid; look interests up with "
                    "GET /search?type=adinterest&q=...",
                    "flexible_spec",
                    title="Invalid Interest",
                )


def targets_eu(t: dict[str, Any]) -> bool:
    """Return true when the spec's geography includes an EU/EEA country."""
    g = t.get("geo_locations") or {}
    codes = set(g.get("countries") or [])
    cat = geo()
    for kind, table in (("regions", "region"), ("cities", "city")):
        for loc in g.get(kind) or []:
            if isinstance(loc, dict):
                entry = cat[table].get(str(loc.get("key")))
                if entry:
                    codes.add(entry.get("country_code"))
    if "eea" in (g.get("country_groups") or []) or "europe" in (g.get("country_groups") or []):
        return True
    return bool(codes & EU_COUNTRIES)


FLEX_KEYS = values(FlexibleTargeting.Field)
CATEGORY_KEYS = ("behaviors", "life_events", "industries", "income", "family_statuses",
                 "work_positions", "work_employers")
NUMBER_KEYS = ("education_statuses", "relationship_statuses")


def _known() -> dict[str, set[str]]:
    known: dict[str, set[str]] = {k: set() for k in (*CATEGORY_KEYS, *NUMBER_KEYS)}
    for row in categories():
        known.setdefault(row["type"], set()).add(str(row["id"]))
    known["work_employers"] = {str(e["id"]) for e in employers()}
    return known


def _check_detailed(t: dict[str, Any]) -> None:
    groups: list[tuple[str, Any]] = [("flexible_spec", g) for g in t.get("flexible_spec") or []]
    if t.get("exclusions") is not None:
        groups.append(("exclusions", t["exclusions"]))
    for where, group in groups:
        if not isinstance(group, dict):
            raise _fail(f"Each {where} entry must be an object such as "
                        '{"behaviors": [{"id": "...", "name": "..."}]}.', where)
        bad = sorted(set(group) - FLEX_KEYS)
        if bad:
            raise _fail(f"{where} has keys Meta does not take: {bad}; use interests, behaviors, "
                        "life_events, industries, work_positions, ...", where)
    known = _known()
    age_min = t.get("age_min", 18)
    for where, group in [("flexible_spec", t), *groups]:
        used = [k for k in (*CATEGORY_KEYS, *NUMBER_KEYS) if group.get(k)]
        if used and isinstance(age_min, int) and age_min < 18:
            raise _fail("Detailed targeting options are not available when targeting people "
                        "under 18.", where, subcode=1870165)
        for key in CATEGORY_KEYS:
            for item in group.get(key) or []:
                iid = str(item.get("id", "")) if isinstance(item, dict) else str(item)
                if known[key] and iid not in known[key]:
                    look = ("type=adworkemployer&q=..." if key == "work_employers"
                            else f"type=adTargetingCategory&class={key}")
                    raise _fail(f"The {key} id {iid!r} is not a valid targeting option; look "
                                f"it up with GET /search?{look}.", where,
                                title="Invalid Targeting Option")
        for key in NUMBER_KEYS:
            for value in group.get(key) or []:
                if (not isinstance(value, int) or isinstance(value, bool)
                        or (known[key] and str(value) not in known[key])):
                    raise _fail(f"{key} takes the whole numbers targeting search returns (e.g. "
                                f"[1, 2]), not {value!r}.", where,
                                title="Invalid Targeting Option")


def _check_locales(t: dict[str, Any]) -> None:
    keys = {int(loc["key"]) for loc in locales()}
    for value in t.get("locales") or []:
        try:
            key = int(value)
        except (TypeError, ValueError):
            key = -1
        if isinstance(value, bool) or (keys and key not in keys):
            raise _fail(f"The locale key {value!r} is not valid; look language keys up with "
                        "GET /search?type=adlocale&q=<language>.", "locales")
