"""Browsing detailed targeting: `GET /search?type=adTargetingCategory&class=<c>`, and the data files behind every targeting search.

Classes are Meta's (targeting-search reference: "Possible values of class: interests,
behaviors, demographics, life_events, industries, income, family_statuses, user_device,
user_os"), plus the demographic classes the sandbox holds apart (`work_positions`,
`education_statuses`, `relationship_statuses`). `class=demographics` is every demographic class.
Meta ignores `q` here and lists the whole class; so does the sandbox. Without a class the
answer is behaviours and demographics.

Rows: interests, behaviours and demographics are `{id, name, type, path, description,
audience_size_lower_bound, audience_size_upper_bound}` (interests add `topic`); `type` is the
`flexible_spec` key the option goes under. `user_device` rows are `{name, description,
platform, audience bounds, type}` and `user_os` one row per platform whose `description` lists
its versions (`sandbox/data/devices.json`); their `name`s are what `targeting.user_device` and
`user_os` take.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sandbox.catalog import DATA, interest_rows, ranked
from sandbox.errors import invalid

DEMOGRAPHIC_CLASSES = (
    "life_events", "industries", "income", "family_statuses", "work_positions",
    "education_statuses", "relationship_statuses",
)
DEVICE_CLASSES = ("user_device", "user_os")
CLASSES = ("interests", "behaviors", "demographics", *DEMOGRAPHIC_CLASSES, *DEVICE_CLASSES)
_ROW_KEYS = ("id", "name", "type", "path", "description", "audience_size_lower_bound",
             "audience_size_upper_bound")


def _data(name: str) -> Any:
    path = DATA / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


@lru_cache(maxsize=1)
def categories() -> list[dict[str, Any]]:
    """Detailed-targeting categories (behaviours and demographics)."""
    return _data("targeting_categories.json") or []


@lru_cache(maxsize=1)
def locales() -> list[dict[str, Any]]:
    """Ad locales: `{key, name, members?}` (groups list their member keys)."""
    return (_data("locales.json") or {}).get("locales", [])


@lru_cache(maxsize=1)
def employers() -> list[dict[str, Any]]:
    """Employers for `adworkemployer`."""
    return (_data("employers.json") or {}).get("employers", [])


@lru_cache(maxsize=1)
def education() -> dict[str, list[dict[str, Any]]]:
    """Schools and majors for `adeducationschool` / `adeducationmajor`."""
    raw = _data("education.json") or {}
    return {"schools": raw.get("schools", []), "majors": raw.get("majors", [])}


@lru_cache(maxsize=1)
def devices() -> dict[str, list[dict[str, Any]]]:
    """Mobile devices and operating systems (`user_device`, `user_os`)."""
    raw = _data("devices.json") or {}
    return {k: raw.get(k, []) for k in DEVICE_CLASSES}


def category_rows(types: tuple[str, ...] | list[str], q: str) -> list[dict[str, Any]]:
    """Categories of `types` whose name matches `q` (all when empty), largest first."""
    rows = [{k: c.get(k) for k in _ROW_KEYS} for c in categories() if c["type"] in types]
    return ranked(q, rows)


def _classes(params: dict[str, Any]) -> tuple[str, ...]:
    cls = str(params.get("class") or "").strip().lower()
    if not cls:
        return ("behaviors", *DEMOGRAPHIC_CLASSES)
    if cls not in CLASSES:
        raise invalid(f"class {cls!r} is not served; use one of {', '.join(CLASSES)}.",
                      fields=["class"])
    return DEMOGRAPHIC_CLASSES if cls == "demographics" else (cls,)


def class_rows(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of the class `params` names (Meta ignores `q` here)."""
    classes = _classes(params)
    if classes == ("interests",):
        return interest_rows("", "interests")
    if classes[0] in DEVICE_CLASSES:
        kind = classes[0]
        rows = [{**d, "type": kind} for d in devices()[kind]]
        return sorted(rows, key=lambda r: -int(r.get("audience_size_upper_bound") or 0))
    return category_rows(classes, "")
