"""The CLI's typed-back confirmation of a launch budget far above the account's history.

`validate_plan` states on the card when a plan's daily budget is more than 10× the most the
account spent in a day in the last 30 days (`state["spend_check"]`). Approving such a card from
the CLI takes the daily amount typed back: at an interactive prompt (`adpilot approve`), or as
`--confirm-budget AMOUNT` for scripts. `--yes` alone is not enough (exit 2, saying how).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from agents.orchestrator.approval import ACTION as LAUNCH_ACTION
from agents.orchestrator.nodes import confirm_amount
from graph.runner import Outcome
from state.rules import format_money, to_minor


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


def confirm_problem(outcome: Outcome, typed: str | None, *, yes: bool,
                    prompt: Callable[[str], str] | None = None) -> str | None:
    """Why the pending launch card may not be approved yet (None when it may).

    With `yes` nothing is asked; otherwise `prompt` (an interactive terminal) asks for it.
    """
    check = pending_check(outcome)
    if check is None:
        return None
    amount = confirm_amount(check)
    currency = str(check.get("currency") or "USD")
    if typed is None and not yes and prompt is not None and sys.stdin.isatty():
        typed = prompt(f"{check['text']}\nType the daily amount ({amount}) to approve it")
    if typed is None:
        how = "--yes alone cannot approve it" if yes else "approving it needs the amount typed back"
        return (f"{check['text']} {how}: type the daily amount back with --confirm-budget "
                f"{amount} (e.g. `adpilot approve {outcome.thread_id} --confirm-budget {amount}`)."
                " Nothing was approved or written.")
    if parse_amount(typed, currency) != int(check["daily_minor"]):
        return (f"--confirm-budget {typed!r} is not the plan's daily budget "
                f"({format_money(int(check['daily_minor']), currency)}): nothing was approved. "
                f"Type {amount} to confirm it, or edit the plan.")
    return None
