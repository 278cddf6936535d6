"""Budget reallocation between ad sets by posterior expected marginal value.

Longer than 300 lines because one pass — posteriors, directions, Meta's floor, the projection
and each move's words — reads top to bottom in one place.

Pure functions used by `agents/optimize/decide/decisions.py::decide`. The total daily budget is kept. Each ad
set's value per unit of spend is sampled from its posterior over its days in the window,
each discounted by age (half-life `memory_half_life_days`, 14) and brought to its current
spend level (`memory.discounted`; the last week alone, `recent_stats`, when the half-life is
0 or there is no history).
Returns to spend are concave (an ad set's extra money buys dearer impressions), modelled as
``value(s) = a * s**e`` with elasticity `e` = `response_elasticity` (0.5): then the marginal
value is `e` times the average measured at the current budget, and the allocation that equalises
marginal values is ``s_i ∝ current_i * rate_i ** (1 / (1 - e))``. The target is that allocation
averaged over posterior draws (Thompson-style: uncertain ad sets keep some budget), and each
ad set moves toward it by at most `max_step` per cycle, never below Meta's minimum, never
more often than the edit limits allow, and never a significant edit (more than
`significant_budget_change`) while the ad set is still learning. Because the measured average
falls as an ad set's budget rises, repeated cycles converge to where marginal values are
equal; ad sets whose move would be under `min_change` stay put. An ad set that spent less than
`underspend_ratio` (80%) of its budget yesterday (`last_day_stats`) has saturated its audience:
it gets no increase, and its value is taken at what it spent, not at its budget. An ad set
whose daily spend has been flat (within `plateau_tolerance`, 5 %) below `plateau_ratio` (95 %)
of its budget for `plateau_days` (3) days (`daily_spend_minor`, `spend_plateau`) is
audience-limited: no increase; and once those days all ran on the current budget (no edit in
between), its budget is cut toward that level (in ordinary steps) so the money it cannot
spend moves to the other ad sets instead of going unspent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np

from agents.optimize.decide.budgets import (
    budget_action,
    budget_editable,
    daily_of,
    floor_pause,
    floor_pauses,
    idle_cuts,
    parked,
    seen_rate,
)
from agents.optimize.decide.caps import cap_verdict, capped_ids
from agents.optimize.decide.explain import (
    MoveFacts,
    marginal_edge,
    move_evidence,
    move_reason,
    spend_cut_reason,
)
from agents.optimize.decide.hysteresis import directions
from agents.optimize.decide.memory import discounted
from agents.optimize.decide.rules import in_learning, last_edit, spend_plateau
from agents.optimize.decide.stats import (
    ACTIVE,
    DecisionPolicy,
    dispersion,
    empirical_prior,
    kpi_of,
    make_verdict,
    min_spend,
    num,
    value_samples,
    value_spread,
)
from agents.optimize.decide.undo_hold import MoveHolds
from state.guardrails import parse_time


def reallocate(
    evidence: Mapping[str, Any], policy: DecisionPolicy, rng: np.random.Generator,
    held: dict[str, str] | None = None,
) -> tuple[list[dict], dict[str, float]]:
    """Budget moves between ad sets toward equal posterior marginal value (ad-set budgets only).

    The total daily budget is kept (a paused ad set's budget moves to the active ones); each
    move is at most `max_step`, never below Meta's minimum, and only in a direction the
    evidence supports and keeps supporting (`hysteresis.directions`). Lifetime budgets move by
    their daily equivalent (what is left per day left) × the days left.
    Returns (actions, P(best) by ad set id), P(best) being shown on the approval card; `held`,
    when given, receives why a move the last week alone suggests is held back, by ad set id.
    """
    if evidence.get("budget_level") == "campaign":
        # No ad set budgets to move under a campaign budget: `cbo.reallocate_cbo` moves spend
        # limits there, and `decisions.budget_moves` picks the one for the campaign.
        return [], {}
    protected = set((evidence.get("experiment") or {}).get("variant_adset_ids") or [])
    # Held back by its own cap: more budget would not spend (caps.py), so it is not moved.
    protected |= set(capped_ids(evidence, policy))
    pool = [
        a
        for a in evidence.get("ad_sets", [])
        if daily_of(a)
        and a["id"] not in protected
        and budget_editable(a, evidence, policy) is None
    ]
    if len(pool) < 2:
        return [], {}
    if min(int((a.get("stats") or {}).get("days") or 0) for a in pool) < policy.min_days:
        return [], {}  # minimum data: no ad set is judged on fewer than `min_days` days
    metric = kpi_of(evidence)
    values = [value_stats(a) for a in pool]
    draws, long, p_best, p_of = posteriors(pool, judged_stats(pool, values, policy), metric,
                                           policy, rng)
    current = np.array([float(daily_of(a)) for a in pool])
    minimum = float(evidence.get("min_daily_budget_minor") or 100)
    low, high = step_bounds(pool, current, policy, minimum)
    spent = np.array([num(a.get("last_day_stats"), "spend_minor") for a in pool])
    idle = idle_cuts(evidence, policy, protected, minimum)
    freed = float(sum(old - new for _, old, new in idle))
    held_back = parked(evidence, pool)
    if held_back > 0:  # the plan's daily total says how much loop-paused ad sets leave unspent
        idle, freed = [], held_back
    dirs = directions(pool, draws, long, current, evidence, policy)
    if held is not None:
        held.update({a["id"]: n for a, n in zip(pool, dirs.held, strict=True) if n})
    undone = MoveHolds.of(pool, evidence, policy, "set_adset_budget")  # a person undid it
    dirs = undone.directions(dirs, pool, held)
    may_raise, may_cut = dirs.may_raise.copy(), dirs.may_cut.copy()
    # An ad set that did not spend its budget yesterday has hit what its audience absorbs:
    # more budget buys nothing, and its value was measured at what it actually spent.
    saturated = (spent > 0) & (spent < policy.underspend_ratio * current)
    # Spend flat below the budget for days: no increase; once those days all ran on the
    # current budget, the budget above that level is never spent and moves to the others.
    flat_cut = np.zeros(len(pool), dtype=bool)
    levels = np.array(current)
    for k, a in enumerate(pool):
        flat = spend_plateau(a, evidence, policy)
        if flat is not None:
            levels[k], settled = flat
            saturated[k] = True
            if settled:
                flat_cut[k] = True
    # Never once at its budget in a week on an unchanged budget: more money would go unspent
    # (no raise; the plateau rule cuts it once its spend is also flat), so no raise-then-cut.
    saturated |= np.array([short_all_week(a, c, evidence, policy) for a, c in
                           zip(pool, current, strict=True)], dtype=bool)
    # The other side of a move exists only for a strong mover that can move: no cut funds a
    # raise an ad set cannot spend, and no raise takes money nobody strongly gives up.
    strong_up = dirs.strong_raise & ~saturated
    if not strong_up.any():
        may_cut = dirs.strong_cut.copy()
    if not dirs.strong_cut.any() and not strong_up.any():
        may_raise = strong_up.copy()
    may_cut |= flat_cut
    if freed or flat_cut.any():
        # Money an ad set cannot spend (paused by the loop, or spend flat below its budget)
        # goes to the others that do at least as well as the campaign's average — never to
        # one last cut (it gets money back only on its own strong evidence, `directions`).
        may_raise |= (dirs.p_above >= 0.5) & np.array([a.get("last_move") != -1 for a in pool])
    may_raise &= ~saturated
    may_raise, may_cut = undone.mask(may_raise, may_cut, pool, held)
    high = np.where(may_raise, high, current)
    low = np.where(may_cut, low, current)
    # cut toward what it spends, in ordinary steps
    high = np.where(flat_cut, np.maximum(low, np.minimum(current, levels / policy.plateau_ratio)),
                    high)
    base = np.where(spent > 0, np.minimum(current, spent), current)
    total = float(current.sum()) + freed
    target = marginal_target(base, draws, policy.response_elasticity) * total / base.sum()
    if dirs.young:  # freed money in the first week: in proportion, not on a week's value
        target = current * total / current.sum()
    # At Meta's minimum and clearly worse: it cannot be cut further, so it is paused and the
    # plan's daily total (`parked`) moves its money to the others from the next cycle.
    floor = floor_pauses(pool, current, target, minimum, dirs, evidence, policy)
    low[floor], high[floor] = current[floor], current[floor]
    pauses = [floor_pause(pool[k], minimum, float(dirs.p_down_long[k]), float(dirs.p_down[k]),
                          evidence, current[k]) for k in floor]
    new = project(target, low, high, total)
    # Small moves are not worth an edit: those ad sets stay, the rest share what is left.
    still = np.abs(new - current) < policy.min_change * current
    if still.all() and not idle:
        return pauses, p_of
    if still.any():
        lo2, hi2 = np.where(still, current, low), np.where(still, current, high)
        new = project(np.where(still, current, target), lo2, hi2, total)
    new = np.where(new < current, np.ceil(new), np.floor(new))
    absorbed = float(new.sum() - current.sum())
    actions = list(pauses)
    for a, old, value in idle:
        # Cut a paused ad set only by what the active ones take up (the total is kept).
        cut = int(np.ceil(old - (old - value) * min(1.0, max(0.0, absorbed) / max(freed, 1.0))))
        if cut < old:
            act = budget_action(a, old, cut, 0.0, evidence)
            act["reasons"] = ["paused: its budget moves to the active ad sets"]
            actions.append(act)
    rates = draws.mean(axis=1)
    seen = np.array([seen_rate(v, metric) for v in values])
    delta = new - current
    # What the money buys where it comes from: nothing when it could not be spent there.
    unspent = max(0.0, absorbed - float(np.clip(-delta, 0, None).sum())) + sum(
        float(-delta[k]) for k in np.flatnonzero(flat_cut) if delta[k] < 0)
    flat_why = (f"its spend has stayed flat under its budget for {policy.plateau_days} days; ")
    for k, (a, old, value, p) in enumerate(zip(pool, current, new, p_best, strict=True)):
        if int(value) == int(old):
            continue
        up = value > old
        side = (delta < 0) & ~flat_cut if up else delta > 0
        weights = np.abs(delta) * side
        pooled = float(weights.sum()) + (unspent if up else 0.0)
        def side_rate(r: np.ndarray, w: np.ndarray = weights, n: float = pooled) -> float:
            return (float((w * r).sum()) / n if n > 0 else float((current * r).sum() / current.sum()))

        p_week, p_long, other = dirs.stated(k, up)
        facts = MoveFacts(float(rates[k]), side_rate(rates), policy.response_elasticity,
                          p_week, p_long, float(seen[k]), side_rate(seen), other_side=other)
        if up and not marginal_edge(facts):
            return [], p_of  # more money where it buys less than where it comes from: none
        act = budget_action(a, int(old), int(value), float(p), evidence)
        if act["evidence"]["after_minor"] == act["evidence"]["before_minor"]:
            continue  # a lifetime cut Meta's floor (spent + 10 %) leaves nothing of
        reason = move_reason(facts, up, evidence)
        if (flat_cut[k] or saturated[k]) and not up:
            reason = spend_cut_reason(reason, facts, flat_why if flat_cut[k] else
                                      "it did not spend its budget yesterday")
        act["reasons"] = [reason, f"{p:.0%} probability it is the campaign's best ad set"]
        act["evidence"].update(move_evidence(facts, evidence))
        if held_back > 0:  # free from the start in `cycle._reallocate` (not shrunk to cuts)
            act["evidence"]["parked_minor"] = int(held_back)
        actions.append(act)
    return actions, p_of


def short_all_week(adset: Mapping[str, Any], budget: float, evidence: Mapping[str, Any],
                   policy: DecisionPolicy) -> bool:
    """Say whether an ad set spent under `plateau_ratio` of its budget all of the last week.

    Only on a budget that stayed the same (no edit seen on Meta, nor made by the loop): after
    a raise the week's days ran on less.
    """
    week = [float(x) for x in adset.get("daily_spend_minor") or []]
    if len(week) < 7 or budget <= 0 or max(week) >= policy.plateau_ratio * budget:
        return False
    now = parse_time(evidence.get("now"))
    edits = [last_edit((evidence.get("budget_edits") or {}).get(str(adset["id"]), [])),
             parse_time(adset.get("moved_at")) if adset.get("last_move") else None]
    return now is not None and all(t is None or now - t >= timedelta(days=7, hours=-1)
                                   for t in edits)


def posteriors(
    pool: list[Mapping[str, Any]], values: list[Mapping[str, Any]], metric: str,
    policy: DecisionPolicy, rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float]]:
    """Posterior draws of the pool's value per spend on recent days and the whole window.

    Empirical-Bayes priors and overdispersion (`stats.empirical_prior`, `stats.dispersion`);
    returns (recent days' draws, the window's, P(best) per ad set, P(best) by id).
    """
    days = [list(a.get("days_stats") or []) for a in pool]
    phi, cv2 = dispersion(days, metric), value_spread(days)
    prior = empirical_prior(values, metric, policy.adset_cvr_prior_clicks, phi=phi[1])
    draws = np.stack([value_samples(v, prior, rng, policy.samples, phi, cv2) for v in values])
    windows = [a.get("stats") or v for a, v in zip(pool, values, strict=True)]
    long_prior = empirical_prior(windows, metric, policy.adset_cvr_prior_clicks, phi=phi[1])
    long = np.stack([value_samples(v, long_prior, rng, policy.samples, phi, cv2)
                     for v in windows])
    p_best = np.bincount(draws.argmax(axis=0), minlength=len(pool)) / draws.shape[1]
    return draws, long, p_best, {a["id"]: round(float(p), 4)
                                 for a, p in zip(pool, p_best, strict=True)}


def judged_stats(pool: list[Mapping[str, Any]], values: list[Mapping[str, Any]],
                 policy: DecisionPolicy) -> list[Mapping[str, Any]]:
    """Return the stats the posteriors read: each discounted memory, else `values`."""
    out = []
    for a, v in zip(pool, values, strict=True):
        mem = discounted(a, policy.memory_half_life_days, policy.response_elasticity)
        out.append(v if mem is None else mem)
    return out


def value_stats(adset: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the stats an ad set's value is judged on: the last week if it spent in it."""
    recent = adset.get("recent_stats")
    if recent and num(recent, "spend_minor") > 0:
        return recent
    return adset.get("stats") or {}


def marginal_target(current: np.ndarray, draws: np.ndarray, elasticity: float) -> np.ndarray:
    """Return the split of `current.sum()` that equalises marginal values, over draws.

    `draws` holds posterior samples (ad sets × samples) of value per unit of spend measured
    at the `current` budgets; with `value(s) = a * s**e` the optimum is
    `s_i ∝ current_i * rate_i ** (1 / (1 - e))`.
    """
    power = 1.0 / max(1e-6, 1.0 - elasticity)
    scaled = draws / np.maximum(draws.max(axis=0, keepdims=True), 1e-300)
    weights = current[:, None] * scaled**power
    shares = weights / np.maximum(weights.sum(axis=0, keepdims=True), 1e-300)
    return shares.mean(axis=1) * float(current.sum())


def project(target: np.ndarray, low: np.ndarray, high: np.ndarray, total: float) -> np.ndarray:
    """Return `clip(k * target, low, high)` with `k` chosen so the sum is `total`.

    The total is kept whenever the bounds allow it (sum(low) <= total <= sum(high)); otherwise
    the nearest bound wins. Solved by bisection on `k` (the sum is monotone in it).
    """
    if float(low.sum()) >= total:
        return low.copy()
    if float(high.sum()) <= total:
        return high.copy()
    base = np.maximum(target, 1e-9)
    lo_k, hi_k = 0.0, 1.0
    while float(np.clip(hi_k * base, low, high).sum()) < total:
        hi_k *= 2
    for _ in range(80):
        mid = (lo_k + hi_k) / 2
        if float(np.clip(mid * base, low, high).sum()) < total:
            lo_k = mid
        else:
            hi_k = mid
    return np.clip(hi_k * base, low, high)


def step_sizes(pool: list[Mapping[str, Any]], policy: DecisionPolicy) -> np.ndarray:
    """Per ad set, the largest share its budget may move by this cycle.

    `max_step`; an ad set still learning gets no significant edit — at most
    `significant_budget_change` (Meta restarts learning after large budget changes).
    """
    return np.array([min(policy.max_step, policy.significant_budget_change) if in_learning(a)
                     else policy.max_step for a in pool])


def step_bounds(
    pool: list[Mapping[str, Any]], current: np.ndarray, policy: DecisionPolicy, minimum: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per ad set, the lowest and highest budget allowed this cycle.

    Every move is at most `step_sizes`.
    """
    steps = step_sizes(pool, policy)
    low = np.maximum(current * (1 - steps), minimum)
    high = current * (1 + steps)
    return np.minimum(low, current), np.maximum(high, current)


def adset_verdicts(
    evidence: Mapping[str, Any],
    policy: DecisionPolicy,
    budget_actions: list[dict],
    p_best: Mapping[str, float],
    held: Mapping[str, str] | None = None,
) -> list[dict]:
    """One verdict per ad set (MONITOR while learning or short of data)."""
    moved = {a["target"]["id"] for a in budget_actions}
    floor = min_spend(evidence, policy)
    held_back = capped_ids(evidence, policy)
    out = []
    for a in evidence.get("ad_sets", []):
        stats = a.get("stats") or {}
        if a.get("status") != ACTIVE:
            continue
        blocked = budget_editable(a, evidence, policy)
        if str(a["id"]) in held_back:
            out.append(cap_verdict(a, held_back[str(a["id"])]))
        elif a["id"] in moved:
            out.append(
                make_verdict(
                    a, "adset", "OPTIMIZE", [f"budget moves (P(best) {p_best.get(a['id'], 0):.0%})"]
                )
            )
        elif in_learning(a):
            out.append(
                make_verdict(a, "adset", "MONITOR", ["still learning: no significant budget edits"])
            )
        elif stats.get("days", 0) < policy.min_days or num(stats, "spend_minor") < floor:
            out.append(make_verdict(a, "adset", "MONITOR", ["not enough data yet"]))
        else:
            why = blocked or (held or {}).get(a["id"]) or "no change needed"
            out.append(make_verdict(a, "adset", "CONTINUE", [why]))
    return out
