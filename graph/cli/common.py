"""What several command groups share: exit codes and clear errors, the session, reporting.

Errors (`fail`, `clear_errors`, and JSON on stdout under `--json`) are in `graph/cli/errors.py`,
re-exported here where the command groups have always found them.

`session()` opens the environment and a runner; `report()` / `exit_code()` say where a run
stopped; `approve_value()` and `drive()` answer approval cards (the latter for --yes).

Imported by every command group when `adpilot` starts, so it imports only Typer and Rich at
the top: the graph, the Meta client and the stores are imported by the functions that use
them (`adpilot --help` and `adpilot status` start without LangGraph).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from graph.cli.console import (
    console,
    err_console,
    show_interrupt,
    show_plan_problems,
    show_refusals,
)
from graph.cli.errors import clear_errors, fail, printed_json
from graph.cli.exits import EXIT_INTERNAL, EXIT_INVALID, exit_code, outcome_json, refusals_of

if TYPE_CHECKING:
    from graph.environment import Environment
    from graph.runner import Outcome, Runner

# for the command groups
__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "clear_errors", "exit_code", "fail", "outcome_json"]


@contextmanager
def session(*, embedded: bool | None = None, quiet: bool = False, answering: bool = False,
            **kw: Any) -> Iterator[tuple[Environment, Runner]]:
    """Open the environment and a runner, with clear errors.

    A command on an existing THREAD (`talks_to_meta`) first checks the home holds it: its own
    options are checked before, so a bad option is named first, and nothing is created.

    `answering` (`--yes`): approval cards this command approves itself are not notified
    (`tools.notify.answered_here`); one it stops at is.
    """
    from graph.environment import open_environment
    from graph.runner import open_runner
    from tools.notify import answered_here

    if (thread := _EXISTING_THREAD.get()) is not None:
        require_thread(thread)  # before the home is opened (and created)
    announce = err_console.print if quiet else console.print
    held = answered_here("approval") if answering else contextlib.nullcontext()
    with clear_errors(), open_environment(embedded=embedded, announce=announce, **kw) as env, \
            open_runner(env.home, env.context) as runner, held:
        yield env, runner


def report(outcome: Outcome, *, show_created: bool = True, home: str | Path | None = None,
           as_json: bool = False, code: int | None = None) -> None:
    """Say where a run stopped and what to do next (an approval card shown is recorded in `home`).

    `as_json`: print `outcome_json` instead (with exit code `code`, default `exit_code`); a
    card in it counts as shown, like a printed one.
    """
    from graph.cli.cards_seen import record_shown
    from graph.cli.console import created_table

    if as_json:
        if home is not None and outcome.interrupt is not None:
            record_shown(home, outcome.thread_id, outcome.interrupt_id, outcome.interrupt)
        typer.echo(json.dumps(outcome_json(outcome, code), indent=2, default=str))
        printed_json()
        return
    for note in outcome.notes:  # e.g. contact data masked before the thread stored the text
        console.print(f"[yellow]Note:[/] {note}")
    values = outcome.values
    # what `created` holds was created by a launch; an adopted or asked-about campaign was not
    route = (values.get("intent") or {}).get("route")
    launched = route in (None, "new_campaign") and not values.get("adopted")
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
        what, tail = ("the launch" if launched else "the change"), "it ended with nothing written."
        if launched and (values.get("created") or {}).get("campaign"):
            # refused at activation: the tree exists, PAUSED
            what, tail = "switching the campaign on", "it ended; the campaign stays PAUSED on Meta."
        console.print(f"[red]The money gate refused {what}[/] (thread {outcome.thread_id}); {tail}")
    elif outcome.done and isinstance(end := (values.get("optimize") or {}).get("end"), dict):
        # the optimise loop ended: the campaign ended, the thread was stopped, or a limit
        console.print(f"Thread {outcome.thread_id} ended: {end.get('status')}")
    elif outcome.done and values.get("phase") == "activation_rejected":
        console.print(f"Thread {outcome.thread_id} ended: {values.get('status')}")
    elif outcome.next:
        console.print(f"Thread {outcome.thread_id} stopped before {', '.join(outcome.next)}; "
                      f"continue with `adpilot resume {outcome.thread_id}`")
    if show_created and values.get("created") and launched:
        console.print(created_table(values["created"], values.get("plan")))
    show_refusals(refusals_of(outcome.updates))


def approve_value(decision: dict[str, Any], payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the resume value applying `decision` to every action of the pending approval.

    The value quotes the card's receipt, so it can only answer the card the person was shown.
    """
    count = len((payload or {}).get("action_requests") or [None])
    value: dict[str, Any] = {"decisions": [decision] * count}
    if (payload or {}).get("receipt"):
        value["receipt"] = payload["receipt"]  # type: ignore[index]
    return value


