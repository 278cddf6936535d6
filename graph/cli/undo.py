"""`adpilot undo THREAD WRITE`: restore what one applied write changed (`tools/undo.py`).

An undo that raises spend needs the person's approval (`--yes`, exit 2 without it); one the
money gate refuses sends nothing (exit 2); so does one whose object changed since the write
(a later write, or Ads Manager): undoing it would wipe that change, so the message names the
later writes and the order to undo them in (`tools/undo_check.py`). What is restored is said
as before → after in the account's money, on the object by its name. Undoing a new creative
(or its image) pauses the new ads showing it, and says which ads, by name and ad set
(`tools/undo_ads.py`); an undo that did not take on Meta says what Meta holds and exits 2,
never "Undone".
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from graph.cli.common import EXIT_INVALID, fail, session, talks_to_meta
from graph.cli.console import console, err_console
from graph.cli.root import app


@app.command()
@talks_to_meta
def undo(
    thread: Annotated[str, typer.Argument(help="the thread the action belongs to")],
    action: Annotated[str, typer.Argument(help="ledger write id (or its first 6+ characters)")],
    yes: Annotated[bool, typer.Option("--yes", help="approve a spend-raising undo as shown")] = False,
) -> None:
    """Restore the before-values of one applied action (asks for approval if it raises spend)."""
    from state.action_history import ActionHistory
    from state.guardrails import format_refusals
    from tools import undo as undo_mod

    with session() as (env, runner), runner.lease(thread):
        factory: Any = env.client_factory
        # An applied undo is recorded beside the thread's applied actions: the next card does
        # not judge what was undone, and the report says so.
        kw: dict[str, Any] = {"ledger": factory.ledger, "client_for": factory,
                              "policy": env.context.policy, "currency": env.context.currency,
                              "history": ActionHistory(env.home)}
        try:
            row = undo_mod.find_write(factory.ledger, thread, action)
            result = undo_mod.undo(thread, action, **kw)
            said = ("" if undo_mod.shows_ads(row) else
                    _undo_text(row, result, env.context.currency))
            if result.status == "needs_approval" and result.approval is not None:
                if not yes:
                    console.print(f"Undoing {said} raises spend, so it needs your approval: "
                                  "nothing was changed. To apply it, run `adpilot undo "
                                  f"{thread} {row['write_id'][:12]} --yes`.")
                    raise typer.Exit(EXIT_INVALID)
                console.print(f"--yes: approved undoing {said} (it raises spend).")
                result = undo_mod.undo(thread, action, receipt=result.approval["receipt"], **kw)
        except ValueError as exc:
            fail(str(exc))
    if result.status == "refused":
        err_console.print("[red]Refused by the money gate[/] (nothing was sent):\n"
                          + format_refusals(result.refusals))
        raise typer.Exit(EXIT_INVALID)
    if result.status == "not_done":
        err_console.print(f"[red]Not undone[/]: {result.message}")
        raise typer.Exit(EXIT_INVALID)
    if result.status == "unchanged":
        console.print(result.message)
        return
    if undo_mod.shows_ads(row):
        said = f"write {row['write_id'][:12]}: {result.message}"
    console.print(f"Undone: {said}.")


def _undo_text(row: dict[str, Any], result: Any, currency: str) -> str:
    """Say what an undo changes, before → after, on the object by its name.

    E.g. "write 1a2b3c4d5e6f (ad set 'US, CA 45-54' (id 1202…): daily budget USD 59.14 → USD
    49.29)".
    """
    from tools.undo_check import change_text

    args = {k: v for k, v in result.action["args"].items() if k != "object_id"}
    what = result.target or f"{row.get('object_type') or 'object'} {row.get('meta_id')}"
    return f"write {row['write_id'][:12]} ({what}: {change_text(result.before, args, currency)})"
