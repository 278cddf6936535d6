"""Targeting search: interests, detailed-targeting categories and typed searches (reads only).

- `search_interests`: `GET /search?type=adinterest&q=...` for the planner's interest names.
- `search_categories`: `GET /search?type=adTargetingCategory&class=<class>` browses one class of
  detailed targeting (behaviours, life events, industries, income, ...); every row carries the
  `type` that is its key in `flexible_spec` (docs/facts-audiences.md §7).
- `search_type`: `GET /search?type=<adworkposition|adworkemployer|adeducationschool|...>&q=...`.
- `DETAIL_SEARCH`: for each `flexible_spec` key, how Meta finds its entries by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

ROW_FIELDS = ("id", "name", "type", "path", "description", "audience_size_lower_bound",
              "audience_size_upper_bound", "topic")
# flexible_spec key -> ("class", browse class) or ("type", search type). Classes are Meta's
# adTargetingCategory classes (SDK DemographicSearchClasses plus behaviors).
DETAIL_SEARCH: dict[str, tuple[str, str]] = {
    "behaviors": ("class", "behaviors"), "life_events": ("class", "life_events"),
    "industries": ("class", "industries"), "income": ("class", "income"),
    "family_statuses": ("class", "family_statuses"), "generation": ("class", "generation"),
    "home_ownership": ("class", "home_ownership"), "home_type": ("class", "home_type"),
    "home_value": ("class", "home_value"), "household_composition": ("class", "household_composition"),
    "moms": ("class", "moms"), "net_worth": ("class", "net_worth"), "politics": ("class", "politics"),
    "office_type": ("class", "office_type"), "education_statuses": ("class", "demographics"),
    "relationship_statuses": ("class", "demographics"),
    "work_positions": ("type", "adworkposition"), "work_employers": ("type", "adworkemployer"),
    "education_schools": ("type", "adeducationschool"),
    "education_majors": ("type", "adeducationmajor"), "interests": ("type", "adinterest"),
}


def _rows(body: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k in ROW_FIELDS}
            for item in body.get("data", [])[:limit]]


def search_interests(client: MetaClient, query: str, *, limit: int = 10
                     ) -> list[dict[str, Any]]:
    """Interests matching `query`: `[{id, name, audience_size_lower_bound, ...}]`."""
    if not query.strip():
        raise ValueError("query is empty: give a word such as 'running'")
    body = client.get("search", {"type": "adinterest", "q": query, "limit": limit})
    return _rows(body, limit)


def search_categories(client: MetaClient, class_: str, *, limit: int = 1000
                      ) -> list[dict[str, Any]]:
    """Every detailed-targeting category of one class: `[{id, name, type, path, ...}]`."""
    if not class_.strip():
        raise ValueError("class is empty: give one such as 'behaviors' or 'life_events'")
    rows = client.get_all("search", {"type": "adTargetingCategory", "class": class_},
                          limit=min(limit, 500), max_items=limit)
    return [{k: v for k, v in item.items() if k in ROW_FIELDS} for item in rows]


def search_type(client: MetaClient, type_: str, query: str, *, limit: int = 25
                ) -> list[dict[str, Any]]:
    """Search one of Meta's targeting search types by name (job titles, employers, schools...)."""
    if not query.strip():
        raise ValueError("query is empty: give the name to look up")
    body = client.get("search", {"type": type_, "q": query, "limit": limit})
    return _rows(body, limit)


def search_detail(client: MetaClient, key: str, name: str) -> list[dict[str, Any]]:
    """Candidates for a `flexible_spec[key]` entry named `name` (rows of that key's type only)."""
    how, what = DETAIL_SEARCH.get(key, ("class", "demographics"))
    rows = search_categories(client, what) if how == "class" else search_type(client, what, name)
    # A browsed class can hold several types (demographics); keep the rows of this key.
    return [r for r in rows if r.get("type") in (None, key)] if how == "class" else rows


__all__ = ["DETAIL_SEARCH", "search_categories", "search_detail", "search_interests", "search_type"]
