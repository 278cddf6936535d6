"""Targeting and creative checks for `validate_plan` (split out to keep modules small).

They report to a `Findings` (`state/plan_findings.py`, what `state/plan_checks.py`'s checker
offers), so this module needs only the plan models below it, not the checker above it.
"""

from __future__ import annotations

from typing import Any

from state import rules
from state.plan import CreativePlan, Targeting
from state.plan_findings import Findings

__all__ = ["Findings", "check_creative", "check_targeting"]


_GEO_KEYS = ("countries", "regions", "cities", "zips", "places", "custom_locations",
             "geo_markets", "country_groups", "electoral_districts", "medium_geo_areas",
             "large_geo_areas", "metro_areas", "neighborhoods", "subcities")


def check_targeting(ck: Findings, base: str, t: Targeting, categories: set[str]) -> None:
    """Geo, ages, genders, special-category restrictions and placements."""
    geo = t.geo_locations
    extra: dict[str, Any] = geo.model_extra or {}
    if not any(getattr(geo, k, None) or extra.get(k) for k in _GEO_KEYS):
        ck.bad(f"{base}.geo_locations", "no location to target",
               "name at least one country or city, e.g. 'in the US'", "geo_missing")
    for j, cc in enumerate(geo.countries):
        if cc not in rules.ISO_COUNTRIES:
            ck.bad(f"{base}.geo_locations.countries[{j}]", f"{cc!r} is not a country code",
                   "use a two-letter ISO code such as US, GB or DE", "geo_country")
    restricted = bool(categories & rules.RESTRICTED_TARGETING_CATEGORIES)
    for j, city in enumerate(geo.cities):
        unit = city.get("distance_unit", "mile")
        radius = city.get("radius")
        _radius(ck, f"{base}.geo_locations.cities[{j}]", city)
        if restricted and radius is not None and radius < rules.RESTRICTED_MIN_RADIUS.get(unit, 0):
            ck.bad(f"{base}.geo_locations.cities[{j}].radius", "special ad categories need a "
                   f"radius of at least {rules.RESTRICTED_MIN_RADIUS[unit]} {unit}s",
                   "widen the radius", "special_category")
    for lt in geo.location_types or []:
        if lt not in rules.LOCATION_TYPES:
            ck.bad(f"{base}.geo_locations.location_types", f"{lt!r} is not a location type",
                   "use 'home' and/or 'recent'", "geo_location_types")
    if t.excluded_geo_locations is not None:
        _excluded(ck, base, t)
    _ages(ck, base, t, geo.countries)
    for g in t.genders or []:
        if g not in rules.GENDERS:
            ck.bad(f"{base}.genders", f"gender {g!r} is not valid",
                   "use [1] for men, [2] for women, or omit for all", "genders")
    if restricted:
        _special(ck, base, t, extra)
    _placements(ck, base, t)


def _radius(ck: Findings, path: str, city: dict[str, Any]) -> None:
    unit = city.get("distance_unit", "mile")
    radius = city.get("radius")
    lo, hi = rules.CITY_RADIUS.get(unit, (10, 50))
    if unit not in rules.CITY_RADIUS:
        ck.bad(f"{path}.distance_unit", f"unknown unit {unit!r}", "use 'mile' or 'kilometer'",
               "geo_radius")
    elif radius is not None and not lo <= radius <= hi:
        ck.bad(f"{path}.radius", f"radius {radius} {unit}s is outside Meta's {lo}-{hi} range",
               f"use a radius between {lo} and {hi}", "geo_radius")


def _excluded(ck: Findings, base: str, t: Targeting) -> None:
    """Places left out: valid codes and keys, and inside what the ad set targets.

    Meta cannot exclude a country the same spec includes (take it out of the countries
    instead); an excluded place outside the targeted countries excludes nothing, which
    usually means the brief was misread, so it is a warning.
    """
    ex, geo = t.excluded_geo_locations, t.geo_locations
    assert ex is not None
    path = f"{base}.excluded_geo_locations"
    groups = (geo.model_extra or {}).get("country_groups") or []
    inside = set(geo.countries) | {r.get("country") for r in geo.regions} | \
        {c.get("country") for c in geo.cities}
    for j, cc in enumerate(ex.countries):
        if cc not in rules.ISO_COUNTRIES:
            ck.bad(f"{path}.countries[{j}]", f"{cc!r} is not a country code",
                   "use a two-letter ISO code such as US, GB or DE", "geo_country")
        elif cc in geo.countries:
            ck.bad(f"{path}.countries[{j}]", f"{cc} is both targeted and excluded",
                   f"remove {cc} from geo_locations.countries instead", "geo_excluded")
        elif not groups:
            ck.warn(f"{path}.countries[{j}]", f"{cc} is excluded but not targeted anyway",
                    f"remove {cc} from the excluded places", "geo_excluded")
    for kind in ("regions", "cities"):
        for j, loc in enumerate(getattr(ex, kind)):
            name = loc.get("name") or loc.get("key") or "?"
            if not loc.get("key"):
                ck.bad(f"{path}.{kind}[{j}]", f"the excluded {kind[:-1]} {name!r} has no key",
                       "look the place up (targeting search) and give its key", "geo_excluded")
            country = loc.get("country")
            if country and not groups and country not in inside:
                ck.warn(f"{path}.{kind}[{j}]", f"{name} is excluded but lies outside the places "
                        "the ad set targets", "target the country it is in, or drop the "
                        "exclusion", "geo_excluded")
            if kind == "cities":
                _radius(ck, f"{path}.cities[{j}]", loc)


