"""The draft a chat model fills in: a campaign plan in the brief's own terms.

Simpler than `state.plan.CampaignPlan` on purpose: interests by *name* (resolved to Meta ids
afterwards through the targeting search), money as a number plus an ISO currency (converted
to minor units afterwards), objectives by Meta's ODAX name, and no derived fields (goals,
billing events, promoted objects, keys) — deterministic code fills those in
(`agents.planning.llm.draft_to_plan`). Fields the brief does not state stay null and are
listed in `missing`, so the graph asks instead of guessing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from state import rules

Objective = Literal[
    "OUTCOME_SALES",
    "OUTCOME_LEADS",
    "OUTCOME_TRAFFIC",
    "OUTCOME_AWARENESS",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_APP_PROMOTION",
]
SpecialCategory = Literal[
    "HOUSING", "EMPLOYMENT", "CREDIT", "ISSUES_ELECTIONS_POLITICS", "FINANCIAL_PRODUCTS_SERVICES"
]
MissingFact = Literal["budget", "landing_url", "countries", "objective", "page", "pixel", "assets",
                      "advertiser"]


class _Draft(BaseModel):
    # `extra="forbid"` makes the JSON schema strict (OpenAI structured outputs need it).
    model_config = ConfigDict(extra="forbid")


class DraftCity(_Draft):
    """A city to target with a radius around it."""

    name: str = Field(description="City name as written in the brief, e.g. 'Austin'.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of the city's country, e.g. 'US'.")
    radius: float = Field(description="Radius around the city.")
    unit: Literal["mile", "kilometer"] = Field(description="Unit of the radius.")


class DraftCreative(_Draft):
    """The ad's copy and media."""

    format: Literal["image", "video", "carousel"] = Field(
        description="image (one picture), video, or carousel (2-10 cards, one asset each)."
    )
    primary_text: str = Field(description="Main ad text; aim for <= 125 characters.")
    headline: str = Field(description="Headline; aim for <= 40 characters.")
    description: str | None = Field(description="Link description; aim for <= 30 characters.")
    call_to_action: str | None = Field(
        description="Meta CTA type in capitals, e.g. SHOP_NOW, LEARN_MORE, SIGN_UP; null for the default."
    )
    assets: list[str] = Field(
        description="Image or video file paths / URLs exactly as given in the brief (empty if none)."
    )


class DraftAd(_Draft):
    """One ad (one creative variant)."""

    name: str = Field(description="Short ad name, e.g. 'Headline A'.")
    creative: DraftCreative


class DraftAdSet(_Draft):
    """One audience with its ads."""

    name: str = Field(description="Short ad set name describing the audience.")
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 country codes, e.g. ['US', 'CA'].")
    cities: list[DraftCity] = Field(description="Cities with a radius; empty if none named.")
    age_min: int | None = Field(description="Youngest age to reach (13-65); null if not stated.")
    age_max: int | None = Field(description="Oldest age to reach (13-65); null if not stated.")
    genders: Literal["all", "male", "female"] = Field(description="Gender to reach.")
    interests: list[str] = Field(
        description="Interest names in plain words (e.g. 'Running', 'Yoga'); ids are looked up later."
    )
    platforms: list[Literal["facebook", "instagram", "audience_network", "messenger"]] = Field(
        description="Publisher platforms named in the brief; empty means automatic placements."
    )
    ads: list[DraftAd] = Field(description="The ads of this ad set (2+ when the brief asks for an A/B test).")


class DraftPlan(_Draft):
    """A Meta campaign drafted from a marketer's brief."""

    name: str = Field(description="Campaign name: product and goal in a few words.")
    objective: Objective = Field(description="Meta ODAX objective matching the brief's intent.")
    special_ad_categories: list[SpecialCategory] = Field(
        description="Special ad categories the product falls under (housing, jobs, credit, politics); else empty."
    )
    budget_amount: float | None = Field(
        description="Budget in major units as written (60 for '$60/day', 1500 for '€1,500 total'); null if absent."
    )
    budget_currency: str | None = Field(
        description="ISO 4217 code of the budget's currency ('$' -> USD unless stated otherwise); null if absent."
    )
    budget_kind: Literal["daily", "lifetime"] = Field(
        description="daily for per-day amounts, lifetime for totals over the flight."
    )
    start_date: str | None = Field(description="Start date YYYY-MM-DD if the brief gives one.")
    end_date: str | None = Field(description="End date YYYY-MM-DD if given or implied by a duration.")
    duration_days: int | None = Field(description="Flight length in days if given as a duration.")
    landing_url: str | None = Field(description="The landing page URL; null if the brief has none.")
    advertiser: str | None = Field(
        description="Advertiser's legal name if the brief gives it (who pays for and benefits from "
                    "the ads; required for ads shown in the EU); null otherwise."
    )
    ad_sets: list[DraftAdSet] = Field(description="At least one ad set.")
    missing: list[MissingFact] = Field(
        description="Required facts the brief does not give; never invent them."
    )
    unparsed: list[str] = Field(description="Phrases of the brief you could not map to a field.")


# --- draft → plan dict ------------------------------------------------------------------
_VIDEO_EXT = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".gif")
_GENDERS = {"all": None, "male": [1], "female": [2]}


