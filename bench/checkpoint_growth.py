"""How big a thread's latest checkpoint gets over a long optimise loop: 3 vs 90 daily cycles.

    python -m bench.checkpoint_growth [--cycles 3,90] [--keys]

A launched campaign (the demo's brief, four ad sets of three ads, a flight long enough for
every cycle) runs its optimise loop on the embedded sandbox with `cycle_days=1`; the bench
plays the person of `adpilot demo --yes`: it approves every card and, at every timer, moves
the simulated clock to the timer and wakes it. After each number of cycles asked for it
prints the bytes of the thread's latest checkpoint in the SQLite checkpointer (the row's
checkpoint and metadata blobs plus the pending writes stored under it: what a resume
reads), and with `--keys` the biggest state keys. Target (issue 14): the bytes after 90
cycles within 2× of those after 3.

`checkpoint_growth(checkpoints=(3, 90))` is the library entry the tests call with fewer
cycles.
"""

from __future__ import annotations

import argparse
import dataclasses
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

# The demo's brief with a flight long enough for 90 daily cycles.
BRIEF = (
    "Sell our new TrailBlaze running shoes to runners in the US and Canada. One ad set per age "
    "group: 18-24, 25-34, 35-44 and 45-54. Budget $160/day for 120 days starting tomorrow, "
    "target CPA $40. Landing page https://shop.example.com/trailblaze. Use images {images}. "
    "Shop now."
)
THREAD = "growth-1"
SEED = 7
MAX_STEPS_PER_CYCLE = 12  # interrupts per cycle before the bench gives up (a loop bound)


def checkpoint_bytes(db: Path, thread_id: str) -> int:
    """Bytes of the thread's latest checkpoint: its blobs and the writes pending under it."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT checkpoint_id, length(checkpoint) + length(metadata) FROM checkpoints "
            "WHERE thread_id = ? AND checkpoint_ns = '' ORDER BY checkpoint_id DESC LIMIT 1",
            (thread_id,)).fetchone()
        if row is None:
            raise RuntimeError(f"no checkpoint for thread {thread_id!r} in {db}")
        pending = conn.execute(
            "SELECT COALESCE(SUM(length(value)), 0) FROM writes WHERE thread_id = ? AND "
            "checkpoint_ns = '' AND checkpoint_id = ?", (thread_id, row[0])).fetchone()[0]
    return int(row[1]) + int(pending)


def key_bytes(values: dict[str, Any]) -> dict[str, int]:
    """Serialised size of each state key, biggest first (what to cap when something grows)."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    serde = JsonPlusSerializer()
    sizes = {k: len(serde.dumps_typed(v)[1]) for k, v in values.items()}
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def _images(folder: Path) -> list[str]:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(3):
        path = folder / f"shoe_{i}.png"
        Image.new("RGB", (1080, 1080), (60 * i, 120, 200)).save(path)
        out.append(str(path))
    return out


