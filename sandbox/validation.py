"""docs/meta-api-facts.md §14 rules for campaigns and ad sets, raising Meta's errors.

Longer than 300 lines because it is one short rule per Meta check of campaigns and ad sets,
raising Meta's own error for each.

Each check takes the *final* spec (stored values merged with the request, money as ints) so
create, update and `validate_only` share one path. Codes/subcodes follow docs/meta-api-facts.md;
where it leaves a subcode unknown the error is code 100 with a user message naming the
fields and the fix. Targeting rules live in `sandbox/targeting.py`, creatives and ads in
`sandbox/creatives.py`, issue 15's audience, placement, bid and destination rules in
`sandbox/validation_adset.py` and its creative ones in `sandbox/validation_creative.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox.budgets import (
    account_currency,
    check_budget_edit,
    check_budget_minimum,
    check_budget_pair,
    money_text,
    schedule_days,
)
from sandbox.clock import parse_time
from sandbox.context import RequestContext
from sandbox.enums import (
    ALL_OBJECTIVES,
    BID_STRATEGIES,
    BILLING_EVENTS,
    CUSTOM_EVENT_TYPES,
    DESTINATION_TYPES,
    NO_CAP,
    ODAX_OBJECTIVES,
    OPTIMIZATION_GOALS,
    SPECIAL_AD_CATEGORIES,
    allowed_billing,
    allowed_goals,
    budget_class,
    usd_to_minor,
)
from sandbox.errors import invalid, required
from sandbox.spend_limits import check_spend_limits
from sandbox.targeting import check_targeting, targets_eu
from sandbox.validation_adset import check_adset_capabilities, check_on_ad

__all__ = ["check_budget_edit", "check_adset", "check_campaign", "check_spend_limits", "started"]

RESTRICTED_CATEGORIES = {"HOUSING", "EMPLOYMENT", "CREDIT", "FINANCIAL_PRODUCTS_SERVICES"}


def check_status_at_create(spec: dict[str, Any]) -> None:
    """Require ACTIVE or PAUSED for a new object."""
    status = spec.get("status", "ACTIVE")
    if status not in ("ACTIVE", "PAUSED"):
        raise invalid(
            f"status must be ACTIVE or PAUSED when creating an object (got {status!r}); "
            "archive or delete it afterwards with an update.",
            fields=["status"],
        )


def check_name(spec: dict[str, Any], limit: int) -> None:
    """`name` is required and at most `limit` characters."""
    name = spec.get("name")
    if not name or not str(name).strip():
        raise required("name", "give the object a name.")
    if len(str(name)) > limit:
        raise invalid(
            f"name is {len(str(name))} characters; the limit is {limit}.", fields=["name"]
        )


# -- campaigns -----------------------------------------------------------------------------------
def check_campaign(ctx: RequestContext, spec: dict[str, Any], creating: bool) -> None:
    """Campaign rules: name, ODAX objective, special ad categories, budget, spend cap."""
    check_name(spec, 400)
    objective = spec.get("objective")
    if not objective:
        raise required("objective", "use one of " + ", ".join(sorted(ODAX_OBJECTIVES)) + ".")
    if objective not in ALL_OBJECTIVES:
        raise invalid(
            f"{objective!r} is not a campaign objective; use one of "
            + ", ".join(sorted(ODAX_OBJECTIVES))
            + ".",
            fields=["objective"],
            title="Invalid Objective",
        )
    if creating and objective not in ODAX_OBJECTIVES:
        raise invalid(
            f"The objective {objective} is no longer supported for new campaigns; use an "
            "outcome-based objective (OUTCOME_SALES, OUTCOME_LEADS, OUTCOME_TRAFFIC, ...).",
            fields=["objective"],
            title="Objective Not Supported",
        )
    cats = spec.get("special_ad_categories")
    if cats is None:
        raise required(
            "special_ad_categories",
            'declare the special ad categories: [] (or ["NONE"]) when none apply.',
        )
    if not isinstance(cats, list) or any(c not in SPECIAL_AD_CATEGORIES for c in cats):
        raise invalid(
            f"special_ad_categories must be a list drawn from {sorted(SPECIAL_AD_CATEGORIES)}.",
            fields=["special_ad_categories"],
        )
    if creating:
        check_status_at_create(spec)
    if spec.get("buying_type", "AUCTION") not in ("AUCTION", "RESERVED"):
        raise invalid("buying_type must be AUCTION or RESERVED.", fields=["buying_type"])
    if spec.get("bid_strategy") and spec["bid_strategy"] not in BID_STRATEGIES:
        raise invalid(
            f"bid_strategy must be one of {sorted(BID_STRATEGIES)}.", fields=["bid_strategy"]
        )
    check_budget_pair(spec)
    if spec.get("daily_budget") or spec.get("lifetime_budget"):
        check_budget_minimum(ctx, spec, "imp", days=schedule_days(spec, "start_time", "stop_time"))
    cap = spec.get("spend_cap")
    if cap not in (None, 0, NO_CAP) and cap < usd_to_minor(100, account_currency(ctx)):
        raise invalid(
            f"The spend cap {money_text(ctx, cap)} is below the minimum of "
            f"{money_text(ctx, usd_to_minor(100, account_currency(ctx)))}.",
            fields=["spend_cap"],
            subcode=2446307,
            title="Spend Cap Too Low",
        )


# -- ad sets -------------------------------------------------------------------------------------
def check_adset(
    ctx: RequestContext, spec: dict[str, Any], campaign: dict[str, Any], creating: bool
) -> None:
    """Ad set rules of docs/meta-api-facts.md §14.2–3 against its campaign (money as ints)."""
    check_name(spec, 400)
    if creating:
        check_status_at_create(spec)
    objective = str(campaign.get("objective"))
    if objective not in ODAX_OBJECTIVES:
        raise invalid(
            f"The campaign uses the legacy objective {objective}; new ad sets need a campaign "
            "with an outcome-based objective.",
            fields=["campaign_id"],
        )
    cbo = bool(int(campaign.get("daily_budget") or 0) or int(campaign.get("lifetime_budget") or 0))
    has_budget = bool(spec.get("daily_budget") or spec.get("lifetime_budget"))
    if cbo and has_budget:
        raise invalid(
            "The campaign has a campaign budget (Advantage campaign budget), so its ad sets "
            "cannot have their own. Remove daily_budget/lifetime_budget from the ad set or the "
            "budget from the campaign.",
            fields=["daily_budget"],
            subcode=1885621,
            title="Budget Set at Both Levels",
        )
    if not cbo and not has_budget:
        raise invalid(
            "The ad set needs a daily_budget or a lifetime_budget (its campaign has no budget).",
            fields=["daily_budget", "lifetime_budget"],
            title="Missing Budget",
        )
    check_budget_pair(spec)
    check_spend_limits(ctx, spec, campaign)
    _check_schedule(ctx, spec, creating)
    check_on_ad(spec, objective)
    goal = _check_goal_and_billing(spec, objective)
    strategy = _check_bidding(spec, campaign)
    spec["_strategy"] = strategy
    _check_promoted_object(ctx, spec, goal, objective)
    targeting = spec.get("targeting")
    if not isinstance(targeting, dict):
        raise required(
            "targeting", 'give a targeting spec, e.g. {"geo_locations": {"countries": ["US"]}}.'
        )
    restricted = bool(RESTRICTED_CATEGORIES & set(campaign.get("special_ad_categories") or []))
    check_targeting(targeting, restricted=restricted)
    check_adset_capabilities(ctx, spec, campaign, strategy)
    if targets_eu(targeting):
        for key, sub, what in (
            ("dsa_payor", 3858079, "who pays for the ads"),
            ("dsa_beneficiary", 3858081, "who benefits from the ads"),
        ):
            value = spec.get(key)
            if not value:
                raise invalid(
                    f"Ad sets that target the EU must name {what} in {key} (Digital Services Act).",
                    fields=[key],
                    subcode=sub,
                    title="Missing DSA Information",
                )
            if len(str(value)) > 512:
                raise invalid(f"{key} is limited to 512 characters.", fields=[key])
    if spec.get("frequency_control_specs") and goal not in ("REACH", "THRUPLAY"):
        raise invalid(
            "frequency_control_specs can only be used with the REACH or THRUPLAY optimization goal.",
            fields=["frequency_control_specs"],
        )
    if spec.get("adset_schedule") and not spec.get("lifetime_budget"):
        raise invalid(
            "adset_schedule (day-parting) needs a lifetime_budget.", fields=["adset_schedule"]
        )
    if has_budget:
        klass = budget_class(spec.get("billing_event"), goal)
        check_budget_minimum(ctx, spec, klass, schedule_days(spec, "start_time", "end_time"))


def _check_schedule(ctx: RequestContext, spec: dict[str, Any], creating: bool) -> None:
    try:
        start = parse_time(spec.get("start_time")) or ctx.now()
        end = parse_time(spec.get("end_time"))
    except ValueError as exc:
        raise invalid(
            "start_time and end_time must be ISO-8601 (2025-06-01T10:00:00-0700) or UNIX seconds.",
            fields=["start_time", "end_time"],
        ) from exc
    if spec.get("lifetime_budget") and end is None:
        raise invalid(
            "An ad set with a lifetime_budget needs an end_time.",
            fields=["end_time"],
            title="End Time Required",
        )
    if end is not None:
        if end <= start:
            raise invalid("end_time must be after start_time.", fields=["end_time"])
        if creating and end <= ctx.now():
            raise invalid("end_time must be in the future.", fields=["end_time"])
        if spec.get("daily_budget") and end - start < timedelta(hours=24):
            raise invalid(
                "An ad set with a daily_budget must run for more than 24 hours; extend end_time "
                "or use a lifetime_budget.",
                fields=["end_time"],
            )


def _check_goal_and_billing(spec: dict[str, Any], objective: str) -> str:
    dest = spec.get("destination_type")
    if dest and dest not in DESTINATION_TYPES:
        raise invalid(f"destination_type {dest!r} is not valid.", fields=["destination_type"])
    allowed = allowed_goals(objective, dest)
    goal = spec.get("optimization_goal") or (allowed[0] if allowed else None)
    if goal not in OPTIMIZATION_GOALS:
        raise invalid(f"optimization_goal {goal!r} is not valid.", fields=["optimization_goal"])
    if goal not in allowed:
        where = f" with destination_type {dest}" if dest else ""
        raise invalid(
            f"The optimization goal {goal} is not available for campaign objective "
            f"{objective}{where}. Use one of: {', '.join(allowed) or 'none'}.",
            fields=["optimization_goal"],
            title="Invalid Optimization Goal",
        )
    spec["optimization_goal"] = goal
    billing = spec.get("billing_event")
    if not billing:
        raise required("billing_event", f"use one of {', '.join(allowed_billing(goal))}.")
    if billing not in BILLING_EVENTS:
        raise invalid(f"billing_event {billing!r} is not valid.", fields=["billing_event"])
    if billing not in allowed_billing(goal):
        raise invalid(
            f"The billing event {billing} cannot be used with optimization goal {goal}; use "
            f"{' or '.join(allowed_billing(goal))}.",
            fields=["billing_event", "optimization_goal"],
            title="Invalid Billing Event",
        )
    return str(goal)


def _check_bidding(spec: dict[str, Any], campaign: dict[str, Any]) -> str:
    strategy = spec.get("bid_strategy") or campaign.get("bid_strategy")
    if strategy and strategy not in BID_STRATEGIES:
        raise invalid(
            f"bid_strategy must be one of {sorted(BID_STRATEGIES)}.", fields=["bid_strategy"]
        )
    bid = spec.get("bid_amount")
    if not strategy:
        strategy = "LOWEST_COST_WITH_BID_CAP" if bid else "LOWEST_COST_WITHOUT_CAP"
    if bid is not None and bid <= 0:
        raise invalid("bid_amount must be a positive amount in minor units.", fields=["bid_amount"])
    if strategy in ("LOWEST_COST_WITH_BID_CAP", "COST_CAP") and not bid:
        raise invalid(
            f"The bid strategy {strategy} needs a bid_amount on the ad set.",
            fields=["bid_amount"],
            title="Bid Amount Required",
        )
    if strategy == "COST_CAP" and spec.get("billing_event") != "IMPRESSIONS":
        raise invalid("COST_CAP needs billing_event IMPRESSIONS.", fields=["billing_event"])
    if strategy == "LOWEST_COST_WITH_MIN_ROAS":
        if bid:
            raise invalid(
                "LOWEST_COST_WITH_MIN_ROAS does not take a bid_amount; set "
                "bid_constraints.roas_average_floor instead.",
                fields=["bid_amount"],
            )
        floor = (spec.get("bid_constraints") or {}).get("roas_average_floor")
        if not isinstance(floor, int) or not 100 <= floor <= 10_000_000:
            raise invalid(
                "LOWEST_COST_WITH_MIN_ROAS needs bid_constraints.roas_average_floor between 100 "
                "and 10000000 (ROAS x 10000).",
                fields=["bid_constraints"],
            )
    return str(strategy)


def _check_promoted_object(
    ctx: RequestContext, spec: dict[str, Any], goal: str, objective: str
) -> None:
    po = spec.get("promoted_object") or {}
    if not isinstance(po, dict):
        raise invalid("promoted_object must be a JSON object.", fields=["promoted_object"])
    app = spec.get("destination_type") == "APP" or objective == "OUTCOME_APP_PROMOTION"
    needs: list[str] = []
    if goal in ("APP_INSTALLS", "APP_INSTALLS_AND_OFFSITE_CONVERSIONS") or (
        app and goal in ("OFFSITE_CONVERSIONS", "VALUE")
    ):
        needs = ["application_id", "object_store_url"]
    elif goal in ("OFFSITE_CONVERSIONS", "VALUE", "ONSITE_CONVERSIONS"):
        needs = ["pixel_id", "custom_event_type"]
    elif goal in ("LEAD_GENERATION", "QUALITY_LEAD", "PAGE_LIKES", "QUALITY_CALL", "CONVERSATIONS"):
        needs = ["page_id"]
    missing = [k for k in needs if not po.get(k)]
    if missing:
        raise invalid(
            f"The optimization goal {goal} needs promoted_object with {', '.join(needs)} "
            f"(missing {', '.join(missing)}).",
            fields=["promoted_object"],
            title="Promoted Object Required",
        )
    event = po.get("custom_event_type")
    if event and event not in CUSTOM_EVENT_TYPES:
        raise invalid(
            f"promoted_object.custom_event_type {event!r} is not a standard event.",
            fields=["promoted_object"],
        )
    if event == "OTHER" and not po.get("custom_event_str"):
        raise invalid(
            "custom_event_type OTHER needs promoted_object.custom_event_str.",
            fields=["promoted_object"],
        )
    for key, type_ in (("pixel_id", "adspixel"), ("page_id", "page")):
        if po.get(key) and ctx.store.get_object(str(po[key]), type_) is None:
            raise invalid(
                f"promoted_object.{key} {po[key]} does not exist or this account cannot use it.",
                fields=["promoted_object"],
            )


def started(doc: dict[str, Any], now: datetime) -> bool:
    """Return true when the object's start_time has passed."""
    start = parse_time(doc.get("start_time"))
    return bool(start and start <= now)
