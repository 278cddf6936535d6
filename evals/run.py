"""Field-level accuracy of the rules planner on `evals/datasets/briefs.jsonl` (`make evals`).

    python -m evals.run [--dataset FILE] [--json] [--verbose] [--floor 0.9] [--planner-only] [--seeds 1-2]

Prints a table per field path and per brief, the overall accuracy (fields right / fields
checked) and whether every brief with missing facts got a clarification; the silent errors
and field accuracy on every messy-brief dataset (`evals/messy.py`; the floor is 0 silent
errors on `messy_briefs.jsonl`, the others are held out and reported; the capability sets of
issue 15, `messy_capabilities` (tuning) and `messy_capabilities_holdout`, also by kind and by
capability); then the
trajectory-rule pass rate of the graph-trajectory cases (evals/trajectory.py, real graph on
the sandbox) and the optimiser's KPI as a fraction of the sandbox oracle (evals/oracle.py).
Exits 1 when the overall accuracy is under the floor, a brief that lacks a fact was not
clarified, or any trajectory rule fails. Offline;
`python -m evals.langsmith_run` runs the same evaluators as LangSmith experiments.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from evals import messy
from evals.evaluators import clarifies_when_missing, field_results
from evals.jsonl import load_jsonl

DATASET = Path(__file__).parent / "datasets" / "briefs.jsonl"
FLOOR = 0.9


def load(path: Path = DATASET, required: tuple[str, ...] = ("id", "brief", "expected"),
         check: Any = None) -> list[dict[str, Any]]:
    """Read a JSONL dataset (default: the planner briefs), naming the line of any malformed row."""
    return load_jsonl(path, required, check)


def evaluate(rows: list[dict[str, Any]], planner: Any = plan_brief) -> dict[str, Any]:
    """Run the planner (default: the rules planner) over every row and score it."""
    per_path: dict[str, list[bool]] = defaultdict(list)
    briefs = []
    started = time.perf_counter()
    for row in rows:
        defaults = PlanDefaults.from_dict(row.get("defaults") or {})
        outputs = planner(row["brief"], defaults).to_dict()
        results = [r for r in field_results(outputs, row["expected"]) if not r["na"]]
        for r in results:
            per_path[re.sub(r"\[(\d+)\]", "[i]", r["path"])].append(r["ok"])
        clar = clarifies_when_missing({}, outputs, row["expected"])
        briefs.append({"id": row["id"], "right": sum(r["ok"] for r in results),
                       "total": len(results), "clarified": clar["score"] == 1.0,
                       "needs_clarify": bool(row["expected"].get("questions")),
                       "misses": [r for r in results if not r["ok"]]})
    right = sum(b["right"] for b in briefs)
    total = sum(b["total"] for b in briefs)
    missing = [b for b in briefs if b["needs_clarify"]]
    return {
        "overall": right / total if total else 0.0, "fields_right": right, "fields": total,
        "briefs": len(briefs), "seconds": round(time.perf_counter() - started, 3),
        "by_path": {p: {"right": sum(v), "total": len(v)} for p, v in sorted(per_path.items())},
        "clarified": sum(b["clarified"] for b in missing), "needing_clarification": len(missing),
        "per_brief": briefs,
    }


def _print(report: dict[str, Any], verbose: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Rules planner — field accuracy by path")
    for col in ("field", "right", "total", "accuracy"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for path, v in report["by_path"].items():
        table.add_row(path, str(v["right"]), str(v["total"]), f"{v['right'] / v['total']:.0%}")
    console.print(table)
    for b in report["per_brief"]:
        if b["misses"] and (verbose or b["right"] < b["total"]):
            console.print(f"[bold]{b['id']}[/] {b['right']}/{b['total']}: " + "; ".join(
                f"{m['path']} expected {m['expected']!r} got {m['actual']!r}" for m in b["misses"]))
    console.print(f"\nOverall: [bold]{report['overall']:.1%}[/] ({report['fields_right']}/"
                  f"{report['fields']} fields, {report['briefs']} briefs, {report['seconds']} s). "
                  f"Clarified {report['clarified']}/{report['needing_clarification']} briefs "
                  "with missing facts.")


def _graph_evals(seeds: str) -> dict[str, Any]:
    """Trajectory-rule pass rate (real graph, sandbox) and optimiser fraction of the oracle."""
    from bench.optimizer import parse_seeds
    from evals.oracle import optimiser_fraction_of_oracle
    from evals.trajectory import run_all

    return {"trajectories": run_all(),
            "optimiser": optimiser_fraction_of_oracle(tuple(parse_seeds(seeds)))}


def _llm_planner(rows: list[dict[str, Any]], model: str) -> dict[str, Any]:
    """The same briefs through the LLM planner (`provider:model`), scored the same way."""
    import functools

    from agents.orchestrator.planning import llm

    report = evaluate(rows, planner=functools.partial(llm.plan_brief, model=model))
    return {"model": model, **{k: v for k, v in report.items() if k not in ("per_brief", "by_path")}}


def _messy() -> dict[str, Any]:
    """Silent errors and field accuracy on every messy-brief dataset (evals/messy.py)."""
    return {path.stem: {k: v for k, v in messy.evaluate(messy.load(path)).items()
                        if k not in ("per_brief", "by_path")}
            for path in sorted(DATASET.parent.glob("messy_*.jsonl"))}


def _router() -> dict[str, Any]:
    """The rules request router on every request file, each reported apart (evals/router.py)."""
    from evals import router

    world = router.load_world()
    return {name: {k: v for k, v in router.score_router(router.rules_router(), router.load_rows(path),
                                                        world).items() if k != "per_row"}
            for name, path in router.FILES.items()}


def _print_graph_evals(extra: dict[str, Any]) -> None:
    from evals.router import summary_line

    for name, report in extra.get("messy", {}).items():
        print(messy.summary_line(name, report))
        for line in messy.slice_lines(report):
            print(line)
    for name, report in extra.get("router", {}).items():
        print(summary_line(name, report))
    if "llm_planner" in extra:
        llm = extra["llm_planner"]
        print(f"LLM planner ({llm['model']}): {llm['overall']:.1%} ({llm['fields_right']}/{llm['fields']} "
              f"fields); clarified {llm['clarified']}/{llm['needing_clarification']}")
    if "trajectories" not in extra:
        return
    traj, opt = extra["trajectories"], extra["optimiser"]
    print(f"Trajectory rules: {traj['pass_rate']:.0%} pass ({traj['checks']} checks over "
          f"{traj['cases']} graph runs, {traj['seconds']} s): "
          + ", ".join(f"{k} {v:.0%}" for k, v in traj["by_rule"].items()))
    for f in traj["failures"]:
        print(f"  FAIL {f['case']} {f['key']}: {f['comment']}")
    print(f"Optimiser: {opt['mean']:.3f} of oracle KPI (even split {opt['even_split']:.3f}; "
          f"{opt['runs']} runs, seeds {opt['seeds']}, {opt['seconds']} s): "
          + ", ".join(f"{k} {v['fraction']:.3f}" for k, v in opt["per_scenario"].items()))


def main(argv: list[str] | None = None) -> int:
    """Run the eval; return 0 when the floors hold."""
    ap = argparse.ArgumentParser(prog="python -m evals.run", description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, default=DATASET)
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--verbose", action="store_true", help="list every miss")
    ap.add_argument("--floor", type=float, default=FLOOR)
    ap.add_argument("--planner-only", action="store_true",
                    help="skip the trajectory rules and the optimiser figure")
    ap.add_argument("--seeds", default="1-2", help="optimiser seeds per scenario (default 1-2)")
    ap.add_argument("--model", default=os.environ.get("ADPILOT_MODEL", "rules"),
                    help="also score the LLM planner with this provider:model (default ADPILOT_MODEL)")
    args = ap.parse_args(argv)
    report = evaluate(load(args.dataset))
    extra: dict[str, Any] = {"messy": _messy()}
    if not args.planner_only:
        extra.update(_graph_evals(args.seeds))
    if args.model and args.model != "rules":
        extra["llm_planner"] = _llm_planner(load(args.dataset), args.model)
    extra["router"] = _router()
    if args.json:
        print(json.dumps({**{k: v for k, v in report.items() if k != "per_brief"}, **extra}, indent=2))
    else:
        _print(report, args.verbose)
        _print_graph_evals(extra)
    ok = report["overall"] >= args.floor and \
        report["clarified"] == report["needing_clarification"] and \
        extra.get("trajectories", {}).get("pass_rate", 1.0) == 1.0 and \
        extra["messy"]["messy_briefs"]["silent_errors"] == 0 and \
        all(r["floors"]["question_writes"] == 0 and r["floors"]["refusal_writes"] == 0
            for r in extra["router"].values())
    if not ok and not args.json:
        print(f"FAIL: floor {args.floor:.0%} overall, every missing-fact brief clarified, 0 "
              "silent errors on messy_briefs, and no write proposed for a router question, "
              "clarification or refusal", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
