"""The CLI's typed-back confirmation of a launch budget far above the account's history.

`validate_plan` states on the card when a plan's daily budget is more than 10× the most the
account spent in a day in the last 30 days (`state["spend_check"]`). Approving such a card from
the CLI takes the daily amount typed back: at an interactive prompt (`adpilot approve`), or as
`--confirm-budget AMOUNT` for scripts. `--yes` alone is not enough (exit 2, saying how).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from agents.orchestrator.nodes import confirm_amount
from graph.runner import Outcome
from graph.spend_check import parse_amount, pending_check
from state.rules import format_money


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
