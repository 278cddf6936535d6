"""Meta's enums and rule tables the sandbox validates against.

Enums and node field lists come from the `facebook-business` SDK (26.0.3) so they track the
API version the SDK speaks; the compatibility tables are docs/meta-api-facts.md §2–§4.
"""

from __future__ import annotations

from typing import Any

from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adcreative import AdCreative
from facebook_business.adobjects.adimage import AdImage
from facebook_business.adobjects.adpromotedobject import AdPromotedObject
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.adobjects.advideo import AdVideo
from facebook_business.adobjects.campaign import Campaign
from facebook_business.adobjects.page import Page

from state import rules


def values(enum_cls: type) -> frozenset[str]:
    """Return the string values of an SDK enum class."""
    return frozenset(
        v for k, v in vars(enum_cls).items() if not k.startswith("_") and isinstance(v, str)
    )


# The same table the planner's validation uses, so the two can never disagree.
ODAX_OBJECTIVES = frozenset(rules.ODAX_OBJECTIVES)
ALL_OBJECTIVES = values(Campaign.Objective)
SPECIAL_AD_CATEGORIES = values(Campaign.SpecialAdCategories) | {"NONE"}
BID_STRATEGIES = values(Campaign.BidStrategy)
OPTIMIZATION_GOALS = values(AdSet.OptimizationGoal) | {
    "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS",
    "ONSITE_CONVERSIONS",
}
BILLING_EVENTS = values(AdSet.BillingEvent) | {"TWO_SECOND_CONTINUOUS_VIDEO_VIEWS"}
DESTINATION_TYPES = values(AdSet.DestinationType) | {"PHONE_CALL"}
CTA_TYPES = values(AdCreative.CallToActionType)
CUSTOM_EVENT_TYPES = values(AdPromotedObject.CustomEventType)
STATUSES = frozenset({"ACTIVE", "PAUSED", "ARCHIVED", "DELETED"})
# A creative has no PAUSED (nor ARCHIVED): AdCreative.Status, facts §4.1; pausing is per ad.
CREATIVE_STATUSES = values(AdCreative.Status)
NO_CAP = 922337203685478  # Meta's sentinel for "no spend cap"

# Node field names (what `fields=` may ask for), by sandbox object type.
_FIELD_CLASSES: dict[str, tuple[str, type]] = {
    "campaign": ("Campaign", Campaign.Field),
    "adset": ("AdCampaign", AdSet.Field),
    "ad": ("Adgroup", Ad.Field),
    "adcreative": ("AdCreative", AdCreative.Field),
    "adaccount": ("AdAccount", AdAccount.Field),
    "adimage": ("AdImage", AdImage.Field),
    "advideo": ("AdVideo", AdVideo.Field),
    "adspixel": ("AdsPixel", AdsPixel.Field),
    "page": ("Page", Page.Field),
}
NODE_TYPE_NAMES = {k: v[0] for k, v in _FIELD_CLASSES.items()}
NODE_FIELDS: dict[str, frozenset[str]] = {k: values(v[1]) for k, v in _FIELD_CLASSES.items()}
NODE_FIELDS["adset"] |= {"campaign_id", "learning_stage_info"}
NODE_FIELDS["advideo"] |= {"status", "thumbnails"}
# Every effective status of campaigns, ad sets and ads (the SDK's enums; one set, Meta's §5).
EFFECTIVE_STATUSES = (values(Ad.EffectiveStatus) | values(AdSet.EffectiveStatus)
                      | values(Campaign.EffectiveStatus))
# Not in the SDK; meta-ads-mcp reads it from Meta (sandbox/media.py::viewing_urls).
NODE_FIELDS["adcreative"] |= {"image_urls_for_viewing"}

_TRAFFIC_WEB = ["LANDING_PAGE_VIEWS", "LINK_CLICKS", "IMPRESSIONS", "REACH"]
_CONV_WEB = ["OFFSITE_CONVERSIONS", "ONSITE_CONVERSIONS", *_TRAFFIC_WEB]
_APP = ["APP_INSTALLS_AND_OFFSITE_CONVERSIONS", "LINK_CLICKS", "REACH"]
# Click-to-message with several apps (facts-bidding-placements-destinations.md §3.2).
_MULTI_MESSAGING = [d for d in rules.MESSAGING_APPS if d.startswith("MESSAGING_")]

