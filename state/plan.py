"""The campaign plan (docs/design.md §3): pydantic models, stable node keys, and loading plan dicts.

Longer than 300 lines because the models, the keys computed from them and their loading change together.
The checks against Meta's rules (`state/plan_checks.py`) and the Meta create tree
(`state/meta_tree.py`) sit above this module and import it; it imports neither.

A plan is what the human approves: `CampaignPlan` → `AdSetPlan`s → `AdPlan`s, each ad with one
`CreativePlan` whose `AssetRef`s point at local files or URLs. Money is integer minor units of
`currency`. Field names follow Meta's. Plans travel through graph state as dicts
(`plan.model_dump(mode="json")`) and come back with `load_plan`.

Keys: every node gets a `key` computed by `assign_keys` from its own content, its position and
its parent's key (sha256 hex). Keys are never user-editable: `assign_keys` overwrites whatever a
dict carried, so an edited plan gets fresh keys for exactly the nodes that changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    field_validator,
    model_validator,
)

from state import rules
from state.plan_capabilities import (
    AssetFeedPlan,
    AudiencePlan,
    AudienceRef,
    BidConstraints,
    LeadFormPlan,
)
from state.provenance import tag_for


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# Meta's largest amount (its "no spend cap" sentinel, docs/meta-api-facts.md §3.2): anything above is a typo.
MAX_AMOUNT_MINOR = 922_337_203_685_478
# Money is a JSON integer of minor units, never text or a decimal: lax parsing read the text "80"
# in an edited plan file as 80 minor units (USD 0.80). Planners always produce integers.
MinorUnits = Annotated[int, Strict()]
MONEY_FIELDS = ("amount_minor", "bid_amount", "cpa_minor")


class Budget(_Model):
    """How much to spend: `amount_minor` per day (daily) or in total (lifetime)."""

    kind: Literal["daily", "lifetime"]
    amount_minor: MinorUnits = Field(ge=0, le=MAX_AMOUNT_MINOR,
                              description="integer minor units of the plan currency")
    level: Literal["campaign", "ad_set"] = "campaign"


class AssetRef(_Model):
    """An image or video the creative uses: a local path or an https URL.

    A local file is pinned when the plan is checked (`tools/asset_cache.py`): `sha256`, `name`,
    `size` and `cache` say which bytes launch, whatever happens to the file at `path` after.
    """

    kind: Literal["image", "video"]
    path: str | None = None
    url: str | None = None
    sha256: str | None = Field(None, description="content digest of the file that launches")
    name: str | None = Field(None, description="the original file's name, as people know it")
    size: int | None = Field(None, ge=0, description="bytes, when pinned")
    cache: str | None = Field(None, description="the pinned copy, relative to ADPILOT_HOME")
    probe: dict[str, Any] | None = Field(
        None, description="a video's container, codec, duration_s, width, height (FFmpeg)")

    @property
    def ref(self) -> str:
        """The string `to_meta_tree`'s `image_hashes`/`video_ids` dicts are keyed by."""
        return self.path or self.url or ""


class CarouselCard(_Model):
    """One carousel card; `link` defaults to the creative's link."""

    asset: AssetRef
    headline: str | None = None
    description: str | None = None
    link: str | None = None


class CreativePlan(_Model):
    """The ad's creative: format, copy, destination, call to action and assets."""

    key: str | None = None
    format: Literal["image", "video", "carousel", "dynamic"] = "image"
    primary_text: str = ""
    headline: str = ""
    description: str | None = None
    link: str | None = None
    call_to_action: str = "LEARN_MORE"
    assets: list[AssetRef] = Field(default_factory=list)
    cards: list[CarouselCard] = Field(default_factory=list, description="carousel only")
    asset_feed_spec: AssetFeedPlan | None = Field(
        None, description="dynamic creative only (format 'dynamic', is_dynamic_creative ad set)")

    @model_validator(mode="after")
    def _cards_from_assets(self) -> CreativePlan:
        # A carousel given only as a list of images gets one card per image.
        if self.format == "carousel" and not self.cards:
            self.cards = [CarouselCard(asset=a) for a in self.assets if a.kind == "image"]
        return self


class AdPlan(_Model):
    """One ad: a name and its creative."""

    key: str | None = None
    name: str
    creative: CreativePlan
    variant: str | None = Field(None, description="experiment variant label, e.g. 'A'")


