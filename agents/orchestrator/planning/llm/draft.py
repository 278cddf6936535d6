"""The draft a chat model fills in: a campaign plan in the brief's own terms.

Simpler than `state.plan.CampaignPlan` on purpose: interests and places by *name* (resolved
to Meta ids and keys afterwards), money as a number plus an ISO currency (converted to minor
units afterwards), objectives by Meta's ODAX name, languages by name, placements by Meta's
position names, and no derived fields (goals, billing events, promoted objects, keys) —
deterministic code fills those in (`agents.orchestrator.planning.llm.draft_plan.draft_to_plan`).

Nothing the brief says may be dropped silently, so beside the plan the draft reports: facts
the brief leaves out (`missing`), phrases it could not map (`not_understood`, with what they
could change), asks adpilot cannot serve yet (`unsupported`), words with two readings
(`ambiguous`), statements that disagree (`conflicts`), impossible values (`invalid`) and
every value the model set on its own (`adjustments`).

Strict JSON-schema compatible (OpenAI structured outputs): every object forbids extra keys and
every field is required; optional facts are nullable rather than absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from agents.orchestrator.planning import GOAL, SPEND, WHO
from agents.orchestrator.planning.llm.capability_draft import (
    BidStrategy,
    Destination,
    DraftAssetFeed,
    DraftAudience,
    DraftAudienceRef,
    DraftDetailed,
    DraftLeadForm,
)
from agents.orchestrator.planning.people.audience import LOCALES
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
                      "advertiser", "audience_source", "customer_list_file", "bid_amount",
                      "min_roas", "privacy_policy", "messaging_app", "advantage_audience",
                      "language_variant"]
Affects = Literal["who sees the ads", "what is spent", "what is optimised"]
UnsupportedFeature = Literal["custom_audience", "lookalike", "exclusion_audience", "cost_cap",
                             "bid_cap", "min_roas", "lead_form", "messaging", "budget_schedule",
                             "other"]
ConflictAbout = Literal["budget", "schedule", "objective", "ages", "genders", "places",
                        "languages", "placements", "copy", "other"]
InvalidField = Literal["budget", "currency", "ages", "start_date", "end_date", "duration",
                       "radius", "other"]
CountryGroup = Literal["worldwide", "europe", "asia", "africa"]
# What the ad sets optimise for, when the brief says ("optimise for add to cart").
OptimiseFor = Literal["purchase", "value", "add_to_cart", "initiated_checkout",
                      "add_payment_info", "add_to_wishlist", "complete_registration",
                      "content_view", "start_trial", "subscribe", "search", "contact", "lead",
                      "landing_page_views", "link_clicks", "reach", "impressions", "thruplay",
                      "post_engagement", "page_likes", "app_installs", "conversations",
                      "ad_recall_lift"]
if TYPE_CHECKING:  # the tables below are the single source; mypy sees plain strings
    Language = str
    FacebookPosition = str
    InstagramPosition = str
else:
    Language = Literal[tuple(LOCALES)]
    FacebookPosition = Literal[rules.FACEBOOK_POSITIONS]
    InstagramPosition = Literal[rules.INSTAGRAM_POSITIONS]
# The card's words for what a phrase could change must be the planners' own.
assert {WHO, SPEND, GOAL} == set(get_args(Affects))


class _Draft(BaseModel):
    # `extra="forbid"` makes the JSON schema strict (OpenAI structured outputs need it).
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class DraftCity(_Draft):
    """A city to target with a radius around it."""

    name: str = Field(description="The city's English name as Meta lists it, e.g. 'Munich' for 'München'.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of the city's country, e.g. 'US'.")
    radius: float = Field(description="Radius around the city, as the brief states it.")
    unit: Literal["mile", "kilometer"] = Field(description="Unit of the radius.")


class DraftPlace(_Draft):
    """A region (state, province) or city by name, with its country."""

    name: str = Field(description="Its English name as Meta lists it, e.g. 'California', 'Bavaria'.")
    country: str = Field(description="ISO 3166-1 alpha-2 code of its country, e.g. 'US'.")


class DraftCreative(_Draft):
    """The ad's copy and media."""

    format: Literal["image", "video", "carousel"] = Field(
        description="image (one picture), video, or carousel (2-10 cards, one asset each)."
    )
    primary_text: str = Field(description="Main ad text; the brief's quoted text verbatim if given.")
    headline: str = Field(description="Headline; the brief's quoted headline verbatim if given.")
    description: str | None = Field(description="Link description; verbatim if quoted; else null.")
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
    """One audience with its ads (one ad set per age range when the brief names several)."""

    name: str = Field(description="Short ad set name describing the audience.")
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 country codes, e.g. ['US', 'CA'].")
    country_groups: list[CountryGroup] = Field(
        description="Only when the brief names a whole continent or says worldwide; "
                    "'everywhere in X' is X, never worldwide."
    )
    regions: list[DraftPlace] = Field(description="States / provinces / regions to target.")
    cities: list[DraftCity] = Field(description="Cities with a radius; empty if none named.")
    excluded_countries: list[str] = Field(description="ISO codes of countries to leave out.")
    excluded_regions: list[DraftPlace] = Field(description="Regions to leave out ('except California').")
    excluded_cities: list[DraftPlace] = Field(description="Cities to leave out.")
    age_min: int | None = Field(description="Youngest age as the brief states it; null if not stated.")
    age_max: int | None = Field(description="Oldest age as the brief states it; null if not stated.")
    genders: Literal["all", "male", "female"] = Field(
        description="Gender to reach ('NOT men' is female)."
    )
    languages: list[Language] = Field(
        description="Languages the audience speaks, by lower-case name; empty if not stated."
    )
    interests: list[str] = Field(
        description="Interest names in plain words (e.g. 'Running', 'Yoga'); ids are looked up later."
    )
    excluded_interests: list[str] = Field(
        description="Interests to leave out ('but not hunters' -> 'Hunting'); empty if none."
    )
    platforms: list[Literal["facebook", "instagram", "audience_network", "messenger"]] = Field(
        description="Publisher platforms named in the brief; empty means automatic placements."
    )
    facebook_positions: list[FacebookPosition] = Field(
        description="Facebook positions when the brief names them (feed, story, facebook_reels, ...)."
    )
    instagram_positions: list[InstagramPosition] = Field(
        description="Instagram positions when the brief names them (stream is the feed, story, reels, ...)."
    )
    ads: list[DraftAd] = Field(description="The ads of this ad set (one per quoted headline in a "
                               "test; one ad with empty copy when dynamic_creative is set).")
    # Issue 15: audiences, detailed targeting, Advantage+ audience, placement exclusions.
    custom_audiences: list[DraftAudienceRef] = Field(
        default_factory=list, description="Audiences to reach only (retargeting site visitors, a "
        "customer list, engagers, a lookalike): a key from `audiences`, or an existing audience's "
        "id or name. Empty = no custom audience.")
    excluded_custom_audiences: list[DraftAudienceRef] = Field(
        default_factory=list, description="Audiences to leave out ('exclude purchasers', 'not our "
        "existing customers (crm.csv)'), the same way.")
    detailed_targeting: list[DraftDetailed] = Field(
        default_factory=list, description="Behaviours, life events, job titles, industries, "
        "parental status, income... the brief targets (interests go in `interests`).")
    excluded_detailed_targeting: list[DraftDetailed] = Field(
        default_factory=list, description="The same, to leave out ('exclude students').")
    advantage_audience: bool | None = Field(
        None, description="true when the brief turns Advantage+ audience on ('let Meta find the "
        "people', ages as a suggestion), false when it turns it off ('no expansion', 'strictly'); "
        "null when it does not say. 'Advantage plus' alone (which one?) is missing "
        "advantage_audience, not a guess.")
    excluded_platforms: list[Literal["facebook", "instagram", "audience_network", "messenger"]] = \
        Field(default_factory=list, description="Platforms the brief rules out ('no Audience "
              "Network'); every other platform runs.")
    excluded_facebook_positions: list[FacebookPosition] = Field(
        default_factory=list, description="Facebook positions the brief rules out ('except right "
        "column' -> right_hand_column); the others run.")


