"""A brief that names no goal is asked what the campaign is for, never planned for traffic.

The planner used to fall back to website traffic with a warning, so a brief whose goal it
could not read ("dynamic creative pls … mattress" meant sales; "request a quote … our form"
meant leads) launched a traffic campaign: messy_capabilities c055 and three held-out rows were
silent errors. Briefs here are our own.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(page_id="1", pixel_id="2", today=date(2026, 3, 2))
NO_GOAL = ("our new wool socks, US, $40/day, women 30-60, https://socks.example.com/wool, "
           "socks.jpg")


@pytest.mark.parametrize("brief", [
    NO_GOAL,
    "dynamic creative pls, headlines 'Warm toes' and 'Knit in Vermont', US, $60/day, "
    "https://socks.example.com, a.jpg, b.jpg",
    "table bookings for the bistro, $30/day, Chicago +15 mi, https://bistro.example.com, t.jpg",
])
def test_no_goal_is_a_question_about_the_goal(brief):
    r = plan_brief(brief, D).to_dict()
    assert r["questions"] and r["questions"][0]["field"] == "objective"
    assert "names no goal" in r["questions"][0]["question"]
    assert not any(w.get("rule") == "objective" for w in r["warnings"])  # no "planned for traffic"


@pytest.mark.parametrize(("answer", "objective"), [
    ("goal: traffic", "OUTCOME_TRAFFIC"), ("Goal: sales", "OUTCOME_SALES"),
    ("leads", "OUTCOME_LEADS"), ("awareness", "OUTCOME_AWARENESS")])
def test_the_answer_sets_the_goal(answer, objective):
    r = plan_brief(f"{NO_GOAL}\n{answer}", D).to_dict()
    assert not any(q["field"] == "objective" for q in r["questions"])
    assert r["plan"]["objective"] == objective


def test_the_rules_still_run_beside_the_goal_question():
    # a job ad limited to one gender is refused on the same card that asks the goal
    r = plan_brief("We're hiring cooks in Ohio, women only 30-45, $30/day, "
                   "https://jobs.example.com, a.jpg", D).to_dict()
    assert r["questions"][0]["field"] == "objective"
    assert any("genders" in p["path"] for p in r["problems"])


def test_a_waived_unsupported_goal_says_which_goal_the_plan_is_for():
    # "get people into our Seattle store" (store visits) waived: the plan went on as sales with
    # nothing on the card to say adpilot picked the goal
    brief = ("get people into our Seattle store, women 25-50, $30 a day, "
             "https://example.com/store, image a.jpg")
    asked = plan_brief(brief, D).to_dict()
    phrase = next(q["phrase"] for q in asked["questions"] if q["field"] == "objective")
    waived = PlanDefaults(page_id="1", pixel_id="2", today=date(2026, 3, 2), waived=(phrase,))
    r = plan_brief(brief, waived).to_dict()
    [note] = [a for a in r["adjustments"] if a["path"] == "objective"]
    assert note["to"] == r["plan"]["objective"] and phrase in note["why"]
    assert "the plan is for" in note["why"]


def test_a_message_us_brief_asks_where_to_chat_not_for_a_web_page():
    # the traffic placeholder asked "Which web page should the ads send people to?" and warned
    # "planned for website traffic" beside the question about WhatsApp or Messenger
    brief = "have people message us about a free consultation, US, $20 a day, image a.jpg"
    r = plan_brief(brief, D).to_dict()
    assert [q["field"] for q in r["questions"]] == ["destination_type"]
    assert not any(w.get("rule") == "objective" for w in r["warnings"])
    answered = plan_brief(f"{brief}. WhatsApp", D).to_dict()
    assert answered["questions"] == [] and answered["plan"]["objective"] == "OUTCOME_ENGAGEMENT"
