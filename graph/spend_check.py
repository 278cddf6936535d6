"""A launch card's spend check, read for whoever answers it (the CLI, the web inbox).

`validate_plan` states on the card when a plan's daily budget is more than 10× the most the
account spent in a day in the last 30 days (`state["spend_check"]`). Approving such a card takes
the daily amount typed back: `pending_check(outcome)` finds that check on a pending launch card,
`parse_amount(text, currency)` reads what the person typed. `graph/cli/spend_confirm.py` asks
for it in the terminal; `graph/web/routes.py` in the card's form.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agents.orchestrator.approval import ACTION as LAUNCH_ACTION
from state.rules import to_minor

if TYPE_CHECKING:
    from graph.runner import Outcome


def pending_check(outcome: Outcome) -> dict[str, Any] | None:
    """Return the spend check of a launch card waiting for approval (None for other cards)."""
    payload = outcome.interrupt or {}
    names = [a.get("name") for a in payload.get("action_requests") or [] if isinstance(a, dict)]
    if outcome.waiting_for != "approval" or LAUNCH_ACTION not in names:
        return None
    check = outcome.values.get("spend_check")
    return check if isinstance(check, dict) and check.get("daily_minor") else None


def parse_amount(text: str, currency: str) -> int | None:
    """Read a typed amount ("5,000,000", "$5000000.00", "USD 5,000,000") as minor units."""
    clean = re.sub(rf"(?i)\b{re.escape(currency)}\b|[$€£¥,\s]", "", str(text))
    try:
        return to_minor(float(clean), currency)
    except ValueError:
        return None
