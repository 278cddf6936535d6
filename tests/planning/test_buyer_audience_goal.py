"""A brief that names no goal but builds its audience from buyers ("a 1% lookalike of our
purchasers list", "people who abandoned their cart") is a sales campaign, and says why; one with
nothing of the kind still plans traffic with the warning. Briefs of our own, not eval rows."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
TAIL = " US, $45 a day, https://mugs.example.com/new, mug.jpg."


@pytest.mark.parametrize("who", [
    "Prospecting: a 2% lookalike of our purchasers list (mugbuyers.csv).",
    "Show the new glaze to our buyers list clients_q4.csv.",
    "Retarget people who abandoned their cart in the last 7 days.",
])
def test_an_audience_of_buyers_means_sales(who: str) -> None:
    r = plan_brief(who + TAIL, D).to_dict()
    assert r["plan"]["objective"] == "OUTCOME_SALES"
    said = [a for a in r["adjustments"] if a["path"] == "objective"]
    assert said and said[0]["to"] == "OUTCOME_SALES"


def test_no_goal_and_no_buyers_is_still_traffic() -> None:
    r = plan_brief("Retarget site visitors from the last 30 days." + TAIL, D)
    assert r.plan["objective"] == "OUTCOME_TRAFFIC"
