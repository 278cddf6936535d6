"""How many people a custom audience holds, and how Meta reports it (docs/facts-audiences.md §1, §5).

Sizes are deterministic functions of the scenario's seed and the audience's definition, so the
same scenario and seed give the same sizes in every sandbox:

- website: the pixel's daily unique visitors (a seeded 1,500–8,000) over the retention window
  (returning visitors overlap, so people grow as `days ** 0.75`), times the share the rule's
  event / URL filters keep; exclusion rules take their share out.
- engagement: the page's (or Instagram account's, video's, form's) engaged people — a seeded
  20,000–200,000 followers times the event's share — scaled by `(days / 365) ** 0.6`.
- lookalike: `(ratio - starting_ratio)` of each country's Meta-reachable people
  (`sandbox.truth.COUNTRY_MILLIONS`; 10M for a country not in that table). Meta leaves the
  seed's own members out of a lookalike; the sandbox keeps them in, so a lookalike's size is
  exactly proportional to its band.
- customer list: the matched people uploaded (`sandbox.audiences_users`).

Meta reports ranges, not counts: `approximate_count_lower_bound` / `_upper_bound` bracket the
exact size, which the store keeps in the private `_size` for the delivery model.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from sandbox.truth import COUNTRY_MILLIONS

DELIVERY_FLOOR = 20  # fewer people cannot be delivered to (delivery_status 300)
SEED_MINIMUM = 100  # "Origin audiences must have at least 100 members"
WEBSITE_MAX_DAYS = 180
ENGAGEMENT_MAX_DAYS = 365

# Share of the pixel's visitors who fire each standard event.
PIXEL_EVENT_SHARE = {
    "PageView": 1.0,
    "ViewContent": 0.55,
    "Search": 0.2,
    "AddToWishlist": 0.05,
    "AddToCart": 0.15,
    "InitiateCheckout": 0.08,
    "AddPaymentInfo": 0.05,
    "Purchase": 0.035,
    "Lead": 0.04,
    "CompleteRegistration": 0.05,
    "Contact": 0.02,
    "Subscribe": 0.02,
}
# Share of a source's followers behind each engagement event (Meta's event names, EngCA).
ENGAGEMENT_EVENT_SHARE = {
    "page_engaged": 0.35,
    "page_visited": 0.25,
    "page_liked": 0.6,
    "page_messaged": 0.04,
    "page_cta_clicked": 0.03,
    "page_or_post_save": 0.02,
    "page_post_interaction": 0.3,
    "ig_business_profile_all": 0.4,
    "ig_business_profile_engaged": 0.3,
    "ig_business_profile_visit": 0.2,
    "ig_user_messaged_business": 0.03,
    "ig_business_profile_ad_saved": 0.02,
    "lead_generation_opened": 0.05,
    "lead_generation_submitted": 0.02,
    "lead_generation_dropoff": 0.03,
    "video_watched": 0.5,
    "video_completed": 0.12,
    "video_view_10s": 0.3,
    "video_view_15s": 0.22,
    "video_view_25_percent": 0.35,
    "video_view_50_percent": 0.25,
    "video_view_75_percent": 0.18,
    "video_view_95_percent": 0.13,
}
# Followers relative to the page's: Instagram account, a video's viewers, a form's openers.
SOURCE_SCALE = {"page": 1.0, "ig_business": 0.8, "video": 0.5, "lead": 0.2}


def unit(*keys: Any) -> float:
    """Return a stable number in [0, 1) from the keys (no Python hash salt)."""
    digest = hashlib.blake2b(json.dumps(keys, default=str).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2**64


def _filter_share(seed: int, rule: dict[str, Any], table: dict[str, float]) -> float:
    share = 1.0
    spec = rule.get("filter") or {}
    for f in spec.get("filters") or []:
        if not isinstance(f, dict):
            continue
        field, value = f.get("field"), str(f.get("value", ""))
        if field == "event":
            share *= table.get(value, 0.1)
        elif field == "url":
            share *= 0.08 + 0.4 * unit(seed, "url", value.lower())
        else:
            share *= 0.5
    return share


def rule_days(rule: dict[str, Any]) -> float:
    """Return a rule's look-back in days (`retention_seconds`)."""
    return float(rule.get("retention_seconds") or 0) / 86400


def website_rule_size(seed: int, rule: dict[str, Any]) -> float:
    """People one pixel rule matches."""
    size = 0.0
    for source in rule.get("event_sources") or []:
        visitors = 1500 + 6500 * unit(seed, "pixel", str(source.get("id")))
        size += visitors * max(1.0, rule_days(rule)) ** 0.75
    return size * _filter_share(seed, rule, PIXEL_EVENT_SHARE)


def engagement_rule_size(seed: int, rule: dict[str, Any]) -> float:
    """People one engagement rule (page, Instagram, lead form, video) matches."""
    size = 0.0
    for source in rule.get("event_sources") or []:
        kind = str(source.get("type"))
        ids = source.get("id")
        for sid in ids if isinstance(ids, list) else [ids]:
            followers = 20_000 + 180_000 * unit(seed, "followers", str(sid))
            size += followers * SOURCE_SCALE.get(kind, 0.3)
    days = max(1.0, rule_days(rule))
    share = _filter_share(seed, rule, ENGAGEMENT_EVENT_SHARE)
    return size * share * (days / ENGAGEMENT_MAX_DAYS) ** 0.6


def rule_size(seed: int, rule: dict[str, Any], engagement: bool) -> int:
    """People an audience `rule` ({inclusions, exclusions}) holds."""
    size_of = engagement_rule_size if engagement else website_rule_size

    def combine(rule_set: dict[str, Any] | None) -> float:
        sizes = [size_of(seed, r) for r in (rule_set or {}).get("rules") or []]
        if not sizes:
            return 0.0
        if str((rule_set or {}).get("operator", "or")).lower() == "and":
            return min(sizes) * 0.6
        sizes.sort(reverse=True)  # overlapping rules: each further rule adds less
        return sizes[0] + 0.7 * sum(sizes[1:])

    included = combine(rule.get("inclusions"))
    excluded = min(0.9 * included, combine(rule.get("exclusions")) * 0.5)
    return int(included - excluded)


def lookalike_size(countries: list[str], ratio: float, starting_ratio: float) -> int:
    """People in a lookalike: its band of each country's reachable people (seed members count)."""
    people = sum(COUNTRY_MILLIONS.get(c.upper(), 10.0) * 1e6 for c in countries)
    return max(0, int(people * (ratio - starting_ratio)))


def _round(n: float, up: bool) -> int:
    if n <= 0:
        return 0
    step = 10 ** max(0, int(math.log10(n)) - 1)  # two significant figures
    return int((math.ceil if up else math.floor)(n / step) * step)


def count_fields(size: int) -> dict[str, Any]:
    """Return the fields Meta reports for a size: bounds, delivery status (and `_size`)."""
    ready = size >= DELIVERY_FLOOR
    return {
        "_size": int(size),
        "approximate_count_lower_bound": _round(size * 0.95, up=False),
        "approximate_count_upper_bound": _round(size * 1.05, up=True),
        "delivery_status": (
            {"code": 200, "description": "This audience is ready for use."}
            if ready
            else {
                "code": 300,
                "description": "This audience is too small to be used for ads: it needs at "
                f"least {DELIVERY_FLOOR} people.",
            }
        ),
    }
