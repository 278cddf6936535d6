"""The launch commands: `plan`, `run`, `approve`, `resume` (`status` is in `status.py`).

`run`, `approve` and `resume` take `--json`: the human report is replaced by
`graph/cli/exits.py`'s `outcome_json` on stdout (the sandbox's line and progress go to stderr).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.cli.cards_seen import last_shown
from graph.cli.common import (
    EXIT_INVALID,
    MAX_CYCLES_HELP,
    approve_value,
    clear_errors,
    drive,
    exit_code,
    fail,
    limit_cycles,
    report,
    session,
    talks_to_meta,
)
from graph.cli.console import console, err_console, run_display, show_plan_problems
from graph.cli.inputs import bounded_text, read_brief, read_decisions_file, read_plan_file
from graph.cli.root import app

if TYPE_CHECKING:
    from graph.runner import Outcome

JSON_HELP = "print where the thread stopped as JSON (phase, waiting_for, interrupt, exit_code)"


@app.command()
@talks_to_meta
def plan(brief: Annotated[str, typer.Argument(
             help="the brief text, a .txt/.md file, or - for stdin; with --export, a THREAD")],
         export: Annotated[str | None, typer.Option(
             "--export", metavar="FILE", help="write the plan on THREAD's pending launch card to "
             "FILE (- for stdout), to edit and pass to `adpilot approve THREAD --edit FILE`")] = None,
         as_json: Annotated[bool, typer.Option("--json", help="print {plan, problems, warnings}")] = False) -> None:
    """Plan a brief and check it locally; writes nothing anywhere.

    `adpilot plan THREAD --export FILE` instead writes the plan a thread's approval card
    waits on (read from the checkpoints: no Meta call).
    """
    if export is not None:
        from graph.cli.plan_export import export_plan

        export_plan(brief, export, as_json=as_json)
        return
    from agents.orchestrator.nodes import (
        account_today,
        check_locally,
        run_now,
        run_planner,
        unique_issues,
    )
    from graph.environment import open_environment

    text = read_brief(brief)
    with clear_errors(), open_environment(announce=err_console.print if as_json else console.print) as env:
        ctx = env.context
        now = run_now(ctx)
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
                                               reading=reading, now=now)))
        else:
            console.print(Markdown("\n".join(reading_lines(reading))))
            show_plan_problems({"problems": problems, "warnings": warnings})
    raise typer.Exit(EXIT_INVALID if problems else 0)


@app.command()
@talks_to_meta
def run(brief: Annotated[str, typer.Argument(help="the brief text, a .txt/.md file, or - for stdin")] = "",
        thread: Annotated[str | None, typer.Option(help="thread id (default: a new one)")] = None,
        plan_file: Annotated[Path | None, typer.Option("--plan", help="launch this JSON plan instead of planning a brief")] = None,
        live: Annotated[bool, typer.Option("--live", help="go live on approval (default: create PAUSED)")] = False,
        yes: Annotated[bool, typer.Option("--yes", help="approve the launch without asking")] = False,
        confirm_budget: Annotated[str | None, typer.Option(
            "--confirm-budget", help="the daily amount, typed back, when the card says the budget "
            "is far above this account's history")] = None,
        max_cycles: Annotated[int | None, typer.Option(
            "--max-cycles", min=0, help=MAX_CYCLES_HELP)] = None,
        as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False) -> None:
    """Plan, check and show a brief for approval; stops there unless --yes."""
    plan_doc = read_plan_file(plan_file, "--plan") if plan_file is not None else None
    text = read_brief(brief) if plan_doc is None else brief
    with session(answering=yes, quiet=as_json) as (env, runner), \
            run_display(err_console if as_json else console) as display:
        limit_cycles(runner, max_cycles)
        started = runner.start(text, thread, plan=plan_doc, go_live=live or None, on_update=display)
        outcome = drive(runner, started, yes=yes, on_update=display, confirm=confirm_budget,
                        home=env.home, quiet=as_json)
        if outcome is not started:
            outcome.notes[:0] = started.notes
        display.close()
        report(outcome, home=env.home, as_json=as_json)
    raise typer.Exit(exit_code(outcome))


@app.command()
@talks_to_meta
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
                "budget is far above this account's history")] = None,
            as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False) -> None:
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
        plan_doc = read_plan_file(edit, "--edit", thread)
        decision: dict[str, Any] = {"type": "edit", "edited_action": {
            "name": "launch_campaign", "args": {"plan": plan_doc}}}
    elif reject is not None:
        decision = {"type": "reject", "message": reject}
    else:
        decision = {"type": "approve"}
    from graph.runner import StaleDecision

    with session(quiet=as_json) as (env, runner), runner.lease(thread), \
            run_display(err_console if as_json else console) as display:
        current = runner.status(thread)
        pending = current.interrupt or {}
        if current.waiting_for != "approval":
            fail(f"thread {thread!r} is not waiting for approval "
                 f"(it waits for {current.waits_for}); see `adpilot status {thread}`")
        _check_card_seen(env.home, current, receipt, as_json=as_json)
        if edit is not None and len(pending.get("action_requests") or []) > 1:
            fail("--edit edits a launch plan; this card has several actions: approve or reject it "
                 "here, or answer it action by action from LangGraph Studio / Agent Inbox")
        value = (read_decisions_file(decisions, pending) if decisions is not None
                 else approve_value(decision, pending))
        if any(isinstance(d, dict) and d.get("type") == "approve" for d in value["decisions"]):
            from graph.cli.spend_confirm import confirm_problem

            if (problem := confirm_problem(current, confirm_budget, yes=False,
                                           prompt=typer.prompt)) is not None:
                fail(problem)
            _note_changed_assets(thread, pending, env.context.assets,
                                 err_console if as_json else console)
        try:
            outcome = runner.resume(thread, value, expect="approval",
                                    interrupt_id=current.interrupt_id, on_update=display)
        except StaleDecision as exc:
            display.close()
            report(exc.current, home=env.home, as_json=as_json, code=EXIT_INVALID)
            fail(str(exc))
        display.close()
        report(outcome, home=env.home, as_json=as_json)
    raise typer.Exit(exit_code(outcome))


def _note_changed_assets(thread: str, pending: dict[str, Any], access: Any, out: Any) -> None:
    """Say which files changed on disk since the card pinned them (the pinned copy launches)."""
    from tools.asset_cache import asset_changes, change_text

    for action in pending.get("action_requests") or []:
        plan = (action.get("args") or {}).get("plan") if isinstance(action, dict) else None
        for change in asset_changes(plan, access) if isinstance(plan, dict) else []:
            out.print(f"[yellow]note:[/] {change_text(change, thread)}")


def _check_card_seen(home: Path, current: Outcome, receipt: str | None, *,
                     as_json: bool = False) -> None:
    """Refuse (exit 2, card shown) unless the pending card is the one the person saw."""
    pending = current.interrupt or {}
    full = str(pending.get("receipt") or "")
    if receipt is not None:
        if len(receipt.strip()) < 8 or not full.startswith(receipt.strip()):
            report(current, home=home, as_json=as_json, code=EXIT_INVALID)
            fail(f"--receipt {receipt}: the pending card's receipt is {full[:12]}…; it is the "
                 "card shown above (give at least 8 characters of its receipt)")
        return
    seen = last_shown(home, current.thread_id)
    if seen is None or seen.get("interrupt_id") != current.interrupt_id:
        why = ("was never shown here" if seen is None else
               "changed since it was last shown here (edited or re-issued elsewhere)")
        report(current, home=home, as_json=as_json, code=EXIT_INVALID)
        fail(f"the pending card of {current.thread_id} {why}; nothing was decided. Read it "
             "above, then run the same command again (or pass --receipt to answer it by "
             "its receipt).")


@app.command()
@talks_to_meta
def resume(thread: Annotated[str, typer.Argument(help="the thread to continue")],
           answer: Annotated[str | None, typer.Option(help="answer to a clarify question")] = None,
           as_json: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False) -> None:
    """Continue a thread after a crash, or answer its clarification question."""
    if answer is not None:
        bounded_text(answer, "--answer", "answer each question in a few words, e.g. a URL, a "
                      "budget, a country")
    with session(quiet=as_json) as (env, runner), runner.lease(thread), \
            run_display(err_console if as_json else console) as display:
        current = runner.status(thread)
        if answer is not None and current.waiting_for != "clarify":
            fail(f"--answer answers a question, and thread {thread} asks none: "
                 f"{_not_a_question(current)}; nothing was changed")
        if answer is not None:
            outcome = runner.resume(thread, answer, expect="clarify", on_update=display)
        elif current.interrupt is not None:
            outcome = current
        else:
            outcome = runner.continue_thread(thread, on_update=display)
        display.close()
        if outcome.values.get("intent") is not None:  # an `adpilot ask` thread: as `ask` ends
            from graph.cli.ask import finish_ask

            code = finish_ask(outcome, as_json=as_json, chart=None, home=env.home)
        else:
            report(outcome, home=env.home, as_json=as_json)
            code = exit_code(outcome)
        if outcome.done and not outcome.interrupt and not as_json:
            console.print(f"Thread {thread} is finished.")
    raise typer.Exit(code)


def _not_a_question(current: Outcome) -> str:
    """Say what a thread waits for instead of an answer, and the command that moves it on."""
    tid = current.thread_id
    if current.waiting_for == "approval":
        return f"it waits for its approval card (`adpilot approve {tid}`)"
    if current.waiting_for == "wait":
        return f"it waits for a timer (`adpilot tick`, or `adpilot optimize {tid}`)"
    if current.done:
        return "it is finished"
    return f"it waits for nothing (`adpilot resume {tid}` continues it)"
