"""What adpilot reads about the ad account itself: its settings and its clock.

- `account_info(client)`: the account's currency, time zone, spend cap, amount spent and
  minimum daily budget, as Meta has them now;
- `account_now(client, ctx=None)`: now on the account's clock (`GraphClient.account_clock`:
  the sandbox's simulated clock there, else wall-clock UTC); a run context's `clock`
  callable, when it has one, answers instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from state.exposure import as_int

if TYPE_CHECKING:
    from tools.graph_client import GraphClient

ACCOUNT_FIELDS = "currency,timezone_name,spend_cap,amount_spent,min_daily_budget"


def account_info(client: GraphClient) -> dict[str, Any]:
    """Currency, time zone, spend cap, amount spent and minimum budget of the client's account."""
    raw = client.get(client.account_id, {"fields": ACCOUNT_FIELDS})
    tz_name = raw.get("timezone_name") or "UTC"
    return {
        "id": client.account_id,
        "currency": str(raw.get("currency") or "USD").upper(),
        "timezone_name": tz_name,
        "tz": ZoneInfo(tz_name),
        "spend_cap_minor": as_int(raw.get("spend_cap")) or None,
        "amount_spent_minor": as_int(raw.get("amount_spent")),
        "min_daily_budget_minor": as_int(raw.get("min_daily_budget")),
    }


def account_now(client: GraphClient, ctx: Any = None) -> datetime:
    """Now on the account's clock: the sandbox's simulated clock there, else wall-clock UTC."""
    clock = getattr(ctx, "clock", None)
    if callable(clock):
        value = clock()
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return client.account_clock()
