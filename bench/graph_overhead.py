"""What the graph costs over calling the launch nodes by hand.

    python -m bench.graph_overhead [--json] [--runs N]

Both paths launch the same brief against one sandbox, alternating, in one process. The sandbox
runs in its own process, as Meta is remote (in-process it would compete with the graph's
worker threads for the GIL, which Meta never does):

* **graph** — `build_graph` with the SQLite checkpointer and `durability="sync"`: stream the
  brief to the approval interrupt, resume with an approval, run to the end of the launch
  (stopping before the optimise loop's first timer, when the loop is installed);
* **direct** — the same node functions called in sequence with a hand-made `Runtime`
  (the approval node's decision is built the way `review_plan` builds it, since
  `interrupt()` only works inside a graph).

Each run is a new thread (so new plan keys and a fresh tree at the sandbox). One warm-up of
each path is not timed. The ratio is the median over runs of (graph time / direct time) of
each back-to-back pair. `checkpoint_bytes` is the size of one graph thread's checkpoints and pending writes in SQLite.
Floor: ratio ≤ 1.3. `--json` prints `{"ratio", "checkpoint_bytes", ...}`.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langgraph.runtime import ExecutionInfo, Runtime
from langgraph.types import Command

BRIEF = (
    "Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day for 14 "
    "days starting tomorrow. Landing page https://shop.example.com/trail. Use images {images}. "
    "Shop now."
)
APPROVE = {"decisions": [{"type": "approve"}]}


def graph_launch(graph: Any, ctx: Any, thread_id: str, brief: str) -> None:
    """Brief → approval → launch through the compiled graph."""
    config = {"configurable": {"thread_id": thread_id}}
    stop = ["wait_for_data"] if "wait_for_data" in graph.nodes else None
    created: dict[str, Any] = {}
    inputs: list[Any] = [{"brief": brief}, Command(resume=APPROVE)]
    for value in inputs:
        for chunk in graph.stream(
            value,
            config,
            context=ctx,
            stream_mode="updates",
            durability="sync",
            interrupt_before=stop,
        ):
            created.update((chunk.get("create_ads") or {}).get("created") or {})
    if not created.get("ads"):
        raise RuntimeError("graph launch did not finish")


def direct_launch(ctx: Any, thread_id: str, brief: str) -> None:
    """The same node functions, called in sequence."""
    from agents.ads.nodes import create_ads
    from agents.assets.nodes import upload_assets
    from agents.campaigns.nodes import activate, create_campaigns
    from agents.orchestrator.approval import approval_payload
    from agents.orchestrator.nodes import plan_campaign, validate_plan

    runtime = Runtime(
        context=ctx,
        execution_info=ExecutionInfo(
            checkpoint_id="", checkpoint_ns="", task_id="", thread_id=thread_id
        ),
    )
    state: dict[str, Any] = {"brief": brief}
    state.update(plan_campaign(state, runtime))
    state.update(validate_plan(state, runtime))
    payload = approval_payload(state, ctx.policy.go_live)
    state.update(
        approval={
            "decision": "approve",
            "receipt": payload["receipt"],
            "go_live": ctx.policy.go_live,
        },
        phase="approved",
    )
    for node in (upload_assets, create_campaigns, create_ads, activate):
        state.update(node(state, runtime))
    if not state.get("created", {}).get("ads"):
        raise RuntimeError("direct launch did not finish")


def checkpoint_bytes(db: Path, thread_id: str) -> int:
    """Bytes of checkpoints, metadata and pending writes stored for one thread."""
    with sqlite3.connect(db) as conn:
        ck = conn.execute(
            "select coalesce(sum(length(checkpoint) + length(metadata)), 0) "
            "from checkpoints where thread_id = ?",
            (thread_id,),
        ).fetchone()[0]
        wr = conn.execute(
            "select coalesce(sum(length(value)), 0) from writes where thread_id = ?", (thread_id,)
        ).fetchone()[0]
    return int(ck + wr)


@contextmanager
def external_sandbox(db: Path) -> Iterator[str]:
    """Run the sandbox in its own process (as Meta is remote) and yield its URL."""
    proc = subprocess.Popen([sys.executable, "-m", "graph", "sandbox", "serve", "--port", "0",
                             "--db", str(db), "--seed", "1"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("Sandbox listening on "):
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        yield line.rsplit(" ", 1)[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def measure(runs: int) -> dict[str, Any]:
    """Run both paths `runs` times (after a warm-up each) and return the figures."""
    from graph.checkpointer import checkpoint_path
    from graph.cli.demo import sample_images
    from graph.environment import SANDBOX_TOKEN, build_context
    from graph.runner import open_runner
    from state.context import Context, MetaSettings

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        brief = BRIEF.format(images=", ".join(str(p) for p in sample_images(Path(tmp) / "assets")))
        with external_sandbox(Path(tmp) / "sandbox.db") as url:
            ctx = build_context(MetaSettings(graph_url=url), home, token=SANDBOX_TOKEN,
                                sandbox=True, base=Context())
            # The runner's own checkpointer setup (SQLite in ADPILOT_HOME, as `adpilot` uses it).
            with open_runner(home, ctx) as runner:
                paths = {"graph": lambda tid: graph_launch(runner.graph, ctx, tid, brief),
                         "direct": lambda tid: direct_launch(ctx, tid, brief)}
                for name, launch in paths.items():
                    launch(f"warm-{name}")
                timings: dict[str, list[float]] = {"graph": [], "direct": []}
                for i in range(runs):
                    # Alternate which path goes first so drift in the sandbox hits both alike.
                    for name in (("graph", "direct") if i % 2 == 0 else ("direct", "graph")):
                        start = time.perf_counter()
                        paths[name](f"{name}-{i}")
                        timings[name].append(time.perf_counter() - start)
            size = checkpoint_bytes(checkpoint_path(home), "graph-0")
    g, d = statistics.median(timings["graph"]), statistics.median(timings["direct"])
    # Each pair runs back to back, so the median of per-pair ratios cancels load on the machine.
    ratio = statistics.median(
        a / b for a, b in zip(timings["graph"], timings["direct"], strict=True)
    )
    return {
        "ratio": round(ratio, 3),
        "checkpoint_bytes": size,
        "graph_s": round(g, 4),
        "direct_s": round(d, 4),
        # The least-disturbed run of each path: what the graph costs on an idle machine.
        "ratio_of_fastest": round(min(timings["graph"]) / min(timings["direct"]), 3),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the overhead figures (a table, or one JSON object with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--runs", type=int, default=21, help="timed launches per path (default 21)")
    args = parser.parse_args(argv)
    result = measure(args.runs)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"graph launch   {result['graph_s']:.3f} s (median of {args.runs})")
        print(f"direct nodes   {result['direct_s']:.3f} s")
        print(f"ratio          {result['ratio']:.3f}  (floor ≤ 1.3; fastest runs: "
              f"{result['ratio_of_fastest']:.3f})")
        print(f"checkpoints    {result['checkpoint_bytes']:,} bytes per thread")
    return 0 if result["ratio"] <= 1.3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
