"""Meta's Marketing API rules as tables, shared by the plan validator, the planners and the sandbox.

Longer than 300 lines because it is tables of Meta's rules, not logic.

Sources are the sections of `docs/meta-api-facts.md` (cited as "docs/meta-api-facts.md §N"). Where
that page marks a value uncertain [U], the table follows it and says so in a comment. The
sandbox's `minimum_budgets` endpoint and its budget validation use `min_daily_budget_minor`
and `minimum_budget_row` from here, so the planner and the emulator can never disagree.
"""

from __future__ import annotations

from typing import Final

# Re-exported: `rules.CALL_TO_ACTION_TYPES` etc. are part of this module's surface.
from state.meta_enums import BILLING_EVENTS as BILLING_EVENTS
from state.meta_enums import CALL_TO_ACTION_TYPES as CALL_TO_ACTION_TYPES
from state.meta_enums import CUSTOM_EVENT_TYPES as CUSTOM_EVENT_TYPES
from state.meta_enums import DESTINATION_TYPES as DESTINATION_TYPES
from state.meta_enums import ISO_COUNTRIES as ISO_COUNTRIES
from state.meta_enums import OPTIMIZATION_GOALS as OPTIMIZATION_GOALS

# -- Campaign (docs/meta-api-facts.md §2) ---------------------------------------------------------

ODAX_OBJECTIVES: Final = (
    "OUTCOME_APP_PROMOTION",
    "OUTCOME_AWARENESS",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_LEADS",
    "OUTCOME_SALES",
    "OUTCOME_TRAFFIC",
)

LEGACY_OBJECTIVE_TO_ODAX: Final = {
    "BRAND_AWARENESS": "OUTCOME_AWARENESS",
    "REACH": "OUTCOME_AWARENESS",
    "LOCAL_AWARENESS": "OUTCOME_AWARENESS",
    "LINK_CLICKS": "OUTCOME_TRAFFIC",
    "POST_ENGAGEMENT": "OUTCOME_ENGAGEMENT",
    "PAGE_LIKES": "OUTCOME_ENGAGEMENT",
    "EVENT_RESPONSES": "OUTCOME_ENGAGEMENT",
    "MESSAGES": "OUTCOME_ENGAGEMENT",
    "VIDEO_VIEWS": "OUTCOME_ENGAGEMENT",
    "LEAD_GENERATION": "OUTCOME_LEADS",
    "CONVERSIONS": "OUTCOME_SALES",
    "PRODUCT_CATALOG_SALES": "OUTCOME_SALES",
    "STORE_VISITS": "OUTCOME_SALES",
    "OFFER_CLAIMS": "OUTCOME_SALES",
    "APP_INSTALLS": "OUTCOME_APP_PROMOTION",
}

SPECIAL_AD_CATEGORIES: Final = (
    "NONE",
    "EMPLOYMENT",
    "HOUSING",
    "CREDIT",
    "ISSUES_ELECTIONS_POLITICS",
    "ONLINE_GAMBLING_AND_GAMING",
    "FINANCIAL_PRODUCTS_SERVICES",
)
# Categories whose ads may not narrow age or gender (docs/meta-api-facts.md §2.4: age 18-65, all genders).
RESTRICTED_TARGETING_CATEGORIES: Final = frozenset(
    {"HOUSING", "EMPLOYMENT", "CREDIT", "FINANCIAL_PRODUCTS_SERVICES"}
)
# Minimum city radius for those categories: 15 miles / 25 km (docs/meta-api-facts.md §2.4 [U]).
RESTRICTED_MIN_RADIUS: Final = {"mile": 15, "kilometer": 25}

BID_STRATEGIES: Final = (
    "LOWEST_COST_WITHOUT_CAP",
    "LOWEST_COST_WITH_BID_CAP",
    "COST_CAP",
    "LOWEST_COST_WITH_MIN_ROAS",
)
# Strategies that take `bid_amount` / `bid_constraints` (facts-bidding... §1.1 [S] BidStrat).
BID_AMOUNT_STRATEGIES: Final = frozenset({"LOWEST_COST_WITH_BID_CAP", "COST_CAP"})
# roas_average_floor = ROAS x 10,000 [3P]; the range is the shared sheet's, unverified [U].
ROAS_FLOOR_RANGE: Final = (100, 10_000_000)

