"""Helpers the nodes share: thread id, Meta client, retry policy, kill-switch halt, throttle wait.

- `throttle.py` — `yields_on_throttle` and the `wait_out_throttle` node (one design for every
  node that talks to Meta);
- `ask.py` — `ask_until_valid`: interrupt until a resume value parses;
- `tracing.py` — trace grouping of Meta calls and run annotations (LangSmith).

Imports `tools`, `state` and LangGraph/LangSmith; no agent package.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import RetryPolicy

from agents.common.ask import ask_until_valid
from agents.common.throttle import yields_on_throttle
from state.context import Context
from state.control import ThreadStopped, stopped_at
from state.schema import AdpilotState
from tools.meta_client import MetaClient, TransientError

__all__ = ["META_RETRY", "LaunchError", "Node", "ask_until_valid", "client_of", "halts_when_stopped", "home_of",
           "is_transient", "thread_id_of", "yields_on_throttle"]

Node = Callable[[AdpilotState, Runtime[Context]], dict[str, Any]]


class LaunchError(RuntimeError):
    """A launch step cannot finish (an asset, or objects Meta refused); the message says what to fix.

    The thread stays at that step: fix the cause and `adpilot resume` runs it again, reusing
    everything already created.
    """


def thread_id_of(runtime: Runtime[Any]) -> str:
    """Return the thread id of the current run ("adhoc" when run without a checkpointer)."""
    info = runtime.execution_info
    return (info.thread_id if info is not None else None) or "adhoc"


def client_of(runtime: Runtime[Any]) -> MetaClient:
    """Build the Meta client for this run from the context's factory (ledgered per thread)."""
    factory = getattr(runtime.context, "client_factory", None)
    if factory is None:
        raise RuntimeError(
            "context.client_factory is not set: build the run context with "
            "graph.environment.open_environment() (or pass a client factory to Context)"
        )
    try:
        return factory(thread_id=thread_id_of(runtime))
    except TypeError:
        # Factories written for the tools' ToolRuntime take no arguments.
        return factory()


def is_transient(exc: BaseException) -> bool:
    """Retry only what Meta marked transient; permanent and unknown-outcome errors must surface."""
    return isinstance(exc, TransientError)


# Unknown-outcome writes are reconciled by the launcher, never blindly retried here.
META_RETRY = RetryPolicy(max_attempts=3, initial_interval=0.5, max_interval=4.0, retry_on=is_transient)


def halts_when_stopped(node: Node, *, check_first: bool = True) -> Node:
    """End the thread in phase `stopped` instead of writing, once the kill switch stopped it.

    `check_first`: look at the stop record before the node runs (the launch steps: a stopped
    thread creates and activates nothing more). Always: a `ThreadStopped` the Meta client
    raised mid-node (the stop came while the node ran; the client refused the next write
    that could spend, before ledgering it) ends the thread the same way.
    """
    @functools.wraps(node)
    def wrapper(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
        at = stopped_at(home_of(runtime.context), thread_id_of(runtime)) if check_first else None
        if at is None:
            try:
                return node(state, runtime)
            except ThreadStopped as stop:
                at = stop.at
        return {"phase": "stopped",
                "status": f"stopped by the kill switch at {at}: {node.__name__} created and "
                          "activated nothing more (`adpilot stop` paused what exists)"}

    return wrapper


def home_of(ctx: Any) -> Path:
    """ADPILOT_HOME for a run context (its `home` field, else the environment, else .adpilot)."""
    home = getattr(ctx, "home", None)
    return Path(home or os.environ.get("ADPILOT_HOME") or ".adpilot")