class GeoLocations(BaseModel):
    """Meta's `geo_locations`; extra Meta keys (zips, geo_markets, ...) pass through."""

    model_config = ConfigDict(extra="allow")
    countries: list[str] = Field(default_factory=list)
    regions: list[dict[str, Any]] = Field(default_factory=list)
    cities: list[dict[str, Any]] = Field(default_factory=list)
    location_types: list[str] | None = None


class Targeting(BaseModel):
    """Meta's targeting spec (docs/meta-api-facts.md §3.6); unknown Meta keys pass through untouched."""

    model_config = ConfigDict(extra="allow")
    geo_locations: GeoLocations = Field(default_factory=GeoLocations)
    excluded_geo_locations: GeoLocations | None = Field(
        default=None, description="places inside geo_locations to leave out (Meta's field)")
    age_min: int = 18
    age_max: int = 65
    genders: list[int] | None = None
    locales: list[int] | None = None
    flexible_spec: list[dict[str, Any]] | None = None
    exclusions: dict[str, Any] | None = None
    publisher_platforms: list[str] | None = None
    facebook_positions: list[str] | None = None
    instagram_positions: list[str] | None = None
    audience_network_positions: list[str] | None = None
    messenger_positions: list[str] | None = None
    threads_positions: list[str] | None = None
    whatsapp_positions: list[str] | None = None
    device_platforms: list[str] | None = None
    custom_audiences: list[AudienceRef] | None = Field(
        default=None, description="[{id}] existing, [{key}] created by the launch, [{name}] to look up")
    excluded_custom_audiences: list[AudienceRef] | None = None
    targeting_automation: dict[str, Any] | None = Field(
        default=None, description="{'advantage_audience': 0|1}; stated on the card")


class AdSetPlan(_Model):
    """An ad set: audience, optimisation and the ads it holds."""

    key: str | None = None
    name: str
    targeting: Targeting = Field(default_factory=Targeting)
    optimization_goal: str
    billing_event: str = "IMPRESSIONS"
    destination_type: str | None = None
    promoted_object: dict[str, Any] | None = None
    bid_strategy: str | None = None
    bid_amount: MinorUnits | None = Field(None, description="minor units of the account currency")
    bid_constraints: BidConstraints | None = None
    is_dynamic_creative: bool = False
    budget: Budget | None = Field(None, description="ad-set budget override (level ad_set)")
    dsa_payor: str | None = None
    dsa_beneficiary: str | None = None
    variant: str | None = None
    ads: list[AdPlan] = Field(default_factory=list)


class PlanTargets(_Model):
    """Performance targets the optimise loop judges against (not sent to Meta).

    `cpa_minor`: target cost per result in minor units of the plan currency (2500 = $25.00);
    `roas`: target return on ad spend as a ratio (3.0 = 3x).
    """

    cpa_minor: MinorUnits | None = Field(None, gt=0, description="minor units of the plan currency")
    roas: float | None = Field(None, gt=0, description="conversion value / spend, e.g. 3.0")


