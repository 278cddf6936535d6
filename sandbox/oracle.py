"""The oracle: the best *fixed* allocation of a daily budget, knowing the latent truth.

What it optimises: the scenario's `kpi` (conversions, conversion value, link clicks, estimated
ad recallers or impressions) summed over the horizon (`scenario.days`), for a policy that sets
each live ad set's daily spend once and never changes it, and keeps only the best `k` ads of
each ad set active (best by the ad set's goal; k in 1, 2, 3 or all). Expected values come from the same model that
generates delivery (`sandbox.daymodel.simulate_day` with no noise), day by day from launch,
including the learning phase (a concentrated budget leaves learning sooner) and creative
fatigue, with pacing at its mean (spend = budget) and no CBO noise.

How: for each ad set and each `k`, the horizon KPI is computed on a grid of daily spends
(steps of budget / (12 x ad sets), at most 60); an exact dynamic programme over the grid picks
the best split (the problem is separable by ad set). The even split (every live ad set gets
budget / n with all its live ads — "launch and leave") is evaluated the same way and returned
too; the oracle is never below it (if the grid misses, the even split is the answer).
CBO campaigns are treated as if their budget were set per ad set. "Live" = not deleted or
archived (paused objects count: a policy could resume them). The default budget is the total
daily budget (lifetime budgets per day of schedule) of live ad sets and CBO campaigns whose
configured status is ACTIVE. It looks at the scenario's main ad account only.
"""

from __future__ import annotations

from typing import Any

from sandbox import audience_model
from sandbox.clock import now
from sandbox.daymodel import AdInput, effective_cpm, events_of, simulate_day
from sandbox.learning import LEARNING_FACTOR
from sandbox.pacing import budget_of, daily_equivalent
from sandbox.scenario import Scenario, get_scenario, get_seed
from sandbox.store import Store
from sandbox.tree import DEAD, Tree, load_tree
from sandbox.truth import AdSetTruth, AdTruth, ad_truth, adset_truth, goal_kind, max_spend, quality

KPI_FIELD = {
    "conversions": "conversions",
    "conversion_value": "value",
    "link_clicks": "link_clicks",
    "estimated_ad_recallers": "recallers",
    "impressions": "impressions",
}


def horizon(
    sc: Scenario, kind: str, st: AdSetTruth, ads: list[AdTruth], spend: float
) -> dict[str, float]:
    """Return expected totals over the horizon of one ad set spending `spend` a day with `ads`."""
    p = sc.model
    cum = [0.0] * len(ads)
    status, phase_events, daily_events = "LEARNING", 0.0, []
    tot = {"kpi": 0.0, "conversions": 0.0, "value": 0.0, "spend": 0.0}
    for d in range(sc.days):
        lf = LEARNING_FACTOR[status]
        s = min(spend, max_spend(effective_cpm(st, lf, p), st.capacity, p))
        rows = simulate_day(
            kind, st, [AdInput(t, 1.0, c) for t, c in zip(ads, cum, strict=True)], s, lf, p
        )
        for i, r in enumerate(rows):
            cum[i] += r["impressions"]
            tot["kpi"] += r[KPI_FIELD[sc.kpi]]
            tot["conversions"] += r["conversions"]
            tot["value"] += r["value"]
            tot["spend"] += r["spend"]
        ev = sum(events_of(kind, r) for r in rows)
        daily_events.append(ev)
        phase_events += ev
        if status == "LEARNING":
            if phase_events >= p.learning_events:
                status = "SUCCESS"
            elif d + 1 >= p.learning_days:
                status = "FAIL"
        elif status == "FAIL" and sum(daily_events[-p.learning_days :]) >= p.learning_events:
            status = "SUCCESS"
    return tot


def _live(tree: Tree) -> list[dict[str, Any]]:
    return [
        s
        for s in tree.adsets
        if str(s.get("status") or "ACTIVE") not in DEAD
        and str(tree.campaign_of(s).get("status") or "ACTIVE") not in DEAD
    ]


def default_budget(tree: Tree, sc: Scenario) -> int:
    """Total daily budget of live, configured-ACTIVE ad sets and CBO campaigns."""
    total, seen = 0.0, set()
    for s in _live(tree):
        if (
            s.get("status", "ACTIVE") != "ACTIVE"
            or tree.campaign_of(s).get("status", "ACTIVE") != "ACTIVE"
        ):
            continue
        kind_b, amount, owner = budget_of(tree, s)
        if amount and str(owner["id"]) not in seen:
            seen.add(str(owner["id"]))
            total += daily_equivalent(tree, owner, kind_b, amount, sc.tz)
    return int(round(total))


