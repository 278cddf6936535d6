"""Bid strategy checks: what each strategy needs and refuses, value optimisation, CBO, bid-driven minimums.

docs/facts-bidding-placements-destinations.md §1: COST_CAP and LOWEST_COST_WITH_BID_CAP take a
`bid_amount`; LOWEST_COST_WITH_MIN_ROAS takes `bid_constraints.roas_average_floor` (ROAS x
10,000), goal VALUE and no `bid_amount`; VALUE needs purchase values (a website sale with a
pixel PURCHASE event, or an app campaign). With a campaign budget the strategy lives on the
campaign while bids stay on the ad sets.
"""

from __future__ import annotations

from state import rules
from state.plan import AdSetPlan, budget_for_ad_set, campaign_bid_strategy, uses_cbo
from state.plan_findings import Findings

__all__ = ["check_bidding", "strategy_of"]


def strategy_of(ck: Findings, s: AdSetPlan) -> str:
    """Return the strategy the ad set asks for: its own, else the plan's (the campaign's under CBO).

    Under CBO an ad-set strategy that differs from the campaign's is a problem of its own
    (`bid_cbo`); the ad set's fields are still checked against the strategy it names.
    """
    return s.bid_strategy or campaign_bid_strategy(ck.plan)


def check_bidding(ck: Findings, i: int, s: AdSetPlan) -> None:
    """Every bid rule for ad set `i`."""
    base, p = f"ad_sets[{i}]", ck.plan
    strategy = strategy_of(ck, s)
    for path, value in (("bid_strategy", p.bid_strategy), (f"{base}.bid_strategy", s.bid_strategy)):
        if value is not None and value not in rules.BID_STRATEGIES:
            ck.bad(path, f"{value!r} is not a bid strategy Meta knows",
                   f"use one of {', '.join(rules.BID_STRATEGIES)}", "bid_strategy")
            return
    if uses_cbo(p) and s.bid_strategy and s.bid_strategy != campaign_bid_strategy(p):
        ck.bad(f"{base}.bid_strategy", f"with a campaign budget the bid strategy is the "
               f"campaign's ({campaign_bid_strategy(p)}), not the ad set's ({s.bid_strategy}); "
               "every ad set under one campaign budget bids the same way",
               f"set the campaign's bid_strategy to {s.bid_strategy}, or drop the ad set's",
               "bid_cbo")
    where = " (the campaign's, which has the budget)" if uses_cbo(p) else ""
    if strategy in rules.BID_AMOUNT_STRATEGIES:
        if not s.bid_amount or s.bid_amount <= 0:
            ck.bad(f"{base}.bid_amount", f"{strategy}{where} needs a bid amount above zero",
                   "add bid_amount in minor units (a $20 cap is 2000) or use "
                   "LOWEST_COST_WITHOUT_CAP", "bid")
        if s.bid_constraints is not None:
            ck.bad(f"{base}.bid_constraints", f"{strategy} does not use bid_constraints",
                   "remove bid_constraints (they belong to LOWEST_COST_WITH_MIN_ROAS)", "bid")
        if strategy == "COST_CAP" and s.billing_event != "IMPRESSIONS":
            ck.bad(f"{base}.billing_event", "COST_CAP bills on impressions",
                   "set billing_event to IMPRESSIONS", "bid")
    elif strategy == "LOWEST_COST_WITH_MIN_ROAS":
        _min_roas(ck, base, s, where)
    else:
        for field in ("bid_amount", "bid_constraints"):
            if getattr(s, field) is not None:
                ck.bad(f"{base}.{field}", f"{strategy}{where} does not use {field}, so Meta "
                       "would refuse it", "remove it, or pick COST_CAP / "
                       "LOWEST_COST_WITH_BID_CAP (bid_amount) or LOWEST_COST_WITH_MIN_ROAS "
                       "(bid_constraints)", "bid")
    _value_goal(ck, base, s)
    _bid_budget(ck, i, s, strategy)


def _min_roas(ck: Findings, base: str, s: AdSetPlan, where: str) -> None:
    lo, hi = rules.ROAS_FLOOR_RANGE
    if s.bid_amount is not None:
        ck.bad(f"{base}.bid_amount", f"LOWEST_COST_WITH_MIN_ROAS{where} does not take a bid "
               "amount", "remove bid_amount; the floor goes in "
               "bid_constraints.roas_average_floor", "bid")
    floor = s.bid_constraints.roas_average_floor if s.bid_constraints else None
    if floor is None:
        ck.bad(f"{base}.bid_constraints.roas_average_floor", "a minimum-ROAS bid needs the "
               "floor", "set roas_average_floor to the ROAS x 10,000 (2.5x is 25000)", "bid")
    elif not lo <= floor <= hi:
        ck.bad(f"{base}.bid_constraints.roas_average_floor", f"{floor} is outside Meta's "
               f"{lo}-{hi} range (ROAS x 10,000, so {floor / 10000:g}x)",
               "write the ROAS times 10,000: 2.5x is 25000", "bid")
    if s.optimization_goal != "VALUE":
        ck.bad(f"{base}.optimization_goal", "a minimum-ROAS bid optimises for purchase value, "
               f"not {s.optimization_goal}", "set optimization_goal to VALUE", "bid")


def _value_goal(ck: Findings, base: str, s: AdSetPlan) -> None:
    if s.optimization_goal != "VALUE":
        return
    objective = ck.plan.objective
    if objective not in ("OUTCOME_SALES", "OUTCOME_APP_PROMOTION"):
        return  # the goal table already refuses it for this objective
    event = (s.promoted_object or {}).get("custom_event_type")
    if objective == "OUTCOME_SALES" and event and event != "PURCHASE":
        ck.bad(f"{base}.promoted_object.custom_event_type", "value optimisation needs purchase "
               f"values, and {event} events carry none", "use custom_event_type PURCHASE, or "
               "optimise for OFFSITE_CONVERSIONS", "value_goal")


def _bid_budget(ck: Findings, i: int, s: AdSetPlan, strategy: str) -> None:
    """Refuse a bid cap above the ad set's daily budget: it can never win enough auctions to spend.

    Meta's own minimum for a given bid comes from `minimum_budgets?bid_amount=` (the
    account's `min_budget_row`, checked with the budget); its multipliers are unverified
    ([U] in the facts), so without that row only the certain case is checked here.
    """
    if strategy not in rules.BID_AMOUNT_STRATEGIES or not s.bid_amount or uses_cbo(ck.plan):
        return
    b = budget_for_ad_set(ck.plan, i)
    if b is None or b.kind != "daily" or b.amount_minor >= s.bid_amount:
        return
    path = f"ad_sets[{i}].budget.amount_minor" if s.budget else "budget.amount_minor"
    money = rules.format_money(s.bid_amount, ck.plan.currency)
    msg = f"the daily budget is below the {strategy} bid of {money}"
    fix = f"raise the daily budget to at least {money}, or lower bid_amount"
    if strategy == "LOWEST_COST_WITH_BID_CAP":
        ck.bad(path, msg + " (Meta's minimum budget rises with the bid)", fix, "budget_bid")
    else:
        ck.warn(path, msg + ": under one result a day", fix, "budget_bid")
