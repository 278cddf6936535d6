"""Delivery windows in other words are dayparting, asked as unsupported — never dropped.

"run 6pm to midnight" planned round-the-clock delivery with nothing said, "not on sundays" and
"after 8pm only" were listed as harmless. adpilot cannot schedule delivery by hour or weekday
(Meta's ad scheduling also needs a lifetime budget), so each is an "unsupported" question.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " sales, US, $50/day, https://example.com/shop hero.jpg"


@pytest.mark.parametrize(
    ("brief", "words"),
    [
        ("run 6pm to midnight.", "6pm to midnight"),
        ("noon to 3pm please.", "noon to 3pm"),
        ("not on sundays.", "not on sundays"),
        ("after 8pm only.", "after 8pm"),
        ("before 9am only, commuters.", "before 9am"),
        ("no ads on weekends.", "no ads on weekends"),
        ("skip weekends.", "skip weekends"),
        ("pause it on saturdays.", "saturdays"),
    ],
)
def test_a_delivery_window_is_asked(brief: str, words: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    asks = [q for q in out["questions"] if q["kind"] == "unsupported" and q["field"] == "budget"]
    assert any(words in q["phrase"].lower() for q in asks), out["questions"]


@pytest.mark.parametrize(
    "brief",
    ["start Monday, run for two weeks.", "launch on Sunday the 8th.", "ends after 2 weeks."],
)
def test_a_flight_is_no_delivery_window(brief: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert not [q for q in out["questions"] if q["kind"] == "unsupported"], out["questions"]
