"""Ways of saying when the ads stop are end dates, read or asked — never dropped.

"kick off on the 15th and wrap up on the 30th" started on the 15th and ran with no end
(launchable); "end it saturday night" and "switch it off on the 28th" were only listed.
Today is Wednesday 2026-11-04. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " sales, US, $50/day, https://example.com/shop hero.jpg"


@pytest.mark.parametrize(
    ("brief", "end"),
    [
        ("kick off on the 15th and wrap up on the 30th.", "2026-12-01"),
        ("start Nov 10, switch it off on the 28th.", "2026-11-29"),
        ("launch Monday, finish on Nov 20.", "2026-11-21"),
        ("go live tomorrow, take it down on Dec 1.", "2026-12-02"),
        ("start the 9th, last day is the 22nd.", "2026-11-23"),
        ("start the 9th and end it on the 22nd.", "2026-11-23"),
        ("start the 9th, close it out on the 22nd.", "2026-11-23"),
    ],
)
def test_an_end_word_ends_the_plan(brief: str, end: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert not out["questions"], out["questions"]
    assert out["plan"]["end_time"][:10] == end


@pytest.mark.parametrize(
    "brief",
    [
        "start the 9th and wrap it up sometime after thanksgiving.",
        "start the 9th, stop it mid-December.",
    ],
)
def test_an_end_word_with_a_date_no_pattern_reads_is_asked(brief: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert any(q["field"] == "end_date" for q in out["questions"]), out["questions"]


def test_a_pause_is_asked_not_read_as_the_end() -> None:
    out = plan_brief(
        "start Dec 1, pause on Dec 24 and resume on Dec 27, end Jan 5." + TAIL, D
    ).to_dict()
    assert out["plan"]["end_time"][:10] == "2027-01-06"
    assert any("pause" in (q.get("phrase") or "") for q in out["questions"]), out["questions"]
