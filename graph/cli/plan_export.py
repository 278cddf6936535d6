"""`adpilot plan THREAD --export FILE`: the plan on a thread's pending launch card, as JSON to edit.

The file is the plan exactly as the card carries it, in the shape `approve --edit FILE` and
`run --plan FILE` read (`graph/cli/inputs.py`): edit it, then `adpilot approve THREAD --edit
FILE`. Read from the checkpoints alone: no Meta call, no sandbox, nothing written but FILE.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from graph.cli.common import clear_errors, fail, require_thread
from graph.cli.console import console

if TYPE_CHECKING:
    from graph.runner import Outcome


def pending_plan(current: Outcome) -> dict[str, Any] | str:
    """Return the launch plan the thread's pending card carries, or why there is none."""
    tid = current.thread_id
    if current.waiting_for != "approval":
        waits = (f"it waits for {current.waits_for}" if current.waiting_for
                 else "it is finished" if current.done else "it waits for nothing")
        return f"thread {tid} has no pending launch plan: {waits} (`adpilot status {tid}`)"
    actions = (current.interrupt or {}).get("action_requests") or []
    plans = [a["args"]["plan"] for a in actions if isinstance(a, dict)
             and isinstance(a.get("args"), dict) and isinstance(a["args"].get("plan"), dict)]
    if len(actions) != 1 or len(plans) != 1:
        return (f"thread {tid} has no pending launch plan: its card asks about something else "
                f"(`adpilot status {tid}` shows it); only a launch card's plan can be exported")
    return plans[0]


def export_plan(thread: str, target: str, *, as_json: bool = False) -> None:
    """Write the pending launch plan of `thread` to `target` (a file, or "-" for stdout)."""
    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from graph.home import adpilot_home
    from graph.runner import Runner

    require_thread(thread)
    with clear_errors(), open_checkpointer(adpilot_home()) as saver:
        current = Runner(build_graph(checkpointer=saver, reading=True), None).status(thread)  # reads only
    plan = pending_plan(current)
    if isinstance(plan, str):
        fail(plan)
    text = json.dumps(plan, indent=2, ensure_ascii=False, default=str) + "\n"
    if target == "-":
        typer.echo(text, nl=False)
        return
    path = Path(target)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"--export {target}: cannot write it ({exc.strerror}); choose a file you can write")
    if as_json:
        typer.echo(json.dumps({"thread_id": thread, "exported": str(path.resolve())}, indent=2))
        return
    console.print(f"Wrote the pending plan of {thread} to {path}. Edit it, then run "
                  f"[bold]adpilot approve {thread} --edit {path}[/]", highlight=False)
