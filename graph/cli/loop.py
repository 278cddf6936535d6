"""CLI commands of the optimise loop: `tick`, `optimize`, `report` (wired to agents/optimize/nodes.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from agents.common.throttle import WAIT_NODE
from graph.cli.common import drive, exit_code, fail, report, session, talks_to_meta
from graph.cli.console import console, err_console, run_display
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


def _retry_notifications(home: Any) -> str:
    """Send what earlier runs could not deliver (tools/notify); a clause for the summary."""
    from tools.notify import retry_pending

    try:
        sent = retry_pending(home)
    except Exception as exc:  # noqa: BLE001 - a notification never stops a tick
        return f" Notifications not retried ({type(exc).__name__}: {exc})."
    if not any(sent.values()):
        return ""
    return (f" Notifications: {sent['delivered']} sent, {sent['pending']} still pending, "
            f"{sent['failed']} given up.")


def wake_due(runner: Runner, thread_id: str, now: datetime, *, yes: bool = False,
             on_update: Any = None, home: Any = None) -> Outcome | None:
    """Resume `thread_id` if its timer is due at `now` or an alert wakes it (else None).

    Between optimise cycles a thread whose timer is not due is looked at for alerts
    (`agents/optimize/alerts.py`); one that wakes it is resumed with the alerts' wake value,
    which names only their kinds: the thread finds them on Meta's data itself before it shows
    a card.
    """
    from graph.ticking import between_cycles, wake_value

    current = runner.status(thread_id)
    payload = current.interrupt or {}
    if current.waiting_for != "wait":
        return None
    # The one rule every ticker uses (graph/ticking.py): a throttle wait on wall time, an
    # optimise timer on the account's clock (the sandbox's simulated one there).
    value: dict[str, Any] | None = wake_value(payload, now, datetime.now(UTC))
    if value is None and between_cycles(payload, current.next):
        value = _loop_module("agents.optimize.alerts").tick_wake(
            current.values, runner.context, now, thread_id, say=console.print)
    if value is None:
        return None
    outcome = runner.resume(thread_id, value, expect="wait", on_update=on_update)
    return drive(runner, outcome, yes=yes, on_update=on_update, home=home)


@app.command()
@talks_to_meta
def tick(advance_days: Annotated[int, typer.Option(
            min=0, max=3650, help="move the sandbox clock forward first (0-3650 days)")] = 0,
         yes: Annotated[bool, typer.Option("--yes", help="approve optimise cards without asking")] = False,
         every: Annotated[str | None, typer.Option(
             "--every", help="keep running, waking due threads every DURATION (15m, 10s, 1h; "
             "`default`: ADPILOT_TICK_EVERY, else 15m) until SIGTERM or Ctrl-C — for a "
             "service manager")] = None) -> None:
    """Wake every thread of this ad account whose timer is due or whose campaign has an alert.

    Threads of other accounts are listed as skipped, with the `--account` that wakes them.
    A thread that fails is reported and the others still run (exit 1 at the end). With
    `--every` the command keeps running: one pass per period, one line per thread woken,
    skipped or failed (each naming its thread), a failing pass logged and tried again next
    period, and a clean exit on SIGTERM or Ctrl-C once the thread being advanced is saved.
    """
    if every is None:
        with session(answering=yes) as (env, runner), run_display() as display:
            if advance_days:
                _advance(env, advance_days)
            code = _tick_pass(env, runner, yes=yes, display=display)
        raise typer.Exit(code)
    from state.durations import parse_duration, tick_every

    if advance_days:
        fail("--advance-days moves the sandbox clock once; it does not combine with --every "
             "(move the clock with `adpilot tick --advance-days N` from another shell)")
    try:
        period = tick_every() if every.strip().lower() == "default" else \
            parse_duration(every, "--every")
    except ValueError as exc:
        fail(str(exc))
    raise typer.Exit(_tick_service(period, yes=yes))


def _tick_pass(env: Any, runner: Runner, *, yes: bool, display: Any = None,
               log: Any = None, stopping: Any = None) -> int:
    """Wake every due thread once; return the exit code (1 when a thread failed).

    Interactive (`log` None): progress, cards and the CLI's usual report. As a service:
    one plain line per thread through `log`, and no new thread once `stopping` is set.
    """
    from agents.orchestrator.nodes import run_now

    now = run_now(env.context)  # the sandbox's simulated clock there
    woke, failed, code = 0, 0, 0
    for tid in runner.threads():
        if stopping is not None and stopping.is_set():
            break  # SIGTERM / Ctrl-C: the thread before this one is saved; stop here
        try:
            current = runner.status(tid)
            if (elsewhere := runner.account_problem(current)) is not None:
                if current.waiting_for == "wait":  # its cards are about that account
                    _say(log, tid, f"skipped: {elsewhere}")
                continue
            try:
                with runner.lease(tid, wait_s=0):  # a thread another process runs is skipped
                    after = wake_due(runner, tid, now, yes=yes, on_update=display, home=env.home)
            except ThreadBusy as busy:
                if display is not None:
                    display.close()
                _say(log, tid, f"skipped: {busy.thread_id} is being advanced by "
                     f"{busy.holder.describe() if busy.holder else 'another process'}")
                continue
        except typer.Exit:
            if log is None:
                raise  # the CLI already said why (e.g. --yes met a card that needs more)
            failed += 1
            _say(log, tid, "FAILED: it needs a person (see the message above)", error=True)
            continue
        except Exception as exc:  # noqa: BLE001 - one thread's failure never stops the others
            failed += 1
            if display is not None:
                display.close()
            _say(log, tid, f"FAILED: {type(exc).__name__}: {exc} — it stays where it was; "
                 f"`adpilot status {tid}`, then `adpilot resume {tid}`", error=True)
            continue
        if after is not None:
            woke += 1
            if log is None:
                display.close()
                report(after, show_created=False, home=env.home)
            else:
                _say(log, tid, _woke_line(after))
            code = max(code, exit_code(after))
    summary = f"{woke} thread(s) woken (clock: {now.isoformat()})."
    if failed:
        summary = f"{woke} thread(s) woken, {failed} FAILED (clock: {now.isoformat()})."
    summary += _retry_notifications(env.home)
    if log is None:
        console.print(summary)
    else:
        log(f"tick: {summary}")
    return max(code, 1 if failed else 0)


def _say(log: Any, thread_id: str, text: str, *, error: bool = False) -> None:
    """One line about one thread: to the service log, else to the console."""
    if log is not None:
        log(f"thread {thread_id}: {text}", error=error)
    elif error:
        err_console.print(f"[red]thread {thread_id}:[/] {text}", highlight=False)
    else:
        console.print(text if text.startswith("skipped:") else f"thread {thread_id}: {text}")


def _woke_line(outcome: Outcome) -> str:
    """Where a woken thread stands now, in one line."""
    status = str(outcome.values.get("status") or "").splitlines()
    said = status[0] if status else "woken"
    payload = outcome.interrupt or {}
    if outcome.waiting_for == "approval":
        return f"woke: {said}; a card waits for approval — `adpilot approve {outcome.thread_id}`"
    if outcome.waiting_for == "wait":
        return f"woke: {said}; next timer {payload.get('until')}"
    if outcome.waiting_for:
        return f"woke: {said}; waits for {outcome.waiting_for} — `adpilot status {outcome.thread_id}`"
    if outcome.done:
        return f"woke: {said}; the thread ended (phase {outcome.values.get('phase')})"
    return f"woke: {said}; stopped before {', '.join(outcome.next)}"


def _tick_service(period: Any, *, yes: bool) -> int:
    """Run `_tick_pass` every `period` until SIGTERM or Ctrl-C; 0 on a clean stop.

    Each pass opens the environment afresh (settings, the policy file and the checkpoint
    store as they are now); a pass that cannot start is logged and tried again next period.
    """
    import signal
    import sys
    import threading

    stopping = threading.Event()

    def log(line: str, *, error: bool = False) -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        print(f"{stamp} {line}", file=sys.stderr if error else sys.stdout, flush=True)

    def stop(signum: int, _frame: Any) -> None:
        if stopping.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now
        stopping.set()
        log(f"tick: {signal.Signals(signum).name} received; stopping once the current thread "
            "is saved")

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    passes = 0
    log(f"tick: checking due timers every {period} (SIGTERM or Ctrl-C stops)")
    try:
        while not stopping.is_set():
            passes += 1
            try:
                with session(quiet=True, answering=yes) as (env, runner):
                    _tick_pass(env, runner, yes=yes, log=log, stopping=stopping)
            except typer.Exit as exited:  # the session could not open; said on stderr
                log(f"tick: pass {passes} could not run (exit {exited.exit_code}); trying again "
                    f"in {period}", error=True)
            except Exception as exc:  # noqa: BLE001 - the service outlives one bad pass
                log(f"tick: pass {passes} failed: {type(exc).__name__}: {exc}; trying again in "
                    f"{period}", error=True)
            stopping.wait(period.total_seconds())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log(f"tick: stopped after {passes} pass(es)")
    return 0


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
    """Run an optimise cycle for a thread now, instead of waiting for its timer.

    A card may propose a creative refresh: new ads beside a tired one. Their copy is written by
    the model ADPILOT_MODEL names, following ADPILOT_HOME/brand.md (short brand guidelines) when
    that file exists, and by templates otherwise. An edit (`adpilot approve THREAD --edit FILE`)
    may drop variants, rewrite their copy or give one a new image file (`image_file`).
    """
    loop = _loop_module("agents.optimize.nodes")
    asks = [r.strip() for r in request or []]
    if any(not r for r in asks):
        fail('--request is empty: say what to change, e.g. --request "raise the budget of '
             'Spring Sale to $80 a day"')
    for ask in asks:
        bounded_text(ask, "--request", 'say it in a sentence, e.g. --request "raise the budget '
                      'of Spring Sale to $80 a day"')
    with session(answering=yes) as (env, runner), runner.lease(thread), run_display() as display:
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
