"""The `adpilot` command line (Typer + Rich): plan, run, approve, resume, status, demo, sandbox."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from agents.common import LaunchError
from graph.cards_seen import last_shown, record_shown
from graph.console import (
    console,
    err_console,
    refusals_of,
    run_display,
    show_interrupt,
    show_plan_problems,
    show_refusals,
    status_table,
)
from graph.environment import Environment, open_environment
from graph.runner import Outcome, Runner, StaleDecision, open_runner
from state import bounds
from state.control import LeaseLost, ThreadBusy, ThreadStopped
from state.secrets import install_log_scrubbing
from state.storage import StorageError
from tools.errors import MetaError

app = typer.Typer(help="Run Meta ads from natural-language briefs; a human approves every spend.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
sandbox_app = typer.Typer(help="The local Meta Marketing API emulator.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")


@app.callback()
def _setup_logging() -> None:
    """Log to stderr at ADPILOT_LOG_LEVEL (default WARNING), every record scrubbed of secrets."""
    # The SDK and urllib3 put the access token in request URLs; a DEBUG run must not leak it.
    level = os.environ.get("ADPILOT_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING),
                        format="%(levelname)s %(name)s: %(message)s")
    install_log_scrubbing()

EXIT_INVALID = 2  # the brief, plan, file or decision needs fixing; nothing was written


def read_brief(brief: str) -> str:
    """Return the brief text: the argument itself, a file it names, or stdin for "-"."""
    if brief == "-":
        brief = sys.stdin.read()
    else:
        path = Path(brief)
        if len(brief) < 255 and "\n" not in brief and path.suffix in (".txt", ".md") and \
                path.is_file():
            try:
                brief = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                fail(f"BRIEF file {path} is not UTF-8 text (byte {exc.start}): save it as plain "
                     "UTF-8 text, or paste the brief as the argument")
            except OSError as exc:
                fail(f"BRIEF file {path} cannot be read ({exc.strerror}): check its permissions")
    if "\x00" in brief:
        fail("BRIEF contains binary data (NUL bytes): give the brief as plain text")
    if not brief.strip():
        fail("BRIEF is empty: describe the campaign, e.g. \"Sell running shoes in the US, $50/day\"")
    return brief


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print an error and exit with `code`."""
    err_console.print(f"[red]error:[/] {message}")
    raise typer.Exit(code)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Turn Meta, launch and input errors into a one-line message and an exit code."""
    try:
        yield
    except MetaError as exc:
        fail(f"Meta refused or failed: {exc}", code=1)
    except LaunchError as exc:
        fail(str(exc), code=1)
    except (KeyError, ValueError, ThreadBusy, ThreadStopped) as exc:
        fail(str(exc).strip("'\""))
    except (StorageError, LeaseLost) as exc:
        fail(str(exc), code=1)


@contextmanager
def session(*, embedded: bool | None = None, quiet: bool = False, **kw: Any) -> Iterator[tuple[Environment, Runner]]:
    """Open the environment and a runner, with clear errors."""
    announce = err_console.print if quiet else console.print
    with clear_errors(), open_environment(embedded=embedded, announce=announce, **kw) as env, \
            open_runner(env.home, env.context) as runner:
        yield env, runner


def report(outcome: Outcome, *, show_created: bool = True, home: str | Path | None = None) -> None:
    """Say where a run stopped and what to do next (an approval card shown is recorded in `home`)."""
    from graph.console import created_table

    values = outcome.values
    if outcome.interrupt is not None:
        show_interrupt(outcome.thread_id, outcome.interrupt)
        if home is not None:
            record_shown(home, outcome.thread_id, outcome.interrupt_id, outcome.interrupt)
    elif values.get("phase") in ("unplannable", "invalid"):
        console.print(f"[red]The plan cannot launch[/] (thread {outcome.thread_id}); nothing was written:")
        show_plan_problems(values)
    elif values.get("phase") == "rejected":
        console.print(f"Rejected: thread {outcome.thread_id} ended; nothing was written.")
    elif values.get("phase") == "refused" and outcome.done:
        console.print(f"[red]The money gate refused the launch[/] (thread {outcome.thread_id}); "
                      "it ended with nothing written.")
    elif outcome.next:
        console.print(f"Thread {outcome.thread_id} stopped before {', '.join(outcome.next)}; "
                      f"continue with `adpilot resume {outcome.thread_id}`")
    if show_created and values.get("created"):
        console.print(created_table(values["created"]))
    show_refusals(refusals_of(outcome.updates))


def exit_code(outcome: Outcome, *, answered: bool = False) -> int:
    """Return 2 when the plan cannot launch, something was refused, or the answer was refused.

    `answered`: the command just answered a card, so a card asked again with an error means
    that answer was refused. Otherwise 0.
    """
    refused = outcome.values.get("phase") == "refused" or refusals_of(outcome.updates)
    invalid = outcome.values.get("phase") in ("unplannable", "invalid")
    answer_refused = answered and (outcome.interrupt or {}).get("error")
    return EXIT_INVALID if invalid or refused or answer_refused else 0


def approve_value(decision: dict[str, Any], payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the resume value applying `decision` to every action of the pending approval.

    The value quotes the card's receipt, so it can only answer the card the person was shown.
    """
    count = len((payload or {}).get("action_requests") or [None])
    value: dict[str, Any] = {"decisions": [decision] * count}
    if (payload or {}).get("receipt"):
        value["receipt"] = payload["receipt"]  # type: ignore[index]
    return value