class CampaignPlan(_Model):
    """The whole campaign tree a human approves (docs/design.md §3)."""

    key: str | None = None
    key_salt: str = Field("", description="set per thread so two runs of one brief differ")
    name: str
    objective: str
    special_ad_categories: list[str] = Field(default_factory=list)
    special_ad_category_country: list[str] | None = None
    currency: str
    budget: Budget | None = None
    bid_strategy: str = "LOWEST_COST_WITHOUT_CAP"
    start_time: datetime | None = None
    end_time: datetime | None = None
    landing_url: str | None = None
    dsa_payor: str | None = None
    dsa_beneficiary: str | None = None
    experiment: dict[str, Any] | None = None
    targets: PlanTargets | None = Field(None, description="target CPA / ROAS for the loop")
    go_live: bool | None = Field(None, description="the brief asked to go live at launch "
                                 "(true) or to keep it paused (false), or said neither (null); "
                                 "the approval still decides")
    audiences: list[AudiencePlan] = Field(
        default_factory=list, description="audiences the launch creates, before the campaign")
    lead_form: LeadFormPlan | None = Field(
        None, description="the instant form ON_AD ad sets use (created on the page, or reused)")
    ad_sets: list[AdSetPlan] = Field(default_factory=list)

    @field_validator("currency")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.strip().upper()

    def schedule_days(self, now: datetime | None = None) -> int | None:
        """Whole days between start and end (rounded up), or None when open-ended or unknown.

        A plan without a start delivers from its launch: given `now` (the account clock) its
        days count from then — or from `now` if the start has passed — as the money gate's
        exposure spreads a lifetime budget (`state/exposure.py`). Without `now` they are unknown.
        """
        start, end, launch = _aware(self.start_time), _aware(self.end_time), _aware(now)
        if launch is not None:
            start = launch if start is None else max(start, launch)
        if start is None or end is None:
            return None
        secs = (end - start).total_seconds()
        return max(1, -(-int(secs) // 86400))


def _aware(at: datetime | None) -> datetime | None:
    """Read a time without an offset as UTC (only days are counted from it; the checks flag it)."""
    return at.replace(tzinfo=UTC) if at is not None and at.tzinfo is None else at


# -- keys ----------------------------------------------------------------------------------------


def _digest(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _own(model: BaseModel, *children: str) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude={"key", *children})


def assign_keys(plan: CampaignPlan) -> CampaignPlan:
    """Return a copy of the plan with every node's key recomputed from content and position."""
    p = plan.model_copy(deep=True)
    # Targets are adpilot's, not Meta's: changing one must not re-key (recreate) the campaign.
    p.key = _digest("campaign", _own(p, "ad_sets", "experiment", "targets", "go_live"))
    for i, ad_set in enumerate(p.ad_sets):
        ad_set.key = _digest("ad_set", p.key, i, _own(ad_set, "ads"))
        for j, ad in enumerate(ad_set.ads):
            ad.key = _digest("ad", ad_set.key, j, _own(ad, "creative"))
            ad.creative.key = _digest("creative", ad.key, _own(ad.creative))
    return p


def plan_keys(plan: CampaignPlan) -> dict[str, str]:
    """Map every node's path (`campaign`, `ad_sets[0]`, `ad_sets[0].ads[1].creative`) to its key."""
    p = assign_keys(plan)
    out = {"campaign": p.key or ""}
    for i, s in enumerate(p.ad_sets):
        out[f"ad_sets[{i}]"] = s.key or ""
        for j, a in enumerate(s.ads):
            out[f"ad_sets[{i}].ads[{j}]"] = a.key or ""
            out[f"ad_sets[{i}].ads[{j}].creative"] = a.creative.key or ""
    for i, aud in enumerate(p.audiences):
        out[f"audiences[{i}]"] = audience_key(p, aud.key)
    if p.lead_form is not None:
        out["lead_form"] = lead_form_key(p)
    return out


def audience_key(plan: CampaignPlan, handle: str) -> str:
    """Return the provenance key of the audience created for `audiences[*].key == handle`.

    Derived from the campaign key (which covers every audience's content) and the handle, so
    a changed audience, or the same audience in another thread, is a new Meta object.
    """
    p = plan if plan.key else assign_keys(plan)
    return _digest("audience", p.key, handle)


def lead_form_key(plan: CampaignPlan) -> str:
    """Return the provenance key of the lead form the launch creates (see `audience_key`)."""
    p = plan if plan.key else assign_keys(plan)
    return _digest("lead_form", p.key)


def tag(key: str) -> str:
    """Return the provenance name tag of a key (`state/provenance.py`).

    Always on audiences and lead forms; on campaigns, ad sets, creatives and ads only with
    `ADPILOT_NAME_TAGS=on`.
    """
    return tag_for(key)


# -- loading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding: the field path, what is wrong, and how to fix it."""

    path: str
    message: str
    fix: str
    rule: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the JSON-like form stored in graph state."""
        return asdict(self)


class PlanError(ValueError):
    """A plan dict that does not fit the model; `problems` name each field and the fix."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


def _loc_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, str) and not part.isidentifier():
            part = repr(part)  # a key like "\r" or "" must stay visible in the message
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "plan"


def load_plan(data: dict[str, Any] | CampaignPlan) -> CampaignPlan:
    """Parse a plan dict (from state, an edit file or a planner) into a keyed `CampaignPlan`.

    Raises `PlanError` whose problems name each bad field, e.g. `ad_sets[0].targeting.age_min`.
    """
    if isinstance(data, CampaignPlan):
        return assign_keys(data)
    if not isinstance(data, dict):
        raise PlanError([Problem("plan", "the plan must be a JSON object", "pass a dict")])
    try:
        return assign_keys(CampaignPlan.model_validate(data))
    except ValidationError as exc:
        problems = [_money_problem(e, data) or Problem(_loc_path(e["loc"]), e["msg"], _fix_for(e))
                    for e in exc.errors()]
        raise PlanError(problems) from None


def _money_problem(err: Any, data: dict[str, Any]) -> Problem | None:
    """Say what a money field given as text or a decimal must be, in the plan's currency."""
    loc = err.get("loc") or ()
    if not loc or loc[-1] not in MONEY_FIELDS or err.get("type") != "int_type":
        return None
    currency = str(data.get("currency") or "USD").strip().upper()
    if currency not in rules.SUPPORTED_CURRENCIES:
        currency = "USD"
    example = 80 * rules.currency_offset(currency)
    value = err.get("input")
    given = f"the text {value!r}" if isinstance(value, str) else f"{value!r}"
    return Problem(_loc_path(loc), f"must be a whole number of minor units, e.g. {example} for "
                   f"{rules.format_money(example, currency)}; the plan gives {given}",
                   f"write the amount as a number without quotes or decimals ({example} means "
                   f"{rules.format_money(example, currency)})", "money_type")


def _fix_for(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "add this field"
    if kind == "extra_forbidden":
        return "remove this field (it is not part of the plan schema)"
    if kind == "literal_error":
        return f"use one of the allowed values ({err.get('ctx', {}).get('expected', '')})"
    return "correct the value's type or range"


def plan_dict(plan: CampaignPlan) -> dict[str, Any]:
    """Return the JSON-like dict stored in graph state (keys assigned, None fields dropped)."""
    return assign_keys(plan).model_dump(mode="json", exclude_none=True)


def budget_for_ad_set(plan: CampaignPlan, index: int) -> Budget | None:
    """Return the budget an ad set holds itself (level ad_set): its override or an equal split."""
    ad_set = plan.ad_sets[index]
    if ad_set.budget is not None:
        return ad_set.budget
    if plan.budget is None or plan.budget.level != "ad_set" or not plan.ad_sets:
        return None
    share = plan.budget.amount_minor // len(plan.ad_sets)
    return Budget(kind=plan.budget.kind, amount_minor=share, level="ad_set")


def campaign_bid_strategy(plan: CampaignPlan) -> str:
    """Return the bid strategy the campaign carries to Meta.

    With a campaign budget (CBO) Meta takes the strategy on the campaign, while planners and
    edits state it where the marketer thinks of it, on the ad sets. When every ad set that names
    one names the same strategy and the campaign's is the default, that strategy is the
    campaign's; otherwise the campaign's own (the checks refuse ad sets that disagree with it).
    """
    named = {s.bid_strategy for s in plan.ad_sets if s.bid_strategy}
    if uses_cbo(plan) and len(named) == 1 and plan.bid_strategy == "LOWEST_COST_WITHOUT_CAP":
        return named.pop()
    return plan.bid_strategy


def advantage_audience(targeting: Targeting) -> int | None:
    """Return the `targeting_automation.advantage_audience` the launch sends, or None for Meta's default.

    From API v23 Meta defaults it to 1 only for a broad ad set; one with narrowed ages or
    genders, or included custom audiences or detailed targeting, needs an explicit 0 or 1
    (docs/facts-audiences.md §8). When the plan states none, adpilot sends 0: the audience the
    marketer asked for stays a firm limit (the card says so, and how to turn it on).
    """
    stated = (targeting.targeting_automation or {}).get("advantage_audience")
    if stated is not None:
        return int(stated)
    narrowed = (targeting.age_min != rules.AGE_DEFAULT_MIN or targeting.age_max != rules.AGE_MAX_CEIL
                or bool(targeting.genders) or bool(targeting.custom_audiences)
                or bool(targeting.flexible_spec))
    return 0 if narrowed else None


def uses_cbo(plan: CampaignPlan) -> bool:
    """Tell whether the budget lives on the campaign (Advantage campaign budget)."""
    return plan.budget is not None and plan.budget.level == "campaign"


def targets_eu(ad_set: AdSetPlan) -> bool:
    """Tell whether an ad set reaches any EU country (directly, by region, city or group)."""
    g = ad_set.targeting.geo_locations
    countries = set(g.countries) | {c.get("country", "") for c in g.cities} | {
        r.get("country", "") for r in g.regions}
    groups = set((g.model_extra or {}).get("country_groups") or [])
    return bool(countries & rules.DSA_COUNTRIES or groups & {"europe", "eea", "worldwide", "eu"})


__all__ = [
    "AdPlan", "AdSetPlan", "AssetRef", "Budget", "CampaignPlan", "CarouselCard",
    "CreativePlan", "GeoLocations", "PlanError", "PlanTargets", "Problem",
    "Targeting",
    "AssetFeedPlan", "AudiencePlan", "AudienceRef", "BidConstraints", "LeadFormPlan",
    "advantage_audience", "assign_keys", "audience_key", "budget_for_ad_set", "campaign_bid_strategy", "lead_form_key", "load_plan", "plan_dict", "plan_keys", "rules", "tag",
    "targets_eu", "uses_cbo",
]