def _asset(ref: str, asset_dir: str = ".") -> dict[str, Any]:
    kind = "video" if ref.lower().split("?", 1)[0].endswith(_VIDEO_EXT) else "image"
    if ref.startswith(("http://", "https://")):
        return {"kind": kind, "url": ref}
    # Relative paths are relative to where the brief's assets live (PlanDefaults.asset_dir).
    path = ref if Path(ref).is_absolute() or asset_dir in ("", ".") else str(Path(asset_dir) / ref)
    return {"kind": kind, "path": path}


def _iso_day(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat()


def _schedule(draft: DraftPlan, today: date) -> tuple[str | None, str | None, list[dict[str, str]]]:
    problems: list[dict[str, str]] = []
    start = end = None
    try:
        start = date.fromisoformat(draft.start_date) if draft.start_date else None
        end = date.fromisoformat(draft.end_date) if draft.end_date else None
    except ValueError as exc:
        problems.append({"path": "start_time", "message": f"a date is not YYYY-MM-DD ({exc})",
                         "fix": "write dates as YYYY-MM-DD"})
    if end is None and draft.duration_days:
        end = (start or today) + timedelta(days=draft.duration_days)
    return (_iso_day(start) if start else None), (_iso_day(end) if end else None), problems


def draft_to_plan(draft: DraftPlan, *, currency: str, today: date, page_id: str | None,
                  pixel_id: str | None, advertiser: str | None = None,
                  asset_dir: str = ".") -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Turn a draft into a plan dict (DESIGN §3 shape) plus the problems found converting it.

    Goals, billing events, destinations, promoted objects and default CTAs come from
    `state.rules`; interests keep their names (`{"name": ...}`) for the id lookup.
    """
    problems: list[dict[str, str]] = []
    plan_currency = (draft.budget_currency or currency).upper()
    start, end, sched_problems = _schedule(draft, today)
    problems += sched_problems
    setup = rules.DEFAULT_SETUP[draft.objective]
    goal = setup["optimization_goal"] or "LINK_CLICKS"
    keys = rules.required_promoted_object_keys(draft.objective, setup["destination_type"], goal)
    promoted: dict[str, Any] = {}
    for key in keys:
        value = {"pixel_id": pixel_id, "page_id": page_id,
                 "custom_event_type": setup.get("custom_event_type")}.get(key)
        if value:
            promoted[key] = value
    ad_sets = []
    for i, draft_set in enumerate(draft.ad_sets):
        geo: dict[str, Any] = {"countries": [c.upper() for c in draft_set.countries]}
        if draft_set.cities:
            geo["cities"] = [{"name": c.name, "country": c.country.upper(), "radius": c.radius,
                              "distance_unit": c.unit} for c in draft_set.cities]
        targeting: dict[str, Any] = {"geo_locations": geo,
                                     "age_min": draft_set.age_min or rules.AGE_DEFAULT_MIN,
                                     "age_max": draft_set.age_max or rules.AGE_MAX_CEIL}
        if _GENDERS[draft_set.genders]:
            targeting["genders"] = _GENDERS[draft_set.genders]
        if draft_set.interests:
            targeting["flexible_spec"] = [{"interests": [{"name": n} for n in draft_set.interests]}]
        if draft_set.platforms:
            targeting["publisher_platforms"] = list(draft_set.platforms)
        ads = []
        for ad in draft_set.ads:
            c = ad.creative
            assets = [_asset(a, asset_dir) for a in c.assets]
            creative: dict[str, Any] = {
                "format": c.format, "primary_text": c.primary_text, "headline": c.headline,
                "description": c.description, "link": draft.landing_url,
                "call_to_action": (c.call_to_action or rules.DEFAULT_CTA[draft.objective]).upper(),
                "assets": [] if c.format == "carousel" else assets,
            }
            if c.format == "carousel":
                creative["cards"] = [{"asset": a} for a in assets]
            ads.append({"name": ad.name, "creative": {k: v for k, v in creative.items() if v is not None}})
        ad_set: dict[str, Any] = {"name": draft_set.name, "targeting": targeting,
                                  "optimization_goal": goal,
                                  "billing_event": setup["billing_event"] or "IMPRESSIONS",
                                  "ads": ads}
        if setup["destination_type"]:
            ad_set["destination_type"] = setup["destination_type"]
        if promoted:
            ad_set["promoted_object"] = dict(promoted)
        payor = draft.advertiser or advertiser
        if payor and set(geo["countries"]) & rules.EU_COUNTRIES:
            # The EU's Digital Services Act: ads shown there name who pays and who benefits.
            ad_set.update(dsa_payor=payor, dsa_beneficiary=payor)
        ad_sets.append(ad_set)
        if not ads:
            problems.append({"path": f"ad_sets[{i}].ads", "message": "the ad set has no ads",
                             "fix": "add at least one ad with its copy"})
    plan: dict[str, Any] = {
        "name": draft.name, "objective": draft.objective,
        "special_ad_categories": list(draft.special_ad_categories),
        "currency": plan_currency, "landing_url": draft.landing_url,
        "start_time": start, "end_time": end, "ad_sets": ad_sets,
    }
    if draft.budget_amount is not None:
        plan["budget"] = {"kind": draft.budget_kind, "level": "campaign",
                          "amount_minor": rules.to_minor(draft.budget_amount, plan_currency)}
    return {k: v for k, v in plan.items() if v is not None}, problems
