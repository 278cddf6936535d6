"""`adpilot stop`: the kill switch, the CLI over `tools/kill_switch.py`.

`created_objects` (what a thread's checkpoint says it created) is shared with the ledger's
cross-check in `graph/cli/audit.py`. Registered on the Typer app of `graph/cli/root.py` when
`graph/cli/__init__.py` imports it; the kill switch, the ledger and the graph are imported
when a command runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.cli.common import clear_errors, fail, require_thread, talks_to_meta
from graph.cli.console import console, err_console
from graph.cli.root import app
from graph.home import adpilot_home

if TYPE_CHECKING:  # the kill switch, ledger and graph are imported when a command runs
    from rich.table import Table

    from state.ledger import Ledger
    from tools import kill_switch as safety


def _report_table(report: safety.SafetyReport, accounts: dict[str, str] | None = None) -> Table:
    """Tabulate what the stop did, with each thread's ad account (the stop spans them all)."""
    from rich.table import Table

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
    before it was saved), the campaign found by the plan's provenance (label or name tag).
    """
    from state import plan as plans
    from tools import kill_switch as safety
    from tools.errors import MetaError

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
                hit = client.find_created(f"{client._account()}/campaigns", key) if key else None
            except (ValueError, MetaError):
                hit = None
            if hit:
                found.append(safety.Target(str(hit["id"]), "campaign", tid, key))
    return found


def _open_ledger(factory: Any) -> tuple[Ledger | None, str | None]:
    """Open the ledger, or say why not (missing or damaged): the kill switch works without it."""
    import sqlite3

    from state.ledger import describe_ledger, ledger_exists
    from state.storage import StorageError

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
    from graph.environment import open_environment
    from state.storage import StorageError
    from tools import kill_switch as safety

    if (thread is None) == (not all_threads):
        fail("give a THREAD or --all (not both): `adpilot stop THREAD` or `adpilot stop --all`")
    if delete and thread is None:
        fail("--delete needs one THREAD: `adpilot stop THREAD --delete`")
    if thread is not None:
        require_thread(thread)  # before the home is opened (and created)
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
    from graph.runner import open_runner
    from state.storage import StorageError

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
