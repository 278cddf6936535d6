"""A metric target said with no change to make is asked about, never answered as a question.

"ROAS must not drop below 2.5 on Spring Sale" was answered with Spring Sale's ROAS: the target
was dropped without a word. It is now a `clarify` naming the words and what adpilot can do
(watch with that target, pause what misses it now), and the rules' reading wins over a model's.
"""

from __future__ import annotations

import pytest

from agents.orchestrator.routing.rules import careful_reading
from tests.routing.conftest import TODAY, WORLD, ask


@pytest.mark.parametrize(("request_", "cid"), [
    ("ROAS must not drop below 2.5 on Spring Sale", "120330000000101"),
    ("keep ROAS on spring sale above 2.5", "120330000000101"),
    ("CPA on trail shoes should stay under $40", "120330000000103"),
    ("don't let spring sale's cpa go over $45", "120330000000101"),
    ("make sure frequency in spring sale - retargeting stays under 4", "120330000000102"),
])
def test_a_target_with_no_change_is_asked_about(request_, cid):
    i = ask(request_)
    assert i.route == "clarify"
    assert [e.id for e in i.entities] == [cid]
    assert "target" in i.params["why"] and i.params["phrase"] in i.params["why"]
    assert careful_reading(request_, WORLD["accounts"], account="act_1001", today=TODAY)[1]


@pytest.mark.parametrize("request_", [
    "should CPA on trail shoes stay under $40?",
    "what's the ROAS on spring sale",
    "is ROAS on spring sale above 2.5?",
])
def test_a_question_about_a_target_is_still_a_question(request_):
    assert ask(request_).route == "question"


def test_a_target_with_its_change_is_that_change():
    i = ask("ROAS must not drop below 2.5 on Spring Sale, pause the ad sets that do")
    assert i.route == "pause_underperformers"
    assert (i.params["metric"], i.params["op"], i.params["threshold"]) == ("roas", "<", 2.5)


def test_a_target_handed_over_with_the_campaign_is_no_bare_target():
    i = ask("please run trail shoes for me going forward, never let cpa get above $40")
    assert "read a target" not in (i.params.get("why") or "")
