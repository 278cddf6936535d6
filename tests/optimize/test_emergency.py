"""The emergency (no result at all after spending several times the target cost per result):
judged by its odds, in the account's money, on every goal, without ever failing to word it."""

from __future__ import annotations

from agents.optimize.decide.decisions import DecisionPolicy
from agents.optimize.decide.rules import emergency_cost, emergency_odds, emergency_reason
from tests.optimize.optimize_helpers import evidence, stats


def test_a_huge_spend_with_nothing_is_worded_not_a_crash():
    ev = evidence([], [], target_cpa_minor=100, currency="JPY")
    why = emergency_reason(stats(120000, 900, 0), ev, DecisionPolicy())
    assert why is not None and why.endswith("happens by chance less than once in a million")


def test_a_value_goal_without_a_target_cpa_is_judged_on_the_spend_floor_in_its_own_money():
    policy = DecisionPolicy()
    usd = evidence([], [], kpi="conversion_value", target_cpa_minor=None, target_roas=2.5)
    krw = {**usd, "currency": "KRW"}
    assert emergency_cost(usd, policy) == 2000  # USD 20.00
    assert emergency_cost(krw, policy) > 20000  # the same money in won, not 2,000 won
    nothing = stats(20000, 900, 0, value=0)  # USD 200: 10x the floor
    why = emergency_reason(nothing, usd, policy)
    assert why is not None and "even at 1.5× USD 20.00 a conversion" in why
    assert emergency_reason(nothing, krw, policy) is None  # 200 won is nothing yet
    # No cost to judge against (a reach goal without a CPA): never an emergency on cost.
    reach = evidence([], [], kpi="impressions", target_cpa_minor=None)
    assert emergency_cost(reach, policy) == 0
    assert emergency_odds(10**9, 0, 0, policy) is None