DECISIONS_FIX = ("Nothing was sent to Meta; write one decision per action of the card, e.g. "
                 '{"decisions": [{"type": "approve"}]}')


def read_decisions_file(path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the resume value in a decisions file, checked against the pending card's size.

    The file is bounded like every resume value (`state/bounds.py`): at most
    `MAX_JSON_FILE_BYTES` on disk, `MAX_RESUME_BYTES` / `MAX_RESUME_DEPTH` as JSON.
    """
    field = f"--decisions {path}"
    try:
        doc = bounds.read_json_file(path, field, max_bytes=bounds.MAX_JSON_FILE_BYTES,
                                    max_depth=bounds.MAX_RESUME_DEPTH, fix=DECISIONS_FIX)
    except bounds.BoundsError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{field}: cannot read it ({exc.strerror})")
    except UnicodeDecodeError as exc:
        fail(f"{field}: not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON")
    except json.JSONDecodeError as exc:
        fail(f"{field}: not valid JSON ({exc.msg}, line {exc.lineno})")
    decisions = doc.get("decisions") if isinstance(doc, dict) else doc
    wanted = len(payload.get("action_requests") or [])
    if not isinstance(decisions, list) or len(decisions) != wanted:
        fail(f"--decisions {path}: give a list of {wanted} decisions, one per action in card "
             'order, each {"type": "approve"}, {"type": "reject", "message": "..."} or '
             '{"type": "edit", "edited_action": {"name": ..., "args": {...}}}')
    value: dict[str, Any] = {"decisions": decisions}
    # A receipt quoted in the file says which card it answers; it is never replaced.
    quoted = doc.get("receipt") if isinstance(doc, dict) else None
    if quoted is not None or payload.get("receipt"):
        value["receipt"] = quoted if quoted is not None else payload["receipt"]
    try:
        bounds.check_resume_value(value, field)
    except bounds.BoundsError as exc:
        fail(str(exc))
    return value


def drive(runner: Runner, outcome: Outcome, *, yes: bool, on_update: Any, max_waits: int = 0,
          confirm: str | None = None, home: str | Path | None = None) -> Outcome:
    """With --yes, approve approval interrupts (printing each card) until the thread stops elsewhere.

    A launch budget the card spells out (far above the account's history) also needs
    `confirm` (`--confirm-budget`): --yes alone exits 2.
    """
    from graph.spend_confirm import confirm_problem

    updates = list(outcome.updates)
    while yes and outcome.waiting_for == "approval":
        if (outcome.interrupt or {}).get("error"):
            return outcome  # --yes answered this card and it was refused: stop and show why
        show_interrupt(outcome.thread_id, outcome.interrupt or {})
        if home is not None:
            record_shown(home, outcome.thread_id, outcome.interrupt_id, outcome.interrupt or {})
        if (problem := confirm_problem(outcome, confirm, yes=True)) is not None:
            fail(problem)
        console.print("[bold green]--yes: approved[/]")
        value = approve_value({"type": "approve"}, outcome.interrupt)
        outcome = runner.resume(outcome.thread_id, value, expect="approval",
                                interrupt_id=outcome.interrupt_id, on_update=on_update)
        updates += outcome.updates
    outcome.updates = updates  # every refusal of the run is reported, not only the last step's
    return outcome


@app.command()
def plan(brief: Annotated[str, typer.Argument(help="the brief text, a .txt/.md file, or - for stdin")],
         as_json: Annotated[bool, typer.Option("--json", help="print {plan, problems, warnings}")] = False) -> None:
    """Plan a brief and check it locally; writes nothing anywhere."""
    from agents.orchestrator.nodes import (
        account_now,
        account_today,
        check_locally,
        run_planner,
        unique_issues,
    )

    text = read_brief(brief)
    with clear_errors(), open_environment(announce=err_console.print if as_json else console.print) as env:
        ctx = env.context
        now = account_now(ctx)
        result = run_planner(text, ctx, today=account_today(ctx, now=now))
    from agents.orchestrator.nodes import issue_dicts

    problems = issue_dicts(result.problems) + [
        {"path": q.get("field", "brief"),
         "message": (f"{q.get('kind', 'missing').replace('_', ' ')}: " if q.get("kind") not in
                     (None, "missing") else "missing: ") + str(q.get("question", q)),
         "fix": "answer it in the brief" + (", or waive it in `adpilot run`"
                                            if q.get("kind") in ("not_understood", "unsupported") else ""),
         "rule": q.get("kind", "missing"), **({"phrase": q["phrase"]} if q.get("phrase") else {})}
        for q in issue_dicts(result.questions)]
    warnings = issue_dicts(result.warnings)
    if result.plan is not None:
        more_problems, more_warnings = check_locally(result.plan, ctx, now)
        problems, warnings = unique_issues(problems + more_problems), unique_issues(warnings + more_warnings)
    if as_json:
        typer.echo(json.dumps({"plan": result.plan, "problems": problems, "warnings": warnings,
                               "not_understood": result.not_understood,
                               "adjustments": result.adjustments}, indent=2, default=str))
    else:
        from rich.markdown import Markdown

        from agents.orchestrator.card import reading_lines, render_card

        reading = {"not_understood": result.not_understood, "adjustments": result.adjustments}
        if result.plan is not None:
            console.print(Markdown(render_card(result.plan, problems=problems, warnings=warnings,
                                               reading=reading)))
        else:
            console.print(Markdown("\n".join(reading_lines(reading))))
            show_plan_problems({"problems": problems, "warnings": warnings})
    raise typer.Exit(EXIT_INVALID if problems else 0)


def read_plan_file(path: Path, option: str) -> dict[str, Any]:
    """Return the plan in a JSON file (a bare plan or `adpilot plan --json` output).

    Bounded (`state/bounds.py`): at most `MAX_JSON_FILE_BYTES` on disk, nested at most
    `MAX_PLAN_DEPTH` levels (checked on the text, before parsing), and the plan at most
    `MAX_PLAN_BYTES` as JSON; otherwise exit 2 naming the option, the limit and the fix.
    """
    field = f"{option} {path}"
    try:
        # +1: `adpilot plan --json` output holds the plan one level down ({"plan": {...}}).
        doc = bounds.read_json_file(path, field, max_bytes=bounds.MAX_JSON_FILE_BYTES,
                                    max_depth=bounds.MAX_PLAN_DEPTH + 1,
                                    fix=f"Nothing was sent to Meta; {bounds.PLAN_FIX}")
    except bounds.BoundsError as exc:
        fail(str(exc))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{field}: cannot read a JSON plan ({exc.__class__.__name__}: {exc}); write the "
             "output of `adpilot plan BRIEF --json` (its \"plan\") to a file and edit that")
    plan = doc.get("plan", doc) if isinstance(doc, dict) else None
    if not isinstance(plan, dict):
        fail(f"{field}: expected a JSON object with the plan (or {{\"plan\": {{...}}}})")
    try:
        bounds.check_plan(plan, field)
    except bounds.BoundsError as exc:
        fail(str(exc))
    return plan


@app.command()
def run(brief: Annotated[str, typer.Argument(help="the brief text, a .txt/.md file, or - for stdin")] = "",
        thread: Annotated[str | None, typer.Option(help="thread id (default: a new one)")] = None,
        plan_file: Annotated[Path | None, typer.Option("--plan", help="launch this JSON plan instead of planning a brief")] = None,
        live: Annotated[bool, typer.Option("--live", help="go live on approval (default: create PAUSED)")] = False,
        yes: Annotated[bool, typer.Option("--yes", help="approve the launch without asking")] = False,
        confirm_budget: Annotated[str | None, typer.Option(
            "--confirm-budget", help="the daily amount, typed back, when the card says the budget "
            "is far above this account's history")] = None) -> None:
    """Plan, check and show a brief for approval; stops there unless --yes."""
    plan_doc = read_plan_file(plan_file, "--plan") if plan_file is not None else None
    text = read_brief(brief) if plan_doc is None else brief
    with session() as (env, runner), run_display() as display:
        outcome = runner.start(text, thread, plan=plan_doc, go_live=live or None, on_update=display)
        outcome = drive(runner, outcome, yes=yes, on_update=display, confirm=confirm_budget,
                        home=env.home)
        display.close()
        report(outcome, home=env.home)
    raise typer.Exit(exit_code(outcome, answered=yes))


@app.command()
def approve(thread: Annotated[str, typer.Argument(help="the thread waiting for approval")],
            reject: Annotated[str | None, typer.Option(help="reject with this reason")] = None,
            edit: Annotated[Path | None, typer.Option(help="JSON file with the edited plan")] = None,
            decisions: Annotated[Path | None, typer.Option(
                help="JSON file: one decision per action of the card, in order")] = None,
            receipt: Annotated[str | None, typer.Option(
                help="answer the card with this receipt (its first 8+ characters), "
                     "wherever it was shown")] = None,
            confirm_budget: Annotated[str | None, typer.Option(
                "--confirm-budget", help="the daily amount, typed back, when the card says the "
                "budget is far above this account's history")] = None) -> None:
    """Approve (or edit, or reject) a thread's pending approval card and continue it.

    With no option every action on the card is approved. `--decisions FILE` answers a card
    action by action (approve some, edit some, reject some). The answer goes to the card
    this command line last showed for the thread (or the one `--receipt` names): when the
    pending card is another one — edited elsewhere since, or never shown here — it is shown
    and nothing is decided (exit 2); run the command again after reading it.
    """
    if sum(x is not None for x in (reject, edit, decisions)) > 1:
        fail("give only one of --reject, --edit or --decisions")
    if reject is not None:
        bounded_text(reject, "--reject", "give the reason in a sentence or two")
    if edit is not None:
        plan_doc = read_plan_file(edit, "--edit")
        decision: dict[str, Any] = {"type": "edit", "edited_action": {
            "name": "launch_campaign", "args": {"plan": plan_doc}}}
    elif reject is not None:
        decision = {"type": "reject", "message": reject}
    else:
        decision = {"type": "approve"}
    with session() as (env, runner), runner.lease(thread), run_display() as display:
        current = runner.status(thread)
        pending = current.interrupt or {}
        if current.waiting_for != "approval":
            fail(f"thread {thread!r} is not waiting for approval "
                 f"(it waits for {current.waiting_for or 'nothing'}); see `adpilot status {thread}`")
        _check_card_seen(env.home, current, receipt)
        if edit is not None and len(pending.get("action_requests") or []) > 1:
            fail("--edit edits a launch plan; this card has several actions: approve or reject it "
                 "here, or answer it action by action from LangGraph Studio / Agent Inbox")
        value = (read_decisions_file(decisions, pending) if decisions is not None
                 else approve_value(decision, pending))
        if any(isinstance(d, dict) and d.get("type") == "approve" for d in value["decisions"]):
            from graph.spend_confirm import confirm_problem

            if (problem := confirm_problem(current, confirm_budget, yes=False,
                                           prompt=typer.prompt)) is not None:
                fail(problem)
        try:
            outcome = runner.resume(thread, value, expect="approval",
                                    interrupt_id=current.interrupt_id, on_update=display)
        except StaleDecision as exc:
            display.close()
            report(exc.current, home=env.home)
            fail(str(exc))
        display.close()
        report(outcome, home=env.home)
    raise typer.Exit(exit_code(outcome, answered=True))


def bounded_text(text: str, option: str, fix: str) -> None:
    """Exit 2 when a person's text option is longer than `bounds.MAX_ANSWER_CHARS`."""
    try:
        bounds.check_text(text, option, fix=fix)
    except bounds.BoundsError as exc:
        fail(str(exc))


def _check_card_seen(home: Path, current: Outcome, receipt: str | None) -> None:
    """Refuse (exit 2, card shown) unless the pending card is the one the person saw."""
    pending = current.interrupt or {}
    full = str(pending.get("receipt") or "")
    if receipt is not None:
        if len(receipt.strip()) < 8 or not full.startswith(receipt.strip()):
            report(current, home=home)
            fail(f"--receipt {receipt}: the pending card's receipt is {full[:12]}…; it is the "
                 "card shown above (give at least 8 characters of its receipt)")
        return
    seen = last_shown(home, current.thread_id)
    if seen is None or seen.get("interrupt_id") != current.interrupt_id:
        why = ("was never shown here" if seen is None else
               "changed since it was last shown here (edited or re-issued elsewhere)")
        report(current, home=home)
        fail(f"the pending card of {current.thread_id} {why}; nothing was decided. Read it "
             "above, then run the same command again (or pass --receipt to answer it by "
             "its receipt).")


@app.command()
def resume(thread: Annotated[str, typer.Argument(help="the thread to continue")],
           answer: Annotated[str | None, typer.Option(help="answer to a clarify question")] = None) -> None:
    """Continue a thread after a crash, or answer its clarification question."""
    if answer is not None:
        bounded_text(answer, "--answer", "answer each question in a few words, e.g. a URL, a "
                      "budget, a country")
    with session() as (env, runner), runner.lease(thread), run_display() as display:
        current = runner.status(thread)
        if current.waiting_for == "clarify" and answer is not None:
            outcome = runner.resume(thread, answer, expect="clarify", on_update=display)
        elif current.interrupt is not None:
            outcome = current
        else:
            outcome = runner.continue_thread(thread, on_update=display)
        display.close()
        report(outcome, home=env.home)
        if outcome.done and not outcome.interrupt:
            console.print(f"Thread {thread} is finished.")
    raise typer.Exit(exit_code(outcome, answered=answer is not None))


@app.command()
def status(thread: Annotated[str | None, typer.Argument(help="one thread (default: all)")] = None) -> None:
    """Show where each thread stands."""
    with session() as (env, runner):
        ids = [thread] if thread else runner.threads()
        rows = []
        for tid in ids:
            out = runner.status(tid)
            rows.append({"thread": tid, "phase": out.values.get("phase"), "waiting": out.waiting_for,
                         "next": list(out.next), "campaign": (out.values.get("created") or {}).get("campaign")})
        console.print(status_table(rows))
        if thread and rows:
            report(runner.status(thread), home=env.home)


@app.command()
def demo(yes: Annotated[bool, typer.Option("--yes", help="auto-approve every card (printed)")] = False) -> None:
    """Run a sample brief end to end on the embedded sandbox (no network, no keys)."""
    from graph.demo import run_demo

    run_demo(yes=yes)


@sandbox_app.command("serve")
def sandbox_serve(
    host: Annotated[str, typer.Option(help="loopback address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port (0 = pick a free one)")] = 0,
    db: Annotated[Path | None, typer.Option(help="SQLite file (default ADPILOT_HOME/sandbox.db)")] = None,
    scenario: Annotated[str, typer.Option(help="bundled scenario name or JSON file")] = "ecommerce_usd",
    seed: Annotated[int | None, typer.Option(help="seed of the simulated delivery")] = None,
    tier: Annotated[str, typer.Option(help="access tier: development or standard")] = "standard",
    faults: Annotated[str | None, typer.Option(help="e.g. latency_ms=100,transient=0.2,seed=1")] = None,
    token: Annotated[str, typer.Option(help="the token clients must send")] = "sandbox-token",
    app_secret: Annotated[str | None, typer.Option(help="require appsecret_proof with this secret")] = None,
) -> None:
    """Serve the sandbox until Ctrl-C; prints `Sandbox listening on http://HOST:PORT`."""
    from graph.environment import adpilot_home
    from sandbox.server import serve

    try:
        serve(host=host, port=port, db=db or adpilot_home() / "sandbox.db", scenario=scenario, seed=seed,
              token=token, app_secret=app_secret, tier=tier, faults=faults)
    except ValueError as exc:
        fail(str(exc))


@app.command()
def trace(thread: Annotated[str, typer.Argument(help="the thread to trace")],
          as_json: Annotated[bool, typer.Option("--json", help="print the events as JSON")] = False) -> None:
    """Show a thread's timeline: nodes, interrupts and decisions, Meta writes (offline)."""
    from graph.environment import adpilot_home
    from graph.trace_view import render_timeline, trace_timeline

    try:
        events = trace_timeline(adpilot_home(), thread)
    except KeyError as exc:
        fail(str(exc).strip("'\""))
    if as_json:
        typer.echo(json.dumps(events, indent=2, default=str))
    else:
        render_timeline(events, console, thread_id=thread)


# Commands that live with their own modules register themselves on `app` when imported.
from graph import cli_loop, cli_safety  # noqa: E402,F401
