"""Budget requests and stale cards say money in the account currency, never "minor units".

Found by a review: a budget request's card read "daily budget 4000 → 4500 minor units".
"""

from __future__ import annotations

import pytest

from agents.optimize.budget_requests import (
    BudgetRequestError,
    check_budget_request,
    parse_budget_request,
)
from agents.optimize.stale import stale_refusal
from prompts.optimize import describe_action
from state.money import MoneyAction
from tests.optimize.optimize_helpers import adset, evidence, stats

GOOD = {"spend": 35_000, "clicks": 700, "conversions": 20}


def _ev(**kw):
    sets = [adset("s1", 5000, stats(**GOOD)), adset("s2", 5000, stats(**GOOD), learning="LEARNING")]
    sets[0]["name"], sets[1]["name"] = "Ages 18-24", "Ages 25-34"
    return evidence([], sets, **kw)


def test_a_budget_request_card_says_money_in_the_account_currency():
    action = check_budget_request(parse_budget_request("raise ages 18-24 to $45 a day", "USD"), _ev())
    assert action["expected_effect"]["text"] == "daily budget USD 50.00 → USD 45.00 as requested"
    assert "minor units" not in describe_action(action, "USD")


@pytest.mark.parametrize(("ask", "kw", "said"), [
    ("set Ages 18-24 budget to $0.50 a day", {"min_daily_budget_minor": 100},
     "USD 0.50 a day is below Meta's minimum of USD 1.00"),
    ("raise Ages 18-24 to $600 a day", {"spend_cap_remaining_minor": 20_000},
     "raising to USD 600.00 a day would spend past the account's spend cap (USD 200.00 left)"),
    ("raise Ages 25-34 to $90 a day", {}, "a change from USD 50.00 to USD 90.00"),
])
def test_a_refused_budget_request_says_money_in_the_account_currency(ask, kw, said):
    with pytest.raises(BudgetRequestError) as refused:
        check_budget_request(parse_budget_request(ask, "USD"), _ev(**kw))
    assert said in str(refused.value) and "minor units" not in str(refused.value)


def test_a_stale_card_says_both_budgets_in_money():
    action = {"name": "set_adset_budget", "args": {"adset_id": "s1", "daily_budget": 4500},
              "evidence": {"before_minor": 4000, "after_minor": 4500}}
    typed = MoneyAction.from_action(action["name"], action["args"])
    refusal = stale_refusal(0, action, typed, {"currency": "USD",
                                               "objects": [{"id": "s1", "daily_budget": "5000"}]})
    assert refusal is not None
    text = refusal.message
    assert "was USD 40.00; Meta has USD 50.00 now" in text and "minor units" not in text
