"""The rules planner's names, each made from the plan content it describes.

One place for the rules, so a name can be recognised later as "what the planner made of this
content" (`rederive.py`): an ad set is named by its places and ages (and the label of the
variant it tests), an ad by its medium or its tested copy, the campaign by what it sells, its
goal and the month it starts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

GENDER_WORDS = {(1,): "men", (2,): "women"}


def place_words(targeting: dict[str, Any]) -> str:
    """Return the places an ad set name starts with ("US, CA", "US, Berlin"; "?" for none)."""
    geo = targeting.get("geo_locations") or {}
    return ", ".join([*(geo.get("countries") or [])[:3],
                      *[c.get("name", "?") for c in (geo.get("cities") or [])[:2]],
                      *[r.get("name", "?") for r in (geo.get("regions") or [])[:2]]]) or "?"


def age_words(targeting: dict[str, Any]) -> str:
    """Return the ages an ad set name carries ("25-45")."""
    return f"{targeting.get('age_min', 18)}-{targeting.get('age_max', 65)}"


def gender_words(targeting: dict[str, Any]) -> str:
    """Return "women" or "men" for one gender, "" for all."""
    return GENDER_WORDS.get(tuple(targeting.get("genders") or []), "")


def interest_words(targeting: dict[str, Any]) -> str:
    """Return the one interest an ad set targets ("" for none or several)."""
    names = [i.get("name") for spec in targeting.get("flexible_spec") or []
             for i in spec.get("interests") or [] if isinstance(i, dict)]
    return str(names[0]) if len(names) == 1 and names[0] else ""


def ad_set_name(targeting: dict[str, Any], label: str | None = None) -> str:
    """"US, CA 25-34", "US 18-65 women": the variant's label only when it adds to place and ages."""
    ages, place = age_words(targeting), place_words(targeting)
    return f"{place} {ages}" + (f" {label}" if label and label not in (ages, place) else "")


def goal_words(objective: str) -> str:
    """Return the objective as a campaign name says it ("OUTCOME_SALES" → "Sales")."""
    return objective.removeprefix("OUTCOME_").replace("_", " ").title()


def month_words(start: date) -> str:
    """Return the month a campaign name carries ("Mar 2026")."""
    return f"{start:%b %Y}"


def campaign_name(what: str, objective: str, start: date) -> str:
    """"TrailBlaze running shoes – Sales – Mar 2026"."""
    return f"{what[:1].upper() + what[1:60]} – {goal_words(objective)} – {month_words(start)}"


def start_date(value: Any) -> date | None:
    """Return the date a plan's `start_time` falls on, in its own offset (None: not set)."""
    if isinstance(value, datetime):
        return value.date()
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date() if value else None
    except ValueError:
        return None


def asset_label(assets: list[dict[str, Any]]) -> str:
    """Return the file name of an ad's first image or video ("" when it has none)."""
    first = next((a for a in assets if isinstance(a, dict)), None)
    return str(first.get("path") or first.get("url")).rsplit("/", 1)[-1] if first else ""


def media_ad_name(kind: str, number: int, label: str) -> str:
    """"Image 1: shoe.png": one ad per image or video, numbered in the ad set."""
    return f"{kind.title()} {number}: {label}"


def variant_ad_name(variant: str, headline: str, asset: str | None = None) -> str:
    """"Variant A: Run far" (" / shoe.png" when the test spans several images or videos)."""
    return f"Variant {variant}: {headline}" + (f" / {asset}" if asset else "")
