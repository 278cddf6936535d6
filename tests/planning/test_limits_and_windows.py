"""Words that bound a campaign: an end said as "the rest of March", a spending limit, and the
settings adpilot cannot make (an attribution window, a frequency cap in other words).

Each of these was read as a harmless leftover and the plan could launch without it: "$30 a
day for the rest of March, but we can't go over $500 total" ran at $30/day with no end and no
limit; "use 1-day click attribution only" and "nobody should see it more than twice a week"
were dropped.
"""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from agents.orchestrator.planning.schedule.time import find_schedule

TODAY = date(2026, 3, 4)  # a Wednesday
TAIL = "sales, US, https://example.com/t , a.jpg"


def run(brief: str):
    return plan_brief(brief, PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=TODAY))


@pytest.mark.parametrize("text,end", [
    ("for the rest of March", "2026-04-01"),
    ("for the rest of the month", "2026-04-01"),
    ("for the remainder of the month", "2026-04-01"),
    ("run it the rest of this week", "2026-03-09"),
    ("until month end", "2026-04-01"),
    ("until month-end", "2026-04-01"),
    ("through the end of next month", "2026-05-01"),
    ("for the rest of April", "2026-05-01"),
])
def test_an_end_said_as_the_rest_of_a_period(text, end):
    s = find_schedule(text, TODAY)
    assert str(s.end) == end and not s.flags


@pytest.mark.parametrize("limit", [
    "but we can't go over $500 total this month",
    "and it must not exceed $500 in total",
    "and stay under $500 total",
])
def test_a_total_limit_beside_a_daily_budget_is_asked_when_they_disagree(limit):
    r = run(f"$30 a day for the rest of March, {limit}. {TAIL}")
    assert any("$500" in (q.get("phrase") or "") for q in r.questions), r.questions


def test_a_daily_budget_and_a_total_that_agree_are_one_budget():
    r = run(f"$30 a day for the rest of March, $810 total. {TAIL}")
    assert not r.questions, r.questions
    assert r.plan["budget"] == {"kind": "daily", "amount_minor": 3000, "level": "campaign"}


@pytest.mark.parametrize("text,phrase", [
    ("Use 1-day click attribution only, no view-through.", "1-day click"),
    ("attribution window: 7 day click", "attribution window"),
    ("nobody should see it more than twice a week please", "more than twice a week"),
    ("show each person the ad at most 3 times per week", "at most 3 times per week"),
])
def test_settings_adpilot_cannot_make_are_asked_naming_the_words(text, phrase):
    r = run(f"$40/day, {TAIL}. {text}")
    asked = [q for q in r.questions if q.get("kind") == "unsupported"]
    assert asked and any(phrase.lower() in q["phrase"].lower() for q in asked), r.questions
