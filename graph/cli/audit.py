"""`adpilot audit verify|reconcile|log` and `adpilot policy`: the ledger, and the caps it records.

`verify` and `log` read the ledger on disk (no Meta call, no sandbox); `reconcile` asks Meta.
`policy` shows the caps the money gate checks every write against (each ledgered write
records the policy's digest).
"""

from __future__ import annotations

import dataclasses
import json
import os
from contextlib import ExitStack
from typing import Annotated, Any

import typer

from graph.cli.common import fail, require_thread, session, talks_to_meta
from graph.cli.console import console, err_console
from graph.cli.root import app
from graph.cli.safety import created_objects
from graph.home import adpilot_home

audit_app = typer.Typer(help="Check the write ledger.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Verify the ledger's hash chain and every write's status history."""
    try:
        from tools import audit

        result = audit.audit_verify(adpilot_home(), checkpoint_ids=_checkpoint_ids())
    except FileNotFoundError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        verdict = "[green]intact[/]" if result["ok"] else "[red]TAMPERED OR INCONSISTENT[/]"
        console.print(f"Ledger {verdict}: {result['rows']} rows, {result['writes']} writes, "
                      f"head {result['head'][:16]}…; by status {result['by_status']}")
        for p in result["problems"]:
            console.print(f"  - {p}")
        if result["unresolved"]:
            console.print(f"[yellow]{len(result['unresolved'])} write(s) with no known outcome[/] "
                          "(a crash or a lost response); `adpilot audit reconcile` settles them "
                          "against Meta: " + ", ".join(w[:12] for w in result["unresolved"]))
        if result["superseded"]:
            console.print(f"{len(result['superseded'])} interrupted write(s) were repeated and "
                          "confirmed by a later identical write; `adpilot audit reconcile` "
                          "records that in the ledger.")
    raise typer.Exit(0 if result["ok"] else 1)


@audit_app.command("reconcile")
@talks_to_meta
def audit_reconcile(
    thread: Annotated[str | None, typer.Argument(help="one thread (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Settle every write with no known outcome (intent/sent/unknown) against Meta.

    A create is looked up by its provenance tag (found: done with its id; not found: failed);
    an update reads the object back (Meta holds the values: done; else failed, not applied).
    Exit 0 when every such write is settled, 1 when some could not be (the reason is shown).
    """
    from state.control import ThreadBusy
    from tools import audit

    with session(quiet=as_json) as (env, runner), ExitStack() as leases:
        factory: Any = env.client_factory
        if thread is not None and not factory.ledger.rows(thread):
            fail(f"thread {thread!r} has no Meta writes in the ledger under {env.home} "
                 "(list threads with `adpilot status`)")
        # A run advancing a thread may have writes in flight: settle only threads held here.
        busy: dict[str, str] = {}
        for tid in sorted({str(r["thread_id"]) for r in factory.ledger.pending_unknown(thread)
                           if r.get("thread_id")}):
            try:
                leases.enter_context(runner.lease(tid, wait_s=0))
            except ThreadBusy as exc:
                busy[tid] = str(exc)
        result = audit.reconcile(thread, ledger=factory.ledger, client_for=factory, busy=busy)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        raise typer.Exit(0 if result["ok"] else 1)
    if not result["writes"]:
        console.print("Every write in the ledger has a known outcome: nothing to reconcile.")
        raise typer.Exit(0)
    from rich.table import Table

    table = Table("write id", "thread", "op", "object", "was → now", "why")
    for w in result["writes"]:
        change = f"{w['was']} → {w['now']}" if w["resolved"] else f"{w['was']} (UNRESOLVED)"
        table.add_row(w["write_id"][:12], str(w.get("thread_id") or ""), w["op"],
                      f"{w.get('object_type') or ''} {w['object'] or ''}".strip(), change,
                      w["reason"])
    console.print(table)
    settled = sum(1 for w in result["writes"] if w["resolved"])
    console.print(f"Settled {settled} of {len(result['writes'])} write(s) with no known outcome.")
    if not result["ok"]:
        err_console.print("[yellow]Some writes could not be settled[/] (see why above); their "
                          "ledger rows are unchanged.")
    raise typer.Exit(0 if result["ok"] else 1)


def _checkpoint_ids() -> dict[str, list[str]]:
    """Thread → the Meta ids its checkpoint says it created (for the ledger cross-check)."""
    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from graph.runner import Runner
    from state.storage import StorageError

    home = adpilot_home()
    if not (home / "checkpoints.sqlite").exists() and not os.environ.get("ADPILOT_CHECKPOINT_URL"):
        return {}
    out: dict[str, list[str]] = {}
    try:
        with open_checkpointer(home) as saver:
            runner = Runner(build_graph(checkpointer=saver, reading=True), None)  # reads only
            for tid in runner.threads():
                out[tid] = [i for i, _type in created_objects(runner.status(tid).values)]
    except StorageError as exc:
        err_console.print(f"[yellow]warning:[/] {exc}; the ledger is checked on its own")
    return out


@audit_app.command("log")
def audit_log(
    thread: Annotated[str | None, typer.Argument(help="one thread (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the rows as JSON")] = False,
) -> None:
    """List the ledger's writes (id, operation, object, status, before → after) for `undo`."""
    from state.ledger import Ledger, describe_ledger, ledger_exists

    if thread is not None:
        require_thread(thread)
    if not ledger_exists(adpilot_home()):
        fail(f"no ledger at {describe_ledger(adpilot_home().resolve())}: set ADPILOT_HOME to the "
             "directory of a run")
    ledger = Ledger.in_home(adpilot_home())
    try:
        rows = ledger.rows(thread)
    finally:
        ledger.close()
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    from rich.table import Table

    table = Table("write id", "thread", "op", "object", "Meta id", "status", "before → after")
    for r in rows:
        change = f"{r.get('before') or ''} → {r.get('after') or ''}" if r["op"] != "create" else ""
        table.add_row(r["write_id"][:12], str(r.get("thread_id") or ""), r["op"],
                      str(r.get("object_type") or ""), str(r.get("meta_id") or ""), r["status"],
                      change[:80])
    console.print(table)
    console.print("Undo one with `adpilot undo THREAD WRITE_ID` (the first 6+ characters will do).")


@app.command("policy")
def policy_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="print the policy as JSON")] = False,
) -> None:
    """Show the policy in force (every cap with its unit), where it comes from and its digest.

    Every write the money gate passes records this digest in the ledger (`audit log --json`).
    """
    from state.context import Context, Policy

    try:
        policy = Context.from_env().policy
    except ValueError as exc:
        fail(str(exc))
    body = {"source": policy.source or "built-in defaults", "digest": policy.digest(),
            **policy.values()}
    if as_json:
        typer.echo(json.dumps(body, indent=2))
        return
    from rich.table import Table

    table = Table("setting", "value", "meaning")
    for f in dataclasses.fields(Policy):
        if f.name == "source":
            continue
        value = body[f.name]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        table.add_row(f.name, shown or "—", f.metadata.get("description", ""))
    console.print(table)
    console.print(f"source: {body['source']}\ndigest: {body['digest']}")
