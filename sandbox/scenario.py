"""Scenario files: what a sandbox starts with and the distributions its latent truth comes from.

Longer than 300 lines because it is the scenario schema (one pydantic model per section of
the JSON file) beside the seeding of a fresh store from it and the per-account views of it.

A scenario is a JSON document (schema: `sandbox/scenarios/README.md`) naming the ad account,
page and pixel, the currency and time zone, the start date and horizon, and the
distributions (or fixed values) from which `sandbox.truth` draws each ad set's and ad's
latent performance. `load_scenario` accepts a bundled name (`ecommerce_usd`) or a path;
`init_store` seeds a fresh store with the accounts, page and pixels and starts the clock.

Several ad accounts: `other_accounts` lists more by hand and `generate_accounts` makes `count`
more from a seed. Delivery, insights, budgets and rate limits run in every one of them, each
on its own currency and time zone: `Scenario.accounts()` lists them (the main `account`
first) and `Scenario.for_account(act)` is the scenario as that account sees it (its account,
currency, time zone and pixel), with the truth seed `Scenario.seed_for(seed, act)` — the
scenario's seed for the main account, a seed derived from it and the account id for others.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from sandbox.scenario_nodes import Business, Named, Page
from sandbox.store import Store

SCENARIO_DIR = Path(__file__).parent / "scenarios"

_Strict = ConfigDict(extra="forbid")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the field and the fix."""


class Dist(BaseModel):
    """A one-dimensional distribution of a latent quantity."""

    model_config = _Strict
    kind: Literal["lognormal", "beta", "uniform", "fixed"]
    median: float | None = Field(default=None, gt=0, description="lognormal: the median")
    sigma: float | None = Field(default=None, ge=0, description="lognormal: sd of the log")
    mean: float | None = Field(default=None, gt=0, lt=1, description="beta: the mean (0..1)")
    concentration: float | None = Field(default=None, gt=0, description="beta: alpha + beta")
    low: float | None = None
    high: float | None = None
    value: float | None = None

    @model_validator(mode="after")
    def _params(self) -> Dist:
        need = {
            "lognormal": ("median", "sigma"),
            "beta": ("mean", "concentration"),
            "uniform": ("low", "high"),
            "fixed": ("value",),
        }[self.kind]
        missing = [p for p in need if getattr(self, p) is None]
        if missing:
            raise ValueError(f"a {self.kind} distribution needs {', '.join(missing)}")
        if self.kind == "uniform" and self.low is not None and self.high is not None:
            if self.low > self.high:
                raise ValueError("uniform: low must be <= high")
        return self

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        if self.kind == "lognormal":
            return float(self.median * math.exp(self.sigma * rng.standard_normal()))  # type: ignore[operator]
        if self.kind == "beta":
            a = self.mean * self.concentration  # type: ignore[operator]
            return float(rng.beta(a, self.concentration - a))  # type: ignore[operator]
        if self.kind == "uniform":
            return float(rng.uniform(float(self.low or 0), float(self.high or 0)))
        return float(self.value)  # type: ignore[arg-type]


class TruthDists(BaseModel):
    """Distributions of the latent truth (see `sandbox.truth`)."""

    model_config = _Strict
    cpm_minor: Dist = Field(
        description="ad set base CPM for a 1M audience, minor units / 1000 imps"
    )
    cvr: Dist = Field(description="ad set conversions per link click (audience fit)")
    value_minor: Dist = Field(description="ad set mean value per conversion, minor units")
    ctr: Dist = Field(description="ad CTR (all clicks per impression)")
    ad_cvr_mult: Dist = Field(
        default_factory=lambda: Dist.model_validate({"kind": "fixed", "value": 1.0}),
        description="ad multiplier on the ad set's conversion rate (offer/landing fit)",
    )
    recall_rate: Dist = Field(
        default_factory=lambda: Dist.model_validate(
            {"kind": "beta", "mean": 0.03, "concentration": 300}
        ),
        description="ad estimated ad recallers per person reached",
    )