def drive(runner: Runner, outcome: Outcome, *, yes: bool, on_update: Any, max_waits: int = 0,
          confirm: str | None = None, home: str | Path | None = None,
          quiet: bool = False) -> Outcome:
    """With --yes, approve approval interrupts (printing each card) until the thread stops elsewhere.

    A launch budget the card spells out (far above the account's history) also needs
    `confirm` (`--confirm-budget`): --yes alone exits 2. A paused launch's activation card is
    never answered by --yes (it switches spend on): the thread stops there for a person.
    `quiet` (`--json`): the cards approved are printed on stderr.
    """
    from agents.campaigns.activation import is_activation_card
    from graph.cli.cards_seen import record_shown
    from graph.cli.spend_confirm import confirm_problem
    from tools import notify

    updates = list(outcome.updates)
    while yes and outcome.waiting_for == "approval" and not is_activation_card(outcome.interrupt):
        if (outcome.interrupt or {}).get("error"):
            return outcome  # --yes answered this card and it was refused: stop and show why
        out = err_console if quiet else console
        show_interrupt(outcome.thread_id, outcome.interrupt or {}, out)
        if home is not None:
            record_shown(home, outcome.thread_id, outcome.interrupt_id, outcome.interrupt or {})
        if (problem := confirm_problem(outcome, confirm, yes=True)) is not None:
            fail(problem)
        out.print("[bold green]--yes: approved[/]")
        value = approve_value({"type": "approve"}, outcome.interrupt)
        answered_id = (outcome.thread_id, outcome.interrupt_id)
        outcome = runner.resume(outcome.thread_id, value, expect="approval",
                                interrupt_id=outcome.interrupt_id, on_update=on_update)
        notify.answered(*answered_id)  # answered here: nobody needs telling
        updates += outcome.updates
    outcome.updates = updates  # every refusal of the run is reported, not only the last step's
    return outcome


MAX_CYCLES_HELP = ("end the optimise loop after N cycles (default: no limit — it runs until "
                   "the campaign ends or `adpilot stop`; 0: no loop)")


def loop_module(name: str) -> Any:
    """Import an optimise-loop module when a command needs it (exit 1 if this build lacks it)."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        fail(f"the optimise loop is not installed in this build ({name} is missing)",
             code=EXIT_INTERNAL)


def limit_cycles(runner: Any, max_cycles: int | None) -> None:
    """Give the run the optimise-cycle limit a person set (the thread records it)."""
    if max_cycles is not None:
        import dataclasses

        runner.context = dataclasses.replace(runner.context, max_cycles=max_cycles)


_CHOICES = {
    "account": ("ADPILOT_ACCOUNT", r"(act_)?\d+", "act_<digits>",
                "the ad account to work in (default ADPILOT_ACCOUNT, then META_AD_ACCOUNT_ID; "
                "with several and none chosen, adpilot asks)"),
    "page": ("ADPILOT_PAGE", r"\d+", "the page's numeric id",
             "the Facebook page that runs the ads (default META_PAGE_ID; with several, adpilot asks)"),
    "pixel": ("ADPILOT_PIXEL", r"\d+", "the pixel's numeric id",
              "the Meta pixel that measures conversions (default META_PIXEL_ID; with several, "
              "adpilot asks)"),
}


def choose(**chosen: str | None) -> None:
    """Record this run's `--account`, `--page`, `--pixel` where the settings read them."""
    for name, value in chosen.items():
        if value is None:
            continue
        variable, pattern, form, _ = _CHOICES[name]
        value = value.strip()
        if not re.fullmatch(pattern, value):
            fail(f"--{name} {value!r} is not {form}; `adpilot accounts` lists what the token "
                 "reaches")
        if name == "account":
            from state.context import act_id

            value = act_id(value)
        os.environ[variable] = value


