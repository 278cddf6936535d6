"""Shopping holidays are dates: "through Black Friday", "Nov 20 through Cyber Monday".

They were asked as not understood although every marketer knows the day. Today is Wednesday
2026-11-04: Thanksgiving is Thursday 26 November 2026, Black Friday the 27th, Cyber Monday the
30th. Briefs of our own, not eval rows.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " sales, US, $50/day, https://example.com/shop hero.jpg"


@pytest.mark.parametrize(
    ("brief", "start", "end"),
    [
        ("run it through Black Friday.", None, "2026-11-28"),
        ("Nov 20 through Cyber Monday.", "2026-11-20", "2026-12-01"),
        ("start the day after Thanksgiving, end Cyber Monday.", None, "2026-12-01"),
        ("from Black Friday until christmas eve.", "2026-11-27", "2026-12-25"),
        ("start on Boxing Day, end on New Year's Eve.", "2026-12-26", "2027-01-01"),
        ("launch Thanksgiving, run for a week.", "2026-11-26", "2026-12-03"),
    ],
)
def test_a_holiday_is_its_date(brief: str, start: str | None, end: str) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    plan = out["plan"]
    if start:
        assert plan["start_time"][:10] == start
    assert plan["end_time"][:10] == end


def test_a_holiday_already_past_this_year_is_next_years() -> None:
    d = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 12, 10))
    out = plan_brief("run until Valentine's Day." + TAIL, d).to_dict()
    assert out["plan"]["end_time"][:10] == "2027-02-15"