class ModelParams(BaseModel):
    """Constants of the delivery model; defaults suit most scenarios."""

    model_config = _Strict
    link_click_share: float = Field(default=0.75, gt=0, le=1)
    landing_page_view_share: float = Field(default=0.8, gt=0, le=1)
    unique_click_share: float = Field(default=0.88, gt=0, le=1)
    capacity_at_1m: float = Field(
        default=8000, gt=0, description="daily impression capacity, 1M audience"
    )
    capacity_exponent: float = Field(default=0.5, gt=0, le=1)
    max_marginal_cpm_mult: float = Field(default=4.0, gt=1)
    reach_pool_days: float = Field(default=10.0, gt=0)
    distribution_power: float = Field(default=2.0, ge=0)
    learning_events: int = Field(default=50, ge=1)
    learning_days: int = Field(default=7, ge=1)
    learning_cost_penalty: float = Field(default=0.25, ge=0)
    learning_noise: float = Field(default=0.3, ge=0)
    noise: float = Field(default=0.1, ge=0)
    fatigue_start: float = Field(
        default=1.5, ge=0, description="cumulative frequency before CTR decays"
    )
    fatigue_scale: float = Field(default=8.0, gt=0)
    # Meta's rule since 2024: up to 75 % over a daily budget on one day, never more than the
    # week's budgets over a calendar week (docs/meta-api-facts.md §3.1, "Edit rules").
    max_overspend: float = Field(default=0.75, ge=0, le=1)
    # How far one day's pace strays from an even spread of the week's allowance (seeded).
    pace_spread: float = Field(default=0.25, ge=0, le=1)
    sig_budget_change: float = Field(
        default=0.5, gt=0, description="relative budget change = sig. edit"
    )
    restatement_days: int = Field(default=2, ge=0, le=7)
    restatement_share: float = Field(
        default=0.2, ge=0, lt=1,
        description="share of a day's conversions not yet reported the day after (restated later)",
    )
    value_shape: float = Field(
        default=4.0, gt=0,
        description="gamma shape of one conversion's value (smaller = more uneven baskets)",
    )


class FixedAdSet(BaseModel):
    """Fixed latent truth for one ad set (any subset of fields)."""

    model_config = _Strict
    audience: int | None = Field(default=None, gt=0)
    cpm_minor: float | None = Field(default=None, gt=0)
    cvr: float | None = Field(default=None, ge=0, le=1)
    value_minor: float | None = Field(default=None, ge=0)


class FixedAd(BaseModel):
    """Fixed latent truth for one ad (any subset of fields)."""

    model_config = _Strict
    ctr: float | None = Field(default=None, ge=0, le=1)
    cvr_mult: float | None = Field(default=None, ge=0)
    recall_rate: float | None = Field(default=None, ge=0, le=1)


class Fixed(BaseModel):
    """Fixed truths keyed by name (tag suffix ignored) or index (`"0"`; ads `"0.1"`)."""

    model_config = _Strict
    adsets: dict[str, FixedAdSet] = Field(default_factory=dict)
    ads: dict[str, FixedAd] = Field(default_factory=dict)


class CampaignShape(BaseModel):
    """The campaign a bench launches for this scenario (a hint; the sandbox itself ignores it)."""

    model_config = _Strict
    adsets: int = Field(default=4, ge=1, le=50, description="ad sets in the campaign")
    ads: int = Field(default=3, ge=1, le=20, description="ads per ad set")
    budget: Literal["daily", "lifetime", "cbo"] = Field(
        default="daily",
        description="ad-set daily budgets, ad-set lifetime budgets, or one CBO campaign budget",
    )


