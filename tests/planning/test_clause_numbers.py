"""A not-understood phrase keeps its numbers whole: "Max CPC: CA$1.80", not "CA$1" and "80".

The net cut clauses at every full stop and comma, also inside "1.80", "9,000" or "1,5k", so
the question named half an amount and asked about the other half on its own.
"""

from __future__ import annotations

from datetime import date

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="CAD", page_id="100", pixel_id="200", today=date(2026, 11, 4))


def test_a_decimal_stays_in_one_phrase() -> None:
    out = plan_brief("traffic, Canada, CA$40/day, Max CPC: CA$1.80. https://x.ca/a a.jpg", D)
    phrases = [q["phrase"] for q in out.to_dict()["questions"]]
    assert "Max CPC: CA$1.80" in phrases, phrases
    assert "80" not in phrases
