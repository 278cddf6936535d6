"""Budgets and pacing: how much an ad set may spend on one day.

Daily budgets follow Meta's rule (Help Center "About daily budgets"; docs/meta-api-facts.md §3.1): on a
given day spend may exceed the daily budget by up to `max_overspend` (75 %, Meta's rule since
2024; older pages say 25 %), while spend over a
*calendar week* (Sunday to Saturday, account time zone) stays within the sum of the daily
budgets in force on each day of that week (7 × the budget when it never changes; the first
week is prorated from the start, by the hours the ad set could deliver). A budget schedule
(`sandbox.budget_schedules`) in force on a day adds its increase, `plan["boost"]`, on top of
that day's target and of the budget recorded for it, so the rest of the week is unchanged. Each day the week's
remaining allowance (budgets in force on the days already past, the current budget for today
and every day left, minus the week's spend so far) is spread over the days left, times a
seeded pace factor in [1 - pace_spread, 1 + pace_spread] (0.25), capped at
(1 + max_overspend) × today's budget and at the allowance: a day runs well over the budget
only when the week's allowance is ahead of its days (earlier days of the week spent under
their budgets), and never past 1.75 ×. An ad set held back by its bid strategy (cost cap, bid
cap, minimum ROAS: `sandbox/bidding.py`) is not caught up past the pace spread — its shortfall
is auctions its bid loses, not quiet days. So a budget cut lowers the
remaining allowance and delivery carries on at about the new budget; it does not stop dead.
The budget in force each delivering day is kept in `delivery_budgets`. Lifetime budgets: what
is left, spread evenly over the days left in the schedule. CBO campaigns: the campaign budget
paced the same way, split over its ad sets in proportion to each one's expected results per
unit of spend, with seeded noise, then re-split within the ad sets' spend limits
(`daily_spend_cap` a hard maximum, `daily_min_spend_target` a best-effort minimum; see
`limit_split`). An account spend cap scales the day down. No ad set spends
more than its audience absorbs (`sandbox.truth.max_spend`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.bidding import CAPPED, strategy_of
from sandbox.daymodel import effective_cpm, events_of, simulate_day
from sandbox.delivery_tables import ROWS
from sandbox.enums import NO_CAP
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


BUDGETS = "delivery_budgets"  # (owner_id, date): the daily budget in force that day


def week_start(day: date) -> date:
    """Return the Sunday that starts `day`'s calendar week (Meta's weeks run Sun-Sat)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _ensure_budgets(store: Store) -> None:
    if BUDGETS not in store.db.table_names():
        store.db.table(BUDGETS).create(
            {"owner_id": str, "date": str, "budget": float}, pk=("owner_id", "date")
        )


def spend_history(store: Store, key: str, day: date) -> dict[str, tuple[float, float, float]]:
    """Return {id: (week's spend, spend ever, week's budgets)} grouped by `key`.

    "Week's" means this calendar week before `day`; `key` is adset_id or campaign_id.
    """
    _ensure_budgets(store)
    since = week_start(day).isoformat()
    sql = (
        f"select {key} k, sum(case when date >= ? then spend else 0 end) recent, sum(spend) total "
        f"from {ROWS} where date < ? group by {key}"
    )
    spent = {
        r["k"]: (r["recent"] or 0, r["total"] or 0)
        for r in store.db.query(sql, [since, day.isoformat()])
    }
    budgets = {
        r["k"]: r["b"] or 0.0
        for r in store.db.query(
            f"select owner_id k, sum(budget) b from {BUDGETS} where date >= ? and date < ? "
            "group by owner_id",
            [since, day.isoformat()],
        )
    }
    return {k: (*spent.get(k, (0, 0)), budgets.get(k, 0.0)) for k in set(spent) | set(budgets)}