class Account(BaseModel):
    """The ad account the sandbox holds."""

    model_config = _Strict
    id: str = Field(pattern=r"^act_\d+$", description="act_<digits>")
    name: str = "Sandbox Ad Account"
    min_daily_budget: int = Field(default=100, ge=1, description="minor units")
    spend_cap: int = Field(default=0, ge=0, description="minor units; 0 = none")
    amount_spent: int = Field(default=0, ge=0)
    custom_audience_tos_accepted: bool = Field(
        default=True, description="false: creating custom audiences fails with 200/1870034"
    )
    created_time: date | None = Field(
        default=None, description="null: derived from the id, 60–1,859 days before `start`"
    )
    is_prepay_account: bool = Field(default=False, description="true: funded by prepaid balance")


def _iana(v: str) -> str:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {v!r} (e.g. America/New_York)") from exc
    return v


class OtherAccount(Account):
    """One more ad account the token reaches, with its own currency, time zone and pixel."""

    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    timezone: str = "America/Los_Angeles"
    pixel: Named | None = Field(
        default=None, description="the account's own pixel (none: the scenario's pixel only)"
    )

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _iana(v)


class GenerateAccounts(BaseModel):
    """`count` more ad accounts made from a seed, so a scenario can say "100 accounts"."""

    model_config = _Strict
    count: int = Field(ge=1, le=1000)
    seed: int = Field(default=0, ge=0, description="picks each account's currency and zone")
    first_id: int = Field(
        default=7_000_000_001, ge=1, lt=10**15, description="ids are act_<first_id + i>"
    )
    name_prefix: str = Field(default="Sandbox Account", min_length=1, max_length=80)
    currencies: list[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = Field(
        default_factory=list, max_length=50, description="empty: the scenario's currency"
    )
    timezones: list[str] = Field(
        default_factory=list, max_length=50, description="empty: the scenario's time zone"
    )
    min_daily_budget: int = Field(default=100, ge=1)
    spend_cap: int = Field(default=0, ge=0)

    @field_validator("timezones")
    @classmethod
    def _tzs(cls, v: list[str]) -> list[str]:
        return [_iana(z) for z in v]

    def accounts(self, currency: str, timezone: str) -> list[OtherAccount]:
        """Return the generated accounts; the same settings always give the same accounts."""
        out = []
        for i in range(self.count):
            pick = int.from_bytes(
                hashlib.blake2b(f"{self.seed}|{i}".encode(), digest_size=8).digest(), "little"
            )
            digits = str(self.first_id + i)
            name = f"{self.name_prefix} {i + 1:03d}"
            out.append(
                OtherAccount(
                    id=f"act_{digits}",
                    name=name,
                    min_daily_budget=self.min_daily_budget,
                    spend_cap=self.spend_cap,
                    currency=self.currencies[pick % len(self.currencies)]
                    if self.currencies
                    else currency,
                    timezone=self.timezones[(pick >> 20) % len(self.timezones)]
                    if self.timezones
                    else timezone,
                    pixel=Named(id=f"9{digits}", name=f"{name} Pixel"),
                )
            )
        return out


class Targets(BaseModel):
    """Goals a plan for this scenario would carry (hints for planners and benches)."""

    model_config = _Strict
    cpa_minor: int | None = Field(default=None, gt=0)
    roas: float | None = Field(default=None, gt=0)
    daily_budget_minor: int | None = Field(default=None, gt=0)


# Which target key each kind takes (None: the whole account), and which number.
_INCIDENT_TARGET = {"disapproval": "ad", "with_issues": "adset", "cpm_shock": "adset",
                    "ctr_shock": "adset", "underdelivery": "adset"}
_INCIDENT_NUMBER = {"pixel_outage": "share", "cpm_shock": "factor", "ctr_shock": "factor",
                    "underdelivery": "factor"}


class Incident(BaseModel):
    """A fault the scenario injects from day `day` (days after `start`) until `until` (exclusive).

    What each kind does is in `sandbox/incidents.py`; the schema in `sandbox/scenarios/README.md`.
    """

    model_config = _Strict
    kind: Literal[
        "disapproval",
        "with_issues",
        "account_disabled",
        "pixel_outage",
        "cpm_shock",
        "ctr_shock",
        "underdelivery",
    ]
    day: int = Field(ge=0, le=400, description="first day it holds, counted from `start` (0)")
    until: int | None = Field(default=None, ge=1, le=401, description="first day it no longer holds")
    ad: str | None = Field(default=None, min_length=1, max_length=200,
                           description="disapproval: the ad, by index (`0.1`) or name")
    adset: str | None = Field(default=None, min_length=1, max_length=200,
                              description="the ad set, by index (`2`) or name; none = every one")
    factor: float | None = Field(default=None, gt=0, le=20,
                                 description="cpm_shock / ctr_shock: multiplier; underdelivery: "
                                 "the share of its spend Meta still delivers")
    share: float | None = Field(default=None, gt=0, le=1,
                                description="pixel_outage: the share of conversions lost (1 = all)")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Incident:
        if self.until is not None and self.until <= self.day:
            raise ValueError(f"{self.kind}: until ({self.until}) must be after day ({self.day})")
        target, number = _INCIDENT_TARGET.get(self.kind), _INCIDENT_NUMBER.get(self.kind)
        for key in ("ad", "adset"):
            if getattr(self, key) is not None and key != target:
                raise ValueError(f"{self.kind} takes no `{key}`"
                                 + (f" (it takes `{target}`)" if target else ""))
        for key in ("factor", "share"):
            if getattr(self, key) is not None and key != number:
                raise ValueError(f"{self.kind} takes no `{key}`"
                                 + (f" (it takes `{number}`)" if number else ""))
        if self.kind in ("cpm_shock", "ctr_shock", "underdelivery") and self.factor is None:
            raise ValueError(f"{self.kind} needs `factor` (e.g. 2.0)")
        if self.kind == "underdelivery" and (self.factor or 0) >= 1:
            raise ValueError("underdelivery: factor is the share still delivered, below 1 "
                             "(e.g. 0.3)")
        return self


class Scenario(BaseModel):
    """A whole scenario file."""

    model_config = _Strict
    name: str
    description: str = ""
    seed: int = 0
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    timezone: str
    start: date
    days: int = Field(default=28, ge=1, le=400)
    objective: str = "OUTCOME_SALES"
    conversion_event: Literal["purchase", "lead"] | None = "purchase"
    kpi: Literal[
        "conversions", "conversion_value", "link_clicks", "estimated_ad_recallers", "impressions"
    ] = "conversions"
    countries: list[str] = Field(default_factory=lambda: ["US"])
    account: Account
    other_accounts: list[OtherAccount] = Field(default_factory=list, max_length=200)
    generate_accounts: GenerateAccounts | None = None
    page: Page
    pixel: Named
    business: Business = Field(
        default_factory=lambda: Business.model_validate({}),
        description="the Business Manager owning the accounts, page and pixels (derived keys)",
    )
    targets: Targets = Field(default_factory=lambda: Targets.model_validate({}))
    truth: TruthDists
    model: ModelParams = Field(default_factory=lambda: ModelParams.model_validate({}))
    fixed: Fixed = Field(default_factory=lambda: Fixed.model_validate({}))
    campaign: CampaignShape = Field(
        default_factory=lambda: CampaignShape.model_validate({}),
        description="the campaign benches launch (ad sets, ads, budget kind)",
    )
    incidents: list[Incident] = Field(
        default_factory=list, max_length=100,
        description="faults injected into the main ad account (sandbox/incidents.py)",
    )
    _accounts: list[OtherAccount] | None = PrivateAttr(default=None)
    _by_id: dict[str, OtherAccount] | None = PrivateAttr(default=None)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return _iana(v)

    @model_validator(mode="after")
    def _derive_business(self) -> Scenario:
        country = self.countries[0] if self.countries else "US"
        self.business = self.business.resolved(self.account.id, self.account.name, country)
        return self

    @model_validator(mode="after")
    def _unique_accounts(self) -> Scenario:
        ids = [a.id for a in self.accounts()]
        dup = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) < len(ids) else []
        if dup:
            raise ValueError(f"ad account ids must be unique: {', '.join(dup[:5])} repeat")
        return self

    def accounts(self) -> list[OtherAccount]:
        """Every ad account of the scenario: `account` first, then `other_accounts`, then generated.

        Computed once per scenario object (a view from `for_account` shares its scenario's).
        """
        if self._accounts is None:
            self._accounts = self._all_accounts()
        return self._accounts

    def _all_accounts(self) -> list[OtherAccount]:
        main = OtherAccount(
            **self.account.model_dump(), currency=self.currency, timezone=self.timezone,
            pixel=self.pixel,
        )
        made = (
            self.generate_accounts.accounts(self.currency, self.timezone)
            if self.generate_accounts
            else []
        )
        return [main, *self.other_accounts, *made]

    def for_account(self, act: str | None) -> Scenario:
        """Return the scenario as ad account `act` (`act_<digits>` or digits) sees it; unknown → main."""
        act = f"act_{act}" if act and not str(act).startswith("act_") else act
        if not act or act == self.account.id:
            return self
        if self._by_id is None:
            self._by_id = {a.id: a for a in self.accounts()}
        acct = self._by_id.get(act)
        if acct is None:
            return self
        return self.model_copy(
            update={
                "account": Account(
                    **acct.model_dump(exclude={"currency", "timezone", "pixel"})
                ),
                "currency": acct.currency,
                "timezone": acct.timezone,
                "pixel": acct.pixel or self.pixel,
                "incidents": [],  # injected into the main account only
            }
        )

    def seed_for(self, seed: int, act: str) -> int:
        """Return ad account `act`'s truth seed: `seed` for the main account, else one derived from both."""
        if act == self.account.id:
            return seed
        digest = hashlib.blake2b(f"{seed}|{act}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "little") >> 1

    @property
    def tz(self) -> ZoneInfo:
        """The account time zone."""
        return ZoneInfo(self.timezone)

    def start_dt(self) -> datetime:
        """Account-local midnight of the start date, aware."""
        return datetime(self.start.year, self.start.month, self.start.day, tzinfo=self.tz)


def bundled() -> list[str]:
    """Names of the bundled scenarios."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.json"))


def _describe(exc: ValidationError, source: str) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{loc}: {err['msg']}")
    return (
        f"scenario {source} is invalid — "
        + "; ".join(parts)
        + (" (schema: sandbox/scenarios/README.md)")
    )


def parse_scenario(data: Any, source: str = "<dict>") -> Scenario:
    """Validate a scenario document, raising `ScenarioError` that names each bad field."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_describe(exc, source)) from None


def load_scenario(name_or_path: str) -> Scenario:
    """Load a bundled scenario by name or any scenario JSON file by path."""
    path = Path(name_or_path)
    if not path.exists():
        bundled_path = SCENARIO_DIR / f"{name_or_path}.json"
        if bundled_path.exists():
            path = bundled_path
        else:
            raise ScenarioError(
                f"scenario {name_or_path!r} not found: give a path to a JSON file or one of "
                f"{', '.join(bundled())}"
            )
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"scenario {path} is not valid JSON: {exc}") from None
    return parse_scenario(data, str(path))


