"""The bundled targeting catalogue (`sandbox/data/interests.json`, `geo.json`) and interest search.

`GET /search?type=adinterest&q=running` → interests with ids and audience sizes. Matching is
case-insensitive on names (and the last step of an interest's path); exact and prefix matches
rank first. Validation uses the same catalogue to refuse unknown interest ids and place keys;
place search lives in `sandbox/geo_search.py`.

`geo.json` holds Meta's real keys where a public source shows them and sandbox-only keys of ten
digits (≥ 9,100,000,000) elsewhere; `sandbox/data/README.md` cites each source.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
GEO_TABLES = {"country": "countries", "region": "regions", "city": "cities", "zip": "zips",
              "geo_market": "geo_markets"}


@lru_cache(maxsize=1)
def interests() -> dict[str, dict[str, Any]]:
    """Interests by id ({} when the catalogue file is absent)."""
    path = DATA / "interests.json"
    if not path.exists():
        return {}
    return {str(i["id"]): i for i in json.loads(path.read_text())}


@lru_cache(maxsize=1)
def geo() -> dict[str, dict[str, dict[str, Any]]]:
    """`{"country": {key: row}, "region": ..., "city": ..., "zip": ..., "geo_market": ...}`."""
    path = DATA / "geo.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {kind: {str(row["key"]): row for row in raw.get(table, [])}
            for kind, table in GEO_TABLES.items()}


def region_key(name: Any, country_code: Any) -> str | None:
    """Key of the catalogue region called `name` in `country_code` (None when not held)."""
    if not name:
        return None
    return next((k for k, r in geo()["region"].items()
                 if r["name"] == name and r["country_code"] == country_code), None)


def rank(q: str, names: list[str]) -> int | None:
    """0 for an exact name, 1 for a prefix, 2 for a substring; None when `q` matches none."""
    names = [n.lower() for n in names if n]
    if q in names:
        return 0
    if any(n.startswith(q) for n in names):
        return 1
    if any(q in n for n in names):
        return 2
    return None


def ranked(q: str, rows: list[dict[str, Any]], name_key: str = "name") -> list[dict[str, Any]]:
    """Rows whose name matches `q` (exact, prefix, then substring), larger audiences first."""
    scored = []
    for r in rows:
        hit = rank(q, [str(r.get(name_key, ""))]) if q else 1
        if hit is not None:
            size = r.get("audience_size_upper_bound") or r.get("coverage") or 0
            scored.append((hit, -int(size), r))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in scored]


def interest_row(item: dict[str, Any], kind: str | None = None) -> dict[str, Any]:
    """Meta's interest row (`type` only where Meta's endpoint sends it)."""
    row: dict[str, Any] = {
        "id": item["id"],
        "name": item["name"],
        "audience_size_lower_bound": item.get("audience_size_lower_bound"),
        "audience_size_upper_bound": item.get("audience_size_upper_bound"),
        "path": item.get("path", []),
        "topic": item.get("topic"),
        "description": None,
    }
    if kind:
        row["type"] = kind
    return row


def interest_rows(q: str, kind: str | None = None) -> list[dict[str, Any]]:
    """Interests matching `q` (every interest when `q` is empty), best match and largest first."""
    scored = []
    for item in interests().values():
        hit = rank(q, [item["name"], *item.get("path", [])[-1:]]) if q else 1
        if hit is not None:
            scored.append((hit, -int(item.get("audience_size_upper_bound", 0)), item))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [interest_row(i, kind) for _, _, i in scored]