# -- Ad set goals and billing (docs/meta-api-facts.md §3.2-3.5) -----------------------------------


# Goal -> allowed billing events; any goal not listed bills on IMPRESSIONS only (docs/meta-api-facts.md §3.3).
GOAL_BILLING: Final[dict[str, tuple[str, ...]]] = {
    "LINK_CLICKS": ("LINK_CLICKS", "IMPRESSIONS"),
    "THRUPLAY": ("THRUPLAY", "IMPRESSIONS"),
    "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS": ("TWO_SECOND_CONTINUOUS_VIDEO_VIEWS", "IMPRESSIONS"),
    "APP_INSTALLS": ("IMPRESSIONS", "APP_INSTALLS"),  # APP_INSTALLS billing: eligible accounts [U]
}


def allowed_billing_events(optimization_goal: str) -> tuple[str, ...]:
    """Billing events Meta accepts for an optimization goal."""
    return GOAL_BILLING.get(optimization_goal, ("IMPRESSIONS",))


_CONV = ("OFFSITE_CONVERSIONS", "ONSITE_CONVERSIONS", "LANDING_PAGE_VIEWS", "LINK_CLICKS",
         "IMPRESSIONS", "REACH")
_APP3 = ("APP_INSTALLS_AND_OFFSITE_CONVERSIONS", "LINK_CLICKS", "REACH")