def get_scenario(store: Store) -> Scenario:
    """Return the scenario a store was initialised with (parsed once per stored text)."""
    with store.lock:
        rows = list(store.db.query("select value from settings where key = 'scenario'"))
    if not rows:
        raise RuntimeError("the sandbox store has no scenario: call init_store first")
    return _parse_stored(rows[0]["value"])


@lru_cache(maxsize=16)
def _parse_stored(text: str) -> Scenario:
    # Shared between calls: callers read it and make views with `for_account`, never mutate it.
    return Scenario.model_validate(json.loads(text))


def get_seed(store: Store) -> int:
    """Return the seed in force for a store."""
    return int(store.get_setting("seed", 0))


def account_scenario(store: Store, account: str | None) -> tuple[Scenario, int]:
    """Return (the scenario as ad account `account` sees it, its truth seed); None → the main account."""
    sc = get_scenario(store)
    view = sc.for_account(account)
    return view, sc.seed_for(get_seed(store), view.account.id)


def _tos(account: Account) -> dict[str, int]:
    """Meta's `tos_accepted` map of an ad account (the terms it has accepted)."""
    return {"custom_audience_tos": 1} if account.custom_audience_tos_accepted else {}


def init_store(store: Store, scenario: str | Scenario, seed: int | None) -> None:
    """Create the account, page and pixel and start the clock; a no-op on a used store.

    A restarted sandbox keeps its objects, clock and scenario, so this only acts when the
    store holds no scenario yet.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    with store.lock:
        if store.get_setting("scenario") is not None:
            return
        digits = sc.account.id.removeprefix("act_")
        store.set_setting("scenario", sc.model_dump(mode="json"))
        store.set_setting("seed", int(seed if seed is not None else sc.seed))
        # The clock starts at local midnight of the scenario's first day.
        store.set_setting("clock_offset_s", sc.start_dt().timestamp() - time.time())
        store.insert_object(
            "adaccount",
            {
                "id": sc.account.id,
                "account_id": digits,
                "name": sc.account.name,
                "currency": sc.currency,
                "timezone_name": sc.timezone,
                "account_status": 1,
                "disable_reason": 0,
                "min_daily_budget": sc.account.min_daily_budget,
                "spend_cap": str(sc.account.spend_cap),
                "amount_spent": str(sc.account.amount_spent),
                "balance": "0",
                "tos_accepted": _tos(sc.account),
            },
            account_id=digits,
            id_=sc.account.id,
        )
        for other in sc.accounts()[1:]:
            other_digits = other.id.removeprefix("act_")
            store.insert_object(
                "adaccount",
                {"id": other.id, "account_id": other_digits, "name": other.name,
                 "currency": other.currency, "timezone_name": other.timezone,
                 "account_status": 1, "disable_reason": 0,
                 "min_daily_budget": other.min_daily_budget, "spend_cap": str(other.spend_cap),
                 "amount_spent": str(other.amount_spent), "balance": "0",
                 "tos_accepted": _tos(other)},
                account_id=other_digits,
                id_=other.id,
            )
            if other.pixel is not None:
                store.insert_object(
                    "adspixel",
                    {"id": other.pixel.id, "name": other.pixel.name,
                     "code": "<!-- sandbox pixel -->"},
                    account_id=other_digits,
                    parent_id=other.id,
                    id_=other.pixel.id,
                )
        store.insert_object(
            "page",
            sc.page.fields(),
            account_id=digits,
            id_=sc.page.id,
        )
        if sc.page.instagram_business_account:  # readable as GET /<ig id> (Meta's IGUser)
            store.insert_object(
                "iguser",
                {"id": sc.page.instagram_business_account, "name": sc.page.name,
                 "username": "".join(c for c in sc.page.name.lower() if c.isalnum())[:30]},
                account_id=digits, parent_id=sc.page.id, id_=sc.page.instagram_business_account,
            )
        store.insert_object(
            "adspixel",
            {"id": sc.pixel.id, "name": sc.pixel.name, "code": "<!-- sandbox pixel -->"},
            account_id=digits,
            parent_id=sc.account.id,
            id_=sc.pixel.id,
        )
        # `GET /me/businesses`; it owns every account, the page and the pixels (sandbox/business.py)
        biz = sc.business.fields(sc.start_dt(), sc.tz, sc.page)
        store.insert_object("business", biz, id_=biz["id"])