class DraftNotUnderstood(_Draft):
    """A phrase of the brief no field took."""

    phrase: str = Field(description="The brief's words, verbatim.")
    affects: Affects | None = Field(
        description="What the phrase could change; null when harmless (a greeting, a brand story)."
    )


class DraftUnsupported(_Draft):
    """An ask adpilot cannot serve yet (reported, never approximated)."""

    phrase: str = Field(description="The brief's words, verbatim.")
    feature: UnsupportedFeature = Field(description="Which feature the ask needs.")


class DraftAmbiguous(_Draft):
    """Words with two or more readings the brief does not settle."""

    phrase: str = Field(description="The brief's words, verbatim (e.g. 'Portland').")
    options: list[str] = Field(description="The readings, e.g. ['Portland, Oregon, US', 'Portland, Maine, US'].")


class DraftConflict(_Draft):
    """Two statements of the brief that disagree (not a later correction)."""

    phrases: list[str] = Field(description="The disagreeing words, verbatim, e.g. ['$75 a day', '$2000 total'].")
    about: ConflictAbout = Field(description="What they disagree about.")


class DraftInvalid(_Draft):
    """A value the brief states that cannot be right (negative money, ages 70-12, a past date)."""

    phrase: str = Field(description="The brief's words, verbatim.")
    field: InvalidField = Field(description="Which fact it is.")
    why: str = Field(description="Why it cannot be used, in a short sentence.")