# (objective, destination_type) -> allowed optimization goals; first is the usual default.
# destination_type None means "not sent" (awareness, app promotion). docs/meta-api-facts.md §3.4.
OBJECTIVE_GOALS: Final[dict[tuple[str, str | None], tuple[str, ...]]] = {
    ("OUTCOME_AWARENESS", None): ("REACH", "IMPRESSIONS", "AD_RECALL_LIFT", "THRUPLAY",
                                  "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS"),
    ("OUTCOME_TRAFFIC", "WEBSITE"): ("LINK_CLICKS", "LANDING_PAGE_VIEWS", "IMPRESSIONS", "REACH"),
    ("OUTCOME_TRAFFIC", "APP"): ("LINK_CLICKS", "REACH"),
    ("OUTCOME_TRAFFIC", "MESSENGER"): ("LINK_CLICKS", "IMPRESSIONS", "REACH"),
    ("OUTCOME_TRAFFIC", "WHATSAPP"): ("LINK_CLICKS", "IMPRESSIONS", "REACH"),
    ("OUTCOME_TRAFFIC", "PHONE_CALL"): ("QUALITY_CALL",),
    ("OUTCOME_ENGAGEMENT", "ON_VIDEO"): ("THRUPLAY", "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS"),
    ("OUTCOME_ENGAGEMENT", "ON_POST"): ("POST_ENGAGEMENT", "IMPRESSIONS", "REACH"),
    ("OUTCOME_ENGAGEMENT", "ON_EVENT"): ("EVENT_RESPONSES", "IMPRESSIONS", "POST_ENGAGEMENT",
                                         "REACH"),
    ("OUTCOME_ENGAGEMENT", "ON_PAGE"): ("PAGE_LIKES",),
    ("OUTCOME_ENGAGEMENT", "MESSENGER"): ("CONVERSATIONS", "LINK_CLICKS"),
    ("OUTCOME_ENGAGEMENT", "WHATSAPP"): ("CONVERSATIONS", "LINK_CLICKS"),
    ("OUTCOME_ENGAGEMENT", "INSTAGRAM_DIRECT"): ("CONVERSATIONS", "LINK_CLICKS"),
    ("OUTCOME_ENGAGEMENT", "WEBSITE"): _CONV,
    ("OUTCOME_ENGAGEMENT", "APP"): _APP3,
    ("OUTCOME_LEADS", "ON_AD"): ("LEAD_GENERATION", "QUALITY_LEAD"),
    ("OUTCOME_LEADS", "MESSENGER"): ("LEAD_GENERATION", "QUALITY_LEAD"),
    ("OUTCOME_LEADS", "WEBSITE"): _CONV,
    ("OUTCOME_LEADS", "PHONE_CALL"): ("QUALITY_CALL",),
    ("OUTCOME_LEADS", "APP"): _APP3,
    ("OUTCOME_APP_PROMOTION", None): ("APP_INSTALLS", "APP_INSTALLS_AND_OFFSITE_CONVERSIONS",
                                      "LINK_CLICKS", "VALUE", "OFFSITE_CONVERSIONS"),
    ("OUTCOME_APP_PROMOTION", "APP"): ("APP_INSTALLS", "APP_INSTALLS_AND_OFFSITE_CONVERSIONS",
                                       "LINK_CLICKS", "VALUE", "OFFSITE_CONVERSIONS"),
    ("OUTCOME_SALES", "WEBSITE"): ("OFFSITE_CONVERSIONS", "VALUE", "LANDING_PAGE_VIEWS",
                                   "LINK_CLICKS", "IMPRESSIONS", "REACH"),
    ("OUTCOME_SALES", "APP"): ("OFFSITE_CONVERSIONS", "LINK_CLICKS", "REACH"),
    ("OUTCOME_SALES", "MESSENGER"): ("CONVERSATIONS", "OFFSITE_CONVERSIONS", "LINK_CLICKS",
                                     "IMPRESSIONS", "REACH"),
    ("OUTCOME_SALES", "WHATSAPP"): ("CONVERSATIONS", "OFFSITE_CONVERSIONS", "LINK_CLICKS",
                                    "IMPRESSIONS", "REACH"),
    ("OUTCOME_SALES", "INSTAGRAM_DIRECT"): ("CONVERSATIONS",),
    ("OUTCOME_SALES", "PHONE_CALL"): ("QUALITY_CALL",),
    # Click-to-message with several apps: Meta picks the app (facts-bidding... §3.2 [S] CTM);
    # CONVERSATIONS for sales is [3P] PB, like the single-app rows.
    **{("OUTCOME_ENGAGEMENT", d): ("CONVERSATIONS", "LINK_CLICKS")
       for d in ("MESSAGING_MESSENGER_WHATSAPP", "MESSAGING_INSTAGRAM_DIRECT_MESSENGER",
                 "MESSAGING_INSTAGRAM_DIRECT_WHATSAPP",
                 "MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP")},
    **{("OUTCOME_SALES", d): ("CONVERSATIONS",)
       for d in ("MESSAGING_MESSENGER_WHATSAPP", "MESSAGING_INSTAGRAM_DIRECT_MESSENGER",
                 "MESSAGING_INSTAGRAM_DIRECT_WHATSAPP",
                 "MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP")},
}

# -- Destinations (docs/facts-bidding-placements-destinations.md §3) -------------------------------

# Click-to-message destinations -> the apps a conversation may open in.
MESSAGING_APPS: Final[dict[str, frozenset[str]]] = {
    "MESSENGER": frozenset({"messenger"}),
    "WHATSAPP": frozenset({"whatsapp"}),
    "INSTAGRAM_DIRECT": frozenset({"instagram"}),
    "MESSAGING_MESSENGER_WHATSAPP": frozenset({"messenger", "whatsapp"}),
    "MESSAGING_INSTAGRAM_DIRECT_MESSENGER": frozenset({"instagram", "messenger"}),
    "MESSAGING_INSTAGRAM_DIRECT_WHATSAPP": frozenset({"instagram", "whatsapp"}),
    "MESSAGING_INSTAGRAM_DIRECT_MESSENGER_WHATSAPP": frozenset(
        {"instagram", "messenger", "whatsapp"}),
}
# The call to action each app's conversations start from (CTM [S]: MESSAGE_PAGE or
# WHATSAPP_MESSAGE "with app_destination"; SDK 26 has no INSTAGRAM_MESSAGE, so Instagram
# Direct uses MESSAGE_PAGE with app_destination INSTAGRAM_DIRECT).
MESSAGING_CTAS: Final[dict[str, str]] = {
    "messenger": "MESSAGE_PAGE", "instagram": "MESSAGE_PAGE", "whatsapp": "WHATSAPP_MESSAGE",
}


