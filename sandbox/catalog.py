"""Targeting search over the bundled catalogue (`sandbox/data/interests.json`, `geo.json`).

`GET /search?type=adinterest&q=running` → interests with ids and audience sizes;
`GET /search?type=adgeolocation&q=berlin&location_types=["city"]` → countries, regions and
cities with Meta-style keys. Matching is case-insensitive on names and aliases; exact and
prefix matches rank first. Validation uses the same catalogue to refuse unknown ids and keys.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sandbox.context import RequestContext
from sandbox.errors import invalid, required
from sandbox.paging import paginate
from sandbox.params import get_list

DATA = Path(__file__).parent / "data"
GEO_TYPES = ("country", "region", "city")


@lru_cache(maxsize=1)
def interests() -> dict[str, dict[str, Any]]:
    """Interests by id ({} when the catalogue file is absent)."""
    path = DATA / "interests.json"
    if not path.exists():
        return {}
    return {str(i["id"]): i for i in json.loads(path.read_text())}


@lru_cache(maxsize=1)
def geo() -> dict[str, dict[str, dict[str, Any]]]:
    """`{"country": {key: entry}, "region": {...}, "city": {...}}` ({} parts when absent)."""
    path = DATA / "geo.json"
    raw = json.loads(path.read_text()) if path.exists() else {}
    return {
        "country": {c["key"]: c for c in raw.get("countries", [])},
        "region": {str(r["key"]): r for r in raw.get("regions", [])},
        "city": {str(c["key"]): c for c in raw.get("cities", [])},
    }


def _rank(q: str, names: list[str]) -> int | None:
    names = [n.lower() for n in names if n]
    if q in names:
        return 0
    if any(n.startswith(q) for n in names):
        return 1
    if any(q in n for n in names):
        return 2
    return None


def search(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /search`: adinterest or adgeolocation."""
    kind = params.get("type")
    if not kind:
        raise required("type", "use type=adinterest or type=adgeolocation")
    q = str(params.get("q", "")).strip().lower()
    if kind == "adinterest":
        rows = _interest_rows(q)
    elif kind == "adgeolocation":
        types = get_list(params, "location_types") or list(GEO_TYPES)
        bad = [t for t in types if t not in GEO_TYPES]
        if bad:
            raise invalid(
                f"location_types {bad} are not supported here; use country, region or city.",
                fields=["location_types"],
            )
        rows = _geo_rows(q, types, params.get("country_code"))
    else:
        raise invalid(
            f"Unsupported search type {kind!r}; use adinterest or adgeolocation.", fields=["type"]
        )
    return paginate(ctx, rows, params)


def _interest_rows(q: str) -> list[dict[str, Any]]:
    scored = []
    for item in interests().values():
        rank = _rank(q, [item["name"], *item.get("path", [])[-1:]]) if q else 1
        if rank is not None:
            scored.append((rank, -int(item.get("audience_size_upper_bound", 0)), item))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [
        {
            "id": i["id"],
            "name": i["name"],
            "audience_size_lower_bound": i.get("audience_size_lower_bound"),
            "audience_size_upper_bound": i.get("audience_size_upper_bound"),
            "path": i.get("path", []),
            "topic": i.get("topic"),
            "description": None,
        }
        for _, _, i in scored
    ]


def _geo_rows(q: str, types: list[str], country_code: Any) -> list[dict[str, Any]]:
    cat = geo()
    countries = cat["country"]
    out: list[tuple[int, int, dict[str, Any]]] = []
    order = {t: n for n, t in enumerate(GEO_TYPES)}
    for t in types:
        for key, e in cat[t].items():
            cc = e.get("country_code", key if t == "country" else None)
            if country_code and cc != country_code:
                continue
            rank = _rank(q, [e["name"], *e.get("aliases", [])]) if q else 1
            if rank is None:
                continue
            row: dict[str, Any] = {
                "key": key,
                "name": e["name"],
                "type": t,
                "country_code": cc,
                "country_name": countries.get(cc or "", {}).get("name"),
                "supports_region": True,
                "supports_city": True,
            }
            if t == "city":
                row["region"] = e.get("region")
                row["region_id"] = next(
                    (k for k, r in cat["region"].items() if r["name"] == e.get("region")), None
                )
            out.append((rank, order[t], row))
    out.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in out]
