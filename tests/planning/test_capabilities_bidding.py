"""Issue 15, bidding: cost cap, bid cap, minimum ROAS and value optimisation from a brief.

Amounts land in the account's minor units; a cap with no amount, two strategies, a cap in
another currency, or a ROAS floor on a goal with no purchase value is asked, never guessed.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
TAIL = " US, $200 a day, https://lamps.example.com/desk, lamp.jpg."


def plan(text: str, d: PlanDefaults = D, tail: str = TAIL):
    return plan_brief(text + tail, d)


def ad_set(r) -> dict:
    return r.plan["ad_sets"][0]


def launchable(r) -> bool:
    return r.plan is not None and not r.problems and not r.questions


@pytest.mark.parametrize("text", [
    "Sales with a $40 cost cap.",
    "Sell desk lamps, cost cap of $40 per purchase please.",
    "Sales; keep CPA under $40 as a cost cap.",
    "Sales, keep the cost per purchase at $40 (cost cap).",
])
def test_a_cost_cap_is_cost_cap_with_the_amount_in_cents(text):
    r = plan(text)
    assert launchable(r), r.questions
    s = ad_set(r)
    assert (s["bid_strategy"], s["bid_amount"]) == ("COST_CAP", 4000)
    assert r.plan["budget"]["amount_minor"] == 20000  # the cap is no budget
    assert "targets" not in r.plan  # nor a target CPA


def test_a_target_cpa_without_cap_is_a_performance_target_not_a_bid():
    r = plan("Sales, target CPA $40.")
    assert launchable(r), r.questions
    assert "bid_strategy" not in ad_set(r)
    assert r.plan["targets"]["cpa_minor"] == 4000


def test_a_bid_cap_with_decimals_and_a_yen_bid_cap_without_minor_units():
    r = plan("Traffic to the blog, max bid 1.75 per click.")
    assert (ad_set(r)["bid_strategy"], ad_set(r)["bid_amount"]) == ("LOWEST_COST_WITH_BID_CAP", 175)
    jpy = PlanDefaults(currency="JPY", page_id="1", pixel_id="2", today=date(2026, 3, 2))
    r = plan_brief("Sales in Japan, bid cap ¥90 per result, ¥6000/day, https://tea.example.jp, "
                   "tea.jpg", jpy)
    assert (ad_set(r)["bid_strategy"], ad_set(r)["bid_amount"]) == ("LOWEST_COST_WITH_BID_CAP", 90)


def test_a_french_cost_cap_in_euros():
    eur = PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2),
                       advertiser="Lampes SA")
    r = plan_brief("Ventes de lampes en France avec un plafond de coût de 25 € par achat, 90 € "
                   "par jour, https://lampes.example.fr, lampe.jpg", eur)
    assert (ad_set(r)["bid_strategy"], ad_set(r)["bid_amount"]) == ("COST_CAP", 2500)


@pytest.mark.parametrize(("text", "floor"), [
    ("Sales, minimum ROAS 3x.", 30000),
    ("Sales with a ROAS floor of 250%.", 25000),
    ("Sales, min roas 1.8 please.", 18000),
])
def test_a_minimum_roas_is_a_floor_times_10000_on_value_with_no_bid_amount(text, floor):
    r = plan(text)
    assert launchable(r), r.questions
    s = ad_set(r)
    assert s["bid_strategy"] == "LOWEST_COST_WITH_MIN_ROAS"
    assert s["bid_constraints"] == {"roas_average_floor": floor}
    assert s["optimization_goal"] == "VALUE" and "bid_amount" not in s


@pytest.mark.parametrize("text", ["Sales, optimise for purchase value.",
                                  "Sales, optimise for highest value, big baskets only."])
def test_value_optimisation_is_the_value_goal_with_highest_value_bidding(text):
    r = plan(text)
    s = ad_set(r)
    assert s["optimization_goal"] == "VALUE" and s["bid_strategy"] == "LOWEST_COST_WITHOUT_CAP"


def test_portuguese_conversion_value_optimisation():
    brl = PlanDefaults(currency="BRL", page_id="1", pixel_id="2", today=date(2026, 3, 2))
    r = plan_brief("Campanha de vendas otimizada para valor de conversão no Brasil, R$200 por dia, "
                   "https://loja.example.com.br, caneca.jpg", brl)
    assert ad_set(r)["optimization_goal"] == "VALUE"


@pytest.mark.parametrize(("text", "field"), [
    ("Sales, and put a bid cap on it.", "bid_amount"),
    ("Sales with cost control so it stays cheap.", "bid_amount"),
    ("Sales, use minimum ROAS bidding.", "bid_constraints"),
])
def test_a_strategy_with_no_amount_asks_for_the_field(text, field):
    r = plan(text)
    assert [q["field"] for q in r.questions] == [field]
    assert "bid_strategy" not in ad_set(r)


def test_two_strategies_are_asked_not_picked():
    r = plan("Sales, cost cap $30 and minimum ROAS 2x.")
    q = [q for q in r.questions if q["field"] == "bid_strategy"]
    assert q and q[0]["kind"] == "conflict" and "bid_strategy" not in ad_set(r)


def test_a_cap_in_another_currency_is_asked_never_converted():
    eur = PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2),
                       advertiser="Lampes SA")
    r = plan_brief("Sales in France, cost cap $30 per purchase, 90 € per day, "
                   "https://lampes.example.fr, lampe.jpg", eur)
    q = [q for q in r.questions if q["field"] == "bid_amount"]
    assert q and "USD" in q[0]["question"] and "bid_amount" not in ad_set(r)


def test_a_roas_floor_on_a_leads_campaign_is_asked():
    r = plan("Leads for quotes, minimum ROAS 3x.")
    assert any(q["field"] == "bid_strategy" and q["kind"] == "conflict" for q in r.questions)


@pytest.mark.parametrize(("text", "strategy"), [
    ("Sales, cost per purchase cap of $30.", "COST_CAP"),
    ("Ventas, límite de puja de $2.", "LOWEST_COST_WITH_BID_CAP"),
])
def test_other_ways_to_say_a_cap(text, strategy):
    r = plan(text)
    assert ad_set(r)["bid_strategy"] == strategy