def messaging_ctas(destination_type: str | None) -> frozenset[str]:
    """Return the calls to action a click-to-message destination accepts (empty: not messaging)."""
    return frozenset(MESSAGING_CTAS[a] for a in MESSAGING_APPS.get(destination_type or "", ()))


# Lead forms (LeadFormRef [S]): privacy-policy link text at most 70 characters.
PRIVACY_LINK_TEXT_MAX: Final = 70
LEAD_GOALS: Final = ("LEAD_GENERATION", "QUALITY_LEAD")

# What the planner uses when the brief names only an objective.
DEFAULT_SETUP: Final[dict[str, dict[str, str | None]]] = {
    "OUTCOME_SALES": {"destination_type": "WEBSITE", "optimization_goal": "OFFSITE_CONVERSIONS",
                      "billing_event": "IMPRESSIONS", "custom_event_type": "PURCHASE"},
    # Leads on the advertiser's website (the pixel's LEAD event): adpilot builds no instant
    # forms, so a leads plan never becomes a form campaign without a form.
    "OUTCOME_LEADS": {"destination_type": "WEBSITE", "optimization_goal": "OFFSITE_CONVERSIONS",
                      "billing_event": "IMPRESSIONS", "custom_event_type": "LEAD"},
    "OUTCOME_TRAFFIC": {"destination_type": "WEBSITE", "optimization_goal": "LINK_CLICKS",
                        "billing_event": "IMPRESSIONS", "custom_event_type": None},
    "OUTCOME_AWARENESS": {"destination_type": None, "optimization_goal": "REACH",
                          "billing_event": "IMPRESSIONS", "custom_event_type": None},
    "OUTCOME_ENGAGEMENT": {"destination_type": "ON_POST", "optimization_goal": "POST_ENGAGEMENT",
                           "billing_event": "IMPRESSIONS", "custom_event_type": None},
    "OUTCOME_APP_PROMOTION": {"destination_type": None, "optimization_goal": "APP_INSTALLS",
                              "billing_event": "IMPRESSIONS", "custom_event_type": None},
}


def allowed_goals(objective: str, destination_type: str | None) -> tuple[str, ...]:
    """Optimization goals Meta allows for an objective and destination (empty if none)."""
    return OBJECTIVE_GOALS.get((objective, destination_type), ())


def destinations_for(objective: str) -> list[str | None]:
    """destination_type values that have a row for this objective."""
    return [d for (o, d) in OBJECTIVE_GOALS if o == objective]


PIXEL_GOALS: Final = frozenset({"OFFSITE_CONVERSIONS", "VALUE", "ONSITE_CONVERSIONS"})
APP_GOALS: Final = frozenset({"APP_INSTALLS", "APP_INSTALLS_AND_OFFSITE_CONVERSIONS"})
PAGE_GOALS: Final = frozenset({"LEAD_GENERATION", "QUALITY_LEAD", "PAGE_LIKES", "POST_ENGAGEMENT",
                               "EVENT_RESPONSES", "CONVERSATIONS", "QUALITY_CALL", "REACH",
                               "IMPRESSIONS", "AD_RECALL_LIFT", "THRUPLAY",
                               "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS"})


def required_promoted_object_keys(objective: str, destination_type: str | None,
                                  optimization_goal: str) -> tuple[str, ...]:
    """Return the promoted_object keys Meta requires for this ad set setup (docs/meta-api-facts.md §3.4-3.5)."""
    if destination_type == "APP" or objective == "OUTCOME_APP_PROMOTION" or \
            optimization_goal in APP_GOALS:
        keys: tuple[str, ...] = ("application_id", "object_store_url")
        if optimization_goal in ("OFFSITE_CONVERSIONS", "VALUE"):
            keys += ("custom_event_type",)
        return keys
    if optimization_goal in PIXEL_GOALS and destination_type in ("WEBSITE", None):
        return ("pixel_id", "custom_event_type")
    if destination_type in ("WEBSITE",):
        return ()
    if objective in ("OUTCOME_AWARENESS", "OUTCOME_ENGAGEMENT", "OUTCOME_LEADS") or \
            destination_type in ("MESSENGER", "WHATSAPP", "PHONE_CALL", "INSTAGRAM_DIRECT"):
        return ("page_id",)
    return ()


