"""Ad set rules for issue 15's capabilities: audiences, special categories, placements, bids, destinations.

Called by `sandbox/validation.py::check_adset` on the final spec (create, update and
`validate_only` alike, so batches get them too). Meta's codes where a source gives one
(ON_AD outside a lead campaign: 100/1815715); otherwise code 100 with the sandbox's subcode
from `sandbox.errors.CHOSEN_SUBCODES`. The shapes of detailed targeting and `locales` are
`sandbox/targeting.py`'s, which runs first. The rules are the tables of `state/rules.py`, so the
plan's local checks (`state/plan_*_checks.py`) refuse the same combinations first.
"""

from __future__ import annotations

from typing import Any

from sandbox.context import RequestContext
from sandbox.errors import chosen, invalid
from state import rules

__all__ = ["check_adset_capabilities", "check_on_ad"]

_SAC = "Special Ad Category Restriction"


def _t(*path: str) -> list[list[str]]:
    return [["targeting", *path]]


def check_on_ad(spec: dict[str, Any], objective: str) -> None:
    """`destination_type` ON_AD (instant forms) only in OUTCOME_LEADS campaigns (1815715)."""
    if spec.get("destination_type") == "ON_AD" and objective != "OUTCOME_LEADS":
        raise invalid(
            f"Instant forms (destination_type ON_AD) are only available for lead campaigns; "
            f"this campaign's objective is {objective}. Use OUTCOME_LEADS, or another "
            "destination_type.",
            fields=["destination_type"],
            subcode=1815715,
            title="Invalid Destination Type",
        )


def check_adset_capabilities(
    ctx: RequestContext, spec: dict[str, Any], campaign: dict[str, Any], strategy: str
) -> None:
    """Raise Meta's error for the first issue-15 rule the ad set breaks."""
    t = spec.get("targeting") or {}
    restricted = bool(rules.SAC_AUDIENCE_RESTRICTED & set(campaign.get("special_ad_categories")
                                                           or []))
    _audiences(ctx, t, restricted)
    if restricted:
        _special(t)
    _placements(t)
    _bids(spec, campaign, strategy)
    _destination(ctx, spec)


def _audience_ids(t: dict[str, Any], key: str) -> list[str]:
    out = []
    for ref in t.get(key) or []:
        out.append(str(ref.get("id", "")) if isinstance(ref, dict) else str(ref))
    return out


def _audiences(ctx: RequestContext, t: dict[str, Any], restricted: bool) -> None:
    included = _audience_ids(t, "custom_audiences")
    excluded = _audience_ids(t, "excluded_custom_audiences")
    for key, ids in (("custom_audiences", included), ("excluded_custom_audiences", excluded)):
        for aid in ids:
            doc = ctx.store.get_object(aid, "customaudience") if aid else None
            if doc is None or doc.get("_account_id") != ctx.account_id:
                raise chosen(
                    "audience_not_found",
                    f"The custom audience {aid!r} in targeting.{key} does not exist in this ad "
                    "account. Create it first, or use an id from GET /act_<id>/customaudiences.",
                    blame=_t(key), title="Invalid Custom Audience",
                )
            if restricted and key == "custom_audiences" and doc.get("subtype") == "LOOKALIKE":
                raise chosen(
                    "sac_lookalike",
                    f"Lookalike audiences cannot be used in campaigns with a special ad category "
                    f"(housing, employment, financial products): remove {aid} from "
                    "targeting.custom_audiences.",
                    blame=_t(key), title=_SAC,
                )
    # One audience both included and excluded is accepted: Meta's answer is not sourced, and
    # the delivery model lets the exclusion win (sandbox/audience_model.py). adpilot's own
    # checks stop such a plan before the card (rule `audience_in_and_out`).


def _special(t: dict[str, Any]) -> None:
    what = ("Campaigns with a special ad category (housing, employment, financial products) "
            "cannot {}.")
    if t.get("excluded_custom_audiences"):
        raise chosen("sac_audience_exclusion", what.format(
            "exclude custom audiences: remove targeting.excluded_custom_audiences"),
            blame=_t("excluded_custom_audiences"), title=_SAC)
    if t.get("exclusions"):
        raise chosen("sac_detailed_exclusion", what.format(
            "exclude people by detailed targeting: remove targeting.exclusions"),
            blame=_t("exclusions"), title=_SAC)
    if t.get("excluded_geo_locations"):
        raise chosen("sac_place_exclusion", what.format(
            "exclude locations: remove targeting.excluded_geo_locations"),
            blame=_t("excluded_geo_locations"), title=_SAC)
    for group in t.get("flexible_spec") or []:
        keys = sorted(k for k, v in (group or {}).items() if v and k != "interests")
        if keys:
            raise chosen("sac_detailed", what.format(
                f"target by behaviours or demographics ({', '.join(keys)}): remove them from "
                "targeting.flexible_spec"), blame=_t("flexible_spec"), title=_SAC)


