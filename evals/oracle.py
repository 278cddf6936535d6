"""The optimiser's figure for `make evals`: KPI delivered as a fraction of the sandbox oracle.

Runs `bench.optimizer.run_one(scenario, seed, "adpilot")` — the graph's own optimise cycle on
a fresh sandbox, every action auto-approved under the default policy — for a small seed range
on every bundled scenario, and reports the mean fraction of the oracle's expected KPI (and,
for scale, what an even budget split with no optimisation would get). `make bench` runs the
full comparison (`python -m bench.optimizer --seeds 1-20`).
"""

from __future__ import annotations

import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

DEFAULT_SEEDS = (1, 2)


def _one(job: tuple[str, int]) -> dict[str, Any]:
    from bench.optimizer import run_one

    return run_one(job[0], job[1], "adpilot")


def optimiser_fraction_of_oracle(seeds: tuple[int, ...] = DEFAULT_SEEDS, scenarios: list[str] | None = None,
                                 procs: int = 2) -> dict[str, Any]:
    """Mean KPI fraction of the oracle over scenarios × seeds (plus the even-split baseline)."""
    from sandbox.scenario import bundled

    names = scenarios or list(bundled())
    jobs = [(name, seed) for name in names for seed in seeds]
    started = time.perf_counter()
    if procs > 1:
        with ProcessPoolExecutor(max_workers=procs) as pool:
            rows = list(pool.map(_one, jobs))
    else:
        rows = [_one(job) for job in jobs]
    per = {}
    for name in names:
        mine = [r for r, (n, _) in zip(rows, jobs, strict=True) if n == name]
        per[mine[0]["scenario"] if mine else name] = {
            "fraction": round(statistics.fmean(r["fraction"] for r in mine), 4),
            "even_split": round(statistics.fmean(r["even_split"] for r in mine), 4)}
    return {"mean": round(statistics.fmean(r["fraction"] for r in rows), 4),
            "even_split": round(statistics.fmean(r["even_split"] for r in rows), 4),
            "per_scenario": per, "seeds": list(seeds), "runs": len(rows),
            "seconds": round(time.perf_counter() - started, 1)}


def optimiser_fraction(inputs: dict[str, Any], outputs: dict[str, Any],
                       reference_outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Evaluator form: `outputs` is one `bench.optimizer.run_one` row."""
    return {"key": "optimiser_fraction_of_oracle", "score": float(outputs["fraction"]),
            "comment": f"{outputs['scenario']} seed {outputs['seed']}: {outputs['fraction']:.3f} of oracle "
                       f"(even split {outputs['even_split']:.3f})"}
