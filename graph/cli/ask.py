"""The request commands: `ask` (a question or a one-off action) and `watch` (adopt a campaign).

`adpilot ask REQUEST` starts a thread at the orchestrator's router (docs/design.md §1): a
question is answered at once, read-only (a sentence and a table; `--json` for machines,
`--chart FILE` for a picture); an action request stops at one approval card (answer it with
`adpilot approve THREAD`, like any card); an unclear request stops at a question (`adpilot
resume THREAD --answer "..."`); what adpilot cannot do is refused, saying why (exit 2).

`adpilot watch CAMPAIGN_ID` adopts an existing campaign into the optimise loop: the thread
reads its tree from Meta, checks the money gate's caps, and waits for data like a launched
campaign (`adpilot tick`, `adpilot optimize`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.cli.common import (
    EXIT_INVALID,
    MAX_CYCLES_HELP,
    exit_code,
    fail,
    limit_cycles,
    report,
    session,
    talks_to_meta,
)
from graph.cli.console import console, err_console, run_display
from graph.cli.inputs import bounded_text
from graph.cli.root import app

if TYPE_CHECKING:
    from graph.runner import Outcome


def _show_answer(outcome: Outcome, as_json: bool, chart: Path | None) -> None:
    values = outcome.values
    answer = values.get("answer") or {}
    if as_json:
        typer.echo(json.dumps({"thread": outcome.thread_id, "account": values.get("account"),
                               "intent": values.get("intent"), "answer": answer}, indent=2,
                              default=str))
    else:
        from rich.table import Table

        for note in (values.get("intent") or {}).get("notes") or []:
            console.print(f"[yellow]{note}[/]")  # e.g. a close name read as an existing one
        console.print(str(values.get("status") or answer.get("sentence") or ""))
        from agents.insights.answer import Answer

        typed = Answer.model_validate(answer)
        if typed.columns and typed.rows:
            table = Table(*typed.columns)
            for cells in typed.table():
                table.add_row(*cells)
            console.print(table)
        for note in typed.notes:
            console.print(f"[dim]{note}[/]")
    if chart is not None:
        from agents.insights.answer import Answer as Drawn
        from agents.insights.answer import render_chart

        drawn = render_chart(Drawn.model_validate(answer), chart)
        console.print(f"Chart: {drawn}" if drawn else "No chart: the answer has no rows to draw.")


def finish_ask(outcome: Outcome, *, as_json: bool, chart: Path | None, home: Path) -> int:
    """Show where an `ask` thread stopped (its answer, card or refusal, and why); its exit code."""
    phase = outcome.values.get("phase")
    if phase == "answered" and outcome.done:
        for note in [] if as_json else outcome.notes:
            console.print(f"[yellow]Note:[/] {note}")
        _show_answer(outcome, as_json, chart)
        return 0
    code = EXIT_INVALID if phase == "unsupported" else exit_code(outcome)
    if as_json:  # where the thread stopped, as every command's --json says it (and the intent)
        from graph.cli.cards_seen import record_shown
        from graph.cli.exits import outcome_json

        if outcome.interrupt is not None:  # a card printed as JSON was shown, like a drawn one
            record_shown(home, outcome.thread_id, outcome.interrupt_id, outcome.interrupt)
        doc = {**outcome_json(outcome, code), "thread": outcome.thread_id,
               "intent": outcome.values.get("intent")}
        typer.echo(json.dumps(doc, indent=2, default=str))
    else:
        report(outcome, home=home)
        if outcome.done and phase in ("unsupported", "nothing_to_do"):
            console.print(str(outcome.values.get("status") or ""))
            summary = ((outcome.values.get("optimize") or {}).get("proposal") or {}).get("summary")
            for line in summary or []:  # what was checked, and why nothing is proposed
                console.print(f"  {line}")
        if outcome.waiting_for == "approval":
            console.print(f"Approve with `adpilot approve {outcome.thread_id}` (or reject with "
                          "--reject REASON); nothing changes on Meta before that.")
    return code


@app.command()
@talks_to_meta
def ask(request: Annotated[str, typer.Argument(help="what you want, in words")],
        thread: Annotated[str | None, typer.Option(help="thread id (default: a new one)")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
        chart: Annotated[Path | None, typer.Option(help="a question: also draw a chart (PNG)")] = None,
        ) -> None:
    """Ask about existing campaigns, or ask for a change (it stops at an approval card)."""
    bounded_text(request, "REQUEST", "say it in a sentence or two, e.g. \"how did Spring Sale "
                 "do last week?\"")
    text = request.strip()
    if not text:
        fail("REQUEST is empty: say what you want, e.g. \"how did Spring Sale do last week?\"")
    with session(quiet=as_json) as (env, runner), run_display(err_console if as_json else console) as display:
        outcome = runner.start("", thread, request=text, on_update=display)
        display.close()
        code = finish_ask(outcome, as_json=as_json, chart=chart, home=env.home)
    raise typer.Exit(code)


def _money(text: str, currency: str) -> int:
    """Read --target-cpa with the router's money reader (local formats; never converted)."""
    from agents.orchestrator.routing.amounts import money_minor

    found = money_minor(text, currency)
    if found is None:
        fail(f"--target-cpa {text!r}: give an amount more than 0 in the account's currency "
             f"({currency}), e.g. 40 or 12.50")
    minor, written = found
    if written != currency.upper():
        fail(f"--target-cpa {text!r} is in {written}; this account spends {currency} and adpilot "
             f"never converts money: give the target in {currency}")
    return minor


@app.command()
@talks_to_meta
def watch(campaign_id: Annotated[str, typer.Argument(help="the Meta id of the campaign to adopt")],
          target_cpa: Annotated[str | None, typer.Option(
              help="target cost per result in the account's currency, e.g. 40")] = None,
          target_roas: Annotated[float | None, typer.Option(help="target ROAS, e.g. 2.5")] = None,
          thread: Annotated[str | None, typer.Option(help="thread id (default: a new one)")] = None,
          max_cycles: Annotated[int | None, typer.Option(
              "--max-cycles", min=0, help=MAX_CYCLES_HELP)] = None,
          ) -> None:
    """Adopt an existing campaign into the optimise loop (cards, money gate, reports)."""
    if not campaign_id.strip().isdigit():
        fail(f"CAMPAIGN_ID {campaign_id!r}: give the campaign's numeric Meta id (see `adpilot "
             "ask \"list my campaigns\"` or Ads Manager)")
    if target_cpa is not None and target_roas is not None:
        fail("give --target-cpa or --target-roas, not both")
    if target_roas is not None and not target_roas > 0:
        fail("--target-roas must be more than 0, e.g. 2.5")
    with session() as (env, runner), run_display() as display:
        limit_cycles(runner, max_cycles)
        value: dict[str, Any] = {"campaign_id": campaign_id.strip()}
        if target_cpa is not None:
            value["target_cpa_minor"] = _money(target_cpa, env.context.currency)
        if target_roas is not None:
            value["target_roas"] = target_roas
        outcome = runner.start("", thread, watch=value, on_update=display)
        display.close()
        report(outcome, home=env.home)
        console.print(str(outcome.values.get("status") or ""))
    raise typer.Exit(EXIT_INVALID if outcome.values.get("phase") in ("unsupported", "refused")
                     else exit_code(outcome))