def _ages(ck: Findings, base: str, t: Targeting, countries: list[str]) -> None:
    if t.age_min < rules.AGE_MIN_FLOOR:
        ck.bad(f"{base}.age_min", f"age {t.age_min} is below Meta's minimum of 13",
               "use an age of at least 13 (18 in many countries)", "age")
    elif t.age_min < 18 and set(countries) & rules.ADULT_ONLY_COUNTRIES:
        ck.bad(f"{base}.age_min", "people under 18 cannot be targeted in the EU/EEA or "
               "Switzerland", "set age_min to 18 or more", "age")
    if t.age_max > rules.AGE_MAX_CEIL:
        ck.bad(f"{base}.age_max", f"age {t.age_max} is above Meta's maximum of 65 (65 means 65+)",
               "use 65 for '65 and older'", "age")
    if t.age_max < t.age_min:
        ck.bad(f"{base}.age_max", f"age_max {t.age_max} is below age_min {t.age_min}",
               "swap the two ages", "age")
    if t.age_min > rules.AGE_MAX_CEIL:
        ck.bad(f"{base}.age_min", f"age {t.age_min} is above 65", "use at most 65", "age")
    if rules.AGE_MIN_FLOOR <= t.age_min < 18 and (t.flexible_spec or t.exclusions):
        # Meta refuses detailed targeting for minors (error 1870165)
        ck.bad(f"{base}.flexible_spec", "interests cannot be used to reach people under 18",
               "raise the youngest age to 18, or drop the interests", "age")


def _special(ck: Findings, base: str, t: Targeting, extra: dict[str, Any]) -> None:
    fix = "special ad categories (housing, employment, credit, financial) cannot narrow by "
    if t.age_min != 18 or t.age_max != 65:
        ck.bad(f"{base}.age_min", "special ad categories require ages 18-65",
               fix + "age: use 18-65", "special_category")
    if t.genders and set(t.genders) != {1, 2}:
        ck.bad(f"{base}.genders", "special ad categories require all genders",
               fix + "gender: remove genders", "special_category")
    for j, group in enumerate(t.flexible_spec or []):
        for key in sorted(k for k, v in group.items() if v):
            what = "interests" if key == "interests" else f"{key} (behaviours and demographics)"
            ck.bad(f"{base}.flexible_spec[{j}].{key}", "special ad categories do not allow "
                   f"detailed targeting by {what}", fix + f"detailed targeting: remove {key}",
                   "special_category")
    if t.exclusions:
        ck.bad(f"{base}.exclusions", "special ad categories do not allow excluding people by "
               "detailed targeting", fix + "exclusion: remove the exclusions", "special_category")
    if t.excluded_custom_audiences:
        ck.bad(f"{base}.excluded_custom_audiences", "special ad categories do not allow "
               "excluding custom audiences", fix + "audience exclusion: remove them",
               "special_category")
    if t.excluded_geo_locations is not None:
        ck.bad(f"{base}.excluded_geo_locations", "special ad categories do not allow excluding "
               "places", fix + "location exclusion: target only the places you want",
               "special_category")
    if extra.get("zips"):
        ck.bad(f"{base}.geo_locations.zips", "special ad categories do not allow ZIP targeting",
               fix + "ZIP code: target cities with a 15-mile radius instead", "special_category")


def _placements(ck: Findings, base: str, t: Targeting) -> None:
    platforms = t.publisher_platforms or []
    for p in platforms:
        if p not in rules.PUBLISHER_PLATFORMS:
            ck.bad(f"{base}.publisher_platforms", f"unknown platform {p!r}",
                   f"use {', '.join(rules.PUBLISHER_PLATFORMS)}", "placements")
    for key, allowed in rules.POSITION_KEYS.items():
        values = getattr(t, key) or []
        platform = key.removesuffix("_positions")
        if values and platforms and platform not in platforms:
            ck.bad(f"{base}.{key}", f"{key} given but {platform} is not a publisher platform",
                   f"add {platform} to publisher_platforms", "placements")
        for v in values:
            if v not in allowed:
                ck.bad(f"{base}.{key}", f"unknown position {v!r}",
                       f"use {', '.join(allowed)}", "placements")
    for d in t.device_platforms or []:
        if d not in rules.DEVICE_PLATFORMS:
            ck.bad(f"{base}.device_platforms", f"unknown device {d!r}", "use mobile or desktop",
                   "placements")