def _placements(t: dict[str, Any]) -> None:
    platforms = t.get("publisher_platforms")
    if platforms is not None and not platforms:
        raise chosen("no_platform", "targeting.publisher_platforms is empty: name at least one "
                     "platform, or leave it out for Advantage+ placements.",
                     blame=_t("publisher_platforms"), title="Invalid Placements")
    for key, allowed in rules.POSITION_KEYS.items():
        values = t.get(key) or []
        platform = key.removesuffix("_positions")
        if values and platforms and platform not in platforms:
            raise chosen("position_platform", f"targeting.{key} is set but {platform} is not in "
                         f"targeting.publisher_platforms; add {platform} or remove {key}.",
                         blame=_t(key), title="Invalid Placements")
        bad = [v for v in values if v not in allowed]
        if bad:
            raise chosen("position_unknown", f"targeting.{key} values {bad} are not positions "
                         f"of {platform}; use {', '.join(allowed)}.",
                         blame=_t(key), title="Invalid Placements")
    auto = t.get("targeting_automation") or {}
    if auto.get("advantage_audience") == 1 and int(t.get("age_max", 65)) < 65:
        raise chosen("advantage_age", "With Advantage+ audience (advantage_audience=1) age_max "
                     "cannot be set below 65; give the preferred ages as a suggestion in "
                     "age_range, or set advantage_audience to 0.",
                     blame=_t("age_max"), title="Invalid Advantage+ Audience Setting")


def _bids(spec: dict[str, Any], campaign: dict[str, Any], strategy: str) -> None:
    cbo = bool(int(campaign.get("daily_budget") or 0) or int(campaign.get("lifetime_budget") or 0))
    own = spec.get("bid_strategy")
    if cbo and own and campaign.get("bid_strategy") and own != campaign["bid_strategy"]:
        raise chosen("cbo_strategy", f"The campaign has the budget, so its bid strategy "
                     f"({campaign['bid_strategy']}) applies; the ad set cannot use {own}. Change "
                     "the campaign's bid_strategy or remove the ad set's.",
                     fields=["bid_strategy"], title="Invalid Bid Strategy")
    if spec.get("bid_amount") and strategy not in rules.BID_AMOUNT_STRATEGIES:
        raise chosen("bid_amount_unused", f"The bid strategy {strategy} does not use bid_amount; "
                     "remove it or use COST_CAP / LOWEST_COST_WITH_BID_CAP.",
                     fields=["bid_amount"], title="Invalid Bid Amount")
    if spec.get("bid_constraints") and strategy != "LOWEST_COST_WITH_MIN_ROAS":
        raise chosen("bid_constraints_unused", f"The bid strategy {strategy} does not use "
                     "bid_constraints; remove them or use LOWEST_COST_WITH_MIN_ROAS.",
                     fields=["bid_constraints"], title="Invalid Bid Constraints")
    goal = spec.get("optimization_goal")
    if strategy == "LOWEST_COST_WITH_MIN_ROAS" and goal != "VALUE":
        raise chosen("min_roas_goal", f"LOWEST_COST_WITH_MIN_ROAS needs optimization_goal VALUE "
                     f"(got {goal}).", fields=["optimization_goal"],
                     title="Invalid Optimization Goal")
    event = (spec.get("promoted_object") or {}).get("custom_event_type")
    if goal == "VALUE" and event and event != "PURCHASE" and spec.get("destination_type") in (
            None, "WEBSITE") and (spec.get("promoted_object") or {}).get("pixel_id"):
        raise chosen("value_event", f"Value optimization needs purchase values: set "
                     f"promoted_object.custom_event_type to PURCHASE (got {event}).",
                     fields=["promoted_object"], title="Invalid Promoted Object")


def _destination(ctx: RequestContext, spec: dict[str, Any]) -> None:
    apps = rules.MESSAGING_APPS.get(spec.get("destination_type") or "", frozenset())
    page_id = (spec.get("promoted_object") or {}).get("page_id")
    page = ctx.store.get_object(str(page_id), "page") if page_id and apps else None
    if page is None:
        return
    if "whatsapp" in apps and not page.get("whatsapp_number"):
        raise chosen("whatsapp_unlinked", f"The page {page_id} has no WhatsApp number linked, so "
                     "it cannot run click-to-WhatsApp ads. Link a WhatsApp Business number to "
                     "the page, or use destination_type MESSENGER.",
                     fields=["destination_type"], title="WhatsApp Number Required")
    if "instagram" in apps and not page.get("instagram_business_account"):
        raise chosen("instagram_unlinked", f"The page {page_id} has no Instagram account "
                     "linked, so it cannot run Instagram Direct ads.",
                     fields=["destination_type"], title="Instagram Account Required")