def checkpoint_growth(checkpoints: Sequence[int] = (3, 90), *, home: Path | None = None,
                      log: Callable[[str], None] = print, keys: bool = False) -> dict[int, dict[str, Any]]:
    """Run the loop to the largest of `checkpoints` cycles; measure the checkpoint at each.

    Returns `{cycles: {"bytes", "keys", "applied", "applied_total", "recorded",
    "history_rows", "history_bytes", "cycle"}}`: the latest checkpoint's bytes, its biggest
    keys (with `keys`), the applied actions it holds, all the thread applied (`full_history`),
    the rows of its action history (all but those applied since the last cycle was decided),
    and the thread's whole checkpoint history (every step's checkpoint).
    """
    from agents.optimize.history import full_history
    from graph.environment import open_environment
    from graph.runner import open_runner
    from state.action_history import ActionHistory

    wanted = sorted(set(int(c) for c in checkpoints))
    home = home or Path(tempfile.mkdtemp(prefix="adpilot-growth-"))
    brief = BRIEF.format(images=", ".join(_images(home / "images")))
    out: dict[int, dict[str, Any]] = {}
    with open_environment(home=home, embedded=True, seed=SEED, announce=lambda _m: None) as env:
        policy = dataclasses.replace(env.context.policy, go_live=True)
        # Unbounded on purpose (`max_cycles=None`); the bench stops after the last measure.
        env.context = dataclasses.replace(env.context, policy=policy, cycle_days=1,
                                          max_cycles=None)
        sandbox = env.sandbox
        with open_runner(env.home, env.context) as runner:
            outcome = runner.start(brief, THREAD)
            for _ in range(MAX_STEPS_PER_CYCLE * (wanted[-1] + 2)):
                kind = outcome.waiting_for
                cycle = int(outcome.values.get("cycle") or 0)
                if kind == "wait" and cycle in wanted and cycle not in out:
                    db = Path(env.home) / "checkpoints.sqlite"
                    size = checkpoint_bytes(db, THREAD)
                    recorded = len(ActionHistory(env.home).entries(THREAD))
                    total = len(full_history(outcome.values, THREAD, env.home))
                    with sqlite3.connect(db) as conn:
                        history = conn.execute("SELECT COUNT(*), SUM(length(checkpoint)) FROM "
                                               "checkpoints WHERE thread_id = ?",
                                               (THREAD,)).fetchone()
                    out[cycle] = {"bytes": size, "cycle": cycle, "recorded": recorded,
                                  "applied_total": total,
                                  "history_rows": int(history[0]),
                                  "history_bytes": int(history[1] or 0),
                                  "applied": len(outcome.values.get("applied_actions") or []),
                                  "keys": key_bytes(outcome.values) if keys else {}}
                    log(f"after {cycle:3d} cycle(s): latest checkpoint {size:,} bytes "
                        f"({out[cycle]['applied']} of the thread's {total} applied action(s) "
                        "in it; its report lists all of them)")
                    if cycle == wanted[-1]:
                        break
                if kind == "approval":
                    card = outcome.interrupt or {}
                    value = {"decisions": [{"type": "approve"}] * len(card.get("action_requests") or [1]),
                             "receipt": card.get("receipt")}
                    outcome = runner.resume(THREAD, value, expect="approval",
                                            interrupt_id=outcome.interrupt_id)
                elif kind == "wait":
                    until = datetime.fromisoformat(str((outcome.interrupt or {})["until"]))
                    now = datetime.fromisoformat(sandbox.admin("GET", "/__sandbox__/clock")["now"])
                    gap_h = (until - now).total_seconds() / 3600
                    if gap_h > 0:
                        sandbox.admin("POST", "/__sandbox__/clock/advance", json={"hours": gap_h + 0.01})
                    outcome = runner.resume(THREAD, {"woke_at": until.isoformat()}, expect="wait")
                else:
                    raise RuntimeError(f"the thread stopped at {outcome.values.get('phase')!r} "
                                       f"(cycle {cycle}): {outcome.values.get('status')}")
            else:
                raise RuntimeError("the loop did not reach its cycles in the steps allowed")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", default="3,90", help="cycle counts to measure at (3,90)")
    parser.add_argument("--keys", action="store_true", help="also print the biggest state keys")
    args = parser.parse_args(argv)
    wanted = [int(c) for c in args.cycles.split(",") if c.strip()]
    result = checkpoint_growth(wanted, keys=args.keys)
    if args.keys:
        for cycles, row in sorted(result.items()):
            top = ", ".join(f"{k} {v:,}" for k, v in list(row["keys"].items())[:8])
            print(f"  {cycles} cycle(s): {top}")
    first, last = min(result), max(result)
    ratio = result[last]["bytes"] / max(result[first]["bytes"], 1)
    verdict = "within" if ratio <= 2 else "NOT within"
    print(f"checkpoint bytes after {last} cycles / after {first} cycles: {ratio:.2f}× "
          f"({verdict} the 2× target)")
    # Not bounded, and not what a resume reads: every step's checkpoint is kept as history.
    print(f"the thread's checkpoint history after {last} cycles: {result[last]['history_rows']:,} "
          f"checkpoints, {result[last]['history_bytes']:,} bytes (what `adpilot trace` reads)")


if __name__ == "__main__":
    main()
