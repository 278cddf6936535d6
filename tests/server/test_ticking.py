"""The one rule every ticker applies: which `wait` interrupts are due, and what wakes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agents.common.throttle import interrupt_value
from graph.ticking import wake_value
from state.hitl import wait_payload

WALL = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SIM = WALL + timedelta(days=10)  # the sandbox's clock, moved ahead


def test_an_optimise_timer_counts_on_the_account_clock():
    timer = wait_payload(WALL + timedelta(days=3), "waiting 3 day(s) for delivery data")
    assert wake_value(timer, account_now=WALL, wall_now=WALL) is None
    assert wake_value(timer, account_now=SIM, wall_now=WALL) == {"woke_at": SIM.isoformat()}
    at_until = WALL + timedelta(days=3)
    assert wake_value(timer, account_now=at_until, wall_now=WALL) == {"woke_at": at_until.isoformat()}


def test_a_throttle_wait_counts_in_wall_time():
    until = (WALL + timedelta(minutes=10)).isoformat()
    pending = interrupt_value({"until": until, "node": "collect_insights",
                               "reason": f"throttled until {until}: Meta rate limit (code 17)"})
    assert pending["node"] == "collect_insights"
    # the sandbox clock running ahead does not end Meta's rate limit
    assert wake_value(pending, account_now=SIM, wall_now=WALL) is None
    later = WALL + timedelta(minutes=11)
    assert wake_value(pending, account_now=later, wall_now=later) == {"woke_at": later.isoformat()}


@pytest.mark.parametrize("value", [
    None, "wait", {"kind": "approval", "until": "2020-01-01T00:00:00+00:00"},
    {"kind": "clarify"}, [{"kind": "wait"}],
])
def test_anything_but_a_timer_is_left_alone(value):
    assert wake_value(value, account_now=SIM, wall_now=SIM) is None


def test_an_unreadable_until_is_named_not_skipped_in_silence():
    with pytest.raises(ValueError, match=r"the timer's `until` 'next tuesday' is not an ISO-8601 time"):
        wake_value({"kind": "wait", "until": "next tuesday"}, account_now=SIM, wall_now=SIM)


def test_naive_clocks_are_read_as_utc():
    timer = wait_payload(WALL + timedelta(hours=1), "soon")
    naive = (WALL + timedelta(hours=2)).replace(tzinfo=None)
    assert wake_value(timer, account_now=naive, wall_now=naive) == {
        "woke_at": (WALL + timedelta(hours=2)).isoformat()}
