"""What the money gate lets any strategy reach: a clairvoyant that knows the oracle's answer.

    python -m bench.ceiling [--suite DIR] [--holdout] [--no-bundled] [--seeds A-B] [--procs N]
                            [--compare FILE] [--json]

The optimiser bench (`bench/optimizer.py`) scores every strategy against the sandbox oracle:
the best *fixed* allocation, held from the first hour. No policy adpilot may run reaches it,
because the money gate lets a budget move at most ±`max_budget_change_pct` (20 %) per
`budget_cooldown_hours` (24 h). This bench measures how much of the oracle is reachable at
all under those limits, by two strategies that are *told* the oracle's allocation at launch
(nothing is learnt; they cannot be beaten at knowing):

- **clairvoyant_gated**: every simulated day, on the same harness, campaign and horizon as the
  optimiser bench: pause the ad sets (and ads) the oracle leaves out, and move each kept ad
  set's budget toward the oracle's, as far as `bench_policy` allows in one step (±20 %, through
  the money gate). Lifetime budgets move by the same ratio; under a campaign budget only the
  pauses apply (the campaign's split is Meta's).
- **clairvoyant_free**: the same, but every budget is set to the oracle's at once (no step
  limit): what the clock alone costs (one day at the launch split; learning restarts).

A regime where `clairvoyant_gated` is under 0.85 of the oracle is one where the issue's floor
is out of reach for any strategy that respects the default policy; adpilot's own figure over
`clairvoyant_gated` (`--compare` an optimiser-bench JSON) is the part of the reachable score
it gets.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

CLAIRVOYANT = ("clairvoyant_gated", "clairvoyant_free")


def clairvoyant_step(client: Any, sc: Any, state: dict[str, Any], gated: bool) -> None:
    """One day of the clairvoyant: kept ad sets step toward the oracle's budgets; the ones the
    oracle leaves out are cut step by step while the kept ones cannot yet spend the plan (so the
    campaign keeps spending it), and paused once their money fits in no more."""
    from bench.campaign_tree import bench_policy
    from state.policy import MAX_POLICY_MONEY_MINOR, Policy

    policy = bench_policy(sc) if gated else Policy(
        max_daily_exposure_minor=MAX_POLICY_MONEY_MINOR,
        max_campaign_daily_budget_minor=MAX_POLICY_MONEY_MINOR,
        max_budget_change_pct=1.0, budget_cooldown_hours=0)
    step = policy.max_budget_change_pct
    oracle = state["oracle"]
    even = {str(r["adset_id"]): r["expected_horizon_kpi"]
            for r in oracle["even_split"]["allocation"]}
    kept_daily, losers = 0.0, []
    for row in oracle["allocation"]:
        sid, target = str(row["adset_id"]), int(row["daily_budget_minor"])
        if sid in state["paused"]:
            continue
        if target <= 0:
            losers.append(sid)
            continue
        for ad in state["ads_of"].get(sid, []):
            if ad not in row["ads"] and ad not in state["paused"]:
                client.write("update", ad, {"status": "PAUSED"}, object_type="ad")
                state["paused"].add(ad)
        kept_daily += _move(client, sc, state, sid, target, policy, step, gated)
    room = oracle["budget_minor"] - kept_daily
    for sid in sorted(losers, key=lambda i: -even.get(i, 0.0)):
        got = client.get(sid, {"fields": "daily_budget"})
        current = int(got.get("daily_budget") or 0)
        floor = int(sc.account.min_daily_budget)
        cut = max(int(current * (1 - step)), floor) if gated else 0
        if current and cut and cut <= room:
            room -= _move(client, sc, state, sid, cut, policy, step, gated)
            continue
        client.write("update", sid, {"status": "PAUSED"}, object_type="adset")
        state["paused"].add(sid)


def _move(client: Any, sc: Any, state: dict[str, Any], sid: str, target: int, policy: Any,
          step: float, gated: bool) -> float:
    """Step one ad set's budget toward `target` a day (lifetime: by the same ratio); return
    its daily budget (equivalent) after the step."""
    from state.guardrails import MoneyAction
    from tools.money import clear

    got = client.get(sid, {"fields": "daily_budget,lifetime_budget,budget_remaining"})
    field = "daily_budget" if int(got.get("daily_budget") or 0) else "lifetime_budget"
    current = int(got.get(field) or 0)
    if not current:  # under a campaign budget: only the pauses
        return float(target)
    floor = int(sc.account.min_daily_budget)
    if field == "lifetime_budget":  # Meta: never below what is spent + 10 %
        floor = int((current - int(got.get("budget_remaining") or 0)) * 1.1) + 1
    daily_now = state["launch_daily"].get(sid) or current
    wanted = current * target / daily_now if field == "lifetime_budget" else target
    new = int(min(max(wanted, current * (1 - step)), current * (1 + step)) if gated else wanted)
    new = max(new, floor)
    written = current
    while abs(new - written) >= max(1, written // 200):  # the free one: ±100 % steps at once
        nxt = min(max(new, written // 2 + 1), written * 2)
        action = MoneyAction.from_action("set_adset_budget", {"adset_id": sid, field: nxt})
        verdict = clear(client, [action], policy)
        if verdict.passes[0] is None:
            break
        client.write("update", sid, action.params(), object_type="adset",
                     gate_pass=verdict.passes[0])
        written = nxt
        if gated:
            break
    if field == "lifetime_budget":  # keep the ratio's base in step with the new budget
        state["launch_daily"][sid] = daily_now * written / current
        return float(state["launch_daily"][sid])
    return float(written)


def prepare(client: Any, state: dict[str, Any], oracle: dict[str, Any]) -> None:
    """Remember the oracle, each ad set's ads, and its launch daily equivalent."""
    state["oracle"] = oracle
    state["ads_of"] = {}
    for ad in state["created"]["ads"].values():
        got = client.get(str(ad), {"fields": "adset_id"})
        state["ads_of"].setdefault(str(got["adset_id"]), []).append(str(ad))
    even = {str(r["adset_id"]): int(r["daily_budget_minor"])
            for r in oracle["even_split"]["allocation"]}
    state["launch_daily"] = {sid: even.get(sid, 0) for sid in even}


