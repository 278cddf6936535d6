"""The flat schema the LLM router fills (`RouterDraft`), and its conversion to asks.

The model names things; it never gives ids it did not read in the request. Each ask is one
flat object (route, entity references, and every route's params as optional fields, money in
major units) so strict JSON-schema output works with every provider. `to_ask` turns one
`DraftAsk` into the `Ask` dict shape for its route; the caller resolves the references.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from state import rules
from state.intent import Breakdown, Metric, Op, Route

_STRICT = ConfigDict(extra="forbid")
MONEY = frozenset({"cpa", "cpc", "cpm", "spend", "revenue"})


class DraftEntity(BaseModel):
    """A campaign, ad set or ad as the request names it."""

    model_config = _STRICT
    ref: str = Field(description="the name (or numeric id) exactly as written in the request")
    type: Literal["campaign", "adset", "ad"] | None = Field(description="what it is, if said")
    within: str | None = Field(description="the campaign or ad set it was named in ('Broad US "
                               "in Spring Sale' → 'Spring Sale'), else null")
    all_matches: bool = Field(description="true only when the request says all/every/everywhere")


class DraftThreshold(BaseModel):
    """A metric compared with a number."""

    model_config = _STRICT
    metric: Metric
    op: Op
    value: float = Field(description="money in major units (40 = $40), CTR in percent, ROAS a multiple")


class DraftAsk(BaseModel):
    """One ask; fill only the fields of its route, leave the others null."""

    model_config = _STRICT
    route: Route
    entities: list[DraftEntity]
    why: str | None = Field(description="unsupported/clarify: why, in one sentence")
    metrics: list[Metric] | None
    level: Literal["account", "campaign", "adset", "ad"] | None
    breakdown: list[Breakdown] | None
    date_preset: str | None = Field(description="today, yesterday, last_3d, last_7d, last_14d, "
                                    "last_28d, last_30d, last_week_mon_sun, this_week_mon_today, "
                                    "this_month, last_month, maximum")
    since: str | None
    until: str | None
    compare_previous: bool | None
    rank_by: Metric | None
    rank_order: Literal["asc", "desc"] | None
    rank_n: int | None
    filters: list[DraftThreshold] | None
    threshold: DraftThreshold | None = Field(description="pause_underperformers: the rule")
    min_spend: float | None
    min_days: int | None
    pause_level: Literal["ad", "adset"] | None
    budget_to: float | None
    budget_delta: float | None
    budget_pct: float | None
    budget_factor: float | None
    period: Literal["daily", "lifetime"] | None
    currency: str | None = Field(description="ISO code of any money the ask states")
    variable: Literal["copy", "image", "audience"] | None
    variant: str | None
    stop_days: int | None
    stop_spend: float | None
    stop_confidence: float | None
    status_to: Literal["PAUSED", "ACTIVE"] | None
    target_cpa: float | None
    target_roas: float | None


class RouterDraft(BaseModel):
    """The request's asks in order: the first is the route, the later ones are not done now."""

    model_config = _STRICT
    asks: list[DraftAsk] = Field(description="at least one ask, in the order written")


def _minor(v: float | None, currency: str) -> int | None:
    return None if v is None else rules.to_minor(v, currency)


def to_ask(d: DraftAsk, currency: str) -> dict[str, Any]:
    """Return the ask's `{"route", "params"}` (entities are resolved by the caller)."""
    cur = (d.currency or currency).upper()
    p: dict[str, Any]
    if d.route == "question":
        p = {"level": d.level or "campaign", "breakdown": d.breakdown or None,
             "compare_previous": bool(d.compare_previous), "rank": None}
        if d.metrics:
            p["metrics"] = d.metrics
        if d.date_preset or d.until:
            p["date_range"] = ({"preset": d.date_preset} if d.date_preset
                               else {"since": d.since, "until": d.until})
        if d.rank_by and d.rank_order:
            p["rank"] = {"by": d.rank_by, "order": d.rank_order, "n": d.rank_n}
        if d.filters:
            p["filter"] = [{"metric": f.metric, "op": f.op, "threshold": float(_minor(f.value, cur) or 0),
                            "currency": cur} if f.metric in MONEY else
                           {"metric": f.metric, "op": f.op, "threshold": f.value} for f in d.filters]
    elif d.route == "pause_underperformers":
        t = d.threshold
        money = t is not None and t.metric in MONEY
        p = {"metric": t.metric if t else None, "op": t.op if t else None,
             "threshold": (float(_minor(t.value, cur) or 0) if money else t.value) if t else None,
             "currency": cur if money or d.min_spend is not None else None,
             "min_spend_minor": _minor(d.min_spend, cur), "min_days": d.min_days,
             "level": d.pause_level or "ad"}
    elif d.route == "budget":
        change = {k: v for k, v in {"to_minor": _minor(d.budget_to, cur),
                                    "delta_minor": _minor(d.budget_delta, cur),
                                    "pct": d.budget_pct, "factor": d.budget_factor}.items()
                  if v is not None}
        p = {"change": change, "period": d.period}
        if "to_minor" in change or "delta_minor" in change:
            p["currency"] = cur
    elif d.route == "ab_test":
        stop: dict[str, Any] = {k: v for k, v in {"days": d.stop_days, "spend_minor": _minor(d.stop_spend, cur),
                                  "confidence": d.stop_confidence}.items() if v is not None}
        if "spend_minor" in stop:
            stop["currency"] = cur
        p = {"variable": d.variable, "variant": d.variant, "stop_rule": stop or None}
    elif d.route == "status":
        p = {"to": d.status_to}
    elif d.route == "adopt":
        p = {"target_cpa_minor": _minor(d.target_cpa, cur), "target_roas": d.target_roas}
        if d.target_cpa is not None:
            p["currency"] = cur
    elif d.route in ("unsupported", "clarify"):
        p = {"why": d.why or ""}
    else:
        p = {}
    return {"route": d.route, "params": p}


__all__ = ["DraftAsk", "DraftEntity", "DraftThreshold", "RouterDraft", "to_ask"]
