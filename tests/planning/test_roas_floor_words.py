"""A ROAS said as the floor is minimum-ROAS bidding, not a reporting target.

"ROAS of 3 — make that the floor" planned lowest-cost bidding with a ROAS target of 3 for the
optimise loop: Meta would buy sales at any ROAS, while the brief set a floor — launchable and
silent. Meta's LOWEST_COST_WITH_MIN_ROAS with `bid_constraints.roas_average_floor` (ROAS ×
10,000) on the VALUE goal is that floor (docs/facts-bidding-placements-destinations.md).
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 4))
TAIL = " Sales, US, $45 a day, https://mugs.example.com/shop, mug.jpg."


@pytest.mark.parametrize(("text", "floor"), [
    ("ROAS of 3 — make that the floor.", 30000),
    ("We want a ROAS of 3, make that the floor.", 30000),
    ("3x ROAS as a hard floor.", 30000),
    ("Don't let Meta buy sales below a 2.5 return on ad spend, make that the floor.", 25000),
    ("ROAS goal of 3.", 30000),
    ("minimum ROAS 3.", 30000),
])
def test_a_roas_floor_in_other_words_is_minimum_roas_bidding(text, floor):
    r = plan_brief(text + TAIL, D)
    assert not r.questions and not r.problems, (r.questions, r.problems)
    s = r.plan["ad_sets"][0]
    assert s["bid_strategy"] == "LOWEST_COST_WITH_MIN_ROAS"
    assert s["bid_constraints"] == {"roas_average_floor": floor}
    assert s["optimization_goal"] == "VALUE" and not s.get("bid_amount")


@pytest.mark.parametrize("text", ["target ROAS 3.", "We aim for a ROAS of 3."])
def test_a_roas_target_is_no_floor(text):
    r = plan_brief(text + TAIL, D)
    assert r.plan["ad_sets"][0].get("bid_strategy") != "LOWEST_COST_WITH_MIN_ROAS"
    assert r.plan["targets"]["roas"] == 3.0


def test_the_floor_words_with_no_roas_are_not_a_roas_floor():
    r = plan_brief("CPA of $30, make that the ceiling." + TAIL, D)
    assert r.plan["ad_sets"][0].get("bid_strategy") != "LOWEST_COST_WITH_MIN_ROAS"
