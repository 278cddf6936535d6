"""The per-request context handed to every handler, and the sandbox's time helpers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.store import Store


def sim_now(store: Store) -> datetime:
    """Return the simulated clock (aware, UTC): `sandbox.delivery.now` when present, else wall + offset."""
    fn = _delivery_now()
    if fn is not None:
        value = fn(store)
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return datetime.fromtimestamp(float(value), UTC)
    offset = float(store.get_setting("clock_offset_s", 0) or 0)
    return datetime.fromtimestamp(time.time() + offset, UTC)


def _delivery_now() -> Any:
    # The delivery module is built concurrently; fall back cleanly while it is absent or broken.
    try:
        from sandbox import delivery
    except (ImportError, SyntaxError):
        return None
    return getattr(delivery, "now", None)


@dataclass
class RequestContext:
    """What a handler knows about the request it serves.

    `path` is the Graph path without the version and without surrounding slashes
    (e.g. `act_1/campaigns`); `account_id` is the bare digits of the ad account the path
    names or the addressed object belongs to (None when there is none). The token is held
    only to authorise nested calls and is never echoed in responses.
    """

    store: Store
    api_version: str
    account_id: str | None = None
    base_url: str = ""
    token: str = field(default="", repr=False)
    method: str = "GET"
    path: str = ""
    app: Any = field(default=None, repr=False)

    def now(self) -> datetime:
        """Return the simulated clock, aware UTC."""
        return sim_now(self.store)

    def account(self) -> dict[str, Any] | None:
        """Return the ad account doc of `account_id`, if any."""
        if not self.account_id:
            return None
        return self.store.get_object(f"act_{self.account_id}", "adaccount")

    def tz(self) -> ZoneInfo:
        """Return the account's time zone (America/Los_Angeles when unknown)."""
        acct = self.account()
        return ZoneInfo((acct or {}).get("timezone_name") or "America/Los_Angeles")

    def iso(self, dt: datetime | None = None) -> str:
        """Format a time as Meta does: account-local ISO-8601 with a `-0700` style offset."""
        return fmt_time(dt or self.now(), self.tz())


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
