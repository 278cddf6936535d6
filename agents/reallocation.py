"""Budget reallocation between ad sets by Thompson sampling, with Meta's and adpilot's limits.

Pure functions used by `agents/decisions.py::decide`. The total daily budget is kept: ad sets
that are clearly not the best (low posterior probability of being best *and* worse by a
margin) lose a step, the others gain in proportion to their P(best). Every move is at most
`max_step` per cycle, never below Meta's minimum, never more often than the edit limits
allow, and never a significant edit (more than `significant_budget_change`) while the ad set
is still learning.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import numpy as np

from agents.decision_rules import in_learning, recent_edits
from agents.decision_stats import (
    ACTIVE,
    DecisionPolicy,
    display_name,
    evidence_of,
    kpi_of,
    make_verdict,
    min_spend,
    num,
    pooled_prior,
    value_samples,
)
from state.guardrails import parse_time

KPI_LABELS = {
    "conversions": "conversion",
    "conversion_value": "unit of conversion value (ROAS)",
    "link_clicks": "link click",
    "estimated_ad_recallers": "ad recaller",
    "impressions": "impression",
}


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


def reallocate(
    evidence: Mapping[str, Any], policy: DecisionPolicy, rng: np.random.Generator
) -> tuple[list[dict], dict[str, float]]:
    """Thompson-sampling budget moves between ad sets (ad-set budgets only).

    The total daily budget is kept. Ad sets that are clearly not the best lose a step (at most
    `max_step`, never below Meta's minimum); the rest gain in proportion to their posterior
    probability of being best (Thompson sampling). Returns (actions, P(best) by ad set id).
    """
    if evidence.get("budget_level") == "campaign":
        return [], {}
    protected = set((evidence.get("experiment") or {}).get("variant_adset_ids") or [])
    pool = [
        a
        for a in evidence.get("ad_sets", [])
        if a.get("daily_budget_minor")
        and a["id"] not in protected
        and budget_editable(a, evidence, policy) is None
    ]
    if len(pool) < 2:
        return [], {}
    if min(int((a.get("stats") or {}).get("days") or 0) for a in pool) < policy.min_days:
        return [], {}  # minimum data: no ad set is judged on fewer than `min_days` days
    metric = kpi_of(evidence)
    prior = pooled_prior([a.get("stats") or {} for a in pool], metric)
    draws = np.stack(
        [value_samples(a.get("stats") or {}, prior, rng, policy.samples) for a in pool]
    )
    p_best = np.bincount(draws.argmax(axis=0), minlength=len(pool)) / draws.shape[1]
    current = np.array([float(a["daily_budget_minor"]) for a in pool])
    minimum = float(evidence.get("min_daily_budget_minor") or 100)
    low, high = step_bounds(pool, current, policy, minimum)
    # A cut costs days of delivery (Meta paces a week of spend against the daily budget), so
    # only ad sets that are probably not the best *and* clearly worse by a margin are cut.
    best = int(np.argmax(draws.mean(axis=1)))
    p_worse = (draws < draws[best] * (1 - policy.realloc_margin)).mean(axis=1)
    clear_loser = (p_best < policy.loser_p_best) & (p_worse >= policy.pause_probability - 0.05)
    new = eliminate(
        current,
        np.where(clear_loser, 0.0, np.maximum(p_best, policy.loser_p_best)),
        low,
        high,
        policy.loser_p_best,
    )
    # Moves are all or nothing: skipping a small one would break the balance of the total.
    if np.max(np.abs(new - current) / current) < policy.min_change:
        return [], {a["id"]: round(float(p), 4) for a, p in zip(pool, p_best, strict=True)}
    actions = []
    for a, old, value, p in zip(pool, current, new, p_best, strict=True):
        if int(value) == int(old):
            continue
        actions.append(budget_action(a, int(old), int(value), float(p), evidence))
    return actions, {a["id"]: round(float(p), 4) for a, p in zip(pool, p_best, strict=True)}


def eliminate(
    current: np.ndarray, p_best: np.ndarray, low: np.ndarray, high: np.ndarray, eps: float
) -> np.ndarray:
    """Cut the ad sets that are probably not the best; give what they free to the rest.

    Ad sets with P(best) below `eps` lose a step (down to `low`); the others gain in proportion
    to their P(best), each up to `high`. The total is kept. Moves are one-directional per ad
    set and happen only on evidence, because every cut costs delivery for days (Meta paces a
    week of spend against the daily budget) and swinging budgets would pay that cost twice.
    """
    losers = p_best < eps
    if not losers.any() or losers.all():
        return current.copy()
    new = current.copy()
    new[losers] = low[losers]
    freed = float(np.sum(current - new))
    room = np.where(losers, 0.0, high - current)
    weights = np.where(losers, 0.0, p_best)
    gain = np.zeros_like(current)
    for _ in range(len(current)):  # water-fill: capped ad sets pass their share on
        left = freed - gain.sum()
        open_ = (room - gain > 1e-9) & (weights > 0)
        if left <= 1e-9 or not open_.any():
            break
        share = np.where(open_, weights, 0.0) / np.sum(np.where(open_, weights, 0.0))
        gain = np.minimum(gain + left * share, room)
    if gain.sum() < freed:  # the winners cannot absorb it all: cut less
        new[losers] = current[losers] - (current[losers] - new[losers]) * gain.sum() / freed
    new = new + gain
    return np.where(new < current, np.ceil(new), np.floor(new))


def step_bounds(
    pool: list[Mapping[str, Any]], current: np.ndarray, policy: DecisionPolicy, minimum: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per ad set, the lowest and highest budget allowed this cycle.

    Every move is at most `max_step`; an ad set still learning gets no significant edit — at
    most `significant_budget_change` (Meta restarts learning after large budget changes).
    """
    steps = np.array(
        [
            min(policy.max_step, policy.significant_budget_change)
            if in_learning(a)
            else policy.max_step
            for a in pool
        ]
    )
    low = np.maximum(current * (1 - steps), minimum)
    high = current * (1 + steps)
    return np.minimum(low, current), np.maximum(high, current)


def budget_action(
    adset: Mapping[str, Any], old: int, new: int, p_best: float, evidence: Mapping[str, Any]
) -> dict[str, Any]:
    """Build a budget-change proposal; increases are high risk (never auto-applied)."""
    stats = adset.get("stats") or {}
    up = new > old
    return {
        "name": "set_adset_budget",
        "args": {"adset_id": adset["id"], "daily_budget": new},
        "target": {
            "id": adset["id"],
            "name": adset.get("name", ""),
            "level": "adset",
            "parent_id": (evidence.get("campaign") or {}).get("id", ""),
        },
        "verdict": "OPTIMIZE",
        "reasons": [
            f"{p_best:.0%} probability this ad set has the best "
            f"cost per {KPI_LABELS.get(kpi_of(evidence), 'result')}"
        ],
        "evidence": {
            **evidence_of(stats),
            "p_best": round(p_best, 3),
            "before_minor": old,
            "after_minor": new,
        },
        "expected_effect": {
            "metric": "value_per_spend",
            "direction": "up",
            "text": f"{'more' if up else 'less'} budget for {display_name(adset.get('name')) or adset['id']}; "
            "the campaign buys more conversions for the same total",
        },
        "risk": "high" if up else "low",
        "requires_review": False,
        "group": "reallocation",
    }


def adset_verdicts(
    evidence: Mapping[str, Any],
    policy: DecisionPolicy,
    budget_actions: list[dict],
    p_best: Mapping[str, float],
) -> list[dict]:
    """One verdict per ad set (MONITOR while learning or short of data)."""
    moved = {a["target"]["id"] for a in budget_actions}
    floor = min_spend(evidence, policy)
    out = []
    for a in evidence.get("ad_sets", []):
        stats = a.get("stats") or {}
        if a.get("status") != ACTIVE:
            continue
        blocked = budget_editable(a, evidence, policy)
        if a["id"] in moved:
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
            out.append(make_verdict(a, "adset", "CONTINUE", [blocked or "no change needed"]))
    return out
