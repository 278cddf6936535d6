"""`adpilot stop`, `undo`, `audit verify|reconcile|log`, `policy`: the CLI over `tools/kill_switch.py`.

Longer than 300 lines because the kill switch and the audit cross-check share one reader of
what a thread created (`created_objects`). Registered on the Typer app of `graph/cli/root.py`
when `graph/cli/__init__.py` imports it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Annotated, Any

import typer
from rich.table import Table

from graph.builder import build_graph
from graph.cli.common import EXIT_INVALID, clear_errors, fail, session, talks_to_meta
from graph.cli.console import console, err_console
from graph.cli.root import app
from graph.environment import adpilot_home, open_environment
from graph.runner import open_runner
from state.guardrails import format_refusals
from state.ledger import Ledger, describe_ledger, ledger_exists
from state.storage import StorageError
from tools import audit
from tools import kill_switch as safety
from tools import undo as undo_mod
from tools.errors import MetaError

audit_app = typer.Typer(help="Check the write ledger.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _report_table(report: safety.SafetyReport, accounts: dict[str, str] | None = None) -> Table:
    """Tabulate what the stop did, with each thread's ad account (the stop spans them all)."""
    table = Table("object", "type", "thread", "account", "result")
    for label, rows in (("paused", report.paused), ("deleted", report.deleted),
                        ("already off", report.already_off), ("FAILED", report.failed)):
        for r in rows:
            detail = label if label != "FAILED" else f"FAILED: {r['error'].get('message')}"
            thread = str(r.get("thread_id") or "")
            table.add_row(r["id"], r["object_type"], thread, (accounts or {}).get(thread, "—"),
                          detail)
    return table


def _accounts_of(runner: Any, threads: list[str]) -> dict[str, str]:
    """Return thread → the ad account it recorded (threads from before issue 13 have none)."""
    out: dict[str, str] = {}
    for tid in threads if runner is not None else []:
        try:
            account = runner.status(tid).values.get("account")
        except Exception:  # noqa: BLE001 - a label only: the stop never waits on it
            continue
        if account:
            out[tid] = str(account)
    return out


def _policy_or_default() -> dict[str, Any]:
    """Return the run's policy: the file's once read here, or defaults when it cannot be read.

    The kill switch never waits on a broken policy file: it only cuts spend.
    """
    from state.context import Policy

    try:
        return {"policy": Policy.from_env(None, str(adpilot_home()))}
    except ValueError as exc:
        err_console.print(f"[yellow]warning:[/] {exc}. The kill switch pauses anyway: it only "
                          "cuts spend. Fix the policy file before anything else runs.")
        return {"policy": Policy()}


