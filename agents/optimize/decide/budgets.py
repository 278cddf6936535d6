"""Ad set budgets as the loop reads and writes them (pure; used by reallocation and CBO).

- `daily_of`: an ad set's daily budget, or what is left of its lifetime budget per day left;
- `budget_editable`: why a budget must not be edited now (status, Meta's hourly limit, the
  cool-down), or None;
- `parked`, `idle_cuts`: money paused ad sets hold, and how it moves to the active ones;
- `budget_action`, `adset_target`: the `set_adset_budget` proposal (daily, or lifetime by the
  daily move × the days left).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np

from agents.optimize.decide.explain import results_word
from agents.optimize.decide.rules import recent_edits
from agents.optimize.decide.stats import (
    ACTIVE,
    KPI_FIELDS,
    DecisionPolicy,
    evidence_of,
    kpi_of,
    num,
)
from state.guardrails import parse_time
from state.provenance import display_name

KPI_LABELS = {
    "conversions": "conversion",
    "conversion_value": "unit of conversion value (ROAS)",
    "link_clicks": "link click",
    "estimated_ad_recallers": "ad recaller",
    "impressions": "impression",
}


def daily_of(adset: Mapping[str, Any]) -> int:
    """Return the daily budget, or what is left of a lifetime budget per day left."""
    return int(adset.get("daily_budget_minor") or adset.get("daily_equivalent_minor") or 0)


def budget_editable(
    adset: Mapping[str, Any], evidence: Mapping[str, Any], policy: DecisionPolicy
) -> str | None:
    """Return why an ad set's budget must not be edited now, or None when it may be."""
    now = parse_time(evidence.get("now"))
    if adset.get("status") != ACTIVE:
        return "not active"
    edits = (evidence.get("budget_edits") or {}).get(str(adset["id"]), [])
    if now is not None:
        if recent_edits(edits, now, timedelta(hours=1)) >= policy.max_budget_edits_per_hour:
            return (
                f"{policy.max_budget_edits_per_hour} budget edits in the last hour (Meta's limit)"
            )
        hours = max(policy.budget_cooldown_hours, policy.realloc_every_hours)
        if recent_edits(edits, now, timedelta(hours=hours)):
            return f"budget edited less than {hours:g} h ago (cool-down)"
    return None


def seen_rate(stats: Mapping[str, Any], metric: str) -> float:
    """KPI per minor unit of spend as counted (what the card's averages show)."""
    field = KPI_FIELDS.get(metric, "conversions")
    spend = num(stats, "spend_minor")
    return num(stats, field) / spend if spend > 0 else 0.0


def parked(evidence: Mapping[str, Any], pool: list[Mapping[str, Any]]) -> float:
    """Money of the plan's daily total that no active ad set holds (0 when unknown), per day.

    With the plan's daily total (`planned_daily_minor`), the budget of an ad set the loop itself
    paused (`loop_paused`) need not be cut to free its money — it is not spent either way, and
    at Meta's minimum it could not be cut further: the active ad sets take up what the plan's
    total leaves, step by step. With lifetime budgets the same holds of the plan's flight total
    (`planned_lifetime_minor`), per day left: a paused ad set's remaining lifetime budget is
    never spent, and its daily budget is 0 to cut. Nothing is parked once a person has cut a
    budget (`moved_by_loop` False), nor for an ad set a person paused.
    """
    sets = evidence.get("ad_sets", [])
    if any(a.get("last_move") == -1 and a.get("moved_by_loop") is False for a in sets):
        return 0.0  # a person cut a budget: what they took out is never spent behind them
    mine = set(evidence.get("loop_paused") or [])
    on = [a for a in sets if a.get("status") == ACTIVE]
    off = [a for a in sets if a.get("status") == "PAUSED" and a["id"] in mine]
    if any(a.get("lifetime_budget_minor") for a in pool):
        return _parked_lifetime(evidence, sets, on, off)
    planned = float(evidence.get("planned_daily_minor") or 0)
    if planned <= 0 or not pool:
        return 0.0
    active = sum(daily_of(a) for a in on)
    # only what ad sets the loop itself paused hold (a person's pause saves their money)
    return max(0.0, min(planned - active, sum(daily_of(a) for a in off)))


