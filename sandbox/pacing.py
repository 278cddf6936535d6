"""Budgets and pacing: how much an ad set may spend on one day.

Daily budgets: a seeded pace factor in [1 - max_overspend, 1 + max_overspend] times the
budget, capped so the last 7 days never exceed 7x the daily budget. Lifetime budgets: what is
left, spread evenly over the days left in the schedule. CBO campaigns: the campaign budget
paced the same way, split over its ad sets in proportion to each one's expected results per
unit of spend, with seeded noise. An account spend cap scales the day down. No ad set spends
more than its audience absorbs (`sandbox.truth.max_spend`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.daymodel import effective_cpm, events_of, simulate_day
from sandbox.delivery_tables import ROWS
from sandbox.learning import LEARNING_FACTOR
from sandbox.scenario import Scenario
from sandbox.store import Store
from sandbox.tree import Tree, money, window
from sandbox.truth import max_spend, rng_for


def hours_share(
    day_start: datetime, starts: list[datetime | None], ends: list[datetime | None]
) -> float:
    """Share of the day (in whole hours) inside every [start, end) window."""
    lo = max([day_start, *[s for s in starts if s]])
    hi = min([day_start + timedelta(days=1), *[e for e in ends if e]])
    first = math.ceil(max(0.0, (lo - day_start).total_seconds()) / 3600)
    last = math.floor(min(86400.0, (hi - day_start).total_seconds()) / 3600)
    return max(0, last - first) / 24


def budget_of(tree: Tree, doc: dict[str, Any]) -> tuple[str, int, dict[str, Any]]:
    """("daily"|"lifetime"|"", amount, owner doc): the ad set's own budget or its campaign's."""
    for owner in (doc, tree.campaign_of(doc)):
        if money(owner.get("daily_budget")):
            return "daily", money(owner.get("daily_budget")), owner
        if money(owner.get("lifetime_budget")):
            return "lifetime", money(owner.get("lifetime_budget")), owner
    return "", 0, doc


def daily_equivalent(tree: Tree, owner: dict[str, Any], kind: str, amount: int, tz: Any) -> float:
    """Return a budget as spend per day (lifetime budgets over their schedule's length)."""
    if kind != "lifetime":
        return float(amount)
    start, end = window(owner, "start_time", "end_time" if "end_time" in owner else "stop_time")
    if not (start and end):
        return float(amount) / 7
    return amount / max(1, (end.astimezone(tz).date() - start.astimezone(tz).date()).days + 1)


def spend_history(store: Store, key: str, day: date) -> dict[str, tuple[int, int]]:
    """{id: (spend in the last 6 days, spend ever)} grouped by `key` (adset_id/campaign_id)."""
    since = (day - timedelta(days=6)).isoformat()
    sql = (
        f"select {key} k, sum(case when date >= ? then spend else 0 end) recent, sum(spend) total "
        f"from {ROWS} where date < ? group by {key}"
    )
    return {
        r["k"]: (r["recent"] or 0, r["total"] or 0)
        for r in store.db.query(sql, [since, day.isoformat()])
    }


def _target(
    kind: str,
    amount: int,
    owner: dict[str, Any],
    hist: tuple[int, int],
    pace: float,
    frac: float,
    day: date,
    sc: Scenario,
) -> float:
    """Spend target for the day from a budget, Meta-style pacing."""
    recent, total = hist
    if kind == "daily":
        t = amount * frac * pace
        return max(0.0, min(t, 7 * amount - recent, amount * (1 + sc.model.max_overspend)))
    remaining = max(0, amount - total)
    _, end = window(owner, "start_time", "end_time" if "end_time" in owner else "stop_time")
    days_left = max(1, (end.astimezone(sc.tz).date() - day).days + 1) if end else 7
    return min(float(remaining), remaining / days_left * pace * frac)


def set_spends(
    plans: list[dict[str, Any]],
    by_set: dict[str, tuple[int, int]],
    by_camp: dict[str, tuple[int, int]],
    seed: int,
    day: date,
    sc: Scenario,
) -> None:
    """Set each plan's `spend` for the day (ad set budgets and CBO splits)."""
    p = sc.model
    lo, hi = 1 - p.max_overspend, 1 + p.max_overspend
    cbo: dict[str, list[dict[str, Any]]] = {}
    for plan in plans:
        kind_b, amount, owner = plan["budget"]
        cap = max_spend(
            effective_cpm(plan["truth"], LEARNING_FACTOR[plan["status"]], p),
            plan["truth"].capacity,
            p,
        )
        plan["cap"] = cap
        if owner is plan["camp"]:
            cbo.setdefault(str(owner["id"]), []).append(plan)
            continue
        pace = min(
            hi,
            max(
                lo,
                math.exp(
                    0.1
                    * rng_for(seed, "pace", plan["truth"].index, day.isoformat()).standard_normal()
                ),
            ),
        )
        hist = by_set.get(str(plan["doc"]["id"]), (0, 0))
        plan["spend"] = min(cap, _target(kind_b, amount, owner, hist, pace, plan["frac"], day, sc))
    for cid, members in cbo.items():
        kind_b, amount, owner = members[0]["budget"]
        rng = rng_for(seed, "cbo", cid, day.isoformat())
        pace = min(hi, max(lo, math.exp(0.1 * rng.standard_normal())))
        frac = max(m["frac"] for m in members)
        total = _target(kind_b, amount, owner, by_camp.get(cid, (0, 0)), pace, frac, day, sc)
        even = total / len(members)
        scores = []
        for m in members:
            exp_rows = simulate_day(
                m["kind"], m["truth"], m["ads"], even, LEARNING_FACTOR[m["status"]], p
            )
            kpi = sum(events_of(m["kind"], r) for r in exp_rows)
            scores.append(max(kpi / max(even, 1.0), 1e-9) * math.exp(0.25 * rng.standard_normal()))
        ssum = sum(scores)
        for m, sc_ in zip(members, scores, strict=True):
            m["spend"] = min(m["cap"], total * sc_ / ssum)


def cap_account(store: Store, sc: Scenario, plans: list[dict[str, Any]]) -> None:
    """Scale the day's spends down to what the account spend cap leaves."""
    acct = store.get_object(sc.account.id) or {}
    cap = money(acct.get("spend_cap"))
    want = sum(p_["spend"] for p_ in plans)
    if cap and want > 0:
        room = max(0, cap - money(acct.get("amount_spent")))
        if want > room:
            for p_ in plans:
                p_["spend"] *= room / want
