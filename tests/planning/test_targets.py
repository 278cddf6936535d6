"""The rules planner reads target CPA / ROAS from a brief."""

from __future__ import annotations

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.money.targets import find_targets
from agents.orchestrator.planning.rules import plan_brief

CASES = [
    ("target CPA $25", "USD", 25.0, "USD", None),
    ("CPA under €20", "EUR", 20.0, "EUR", None),
    ("cost per lead below 15 EUR", "EUR", 15.0, "EUR", None),
    ("keep the cost per purchase at most 30 dollars", "USD", 30.0, "USD", None),
    ("CPA target: USD 40", "USD", 40.0, "USD", None),
    ("cost per lead under £8.50", "GBP", 8.5, "GBP", None),
    ("CPA of 12.50", "USD", 12.5, None, None),
    ("ROAS of 3x", "USD", None, None, 3.0),
    ("3x ROAS target", "USD", None, None, 3.0),
    ("target ROAS 2.5", "USD", None, None, 2.5),
    ("ROAS above 400%", "USD", None, None, 4.0),
    ("target CPA $25 and a 3x ROAS target", "USD", 25.0, "USD", 3.0),
    ("sell shoes for $60/day in the US", "USD", None, None, None),
    ("20% off all orders over $50", "USD", None, None, None),
]


@pytest.mark.parametrize(("text", "account", "cpa", "currency", "roas"), CASES)
def test_find_targets(text, account, cpa, currency, roas):
    t = find_targets(text, account)
    assert (t.cpa, t.cpa_currency, t.roas) == (cpa, currency, roas)


BRIEF = ("Sell our trail shoes to runners in the {where}, {budget} a day for 21 days, {target}. "
         "Landing page https://shop.example.com/trail. Shop now.")

PLAN_CASES = [
    ("US", "$150", "target CPA $25", "USD", {"cpa_minor": 2500}),
    ("Germany", "€100", "CPA under €20", "EUR", {"cpa_minor": 2000}),
    ("Germany", "100 EUR", "cost per lead below 15 EUR", "EUR", {"cpa_minor": 1500}),
    ("US", "$150", "ROAS of 3x", "USD", {"roas": 3.0}),
    ("US", "$150", "3x ROAS target", "USD", {"roas": 3.0}),
    ("Japan", "¥20000", "target CPA ¥3000", "JPY", {"cpa_minor": 3000}),  # JPY has no minor unit
]


@pytest.mark.parametrize(("where", "budget", "target", "account", "expected"), PLAN_CASES)
def test_planner_puts_targets_on_the_plan_and_not_in_the_budget(where, budget, target, account, expected):
    brief = BRIEF.format(where=where, budget=budget, target=target)
    result = plan_brief(brief, PlanDefaults(currency=account, page_id="1", pixel_id="2",
                                            advertiser="Trail GmbH"))
    assert result.plan is not None
    assert result.plan.get("targets") == expected
    # the target's amount is never read as the budget
    amount = {"$150": 15000, "€100": 10000, "100 EUR": 10000, "¥20000": 20000}[budget]
    assert result.plan["budget"]["amount_minor"] == amount
    assert not [u for u in (x["phrase"] for x in result.not_understood) if "cpa" in u.lower() or "roas" in u.lower()]


def test_a_target_in_another_currency_is_asked_never_converted():
    brief = BRIEF.format(where="US", budget="$150", target="target CPA €25") + " shoe.jpg"
    result = plan_brief(brief, PlanDefaults(currency="USD", page_id="1", pixel_id="2"))
    assert "targets" not in (result.plan or {})
    [q] = result.questions
    assert q["field"] == "cpa" and q["kind"] == "invalid" and "target CPA €25" in q["question"]
    answered = plan_brief(brief + "\ncpa: 25 USD", PlanDefaults(currency="USD", page_id="1",
                                                                pixel_id="2"))
    assert answered.questions == [] and answered.plan["targets"] == {"cpa_minor": 2500}


def test_the_llm_planner_reads_the_targets_from_the_brief_too():
    from agents.orchestrator.planning import llm as llm_planner
    from tests.llm.scripted import VALID_DRAFT, scripted_model

    defaults = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", account_id="act_1")
    result = llm_planner.plan_brief("trail shoes, $60/day, US women 25-45, target CPA $25, ROAS of 3x",
                              defaults, model=scripted_model(VALID_DRAFT))
    assert result.plan["targets"] == {"cpa_minor": 2500, "roas": 3.0}
    plain = llm_planner.plan_brief("trail shoes, $60/day, US women 25-45", defaults,
                             model=scripted_model(VALID_DRAFT))
    assert "targets" not in plain.plan
