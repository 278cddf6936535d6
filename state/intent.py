"""What a marketer's request about existing campaigns asks for: the router's typed intent.

`adpilot ask REQUEST` (docs/design.md §1, §2) reads a request with the rules router offline or
an LLM (structured output) when one is configured, and both produce one `Intent`: the route,
the entities it resolved (by id or by name, each flagged with how it matched), the parameters
the request states (never the defaults adpilot applies afterwards), and — for a combined
request — the later asks in `also`, which the router reports and never executes under the
first ask's route (each gets its own card afterwards; a budget move is two asks on one card). The labels of `evals/datasets/requests.jsonl` have the same shape
(`evals/README.md` "Router requests"), so a prediction is scored field by field.

Money is in minor units of the account's currency; CTR thresholds are percent, ROAS a
multiple. `Catalog` is the shape both the evals' world (`request_world.json`) and a catalog
read from Meta (`tools/catalog.py`) have: accounts → campaigns → ad sets → ads.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Route = Literal["question", "pause_underperformers", "budget", "ab_test", "status",
                "new_campaign", "adopt", "unsupported", "clarify"]
ROUTES: tuple[str, ...] = Route.__args__  # type: ignore[attr-defined]
# Routes that may propose a write (after a card); the others never do.
WRITE_ROUTES = frozenset({"pause_underperformers", "budget", "ab_test", "status", "adopt",
                          "new_campaign"})
Level = Literal["account", "campaign", "adset", "ad"]
EntityType = Literal["campaign", "adset", "ad"]
Match = Literal["exact", "fuzzy", "id"]
Metric = Literal["spend", "impressions", "reach", "frequency", "clicks", "ctr", "cpc", "cpm",
                 "results", "cpa", "roas", "revenue"]
METRICS: tuple[str, ...] = Metric.__args__  # type: ignore[attr-defined]
DEFAULT_METRICS: tuple[Metric, ...] = ("spend", "results", "cpa")
Breakdown = Literal["day", "week", "age", "gender", "country", "region", "publisher_platform",
                    "platform_position", "device_platform"]
Op = Literal[">", ">=", "<", "<=", "=="]

_STRICT = ConfigDict(extra="forbid")


class EntityRef(BaseModel):
    """One Meta object a request acts on or asks about, and how its name matched."""

    model_config = _STRICT
    type: EntityType
    id: str
    name: str
    match: Match = Field(description="exact name, a close (fuzzy) name, or an id; a write on a "
                         "fuzzy match is never auto-approved")
    account: str | None = Field(default=None, description="act_<digits> the object is in")


class DateRange(BaseModel):
    """A Meta `date_preset`, or an explicit `since`/`until` (ISO dates, account-local)."""

    model_config = _STRICT
    preset: str | None = None
    since: str | None = None
    until: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> DateRange:
        if self.preset and (self.since or self.until):
            raise ValueError("date_range: give a preset or since/until, not both")
        if not self.preset and not self.until:
            raise ValueError("date_range: give a preset (e.g. last_7d) or since/until dates")
        return self


class Rank(BaseModel):
    """Top or bottom N by a metric; `order` sorts the value (worst CPA = desc)."""

    model_config = _STRICT
    by: Metric
    order: Literal["asc", "desc"]
    n: int | None = Field(default=None, ge=1)


class Threshold(BaseModel):
    """A metric compared with a number ("CPA over $40"): money in minor units."""

    model_config = _STRICT
    metric: Metric
    op: Op
    threshold: float
    currency: str | None = None


class QuestionParams(BaseModel):
    """A read-only question: what to read, at which level, over which dates."""

    model_config = _STRICT
    metrics: list[Metric] = Field(default_factory=lambda: list(DEFAULT_METRICS))
    level: Level = "campaign"
    breakdown: list[Breakdown] | None = None
    date_range: DateRange | None = None
    compare_previous: bool = False
    rank: Rank | None = None
    filter: list[Threshold] | None = None


class PauseParams(BaseModel):
    """Pause what breaks a threshold inside a campaign or ad set (the entity is the scope)."""

    model_config = _STRICT
    metric: Metric | None = None
    op: Op | None = None
    threshold: float | None = None
    currency: str | None = None
    min_spend_minor: int | None = Field(default=None, ge=0)
    min_days: int | None = Field(default=None, ge=0)
    level: Literal["ad", "adset"] = "ad"


class BudgetChange(BaseModel):
    """Exactly one of: a new amount, a signed delta, a signed percent, a factor."""

    model_config = _STRICT
    to_minor: int | None = Field(default=None, ge=0)
    delta_minor: int | None = None
    pct: float | None = None
    factor: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> BudgetChange:
        given = [k for k in ("to_minor", "delta_minor", "pct", "factor") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("change: give exactly one of to_minor, delta_minor, pct, factor "
                             f"(got {', '.join(given) or 'none'})")
        return self

    def apply(self, before: int) -> int:
        """Return the new budget in minor units from the current one (rounded to whole units)."""
        if self.to_minor is not None:
            return self.to_minor
        if self.delta_minor is not None:
            return max(0, before + self.delta_minor)
        factor = self.factor if self.factor is not None else 1 + float(self.pct or 0) / 100
        return max(0, round(before * factor))


class BudgetParams(BaseModel):
    """Change one campaign's or ad set's budget — or move budget from one object to another.

    A move ("move $10 a day from A to B") is two asks: A's (`move_to` = B's id) takes the
    amount away — a negative `delta_minor`, or a negative `pct` of A's budget — and B's, the
    next ask (`move_from` = A's id), gets the same amount: the same money (`delta_minor`), or
    for a percent the same `pct` *of A's budget*, never of B's. adpilot proposes both on one
    card; neither is ever proposed alone.
    """

    model_config = _STRICT
    change: BudgetChange
    period: Literal["daily", "lifetime"] | None = None
    currency: str | None = None
    move_to: str | None = Field(default=None, description="a move's source: the id that gets "
                                "what this change takes away")
    move_from: str | None = Field(default=None, description="a move's destination: the id the "
                                  "amount comes from (a pct is of that object's budget)")

    @model_validator(mode="after")
    def _move_amount(self) -> BudgetParams:
        if self.move_to and self.move_from:
            raise ValueError("a budget move names one side: move_to (the source) or move_from "
                             "(the destination)")
        sign = -1 if self.move_to else 1
        moved = self.change.delta_minor if self.change.delta_minor is not None else self.change.pct
        if (self.move_to or self.move_from) and (moved is None or sign * moved <= 0):
            raise ValueError("a budget move is an amount (delta_minor) or a percent of the "
                             "source's budget (pct): negative on the source, positive on the "
                             "destination")
        return self


class StopRule(BaseModel):
    """When an A/B test ends: after days, after spend, or at a confidence."""

    model_config = _STRICT
    days: int | None = Field(default=None, ge=1)
    spend_minor: int | None = Field(default=None, ge=0)
    currency: str | None = None
    confidence: float | None = Field(default=None, gt=0, lt=1)


class AbTestParams(BaseModel):
    """Test a variation of an existing ad or ad set beside it."""

    model_config = _STRICT
    variable: Literal["copy", "image", "audience"] | None = None
    variant: str | None = None
    stop_rule: StopRule | None = None


class StatusParams(BaseModel):
    """Pause or resume something by name."""

    model_config = _STRICT
    to: Literal["PAUSED", "ACTIVE"]


class AdoptParams(BaseModel):
    """Watch an existing campaign in the optimise loop, with the targets the request gives."""

    model_config = _STRICT
    target_cpa_minor: int | None = Field(default=None, ge=1)
    target_roas: float | None = Field(default=None, gt=0)
    currency: str | None = None


class NoParams(BaseModel):
    """new_campaign takes the brief whole; the launch path reads it."""

    model_config = _STRICT


class WhyParams(BaseModel):
    """unsupported / clarify: why, and the candidates when names were ambiguous or close."""

    model_config = _STRICT
    why: str = ""
    candidates: list[str] = Field(default_factory=list)
    phrase: str | None = Field(default=None, description="the words of the request the "
                               "question is about (an unknown or ambiguous name), so an answer "
                               "can take their place")


PARAMS: dict[str, type[BaseModel]] = {
    "question": QuestionParams, "pause_underperformers": PauseParams, "budget": BudgetParams,
    "ab_test": AbTestParams, "status": StatusParams, "adopt": AdoptParams,
    "new_campaign": NoParams, "unsupported": WhyParams, "clarify": WhyParams,
}


class Ask(BaseModel):
    """One ask: a route, its entities, and its parameters (typed by the route)."""

    model_config = _STRICT
    route: Route
    entities: list[EntityRef] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    text: str | None = Field(default=None, description="the words of the request this ask was "
                             "read from, when the router kept them (a later ask is proposed, "
                             "and asked about, from these)")
    condition: str | None = Field(default=None, description="a later ask's condition (\"only "
                                  "if the CPA tops $30\"): adpilot never checks one before "
                                  "writing, so such an ask is not proposed")

    @model_validator(mode="after")
    def _typed_params(self) -> Ask:
        model = PARAMS[self.route]
        try:
            self.params = model.model_validate(self.params).model_dump()
        except ValueError as exc:
            raise ValueError(f"params for route {self.route!r}: {exc}") from exc
        return self

    def typed(self) -> Any:
        """Return the params as the route's model (`QuestionParams`, `BudgetParams`, ...)."""
        return PARAMS[self.route].model_validate(self.params)


class Intent(Ask):
    """What the router read: the first ask, the later ones (`also`), and how it read them."""

    request: str = Field(default="", description="the request as written")
    account: str | None = Field(default=None, description="the account it was asked in")
    also: list[Ask] = Field(default_factory=list, description="later asks, each "
                              "proposed on its own card after the one before it is answered "
                              "(state/later_asks.py), a move's destination on "
                              "its source's card")
    source: Literal["rules", "llm", "command"] = "rules"
    notes: list[str] = Field(default_factory=list, description="what the router did not do, "
                             "and fuzzy matches it resolved, in words for the person")

    @property
    def writes(self) -> bool:
        """True when this ask may end in a write (after a card)."""
        return self.route in WRITE_ROUTES


# The catalog: what the router resolves names against (`request_world.json` has this shape).
CatalogAd = dict[str, Any]  # {"id", "name", "status", "format"?}
CatalogAdSet = dict[str, Any]  # {"id", "name", "status", "daily_budget", ..., "ads": [...]}
CatalogCampaign = dict[str, Any]  # {"id", "name", "status", "objective", "budget_level", ...}
CatalogAccount = dict[str, Any]  # {"id", "name", "currency", "timezone_name", "campaigns"}
