"""Insights collection benchmark: HTTP round trips and Graph calls for 30 days × 200 ads × 2
breakdowns (age, gender), synchronous vs asynchronous (report run).

    python -m bench.insights_collection [--ads 200] [--days 30] [--json]

Sets up an embedded sandbox with one campaign of 20 ad sets × 10 ads, lets 30 days deliver,
then collects the same rows (level=ad, daily, breakdowns=age,gender) three ways with the
real SDK through `MetaClient`:

- `sync`: one GET, paged (500 rows a page) — if the sandbox refuses it as too much data
  (Meta's 100/1487534), that is reported;
- `sync_weekly`: the range split into 7-day GETs, each paged;
- `async`: one report run (POST), polled until complete, then its result paged (1,000 rows a
  page).

Counts come from the client (`round_trips`, `graph_calls`) and the sandbox's own
`/__sandbox__/stats`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, timedelta
from typing import Any

from agents.insights.collect import ASYNC_PAGE_SIZE, FIELDS, PAGE_SIZE, run_query
from bench.campaign_tree import launch
from bench.optimizer import _client
from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from tools.meta_client import MetaError

BREAKDOWNS = "age,gender"


def _measure(sb: Any, client: Any, fn: Any) -> dict[str, Any]:
    sb.admin("POST", "/__sandbox__/stats/reset")
    before = dict(client.stats)
    started = time.perf_counter()
    try:
        rows = fn()
        error = None
    except MetaError as exc:
        rows, error = [], f"{type(exc).__name__}: {exc}"
    stats = sb.admin("GET", "/__sandbox__/stats")
    return {
        "rows": len(rows),
        "client_round_trips": client.stats["round_trips"] - before["round_trips"],
        "client_graph_calls": client.stats["graph_calls"] - before["graph_calls"],
        "sandbox_http_requests": stats.get("http_requests"),
        "sandbox_graph_calls": stats.get("graph_calls"),
        "seconds": round(time.perf_counter() - started, 2),
        "error": error,
    }


def run(n_ads: int = 200, days: int = 30) -> dict[str, Any]:
    """Build the account, deliver `days` days, and measure the three ways of collecting."""
    sc = load_scenario("ecommerce_usd")
    per_set = 10
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxServer(db_path=f"{tmp}/sandbox.db", scenario="ecommerce_usd", seed=1, port=0) as sb,
    ):
        client = _client(sb, sc)
        created = launch(client, sc, n_adsets=max(1, n_ads // per_set), n_ads=per_set)
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": days})
        cid = created["campaign"]
        since = sc.start
        until = since + timedelta(days=days - 1)
        base = {"level": "ad", "fields": FIELDS, "breakdowns": BREAKDOWNS, "time_increment": 1}

        def window(a: date, b: date) -> dict[str, Any]:
            return {**base, "time_range": {"since": a.isoformat(), "until": b.isoformat()}}

        def weekly() -> list[dict[str, Any]]:
            rows, a = [], since
            while a <= until:
                b = min(until, a + timedelta(days=6))
                rows += run_query(client, cid, window(a, b), use_async=False)
                a = b + timedelta(days=1)
            return rows

        results = {
            "sync": _measure(
                sb, client, lambda: run_query(client, cid, window(since, until), use_async=False)
            ),
            "sync_weekly": _measure(sb, client, weekly),
            "async": _measure(
                sb, client, lambda: run_query(client, cid, window(since, until), use_async=True)
            ),
        }
    return {
        "ads": len(created["ads"]),
        "days": days,
        "breakdowns": BREAKDOWNS.split(","),
        "page_size": {"sync": PAGE_SIZE, "async": ASYNC_PAGE_SIZE},
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.insights_collection", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--ads", type=int, default=200)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--json", action="store_true", help="print JSON only")
    args = ap.parse_args(argv)
    report = run(args.ads, args.days)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{report['ads']} ads × {report['days']} days × breakdowns {'+'.join(report['breakdowns'])} "
        f"(rows a page: sync {report['page_size']['sync']}, async {report['page_size']['async']})"
    )
    print(f"{'mode':<12} {'rows':>7} {'round trips':>12} {'Graph calls':>12} {'seconds':>8}")
    for mode, r in report["results"].items():
        print(
            f"{mode:<12} {r['rows']:>7} {r['client_round_trips']:>12} {r['client_graph_calls']:>12} "
            f"{r['seconds']:>8}" + (f"   refused: {r['error'][:90]}" if r["error"] else "")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
