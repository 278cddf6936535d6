"""The `tick` command: wake every due thread of this ad account, one section per thread.

Interactive, each thread that has something to say (woken, skipped, failed, an alert) gets a
header naming it, and everything about it — node progress, cards, alerts, where it stopped —
is printed under that header before the next thread starts; the last line counts them.
`--json` prints `{"clock", "threads": [...], "woken", "skipped", "failed", "exit_code"}`.
`--every DURATION` keeps running as a service: one plain line per thread, each naming it.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from graph.cli.common import (
    drive,
    exit_code,
    fail,
    loop_module,
    outcome_json,
    report,
    session,
    talks_to_meta,
)
from graph.cli.console import console, err_console, run_display
from graph.cli.root import app

if TYPE_CHECKING:
    from graph.runner import Outcome, Runner


def wake_due(runner: Runner, thread_id: str, now: datetime, *, yes: bool = False,
             on_update: Any = None, home: Any = None, say: Any = None,
             quiet: bool = False) -> Outcome | None:
    """Resume `thread_id` if its timer is due at `now` or an alert wakes it (else None).

    Between optimise cycles a thread whose timer is not due is looked at for alerts
    (`agents/optimize/alerts.py`); one that wakes it is resumed with the alerts' wake value,
    which names only their kinds: the thread finds them on Meta's data itself before it shows
    a card. Each alert is said through `say` (default: printed).
    """
    from graph.ticking import wake

    loop_module("agents.optimize.alerts")  # exit 1, saying so, in a build without the loop
    outcome = wake(runner, thread_id, now, say=say or console.print, on_update=on_update)
    if outcome is None:
        return None
    return drive(runner, outcome, yes=yes, on_update=on_update, home=home, quiet=quiet)


class Section:
    """One thread's lines in an interactive tick, under a header naming the thread.

    The header is printed before the thread's first line, so a thread with nothing to say
    (not due) prints nothing at all.
    """

    def __init__(self, thread_id: str, out: Console, account: str | None = None) -> None:
        self.thread_id, self.out, self.account = thread_id, out, account
        self.opened = False

    def open(self) -> None:
        """Print the header (once)."""
        if not self.opened:
            self.opened = True
            where = f" · {self.account}" if self.account else ""
            self.out.rule(f"[bold]thread {self.thread_id}[/]{where}", align="left", style="dim")

    def say(self, text: str, *, error: bool = False) -> None:
        """Print one line about this thread under its header."""
        self.open()
        self.out.print(f"[red]{text}[/]" if error else text, highlight=False)

    def updates(self, display: Any) -> Any:
        """Wrap a `RunDisplay` so the header comes before the thread's progress lines."""
        def on_update(node: str, update: Any) -> None:
            if node != "__interrupt__":
                self.open()
            display(node, update)
        return on_update


@app.command()
@talks_to_meta
def tick(advance_days: Annotated[int, typer.Option(
            min=0, max=3650, help="move the sandbox clock forward first (0-3650 days)")] = 0,
         yes: Annotated[bool, typer.Option("--yes", help="approve optimise cards without asking")] = False,
         every: Annotated[str | None, typer.Option(
             "--every", help="keep running, waking due threads every DURATION (15m, 10s, 1h; "
             "`default`: ADPILOT_TICK_EVERY, else 15m) until SIGTERM or Ctrl-C — for a "
             "service manager")] = None,
         as_json: Annotated[bool, typer.Option(
             "--json", help="print what each thread did as JSON (one pass)")] = False) -> None:
    """Wake every thread of this ad account whose timer is due or whose campaign has an alert.

    Each thread's output is grouped under a header naming it. Threads of other accounts are
    listed as skipped, with the `--account` that wakes them. A thread that fails is reported
    and the others still run (exit 1 at the end). With `--every` the command keeps running:
    one pass per period, one line per thread woken, skipped or failed (each naming its
    thread), a failing pass logged and tried again next period, and a clean exit on SIGTERM
    or Ctrl-C once the thread being advanced is saved.
    """
    if every is None:
        with session(answering=yes, quiet=as_json) as (env, runner):
            if advance_days:
                from graph.cli.loop import _advance

                _advance(env, advance_days, out=err_console if as_json else console)
            code = _tick_pass(env, runner, yes=yes, as_json=as_json)
        raise typer.Exit(code)
    from state.durations import parse_duration, tick_every

    if advance_days:
        fail("--advance-days moves the sandbox clock once; it does not combine with --every "
             "(move the clock with `adpilot tick --advance-days N` from another shell)")
    if as_json:
        fail("--json prints one pass; with --every each pass logs one line per thread")
    try:
        period = tick_every() if every.strip().lower() == "default" else \
            parse_duration(every, "--every")
    except ValueError as exc:
        fail(str(exc))
    raise typer.Exit(_tick_service(period, yes=yes))


