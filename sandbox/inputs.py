"""The writable parameters of each object type, and reading them from a request.

`parse(type_, params)` returns the known parameters present in the request, typed (money as
int minor units, structured values decoded from the SDK's JSON strings). Unknown parameters
are ignored, as the sandbox only models what adpilot and the SDK send.
"""

from __future__ import annotations

from typing import Any

from sandbox.params import get_bool, get_dict, get_int, get_json, get_list

# Ad set spend limits (docs/meta-api-facts.md §3): money fields of ad sets in a CBO campaign; 0 = no limit.
SPEND_LIMITS = (
    "daily_min_spend_target",
    "daily_spend_cap",
    "lifetime_min_spend_target",
    "lifetime_spend_cap",
)
MONEY = ("daily_budget", "lifetime_budget", "spend_cap", "budget_remaining", *SPEND_LIMITS)
TIMES = ("start_time", "end_time", "stop_time")
_COMMON = {"name": "str", "status": "str", "adlabels": "list"}
PARAMS: dict[str, dict[str, str]] = {
    "campaign": {
        **_COMMON,
        "objective": "str",
        "special_ad_categories": "list",
        "special_ad_category_country": "list",
        "buying_type": "str",
        "daily_budget": "int",
        "lifetime_budget": "int",
        "bid_strategy": "str",
        "spend_cap": "int",
        "is_adset_budget_sharing_enabled": "bool",
        "promoted_object": "dict",
        "start_time": "time",
        "stop_time": "time",
    },
    "adset": {
        **_COMMON,
        "campaign_id": "str",
        "daily_budget": "int",
        "lifetime_budget": "int",
        "start_time": "time",
        "end_time": "time",
        "optimization_goal": "str",
        "billing_event": "str",
        "bid_strategy": "str",
        "bid_amount": "int",
        "bid_constraints": "dict",
        "targeting": "dict",
        "promoted_object": "dict",
        "destination_type": "str",
        "pacing_type": "list",
        "adset_schedule": "list",
        "frequency_control_specs": "list",
        "attribution_spec": "list",
        "is_dynamic_creative": "bool",
        "dsa_payor": "str",
        "dsa_beneficiary": "str",
        **{key: "int" for key in SPEND_LIMITS},
    },
    "adcreative": {
        **_COMMON,
        "object_story_spec": "dict",
        "object_story_id": "str",
        "asset_feed_spec": "dict",
        "url_tags": "str",
        "call_to_action_type": "str",
        "degrees_of_freedom_spec": "dict",
        "authorization_category": "str",
        "instagram_user_id": "str",
    },
    "ad": {
        **_COMMON,
        "adset_id": "str",
        "creative": "dict",
        "tracking_specs": "list",
        "conversion_domain": "str",
        "bid_amount": "int",
    },
}
_READERS = {
    "str": lambda p, k: None if p.get(k) in (None, "") else str(p[k]),
    "int": get_int,
    "list": get_list,
    "dict": get_dict,
    "bool": get_bool,
    "time": lambda p, k: get_json(p, k),
}


def parse(type_: str, params: dict[str, Any]) -> dict[str, Any]:
    """Return the known parameters of `type_` present in the request, typed."""
    out: dict[str, Any] = {}
    for key, kind in PARAMS[type_].items():
        if key in params:
            out[key] = _READERS[kind](params, key)
    return out