# -- Creatives (docs/meta-api-facts.md §4) -------------------------------------------------------


DEFAULT_CTA: Final = {
    "OUTCOME_SALES": "SHOP_NOW", "OUTCOME_LEADS": "SIGN_UP", "OUTCOME_TRAFFIC": "LEARN_MORE",
    "OUTCOME_AWARENESS": "LEARN_MORE", "OUTCOME_ENGAGEMENT": "LEARN_MORE",
    "OUTCOME_APP_PROMOTION": "INSTALL_MOBILE_APP",
}

# Recommended lengths (docs/meta-api-facts.md §4.4, ads guide [3P]); longer text is legal but truncated.
TEXT_GUIDANCE: Final = {"primary_text": 125, "headline": 40, "description": 30}
HEADLINE_FEED_GUIDE: Final = 27  # 2024+ feed guide; the planner's templates aim for this
CAROUSEL_CARD_GUIDANCE: Final = {"headline": 40, "description": 20}
TEXT_HARD_MAX: Final = {"headline": 255, "description": 255}  # [3P, U]
# Characters Meta refuses in titles and bodies (docs/meta-api-facts.md §4.4 [S CreativeRef]).
FORBIDDEN_TEXT_CHARS: Final = frozenset("^~_={}[]|<>")
CAROUSEL_CARDS: Final = (2, 10)
CREATIVE_FORMATS: Final = ("image", "video", "carousel")

# -- Targeting (docs/meta-api-facts.md §3.6) ------------------------------------------------------

AGE_MIN_FLOOR: Final = 13
AGE_DEFAULT_MIN: Final = 18
AGE_MAX_CEIL: Final = 65
GENDERS: Final = {1: "male", 2: "female"}
CITY_RADIUS: Final = {"mile": (10, 50), "kilometer": (17, 80)}
LOCATION_TYPES: Final = ("home", "recent")

PUBLISHER_PLATFORMS: Final = ("facebook", "instagram", "audience_network", "messenger",
                              "threads", "whatsapp")
FACEBOOK_POSITIONS: Final = ("feed", "right_hand_column", "marketplace", "video_feeds", "story",
                             "search", "instream_video", "facebook_reels",
                             "facebook_reels_overlay", "profile_feed", "notification",
                             "biz_disco_feed")
INSTAGRAM_POSITIONS: Final = ("stream", "story", "explore", "explore_home", "reels",
                              "profile_feed", "ig_search", "profile_reels")
AUDIENCE_NETWORK_POSITIONS: Final = ("classic", "rewarded_video")
MESSENGER_POSITIONS: Final = ("messenger_home", "sponsored_messages", "story")
THREADS_POSITIONS: Final = ("threads_stream",)  # [3P] Zernio
WHATSAPP_POSITIONS: Final = ("status",)  # [3P] Zernio
DEVICE_PLATFORMS: Final = ("mobile", "desktop")
POSITION_KEYS: Final = {
    "facebook_positions": FACEBOOK_POSITIONS,
    "instagram_positions": INSTAGRAM_POSITIONS,
    "audience_network_positions": AUDIENCE_NETWORK_POSITIONS,
    "messenger_positions": MESSENGER_POSITIONS,
    "threads_positions": THREADS_POSITIONS,
    "whatsapp_positions": WHATSAPP_POSITIONS,
}

# -- Audiences (docs/facts-audiences.md) ----------------------------------------------------------