def _parked_lifetime(evidence: Mapping[str, Any], sets: list, on: list, off: list) -> float:
    """Return `parked` for lifetime budgets, per day left.

    What the plan's flight total has not yet spent beyond what the active ad sets hold, up to
    what the loop-paused ones still hold.
    """
    planned = float(evidence.get("planned_lifetime_minor") or 0)
    days = min((int(a.get("days_left") or 0) for a in on), default=0)
    if planned <= 0 or days <= 0:
        return 0.0

    def left(a: Mapping[str, Any]) -> float:
        return float(a.get("budget_remaining_minor") or 0)

    spent = sum(float(a.get("lifetime_budget_minor") or 0) - left(a) for a in sets)
    unheld = planned - spent - sum(left(a) for a in on)
    return max(0.0, min(unheld, sum(left(a) for a in off))) / days


def idle_cuts(
    evidence: Mapping[str, Any], policy: DecisionPolicy, protected: set[str], minimum: float
) -> list[tuple[Mapping[str, Any], int, int]]:
    """Paused ad sets whose daily budget can move to the active ones: (ad set, old, new).

    A paused ad set's budget buys nothing, so the plan's daily total would go unspent; it is
    moved in the same steps (`max_step`, Meta's minimum, edit limits) as any budget.
    """
    out = []
    for a in evidence.get("ad_sets", []):
        old = int(a.get("daily_budget_minor") or 0)
        if a.get("status") != "PAUSED" or old <= minimum or a["id"] in protected:
            continue
        if budget_editable({**a, "status": ACTIVE}, evidence, policy) is not None:
            continue
        out.append((a, old, int(max(minimum, np.ceil(old * (1 - policy.max_step))))))
    return out