def record_budgets(store: Store, day: date, plans: list[dict[str, Any]]) -> None:
    """Keep the daily budget in force today (prorated by deliverable hours) per budget owner."""
    _ensure_budgets(store)
    rows: dict[str, dict[str, Any]] = {}
    for plan in plans:
        kind_b, amount, owner = plan["budget"]
        if kind_b == "daily":
            oid = str(owner["id"])
            frac = max(plan["frac"], rows.get(oid, {}).get("frac", 0.0))
            rows[oid] = {
                "owner_id": oid,
                "date": day.isoformat(),
                "budget": amount * frac + plan.get("boost", 0.0),
                "frac": frac,
            }
    for r in rows.values():
        r.pop("frac")
    if rows:
        store.db.table(BUDGETS).upsert_all(list(rows.values()), pk=("owner_id", "date"))


def _target(
    kind: str,
    amount: int,
    owner: dict[str, Any],
    hist: tuple[float, float, float],
    pace: float,
    frac: float,
    day: date,
    sc: Scenario,
    overspend: float | None = None,
) -> float:
    """Spend target for the day from a budget, Meta-style pacing (see the module docstring).

    `overspend`: how far over the budget the day may go (default the model's
    `max_overspend`; an ad set held back by its bid strategy gets `pace_spread`: it has no
    better-opportunity days on which to catch up what its bid kept it from spending).
    """
    week_spent, total, past_budgets = hist
    over = sc.model.max_overspend if overspend is None else overspend
    if kind == "daily":
        days_left = 7 - (day - week_start(day)).days  # today and the rest of the week
        allowance = past_budgets + amount * frac + amount * (days_left - 1)
        remaining = max(0.0, allowance - week_spent)
        share = remaining * frac / (frac + days_left - 1) if frac > 0 else 0.0
        return max(0.0, min(share * pace, amount * (1 + over), remaining))
    remaining = max(0, amount - total)
    _, end = window(owner, "start_time", "end_time" if "end_time" in owner else "stop_time")
    days_left = max(1, (end.astimezone(sc.tz).date() - day).days + 1) if end else 7
    return min(float(remaining), remaining / days_left * pace * frac)


def set_spends(
    plans: list[dict[str, Any]],
    by_set: dict[str, tuple[float, float, float]],
    by_camp: dict[str, tuple[float, float, float]],
    seed: int,
    day: date,
    sc: Scenario,
) -> None:
    """Set each plan's `spend` for the day (ad set budgets and CBO splits)."""
    p = sc.model
    lo, hi = 1 - p.pace_spread, 1 + p.pace_spread
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
        hist = by_set.get(str(plan["doc"]["id"]), (0, 0, 0.0))
        held = p.pace_spread if strategy_of(plan) in CAPPED else None  # bid-limited
        target = _target(kind_b, amount, owner, hist, pace, plan["frac"], day, sc, held)
        plan["spend"] = min(cap, target + plan.get("boost", 0.0))
    for cid, members in cbo.items():
        kind_b, amount, owner = members[0]["budget"]
        rng = rng_for(seed, "cbo", cid, day.isoformat())
        pace = min(hi, max(lo, math.exp(0.1 * rng.standard_normal())))
        frac = max(m["frac"] for m in members)
        total = _target(kind_b, amount, owner, by_camp.get(cid, (0, 0, 0.0)), pace, frac, day, sc)
        total += members[0].get("boost", 0.0)
        even = total / len(members)
        scores = []
        for m in members:
            exp_rows = simulate_day(
                m["kind"], m["truth"], m["ads"], even, LEARNING_FACTOR[m["status"]], p
            )
            kpi = sum(events_of(m["kind"], r) for r in exp_rows)
            scores.append(max(kpi / max(even, 1.0), 1e-9) * math.exp(0.25 * rng.standard_normal()))
        ssum = sum(scores)
        split = limit_split([total * sc_ / ssum for sc_ in scores], members, by_set)
        for m, want in zip(members, split, strict=True):
            m["spend"] = min(m["cap"], want)


