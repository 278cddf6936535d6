"""Ask a person until the answer is valid: interrupt, check the resume value, ask again saying why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from langgraph.types import interrupt

from state.hitl import ResumeError, reask

T = TypeVar("T")


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
    answer = interrupt(payload)
    while True:
        try:
            return parse(answer)
        except invalid as exc:
            answer = interrupt(reask(payload, answer, str(exc)))
