"""What a Graph call returns, the request counters, and the app interface that runs calls.

`CallResult` is the outcome of one Graph call (a plain request or a batch item), `Stats` the
counters behind `GET /__sandbox__/stats`, and `GraphApp` what the admin API and batches use
of the WSGI app (`sandbox.app.SandboxApp` provides it), so neither imports the app.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from werkzeug.datastructures import FileStorage

from sandbox.errors import GraphError
from sandbox.faults import Faults
from sandbox.ratelimit import RateLimiter
from sandbox.store import Store

# Meta's throttle codes (docs/meta-api-facts.md §8, §9): app, user, page, custom, BUC types.
THROTTLE_CODES = frozenset({4, 17, 32, 341, 613, *range(80000, 80015)})


@dataclass
class Stats:
    """Request counters for tests and benches (`GET /__sandbox__/stats`).

    `by_account` counts the Graph calls addressed to each ad account (`act_<id>`; calls that
    name no account, such as `/me`, are not in it); `throttled` counts answers with a throttle
    code, and `throttled_by_account` the ones of each account.
    """

    http_requests: int = 0
    graph_calls: int = 0
    writes: int = 0
    throttled: int = 0
    by_path: Counter[str] = field(default_factory=Counter)
    by_account: Counter[str] = field(default_factory=Counter)
    throttled_by_account: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the counters as JSON."""
        with self.lock:
            return {
                "http_requests": self.http_requests,
                "graph_calls": self.graph_calls,
                "writes": self.writes,
                "throttled": self.throttled,
                "by_path": dict(self.by_path),
                "by_account": dict(self.by_account),
                "throttled_by_account": dict(self.throttled_by_account),
            }

    def reset(self) -> None:
        """Zero every counter."""
        with self.lock:
            self.http_requests = self.graph_calls = self.writes = self.throttled = 0
            self.by_path.clear()
            self.by_account.clear()
            self.throttled_by_account.clear()

    def count_account(self, account: str | None) -> None:
        """Count one Graph call addressed to ad account `account` (digits; None: none)."""
        if account:
            with self.lock:
                self.by_account[f"act_{account}"] += 1

    def count_error(self, code: int, account: str | None) -> None:
        """Count an error answer; only throttle codes are counted."""
        if code not in THROTTLE_CODES:
            return
        with self.lock:
            self.throttled += 1
            if account:
                self.throttled_by_account[f"act_{account}"] += 1


@dataclass
class CallResult:
    """The outcome of one Graph call (a plain request or a batch item)."""

    status: int
    body: Any
    headers: dict[str, str]
    committed: bool = False
    error: GraphError | None = None


class GraphApp(Protocol):
    """The WSGI app as the admin API and batches see it."""

    store: Store
    base_url: str
    faults: Faults
    stats: Stats
    limiter: RateLimiter

    def call(
        self,
        method: str,
        rel: str,
        params: dict[str, Any],
        files: dict[str, FileStorage],
        version: str,
        credentials: dict[str, str] | None = None,
    ) -> CallResult:
        """Route and run one Graph call; errors become Meta envelopes."""
        ...

    def count_call(self, method: str, rel: str) -> None:
        """Count one Graph call in the stats."""
        ...
