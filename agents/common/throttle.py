"""Throttling as state: a `ThrottledError` becomes a durable "throttled until T" wait.

Meta throttles (codes 4, 17, 32, 613, 80000-80014) name how long to stay away. A node never
sleeps that long: the meta client's governor sleeps at most a few seconds, and anything
longer reaches the node as `ThrottledError`. Two ways to make that a durable wait:

* Routed (the launch path): the node returns `throttle_update(err, node=...)` — state
  `throttle` (the wait record) and `throttle_waits` (a counter) — its router sends the
  thread to the `wait_out_throttle` node, which interrupts with the `wait` payload and, once
  resumed, clears `throttle`; the next router runs the throttled step again.
* In place (nodes without interrupts of their own): wrapping the node with
  `wait_on_throttle(name)` turns the error into the `wait` interrupt itself.

Either way the payload is `state.hitl.wait_payload` — `{"kind": "wait", "until", "reason":
"throttled until T: ..."}` plus the node name. The checkpoint holds it, so a crash or a
restart loses nothing, and `adpilot tick` resumes the thread once `until` has passed.

Why the in-place interrupt may follow writes in the same node (DESIGN §4 otherwise forbids side
effects before an `interrupt()`): the writes before a throttle are ledgered and idempotent —
the launcher reuses `done` creates and reconciles unknown ones by provenance tag, and updates
set absolute values — so re-running the node after the wait repeats no Meta write that
matters. The wrapper needs no extra graph edges or state keys:

    g.add_node("create_ads", wait_on_throttle("create_ads")(create_ads), retry_policy=...)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from langgraph.types import RetryPolicy, interrupt

from state import hitl
from state.secrets import scrub
from tools.errors import ThrottledError, TransientError, UnknownOutcomeError

NodeFn = Callable[..., dict[str, Any]]

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


def wait_out_throttle(state: Mapping[str, Any], runtime: Any = None) -> dict[str, Any]:
    """Graph node: pause the thread with a durable `wait` until the throttle resets.

    Nothing with a side effect happens before `interrupt()` (the node re-runs on resume).
    Once resumed it clears `throttle`; the router then runs the throttled step again.
    """
    record = state.get("throttle")
    if not record:
        return {}
    interrupt(interrupt_value(record))
    return {"throttle": None}


def _answered_interrupts() -> int:
    """Count the interrupts of the running task that already have a resume value."""
    try:  # LangGraph keeps them in the task's scratchpad; no public accessor exists
        from langgraph._internal._constants import CONFIG_KEY_SCRATCHPAD
        from langgraph.config import get_config

        pad = get_config()["configurable"][CONFIG_KEY_SCRATCHPAD]
        # Earlier answers, plus the answer this run was resumed with (not yet consumed).
        return len(pad.resume or []) + (pad.get_null_resume(False) is not None)
    except (ImportError, KeyError, AttributeError, RuntimeError):
        return 0


def wait_on_throttle(node: str) -> Callable[[NodeFn], NodeFn]:
    """Wrap a node so a `ThrottledError` pauses the thread with a durable `wait` interrupt.

    On resume the node runs again; if Meta still throttles, it waits again (each wait is a
    new interrupt of the same task, so every one is durable and visible to `adpilot tick`).
    Only for nodes that raise no interrupts of their own.
    """

    def wrap(fn: NodeFn) -> NodeFn:
        @functools.wraps(fn)
        def node_fn(state: Any, runtime: Any = None) -> dict[str, Any]:
            # Waits already over belong to earlier runs of this task: replay them so the
            # next throttle becomes a new wait instead of an immediate extra call.
            waits = _answered_interrupts()
            for _ in range(waits):
                interrupt(None)
            while True:
                try:
                    return fn(state, runtime)
                except ThrottledError as err:
                    waits += 1
                    interrupt(interrupt_value(wait_record(err, node=node, count=waits)))

        return node_fn

    return wrap


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
