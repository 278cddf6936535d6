"""Targeting search: interests (`type=adinterest`), for the planner's interest names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient


def search_interests(client: MetaClient, query: str, *, limit: int = 10
                     ) -> list[dict[str, Any]]:
    """Interests matching `query`: `[{id, name, audience_size_lower_bound, ...}]`."""
    if not query.strip():
        raise ValueError("query is empty: give a word such as 'running'")
    body = client.get("search", {"type": "adinterest", "q": query, "limit": limit})
    return [{k: v for k, v in item.items() if k in (
        "id", "name", "audience_size_lower_bound", "audience_size_upper_bound", "path", "topic")}
        for item in body.get("data", [])[:limit]]