def created_objects(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(Meta id, object type) of what a thread's state says it created, campaign first."""
    created = values.get("created") or {}
    found = [(str(created["campaign"]), "campaign")] if created.get("campaign") else []
    for kind, type_ in (("ad_sets", "adset"), ("ads", "ad")):
        found += [(str(i), type_) for i in (created.get(kind) or {}).values() if i]
    return found


def checkpoint_targets(runner: Any, thread_ids: list[str], client: Any) -> list[safety.Target]:
    """List what the threads' checkpoints know they created.

    That is the ids in `created`, and, for an approved launch with no `created` yet (a crash
    before it was saved), the campaign found by the plan's provenance tag.
    """
    from state import plan as plans
    from tools.meta_client import tag_for

    found: list[safety.Target] = []
    for tid in thread_ids:
        try:
            values = runner.status(tid).values
        except KeyError:
            continue
        created = created_objects(values)
        found += [safety.Target(i, type_, tid) for i, type_ in created]
        if values.get("plan") and values.get("approval") and not created:
            try:
                key = plans.load_plan(values["plan"]).key
                hit = client.find_by_tag(f"{client._account()}/campaigns", tag_for(key)) if key else None
            except (ValueError, MetaError):
                hit = None
            if hit:
                found.append(safety.Target(str(hit["id"]), "campaign", tid, key))
    return found


def _open_ledger(factory: Any) -> tuple[Ledger | None, str | None]:
    """Open the ledger, or say why not (missing or damaged): the kill switch works without it."""
    path = describe_ledger(factory.home)
    try:
        if not ledger_exists(factory.home):
            return None, f"the ledger {path} is missing"
        ledger = factory.ledger
        ledger.rows(None)
        return ledger, None
    except (sqlite3.DatabaseError, StorageError) as exc:
        return None, f"the ledger {path} is damaged ({exc})"


@app.command()
@talks_to_meta
def stop(
    thread: Annotated[str | None, typer.Argument(help="the thread whose objects to pause")] = None,
    all_threads: Annotated[bool, typer.Option("--all", help="pause what every thread created")] = False,
    delete: Annotated[bool, typer.Option(
        "--delete", help="delete the thread's objects newest first (undo a partial launch)")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Kill switch: pause everything adpilot created or activated (no approval: it cuts spend).

    The thread is marked stopped first: nothing that could spend runs for it afterwards, in
    any process (resume, tick, retries). What is paused is what the ledger *or* the thread's
    checkpoint knows, and each object is read back from Meta. After a launch that could not
    complete, `adpilot resume THREAD` keeps the partial tree and retries the rest; `adpilot
    stop THREAD --delete` removes what was created instead.
    """
    if (thread is None) == (not all_threads):
        fail("give a THREAD or --all (not both): `adpilot stop THREAD` or `adpilot stop --all`")
    if delete and thread is None:
        fail("--delete needs one THREAD: `adpilot stop THREAD --delete`")
    announce = err_console.print if as_json else console.print
    with clear_errors(), open_environment(announce=announce, **_policy_or_default()) as env, \
            ExitStack() as stack:
        factory: Any = env.client_factory
        ledger, damaged = _open_ledger(factory)
        if damaged:
            err_console.print(f"[red]warning:[/] {damaged}. Stopping what the checkpoints know; "
                              "the pauses are not ledgered. Restore the ledger from a backup "
                              "(`adpilot audit verify` checks it).")
            factory = factory.without_ledger()
        runner, known_threads, cp_damaged = _open_checkpoints(stack, env)
        if cp_damaged:
            err_console.print(f"[red]warning:[/] {cp_damaged}. Stopping what the ledger knows.")
        source = ("neither the ledger nor the checkpoints could be read: pause the account's "
                  "campaigns in Ads Manager" if damaged and cp_damaged else
                  "stopped from the checkpoints only" if damaged else
                  "stopped from the ledger only" if cp_damaged else None)
        damaged = "; ".join(p for p in (damaged, cp_damaged) if p) or None
        ledgered = sorted({str(r["thread_id"]) for r in ledger.rows(None) if r.get("thread_id")}
                          ) if ledger is not None else []
        # --all: every thread either store knows (a LangGraph Server thread is only ledgered).
        threads = [thread] if thread is not None else sorted({*known_threads, *ledgered})
        if thread is not None and thread not in known_threads and not cp_damaged and \
                thread not in ledgered:
            fail(f"no thread {thread!r} in the checkpoints or the ledger under {env.home}; "
                 "nothing to stop (list threads with `adpilot status`)")
        unsafe: list[str] = []  # why this stop may not hold: exit 1 and say it
        try:
            safety.mark_stopped(env.home, threads)  # first: writes that could spend now fail
        except StorageError as exc:
            unsafe.append(f"the stop could not be recorded ({exc}), so a later resume could "
                          "still write")
        if delete and thread is not None:
            if ledger is None:
                fail("--delete needs the ledger (it deletes newest first by its order); "
                     "run `adpilot stop THREAD` to pause instead")
            with _leases(runner, threads, unsafe):
                report = safety.compensate(thread, ledger=ledger, client_for=factory,
                                           mode="delete")
        else:
            def pause() -> safety.SafetyReport:
                known = checkpoint_targets(runner, threads, factory(thread)) if runner else []
                return safety.stop(thread, ledger=ledger, client_for=factory, known=known,
                                   mark=False)

            # Pause at once; then, once every run in progress has ended (each stops at its
            # next write that could spend), pause and read back again: what such a run sent
            # in the meantime is caught by the second pass.
            first = pause()
            with _leases(runner, threads, unsafe):
                report = first.then(pause())
        for why in unsafe:
            err_console.print(f"[red]warning:[/] {why}")
        accounts = _accounts_of(runner, threads)
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "storage_problem": damaged,
                               "accounts": accounts}, indent=2))
    else:
        console.print(_report_table(report, accounts))
        console.print(f"Paused {len(report.paused)}, deleted {len(report.deleted)}, already off "
                      f"{len(report.already_off)}, failed {len(report.failed)}.")
        throttled = [f["error"].get("until") for f in report.failed if f["error"].get("until")]
        if throttled:
            err_console.print(f"Meta throttled the account until {max(throttled)}: run the same "
                              "`adpilot stop` again then (it skips what is already paused).")
        if damaged:
            err_console.print(f"[red]{source}[/] ({damaged})")
    raise typer.Exit(0 if report.ok and not damaged and not unsafe else 1)


def _open_checkpoints(stack: ExitStack, env: Any) -> tuple[Any, list[str], str | None]:
    """Open the runner and list its threads, or say why not (the kill switch goes on)."""
    try:
        runner = stack.enter_context(open_runner(env.home, env.context))
        return runner, runner.threads(), None
    except StorageError as exc:
        return None, [], str(exc)


@contextmanager
def _leases(runner: Any, threads: list[str], unsafe: list[str]) -> Iterator[None]:
    """Hold the threads' leases, waiting for runs in progress until one shared deadline.

    A holder that does not let go by then (the lease's lifetime) is named in `unsafe`: the
    stop went ahead around it, and the command exits 1 so it is run again.
    """
    from state.control import ThreadBusy

    deadline = time.monotonic() + _stop_wait(runner)
    with ExitStack() as stack:
        for tid in threads if runner is not None else []:
            try:
                stack.enter_context(runner.lease(tid, wait_s=max(0.0, deadline - time.monotonic())))
            except ThreadBusy as busy:
                unsafe.append(f"{busy}. It was paused around that run; run `adpilot stop` again "
                              "once it has ended")
        yield


def _stop_wait(runner: Any) -> float:
    control = getattr(runner, "control", None)
    return float(control.ttl_s) if control is not None else 0.0


@app.command()
@talks_to_meta
def undo(
    thread: Annotated[str, typer.Argument(help="the thread the action belongs to")],
    action: Annotated[str, typer.Argument(help="ledger write id (or its first 6+ characters)")],
    yes: Annotated[bool, typer.Option("--yes", help="approve a spend-raising undo as shown")] = False,
) -> None:
    """Restore the before-values of one applied action (asks for approval if it raises spend)."""
    with session() as (env, runner), runner.lease(thread):
        factory: Any = env.client_factory
        kw: dict[str, Any] = {"ledger": factory.ledger, "client_for": factory,
                              "policy": env.context.policy}
        try:
            result = undo_mod.undo(thread, action, **kw)
            if result.status == "needs_approval" and result.approval is not None:
                console.print(result.approval["description"])
                if not yes:
                    console.print("Not applied. Re-run with --yes to approve this undo.")
                    raise typer.Exit(EXIT_INVALID)
                result = undo_mod.undo(thread, action, receipt=result.approval["receipt"], **kw)
        except ValueError as exc:
            fail(str(exc))
    if result.status == "refused":
        err_console.print("[red]Refused by the money gate[/] (nothing was sent):\n"
                          + format_refusals(result.refusals))
        raise typer.Exit(EXIT_INVALID)
    if result.status == "unchanged":
        console.print(result.message)
        return
    console.print(f"Undone: {result.action['description']}")


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Verify the ledger's hash chain and every write's status history."""
    try:
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
    from graph.checkpointer import open_checkpointer
    from graph.runner import Runner

    home = adpilot_home()
    if not (home / "checkpoints.sqlite").exists() and not os.environ.get("ADPILOT_CHECKPOINT_URL"):
        return {}
    out: dict[str, list[str]] = {}
    try:
        with open_checkpointer(home) as saver:
            runner = Runner(build_graph(checkpointer=saver), None)
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
    if not ledger_exists(adpilot_home()):
        fail(f"no ledger at {describe_ledger(adpilot_home())}: set ADPILOT_HOME to the "
             "directory of a run")
    ledger = Ledger.in_home(adpilot_home())
    try:
        rows = ledger.rows(thread)
    finally:
        ledger.close()
    if as_json:
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
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
    table = Table("setting", "value", "meaning")
    for f in dataclasses.fields(Policy):
        if f.name == "source":
            continue
        value = body[f.name]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        table.add_row(f.name, shown or "—", f.metadata.get("description", ""))
    console.print(table)
    console.print(f"source: {body['source']}\ndigest: {body['digest']}")
