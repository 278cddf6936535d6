"""CLI commands of the optimise loop: `tick`, `optimize`, `report` (wired to agents/optimize/nodes.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from agents.common.throttle import WAIT_NODE
from graph.cli.common import drive, exit_code, fail, report, session, talks_to_meta
from graph.cli.console import console, run_display
from graph.cli.inputs import bounded_text
from graph.cli.root import app
from graph.runner import Outcome, Runner
from state.control import ThreadBusy


def _loop_module(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        fail(f"the optimise loop is not installed in this build ({name} is missing)", code=1)


def wake_due(runner: Runner, thread_id: str, now: datetime, *, yes: bool = False,
             on_update: Any = None, home: Any = None) -> Outcome | None:
    """Resume `thread_id` if its timer is due at `now` or an alert wakes it (else None).

    Between optimise cycles a thread whose timer is not due is looked at for alerts
    (`agents/optimize/alerts.py`); one that wakes it is resumed with the alerts' wake value,
    which names only their kinds: the thread finds them on Meta's data itself before it shows
    a card. The alert wake-up names only the alerts' kinds: the thread finds them on Meta's data
    itself before it shows a card.
    """
    from agents.common.throttle import is_due

    current = runner.status(thread_id)
    payload = current.interrupt or {}
    # A throttle wait (it names the throttled node) counts in wall time, like Meta's limits;
    # an optimise timer counts on the account's clock (the sandbox's simulated one there).
    clock = datetime.now(UTC) if payload.get("node") else now
    if current.waiting_for != "wait":
        return None
    value: dict[str, Any] | None = {"woke_at": now.isoformat()}
    if not is_due(payload, clock):
        value = None if payload.get("node") else _alert_wake(runner, current, now)
        if value is None:
            return None
    outcome = runner.resume(thread_id, value, expect="wait", on_update=on_update)
    return drive(runner, outcome, yes=yes, on_update=on_update, home=home)


def _alert_wake(runner: Runner, current: Outcome, now: datetime) -> dict[str, Any] | None:
    """Look at a thread between optimise cycles (one Graph round trip): its alert wake-up, or None."""
    if "wait_for_data" not in current.next:
        return None
    alerts = _loop_module("agents.optimize.alerts")
    from tools.errors import MetaError

    try:
        found = alerts.scan_thread(current.values, runner.context, now, current.thread_id)
    except MetaError as exc:  # said, never fatal: the other threads are still woken
        console.print(f"alerts: could not look at thread {current.thread_id}: {exc}")
        return None
    for alert in found:
        console.print(f"alert on {current.thread_id}: {alert['headline']}")
    return alerts.wake_value(found)


@app.command()
@talks_to_meta
def tick(advance_days: Annotated[int, typer.Option(
            min=0, max=3650, help="move the sandbox clock forward first (0-3650 days)")] = 0,
         yes: Annotated[bool, typer.Option("--yes", help="approve optimise cards without asking")] = False) -> None:
    """Wake every thread of this ad account whose timer is due (optionally advancing the clock).

    Threads of other accounts are listed as skipped, with the `--account` that wakes them.
    """
    from agents.orchestrator.nodes import run_now

    with session() as (env, runner), run_display() as display:
        if advance_days:
            _advance(env, advance_days)
        now = run_now(env.context)  # the sandbox's simulated clock there
        woke, code = 0, 0
        for tid in runner.threads():
            current = runner.status(tid)
            if (elsewhere := runner.account_problem(current)) is not None:
                if current.waiting_for == "wait":  # its cards are about that account
                    console.print(f"skipped: {elsewhere}")
                continue
            try:
                with runner.lease(tid, wait_s=0):  # a thread another process runs is skipped
                    after = wake_due(runner, tid, now, yes=yes, on_update=display, home=env.home)
            except ThreadBusy as busy:
                display.close()
                console.print(f"skipped: {busy.thread_id} is being advanced by "
                              f"{busy.holder.describe() if busy.holder else 'another process'}")
                continue
            if after is not None:
                woke += 1
                display.close()
                report(after, show_created=False, home=env.home)
                code = max(code, exit_code(after))
        console.print(f"{woke} thread(s) woken (clock: {now.isoformat()}).")
    raise typer.Exit(code)


def _advance(env: Any, days: int) -> None:
    """Move the sandbox's simulated clock (embedded or external) forward by `days`."""
    if not env.context.sandbox:
        fail("--advance-days only works against the sandbox (Meta's clock cannot be moved)")
    if env.sandbox is not None:
        answer: Any = env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": days})
        refused = isinstance(answer, dict) and "error" in answer
    else:
        import os

        import requests

        token = os.environ.get("META_ACCESS_TOKEN", "")
        resp = requests.post(f"{env.context.meta.graph_url}/__sandbox__/clock/advance", json={"days": days},
                             headers={"Authorization": f"OAuth {token}"}, timeout=30)
        refused = resp.status_code >= 400
        try:
            answer = resp.json()
        except ValueError:
            answer = {"error": {"message": f"HTTP {resp.status_code}"}}
    if refused:  # e.g. the clock would pass year 9999: say why instead of claiming it moved
        error = answer.get("error") if isinstance(answer, dict) else None
        why = (error.get("error_user_msg") or error.get("message")) if isinstance(error, dict) else None
        fail(f"the sandbox refused to move its clock: {why or answer}", code=1)
    console.print(f"sandbox clock advanced {days} day(s)")


