"""The simulated clock and the sandbox's time formats.

`now(store) = wall_now + offset`, the offset kept in the store (`clock_offset_s`; the scenario
sets it so the clock starts at local midnight of its start date, `sandbox.delivery.advance`
adds to it). `fmt_time` / `parse_time` are Meta's ISO-8601 with a `-0700` style offset.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.store import Store


def now(store: Store) -> datetime:
    """Return the simulated clock, aware UTC."""
    return datetime.fromtimestamp(
        time.time() + float(store.get_setting("clock_offset_s", 0) or 0), UTC
    )


def fmt_time(dt: datetime, tz: ZoneInfo) -> str:
    """ISO-8601 in `tz` with a numeric offset without a colon (`2025-06-01T10:00:00-0700`)."""
    return dt.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S%z")


def parse_time(value: Any) -> datetime | None:
    """Parse an ISO-8601 string or UNIX seconds into an aware datetime; None for empty/0."""
    if value is None or value == "" or str(value) == "0":
        return None
    if isinstance(value, int | float) or str(value).lstrip("-").isdigit():
        return datetime.fromtimestamp(float(value), UTC)
    dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
