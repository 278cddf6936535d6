"""Throttling as state: a `ThrottledError` becomes a durable "throttled until T" wait.

Meta throttles (codes 4, 17, 32, 613, 80000-80014) name how long to stay away. A node never
sleeps that long: the meta client's governor sleeps at most a few seconds, and anything
longer reaches the node as `ThrottledError`. Every node that talks to Meta turns it into a
durable wait the same way, with public LangGraph API only:

* The node is wrapped with `yields_on_throttle`: instead of failing it returns
  `throttle_update(err, ...)` — state `throttle` (the wait record) and `throttle_waits` (a
  counter over the thread's life) — and leaves `phase` alone.
* Its router sees `throttle` and sends the thread to the `wait_out_throttle` node, which
  interrupts with the `wait` payload and, once resumed, clears `throttle` and goes back to
  the throttled node (`Command(goto=record["node"])`), which runs again.

The payload is `state.hitl.wait_payload` — `{"kind": "wait", "until", "reason": "throttled
until T: ..."}` plus the node name. The checkpoint holds it, so a crash or a restart loses
nothing, and `adpilot tick` resumes the thread once `until` has passed. Re-running the
throttled node repeats no Meta write that matters: its writes before the throttle are
ledgered and idempotent (the launcher reuses `done` creates and reconciles unknown ones by
provenance tag; updates set absolute values).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from langgraph.types import Command, RetryPolicy

from agents.common.ask import ask_until_valid
from state import hitl
from state.secrets import scrub
from tools.errors import ThrottledError, TransientError, UnknownOutcomeError

S = TypeVar("S", bound=Mapping[str, Any])
R = TypeVar("R")

# The graph node that waits a throttle out; routers send a throttled thread there.
WAIT_NODE = "wait_out_throttle"
# Never wait less than this: Meta's own estimates are minutes, a zero would spin.
MIN_WAIT_S = 1.0


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def throttled_until(err: BaseException, now: datetime | None = None) -> datetime:
    """Return the time Meta allows calls again, from the error's `until` or `retry_after_s`."""
    until = getattr(err, "until", None)
    if isinstance(until, datetime):
        return until if until.tzinfo else until.replace(tzinfo=UTC)
    seconds = getattr(err, "retry_after_s", None)
    wait = max(MIN_WAIT_S, float(seconds) if seconds is not None else 60.0)
    return _now(now) + timedelta(seconds=wait)


def wait_record(
    err: BaseException, *, node: str, now: datetime | None = None, count: int = 1
) -> dict[str, Any]:
    """Build the JSON wait record for a throttle error raised inside `node`."""
    until = throttled_until(err, now)
    code = getattr(err, "code", None)
    seconds = getattr(err, "retry_after_s", None)
    return {
        "kind": "wait",
        "until": until.isoformat(),
        "reason": scrub(
            f"throttled until {until.isoformat()}: Meta rate limit (code {code}) hit in "
            f"{node}; adpilot resumes here when the limit resets"
        ),
        "node": node,
        "code": code,
        "retry_after_s": float(seconds) if seconds is not None else None,
        "count": count,
    }


def throttle_update(
    err: BaseException,
    *,
    node: str,
    state: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return the partial state update a node returns when Meta throttled it.

    `throttle` holds the wait record; `throttle_waits` counts waits over the thread's life.
    """
    waits = int((state or {}).get("throttle_waits") or 0) + 1
    return {"throttle": wait_record(err, node=node, now=now, count=waits), "throttle_waits": waits}


def is_due(record: Mapping[str, Any] | None, now: datetime | None = None) -> bool:
    """Tell whether there is no wait or its `until` has passed."""
    if not record or not record.get("until"):
        return True
    until = datetime.fromisoformat(str(record["until"]))
    if until.tzinfo is None:
        until = until.replace(tzinfo=UTC)
    return _now(now) >= until


def interrupt_value(record: Mapping[str, Any]) -> dict[str, Any]:
    """Build the `wait` interrupt payload (`state.hitl.wait_payload`) for a throttle record."""
    return {
        **hitl.wait_payload(str(record["until"]), str(record["reason"])),
        "node": record.get("node"),
    }


def yields_on_throttle(node: Callable[[S, R], dict[str, Any]]) -> Callable[[S, R], dict[str, Any]]:
    """Turn a `ThrottledError` longer than the governor may sleep into a durable wait record.

    The node returns `throttle_update(...)` instead of failing (named by its function name,
    which is its graph node name); its router sends the thread to `wait_out_throttle`, which
    runs the node again once Meta's limit has reset — safely, because every write it made is
    in the ledger and is reused or reconciled, never repeated.
    """
    @functools.wraps(node)
    def wrapper(state: S, runtime: R) -> dict[str, Any]:
        try:
            return node(state, runtime)
        except ThrottledError as err:
            return throttle_update(err, node=node.__name__, state=state)

    return wrapper


def wait_out_throttle(state: Mapping[str, Any]) -> Command[str]:
    """Graph node: pause the thread with a durable `wait` until the throttle resets.

    Nothing with a side effect happens before `interrupt()` (the node re-runs on resume).
    Once resumed it clears `throttle` and goes back to the node the record names.
    """
    record = state.get("throttle")
    if not record or not record.get("node"):
        raise RuntimeError(f"{WAIT_NODE}: the state holds no throttle record naming a node "
                           f"(got {record!r}); only a throttled node's router comes here")
    ask_until_valid(interrupt_value(record), plain_wake)
    return Command(goto=str(record["node"]),
                   update={"throttle": None, "status": "throttle wait over; retrying"})


def plain_wake(value: Any) -> Any:
    """Accept any wake-up of a throttle wait except one carrying requests, which it cannot use.

    A throttle wait only retries the node that was throttled; budget requests sent to it would
    be dropped without a word, so they are refused and asked again instead.
    """
    if isinstance(value, Mapping) and value.get("requests"):
        raise hitl.ResumeError(
            "this thread is waiting out Meta's rate limit and only retries the throttled step: "
            "the requests were not used. Send them again once the wait is over (the next "
            "optimise cycle takes them)")
    return value


def retry_reconciling(exc: BaseException) -> bool:
    """Tell whether re-running a reconciling node is the fix for `exc`.

    Transient errors, and writes whose outcome is unknown: nodes using this predicate
    re-run idempotently — the launcher reuses `done` creates and adopts unknown ones found by
    provenance tag, and updates set absolute values (a repeated pause or budget is a no-op).
    """
    return isinstance(exc, TransientError | UnknownOutcomeError)


# For nodes whose writes reconcile on re-run (see `retry_reconciling`).
RECONCILING_RETRY = RetryPolicy(
    max_attempts=4, initial_interval=0.5, max_interval=4.0, retry_on=retry_reconciling
)
