"""Many ad accounts in one process: status, insights and one optimise cycle in each of N accounts.

    python -m bench.many_accounts [--accounts 100] [--workers 8] [--days 3] [--json]

An embedded sandbox (in-process HTTP server) holds N ad accounts: the scenario's main account
plus N - 1 made by the scenario option `generate_accounts` (seeded currencies USD, EUR, GBP,
CAD, AUD and time zones from Los Angeles to Sydney), each delivering on its own clock day,
currency and truth. Setup (not timed): in every account, adpilot's real launch tools
(`bench.campaign_tree.launch`: `tools.launch.launch_tree` + `activate_tree` through the money
gate) create a small campaign (2 ad sets × 2 image ads) and turn it on; the clock advances
`--days` days so there is delivery; the sandbox's rate-limit counters and stats are reset
(days have passed, so Meta's rolling windows would have emptied too). Setup runs in the
standard tier; the measured phase in `--tier` (default standard; `development` is Meta's
Limited tier, 60 points per account per 5 minutes, in which one launch of even this small
tree — 13 writes and an activation batch, 3 points a write — is refused with 613 before it
is on).

Measured: in ONE process, for every account on a pool of `--workers` threads, with a fresh
`MetaClient` for that account (its own rate governor, `tools/governor.py`, fed by the
account's `X-Business-Use-Case-Usage` / `X-Ad-Account-Usage` headers — adpilot's clients and
threads are per account, and so are Meta's limits):

1. status: the account's settings (`tools.account.account_info`) and its campaigns with their
   effective status and budgets;
2. insights collection: `agents.insights.collect.collect` into the one insights store of the
   process (`ADPILOT_HOME/insights.db`, shared by every account as in adpilot);
3. one optimise cycle: `bench.optimizer.adpilot_step` — collect, `agents.optimize.cycle.propose`
   (what `decide_actions` runs), every proposed action auto-approved and executed with
   `execute_approved` (guardrails, writes with read-back), default `Policy`.

Printed (and with `--json` one JSON object): accounts, wall time of the measured phase,
Graph calls per account (mean / max; the client's count, checked against the sandbox's
per-account count), throttling errors (Meta throttle codes 4, 17, 32, 341, 613, 80000-80014
the sandbox answered during the measured phase; also the client's count, and setup's),
governor waits, the highest usage percentage any account's headers reported, cycles completed
out of accounts, and accounts whose campaign spent (`--per-account` adds each account's
figures to the JSON). Floor: 0 throttling errors and every account's cycle completed; the
exit status is 1 when it is not met.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sandbox.scenario import Scenario, load_scenario, parse_scenario
from sandbox.server import SandboxServer
from tools.errors import ThrottledError
from tools.governor import Governor, parse_usage
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"
CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD"]
TIMEZONES = [
    "America/Los_Angeles",
    "America/New_York",
    "America/Chicago",
    "Europe/London",
    "Europe/Berlin",
    "Australia/Sydney",
]


def many_accounts_scenario(accounts: int, base: str = "ecommerce_usd", seed: int = 1) -> Scenario:
    """The base scenario with `accounts - 1` generated accounts beside its main one."""
    data = load_scenario(base).model_dump(mode="json")
    if accounts > 1:
        data["generate_accounts"] = {
            "count": accounts - 1,
            "seed": seed,
            "currencies": CURRENCIES,
            "timezones": TIMEZONES,
        }
    return parse_scenario(data, f"{base} × {accounts} accounts")


class WatchingGovernor(Governor):
    """The real governor, also keeping the highest usage percentage it was shown."""

    max_pressure = 0.0

    def observe(self, headers: Any) -> None:
        """Record the headers (as the governor does) and the peak pressure."""
        pressure = float(parse_usage(headers).get("pressure") or 0.0)
        self.max_pressure = max(self.max_pressure, pressure)
        super().observe(headers)


class CountingClient(MetaClient):
    """adpilot's client, counting the throttle errors Meta answered it with."""

    throttled = 0

    def _send(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._send(*args, **kwargs)
        except ThrottledError:
            self.throttled += 1
            raise


def client_for(url: str, view: Scenario) -> CountingClient:
    """A client for the account `view` describes (`Scenario.for_account`), its own governor."""
    from state.context import MetaSettings

    settings = MetaSettings(
        graph_url=url, account_id=view.account.id, page_id=view.page.id, pixel_id=view.pixel.id
    )
    return CountingClient(
        settings, token=TOKEN, retry_initial_s=0.01, retry_max_s=0.05, governor=WatchingGovernor()
    )


def status(client: MetaClient) -> dict[str, Any]:
    """The account's settings and its campaigns (adpilot's reads of an account's state)."""
    from tools.account import account_info

    info = account_info(client)
    campaigns = client.get_all(
        f"{client.account_id}/campaigns",
        {"fields": "id,name,status,effective_status,daily_budget,lifetime_budget,spend_cap"},
    )
    return {"currency": info["currency"], "timezone": info["timezone_name"],
            "campaigns": len(campaigns),
            "active": sum(c.get("effective_status") == "ACTIVE" for c in campaigns)}


def _setup_one(url: str, view: Scenario, n_adsets: int, n_ads: int) -> tuple[dict[str, Any], int]:
    from bench.campaign_tree import launch

    client = client_for(url, view)
    created = launch(client, view, n_adsets=n_adsets, n_ads=n_ads)
    return created, client.throttled


def _cycle_one(url: str, view: Scenario, created: dict[str, Any], home: str,
               store: Any) -> dict[str, Any]:
    """Status, insights collection and one optimise cycle of one account."""
    from bench.optimizer import BenchContext, _targets, adpilot_step
    from state.context import Policy

    client = client_for(url, view)
    out: dict[str, Any] = {"account": view.account.id, "completed": False, "error": None}
    started = time.perf_counter()
    try:
        out["status"] = status(client)
        state: dict[str, Any] = {
            "created": created,
            "applied_actions": [],
            "plan": {"objective": view.objective, "start_time": view.start.isoformat()},
            "optimize": {"targets": _targets(view)},
        }
        adpilot_step(client, view, state, BenchContext(home=home, policy=Policy()), store)
        out["actions"] = len(state["applied_actions"])
        out["completed"] = True
    except Exception as exc:  # a failed account is reported, not fatal to the bench
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["trace"] = traceback.format_exc(limit=4)
    out["seconds"] = round(time.perf_counter() - started, 3)
    out["graph_calls"] = client.stats["graph_calls"]
    out["round_trips"] = client.stats["round_trips"]
    out["throttled_client"] = client.throttled
    out["governor_waits"] = client.stats["throttle_waits"]
    out["max_usage_pct"] = client.governor.max_pressure  # type: ignore[attr-defined]
    return out


def _spend_by_account(sb: SandboxServer, created: dict[str, dict[str, Any]]) -> dict[str, int]:
    assert sb.store is not None
    by_campaign = {
        str(r["c"]): int(r["s"] or 0)
        for r in sb.store.db.query(
            "select campaign_id c, sum(spend) s from delivery_rows group by campaign_id"
        )
    }
    return {act: by_campaign.get(str(c["campaign"]), 0) for act, c in created.items()}


def _stats(values: list[int]) -> dict[str, float]:
    return {"mean": round(statistics.fmean(values), 1) if values else 0.0,
            "max": max(values, default=0), "min": min(values, default=0)}


def run(accounts: int = 100, *, workers: int = 8, days: int = 3, n_adsets: int = 2,
        n_ads: int = 2, tier: str = "standard", seed: int = 1) -> dict[str, Any]:
    """Set up `accounts` accounts, then time status + insights + one cycle in each."""
    if accounts < 1 or workers < 1 or days < 1:
        raise ValueError("--accounts, --workers and --days must be at least 1")
    sc = many_accounts_scenario(accounts, seed=seed)
    views = [sc.for_account(a.id) for a in sc.accounts()]
    with tempfile.TemporaryDirectory() as tmp:
        scenario_path = Path(tmp) / "scenario.json"
        scenario_path.write_text(sc.model_dump_json())
        with SandboxServer(db_path=f"{tmp}/sandbox.db", scenario=str(scenario_path), seed=seed,
                           port=0, tier="standard") as sb:
            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                launched = list(pool.map(lambda v: _setup_one(sb.url, v, n_adsets, n_ads), views))
            created = {v.account.id: c for v, (c, _) in zip(views, launched, strict=True)}
            setup_stats = sb.admin("GET", "/__sandbox__/stats")
            sb.admin("POST", "/__sandbox__/clock/advance", {"days": days})
            setup_s = time.perf_counter() - t0
            sb.admin("POST", "/__sandbox__/ratelimit/reset")
            sb.admin("POST", "/__sandbox__/stats/reset")
            sb.admin("POST", "/__sandbox__/settings", {"tier": tier})  # for the measured phase

            from state.insights_store import InsightsStore

            store = InsightsStore(Path(tmp) / "insights.db")
            t1 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=workers) as pool:
                results = list(pool.map(
                    lambda v: _cycle_one(sb.url, v, created[v.account.id], tmp, store), views))
            wall = time.perf_counter() - t1
            stats = sb.admin("GET", "/__sandbox__/stats")
            spend = _spend_by_account(sb, created)
    calls = [r["graph_calls"] for r in results]
    served = [int(stats["by_account"].get(v.account.id, 0)) for v in views]
    completed = sum(r["completed"] for r in results)
    failures = [{"account": r["account"], "error": r["error"]} for r in results if r["error"]]
    throttled = int(stats["throttled"])
    return {
        "accounts": accounts,
        "workers": workers,
        "tier": tier,
        "days_delivered": days,
        "campaign": {"ad_sets": n_adsets, "ads_per_ad_set": n_ads},
        "currencies": sorted({v.currency for v in views}),
        "timezones": sorted({v.timezone for v in views}),
        "setup_seconds": round(setup_s, 1),
        "setup_throttling_errors": int(setup_stats["throttled"]),
        "wall_seconds": round(wall, 2),
        "seconds_per_account": _stats([int(r["seconds"] * 1000) for r in results]) | {
            "unit": "ms"},
        "graph_calls_per_account": _stats(calls),
        "sandbox_graph_calls_per_account": _stats(served),
        "graph_calls_total": sum(calls),
        "throttling_errors": throttled,
        "throttling_errors_client": sum(r["throttled_client"] for r in results),
        "governor_waits": sum(r["governor_waits"] for r in results),
        "max_usage_pct": max((r["max_usage_pct"] for r in results), default=0.0),
        "cycles_completed": completed,
        "actions_applied": sum(r.get("actions", 0) for r in results),
        "accounts_with_spend": sum(1 for s in spend.values() if s > 0),
        "failures": failures[:10],
        "per_account": [
            {"account": v.account.id, "currency": v.currency, "timezone": v.timezone,
             "graph_calls": r["graph_calls"], "sandbox_graph_calls": n,
             "throttled": int(stats["throttled_by_account"].get(v.account.id, 0)),
             "completed": r["completed"], "spend_minor": spend[v.account.id]}
            for v, r, n in zip(views, results, served, strict=True)
        ],
        "floor": {
            "rule": "0 throttling errors and every account's cycle completed",
            "met": throttled == 0 and completed == accounts,
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.many_accounts",
                                 description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--accounts", type=int, default=100)
    ap.add_argument("--workers", type=int, default=8, help="threads running accounts (default 8)")
    ap.add_argument("--days", type=int, default=3, help="days delivered before the cycle")
    ap.add_argument("--tier", choices=("standard", "development"), default="standard",
                    help="the sandbox's Marketing API access tier (rate limits)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print one JSON object only")
    ap.add_argument("--per-account", action="store_true",
                    help="with --json, also list every account's figures")
    args = ap.parse_args(argv)
    report = run(args.accounts, workers=args.workers, days=args.days, tier=args.tier,
                 seed=args.seed)
    if not args.per_account:
        report.pop("per_account")
    if args.json:
        print(json.dumps(report, indent=2))
        return 0 if report["floor"]["met"] else 1
    c, s = report["graph_calls_per_account"], report["sandbox_graph_calls_per_account"]
    print(f"{report['accounts']} ad accounts ({', '.join(report['currencies'])}; "
          f"{len(report['timezones'])} time zones), {report['workers']} worker threads, "
          f"{report['tier']} tier, {report['days_delivered']} days delivered "
          f"(setup {report['setup_seconds']} s, not timed)")
    print(f"wall time                {report['wall_seconds']} s "
          f"(status + insights + one optimise cycle per account)")
    print(f"Graph calls per account  mean {c['mean']}, max {c['max']} "
          f"(sandbox counted mean {s['mean']}, max {s['max']})")
    print(f"throttling errors        {report['throttling_errors']} "
          f"(client saw {report['throttling_errors_client']}; setup "
          f"{report['setup_throttling_errors']}); governor waits {report['governor_waits']}; "
          f"peak usage {report['max_usage_pct']}%")
    print(f"cycles completed         {report['cycles_completed']} / {report['accounts']} "
          f"({report['actions_applied']} actions applied; "
          f"{report['accounts_with_spend']} accounts with spend)")
    for f in report["failures"]:
        print(f"  failed: {f['account']}: {f['error'][:160]}", file=sys.stderr)
    f = report["floor"]
    print(f"floor ({f['rule']}): {'met' if f['met'] else 'NOT met'}")
    return 0 if f["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
