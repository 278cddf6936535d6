"""A goal adpilot cannot plan is asked about, never planned as another goal.

"use the store traffic objective with our store locations" planned website traffic and listed
the words as harmless; "objective: store visits" planned website purchases; "get people to
RSVP to our facebook event" planned post engagement; "more instagram followers" planned
Facebook page likes; "boost our latest post" planned a new traffic ad from the brief's image.
Each is now an "unsupported" question naming the words. Goals adpilot plans stay plans.
Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="GBP", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " Leeds 10 miles, £40/day, https://example.co.uk/visit hero.jpg"


def _unsupported(brief: str) -> list[dict]:
    out = plan_brief(brief + TAIL, D).to_dict()
    return [q for q in out["questions"] if q.get("kind") == "unsupported"]


@pytest.mark.parametrize(
    ("brief", "words"),
    [
        ("use the store traffic objective with our store locations.", "store traffic"),
        ("want foot traffic into our garden centres.", "foot traffic"),
        ("drive store visits to our 3 shops.", "store visits"),
        ("objective: store visits.", "store visits"),
        ("footfall campaign for the Leeds branch.", "footfall"),
        ("we need more people walking into the showroom.", "walking into the showroom"),
        ("event responses for our open day on the 14th.", "event responses"),
        ("get people to RSVP to our facebook event.", "facebook event"),
        ("more instagram followers please.", "instagram followers"),
        ("grow our IG following, engagement campaign.", "ig following"),
        ("boost our latest post.", "boost our latest post"),
        ("put some money behind last week's reel.", "last week's reel"),
    ],
)
def test_a_goal_adpilot_cannot_plan_is_asked(brief: str, words: str) -> None:
    flags = _unsupported(brief)
    assert flags, brief
    assert any(words in q["phrase"].lower() for q in flags), flags


@pytest.mark.parametrize(
    "brief",
    [
        "traffic to our online store.",
        "sales for our walk-in tubs.",
        "sales, we have 4 stores but sell online too.",
        "page likes for our facebook page.",
        "boost sales of the winter range.",
        "engagement on the new video, views please.",
    ],
)
def test_goals_adpilot_plans_are_not_asked(brief: str) -> None:
    assert not _unsupported(brief), brief
