"""Money said aloud: "a buck twenty", "two pounds fifty", "two fifty a day".

Numbers in words become digits before the parsers read them, and a spoken price splits in two:
"a buck twenty" became "a buck 20" (read as $20), "two fifty a day" became "2 50 a day" (read as
$50 a day) — plans that could launch with another amount than the brief's, and said nothing.
A unit between the two numbers settles them (dollars and cents); two bare numbers ("two
fifty": 2.50 or 250?) are asked about, naming the words.
"""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

TAIL = "US, https://example.com/t , a.jpg"


def run(brief: str, currency: str = "USD"):
    return plan_brief(brief, PlanDefaults(currency=currency, page_id="1", pixel_id="2",
                                          today=date(2026, 3, 4)))


def launchable(r) -> bool:
    return not r.problems and not r.questions


@pytest.mark.parametrize("brief,currency,bid", [
    ("traffic, $40/day, bid cap a buck twenty per click, " + TAIL, "USD", 120),
    ("traffic, $40/day, bid cap of one dollar twenty five per click, " + TAIL, "USD", 125),
    ("traffic, $40/day, bid cap three dollars and fifty cents per click, " + TAIL, "USD", 350),
    ("traffic, £40/day, bid cap two pounds fifty per click, UK, https://example.com/t , a.jpg",
     "GBP", 250),
])
def test_a_unit_between_two_spoken_numbers_is_dollars_and_cents(brief, currency, bid):
    r = run(brief, currency)
    assert launchable(r), (r.questions, r.problems)
    assert r.plan["ad_sets"][0]["bid_amount"] == bid


def test_a_spoken_budget_with_cents_is_read_whole():
    r = run("sales, forty dollars fifty a day, " + TAIL)
    assert r.plan["budget"]["amount_minor"] == 4050


@pytest.mark.parametrize("brief,phrase", [
    ("sales, budget two fifty a day, " + TAIL, "two fifty"),
    ("leads, $40/day, cost cap twelve fifty per lead, " + TAIL, "twelve fifty"),
    ("sales, seven fifty a week, " + TAIL, "seven fifty"),
])
def test_two_bare_spoken_numbers_for_money_are_asked_naming_the_words(brief, phrase):
    r = run(brief)
    assert not launchable(r)
    asked = [q for q in r.questions if phrase in (q.get("phrase") or "")]
    assert asked, r.questions
    assert "2.50" in asked[0]["question"] or "12.50" in asked[0]["question"] or \
        "7.50" in asked[0]["question"]


def test_the_answer_settles_a_spoken_amount():
    r = run("sales, budget two fifty a day, " + TAIL + "\nAnswer: Budget: $250 a day")
    assert launchable(r), (r.questions, r.problems)
    assert r.plan["budget"]["amount_minor"] == 25000


@pytest.mark.parametrize("brief", [
    "sales, $50/day, women twenty five to thirty four, " + TAIL,
    "sales, forty bucks a day, ten days, " + TAIL,
    "sales, $50/day, start march twenty, " + TAIL,
])
def test_spoken_numbers_that_are_not_a_price_stay_as_they_were(brief):
    r = run(brief)
    assert launchable(r), (r.questions, r.problems)
