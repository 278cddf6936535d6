"""A weekday with its day of the month is that day, not the next such weekday.

Today is Wednesday 2026-11-04. "run thru sunday the 22nd" ended the plan on Sunday the 8th
(the weekday read, "the 22nd" dropped); "from Monday the 9th to Friday the 20th" ended on the
13th; "starting Thursday the 12th" started on the 5th; "start Mon 16th end Sun 29th" ran from
the 9th to the 15th — all launchable, none said. Now the day of the month decides and the
weekday is checked against it: a weekday that does not fall on that day is asked.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " sales, US, $55 a day, https://example.com/shop hero.jpg"


def _plan(brief: str) -> dict:
    return plan_brief(brief + TAIL, D).to_dict()


@pytest.mark.parametrize(
    ("brief", "start", "end"),
    [
        ("launch friday, run thru sunday the 22nd.", "2026-11-06", "2026-11-23"),
        ("from Monday the 9th to Friday the 20th.", "2026-11-09", "2026-11-21"),
        ("starting Thursday the 12th, ends Nov 30.", "2026-11-12", "2026-12-01"),
        ("start Mon 16th, end Sun 29th.", "2026-11-16", "2026-11-30"),
        ("start Tues. the 1st of next month, run for 10 days.", "2026-12-01", "2026-12-11"),
    ],
)
def test_the_day_of_the_month_decides(brief: str, start: str, end: str) -> None:
    out = _plan(brief)
    assert not out["questions"], out["questions"]
    assert out["plan"]["start_time"][:10] == start
    assert out["plan"]["end_time"][:10] == end


@pytest.mark.parametrize(
    ("brief", "phrase"),
    [
        ("run thru saturday the 22nd.", "22nd"),  # the 22nd is a Sunday
        ("starting Monday the 12th.", "12th"),  # the 12th is a Thursday
    ],
)
def test_a_weekday_that_is_not_that_day_is_asked(brief: str, phrase: str) -> None:
    out = _plan(brief)
    texts = " ".join(q["question"] for q in out["questions"])
    assert phrase in texts, out["questions"]


def test_a_weekday_alone_is_still_the_next_one() -> None:
    out = _plan("launch friday, run through sunday.")
    assert out["plan"]["start_time"][:10] == "2026-11-06"
    assert out["plan"]["end_time"][:10] == "2026-11-09"