def spend_limits(
    plan: dict[str, Any], by_set: dict[str, tuple[float, float, float]]
) -> tuple[float, float]:
    """(minimum target, hard maximum) of a CBO ad set's spend today from its spend limits.

    `daily_min_spend_target` / `daily_spend_cap` bound the day; `lifetime_spend_cap` bounds
    what is left of the ad set's lifetime spend (the lifetime minimum is not modelled). The
    minimum counts only up to what the audience absorbs (`plan["cap"]`): Meta treats it as a
    target, not a guarantee.
    """
    doc = plan["doc"]
    cap = money(doc.get("daily_spend_cap")) or math.inf
    life = money(doc.get("lifetime_spend_cap"))
    if life:
        cap = min(cap, max(0.0, life - by_set.get(str(doc["id"]), (0, 0, 0.0))[1]))
    low = min(float(money(doc.get("daily_min_spend_target"))), cap, plan["cap"])
    return low, cap


def limit_split(
    split: list[float],
    members: list[dict[str, Any]],
    by_set: dict[str, tuple[float, float, float]],
) -> list[float]:
    """Re-split a CBO campaign's day over its ad sets within their spend limits.

    Without limits the split is unchanged. Otherwise each ad set gets `clip(k * share, min,
    cap)` with `k` chosen so the day's total is kept: what a cap takes from one ad set goes
    to its siblings in proportion to their shares, and a minimum is met from theirs. When
    the caps leave less than the total the campaign spends less (a cap is a hard maximum);
    when the minimums ask for more than the total they are scaled down.
    """
    bounds = [spend_limits(m, by_set) for m in members]
    if all(lo <= 0 and cap == math.inf for lo, cap in bounds):
        return split
    total = sum(split)
    lows = [lo for lo, _ in bounds]
    caps = [cap for _, cap in bounds]
    if sum(lows) >= total:
        return [lo * total / sum(lows) for lo in lows]
    if sum(caps) <= total:
        return caps

    def spent(k: float) -> float:
        return sum(min(c, max(lo, k * s)) for s, lo, c in zip(split, lows, caps, strict=True))

    lo_k, hi_k = 0.0, 1.0
    while spent(hi_k) < total:
        hi_k *= 2
    for _ in range(60):  # bisection: the total is monotone in k
        mid = (lo_k + hi_k) / 2
        lo_k, hi_k = (mid, hi_k) if spent(mid) < total else (lo_k, mid)
    return [min(c, max(lo, hi_k * s)) for s, lo, c in zip(split, lows, caps, strict=True)]


def _scale_to(plans: list[dict[str, Any]], room: float) -> None:
    want = sum(p_["spend"] for p_ in plans)
    if want > room:
        for p_ in plans:
            p_["spend"] *= max(0.0, room) / want


def cap_account(
    store: Store,
    sc: Scenario,
    plans: list[dict[str, Any]],
    by_camp: dict[str, tuple[float, float, float]] | None = None,
) -> None:
    """Scale the day's spends down to what the campaign and account spend caps leave.

    A campaign's `spend_cap` bounds its lifetime spend (`by_camp` gives the spend before this
    day); the account's `spend_cap` bounds `amount_spent`. 0 or Meta's sentinel means no cap.
    """
    by_owner: dict[str, list[dict[str, Any]]] = {}
    for p_ in plans:
        by_owner.setdefault(str(p_["camp"]["id"]), []).append(p_)
    for cid, members in by_owner.items():
        cap = money(members[0]["camp"].get("spend_cap"))
        if cap and cap != NO_CAP:
            _scale_to(members, cap - (by_camp or {}).get(cid, (0, 0, 0))[1])
    acct = store.get_object(sc.account.id) or {}
    cap = money(acct.get("spend_cap"))
    if cap and cap != NO_CAP:
        _scale_to(plans, cap - money(acct.get("amount_spent")))
