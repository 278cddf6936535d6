"""Ask a person until the answer is valid: interrupt, check the resume value, ask again saying why.

This is the one place a thread suspends for a person, so it is also where the person is told:
when `interrupt()` actually suspends (it raises `GraphInterrupt` the first time; on resume it
returns the answer instead), a card that waits for a person — anything but a `wait` timer —
goes to `tools.notify`, which records it in the outbox and delivers it in the background.
Notifying never changes the thread's course: a fault in it is logged, and the interrupt
propagates as before.

A card asked again carries `"refused_answers"`: the digest, size and reason of each refused
answer so far (the last `MAX_REFUSALS_KEPT`). LangGraph keeps only a task's latest interrupt,
so this list is how `adpilot trace` tells each refused attempt's reason after the fact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from langgraph.errors import GraphInterrupt
from langgraph.runtime import get_runtime
from langgraph.types import interrupt

from state.context import DEFAULT_HOME
from state.hitl import ResumeError, reask
from tools import notify

T = TypeVar("T")
MAX_REFUSALS_KEPT = 5  # a few KiB at most on the card however often a person retries
log = logging.getLogger("adpilot.notify")


def ask_until_valid(
    payload: dict[str, Any],
    parse: Callable[[Any], T],
    *,
    invalid: type[Exception] | tuple[type[Exception], ...] = ResumeError,
) -> T:
    """Interrupt with `payload` and return `parse(answer)`; ask again while `parse` refuses it.

    `parse` raises `invalid` (a `ResumeError` unless told) with what is wrong and how to fix
    it. The thread then asks again with `state.hitl.reask`: the same payload plus the reason
    and the refused answer's digest, never the answer itself. Raising instead would store the
    bad answer and wedge the question. Call it before any side effect of the node: the node
    re-runs from the top on every resume, replaying the answers already given.
    """
    answer = _ask(payload)
    refused: list[dict[str, Any]] = []
    while True:
        try:
            return parse(answer)
        except invalid as exc:
            again = reask(payload, answer, str(exc))
            refused = [*refused, again["rejected"]][-MAX_REFUSALS_KEPT:]
            answer = _ask({**again, "refused_answers": refused})


def _ask(payload: dict[str, Any]) -> Any:
    try:
        return interrupt(payload)
    except GraphInterrupt as suspended:
        _tell_a_person(payload, suspended)
        raise


def _tell_a_person(payload: dict[str, Any], suspended: GraphInterrupt) -> None:
    """Queue the notification for a card that now waits (never raises)."""
    if not notify.waits_for_person(payload):
        return
    try:
        runtime = get_runtime()
        info = runtime.execution_info
        thread_id = info.thread_id if info is not None else None
        if not thread_id:
            return  # a run without a checkpointer: nobody can answer it later
        interrupts = suspended.args[0] if suspended.args else ()
        ctx = runtime.context
        home = getattr(ctx, "home", None) or DEFAULT_HOME
        notify.notify_waiting(payload, notify.where_from_env(
            thread_id, interrupt_id=getattr(interrupts[0], "id", None) if interrupts else None,
            account_id=getattr(ctx, "account_id", None), home=str(home),
            sandbox=bool(getattr(ctx, "sandbox", False))))
    except Exception as exc:  # noqa: BLE001 - telling a person must never stop the thread
        log.warning("could not queue the notification for this %s card: %s: %s",
                    payload.get("kind"), type(exc).__name__, exc)
