"""Detailed-targeting search: `GET /search` and `GET /act_<id>/targetingsearch` (docs/facts-audiences.md §7).

Served types (Meta's `type=` values, case-insensitive):

- `adinterest`, `adgeolocation`: the interest and place catalogue (`sandbox/catalog.py`);
- `adTargetingCategory&class=<c>`: behaviours and demographics from
  `sandbox/data/targeting_categories.json`; `class=demographics` is every demographic class
  (life events, industries, income, family statuses, job titles, education, relationship);
  rows carry `type`, the `flexible_spec` key to put them under;
- `adworkposition&q=` (job titles), `adworkemployer&q=` (`sandbox/data/employers.json`);
- `adlocale&q=`: language keys for `targeting.locales` (`sandbox/data/locales.json`);
- `adinterestsuggestion&interest_list=["Running"]`: interests of the same topic, largest first;
- `adinterestvalid&interest_list=[...]`: each name with `valid` (and its id when valid).

`/act_<id>/targetingsearch?q=` searches interests, behaviours and demographics at once. Other
types answer code 100 naming the ones served.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sandbox import catalog
from sandbox.catalog import DATA, interests
from sandbox.context import RequestContext
from sandbox.errors import invalid, required
from sandbox.paging import paginate
from sandbox.params import get_list

DEMOGRAPHIC_CLASSES = (
    "life_events", "industries", "income", "family_statuses", "work_positions",
    "education_statuses", "relationship_statuses",
)
CLASSES = ("behaviors", "demographics", *DEMOGRAPHIC_CLASSES)
SERVED = ("adinterest", "adgeolocation", "adTargetingCategory", "adworkposition",
          "adworkemployer", "adlocale", "adinterestsuggestion", "adinterestvalid")
_ROW_KEYS = ("id", "name", "type", "path", "description", "audience_size_lower_bound",
             "audience_size_upper_bound")


@lru_cache(maxsize=1)
def categories() -> list[dict[str, Any]]:
    """Detailed-targeting categories (behaviours and demographics)."""
    path = DATA / "targeting_categories.json"
    return json.loads(path.read_text()) if path.exists() else []


@lru_cache(maxsize=1)
def locales() -> list[dict[str, Any]]:
    """Ad locales: `{key, name, members?}` (groups list their member keys)."""
    path = DATA / "locales.json"
    return json.loads(path.read_text())["locales"] if path.exists() else []


@lru_cache(maxsize=1)
def employers() -> list[dict[str, Any]]:
    """Employers for `adworkemployer`."""
    path = DATA / "employers.json"
    return json.loads(path.read_text())["employers"] if path.exists() else []


def _ranked(q: str, rows: list[dict[str, Any]], name_key: str = "name") -> list[dict[str, Any]]:
    """Rows whose name matches `q` (exact, prefix, then substring), larger audiences first."""
    scored = []
    for row in rows:
        rank = catalog._rank(q, [str(row.get(name_key, ""))]) if q else 1
        if rank is not None:
            scored.append((rank, -int(row.get("audience_size_upper_bound") or 0), row))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in scored]


def _category_rows(types: tuple[str, ...] | list[str], q: str) -> list[dict[str, Any]]:
    rows = [{k: c.get(k) for k in _ROW_KEYS} for c in categories() if c["type"] in types]
    return _ranked(q, rows)


def search(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /search?type=...`."""
    kind = str(params.get("type") or "")
    if not kind:
        raise required("type", f"use one of {', '.join(SERVED)}")
    if kind.lower() in ("adinterest", "adgeolocation"):
        return catalog.search(ctx, {**params, "type": kind.lower()})
    q = str(params.get("q", "")).strip().lower()
    low = kind.lower()
    if low == "adtargetingcategory":
        rows = _category_rows(_classes(params), q)
    elif low == "adworkposition":
        rows = _category_rows(["work_positions"], q)
    elif low == "adworkemployer":
        rows = [{**e, "type": "work_employers"} for e in _ranked(q, employers())]
    elif low == "adlocale":
        rows = [{"key": loc["key"], "name": loc["name"]} for loc in _ranked(q, locales())]
    elif low == "adinterestsuggestion":
        rows = _suggestions(params)
    elif low == "adinterestvalid":
        rows = _valid(params)
    else:
        raise invalid(f"Unsupported search type {kind!r}; this sandbox serves "
                      f"{', '.join(SERVED)}.", fields=["type"])
    return paginate(ctx, rows, params)


def _classes(params: dict[str, Any]) -> tuple[str, ...]:
    cls = str(params.get("class") or "").strip().lower()
    if not cls:
        return ("behaviors", *DEMOGRAPHIC_CLASSES)
    if cls not in CLASSES:
        raise invalid(f"class {cls!r} is not served; use one of {', '.join(CLASSES)}.",
                      fields=["class"])
    return DEMOGRAPHIC_CLASSES if cls == "demographics" else (cls,)


def _suggestions(params: dict[str, Any]) -> list[dict[str, Any]]:
    names = [str(n).strip().lower() for n in get_list(params, "interest_list") or []]
    if not names:
        raise required("interest_list", 'give interest names, e.g. interest_list=["Running"]')
    known = list(interests().values())
    given = [i for i in known if i["name"].lower() in names]
    topics = {i.get("topic") for i in given}
    parents = {tuple(i.get("path", [])[:-1]) for i in given}
    picked = [
        i for i in known
        if i["name"].lower() not in names
        and (tuple(i.get("path", [])[:-1]) in parents or i.get("topic") in topics)
    ]
    picked.sort(key=lambda i: (tuple(i.get("path", [])[:-1]) not in parents,
                               -int(i.get("audience_size_upper_bound") or 0)))
    return [
        {"id": i["id"], "name": i["name"], "path": i.get("path", []), "topic": i.get("topic"),
         "audience_size_lower_bound": i.get("audience_size_lower_bound"),
         "audience_size_upper_bound": i.get("audience_size_upper_bound"),
         "description": None}
        for i in picked
    ]


def _valid(params: dict[str, Any]) -> list[dict[str, Any]]:
    names = [str(n).strip() for n in get_list(params, "interest_list") or []]
    if not names:
        raise required("interest_list", 'give interest names, e.g. interest_list=["Running"]')
    by_name = {i["name"].lower(): i for i in interests().values()}
    rows = []
    for name in names:
        item = by_name.get(name.lower())
        row: dict[str, Any] = {"name": name, "valid": item is not None}
        if item is not None:
            row.update(id=item["id"], name=item["name"],
                       audience_size_lower_bound=item.get("audience_size_lower_bound"),
                       audience_size_upper_bound=item.get("audience_size_upper_bound"))
        rows.append(row)
    return rows


def account_search(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /act_<id>/targetingsearch?q=`: interests, behaviours and demographics together."""
    q = str(params.get("q", "")).strip().lower()
    if not q:
        raise required("q", "give the text to search for, e.g. q=parents")
    rows = [
        {"id": i["id"], "name": i["name"], "type": "interests", "path": i.get("path", []),
         "description": None,
         "audience_size_lower_bound": i.get("audience_size_lower_bound"),
         "audience_size_upper_bound": i.get("audience_size_upper_bound")}
        for i in interests().values()
    ]
    rows += [{k: c.get(k) for k in _ROW_KEYS} for c in categories()]
    return paginate(ctx, _ranked(q, rows), params)
