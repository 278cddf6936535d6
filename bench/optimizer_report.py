"""The optimiser bench's JSON summary and the issue's floor check (see `bench/optimizer.py`)."""

from __future__ import annotations

import statistics
from typing import Any

STRATEGIES = ("adpilot", "launch_and_leave", "threshold_rules")


def _mean(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    return {
        s: round(statistics.fmean(r[key] for r in rows if r["strategy"] == s), 4)
        for s in STRATEGIES
    }


def _figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per strategy, the mean over seeds of the runs' reversal and actions-per-cycle figures."""
    if not any("budget_reversals" in r for r in rows):
        return {}
    out: dict[str, Any] = {"budget_reversals_per_adset": {}, "budget_reversals_per_run": {},
                           "actions_per_cycle": {}}
    for s in STRATEGIES:
        mine = [r for r in rows if r["strategy"] == s]
        if not mine:
            continue
        out["budget_reversals_per_adset"][s] = round(
            statistics.fmean(r["budget_reversals_per_adset"] for r in mine), 4)
        out["budget_reversals_per_run"][s] = round(
            statistics.fmean(r["budget_reversals"] for r in mine), 4)
        kinds = sorted({k for r in mine for k in r["actions_per_cycle"]})
        out["actions_per_cycle"][s] = {
            k: round(statistics.fmean(r["actions_per_cycle"].get(k, 0.0) for r in mine), 4)
            for k in kinds
        }
    return out


def _overall(scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"scenarios": scenarios}
    for key in ("mean", "mean_same_spend"):
        out[key] = {
            s: round(statistics.fmean(x[key][s] for x in scenarios), 4) for s in STRATEGIES
        }
    if scenarios and all("budget_reversals_per_adset" in x for x in scenarios):
        for key in ("budget_reversals_per_adset", "budget_reversals_per_run"):
            out[key] = {
                s: round(statistics.fmean(x[key][s] for x in scenarios), 4) for s in STRATEGIES
            }
    out["floor"] = floor_check(out)
    return out


def summarise(
    results: list[dict[str, Any]],
    scenarios: list[str],
    seeds: list[int],
    held_out: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """Build the JSON report: per scenario the mean fraction per strategy, then overall.

    `mean` is the KPI as a fraction of the oracle at the planned daily budget (the issue's
    figure); `mean_same_spend` divides by the oracle at each strategy's own average daily spend
    (fairer when a strategy spends more than the plan, as the threshold rules do).

    Scenarios named in `held_out` (regimes kept out of tuning) carry `held_out: true`; the
    top-level `mean`, `mean_same_spend` and `floor` are over the other scenarios, and the
    held-out ones get the same figures under `held_out` (absent when none is held out).
    Each scenario also has `regime_floor` (its own adpilot mean >= 0.85 and ahead of both
    baselines) and, when the runs carry them, the mean over seeds of the budget-direction
    reversals per ad set / per run and the actions per optimise cycle by type, per strategy;
    with a target, `oracle_vs_target` (mean over seeds), `target_out_of_reach_seeds` (seeds
    where even the oracle is `OUT_OF_REACH`× off the target) and `mean_target_in_reach` (each
    strategy's mean on the other seeds, when there are both kinds).
    """
    out: dict[str, Any] = {"scenarios": []}
    for name in scenarios:
        rows = [r for r in results if r["scenario_arg"] == name]
        per_seed = {
            str(seed): {r["strategy"]: r["fraction"] for r in rows if r["seed"] == seed}
            for seed in seeds
        }
        out["scenarios"].append(
            {
                "name": rows[0]["scenario"] if rows else name,
                "seeds": seeds,
                "mean": _mean(rows, "fraction"),
                "mean_same_spend": _mean(rows, "fraction_same_spend"),
                "spend_fraction": _mean(rows, "spend_fraction"),
                "even_split": round(statistics.fmean(r["even_split"] for r in rows), 4),
                "per_seed": per_seed,
                "held_out": name in held_out,
                **_figures(rows),
                **_reach(rows, seeds),
            }
        )
        out["scenarios"][-1]["regime_floor"] = regime_floor(out["scenarios"][-1])
    tuned = [x for x in out["scenarios"] if not x["held_out"]]
    kept = [x for x in out["scenarios"] if x["held_out"]]
    out.update({k: v for k, v in _overall(tuned or kept).items() if k != "scenarios"})
    if kept:
        out["held_out"] = {"names": [x["name"] for x in kept],
                           **{k: v for k, v in _overall(kept).items() if k != "scenarios"}}
    return out


def _reach(rows: list[dict[str, Any]], seeds: list[int]) -> dict[str, Any]:
    """Seeds where even the oracle misses the target by `OUT_OF_REACH`× or more, and each
    strategy's mean over the other seeds (`bench.optimizer.oracle_vs_target`)."""
    ratios = {r["seed"]: r["oracle_vs_target"] for r in rows
              if r["strategy"] == "adpilot" and r.get("oracle_vs_target") is not None}
    if not ratios:
        return {}
    out_of_reach = sorted(s for s, v in ratios.items() if v >= OUT_OF_REACH)
    inside = [r for r in rows if r["seed"] not in out_of_reach]
    return {"oracle_vs_target": round(statistics.fmean(ratios.values()), 3),
            "target_out_of_reach_seeds": out_of_reach,
            **({"mean_target_in_reach": _mean(inside, "fraction")}
               if out_of_reach and len(out_of_reach) < len(seeds) else {})}


def regime_floor(x: dict[str, Any]) -> dict[str, Any]:
    """One regime's verdict: adpilot's mean >= 0.85 and above both baselines' means."""
    mean = x["mean"]
    ahead = {b: mean["adpilot"] > mean[b] for b in ("launch_and_leave", "threshold_rules")}
    return {
        "at_least": mean["adpilot"] >= FLOOR,
        "ahead_of_launch_and_leave": ahead["launch_and_leave"],
        "ahead_of_threshold_rules": ahead["threshold_rules"],
        "met": mean["adpilot"] >= FLOOR and all(ahead.values()),
    }


FLOOR = 0.85
# Even the oracle's cost per result is this many times the target (or its ROAS the target over
# this): the far-off-target level at which adpilot's alerts and off-target rules cut spend.
OUT_OF_REACH = 1.5


def floor_check(report: dict[str, Any]) -> dict[str, Any]:
    """The issue's floor: adpilot's mean >= 0.85, and ahead of both baselines in every scenario."""
    sc = report["scenarios"]
    ahead = {
        b: {x["name"]: x["mean"]["adpilot"] > x["mean"][b] for x in sc}
        for b in ("launch_and_leave", "threshold_rules")
    }
    return {
        "rule": f"adpilot mean >= {FLOOR}; per scenario adpilot's mean above both baselines'",
        "adpilot_mean": report["mean"]["adpilot"],
        "ahead_of_launch_and_leave": ahead["launch_and_leave"],
        "ahead_of_threshold_rules": ahead["threshold_rules"],
        "ahead_of_threshold_rules_same_spend": {
            x["name"]: x["mean_same_spend"]["adpilot"] > x["mean_same_spend"]["threshold_rules"]
            for x in sc
        },
        "per_scenario_at_least": {x["name"]: x["mean"]["adpilot"] >= FLOOR for x in sc},
        "met": report["mean"]["adpilot"] >= FLOOR
        and all(ahead["launch_and_leave"].values())
        and all(ahead["threshold_rules"].values()),
    }


SHORT = {"adpilot": "adpilot", "launch_and_leave": "leave", "threshold_rules": "rules"}


def _regime_line(x: dict[str, Any]) -> str:
    m, f = x["mean"], x["regime_floor"]
    verdict = "ok" if f["met"] else (
        "below 0.85" if not f["at_least"] else "behind a baseline"
    )
    line = (
        f"{x['name']:<22} " + " ".join(f"{m[s]:>7.3f}" for s in STRATEGIES) + f"  {verdict:<17}"
    )
    if "budget_reversals_per_adset" in x:
        rev = x["budget_reversals_per_adset"]
        per = x["actions_per_cycle"]
        line += " ".join(f"{rev[s]:>7.2f}" for s in STRATEGIES)
        line += " " + " ".join(f"{per[s].get('all', 0.0):>7.2f}" for s in STRATEGIES)
    return line


def print_regimes(report: dict[str, Any]) -> None:
    """Per regime: the three means, adpilot's verdict, reversals per ad set, changes per cycle.

    Regimes held out from tuning are printed in their own block after the others.
    """
    head = (
        f"{'regime':<22} " + " ".join(f"{SHORT[s]:>7}" for s in STRATEGIES)
        + f"  {'>=0.85 & ahead':<17}"
        + " ".join(f"{'rev/' + SHORT[s][:3]:>7}" for s in STRATEGIES)
        + " " + " ".join(f"{'act/' + SHORT[s][:3]:>7}" for s in STRATEGIES)
    )
    blocks = [("regimes", False), ("held out from tuning", True)]
    for title, held in blocks:
        rows = [x for x in report["scenarios"] if x.get("held_out", False) is held]
        if not rows:
            continue
        print(f"\n{title} (mean fraction of the oracle over the seeds; rev = budget-direction "
              "reversals per ad set per run; act = observed changes per optimise cycle):")
        print(head)
        for x in rows:
            print(_regime_line(x))
            if x.get("target_out_of_reach_seeds"):
                n, inside = len(x["target_out_of_reach_seeds"]), x.get("mean_target_in_reach")
                print(f"{'':<22} target out of the oracle's reach (≥ {OUT_OF_REACH:g}× off) on "
                      f"{n} seed(s)" + (f"; on the others adpilot {inside['adpilot']:.3f}, leave "
                                        f"{inside['launch_and_leave']:.3f}, rules "
                                        f"{inside['threshold_rules']:.3f}" if inside else ""))
            if "actions_per_cycle" in x:
                by_type = {k: v for k, v in x["actions_per_cycle"]["adpilot"].items() if k != "all"}
                print(f"{'':<22} adpilot per cycle: "
                      + (", ".join(f"{k} {v:.2f}" for k, v in by_type.items()) or "none"))
        part = report["held_out"] if held else report
        if held or "held_out" in report:
            f = part["floor"]
            print(f"{title}: adpilot mean {f['adpilot_mean']:.3f}, floor "
                  f"{'met' if f['met'] else 'NOT met'}")
