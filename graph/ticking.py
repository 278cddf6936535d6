"""When a thread's timer is due, and the value that wakes it: one rule for every ticker.

A thread waiting on a timer holds a `wait` interrupt, `{"kind": "wait", "until", "reason"}`
(`state.hitl.wait_payload`). `until` is read on one of two clocks:

* a **throttle wait** (its payload names the throttled `node`, `agents/common/throttle.py`)
  counts in wall time, like Meta's rate limits;
* an **optimise timer** (`wait_for_data`) counts on the ad account's clock: the sandbox's
  simulated clock there, wall time on Meta (`tools/account.py::account_now`).

`wake_value(interrupt_value, account_now, wall_now)` is the whole decision: the resume value
that wakes a due timer — `{"woke_at": <account clock>}`, what `adpilot tick` sends and
`agents/optimize/nodes.py::WAKE_KEYS` accepts — or None when the interrupt is not a timer, or
not due yet. The LangGraph Server ticker (`graph/webapp.py`) calls it for every interrupted
thread, and the CLI's `adpilot tick` too (`graph/cli/tick.py::wake_due`).

Other checks a tick makes (alerts between cycles, say) belong beside this function, each its
own: this one answers only "is this timer due, and with what does it wake".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from agents.common.throttle import is_due


def wake_value(interrupt_value: Any, account_now: datetime,
               wall_now: datetime) -> dict[str, str] | None:
    """Return the resume value that wakes a due `wait` interrupt, else None (see module doc).

    Raises ValueError, naming it, when a timer's `until` is not a time (a ticker reports such
    a thread rather than skip it forever without a word).
    """
    if not isinstance(interrupt_value, Mapping) or interrupt_value.get("kind") != "wait":
        return None
    clock = wall_now if interrupt_value.get("node") else account_now
    try:
        due = is_due(interrupt_value, _aware(clock))
    except (TypeError, ValueError):
        raise ValueError(f"the timer's `until` {interrupt_value.get('until')!r} is not an "
                         "ISO-8601 time; `adpilot optimize THREAD` runs the cycle now") from None
    return {"woke_at": _aware(account_now).isoformat()} if due else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def between_cycles(interrupt_value: Any, next_nodes: Any) -> bool:
    """Return whether a thread waits between optimise cycles: the one a tick looks at for alerts.

    An optimise timer (`wait_for_data`), not a throttle wait (its payload names a `node`).
    """
    return (isinstance(interrupt_value, Mapping) and not interrupt_value.get("node")
            and "wait_for_data" in (next_nodes or ()))


def wake(runner: Any, thread_id: str, now: datetime, *, say: Any,
         on_update: Any = None) -> Any:
    """Resume `thread_id` if its timer is due at `now` or an alert wakes it (else None).

    Between optimise cycles a thread whose timer is not due is looked at for alerts
    (`agents/optimize/alerts.py`); one that wakes it is resumed with the alerts' wake value,
    which names only their kinds: the thread finds them on Meta's data itself before it shows
    a card. Each alert is said through `say`. Used by `adpilot tick` (`graph/cli/tick.py`) and
    the web dashboard's sandbox clock (`graph/web/views.py`).
    """
    from agents.optimize import alerts

    current = runner.status(thread_id)
    payload = current.interrupt or {}
    if current.waiting_for != "wait":
        return None
    # The one rule every ticker uses: a throttle wait on wall time, an optimise timer on the
    # account's clock (the sandbox's simulated one there).
    value: dict[str, Any] | None = wake_value(payload, now, datetime.now(UTC))
    if value is None and between_cycles(payload, current.next):
        value = alerts.tick_wake(current.values, runner.context, now, thread_id, say=say)
    if value is None:
        return None
    return runner.resume(thread_id, value, expect="wait", on_update=on_update)


def advance_sandbox_clock(env: Any, days: int) -> str | None:
    """Move the sandbox's simulated clock (embedded or external) forward by `days`.

    Returns why the sandbox refused (e.g. the clock would pass year 9999), or None once it
    moved. Used by `adpilot tick --advance-days` and the web dashboard's clock form; the
    caller checks first that the environment is a sandbox (Meta's clock cannot be moved).
    """
    if env.sandbox is not None:
        answer: Any = env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": days})
        refused = isinstance(answer, dict) and "error" in answer
    else:
        import os

        import requests

        token = os.environ.get("META_ACCESS_TOKEN", "")
        resp = requests.post(f"{env.context.meta.graph_url}/__sandbox__/clock/advance",
                             json={"days": days}, headers={"Authorization": f"OAuth {token}"},
                             timeout=30)
        refused = resp.status_code >= 400
        try:
            answer = resp.json()
        except ValueError:
            answer = {"error": {"message": f"HTTP {resp.status_code}"}}
    if not refused:
        return None
    error = answer.get("error") if isinstance(answer, dict) else None
    why = (error.get("error_user_msg") or error.get("message")) if isinstance(error, dict) else None
    return str(why or answer)
