"""Smaller pure rules of the optimise loop, used by `agents/optimize/decide/decisions.py`.

Emergencies, learning phase, edit frequency, spend plateaus (audience-limited ad sets), the ad
Meta's delivery favours, creative fatigue, and judging whether a past action worked.

Longer than 300 lines because creative fatigue's test (frequency, and a CTR fall clear of
counting noise) sits with the rules whose helpers it shares, and `decide/` is at its 14 modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from agents.optimize.decide.alerting.stats import no_result_chance
from agents.optimize.decide.refresh import MIN_FATIGUE_DAYS, refresh_action, refreshable
from prompts.alerts import chance as chance_words
from state.guardrails import parse_time

LEARNING = {"LEARNING", "IN_LEARNING"}


def _f(stats: Mapping[str, Any] | None, key: str) -> float:
    return float((stats or {}).get(key) or 0)


def in_learning(adset: Mapping[str, Any]) -> bool:
    """Return True while Meta still counts the ad set as learning (not yet SUCCESS or FAIL)."""
    value = adset.get("learning")
    if isinstance(value, bool):
        return value
    return str(value or "").upper() in LEARNING


def recent_edits(edits: Iterable[Any], now: datetime, window: timedelta) -> int:
    """How many of `edits` (ISO times) fall within `window` before `now`."""
    return sum(1 for at in map(parse_time, edits) if at is not None and now - window < at <= now)


def last_edit(edits: Iterable[Any]) -> datetime | None:
    """Return the latest of `edits` (ISO times; unreadable ones skipped), or None."""
    return max((at for at in map(parse_time, edits) if at is not None), default=None)


def favoured_ad(ads: Sequence[Mapping[str, Any]]) -> str | None:
    """Return the id of the ad Meta delivers most within its ad set (by impressions), if any.

    Meta splits an ad set's impressions over its ads by each ad's predicted results, from far
    more signals than the few conversions we count, so the ad it favours is rarely the worst.
    None when fewer than two ads or no single ad has the most impressions.
    """
    if len(ads) < 2:
        return None
    ranked = sorted(ads, key=lambda a: -_f(a.get("stats"), "impressions"))
    first, second = (_f(a.get("stats"), "impressions") for a in ranked[:2])
    return str(ranked[0]["id"]) if first > second else None


def spend_plateau(
    adset: Mapping[str, Any], evidence: Mapping[str, Any], policy: Any
) -> tuple[float, bool] | None:
    """Return (level, settled) when an ad set's spend has plateaued below its budget, or None.

    Meta paces a daily budget so that it is spent on average (single days vary by some 10 %,
    up to 25 %); spend that stays flat (within `plateau_tolerance`) below `plateau_ratio` of
    the budget for the last `plateau_days` days is what the audience absorbs (`level`, the
    highest of those days). `settled`: no budget edit in those days, so all of them ran on
    the current budget and the budget above `level` is known to go unspent.
    """
    n = policy.plateau_days
    days = [float(x) for x in adset.get("daily_spend_minor") or []][-n:] if n > 0 else []
    budget = float(adset.get("daily_budget_minor") or 0)
    if n <= 0 or len(days) < n or budget <= 0 or min(days) <= 0:
        return None
    top = max(days)
    if top > policy.plateau_ratio * budget or top - min(days) > policy.plateau_tolerance * top:
        return None
    now = parse_time(evidence.get("now"))
    last = last_edit((evidence.get("budget_edits") or {}).get(str(adset["id"]), []))
    settled = last is None or now is None or (now - last) >= timedelta(days=n, hours=-1)
    return top, settled


def emergency_cost(evidence: Mapping[str, Any], policy: Any) -> float:
    """Return the cost per result an emergency is judged against.

    The target CPA; for a value goal without one, the spend floor `min_spend_minor` (US cents,
    in the account's currency); 0 when there is neither (no emergency on cost).
    """
    from agents.optimize.decide.stats import kpi_of, local_minor

    cpa = float(evidence.get("target_cpa_minor") or 0)
    if cpa or kpi_of(evidence) != "conversion_value":
        return cpa
    return local_minor(policy.min_spend_minor, str(evidence.get("currency") or "USD"))


def emergency_odds(spend: float, results: float, cost: float, policy: Any) -> float | None:
    """Return the chance of no result in `spend` at `emergency_tested_multiple` × `cost`.

    Only when that makes it an emergency (`alerting/stats.py::no_result_chance`, the alerts'
    test too, with the policy's `emergency_*` numbers); None otherwise.
    """
    return no_result_chance(spend, results, cost, multiple=policy.emergency_cpa_multiple,
                            tested=policy.emergency_tested_multiple,
                            alpha=policy.emergency_alpha)


def emergency_reason(
    stats: Mapping[str, Any], evidence: Mapping[str, Any], policy: Any
) -> str | None:
    """Return why an entity must stop now (spend far past target with nothing to show)."""
    from agents.optimize.decide.stats import KPI_FIELDS, kpi_of
    from state.rules import format_money

    spend = _f(stats, "spend_minor")
    kpi = kpi_of(evidence)
    cost = emergency_cost(evidence, policy)
    chance = emergency_odds(spend, _f(stats, KPI_FIELDS[kpi]), cost, policy)
    if chance is None:
        return None  # nothing yet, but not improbably so: the ordinary rules judge it
    currency = str(evidence.get("currency") or "USD")

    def money(minor: float) -> str:
        return format_money(int(round(minor)), currency)

    at = policy.emergency_tested_multiple
    if kpi != "conversion_value" or evidence.get("target_cpa_minor"):
        what = "no conversion value" if kpi == "conversion_value" else \
            f"no {kpi.replace('_', ' ')}"
        return (f"EMERGENCY: spent {money(spend)} (≥ {policy.emergency_cpa_multiple:g}× the "
                f"target cost per result of {money(cost)}) with {what}; even at {at:g}× that "
                f"cost, nothing in this spend happens by chance {chance_words(chance)}")
    return (f"EMERGENCY: spent {money(spend)} with no conversion value; even at {at:g}× "
            f"{money(cost)} a conversion, nothing in this spend happens by chance "
            f"{chance_words(chance)}")


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


FATIGUE_FREQUENCY_HIGH = 2.0  # a week's frequency at which the same people see the ad twice
FATIGUE_Z = 1.645  # the CTR's fall clear of counting noise: one-sided 95 %


def _ctr_fell_clearly(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """Two-proportion test of the week's clicks per impression against the week before."""
    n0, n1 = _f(old, "impressions"), _f(new, "impressions")
    k0, k1 = _f(old, "clicks"), _f(new, "clicks")
    pooled = (k0 + k1) / (n0 + n1)
    se = (pooled * (1 - pooled) * (1 / n0 + 1 / n1)) ** 0.5
    return se > 0 and (k0 / n0 - k1 / n1) / se >= FATIGUE_Z


def fatigue_of(weeks: list[Mapping[str, Any]], policy: Any) -> dict[str, Any] | None:
    """Week-over-week frequency and CTR; a dict of evidence when the ad looks fatigued.

    Fatigued: CTR down by `fatigue_ctr_drop` (15 %) and clearly so (`_ctr_fell_clearly`),
    while the frequency rises by `fatigue_frequency_rise` (20 %) or is already
    `FATIGUE_FREQUENCY_HIGH` a week and not falling. In a small audience the weekly frequency
    levels off once it is reached while the ad keeps tiring (gen 1010 regime 022: 2.5 a week
    for five weeks while CTR halved every week), so a rise alone misses it.
    """
    if len(weeks) < 2:
        return None
    old, new = weeks[-2], weeks[-1]
    if _f(old, "impressions") < 1000 or _f(new, "impressions") < 1000:
        return None
    f_old = _ratio(_f(old, "impressions"), _f(old, "reach"))
    f_new = _ratio(_f(new, "impressions"), _f(new, "reach"))
    c_old = _ratio(_f(old, "clicks"), _f(old, "impressions"))
    c_new = _ratio(_f(new, "clicks"), _f(new, "impressions"))
    if None in (f_old, f_new, c_old, c_new) or not c_old:
        return None
    assert f_old is not None and f_new is not None and c_new is not None
    rising = f_new >= f_old * (1 + policy.fatigue_frequency_rise)
    high = f_new >= max(FATIGUE_FREQUENCY_HIGH, f_old)
    falling = c_new <= c_old * (1 - policy.fatigue_ctr_drop) and _ctr_fell_clearly(old, new)
    if not ((rising or high) and falling):
        return None
    return {
        "frequency_before": round(f_old, 2),
        "frequency_after": round(f_new, 2),
        "ctr_before": round(100 * c_old, 3),
        "ctr_after": round(100 * c_new, 3),
        "frequency_rising": rising,
    }


def fatigue_actions(
    evidence: Mapping[str, Any], policy: Any, skip: set[str]
) -> list[dict[str, Any]]:
    """Refresh proposals (`decide/refresh.py`) for active ads whose frequency rises while CTR falls.

    One per ad set a cycle (the ad whose CTR fell most); never for an ad in `skip` (acted on
    this cycle), in a paused ad set, in an experiment, or refreshed lately (`refreshable`),
    nor before the ad has delivered on `MIN_FATIGUE_DAYS` days: a first week that started
    part-way has a low frequency of its own, which is not the audience tiring.
    """
    adsets = {str(a["id"]): a for a in evidence.get("ad_sets", [])}
    tired: dict[str, tuple[float, Mapping[str, Any], dict[str, Any]]] = {}
    for ad in evidence.get("ads", []):
        parent = adsets.get(str(ad.get("adset_id")))
        if ad.get("status") != "ACTIVE" or ad["id"] in skip or not refreshable(evidence, ad):
            continue
        if _f(ad.get("stats"), "days") < MIN_FATIGUE_DAYS:
            continue
        if parent is not None and parent.get("status") not in (None, "ACTIVE"):
            continue
        ev = fatigue_of(list(ad.get("weeks") or []), policy)
        if ev is None:
            continue
        kept = ev["ctr_after"] / ev["ctr_before"]
        key = str(ad.get("adset_id"))
        if key not in tired or kept < tired[key][0]:
            tired[key] = (kept, ad, ev)
    return [
        refresh_action(
            ad, adsets.get(key), trigger="fatigue", evidence=ev,
            reasons=[
                f"creative fatigue: frequency {ev['frequency_before']} → "
                f"{ev['frequency_after']} while CTR {ev['ctr_before']}% → {ev['ctr_after']}% "
                "week over week — the same people see it "
                + ("more often" if ev["frequency_rising"] else "twice or more a week")
                + " and click it less"
            ],
        )
        for key, (_, ad, ev) in tired.items()
    ]


def _rate_draws(
    stats: Mapping[str, Any], rng: np.random.Generator, n: int, roas: bool
) -> np.ndarray:
    """Gamma-Poisson posterior of conversions (or value) per minor unit of spend."""
    spend = _f(stats, "spend_minor")
    if roas:
        value, conv = _f(stats, "conversion_value_minor"), _f(stats, "conversions")
        aov = value / conv if conv else 1.0
        return rng.gamma(0.5 + conv, 1.0 / (spend + 1.0), n) * aov
    return rng.gamma(0.5 + _f(stats, "conversions"), 1.0 / (spend + 1.0), n)


def _verdict(p_improved: float, probability: float) -> str:
    if p_improved >= probability:
        return "improved"
    return "regressed" if p_improved <= 1 - probability else "inconclusive"


def judge_reallocation(
    moves: Sequence[tuple[float, Mapping[str, Any]]],
    *,
    probability: float = 0.8,
    rng: np.random.Generator | None = None,
    roas: bool = False,
    n: int = 4000,
) -> dict[str, Any] | None:
    """Judge a budget reallocation as one decision: whether the money went where it did better.

    `moves` holds (change of daily budget or spend, the ad set's stats *since* the move) per ad
    set. Both sides are measured over the same days, so whatever moved the whole campaign
    (seasonality, learning, fatigue) cancels out, which a before/after comparison of the
    campaign cannot separate from the move. "improved" when the ad sets given more did better
    per unit of spend than those cut, with posterior probability ≥ `probability`; "regressed"
    when they probably did worse. None when the moves do not go both ways (then the action is
    judged on its own, `judge_effect`).
    """
    up = [st for delta, st in moves if delta > 0]
    down = [st for delta, st in moves if delta < 0]
    if not up or not down:
        return None
    sums = [
        {
            k: sum(_f(st, k) for st in side)
            for k in ("spend_minor", "conversions", "conversion_value_minor")
        }
        for side in (up, down)
    ]
    if not all(s_["spend_minor"] > 0 for s_ in sums):
        return {"judgement": "pending", "p_improved": None, "given_more": None, "cut": None}
    gen = rng or np.random.default_rng(0)
    p_improved = float(
        (_rate_draws(sums[0], gen, n, roas) > _rate_draws(sums[1], gen, n, roas)).mean()
    )
    judgement = _verdict(p_improved, probability)

    def side(s_: Mapping[str, Any], count: int) -> dict[str, Any]:
        conv = s_["conversions"]
        return {
            "ad_sets": count,
            "spend_minor": s_["spend_minor"],
            "conversions": conv,
            "cpa_minor": round(s_["spend_minor"] / conv) if conv else None,
        }

    return {
        "judgement": judgement,
        "p_improved": round(p_improved, 3),
        "given_more": side(sums[0], len(up)),
        "cut": side(sums[1], len(down)),
    }


def judge_effect(
    action: Mapping[str, Any],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    probability: float = 0.8,
    rng: np.random.Generator | None = None,
    roas: bool = False,
    n: int = 4000,
) -> dict[str, Any]:
    """Judge an applied action from its scope's stats before and after it.

    Returns ``{"judgement": "improved" | "regressed" | "inconclusive" | "pending", "p_improved",
    "before", "after"}``; "pending" until there is at least a day of spend after it.
    """
    gen = rng or np.random.default_rng(0)
    effect = action.get("expected_effect") or {}
    if _f(after, "spend_minor") <= 0 or not after.get("days"):
        return {"judgement": "pending", "p_improved": None, "before": None, "after": None}
    b = _rate_draws(before, gen, n, roas)
    a = _rate_draws(after, gen, n, roas)
    p_up = float((a > b).mean())
    p_improved = p_up if effect.get("direction", "up") == "up" else 1 - p_up
    judgement = _verdict(p_improved, probability)

    def cpa(s: Mapping[str, Any]) -> int | None:
        return round(_f(s, "spend_minor") / _f(s, "conversions")) if _f(s, "conversions") else None

    return {
        "judgement": judgement,
        "p_improved": round(p_improved, 3),
        "before": {
            "spend_minor": _f(before, "spend_minor"),
            "conversions": _f(before, "conversions"),
            "cpa_minor": cpa(before),
        },
        "after": {
            "spend_minor": _f(after, "spend_minor"),
            "conversions": _f(after, "conversions"),
            "cpa_minor": cpa(after),
        },
    }