WEBSITE_RETENTION_DAYS: Final = (1, 180)  # [3P] two sources
ENGAGEMENT_RETENTION_DAYS: Final = (1, 365)  # [S] page engagement
# Issue 15 asks for 1-10 % lookalikes; Meta accepts up to 20 % (LAL [S]), so a larger ratio is
# refused with a message saying it is adpilot's limit, not Meta's.
LOOKALIKE_RATIO: Final = (0.01, 0.10)
META_LOOKALIKE_MAX: Final = 0.20
LOOKALIKE_MIN_SEED: Final = 100  # "Origin audiences must have at least 100 members" [S]
# HOUSING / EMPLOYMENT / FINANCIAL_PRODUCTS_SERVICES (and CREDIT, its name before Jan 2025):
# no lookalikes, no audience, detailed-targeting or location exclusions (SACHelp [S]).
# ISSUES_ELECTIONS_POLITICS has no targeting restrictions (SAC [S]).
SAC_AUDIENCE_RESTRICTED: Final = RESTRICTED_TARGETING_CATEGORIES
# flexible_spec keys (SDK FlexibleTargeting [S]); these two take integers, the rest {id, name}.
DETAILED_INT_KEYS: Final = frozenset({"education_statuses", "relationship_statuses"})
DETAILED_KEYS: Final = frozenset({
    "behaviors", "college_years", "connections", "custom_audiences", "education_majors",
    "education_schools", "education_statuses", "ethnic_affinity", "family_statuses",
    "friends_of_connections", "generation", "home_ownership", "home_type", "home_value",
    "household_composition", "income", "industries", "interested_in", "interests", "life_events",
    "moms", "net_worth", "office_type", "politics", "relationship_statuses", "user_adclusters",
    "work_employers", "work_positions",
})

# -- Dynamic creative (facts-bidding... §4, counts [3P] AiTarget/Zernio) ---------------------------

DC_MAX_COUNTS: Final = {"images": 10, "videos": 10, "titles": 5, "bodies": 5,
                        "descriptions": 5, "call_to_action_types": 5}
DC_MAX_ASSETS: Final = 30  # images + videos + titles + bodies + descriptions
DC_TEXT_MAX: Final = {"titles": 255, "descriptions": 255, "bodies": 1024}
DC_AD_FORMATS: Final = ("SINGLE_IMAGE", "SINGLE_VIDEO", "CAROUSEL_IMAGE", "AUTOMATIC_FORMAT")

# EU member states (DSA payor/beneficiary required when any is targeted, docs/meta-api-facts.md §3.1).
EU_COUNTRIES: Final = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
EEA_COUNTRIES: Final = EU_COUNTRIES | {"IS", "LI", "NO"}
# Where adpilot sends the DSA payor/beneficiary: the EU, plus the EEA to match the sandbox
# (sending them for Norway costs nothing; omitting them where required fails the launch).
DSA_COUNTRIES: Final = EU_COUNTRIES | {"IS", "LI", "NO"}
# No under-18 targeting in the EU/EEA and Switzerland (docs/meta-api-facts.md §3.6).
ADULT_ONLY_COUNTRIES: Final = EEA_COUNTRIES | {"CH"}

# -- Money (docs/meta-api-facts.md §3.8; Meta's currency list) ------------------------------------

# Minor units per major unit. Meta's "offset 1" currencies have no minor unit: amounts are sent
# whole (¥8000 is 8000). Everything else Meta supports uses offset 100.
CURRENCY_OFFSETS: Final[dict[str, int]] = {
    c: 1 for c in ("CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND")
}


def currency_offset(currency: str) -> int:
    """Minor units per major unit for a currency (1 for JPY, KRW, ...; else 100)."""
    return CURRENCY_OFFSETS.get(currency.upper(), 100)


def to_minor(amount: float, currency: str) -> int:
    """Convert a major-unit amount (e.g. 60.5 USD) into integer minor units (6050)."""
    return int(round(amount * currency_offset(currency)))


def format_money(amount_minor: int, currency: str) -> str:
    """Render minor units for humans, e.g. 6050 USD -> 'USD 60.50', 8000 JPY -> 'JPY 8,000'."""
    off = currency_offset(currency)
    if off == 1:
        return f"{currency} {amount_minor:,}"
    return f"{currency} {amount_minor / off:,.2f}"


