"""The per-request context handed to every handler: store, API version, account, clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sandbox import clock
from sandbox.clock import fmt_time
from sandbox.store import Store


@dataclass
class RequestContext:
    """What a handler knows about the request it serves.

    `path` is the Graph path without the version and without surrounding slashes
    (e.g. `act_1/campaigns`); `account_id` is the bare digits of the ad account the path
    names or the addressed object belongs to (None when there is none). The token is held
    only to authorise nested calls. `credentials` (`access_token`, and `appsecret_proof` /
    `appsecret_time` when the request had them) are echoed in one place only: the
    `paging.next` / `paging.previous` URLs, which carry them as Meta's do so that a client
    can fetch them as they are (`sandbox/paging.py`).
    """

    store: Store
    api_version: str
    account_id: str | None = None
    base_url: str = ""
    token: str = field(default="", repr=False)
    method: str = "GET"
    path: str = ""
    app: Any = field(default=None, repr=False)
    credentials: dict[str, str] = field(default_factory=dict, repr=False)

    def now(self) -> datetime:
        """Return the simulated clock, aware UTC."""
        return clock.now(self.store)

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