# objective -> destination_type (None = not given) -> allowed optimization goals (docs/meta-api-facts.md §3.4).
GOALS_BY_OBJECTIVE: dict[str, dict[str | None, list[str]]] = {
    "OUTCOME_AWARENESS": {
        None: [
            "REACH",
            "IMPRESSIONS",
            "AD_RECALL_LIFT",
            "THRUPLAY",
            "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS",
        ],
    },
    "OUTCOME_TRAFFIC": {
        "WEBSITE": _TRAFFIC_WEB,
        "APP": ["LINK_CLICKS", "REACH"],
        "MESSENGER": ["LINK_CLICKS", "IMPRESSIONS", "REACH"],
        "WHATSAPP": ["LINK_CLICKS", "IMPRESSIONS", "REACH"],
        "PHONE_CALL": ["QUALITY_CALL"],
    },
    "OUTCOME_ENGAGEMENT": {
        "ON_VIDEO": ["THRUPLAY", "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS"],
        "ON_POST": ["POST_ENGAGEMENT", "IMPRESSIONS", "REACH"],
        "ON_EVENT": ["EVENT_RESPONSES", "IMPRESSIONS", "POST_ENGAGEMENT", "REACH"],
        "ON_PAGE": ["PAGE_LIKES"],
        "MESSENGER": ["CONVERSATIONS", "LINK_CLICKS"],
        "WHATSAPP": ["CONVERSATIONS", "LINK_CLICKS"],
        "INSTAGRAM_DIRECT": ["CONVERSATIONS", "LINK_CLICKS"],
        **{d: ["CONVERSATIONS", "LINK_CLICKS"] for d in _MULTI_MESSAGING},
        "WEBSITE": _CONV_WEB,
        "APP": _APP,
    },
    "OUTCOME_LEADS": {
        "ON_AD": ["LEAD_GENERATION", "QUALITY_LEAD"],
        "MESSENGER": ["LEAD_GENERATION", "QUALITY_LEAD"],
        "WEBSITE": _CONV_WEB,
        "PHONE_CALL": ["QUALITY_CALL"],
        "APP": _APP,
    },
    "OUTCOME_APP_PROMOTION": {
        None: [
            "APP_INSTALLS",
            "APP_INSTALLS_AND_OFFSITE_CONVERSIONS",
            "LINK_CLICKS",
            "VALUE",
            "OFFSITE_CONVERSIONS",
        ],
    },
    "OUTCOME_SALES": {
        "WEBSITE": ["OFFSITE_CONVERSIONS", "VALUE", *_TRAFFIC_WEB],
        "APP": ["OFFSITE_CONVERSIONS", "LINK_CLICKS", "REACH"],
        "MESSENGER": ["CONVERSATIONS", "OFFSITE_CONVERSIONS", *_TRAFFIC_WEB[1:]],
        "WHATSAPP": ["CONVERSATIONS", "OFFSITE_CONVERSIONS", *_TRAFFIC_WEB[1:]],
        "INSTAGRAM_DIRECT": ["CONVERSATIONS"],
        **{d: ["CONVERSATIONS"] for d in _MULTI_MESSAGING},
        "PHONE_CALL": ["QUALITY_CALL"],
    },
}


def allowed_goals(objective: str, destination: str | None) -> list[str]:
    """Optimization goals allowed for an objective and (optional) destination type."""
    table = GOALS_BY_OBJECTIVE.get(objective, {})
    if destination and destination in table:
        return table[destination]
    if None in table:
        return table[None]
    if destination:
        return []
    seen: list[str] = []
    for goals in table.values():
        seen.extend(g for g in goals if g not in seen)
    return seen


# optimization goal -> allowed billing events (docs/meta-api-facts.md §3.3); everything else bills IMPRESSIONS.
BILLING_BY_GOAL: dict[str, list[str]] = {
    "LINK_CLICKS": ["LINK_CLICKS", "IMPRESSIONS"],
    "THRUPLAY": ["THRUPLAY", "IMPRESSIONS"],
    "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS": ["TWO_SECOND_CONTINUOUS_VIDEO_VIEWS", "IMPRESSIONS"],
    "APP_INSTALLS": ["IMPRESSIONS", "APP_INSTALLS"],
}


def allowed_billing(goal: str) -> list[str]:
    """Billing events allowed for an optimization goal."""
    return BILLING_BY_GOAL.get(goal, ["IMPRESSIONS"])


# EU/EEA countries: DSA payor/beneficiary required and no under-18 targeting.
EU_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO".split()
)

# Minimum budgets and currency offsets come from `state/rules.py`, so the planner's checks and
# the sandbox's `minimum_budgets` / 1885272 refusals can never disagree (docs/meta-api-facts.md §3.8).
CURRENCIES: dict[str, tuple[int, float]] = {
    cur: (rules.currency_offset(cur), float(rate)) for cur, rate in rules.USD_RATES.items()
}


def _local(usd_cents: int, currency: str) -> int:
    offset, rate = CURRENCIES.get(currency, (100, 1.0))
    return max(1, round(usd_cents / 100 * rate * offset))


def minimum_budgets(currency: str) -> dict[str, Any]:
    """Return Meta's per-day minimums for `currency` in its minor units (docs/meta-api-facts.md §3.8)."""
    if currency.upper() in rules.USD_RATES:
        return dict(rules.minimum_budget_row(currency))
    return {"currency": currency, **dict(list(rules.minimum_budget_row("USD").items())[1:])}


def usd_to_minor(usd: float, currency: str) -> int:
    """Return a USD amount in `currency` minor units (spend caps, lifetime budget cap)."""
    return _local(int(usd * 100), currency)


def budget_class(billing_event: str | None, goal: str | None) -> str:
    """Return which minimum applies: imp, high_freq, low_freq or video_views."""
    return rules.frequency_class(billing_event, goal)
