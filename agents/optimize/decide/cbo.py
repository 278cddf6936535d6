"""Budget reallocation under a campaign budget (CBO), through ad set spend limits.

Under Advantage campaign budget Meta splits the campaign's daily budget over the ad sets by
its own estimate; adpilot cannot set ad set budgets there. Its lever is the ad set spend
limits (`daily_spend_cap`, a hard daily maximum; `daily_min_spend_target`, a best-effort
minimum; both only on ad sets of a CBO campaign, minor units, 0 = none). The campaign budget
is unchanged, so none of these actions raises spend (`spend_delta_minor: 0`).

The allocation is judged as in `agents/optimize/decide/reallocation.py`: each ad set's value per unit of spend
is sampled from its posterior over its recent days (`memory.discounted`; empirical-Bayes
prior, overdispersion allowed for), moves only go in a direction the evidence supports and keeps supporting
(`hysteresis.directions`), and each says its marginal cost (`explain.move_reason`); and the split of today's spend that
equalises posterior marginal values is averaged over draws (`marginal_target`). Each active ad
set's *actual* spend per day is its current allocation; it may move toward the target by at
most `max_step` a cycle (`step_bounds`: never below Meta's minimum daily budget, no significant
edit while learning), and only ad sets whose limits may be edited now (`budget_editable`: the
edit-per-hour limit and the cool-down) move. Then:

- an ad set whose target share is lower *and* whose value is clearly below the best ad set's
  (worse by `loser_margin`, 25 %, with probability ≥ `sibling_probability`, 80 %) gets a
  `daily_spend_cap` at its target spend (its money goes to its siblings, by Meta's estimate);
- an ad set whose target is higher has its cap raised to the target (removed once the cap
  would not bind below the campaign budget); the clear winner (P(best) ≥ `WINNER_P_BEST`)
  gets a `daily_min_spend_target` at its target, so freed money lands on it — unless it did
  not spend its current minimum yesterday (its audience is saturated), and never so that the
  campaign's minimums add up to more than its budget.

A campaign that spends well under its budget (under `underspend_ratio`, 80 %, yesterday and on
average over the last week) is *starved*: the ad sets without caps already take what their
audiences absorb, so a lower cap would cut the campaign's spend, not move it. No cap comes
down then, and caps that bind (the ad set spent at least `plateau_ratio` of its cap
yesterday) go up by a step each, the best value first, until the shortfall is covered
(`release_caps`). Without it the loop cut caps on measured spend cycle after cycle and the
campaign fell to about 40 % of its budget (generated regime 1212016: 8 ad sets × 6 ads in
small pools; the pacing alert fired daily and nothing acted). Caps come down again only
once the campaign spends `SPENDS_BUDGET` (90 %) of its budget: in between, nothing moves, so
a released cap is not cut back the next cycle into the same shortfall (a dead band, as the
budget moves' hysteresis; without it the held-out CBO fatigue regime saw 1.34 spend-limit
reversals per ad set a run instead of 0.18, and with the band's top at 95 % it blocked cuts
that moved money: bench figures in the closing note of issue 16, stop 40).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from agents.optimize.decide.budgets import KPI_LABELS, adset_target, budget_editable, seen_rate
from agents.optimize.decide.caps import capped_ids
from agents.optimize.decide.explain import (
    MoveFacts,
    marginal_text,
    move_evidence,
    move_reason,
    results_word,
)
from agents.optimize.decide.hysteresis import directions
from agents.optimize.decide.reallocation import (
    judged_stats,
    marginal_target,
    posteriors,
    project,
    step_bounds,
    step_sizes,
    value_stats,
)
from agents.optimize.decide.stats import (
    ACTIVE,
    DecisionPolicy,
    evidence_of,
    kpi_of,
    num,
)
from agents.optimize.decide.undo_hold import MoveHolds
from state.provenance import display_name
from state.rules import format_money

ACTION = "set_adset_spend_limits"
CAP, MIN = "daily_spend_cap", "daily_min_spend_target"
WINNER_P_BEST = 0.8  # P(best) above which the winner gets a minimum spend target
# A campaign spending this share of its budget spends what it is given (Meta's pacing moves a
# day's spend by some 10 %): caps may come down again. Under it, and over `underspend_ratio`,
# nothing moves (the dead band in the module docstring).
SPENDS_BUDGET = 0.9


def spend_per_day(adset: Mapping[str, Any]) -> float:
    """Return an ad set's current allocation: its average daily spend over the last week.

    A binding cap is today's allocation (the week may still hold days before the cap).
    """
    stats = value_stats(adset)
    spend = num(stats, "spend_minor") / max(1.0, num(stats, "days"))
    cap = int(adset.get("daily_spend_cap_minor") or 0)
    return min(spend, float(cap)) if cap else spend


def reallocate_cbo(
    evidence: Mapping[str, Any], policy: DecisionPolicy, rng: np.random.Generator,
    held: dict[str, str] | None = None,
) -> tuple[list[dict], dict[str, float]]:
    """Spend-limit moves between a CBO campaign's ad sets toward equal marginal value.

    Same contract as `agents.optimize.decide.reallocation.reallocate`: (actions, P(best) by ad
    set id); `held` receives the moves a person's undo holds back (`undo_hold.MoveHolds`).
    """
    budget = int((evidence.get("campaign") or {}).get("daily_budget_minor") or 0)
    protected = set((evidence.get("experiment") or {}).get("variant_adset_ids") or [])
    pool = [a for a in evidence.get("ad_sets", []) if a.get("status") == ACTIVE]
    if not budget or len(pool) < 2:
        return [], {}  # a lifetime campaign budget takes lifetime limits: not proposed here
    if min(int((a.get("stats") or {}).get("days") or 0) for a in pool) < policy.min_days:
        return [], {}  # minimum data: no ad set is judged on fewer than `min_days` days
    values = [value_stats(a) for a in pool]
    draws, long, p_best, p_of = posteriors(pool, judged_stats(pool, values, policy),
                                           kpi_of(evidence), policy, rng)
    current = np.array([spend_per_day(a) for a in pool])
    if current.min() <= 0:
        return [], p_of  # an ad set Meta gave nothing has no measured value at its spend
    minimum = float(evidence.get("min_daily_budget_minor") or 100)
    low, high = step_bounds(pool, current, policy, minimum)
    protected |= set(capped_ids(evidence, policy))  # held by its own cap: caps.py
    fixed = np.array(
        [a["id"] in protected or budget_editable(a, evidence, policy) is not None for a in pool]
    )
    low, high = np.where(fixed, current, low), np.where(fixed, current, high)
    # Only in a direction the evidence supports and keeps supporting (`hysteresis`).
    dirs = directions(pool, draws, long, current, evidence, policy)
    dirs = MoveHolds.of(pool, evidence, policy, ACTION).directions(dirs, pool, held)
    low, high = np.where(dirs.may_cut, low, current), np.where(dirs.may_raise, high, current)
    spent = np.array([num(a.get("last_day_stats"), "spend_minor") for a in pool])  # yesterday
    spends = max(float(spent.sum()), float(current.sum()))
    if spends < policy.underspend_ratio * budget:
        # Starved: a lower cap would cut the campaign's spend, not move it (module docstring).
        return release_caps(pool, current, spent, draws, p_best, fixed, budget, evidence,
                            policy), p_of
    if spends < SPENDS_BUDGET * budget:
        low = current.copy()  # not all of its budget spent: a cut may not move money either
    total = float(current.sum())
    new = project(marginal_target(current, draws, policy.response_elasticity), low, high, total)
    best = int(draws.mean(axis=1).argmax())
    # "Clearly worse": below the best ad set by `loser_margin` with probability at least
    # `sibling_probability`. Meta's own split is often good; a cap on a weak guess costs more
    # than it gains (bench/cbo_optimizer.py: without the margin 0.83 of the oracle, with 0.85).
    p_below_best = (draws < draws[best] * (1 - policy.loser_margin)).mean(axis=1)
    mins = {a["id"]: int(a.get("daily_min_spend_target_minor") or 0) for a in pool}
    rates = draws.mean(axis=1)
    seen = np.array([seen_rate(v, kpi_of(evidence)) for v in values])  # as counted
    actions = []
    for i, a in enumerate(pool):
        if fixed[i] or abs(new[i] - current[i]) < policy.min_change * current[i]:
            continue
        change = _limits(a, current[i], new[i], budget, mins, policy.min_change)
        if new[i] < current[i] and p_below_best[i] < policy.sibling_probability:
            change = {}  # not clearly worse: Meta's own split stands
        elif new[i] > current[i] and CAP not in change and p_best[i] < WINNER_P_BEST:
            change = {}
        if change:
            mins[a["id"]] = change.get(MIN, mins[a["id"]])
            act = spend_limit_action(
                a, change, current[i], new[i], float(p_best[i]), budget, evidence
            )
            up = new[i] > current[i]
            side = (new < current) if up else (new > current)
            w = current * side if side.any() else current
            p_week, p_long, other = dirs.stated(i, up)
            facts = MoveFacts(float(rates[i]), float((w * rates).sum() / w.sum()),
                              policy.response_elasticity, p_week, p_long, float(seen[i]),
                              float((w * seen).sum() / w.sum()), other_side=other)
            act["reasons"].insert(0, move_reason(facts, up, evidence))
            act["evidence"].update(move_evidence(facts, evidence))
            actions.append(act)
    return actions, p_of


def _limits(
    adset: Mapping[str, Any],
    spend: float,
    target: float,
    budget: int,
    mins: dict[str, int],
    min_change: float,
) -> dict[str, int]:
    """Return the spend-limit fields moving an ad set from `spend` toward `target` a day."""
    cap = int(adset.get("daily_spend_cap_minor") or 0)
    floor = mins[adset["id"]]
    if target < spend:
        new_cap = int(math.ceil(target))
        out = {CAP: new_cap} if not cap or new_cap < cap else {}
        if floor > new_cap:
            out[MIN] = 0  # a minimum above the new cap would contradict it
        return out
    if cap:
        new_cap = int(math.floor(target))
        return {CAP: 0 if new_cap >= budget else new_cap} if new_cap > cap else {}
    last = num(adset.get("last_day_stats"), "spend_minor")
    room = budget - sum(v for k, v in mins.items() if k != adset["id"])
    new_min = min(int(math.floor(target)), room)
    if floor and last < floor:
        return {}  # it did not spend its current minimum: its audience is saturated
    # A minimum at about today's spend moves nothing: it must lift the ad set's share.
    return {MIN: new_min} if new_min > max(floor, spend * (1 + min_change)) else {}


def spend_limit_action(
    adset: Mapping[str, Any],
    change: dict[str, int],
    spend: float,
    target: float,
    p_best: float,
    budget: int,
    evidence: Mapping[str, Any],
) -> dict[str, Any]:
    """Build a spend-limit proposal; the campaign budget (the spend) does not change."""
    name = display_name(adset.get("name")) or adset["id"]
    down = target < spend
    what = []
    if CAP in change:
        what.append(f"spend cap {'removed' if change[CAP] == 0 else 'set'}")
    if MIN in change:
        what.append(f"minimum spend target {'removed' if change[MIN] == 0 else 'set'}")
    kpi = KPI_LABELS.get(kpi_of(evidence), "result")

    def money(minor: float) -> str:
        return format_money(int(round(minor)), str(evidence.get("currency") or "USD"))

    reason = (
        f"its value per unit of spend is probably below the best ad set's "
        f"(P(best) {p_best:.0%}); {' and '.join(what)} under the campaign budget"
        if down
        else f"{p_best:.0%} probability it has the best cost per {kpi}; {' and '.join(what)}"
    )
    return {
        "name": ACTION,
        "args": {"adset_id": adset["id"], **change},
        "target": adset_target(adset, evidence),
        "verdict": "OPTIMIZE",
        "reasons": [reason],
        "evidence": {
            **evidence_of(adset.get("stats") or {}),
            "p_best": round(p_best, 3),
            "spend_per_day_minor": int(round(spend)),
            "target_spend_minor": int(round(target)),
            "cap_before_minor": int(adset.get("daily_spend_cap_minor") or 0),
            "min_before_minor": int(adset.get("daily_min_spend_target_minor") or 0),
            **{f"{'cap' if k == CAP else 'min'}_after_minor": v for k, v in change.items()},
            "campaign_budget_minor": budget,
            "spend_delta_minor": 0,
        },
        "expected_effect": {
            "metric": "value_per_spend",
            "direction": "up",
            "text": f"{'less' if down else 'more'} of the campaign budget for {name} (about "
            f"{money(spend)} → {money(target)} a day); the campaign budget is unchanged and "
            "buys more results",
        },
        "spend_delta_minor": 0,
        "risk": "low" if down else "medium",
        "requires_review": False,
        "group": "cbo_spend_limits",
    }


def release_caps(pool: list[Mapping[str, Any]], current: np.ndarray, spent: np.ndarray,
                 draws: np.ndarray, p_best: np.ndarray, skip: np.ndarray, budget: int,
                 evidence: Mapping[str, Any], policy: DecisionPolicy) -> list[dict[str, Any]]:
    """Raise the caps that bind on a starved campaign by a step each, the best value first.

    `spent` is each ad set's spend yesterday. A step is the move's usual bound (`step_sizes`:
    less while learning); only as many as cover the shortfall (the budget less yesterday's
    spend); a cap that would not bind below the campaign budget is removed. The reason gives
    the spend against the budget and the ad set's marginal cost: the money would otherwise go
    unspent.
    """
    yesterday = float(spent.sum())
    short = budget - yesterday
    steps = step_sizes(pool, policy)
    rates = draws.mean(axis=1)
    currency = str(evidence.get("currency") or "USD")
    of_budget = f"{format_money(int(yesterday), currency)} of its {format_money(budget, currency)}"
    actions: list[dict[str, Any]] = []
    for i in (int(k) for k in np.argsort(-rates)):
        a = pool[i]
        cap = int(a.get("daily_spend_cap_minor") or 0)
        if short <= 0 or skip[i] or not cap or spent[i] < policy.plateau_ratio * cap:
            continue
        new_cap = max(cap + 1, int(min(cap * (1 + steps[i]), cap + short)))
        change = {CAP: 0 if new_cap >= budget else new_cap}
        short -= new_cap - cap
        act = spend_limit_action(a, change, current[i], float(new_cap), float(p_best[i]), budget,
                                 evidence)
        facts = MoveFacts(float(rates[i]), 0.0, policy.response_elasticity, 0.0, 0.0)
        what = (f"its cap goes from {format_money(cap, currency)} to "
                f"{format_money(new_cap, currency)}" if change[CAP] else "its cap is removed")
        act["reasons"] = [
            f"the campaign spent {of_budget} daily budget yesterday ({yesterday / budget:.0%}): its "
            "other ad sets already take what their audiences absorb, so this ad set's spend cap "
            f"only holds the plan's money back; {what}, the best value first",
            marginal_text(facts, True, evidence,
                          "the campaign budget's, which its other ad sets do not spend")
            or f"no {results_word(kpi_of(evidence), True)} yet at its current spend"]
        act["evidence"].update({**move_evidence(facts, evidence),
                                "campaign_spent_yesterday_minor": int(yesterday)})
        actions.append(act)
    return actions
