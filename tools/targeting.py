"""Targeting search: interests (`type=adinterest`) and places (`type=adgeolocation`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

GEO_TYPES = ("country", "region", "city", "zip", "geo_market", "electoral_district")


def search_interests(client: MetaClient, query: str, *, limit: int = 10
                     ) -> list[dict[str, Any]]:
    """Interests matching `query`: `[{id, name, audience_size_lower_bound, ...}]`."""
    if not query.strip():
        raise ValueError("query is empty: give a word such as 'running'")
    body = client.get("search", {"type": "adinterest", "q": query, "limit": limit})
    return [{k: v for k, v in item.items() if k in (
        "id", "name", "audience_size_lower_bound", "audience_size_upper_bound", "path", "topic")}
        for item in body.get("data", [])[:limit]]


def search_geo(client: MetaClient, query: str, *, location_types: list[str] | None = None,
               limit: int = 10) -> list[dict[str, Any]]:
    """Places matching `query`: `[{key, name, type, country_code, region}]` for targeting."""
    if not query.strip():
        raise ValueError("query is empty: give a place name such as 'Berlin'")
    types = list(location_types or ["country", "region", "city"])
    bad = [t for t in types if t not in GEO_TYPES]
    if bad:
        raise ValueError(f"location_types {bad} unknown; use {', '.join(GEO_TYPES)}")
    body = client.get("search", {"type": "adgeolocation", "q": query,
                                 "location_types": types, "limit": limit})
    return [{k: v for k, v in item.items() if k in (
        "key", "name", "type", "country_code", "country_name", "region", "region_id")}
        for item in body.get("data", [])[:limit]]
