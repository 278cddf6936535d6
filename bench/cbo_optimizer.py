"""CBO variant of the optimiser bench: adpilot's loop vs launch-and-leave, campaign budget.

    python -m bench.cbo_optimizer [--scenario NAME] [--seeds A-B] [--cycle-days N] [--json]

The same campaign as `bench/optimizer.py` (`bench/campaign_tree.py`, 4 ad sets × 3 ads) but
with the daily total on the campaign (Advantage campaign budget, `cbo=True`), so Meta's
sandbox splits it over the ad sets by its own noisy estimate. adpilot runs its daily cycle
(`bench.optimizer.adpilot_step`: every action auto-approved, guardrails on); under CBO its
levers are ad pauses and ad set spend limits (`agents/optimize/decide/cbo.py`). Score: KPI over the horizon
as a fraction of the sandbox oracle's at the campaign budget; also the number of spend-limit
actions applied.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from typing import Any

from bench.optimizer import KPI_COLUMN, _client, adpilot_step, fresh_run, parse_seeds


def run_one(scenario: str, seed: int, strategy: str, cycle_days: int = 1) -> dict[str, Any]:
    """One strategy ("adpilot" | "launch_and_leave") on a fresh sandbox with a CBO campaign.

    adpilot decides every `cycle_days` simulated days (the product's default is 3).
    """
    from bench.campaign_tree import launch
    from sandbox.scenario import load_scenario
    from sandbox.server import SandboxServer

    sc = load_scenario(scenario)
    with (
        tempfile.TemporaryDirectory() as tmp,
        SandboxServer(db_path=f"{tmp}/sandbox.db", scenario=scenario, seed=seed, port=0) as sb,
    ):
        client = _client(sb, sc)
        created = launch(client, sc, spend_cap=True, cbo=True)
        budget = int(client.get(created["campaign"], {"fields": "daily_budget"})["daily_budget"])
        oracle = sb.admin("GET", f"/__sandbox__/oracle?budget_minor={budget}")
        state, ctx, store = fresh_run(sc, created, tmp)
        for day in range(sc.days):
            sb.admin("POST", "/__sandbox__/clock/advance", {"days": 1})
            if strategy == "adpilot" and (day + 1) % cycle_days == 0:
                adpilot_step(client, sc, state, ctx, store)
        assert sb.store is not None
        col = KPI_COLUMN[sc.kpi]
        row = next(iter(sb.store.db.query(f"select sum({col}) k, sum(spend) s from delivery_rows")))
    best = float(oracle["expected_horizon"]["kpi"]) or 1.0
    applied = state["applied_actions"]
    return {
        "scenario": sc.name,
        "seed": seed,
        "strategy": strategy,
        "fraction": round(float(row["k"] or 0) / best, 4),
        "spend_fraction": round(float(row["s"] or 0) / (budget * sc.days), 4),
        "spend_limit_actions": sum(a["name"] == "set_adset_spend_limits" for a in applied),
        "actions": len(applied),
    }


def main(argv: list[str] | None = None) -> int:
    """Run both strategies on every seed; print per-seed rows and the means."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="ecommerce_usd")
    ap.add_argument("--seeds", default="1-3")
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--cycle-days", type=int, default=1, help="days between adpilot's cycles (default 1)"
    )
    args = ap.parse_args(argv)
    if args.cycle_days < 1:
        ap.error("--cycle-days must be 1 or more")
    rows = [
        run_one(args.scenario, seed, s, cycle_days=args.cycle_days)
        for seed in parse_seeds(args.seeds)
        for s in ("adpilot", "launch_and_leave")
    ]
    mean = {
        s: round(sum(r["fraction"] for r in rows if r["strategy"] == s) / (len(rows) / 2), 4)
        for s in ("adpilot", "launch_and_leave")
    }
    if args.json:
        print(json.dumps({"scenario": args.scenario, "rows": rows, "mean": mean}, indent=2))
    else:
        for r in rows:
            print(
                f"seed {r['seed']:>3} {r['strategy']:<17} {r['fraction']:.3f} of the oracle, "
                f"spend {r['spend_fraction']:.2f} of budget, "
                f"{r['spend_limit_actions']} spend-limit / {r['actions']} actions"
            )
        print(f"mean: {mean}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