def _text(ck: Findings, path: str, text: str | None, limit: int | None, label: str) -> None:
    if not text:
        return
    bad = sorted(set(text) & rules.FORBIDDEN_TEXT_CHARS)
    if bad:
        ck.bad(path, f"the {label} contains characters Meta refuses: {' '.join(bad)}",
               "remove them", "text_chars")
    if text[0] in ".,;:!?-)]}":
        ck.bad(path, f"the {label} starts with punctuation, which Meta refuses",
               "start with a word", "text_chars")
    if limit and len(text) > limit:
        ck.warn(path, f"the {label} is {len(text)} characters; Meta recommends {limit} or "
                "fewer and truncates the rest", f"shorten it to {limit} characters",
                "text_length")


def check_creative(ck: Findings, base: str, c: CreativePlan,
                   destination: str | None = None) -> None:
    """CTA, format and asset counts, link and copy."""
    if c.call_to_action not in rules.CALL_TO_ACTION_TYPES:
        ck.bad(f"{base}.call_to_action", f"{c.call_to_action!r} is not a call to action Meta "
               "knows", "use e.g. SHOP_NOW, LEARN_MORE, SIGN_UP or BOOK_NOW", "cta")
    feed = c.asset_feed_spec if c.format == "dynamic" else None
    link = c.link or ck.plan.landing_url or (feed.link_urls[0].website_url
                                             if feed and feed.link_urls else None)
    # An instant form or a conversation is where the click goes; the launch gives the link ad
    # the placeholder link Meta expects (state/meta_tree_creatives.story_link).
    if link is None and destination != "ON_AD" and not rules.messaging_ctas(destination):
        ck.bad(f"{base}.link", "the ad has no landing page",
               "add the landing page URL, e.g. 'send people to https://example.com'",
               "landing_missing")
    elif c.link is not None:
        ck.url(f"{base}.link", c.link)
    images = [a for a in c.assets if a.kind == "image"]
    videos = [a for a in c.assets if a.kind == "video"]
    if c.format == "carousel":
        n = len(c.cards)
        lo, hi = rules.CAROUSEL_CARDS
        if not lo <= n <= hi:
            ck.bad(f"{base}.cards", f"a carousel needs {lo}-{hi} cards, this one has {n}",
                   "add images to reach two cards, or use a single-image ad" if n < lo
                   else "drop cards to ten", "carousel")
        for k, card in enumerate(c.cards):
            if card.asset.kind != "image":
                ck.bad(f"{base}.cards[{k}].asset", "carousel cards need an image",
                       "use an image file", "carousel")
            _text(ck, f"{base}.cards[{k}].headline", card.headline,
                  rules.CAROUSEL_CARD_GUIDANCE["headline"], "card headline")
            if card.link:
                ck.url(f"{base}.cards[{k}].link", card.link)
    elif c.format == "video":
        if len(videos) != 1:
            ck.bad(f"{base}.assets", f"a video ad needs exactly one video, found {len(videos)}",
                   "attach one video file", "assets")
        # No thumbnail image is fine: the asset agent extracts a poster frame
        # (uploaded under "<video ref>#thumbnail", see state/meta_tree.py).
    elif c.format == "dynamic":
        pass  # its images and videos are in asset_feed_spec (state/plan_format_checks.py)
    elif not images:
        ck.bad(f"{base}.assets", "an image ad needs an image", "attach an image file (JPG/PNG)",
               "assets")
    for k, a in enumerate(c.assets + [card.asset for card in c.cards]):
        if not (a.path or a.url):
            ck.bad(f"{base}.assets[{k}]", "the asset has neither a path nor a URL",
                   "give a file path or an https URL", "assets")
        elif a.url:
            ck.url(f"{base}.assets[{k}].url", a.url)
    if not c.primary_text:
        ck.warn(f"{base}.primary_text", "the ad has no primary text", "add a sentence of copy",
                "text_length")
    _text(ck, f"{base}.primary_text", c.primary_text, rules.TEXT_GUIDANCE["primary_text"],
          "primary text")
    _text(ck, f"{base}.headline", c.headline, rules.TEXT_GUIDANCE["headline"], "headline")
    _text(ck, f"{base}.description", c.description, rules.TEXT_GUIDANCE["description"],
          "description")
