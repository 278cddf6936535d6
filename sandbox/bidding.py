"""Bid strategies in delivery: cost cap, bid cap and minimum ROAS hold spend back.

The day's results are bought in many auctions whose cost per result varies around the
ad set's *natural* cost per result `N` (what the uncapped plan for the day would pay: the
expected spend over the expected optimisation events of `sandbox.daymodel.simulate_day`, at
the budget-paced spend and with the learning premium). The log of an auction's cost is
normal with spread `SIGMA` and mean `N`. With a cap `B` (`bid_amount`, minor units per
optimisation event; per 1,000 impressions for IMPRESSIONS and REACH goals):

- `COST_CAP`: Meta buys the cheapest auctions while their *average* cost stays at or under
  `B`. For `B >= N` nothing changes. Below, it keeps the cheapest share `F = Phi(z)` with
  `Phi(z - SIGMA) / Phi(z) = B / N`: spend is `Phi(z - SIGMA)` of the uncapped spend and the
  cost per result is `B` (so the lower the cap against `N`, the lower the spend, smoothly:
  `B/N = 0.95` keeps ~93% of the spend, `0.8` ~65%, `0.5` ~14%).
- `LOWEST_COST_WITH_BID_CAP`: every auction above `B` is lost: `z = (ln(B/N) + SIGMA^2/2) /
  SIGMA`, spend `Phi(z - SIGMA)`, cost per result `N * Phi(z - SIGMA) / Phi(z)` (under the
  cap). A cap at `N` keeps ~40% of the spend (the dearer auctions are lost), `2N` ~87%.
- `LOWEST_COST_WITH_MIN_ROAS`: `bid_constraints.roas_average_floor / 10,000` is the ROAS
  floor `R`; an ad set whose natural ROAS `r = value / spend` is under `R` behaves as a cost
  cap with `B / N = r / R`; at or over the floor nothing changes.

The cheaper auctions are modelled as a lower CPM (`cpm x cost ratio`), so the same results
per impression cost less; with the concave response curve the realised cost per result is
at or a little under the target. The budget a cap leaves unspent is not moved to other ad
sets (a CBO campaign spends less too). Ad sets without these strategies are untouched.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from sandbox.daymodel import simulate_day
from sandbox.learning import LEARNING_FACTOR
from sandbox.scenario import ModelParams
from sandbox.tree import money

SIGMA = 0.5
CAPPED = ("COST_CAP", "LOWEST_COST_WITH_BID_CAP", "LOWEST_COST_WITH_MIN_ROAS")


def phi(x: float) -> float:
    """Return the standard normal CDF."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def average_cap(ratio: float) -> tuple[float, float]:
    """(spend multiplier, cost-per-result multiplier) for an average-cost cap at `ratio` x N."""
    if ratio >= 1:
        return 1.0, 1.0
    if ratio <= 0:
        return 0.0, 1.0
    lo, hi = -12.0, 12.0  # Phi(z - s) / Phi(z) rises from 0 to 1 with z
    for _ in range(80):
        mid = (lo + hi) / 2
        if phi(mid - SIGMA) / max(phi(mid), 1e-300) < ratio:
            lo = mid
        else:
            hi = mid
    return phi(hi - SIGMA), ratio


def auction_cap(ratio: float) -> tuple[float, float]:
    """(spend multiplier, cost-per-result multiplier) for a per-auction cap at `ratio` x N."""
    if ratio <= 0:
        return 0.0, 1.0
    z = (math.log(ratio) + SIGMA * SIGMA / 2) / SIGMA
    won = phi(z)
    return phi(z - SIGMA), (phi(z - SIGMA) / won if won > 0 else 1.0)


def strategy_of(plan: dict[str, Any]) -> str:
    """Return the ad set's bid strategy (its own, else its campaign's)."""
    doc, camp = plan["doc"], plan.get("camp") or {}
    return str(doc.get("bid_strategy") or camp.get("bid_strategy") or "LOWEST_COST_WITHOUT_CAP")


def _natural(plan: dict[str, Any], p: ModelParams) -> tuple[float, float, float]:
    """Return (expected events, value, impressions) of the uncapped plan today."""
    rows = simulate_day(
        plan["kind"], plan["truth"], plan["ads"], plan["spend"],
        LEARNING_FACTOR[plan["status"]], p,
    )
    goal = plan["doc"].get("optimization_goal")
    key = {"conversion": "conversions", "click": "link_clicks"}.get(plan["kind"], "recallers")
    if goal in ("IMPRESSIONS", "REACH"):
        key = "impressions" if goal == "IMPRESSIONS" else "reach"
    events = sum(r[key] for r in rows)
    if goal in ("IMPRESSIONS", "REACH"):
        events /= 1000.0  # bid_amount is per 1,000 impressions (or people reached)
    return events, sum(r["value"] for r in rows), sum(r["impressions"] for r in rows)


def limits(plan: dict[str, Any], p: ModelParams) -> tuple[float, float]:
    """(spend multiplier, CPM multiplier) the ad set's bid strategy imposes today."""
    if strategy_of(plan) not in CAPPED or plan.get("spend", 0) <= 0:
        return 1.0, 1.0
    events, value, _ = _natural(plan, p)
    return multipliers(plan["doc"], plan.get("camp") or {}, float(plan["spend"]), events, value)


def multipliers(
    doc: dict[str, Any], camp: dict[str, Any], spend: float, events: float, value: float
) -> tuple[float, float]:
    """(spend, CPM) multipliers of a bid strategy for a day of `spend` buying `events`, `value`.

    `events` are optimisation events (per 1,000 for IMPRESSIONS and REACH goals).
    """
    strategy = strategy_of({"doc": doc, "camp": camp})
    if strategy not in CAPPED or spend <= 0:
        return 1.0, 1.0
    if strategy == "LOWEST_COST_WITH_MIN_ROAS":
        floor = (doc.get("bid_constraints") or {}).get("roas_average_floor")
        if not floor:
            return 1.0, 1.0
        return average_cap((value / spend) / (float(floor) / 10_000))
    bid = money(doc.get("bid_amount"))
    if not bid:
        return 1.0, 1.0
    if events <= 0:  # no expected results: any cap is below the cost
        return (0.0, 1.0) if strategy == "COST_CAP" else auction_cap(0.0)
    ratio = bid / (spend / events)
    return average_cap(ratio) if strategy == "COST_CAP" else auction_cap(ratio)


def apply_bids(plans: list[dict[str, Any]], p: ModelParams) -> None:
    """Scale each capped plan's spend and CPM for the day (see the module docstring)."""
    for plan in plans:
        spend_mult, cost_mult = limits(plan, p)
        if spend_mult == 1.0 and cost_mult == 1.0:
            continue
        plan["spend"] *= spend_mult
        plan["truth"] = replace(plan["truth"], cpm=plan["truth"].cpm * cost_mult)
        plan["bid_limited"] = spend_mult < 1.0
