"""How fast `adpilot --help` and `adpilot status` (no threads) start: wall time of a new process.

    python -m bench.cli_startup [--runs 5] [--json]

Each command runs `--runs` times as `python -m graph ...` (what the `adpilot` console script
runs) in a new process, from an empty folder, with ADPILOT_HOME pointing at a folder that does
not exist and no Meta settings, importing this checkout. The figure is the median wall time
of the runs (subprocess start to exit). Target (issue 18): under 0.3 s each on the CI
machines; it is a figure to watch, not a test (a loaded machine is slower). The bench also
says whether `status` created anything (it must not).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.3
COMMANDS = {"--help": ["--help"], "status": ["status"]}
CLEARED = ("META_ACCESS_TOKEN", "META_GRAPH_URL", "META_AD_ACCOUNT_ID", "ADPILOT_CHECKPOINT_URL",
           "ADPILOT_ACCOUNT", "LANGSMITH_API_KEY", "LANGSMITH_TRACING")


def time_command(args: list[str], *, cwd: Path, env: dict[str, str]) -> float:
    """Run `python -m graph ARGS` once; return its wall time in seconds (raises if it fails)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "graph", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"adpilot {' '.join(args)} exited {done.returncode}: "
                           f"{done.stderr[-500:]}")
    return elapsed


def cli_startup(runs: int = 5) -> dict[str, Any]:
    """Time every command `runs` times; return medians, the runs, and whether state was created."""
    with tempfile.TemporaryDirectory(prefix="adpilot-startup-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        env = {k: v for k, v in os.environ.items() if k not in CLEARED}
        env.update({"ADPILOT_HOME": str(home), "PYTHONPATH": str(ROOT), "COLUMNS": "100"})
        figures: dict[str, Any] = {}
        for name, args in COMMANDS.items():
            time_command(args, cwd=folder, env=env)  # warm the bytecode cache; not counted
            times = [time_command(args, cwd=folder, env=env) for _ in range(runs)]
            median = statistics.median(times)
            figures[name] = {"median_s": round(median, 3), "runs_s": [round(t, 3) for t in times],
                             "under_target": median < TARGET_S}
        created = home.exists() or any(p.name == ".adpilot" for p in folder.iterdir())
    return {"runs": runs, "target_s": TARGET_S, "commands": figures,
            "status_created_state": created}


def main(argv: list[str] | None = None) -> None:
    """Print the figures (a table, or JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median of them)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = cli_startup(max(1, args.runs))
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"adpilot start-up, median of {result['runs']} runs (target < {TARGET_S:.2f} s):")
    for name, fig in result["commands"].items():
        runs = " ".join(f"{t:.3f}" for t in fig["runs_s"])
        verdict = "ok" if fig["under_target"] else "OVER TARGET"
        print(f"  adpilot {name:<7} {fig['median_s']:.3f} s  [{runs}]  {verdict}")
    print(f"  status created state: {'YES' if result['status_created_state'] else 'no'}")


if __name__ == "__main__":
    main()
