"""Durations as people write them (`15m`, `10s`, `1h30m`, `2d`), and `ADPILOT_TICK_EVERY`.

`adpilot tick --every` and the LangGraph Server ticker read how often due timers are checked
from one place, so the CLI and the server agree on the default (15 minutes) and on what a
bad value says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from state.settings import env_value

TICK_EVERY_ENV = "ADPILOT_TICK_EVERY"
DEFAULT_TICK_EVERY = timedelta(minutes=15)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_WHOLE = re.compile(r"(?:\s*\d+(?:\.\d+)?\s*[smhd])+\s*")


def parse_duration(text: str, setting: str, *, minimum: timedelta = timedelta(seconds=1),
                   maximum: timedelta = timedelta(days=7)) -> timedelta:
    """Parse `15m`, `10s`, `1h30m`, `2d` (a bare number is seconds); ValueError names `setting`."""
    raw = str(text).strip().lower()
    fix = "use a duration such as 15m, 10s, 1h or 1h30m"
    if raw.isdigit():
        raw = f"{raw}s"
    if not raw or not _WHOLE.fullmatch(raw):
        raise ValueError(f"{setting}={text!r} is not a duration; {fix}")
    total = timedelta()
    for amount, unit in _PART.findall(raw):
        total += timedelta(**{_UNITS[unit]: float(amount)})
    if not minimum <= total <= maximum:
        raise ValueError(f"{setting}={text!r} is out of range: use between {minimum} and {maximum}")
    return total


def tick_every(env: Mapping[str, str] | None = None) -> timedelta:
    """How often due timers are checked: `ADPILOT_TICK_EVERY`, default 15 minutes."""
    value = env_value(TICK_EVERY_ENV, env)
    return parse_duration(value, TICK_EVERY_ENV) if value else DEFAULT_TICK_EVERY
