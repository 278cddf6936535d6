"""A budget that changes over time is asked about, never planned as one flat amount.

"$50/day for the first week then bump it to $100/day" planned $100 a day from the first day
(the first amount read as a price after "start at", the second as a correction); "$60/day, up
it to $75 a day from the 20th" planned $75 a day starting on the 20th; "double it after the
first week if ROAS holds" kept $60 a day and listed the words as harmless. adpilot cannot
schedule budgets yet, so each is an "unsupported" question naming the words. A correction with
no time in it ("$80 a day, scratch that, make it $95") still corrects. Briefs of our own.
"""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 11, 4))
TAIL = " https://example.com/shop hero.jpg"


def _budget_schedule_flag(brief: str) -> list[dict]:
    out = plan_brief(brief + TAIL, D).to_dict()
    return [
        q for q in out["questions"] if q.get("kind") == "unsupported" and q.get("field") == "budget"
    ]


@pytest.mark.parametrize(
    ("brief", "words"),
    [
        (
            "sales, US, start at $50/day for the first week then bump it to $100/day after that.",
            "$100/day",
        ),
        ("sales, US, $60/day, double it after the first week if ROAS holds.", "double it"),
        ("sales, US, $60/day and push it to $120/day for cyber week.", "$120/day"),
        ("sales, US, $60/day but up it to $75 a day from the 20th.", "$75 a day"),
        ("sales, US, begin with $40 a day and scale up to $80 a day in week two.", "scale up"),
        ("sales, US, ramp from $50 to $100 a day over two weeks.", "ramp from"),
        ("sales, US, $30 a day, increasing to $60 a day once we see sales.", "increasing to $60"),
        ("sales, UK, £25/day the first 5 days and after that £40/day.", "first 5 days"),
        ("leads, US, $45 a day, then $90/day after launch week.", "then $90/day"),
        ("sales, US, $70/day. From Black Friday raise the budget to $140/day.", "raise the budget"),
        (
            "sales, US, $50 a day — increase the budget 20% every 3 days if CPA is under $30.",
            "increase the budget 20%",
        ),
    ],
)
def test_a_budget_that_changes_over_time_is_asked(brief: str, words: str) -> None:
    flags = _budget_schedule_flag(brief)
    assert flags, brief
    assert any(words.lower() in q["phrase"].lower() for q in flags), flags


@pytest.mark.parametrize(
    ("brief", "minor"),
    [
        ("sales, US, $80 a day, scratch that, make it $95.", 9500),
        ("sales, US, $50/day — actually bump it to $70/day.", 7000),
        ("sales, US, $40/day for the first two weeks of December.", 4000),
        ("sales, US, budget $40/day, then send people to the product page.", 4000),
    ],
)
def test_a_correction_or_a_flight_is_no_budget_schedule(brief: str, minor: int) -> None:
    out = plan_brief(brief + TAIL, D).to_dict()
    assert not _budget_schedule_flag(brief)
    assert out["plan"]["budget"]["amount_minor"] == minor
