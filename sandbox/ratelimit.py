"""Meta's rate limits for the sandbox: the 5-minute ad-account score and the hourly BUC budgets.

Facts §9. Per ad account, on wall time (rate limits are about real request rates):

- **Ad-account score** (ads management): reads cost 1 point, writes 3; the points of the last
  300 s may not exceed 60 (development tier) or 9,000 (standard). Exceeding blocks the account
  for 300 s / 60 s: reads get 17 / 2446079, writes 613 / 1487742. Reported as
  `X-Ad-Account-Usage: {"acc_id_util_pct", "reset_time_duration", "ads_api_access_tier"}`.
- **BUC `ads_management`**: calls in a rolling hour ≤ 300 (dev) / 100,000 (standard) + 40 ×
  active ads → 80004 / 2446079. **BUC `ads_insights`**: insights calls ≤ 600 / 190,000 + 400 ×
  active ads → 80000. Reported in `X-Business-Use-Case-Usage` (percent of budget used and
  `estimated_time_to_regain_access` in minutes); insights calls also get
  `X-FB-Ads-Insights-Throttle`. `X-App-Usage` mirrors the ads-management percentages.

Counters live in memory (they describe the running server, not the ad account's data).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from sandbox.errors import GraphError, throttled

SCORE_WINDOW_S = 300.0
BUC_WINDOW_S = 3600.0
TIERS = {
    "development": {"score": 60, "block": 300, "mgmt": 300, "insights": 600},
    "standard": {"score": 9000, "block": 60, "mgmt": 100_000, "insights": 190_000},
}
TIER_NAMES = {"development": "development_access", "standard": "standard_access"}


class RateLimiter:
    """Counts calls per ad account and throttles them like Meta."""

    def __init__(
        self,
        tier: Callable[[], str],
        active_ads: Callable[[str], int],
        tiers: dict[str, dict[str, int]] | None = None,
    ) -> None:
        self.tiers = tiers or TIERS
        self._tier = tier
        self._active_ads = active_ads
        self._lock = threading.Lock()
        self._score: dict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._points_sum: dict[str, int] = defaultdict(int)
        self._mgmt: dict[str, deque[float]] = defaultdict(deque)
        self._insights: dict[str, deque[float]] = defaultdict(deque)
        self._blocked_until: dict[str, float] = {}

    def reset(self) -> None:
        """Forget every counter."""
        with self._lock:
            self._score.clear()
            self._points_sum.clear()
            self._mgmt.clear()
            self._insights.clear()
            self._blocked_until.clear()

    def charge(self, account: str | None, kind: str) -> dict[str, str]:
        """Count one call of `kind` (read/write/insights) and return the usage headers.

        Raises a throttle `GraphError` (carrying the same headers) when a limit is exceeded.
        """
        if not account:
            return {
                "X-App-Usage": json.dumps({"call_count": 0, "total_cputime": 0, "total_time": 0})
            }
        tier_name = self._tier()
        tier_name = tier_name if tier_name in self.tiers else "standard"
        tier = self.tiers[tier_name]
        now = time.monotonic()
        with self._lock:
            self._expire(account, now)
            error = self._check(account, kind, tier, now)
            if error is None:
                self._record(account, kind, now)
            headers = self._headers(account, kind, tier, tier_name, now)
        if error is not None:
            error.headers.update(headers)
            raise error
        return headers

    # -- internals ------------------------------------------------------------------------
    def _expire(self, account: str, now: float) -> None:
        score = self._score[account]
        while score and score[0][0] <= now - SCORE_WINDOW_S:
            self._points_sum[account] -= score.popleft()[1]
        for q in (self._mgmt[account], self._insights[account]):
            while q and q[0] <= now - BUC_WINDOW_S:
                q.popleft()

    def _check(
        self, account: str, kind: str, tier: dict[str, int], now: float
    ) -> GraphError | None:
        if kind == "insights":
            limit = tier["insights"]
            q = self._insights[account]
            if len(q) >= limit and len(q) >= limit + 400 * self._active_ads(account):
                wait = q[0] + BUC_WINDOW_S - now
                return throttled(80000, 2446079, math.ceil(wait / 60), math.ceil(wait))
            return None
        blocked = self._blocked_until.get(account, 0.0)
        cost = 3 if kind == "write" else 1
        if blocked <= now and self._points(account) + cost > tier["score"]:
            blocked = now + tier["block"]
            self._blocked_until[account] = blocked
        if blocked > now:
            wait = blocked - now
            code, sub = (613, 1487742) if kind == "write" else (17, 2446079)
            return throttled(code, sub, math.ceil(wait / 60), math.ceil(wait))
        q = self._mgmt[account]
        if len(q) >= tier["mgmt"] and len(q) >= tier["mgmt"] + 40 * self._active_ads(account):
            wait = q[0] + BUC_WINDOW_S - now
            return throttled(80004, 2446079, math.ceil(wait / 60), math.ceil(wait))
        return None

    def _record(self, account: str, kind: str, now: float) -> None:
        if kind == "insights":
            self._insights[account].append(now)
            return
        cost = 3 if kind == "write" else 1
        self._score[account].append((now, cost))
        self._points_sum[account] += cost
        self._mgmt[account].append(now)

    def _points(self, account: str) -> int:
        return self._points_sum[account]

    def _headers(
        self, account: str, kind: str, tier: dict[str, int], tier_name: str, now: float
    ) -> dict[str, str]:
        access = TIER_NAMES.get(tier_name, "standard_access")
        score = self._score[account]
        blocked = max(0.0, self._blocked_until.get(account, 0.0) - now)
        reset = blocked or (score[0][0] + SCORE_WINDOW_S - now if score else 0.0)
        util = round(100.0 * self._points(account) / tier["score"], 2)
        mgmt_pct = min(100, round(100 * len(self._mgmt[account]) / tier["mgmt"]))
        ins_pct = min(100, round(100 * len(self._insights[account]) / tier["insights"]))
        regain = math.ceil(blocked / 60) if blocked else 0
        buc = [
            {
                "type": "ads_management",
                "call_count": mgmt_pct,
                "total_cputime": mgmt_pct,
                "total_time": mgmt_pct,
                "estimated_time_to_regain_access": regain,
                "ads_api_access_tier": access,
            }
        ]
        if kind == "insights":
            buc.append(
                {
                    "type": "ads_insights",
                    "call_count": ins_pct,
                    "total_cputime": ins_pct,
                    "total_time": ins_pct,
                    "estimated_time_to_regain_access": 0,
                    "ads_api_access_tier": access,
                }
            )
        headers = {
            "X-Business-Use-Case-Usage": json.dumps({account: buc}),
            "X-Ad-Account-Usage": json.dumps(
                {
                    "acc_id_util_pct": util,
                    "reset_time_duration": math.ceil(reset),
                    "ads_api_access_tier": access,
                }
            ),
            "X-App-Usage": json.dumps(
                {"call_count": mgmt_pct, "total_cputime": mgmt_pct, "total_time": mgmt_pct}
            ),
        }
        if kind == "insights":
            headers["X-FB-Ads-Insights-Throttle"] = json.dumps(
                {
                    "app_id_util_pct": ins_pct,
                    "acc_id_util_pct": ins_pct,
                    "ads_api_access_tier": access,
                }
            )
        return headers