def _job(args: tuple[str, int]) -> list[dict[str, Any]]:
    from bench.optimizer import run_one

    return [run_one(args[0], args[1], s) for s in CLAIRVOYANT]


def main(argv: list[str] | None = None) -> int:
    from bench.optimizer import parse_seeds, suite
    from sandbox.scenario import bundled

    ap = argparse.ArgumentParser(prog="python -m bench.ceiling",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", action="append", help="scenario file or bundled name")
    ap.add_argument("--suite", metavar="DIR", help="also every DIR/*.json scenario")
    ap.add_argument("--holdout", action="store_true", help="with --suite: DIR/holdout/*.json too")
    ap.add_argument("--no-bundled", action="store_true", help="leave out the bundled scenarios")
    ap.add_argument("--seeds", default="1-5", help="seed range A-B or list (default 1-5)")
    ap.add_argument("--procs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--compare", metavar="FILE",
                    help="an optimiser-bench JSON (python -m bench.optimizer --json): adds "
                         "adpilot's mean and its share of the gated ceiling")
    ap.add_argument("--json", action="store_true", help="print the JSON report only")
    args = ap.parse_args(argv)
    scenarios = args.scenario or ([] if args.no_bundled else bundled())
    held: list[str] = []
    if args.suite:
        files, held = suite(args.suite, args.holdout)
        scenarios = scenarios + files + held
    seeds = parse_seeds(args.seeds)
    jobs = [(s, seed) for s in scenarios for seed in seeds]
    by: dict[str, dict[str, list[float]]] = {}
    with ProcessPoolExecutor(max_workers=max(1, args.procs)) as pool:
        for rows in pool.map(_job, jobs):
            for r in rows:
                by.setdefault(r["scenario"], {}).setdefault(r["strategy"], []).append(
                    r["fraction"])
                print(f"{r['scenario']:<24} seed {r['seed']:>3}  {r['strategy']:<18} "
                      f"{r['fraction']:.3f} of oracle (spend {r['spend_fraction']:.2f})",
                      file=sys.stderr)
    adpilot: dict[str, float] = {}
    if args.compare:
        report = json.loads(Path(args.compare).read_text())
        adpilot = {s["name"]: s["mean"]["adpilot"] for s in report["scenarios"]}
    held_names = {Path(h).stem for h in held}
    out = []
    for name, strat in by.items():
        row: dict[str, Any] = {"name": name, "held_out": name in held_names, "seeds": len(seeds),
                               **{k: round(sum(v) / len(v), 4) for k, v in strat.items()}}
        if name in adpilot:
            row["adpilot"] = adpilot[name]
            row["adpilot_of_gated"] = round(adpilot[name] / (row["clairvoyant_gated"] or 1), 4)
        out.append(row)
    if args.json:
        print(json.dumps({"seeds": seeds, "scenarios": out}, indent=2))
        return 0
    print(f"fraction of the oracle, mean over seeds {args.seeds}:")
    print(f"{'regime':<28} {'gated':>7} {'free':>7} {'adpilot':>8} {'of gated':>9}")
    for r in out:
        tag = " (held out)" if r["held_out"] else ""
        print(f"{r['name'] + tag:<28} {r['clairvoyant_gated']:>7.3f} {r['clairvoyant_free']:>7.3f}"
              f" {r.get('adpilot', float('nan')):>8.3f} {r.get('adpilot_of_gated', float('nan')):>9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