def recorded_account(thread: str) -> str | None:
    """Return the ad account an existing thread recorded (None: no such thread, or none recorded).

    Read from the thread's latest checkpoint, without opening Meta: with several accounts
    and none chosen, `adpilot approve THREAD` works in the thread's own account.
    """
    from graph.checkpointer import open_checkpointer
    from graph.environment import adpilot_home
    from graph.home import knows_thread

    home = adpilot_home()
    if not home.exists() or knows_thread(home, thread) is False:
        return None  # opening the store would create it
    try:
        with open_checkpointer(home) as saver:
            found = saver.get_tuple({"configurable": {"thread_id": thread, "checkpoint_ns": ""}})
    except Exception:  # noqa: BLE001 - a convenience: without it, adpilot asks for --account
        return None
    account = (found.checkpoint.get("channel_values") or {}).get("account") if found else None
    return str(account) if account else None


# The existing THREAD the running command acts on (`talks_to_meta`), checked by `session()`.
_EXISTING_THREAD: ContextVar[str | None] = ContextVar("adpilot_existing_thread", default=None)


def require_thread(thread: str) -> None:
    """Exit 2 unless ADPILOT_HOME holds `thread`, checked before anything is opened or created.

    Opening the environment creates the home (its ledger, its sandbox); a command typed in
    another folder than the run's would get a new empty `.adpilot` and "no thread". The message
    names the absolute home it looked in and how to point at the right one.
    """
    from graph.home import adpilot_home, unknown_thread

    if (said := unknown_thread(adpilot_home(), thread)) is not None:
        fail(said)


def _names_a_thread(signature: inspect.Signature) -> bool:
    """Tell whether the command's THREAD is an argument (an existing thread), not `--thread ID`.

    `run --thread ID` and `ask --thread ID` name a thread to start; a positional THREAD
    (`approve`, `resume`, `optimize`, `report`, `stop`, `undo`, ...) one that must exist.
    """
    param = signature.parameters.get("thread")
    metadata = getattr(param.annotation, "__metadata__", ()) if param is not None else ()
    return any(isinstance(m, typer.models.ArgumentInfo) for m in metadata)


def talks_to_meta(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command that talks to Meta the `--account`, `--page` and `--pixel` options.

    A command on an existing THREAD (a positional argument) has `session()` check that
    ADPILOT_HOME holds it before opening anything (`require_thread`: exit 2, nothing created);
    with no account chosen it works in the account the thread recorded.
    """
    signature = inspect.signature(command, eval_str=True)  # real annotations: Typer reads them
    existing = _names_a_thread(signature)
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                               annotation=Annotated[str | None, typer.Option(f"--{name}", help=text)])
             for name, (_, _, _, text) in _CHOICES.items()]

    @functools.wraps(command)
    def wrapper(*args: Any, account: str | None = None, page: str | None = None,
                pixel: str | None = None, **kwargs: Any) -> Any:
        if account is None and kwargs.get("thread") and not any(
                os.environ.get(v) for v in ("ADPILOT_ACCOUNT", "META_AD_ACCOUNT_ID")):
            account = recorded_account(str(kwargs["thread"]))  # the thread says where it works
        choose(account=account, page=page, pixel=pixel)
        named = str(kwargs["thread"]) if existing and kwargs.get("thread") else None
        token = _EXISTING_THREAD.set(named)  # `session()` checks it before opening the home
        try:
            return command(*args, **kwargs)
        finally:
            _EXISTING_THREAD.reset(token)

    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *extra])
    wrapper.__annotations__ = {p.name: p.annotation for p in (*signature.parameters.values(), *extra)}
    return wrapper

