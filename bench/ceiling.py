"""What the money gate lets any strategy reach: a clairvoyant that knows the oracle's answer.

    python -m bench.ceiling [--suite DIR] [--holdout] [--no-bundled] [--seeds A-B] [--procs N]
                            [--levers] [--compare FILE] [--json]

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
- with `--levers`, **clairvoyant_ads** (the oracle's ad pauses on day 1, nothing else) and
  **clairvoyant_budgets** (its budget steps and ad set pauses, every ad kept): which lever a
  regime's gap is in.

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

from bench.clairvoyant import CLAIRVOYANT, LEVERS


def _job(args: tuple[str, int, tuple[str, ...]]) -> list[dict[str, Any]]:
    from bench.optimizer import run_one

    return [run_one(args[0], args[1], s) for s in args[2]]


def main(argv: list[str] | None = None) -> int:
    from bench.optimizer import chosen_scenarios, parse_seeds

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
    ap.add_argument("--levers", action="store_true",
                    help="also the gated clairvoyant with one lever only: the oracle's ad "
                         "pauses alone (clairvoyant_ads), its budget steps and ad set pauses "
                         "alone (clairvoyant_budgets)")
    ap.add_argument("--json", action="store_true", help="print the JSON report only")
    args = ap.parse_args(argv)
    strategies = CLAIRVOYANT + (LEVERS if args.levers else ())
    scenarios, held = chosen_scenarios(args)
    seeds = parse_seeds(args.seeds)
    jobs = [(s, seed, strategies) for s in scenarios for seed in seeds]
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
    levers = f" {'ads':>7} {'budgets':>8}" if args.levers else ""
    print(f"{'regime':<28} {'gated':>7} {'free':>7}{levers} {'adpilot':>8} {'of gated':>9}")
    for r in out:
        tag = " (held out)" if r["held_out"] else ""
        lever = (f" {r['clairvoyant_ads']:>7.3f} {r['clairvoyant_budgets']:>8.3f}"
                 if args.levers else "")
        print(f"{r['name'] + tag:<28} {r['clairvoyant_gated']:>7.3f} {r['clairvoyant_free']:>7.3f}"
              f"{lever} {r.get('adpilot', float('nan')):>8.3f}"
              f" {r.get('adpilot_of_gated', float('nan')):>9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
