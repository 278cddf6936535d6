"""A budget "a week" or "a month" is asked about; it was set as a daily budget.

"raise spring sale to 200 a week" set Spring Sale to $200 a day — seven times what was asked.
Meta budgets are daily or for the whole run; adpilot asks for one of them (it never converts).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask


@pytest.mark.parametrize("request_", [
    "raise spring sale to 200 a week",
    "raise spring sale to $200/week",
    "set brand awareness to $1000 per month",
    "add $70 a week to lookalike 3%",
    "move $70 a week from lookalike 3% to interest - trail running",
    "set site visitors 30d to $200 a week and add to cart 14d to $100 a week",
])
def test_a_weekly_or_monthly_amount_is_asked_about(request_):
    i = ask(request_)
    assert i.route == "clarify"
    assert not any(a.route == "budget" for a in i.also)


def test_a_daily_amount_is_still_set():
    i = ask("raise spring sale to 200 a day")
    assert i.route == "budget" and i.params["change"]["to_minor"] == 20000