# Currencies that pay the higher ("high-cost") minimums (docs/meta-api-facts.md §3.8, Help Center list).
HIGH_COST_CURRENCIES: Final = frozenset({
    "USD", "AUD", "CAD", "SGD", "JPY", "NZD", "TWD", "EUR", "CHF", "SEK", "HKD", "GBP", "ILS",
    "NOK", "KRW", "DKK",
})
# USD cents per day by frequency class for high-cost currencies (docs/meta-api-facts.md §3.8 table); the other
# currencies pay half (the Help Center's $0.50 / $2.50 / $20 tier). Video-view billing uses the
# impressions amount. These match sandbox/enums.py::minimum_budgets exactly (a test checks it).
_USD_MIN_CENTS: Final = {"imp": 100, "high_freq": 500, "low_freq": 4000, "video_views": 100}
# Approximate local units per USD, only to scale the USD minimums into each currency. Meta's
# authoritative numbers come from /act_<id>/minimum_budgets; these stand-ins are illustrative
# and fixed so the sandbox and the validator agree exactly.
USD_RATES: Final[dict[str, float]] = {
    "USD": 1, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "NZD": 1.65, "SGD": 1.35,
    "HKD": 7.8, "CHF": 0.9, "SEK": 10.5, "NOK": 10.7, "DKK": 6.9, "ILS": 3.7, "JPY": 150,
    "KRW": 1350, "TWD": 32, "MXN": 17, "BRL": 5, "ARS": 900, "CLP": 900, "COP": 4000,
    "PEN": 3.75, "INR": 83, "IDR": 15500, "VND": 24000, "THB": 35, "PHP": 56, "MYR": 4.7,
    "PLN": 4, "CZK": 23, "HUF": 360, "RON": 4.6, "BGN": 1.8, "TRY": 32, "ZAR": 18, "NGN": 1500,
    "EGP": 48, "AED": 3.67, "SAR": 3.75, "QAR": 3.64, "KES": 130, "PKR": 280, "CNY": 7.2,
    "ISK": 138, "CRC": 520, "PYG": 7300, "UAH": 41, "GHS": 15, "MAD": 10, "BDT": 117,
}
FREQUENCY_CLASSES: Final = ("imp", "high_freq", "low_freq", "video_views")


def frequency_class(billing_event: str | None, optimization_goal: str | None = None) -> str:
    """Meta's budget class of an ad set: impressions, high-/low-frequency events, video views.

    docs/meta-api-facts.md §3.8: clicks, likes and engagement billing are high-frequency events; app installs
    and offer claims (billed, or app installs optimised for) are low-frequency; ThruPlay and
    2-second video billing use the video-views minimum; everything else the impressions one.
    """
    if billing_event in ("APP_INSTALLS", "OFFER_CLAIMS") or optimization_goal == "APP_INSTALLS":
        return "low_freq"
    if billing_event in ("LINK_CLICKS", "CLICKS", "POST_ENGAGEMENT", "PAGE_LIKES"):
        return "high_freq"
    if billing_event in ("THRUPLAY", "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS"):
        return "video_views"
    return "imp"


def minimum_budget_row(currency: str) -> dict[str, int | str]:
    """Return the `minimum_budgets` row for a currency: daily minimums in minor units per class."""
    cur = currency.upper()
    if cur not in USD_RATES:
        raise ValueError(f"currency {currency!r} is not supported; use an ISO-4217 code such as USD")
    factor = 1.0 if cur in HIGH_COST_CURRENCIES else 0.5
    row: dict[str, int | str] = {"currency": cur}
    for cls in FREQUENCY_CLASSES:
        usd_cents = int(_USD_MIN_CENTS[cls] * factor)
        row[f"min_daily_budget_{cls}"] = max(
            1, round(usd_cents / 100 * USD_RATES[cur] * currency_offset(cur)))
    return row


def min_daily_budget_minor(currency: str, billing_event: str = "IMPRESSIONS",
                           optimization_goal: str | None = None) -> int:
    """Meta's minimum daily budget, in the currency's minor units, for an ad set setup."""
    row = minimum_budget_row(currency)
    value = row[f"min_daily_budget_{frequency_class(billing_event, optimization_goal)}"]
    assert isinstance(value, int)
    return value


SUPPORTED_CURRENCIES: Final = frozenset(USD_RATES)