def _tick_pass(env: Any, runner: Runner, *, yes: bool, log: Any = None, stopping: Any = None,
               as_json: bool = False) -> int:
    """Wake every due thread once; return the exit code (1 when a thread failed).

    Interactive (`log` None): one section per thread and the CLI's usual report (with
    `as_json`, the sections go to stderr and the JSON to stdout). As a service: one plain
    line per thread through `log`, and no new thread once `stopping` is set.
    """
    from agents.orchestrator.nodes import run_now

    now = run_now(env.context)  # the sandbox's simulated clock there
    results: list[dict[str, Any]] = []
    for tid in runner.threads():
        if stopping is not None and stopping.is_set():
            break  # SIGTERM / Ctrl-C: the thread before this one is saved; stop here
        section = Section(tid, err_console if as_json else console)
        results.append(_tick_thread(env, runner, tid, now, yes=yes, log=log, section=section,
                                    as_json=as_json))
    count = {kind: sum(1 for r in results if r["result"] == kind)
             for kind in ("woken", "skipped", "failed")}
    code = max([r.get("exit_code", 0) for r in results] + [1 if count["failed"] else 0])
    summary = f"{count['woken']} thread(s) woken"
    summary += f", {count['skipped']} skipped" if count["skipped"] else ""
    summary += f", {count['failed']} FAILED" if count["failed"] else ""
    summary += f" (clock: {now.isoformat()})." + _retry_notifications(env.home)
    if log is not None:
        log(f"tick: {summary}")
    elif as_json:
        typer.echo(json.dumps({"clock": now.isoformat(), "threads": results, **count,
                               "exit_code": code}, indent=2, default=str))
    else:
        console.print(summary)
    return code


def _tick_thread(env: Any, runner: Runner, tid: str, now: datetime, *, yes: bool, log: Any,
                 section: Section, as_json: bool) -> dict[str, Any]:
    """Wake one thread if it is due, saying so in its section (or as one `log` line).

    Returns what happened to it: `result` is woken, not_due, skipped or failed.
    """
    from state.control import ThreadBusy

    def say(text: str, *, error: bool = False) -> None:
        if log is not None:
            log(f"thread {tid}: {text}", error=error)
        else:
            section.say(text, error=error)

    with run_display(section.out) as display:
        try:
            current = runner.status(tid)
            section.account = current.values.get("account")
            if (elsewhere := runner.account_problem(current)) is not None:
                if current.waiting_for == "wait":  # its cards are about that account
                    say(f"skipped: {elsewhere}")
                    return {"thread_id": tid, "result": "skipped", "reason": elsewhere}
                return {"thread_id": tid, "result": "not_due", "reason": elsewhere}
            # as a service, one line per thread: no node progress
            on_update = section.updates(display) if log is None else None
            try:
                with runner.lease(tid, wait_s=0):  # a thread another process runs is skipped
                    after = wake_due(runner, tid, now, yes=yes, on_update=on_update,
                                     home=env.home, say=say, quiet=as_json)
            except ThreadBusy as busy:
                display.close()
                why = (f"{busy.thread_id} is being advanced by "
                       f"{busy.holder.describe() if busy.holder else 'another process'}")
                say(f"skipped: {why}")
                return {"thread_id": tid, "result": "skipped", "reason": why}
        except typer.Exit:
            if log is None:
                raise  # the CLI already said why (e.g. --yes met a card that needs more)
            say("FAILED: it needs a person (see the message above)", error=True)
            return {"thread_id": tid, "result": "failed", "reason": "it needs a person"}
        except Exception as exc:  # noqa: BLE001 - one thread's failure never stops the others
            display.close()
            why = f"{type(exc).__name__}: {exc}"
            say(f"FAILED: {why} — it stays where it was; `adpilot status {tid}`, then "
                f"`adpilot resume {tid}`", error=True)
            return {"thread_id": tid, "result": "failed", "reason": why}
        if after is None:
            return {"thread_id": tid, "result": "not_due"}
        display.close()
    code = exit_code(after)
    if log is not None:
        say(_woke_line(after))
    elif as_json:  # the card is in the JSON: shown, like a printed one
        from graph.cli.cards_seen import record_shown

        record_shown(env.home, tid, after.interrupt_id, after.interrupt or {})
    else:
        section.open()
        report(after, show_created=False, home=env.home)
    return {"thread_id": tid, "result": "woken", "outcome": outcome_json(after, code),
            "exit_code": code}


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
        return f"woke: {said}; waits for {outcome.waits_for} — `adpilot status {outcome.thread_id}`"
    if outcome.done:
        return f"woke: {said}; the thread ended (phase {outcome.values.get('phase')})"
    return f"woke: {said}; stopped before {', '.join(outcome.next)}"


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
