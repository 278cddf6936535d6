"""Place search: `GET /search?type=adgeolocation` and `type=adgeolocationmeta` (Meta's targeting-search reference, "Geographic").

`adgeolocation` takes `q`, `location_types` (a JSON list; default country, region, city and
zip, Meta's combined autocomplete), `country_code`, `region_id` and, for countries,
`match_country_code=true` (match the code, not the name). Rows are Meta's:

- country: `{key: "US", name, type, country_code, supports_region, supports_city}`;
- region: `{key, name, type, country_code, country_name, supports_region, supports_city}`;
- city: a region's fields plus `region` and `region_id` (a number, as Meta sends it);
- zip: `{key: "US:10001", name: "10001", ...}` plus `region`, `region_id`, `primary_city`,
  `primary_city_id`;
- geo_market: `{key: "DMA:501", name, type, country_code, country_name, ...}`.

Keys come from `sandbox/data/geo.json`: Meta's real keys where a public source shows them
(New York 2490299, California 3847), sandbox-only ten-digit keys elsewhere. Location types Meta
has but the catalogue holds none of (`country_group`, `electoral_district`, `subcity`, ...)
answer an empty list; a type Meta does not have is refused with code 100. The older
`type=adcountry|adregion|adcity|adzipcode` are `adgeolocation` with that one location type.

`adgeolocationmeta` takes `countries`, `regions`, `cities` and `zips` lists and answers
`{"data": {"countries": {key: row}, "regions": {...}, "cities": {...}, "zips": {...}}}` for the
keys the catalogue holds (the SDK reads that dict-of-dicts shape).
"""

from __future__ import annotations

from typing import Any

from sandbox.catalog import geo, rank, region_key
from sandbox.context import RequestContext
from sandbox.errors import invalid
from sandbox.paging import paginate
from sandbox.params import get_bool, get_list

SERVED_TYPES = ("country", "region", "city", "zip", "geo_market")
# Meta's other location types: valid to ask for, none held in the catalogue.
EMPTY_TYPES = ("country_group", "electoral_district", "subcity", "neighborhood",
               "medium_geo_area", "large_geo_area", "small_geo_area", "metro_area", "place")
DEFAULT_TYPES = ("country", "region", "city", "zip")
LEGACY = {"adcountry": "country", "adregion": "region", "adcity": "city", "adzipcode": "zip"}
_META_TABLES = {"countries": "country", "regions": "region", "cities": "city", "zips": "zip"}


def numeric(key: Any) -> Any:
    """Meta sends region ids and primary city ids as numbers; sandbox keys stay numbers too."""
    text = str(key) if key is not None else ""
    return int(text) if text.isdigit() else (key or None)


def row(kind: str, key: str, entry: dict[str, Any]) -> dict[str, Any]:
    """Meta's search row for one catalogue entry."""
    countries = geo()["country"]
    cc = key if kind == "country" else entry.get("country_code")
    out: dict[str, Any] = {"key": key, "name": entry["name"], "type": kind, "country_code": cc}
    if kind != "country":
        out["country_name"] = countries.get(cc or "", {}).get("name")
    if kind in ("city", "zip") and entry.get("region"):
        out["region"] = entry["region"]
        out["region_id"] = numeric(region_key(entry["region"], cc))
    if kind == "zip":
        out["primary_city"] = entry.get("primary_city")
        out["primary_city_id"] = numeric(entry.get("primary_city_id"))
    out["supports_region"] = True
    out["supports_city"] = True
    return out


def _location_types(params: dict[str, Any]) -> list[str]:
    types = [str(t) for t in get_list(params, "location_types") or DEFAULT_TYPES]
    bad = [t for t in types if t not in SERVED_TYPES + EMPTY_TYPES]
    if bad:
        raise invalid(
            f"location_types {bad} are not location types; use country, country_group, region, "
            "city, zip, geo_market or electoral_district.",
            fields=["location_types"],
        )
    return [t for t in types if t in SERVED_TYPES]


def _matches(kind: str, key: str, entry: dict[str, Any], q: str, by_code: bool) -> int | None:
    if not q:
        return 1
    if kind == "zip":
        return 0 if entry["name"] == q else 1 if entry["name"].startswith(q) else None
    if kind == "country" and by_code:
        return 0 if key.lower() == q else None
    return rank(q, [entry["name"], *entry.get("aliases", [])])


def place_rows(params: dict[str, Any], types: list[str] | None = None) -> list[dict[str, Any]]:
    """Every catalogue place `params` asks for, best match first (then by location type)."""
    q = str(params.get("q", "")).strip().lower()
    kinds = types if types is not None else _location_types(params)
    country = str(params.get("country_code") or "").upper()
    region = str(params.get("region_id") or "")
    by_code = get_bool(params, "match_country_code")
    scored: list[tuple[int, int, dict[str, Any]]] = []
    for order, kind in enumerate(SERVED_TYPES):
        if kind not in kinds:
            continue
        for key, entry in geo()[kind].items():
            found = row(kind, key, entry)
            if country and found["country_code"] != country:
                continue
            if region and kind != "country" and str(found.get("region_id") or key) != region:
                continue
            hit = _matches(kind, key, entry, q, by_code)
            if hit is not None:
                scored.append((hit, order, found))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in scored]


def search(ctx: RequestContext, params: dict[str, Any], kind: str) -> dict[str, Any]:
    """`GET /search?type=adgeolocation` (or a legacy single-type search)."""
    types = [LEGACY[kind]] if kind in LEGACY else None
    return paginate(ctx, place_rows(params, types), params)


def meta(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /search?type=adgeolocationmeta`: the rows of the keys asked for, by key."""
    cat = geo()
    data: dict[str, dict[str, Any]] = {}
    for name, kind in _META_TABLES.items():
        asked = [str(k).upper() if kind == "country" else str(k)
                 for k in get_list(params, name) or []]
        data[name] = {k: row(kind, k, cat[kind][k]) for k in asked if k in cat[kind]}
    return {"data": data}