def oracle(store: Store, budget_minor: int | None = None) -> dict[str, Any]:
    """Return the best fixed allocation of `budget_minor` a day (default: current budgets)."""
    with store.lock:
        sc, seed = get_scenario(store), get_seed(store)
        tree = load_tree(store, sc.account.id)  # the main ad account's
        clock = now(store).isoformat()
    budget = int(budget_minor) if budget_minor is not None else default_budget(tree, sc)
    if budget < 0:
        raise ValueError("budget_minor must be >= 0")
    arms: list[dict[str, Any]] = []
    lookup = audience_model.store_lookup(store)
    for s in _live(tree):
        idx = tree.adset_index[str(s["id"])]
        st = audience_model.apply(adset_truth(sc, seed, s, idx), s.get("targeting"), lookup, sc)
        if st.capacity <= 0:  # an audience its exclusions empty: nothing to allocate to
            continue
        kind = goal_kind(s.get("optimization_goal"), sc)
        ads = [
            ad_truth(sc, seed, a, idx, tree.ad_index[str(a["id"])])
            for a in tree.ads_by_adset.get(str(s["id"]), [])
            if str(a.get("status") or "ACTIVE") not in DEAD
        ]
        if ads:
            ads.sort(key=lambda t: -quality(kind, t, st, 1.0, sc.model))
            arms.append({"doc": s, "truth": st, "kind": kind, "ads": ads})
    result: dict[str, Any] = {
        "scenario": sc.name,
        "seed": seed,
        "now": clock,
        "kpi": sc.kpi,
        "currency": sc.currency,
        "budget_minor": budget,
        "horizon_days": sc.days,
    }
    if not arms or budget <= 0:
        empty = {"kpi": 0.0, "conversions": 0.0, "value_minor": 0.0}
        return {
            **result,
            "allocation": [],
            "expected_daily": empty,
            "expected_horizon": empty,
            "even_split": {"allocation": [], "expected_daily": empty, "expected_horizon": empty},
        }
    n = len(arms)
    steps = min(60, 12 * n)
    delta = budget / steps

    def best(arm: dict[str, Any], spend: float) -> tuple[dict[str, float], int]:
        if spend <= 0:
            return {"kpi": 0.0, "conversions": 0.0, "value": 0.0, "spend": 0.0}, 0
        options = [
            (horizon(sc, arm["kind"], arm["truth"], arm["ads"][:k], spend), k)
            for k in sorted({*range(1, min(3, len(arm["ads"])) + 1), len(arm["ads"])})
        ]
        return max(options, key=lambda o: o[0]["kpi"])

    table = [[best(arm, g * delta) for g in range(steps + 1)] for arm in arms]
    # Exact DP over the grid: value[i][g] = best total of arms[:i] using g steps.
    neg = float("-inf")
    value = [[0.0] * (steps + 1)] + [[neg] * (steps + 1) for _ in arms]
    pick = [[0] * (steps + 1) for _ in arms]
    for i in range(n):
        for g in range(steps + 1):
            for h in range(g + 1):
                v = value[i][g - h] + table[i][h][0]["kpi"]
                if v > value[i + 1][g]:
                    value[i + 1][g], pick[i][g] = v, h
    grid, g = [0] * n, steps
    for i in range(n - 1, -1, -1):
        grid[i] = pick[i][g]
        g -= grid[i]
    chosen = [(grid[i] * delta, *table[i][grid[i]]) for i in range(n)]
    even = [
        (budget / n, horizon(sc, a["kind"], a["truth"], a["ads"], budget / n), len(a["ads"]))
        for a in arms
    ]
    if sum(c[1]["kpi"] for c in even) > sum(c[1]["kpi"] for c in chosen):
        chosen = even
    return {**result, **_describe(arms, chosen, sc), "even_split": _describe(arms, even, sc)}


def _describe(
    arms: list[dict[str, Any]], chosen: list[tuple[float, dict[str, float], int]], sc: Scenario
) -> dict[str, Any]:
    alloc, tot = [], {"kpi": 0.0, "conversions": 0.0, "value": 0.0}
    for arm, (spend, h, k) in zip(arms, chosen, strict=True):
        alloc.append(
            {
                "adset_id": arm["truth"].adset_id,
                "name": arm["doc"].get("name"),
                "daily_budget_minor": int(round(spend)),
                "ads": [t.ad_id for t in arm["ads"][:k]] if spend > 0 else [],
                "expected_horizon_kpi": round(h["kpi"], 3),
            }
        )
        for key in tot:
            tot[key] += h[key]
    days = sc.days

    def view(scale: float) -> dict[str, float]:
        return {
            "kpi": round(tot["kpi"] * scale, 3),
            "conversions": round(tot["conversions"] * scale, 3),
            "value_minor": round(tot["value"] * scale, 1),
        }

    return {"allocation": alloc, "expected_daily": view(1 / days), "expected_horizon": view(1.0)}
