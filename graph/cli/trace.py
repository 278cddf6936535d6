"""The `trace` command: a thread's timeline, read offline (`graph/trace_view.py`)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from graph.cli.common import fail, require_thread
from graph.cli.console import console
from graph.cli.root import app


@app.command()
def trace(thread: Annotated[str, typer.Argument(help="the thread to trace")],
          as_json: Annotated[bool, typer.Option("--json", help="print the events as JSON")] = False) -> None:
    """Show a thread's timeline: nodes, interrupts and decisions, Meta writes (offline)."""
    from graph.environment import adpilot_home
    from graph.trace_view import render_timeline, trace_timeline

    require_thread(thread)
    try:
        events = trace_timeline(adpilot_home(), thread)
    except KeyError as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        typer.echo(json.dumps(events, indent=2, default=str))
    else:
        render_timeline(events, console, thread_id=thread)
