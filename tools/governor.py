"""The rate governor: read Meta's usage headers on every response, slow down before a throttle.

Meta reports how much of each budget a caller has used (docs/meta-api-facts.md §9.4):
`X-Business-Use-Case-Usage` (per object, a list of `{type, call_count, total_cputime,
total_time, estimated_time_to_regain_access (minutes)}`), `X-Ad-Account-Usage`
(`acc_id_util_pct`, `reset_time_duration` seconds), `X-FB-Ads-Insights-Throttle`
(`app_id_util_pct`, `acc_id_util_pct`) and `X-App-Usage`. The governor keeps the highest
percentage it saw (`pressure`) and any announced block, and before each call:

* pressure below `soft_pct` (75%): go;
* between `soft_pct` and 100%: sleep `max_sleep_s * (pressure - soft) / (100 - soft)` — at most
  `max_sleep_s` (2 s), so the account drifts back under Meta's limit instead of hitting it;
* at 100% or with an announced block: wait it out if it is at most `max_sleep_s`, else raise
  `ThrottledError(retry_after_s=...)`, which the graph turns into a durable `wait`.

Usage decays: Meta's windows roll, so a reading older than `stale_s` no longer slows calls.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from tools.errors import ThrottledError, header_value

USAGE_HEADERS = ("X-Business-Use-Case-Usage", "X-Ad-Account-Usage",
                 "X-FB-Ads-Insights-Throttle", "X-App-Usage")


def parse_usage(headers: Any) -> dict[str, Any]:
    """Parse the usage headers into `{header: json, "pressure": pct, "block_s": s}`."""
    out: dict[str, Any] = {}
    pcts: list[float] = []
    blocks: list[float] = []
    for name in USAGE_HEADERS:
        raw = header_value(headers, name)
        if not raw:
            continue
        try:
            value = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            continue
        out[name] = value
        if name == "X-Business-Use-Case-Usage" and isinstance(value, dict):
            for entries in value.values():
                for e in entries if isinstance(entries, list) else [entries]:
                    if not isinstance(e, dict):
                        continue
                    pcts += [float(e.get(k) or 0) for k in
                             ("call_count", "total_cputime", "total_time")]
                    if e.get("estimated_time_to_regain_access"):
                        blocks.append(float(e["estimated_time_to_regain_access"]) * 60.0)
        elif isinstance(value, dict):
            pcts += [float(value.get(k) or 0) for k in
                     ("acc_id_util_pct", "app_id_util_pct", "call_count", "total_cputime",
                      "total_time")]
            # reset_time_duration is always reported (the score's window); it only means
            # "blocked" once the score is used up.
            if value.get("reset_time_duration") and float(value.get("acc_id_util_pct") or 0) >= 100:
                blocks.append(float(value["reset_time_duration"]))
    out["pressure"] = max(pcts) if pcts else 0.0
    out["block_s"] = max(blocks) if blocks else 0.0
    return out


class Governor:
    """Paces calls from the last usage headers seen (thread-safe)."""

    def __init__(self, *, soft_pct: float = 75.0, max_sleep_s: float = 2.0,
                 stale_s: float = 60.0, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.soft_pct = soft_pct
        self.max_sleep_s = max_sleep_s
        self.stale_s = stale_s
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self.last_usage: dict[str, Any] = {}
        self._seen_at = 0.0
        self._blocked_until = 0.0
        self.waits = 0
        self.slept_s = 0.0

    def observe(self, headers: Any) -> None:
        """Record the usage headers of a response (call on successes and failures alike)."""
        usage = parse_usage(headers)
        if len(usage) <= 2:  # no usage header at all: keep the previous reading
            return
        with self._lock:
            self.last_usage = usage
            self._seen_at = self._clock()
            if usage["block_s"] > 0:
                self._blocked_until = max(self._blocked_until, self._seen_at + usage["block_s"])

    def block_for(self, seconds: float) -> None:
        """Remember a throttle Meta announced in an error (no calls until it passes)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def delay_s(self) -> float:
        """How long the next call should wait (may exceed `max_sleep_s`)."""
        with self._lock:
            now = self._clock()
            blocked = self._blocked_until - now
            if blocked > 0:
                return blocked
            if not self.last_usage or now - self._seen_at > self.stale_s:
                return 0.0
            pressure = float(self.last_usage.get("pressure", 0.0))
        if pressure < self.soft_pct:
            return 0.0
        if pressure >= 100.0:
            return self.max_sleep_s
        return self.max_sleep_s * (pressure - self.soft_pct) / (100.0 - self.soft_pct)

    def check(self) -> None:
        """Raise `ThrottledError` if the next call would have to wait longer than allowed."""
        wait = self.delay_s()
        if wait > self.max_sleep_s + 1e-9:
            raise ThrottledError(
                f"the ad account is throttled for another {wait:.0f} s (usage headers)",
                retry_after_s=wait,
            )

    def before_call(self) -> float:
        """Sleep as needed before a call; raise `ThrottledError` when the wait is too long."""
        wait = self.delay_s()
        if wait <= 0:
            return 0.0
        self.check()
        self._sleep(wait)
        with self._lock:
            self.waits += 1
            self.slept_s += wait
        return wait
