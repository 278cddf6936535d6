"""One-off proposals on existing campaigns, from a routed request (issue 13).

`propose_request(client, intent, *, account, policy, now, store=None, targets=None)` turns the
router's typed `Intent` (`state/intent.py`) into a proposal for one approval card, without
writing anything:

    {"title": markdown, "summary": [markdown lines], "actions": [loop-shaped actions],
     "flags": [warnings], "nothing_to_do": str | None, "clarify": str | None,
     "currency": "USD", "kpi": "conversions" | "conversion_value"}

- `pause_underperformers` → `pause.py` (W4: what breaks a threshold, with evidence);
- `budget` → `budget.py` (W2: one campaign's or ad set's budget), or `move.py` for a move
  from one budget to another (both changes on one card);
- `status` → `status.py` (pause or resume by name).

The actions have the optimise loop's shape, so they go through the loop's card and apply path
unchanged (`agents/optimize/cycle.py::execute_approved`: `MoneyAction.from_action`, the money
gate, a ledgered write, a read back). `clarify` is a question naming what is missing (then
`actions` is empty); `nothing_to_do` says why nothing would change. `targets` maps a campaign
id to its `target_cpa_minor` / `target_roas` (adpilot's own campaigns), the default threshold
of a pause request that names none.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from agents.optimize.oneoff.budget import propose_budget
from agents.optimize.oneoff.pause import propose_pauses
from agents.optimize.oneoff.status import propose_status
from state.insights_store import InsightsStore
from state.intent import Intent

__all__ = ["ONEOFF_ROUTES", "propose_request"]

ONEOFF_ROUTES = frozenset({"pause_underperformers", "budget", "status"})


def propose_request(
    client: Any,
    intent: Intent,
    *,
    account: dict[str, Any],
    policy: Any,
    now: datetime,
    store: InsightsStore | None = None,
    targets: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the proposal for one routed request on existing campaigns (no writes).

    `account` is `tools.account.account_info(client)`; `now` is on the account's clock.
    Raises `ValueError` for a route this module does not serve.
    """
    if intent.route == "pause_underperformers":
        return propose_pauses(client, intent, account=account, policy=policy, now=now,
                              store=store, targets=targets)
    if intent.route == "budget" and intent.params.get("move_to"):
        from agents.optimize.oneoff.move import propose_move

        return propose_move(client, intent, account=account, policy=policy, now=now)
    if intent.route == "budget":
        return propose_budget(client, intent, account=account, policy=policy, now=now)
    if intent.route == "status":
        return propose_status(client, intent, account=account, policy=policy, now=now)
    raise ValueError(f"propose_request serves {', '.join(sorted(ONEOFF_ROUTES))}, not "
                     f"{intent.route!r}")
