"""The `status` command: where each thread stands, read from the checkpoints alone.

`status` makes no Meta call, so it starts no sandbox and prints no banner; and it writes
nothing: with no checkpoint store under ADPILOT_HOME it says where it looked and that there
is nothing there (exit 0; a named THREAD that is not there exits 2), and LangGraph is not
even imported — `adpilot status` in an empty folder starts as fast as `--help`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from graph.cli.common import clear_errors, fail, report, require_thread
from graph.cli.console import console, err_console, status_table
from graph.cli.root import app


@app.command()
def status(thread: Annotated[str | None, typer.Argument(help="one thread (default: all)")] = None,
           account: Annotated[str | None, typer.Option(
               help="only the threads of this ad account (act_ID)")] = None,
           as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Show where each thread stands, and in which ad account (reads only; no Meta call)."""
    from graph.home import adpilot_home, checkpoint_store, holds_threads

    home = adpilot_home()
    _check_policy(home)
    if thread:
        require_thread(thread)
    if holds_threads(home) is False:
        # absolute: a relative `.adpilot/...` does not say which folder was read
        where, _path = checkpoint_store(home.resolve())
        said = (f"No threads: nothing under {where} (ADPILOT_HOME {home.resolve()}). Set ADPILOT_HOME "
                "to the folder a run used, or start one with `adpilot run BRIEF`.")
        if as_json:
            typer.echo("[]")
            err_console.print(said, highlight=False)
        else:
            console.print(said, highlight=False)
        return
    _show(home, thread, account, as_json)


def _check_policy(home: Path) -> None:
    """Exit 2 naming the field when the policy file is broken, as every command does.

    Nothing may run on a policy nobody can read, and `status` is often the first command
    a person types; without a policy file there is nothing to read (and nothing imported).
    """
    if not os.environ.get("ADPILOT_POLICY") and not (home / "policy.json").is_file():
        return
    from state.policy import Policy

    with clear_errors():
        Policy.from_env(None, str(home))


def _show(home: Any, thread: str | None, account: str | None, as_json: bool) -> None:
    """List the threads of the checkpoint store in `home` (it exists: opening it creates nothing)."""
    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from graph.runner import Runner
    from state.context import act_id

    want = act_id(account) if account else None
    with clear_errors(), open_checkpointer(home) as saver:
        runner = Runner(build_graph(checkpointer=saver, reading=True), None)  # nothing runs
        ids = [thread] if thread else runner.threads()
        if thread and not runner.exists(thread):
            fail(f"no thread {thread!r} here ({home}); `adpilot status` lists them")
        rows = [row for tid in ids if (row := _row(runner, tid, want)) is not None]
        if as_json:
            from tools.kill_switch import stopped_threads

            stopped = stopped_threads(home)
            typer.echo(json.dumps([{**r, "stopped_at": stopped.get(str(r["thread"]))} for r in rows],
                                  indent=2, default=str))
            return
        if not rows:
            console.print(f"No threads{f' of {want}' if want else ''} under {Path(home).resolve()}.")
            return
        console.print(status_table(rows))
        if thread and rows:
            report(runner.status(thread), home=home)


def _row(runner: Any, tid: str, want: str | None) -> dict[str, Any] | None:
    """One thread's row (None: it works in another account than `want`).

    The `thread`/`account`/`waiting`/`campaign` keys are the table's; `thread_id`,
    `account_id`, `waiting_for`, `campaign_id` the same values under the names of the
    `status --json` contract (docs/design.md §2).
    """
    from graph.runner import thread_kind

    out = runner.status(tid)
    values = out.values
    row_account = values.get("account")
    if want and row_account != want:
        return None
    campaign = (values.get("created") or {}).get("campaign")
    return {"thread": tid, "account": row_account, "kind": thread_kind(values),
            "phase": values.get("phase"), "waiting": out.waiting_for, "next": list(out.next),
            "campaign": campaign, "cycle": values.get("cycle"), "status": values.get("status"),
            "thread_id": tid, "account_id": row_account, "waiting_for": out.waiting_for,
            "campaign_id": campaign}