class DraftAdjustment(_Draft):
    """A value the model set differently from what the brief said, and why."""

    path: str = Field(description="Plan path, e.g. 'ad_sets[0].age_max' or 'budget_amount'.")
    from_: str | int | float | None = Field(alias="from", description="What the brief said.")
    to: str | int | float | None = Field(description="What the draft uses.")
    why: str = Field(description="Why, e.g. 'Meta's oldest age is 65 (65 means 65+)'.")


class DraftPlan(_Draft):
    """A Meta campaign drafted from a marketer's brief."""

    name: str = Field(description="Campaign name: product and goal in a few words.")
    objective: Objective = Field(description="Meta ODAX objective matching the brief's intent.")
    special_ad_categories: list[SpecialCategory] = Field(
        description="Special ad categories the product falls under (housing, jobs, credit, politics); else empty."
    )
    budget_amount: float | None = Field(
        description="Budget in major units as written, sign included (60 for '$60/day'); null if absent."
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
    go_live: bool = Field(
        description="true only when the brief asks to go live / start delivering right away."
    )
    optimise_for: OptimiseFor | None = Field(
        description="The event or result the brief says to optimise for ('optimise for add to "
                    "cart' -> add_to_cart); null when the brief names none."
    )
    ad_sets: list[DraftAdSet] = Field(description="At least one ad set.")
    # Issue 15: audiences created at launch, bidding, destination, lead form, dynamic creative.
    audiences: list[DraftAudience] = Field(
        default_factory=list, description="Audiences the launch creates (website visitors, a "
        "customer list file, engagers, lookalikes), each with a key the ad sets use.")
    bid_strategy: BidStrategy | None = Field(
        None, description="cost_cap ('cost cap $35 per purchase', 'keep CPA at'), bid_cap ('bid "
        "cap', 'max bid', 'manual bid', 'never bid above'), min_roas ('minimum ROAS 3x', 'ROAS "
        "floor 250%'), lowest_cost when the brief asks for it; null when it says nothing.")
    bid_amount: float | None = Field(
        None, description="The cap in major units as written (35 for '$35', 120 for '¥120'); null "
        "for min_roas, or when the brief gives no amount (then list bid_amount in missing).")
    bid_currency: str | None = Field(
        None, description="ISO 4217 code of bid_amount's currency; null when there is none.")
    min_roas: float | None = Field(
        None, description="The minimum ROAS as a ratio (3 for '3x', 2.5 for '250%'); null unless "
        "bid_strategy is min_roas (no number given -> list min_roas in missing).")
    destination: Destination | None = Field(
        None, description="Where the ad sends people: instant_form (a lead form on Facebook), "
        "whatsapp, messenger, instagram_direct, messenger_and_instagram (a chat in either); null "
        "= the website. 'Message us' without naming the app is missing messaging_app.")
    lead_form: DraftLeadForm | None = Field(
        None, description="The instant form's questions and privacy policy when destination is "
        "instant_form; else null.")
    dynamic_creative: DraftAssetFeed | None = Field(
        None, description="Several headlines / texts / images Meta should mix in one ad ('dynamic "
        "creative', 'let Meta mix', 'DCT'); null otherwise (a headline test is separate ads).")
    missing: list[MissingFact] = Field(
        description="Required facts the brief does not give; never invent them."
    )
    not_understood: list[DraftNotUnderstood] = Field(
        description="Every phrase of the brief you could not map to a field."
    )
    unsupported: list[DraftUnsupported] = Field(
        description="Asks adpilot cannot serve yet (budget schedules, dayparting, frequency caps, "
                    "...). Audiences, lookalikes, exclusions, cost / bid caps, minimum ROAS, lead "
                    "forms and messaging have fields above: use them, and report one of those "
                    "here only when its fields cannot express what the brief asks."
    )
    ambiguous: list[DraftAmbiguous] = Field(description="Words with several readings the brief does not settle.")
    conflicts: list[DraftConflict] = Field(description="Statements that disagree.")
    invalid: list[DraftInvalid] = Field(description="Values the brief states that cannot be right.")
    adjustments: list[DraftAdjustment] = Field(
        description="Every value you set differently from what the brief said (including later "
                    "statements overriding earlier ones)."
    )
