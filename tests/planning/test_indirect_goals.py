"""Goals said indirectly are read as the goal meant, not planned as website traffic.

"fill up our webinar seats" (registrations), "move the old inventory" / "clear the remaining
stock" (sales), "get more people to watch the trailer" (video views) planned website traffic
with only "the brief names no goal" on the card. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = ", US, $50/day https://example.com/a a.jpg trailer.mp4"


@pytest.mark.parametrize(
    ("brief", "objective", "goal"),
    [
        ("fill up our webinar seats", "OUTCOME_LEADS", None),
        ("book out the last 30 workshop spots", "OUTCOME_LEADS", None),
        ("move the old inventory", "OUTCOME_SALES", None),
        ("clear the remaining stock before January", "OUTCOME_SALES", None),
        ("get more people to watch the trailer", "OUTCOME_ENGAGEMENT", "THRUPLAY"),
    ],
)
def test_the_goal_meant_is_planned(brief: str, objective: str, goal: str | None) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert out["plan"]["objective"] == objective
    assert not [a for a in out["adjustments"] if a["path"] == "objective"]
    if goal:
        assert out["plan"]["ad_sets"][0]["optimization_goal"] == goal
