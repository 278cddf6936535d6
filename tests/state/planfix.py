"""A valid plan to break one rule at a time in the validation tests."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from state.plan_checks import AccountInfo

ACCOUNT = AccountInfo(currency="USD", page_id="p1", pixel_id="px1",
                      now=datetime(2026, 3, 1, tzinfo=UTC))


def good_plan() -> dict[str, Any]:
    return copy.deepcopy({
        "name": "Spring sale",
        "objective": "OUTCOME_SALES",
        "currency": "USD",
        "budget": {"kind": "daily", "amount_minor": 6000, "level": "campaign"},
        "start_time": "2026-03-03T00:00:00+00:00",
        "end_time": "2026-03-17T00:00:00+00:00",
        "landing_url": "https://shop.example.com/sale",
        "ad_sets": [{
            "name": "US 25-45",
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 45},
            "optimization_goal": "OFFSITE_CONVERSIONS",
            "billing_event": "IMPRESSIONS",
            "destination_type": "WEBSITE",
            "promoted_object": {"pixel_id": "px1", "custom_event_type": "PURCHASE"},
            "ads": [{"name": "A", "creative": {
                "format": "image", "primary_text": "Spring shoes are here.",
                "headline": "Shop spring shoes", "call_to_action": "SHOP_NOW",
                "assets": [{"kind": "image", "path": "hero.jpg"}]}}],
        }],
    })