@app.command()
@talks_to_meta
def optimize(thread: Annotated[str, typer.Argument(help="a launched thread")],
             yes: Annotated[bool, typer.Option("--yes", help="approve the card without asking")] = False,
             request: Annotated[list[str] | None, typer.Option(
                 "--request", help='a budget request in plain words, e.g. "raise the budget of '
                 'Spring Sale to $80 a day" (repeatable; it goes on the card for approval)')] = None) -> None:
    """Run an optimise cycle for a thread now, instead of waiting for its timer."""
    loop = _loop_module("agents.optimize.nodes")
    asks = [r.strip() for r in request or []]
    if any(not r for r in asks):
        fail('--request is empty: say what to change, e.g. --request "raise the budget of '
             'Spring Sale to $80 a day"')
    for ask in asks:
        bounded_text(ask, "--request", 'say it in a sentence, e.g. --request "raise the budget '
                      'of Spring Sale to $80 a day"')
    with session() as (env, runner), runner.lease(thread), run_display() as display:
        current = runner.status(thread)
        if current.waiting_for != "wait":
            fail(f"thread {thread} is not between optimise cycles (waiting for: {current.waiting_for or 'nothing'})")
        if WAIT_NODE in current.next:
            until = (current.values.get("throttle") or {}).get("until") or "its reset"
            fail(f"thread {thread} is waiting out Meta's rate limit until {until}: a cycle now "
                 "would be throttled again, so nothing was sent"
                 + (" (your --request was not used: send it again after the wait)" if asks else "")
                 + "; `adpilot tick` wakes it when the limit resets")
        value = dict(getattr(loop, "WAKE_NOW", {"woke_at": "optimize"}))
        if asks:
            value["requests"] = asks
        outcome = runner.resume(thread, value, expect="wait", on_update=display)
        outcome = drive(runner, outcome, yes=yes, on_update=display, home=env.home)
        display.close()
        report(outcome, show_created=False, home=env.home)
    raise typer.Exit(exit_code(outcome))


@app.command("report")
@talks_to_meta
def report_cmd(thread: Annotated[str, typer.Argument(help="the thread to report on")],
               fmt: Annotated[str, typer.Option("--format", help="md, csv or json")] = "md",
               out: Annotated[Path | None, typer.Option(help="folder (default ADPILOT_HOME/reports/THREAD)")] = None) -> None:
    """Write the thread's performance report (Markdown with charts, CSV or JSON)."""
    if fmt not in ("md", "csv", "json"):
        fail(f"--format {fmt!r}: use md, csv or json")
    reporting = _loop_module("agents.insights.reporting")
    with session() as (env, runner):
        runner.status(thread)  # a clear error for an unknown thread
        model = None if env.context.model == "rules" else env.context.model
        try:
            written = reporting.write_report(thread, fmt, out, runner=runner, home=env.home,
                                             model=model)
        except OSError as exc:
            fail(f"--out {exc.filename or out}: cannot write the report there ({exc.strerror}); "
                 "choose a folder you can write to")
        for kind in ("report", "csv"):
            if written.get(kind):
                console.print(f"{kind}: {written[kind]}")
        for chart in written.get("charts") or []:
            console.print(f"chart: {chart}")
