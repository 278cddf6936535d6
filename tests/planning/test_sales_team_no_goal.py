""" "our sales team" names a team, not a second goal.

"goal is to get people to book a call with our sales team" planned leads and then asked which
goal was meant, as if the brief had also asked for sales (the not-understood net counted the
word "sales" alone). The goal readers already skip "sales team"; the net now does too.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))


@pytest.mark.parametrize(
    "brief",
    [
        "leads: goal is to get people to book a call with our sales team",
        "leads, demo requests go straight to the sales reps",
    ],
)
def test_a_sales_team_asks_nothing(brief: str) -> None:
    out = plan_brief(f"{brief}. US, $50/day https://x.com/demo a.jpg", D).to_dict()
    assert out["plan"]["objective"] == "OUTCOME_LEADS"
    assert not [q for q in out["questions"] if q.get("affects") == "what is optimised"], out[
        "questions"
    ]
