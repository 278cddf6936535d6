"""CLI commands of the optimise loop: `optimize`, `report` (`tick` is in `graph/cli/tick.py`).

Wired to `agents/optimize/nodes.py` and `agents/insights/reporting.py`, both imported when
a command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from graph.cli.common import (
    drive,
    exit_code,
    fail,
    loop_module,
    report,
    session,
    talks_to_meta,
)
from graph.cli.console import console, err_console, run_display
from graph.cli.inputs import bounded_text
from graph.cli.root import app


def _advance(env: Any, days: int, *, out: Console = console) -> None:
    """Move the sandbox's simulated clock (embedded or external) forward by `days`; say so on `out`."""
    from graph.ticking import advance_sandbox_clock

    if not env.context.sandbox:
        fail("--advance-days only works against the sandbox (Meta's clock cannot be moved)")
    if (why := advance_sandbox_clock(env, days)) is not None:
        fail(f"the sandbox refused to move its clock: {why}", code=1)  # never claim it moved
    out.print(f"sandbox clock advanced {days} day(s)")


@app.command()
@talks_to_meta
def optimize(thread: Annotated[str, typer.Argument(help="a launched thread")],
             yes: Annotated[bool, typer.Option("--yes", help="approve the card without asking")] = False,
             request: Annotated[list[str] | None, typer.Option(
                 "--request", help='a budget request in plain words, e.g. "raise the budget of '
                 'Spring Sale to $80 a day" (repeatable; it goes on the card for approval)')] = None,
             as_json: Annotated[bool, typer.Option(
                 "--json", help="print where the thread stopped as JSON (phase, waiting_for, "
                 "interrupt, exit_code)")] = False) -> None:
    """Run an optimise cycle for a thread now, instead of waiting for its timer.

    A card may propose a creative refresh: new ads beside a tired one. Their copy is written by
    the model ADPILOT_MODEL names, following ADPILOT_HOME/brand.md (short brand guidelines) when
    that file exists, and by templates otherwise. An edit (`adpilot approve THREAD --edit FILE`)
    may drop variants, rewrite their copy or give one a new image file (`image_file`).
    """
    from agents.common.throttle import WAIT_NODE

    loop = loop_module("agents.optimize.nodes")
    asks = [r.strip() for r in request or []]
    if any(not r for r in asks):
        fail('--request is empty: say what to change, e.g. --request "raise the budget of '
             'Spring Sale to $80 a day"')
    for ask in asks:
        bounded_text(ask, "--request", 'say it in a sentence, e.g. --request "raise the budget '
                      'of Spring Sale to $80 a day"')
    with session(answering=yes, quiet=as_json) as (env, runner), runner.lease(thread), \
            run_display(err_console if as_json else console) as display:
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
        outcome = drive(runner, outcome, yes=yes, on_update=display, home=env.home, quiet=as_json)
        display.close()
        report(outcome, show_created=False, home=env.home, as_json=as_json)
    raise typer.Exit(exit_code(outcome))


@app.command("report")
@talks_to_meta
def report_cmd(thread: Annotated[str, typer.Argument(help="the thread to report on")],
               fmt: Annotated[str, typer.Option("--format", help="md, csv or json")] = "md",
               out: Annotated[Path | None, typer.Option(help="folder (default ADPILOT_HOME/reports/THREAD)")] = None,
               as_json: Annotated[bool, typer.Option(
                   "--json", help="print the files written as JSON ({thread_id, report, csv, "
                   "charts})")] = False) -> None:
    """Write the thread's performance report (Markdown with charts, CSV or JSON)."""
    if fmt not in ("md", "csv", "json"):
        fail(f"--format {fmt!r}: use md, csv or json")
    reporting = loop_module("agents.insights.reporting")
    with session(quiet=as_json) as (env, runner):
        runner.status(thread)  # a clear error for an unknown thread
        model = None if env.context.model == "rules" else env.context.model
        try:
            written = reporting.write_report(thread, fmt, out, runner=runner, home=env.home,
                                             model=model)
        except OSError as exc:
            fail(f"--out {exc.filename or out}: cannot write the report there ({exc.strerror}); "
                 "choose a folder you can write to")
        if as_json:
            typer.echo(json.dumps({"thread_id": thread, "report": written.get("report"),
                                   "csv": written.get("csv"),
                                   "charts": list(written.get("charts") or [])},
                                  indent=2, default=str))
            return
        for kind in ("report", "csv"):
            if written.get(kind):
                console.print(f"{kind}: {written[kind]}")
        for chart in written.get("charts") or []:
            console.print(f"chart: {chart}")
