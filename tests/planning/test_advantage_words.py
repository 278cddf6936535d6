"""Advantage+ audience said in other words is on (or off), never left at Meta's default.

"Let Meta expand the audience", "go broad, let the algorithm find people", "Advantage+
audience" said alone: the planner left `targeting_automation` unset, so the launch took
whatever Meta defaults to (on or off depending on the rest of the targeting), while the brief
asked for it on — launchable and silent, or at best asked about words it could have read.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 4))
TAIL = " Sales, US, $45 a day, https://mugs.example.com/shop, mug.jpg."


def automation(text: str) -> dict | None:
    r = plan_brief(text + TAIL, D)
    assert not r.questions, r.questions
    return r.plan["ad_sets"][0]["targeting"].get("targeting_automation")


@pytest.mark.parametrize("text", [
    "Let Meta expand the audience.",
    "Go broad, let the algorithm find people.",
    "Advantage+ audience.",
    "Advantage+ audience please.",
    "We want Advantage plus audience on this.",
    "let meta go wider than our usual crowd.",
    "Let Facebook find the right people.",
    "Turn on audience expansion.",
    "Let Meta's algorithm decide who sees it.",
    "let the algorithm pick the audience",
    "let the algo broaden the targeting",
])
def test_advantage_audience_in_other_words_is_on(text):
    assert automation(text) == {"advantage_audience": 1}


@pytest.mark.parametrize("text", [
    "Without Advantage+ audience.",
    "Don't use Advantage+ audience.",
    "Don't let Meta expand the audience.",
])
def test_advantage_audience_refused_is_off(text):
    assert automation(text) == {"advantage_audience": 0}


@pytest.mark.parametrize("text", ["Expand to Canada later maybe.", "Broad audience.",
                                  "Let Meta pick the placements."])
def test_words_that_name_no_automation_leave_it_unset(text):
    r = plan_brief(text + TAIL, D)
    assert "targeting_automation" not in r.plan["ad_sets"][0]["targeting"]


@pytest.mark.parametrize("text", ["Advantage+ Zielgruppe bitte AUS, nur 50-65.",
                                  "Advantage+ audience please off, 50-65 only."])
def test_the_name_with_a_word_after_it_is_that_word(text):
    assert automation(text) == {"advantage_audience": 0}


def test_the_name_with_a_word_adpilot_cannot_read_after_it_is_asked():
    r = plan_brief("Advantage+ audience maybe later." + TAIL, D)
    assert any("targeting_automation" in q["field"] for q in r.questions)


def test_letting_meta_find_placements_is_no_audience_expansion():
    # "let Meta find" turned Advantage+ audience on even when what Meta should find is placements
    r = plan_brief("Let Meta find the best placements." + TAIL, D)
    assert "targeting_automation" not in r.plan["ad_sets"][0]["targeting"]