def adset_target(adset: Mapping[str, Any], evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Return an action's `target` for an ad set of the evidence's campaign."""
    return {
        "id": adset["id"],
        "name": adset.get("name", ""),
        "level": "adset",
        "parent_id": (evidence.get("campaign") or {}).get("id", ""),
    }


def lifetime_floor(adset: Mapping[str, Any]) -> int:
    """Return the lowest lifetime budget Meta accepts: what is spent plus 10 %.

    Meta refuses a lower one ("Budget Too Low"); spent is `lifetime_budget_minor` −
    `budget_remaining_minor`.
    """
    lifetime = int(adset.get("lifetime_budget_minor") or 0)
    remaining = adset.get("budget_remaining_minor")
    spent = max(0, lifetime - int(remaining)) if remaining is not None else 0
    return int(np.ceil(spent * 1.1))


def budget_action(
    adset: Mapping[str, Any], old: int, new: int, p_best: float, evidence: Mapping[str, Any]
) -> dict[str, Any]:
    """Build a budget-change proposal; increases are high risk (never auto-applied).

    `old` and `new` are daily amounts; a lifetime-budget ad set's lifetime budget changes by
    their difference × its days left (its evidence keeps both: `before_minor`/`after_minor`
    in the field written, `before_daily_minor`/`after_daily_minor` per day).
    """
    stats = adset.get("stats") or {}
    up = new > old
    field, before, after = "daily_budget", old, new
    lifetime = adset.get("lifetime_budget_minor")
    if not adset.get("daily_budget_minor") and lifetime:
        days_left = int(adset.get("days_left") or 1)
        field, before = "lifetime_budget", int(lifetime)
        after = max(before + (new - old) * days_left, lifetime_floor(adset))
        if new < old:  # a cut Meta's floor stops is smaller, never turned into a raise
            after = min(after, before)
        new = old + (after - before) // days_left
    return {
        "name": "set_adset_budget",
        "args": {"adset_id": adset["id"], field: after},
        "target": adset_target(adset, evidence),
        "verdict": "OPTIMIZE",
        "reasons": [
            f"{p_best:.0%} probability this ad set has the best "
            f"cost per {KPI_LABELS.get(kpi_of(evidence), 'result')}"
        ],
        "evidence": {
            **evidence_of(stats),
            "p_best": round(p_best, 3),
            "before_minor": before,
            "after_minor": after,
            "before_daily_minor": old,
            "after_daily_minor": new,
            **({"days_left": adset.get("days_left")} if field == "lifetime_budget" else {}),
        },
        "expected_effect": {
            "metric": "value_per_spend",
            "direction": "up",
            "text": f"{'more' if up else 'less'} budget for {display_name(adset.get('name')) or adset['id']}; "
            f"the campaign buys more {results_word(str(evidence.get('kpi')), True)} for "
            "the same total",
        },
        "risk": "high" if up else "low",
        "requires_review": False,
        "group": "reallocation",
    }


def floor_pause(adset: Mapping[str, Any], minimum: float, p_window: float, p_recent: float,
                evidence: Mapping[str, Any], budget: float) -> dict[str, Any]:
    """Pause an ad set at (or just above) Meta's minimum budget that does clearly worse."""
    from state.rules import format_money

    currency = str(evidence.get("currency") or "USD")
    money = format_money(int(minimum), currency)
    where = f"at Meta's minimum daily budget ({money}) it cannot be cut further"
    if budget > minimum + 0.5:  # a cut to the minimum is too small to make (`floor_pauses`)
        where = (f"at {format_money(int(budget), currency)}, just above Meta's minimum daily "
                 f"budget ({money}), it cannot usefully be cut further")
    return {
        "name": "pause_adset",
        "args": {"adset_id": adset["id"], "status": "PAUSED"},
        "target": adset_target(adset, evidence),
        "verdict": "PAUSE",
        "reasons": [
            f"{where}, and it does clearly worse than the campaign's other ad sets "
            f"({p_window:.0%} probability over its judging window, {p_recent:.0%} on its recent "
            "days): pausing it moves its money to the ones that do better — the plan's daily "
            "total is kept"],
        "evidence": {**evidence_of(adset.get("stats") or {}), "p_worse": round(p_window, 3),
                     "p_worse_recent": round(p_recent, 3),
                     "min_daily_budget_minor": int(minimum)},
        "expected_effect": {"metric": "value_per_spend", "direction": "up",
                            "text": "its budget moves to the better ad sets over the next "
                            "cycles; the campaign buys more results for the same total"},
        "risk": "low",
        "requires_review": False,
        "group": "floor_pause",  # not "reallocation": cycle._reallocate shrinks budget moves
    }


def floor_pauses(pool: list[Mapping[str, Any]], current: np.ndarray, target: np.ndarray,
                 minimum: float, dirs: Any, evidence: Mapping[str, Any],
                 policy: DecisionPolicy) -> list[int]:
    """Pool indexes of ad sets at Meta's minimum that the evidence says to cut further.

    At the minimum means within one step (`max_step`) of it: the last cut down to the minimum
    is either under `min_change` or frees too little to move any other budget, so an ad set
    a few per cent above it used to sit there for good, neither cut nor paused. Only with the
    plan's daily total known (so the paused budget is spent by the others) and on strong
    evidence: `reverse_probability` (95 %) over the whole judging window, where most of its
    data are, and `move_probability` on its recent days, which must agree (a week's worth of
    an ad set at the minimum is a handful of results: asking it for 95 % kept ad sets that the
    window had shown clearly worse for a week and more on the minimum-budget regime, holding
    half the plan's money away from the best one). A pause reversing a raise still needs the
    reversal's own evidence (`may_cut`). Never the last two active ad sets.
    """
    if not evidence.get("planned_daily_minor"):
        return []
    near = minimum / (1 - policy.max_step) + 0.5
    out: list[int] = []
    for k in range(len(pool)):
        if (current[k] <= near and dirs.may_cut[k] and target[k] < minimum
                and dirs.p_down_long[k] >= policy.reverse_probability
                and dirs.p_down[k] >= policy.move_probability
                and len(pool) - len(out) > 2):
            out.append(k)
    return out
