from datetime import timedelta

import pytest

from state.durations import DEFAULT_TICK_EVERY, parse_duration, tick_every


@pytest.mark.parametrize(("text", "expected"), [
    ("15m", timedelta(minutes=15)), ("10s", timedelta(seconds=10)), ("1h30m", timedelta(minutes=90)),
    ("2d", timedelta(days=2)), ("45", timedelta(seconds=45)), (" 1H ", timedelta(hours=1)),
])
def test_parse_duration_reads_what_people_write(text: str, expected: timedelta) -> None:
    assert parse_duration(text, "X") == expected


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "m15", "-5m", "0s", "30d"])
def test_parse_duration_refuses_naming_the_setting(text: str) -> None:
    with pytest.raises(ValueError, match="ADPILOT_TICK_EVERY"):
        parse_duration(text, "ADPILOT_TICK_EVERY")


def test_tick_every_defaults_to_fifteen_minutes_and_reads_the_variable() -> None:
    assert tick_every({}) == DEFAULT_TICK_EVERY == timedelta(minutes=15)
    assert tick_every({"ADPILOT_TICK_EVERY": "10s"}) == timedelta(seconds=10)
    with pytest.raises(ValueError, match="ADPILOT_TICK_EVERY='often'"):
        tick_every({"ADPILOT_TICK_EVERY": "often"})
