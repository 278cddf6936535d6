"""Lost responses at 30 %, transient errors at 20 %, throttling on: a launch + optimise cycles.

Run by `python -m bench.faults` (see its docstring); `lost_responses()` is the library entry.
Everything runs in this process against a sandbox on loopback, through the real graph, the
real checkpointer and the real SDK. The bench plays the human: it approves every card,
resumes every `wait` (advancing the simulated clock for data waits), and — like a person
typing `adpilot resume` — continues the thread after a run stops on an error.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.fault_rig import BRIEF, TOKEN, Storage, _sandbox, brief_with_images, ledger_at
from bench.tree_check import check_tree

FAULTS = {"lost_response": 0.3, "transient": 0.2, "throttle": 0.1, "throttle_s": 1}
THREAD = "lost-1"


def _count_client_stats(totals: Counter) -> Any:
    """Add every MetaClient's counters (retries, throttle waits) into `totals`."""
    from tools.meta_client import MetaClient

    original = MetaClient._count

    def _count(self: MetaClient, key: str, n: int = 1) -> None:
        totals[key] += n
        original(self, key, n)

    MetaClient._count = _count  # type: ignore[method-assign]
    return lambda: setattr(MetaClient, "_count", original)


def _sim_now(sb: Any) -> datetime:
    clock = sb.admin("GET", "/__sandbox__/clock")
    return datetime.fromisoformat(str(clock.get("now") or clock.get("sim_now")))


def lost_responses(
    cycles: int = 3, seed: int = 11, brief: str = BRIEF, log=print, max_steps: int = 300,
    store: Storage | None = None,
) -> dict[str, Any]:
    """Run the faulty launch + `cycles` optimise cycles; return the figures and the checks.

    `store` says where the state goes (SQLite in the home by default; with PostgreSQL, a new
    database of its own).
    """
    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from graph.environment import open_environment
    from graph.runner import Runner

    root = Path(tempfile.mkdtemp(prefix="adpilot-lost-"))
    brief = brief_with_images(root / "images", brief, n=3)
    totals: Counter = Counter()
    restore = _count_client_stats(totals)
    store = store or Storage()
    saved_env = {
        k: os.environ.get(k)
        for k in ("META_GRAPH_URL", "META_ACCESS_TOKEN", "ADPILOT_HOME", "ADPILOT_MODEL",
                  "ADPILOT_CHECKPOINT_URL")
    }
    database = store.new()
    # Scenario seed 1: its delivery makes the optimiser propose pauses in cycle 2, so
    # apply_actions runs under the faults too (seed 7's launch draws no proposals).
    sb = _sandbox(root / "sandbox.db", faults={**FAULTS, "seed": seed}, seed=1)
    try:
        os.environ.update(
            META_GRAPH_URL=sb.url,
            META_ACCESS_TOKEN=TOKEN,
            ADPILOT_HOME=str(root / "home"),
            ADPILOT_MODEL="rules",
        )
        os.environ.pop("ADPILOT_CHECKPOINT_URL", None)
        os.environ.update(store.env({}, database))
        with (
            open_environment(embedded=False, announce=lambda _m: None) as env,
            open_checkpointer(env.home) as saver,
        ):
            policy = dataclasses.replace(env.context.policy, go_live=True)
            context = dataclasses.replace(env.context, policy=policy, max_cycles=cycles)
            runner = Runner(build_graph(checkpointer=saver), context)
            reruns, data_waits, throttle_waits = 0, 0, 0

            def attempt(fn: Any, *args: Any) -> Any:
                nonlocal reruns
                try:
                    return fn(*args)
                except Exception as exc:  # a person would read the error and resume
                    reruns += 1
                    status = runner.status(THREAD) if runner.exists(THREAD) else None
                    where = ", ".join(status.next) if status is not None else "start"
                    log(f"  run stopped in {where} ({type(exc).__name__}); resuming")
                    return status

            outcome = attempt(runner.start, brief, THREAD)
            if not runner.exists(THREAD):
                raise RuntimeError("the thread could not even start under faults")
            for _ in range(max_steps):
                if outcome.done:
                    break
                kind = outcome.waiting_for
                if kind == "approval":
                    n = len(outcome.interrupt.get("action_requests") or [1])
                    value = {
                        "decisions": [{"type": "approve"}] * n,
                        "receipt": outcome.interrupt.get("receipt"),
                    }
                    outcome = attempt(runner.resume, THREAD, value)
                elif kind == "wait":
                    reason = str(outcome.interrupt.get("reason", ""))
                    if reason.startswith("throttled"):
                        throttle_waits += 1
                    else:
                        data_waits += 1
                        until = datetime.fromisoformat(outcome.interrupt["until"])
                        gap = (until - _sim_now(sb)).total_seconds()
                        if gap > 0:
                            sb.admin(
                                "POST", "/__sandbox__/clock/advance", {"hours": gap / 3600 + 1}
                            )
                    outcome = attempt(runner.resume, THREAD, {"tick": True})
                elif kind is None:
                    outcome = attempt(runner.continue_thread, THREAD)
                else:
                    raise RuntimeError(f"unexpected interrupt {kind!r}: {outcome.interrupt}")
            else:
                raise RuntimeError(f"thread did not finish in {max_steps} steps")
        injected = sb.admin("GET", "/__sandbox__/faults").get("injected", {})
        sb.admin("POST", "/__sandbox__/faults", {"lost_response": 0, "transient": 0, "throttle": 0})
        check = check_tree(sb, ledger_at(root / "home", dict(os.environ)))
        cycles_done = int(outcome.values.get("cycle") or 0)
        return {
            "duplicates": check["duplicates"],
            "orphans": check["orphans"],
            "ledger_matches": check["ledger_matches"] and check["ok"],
            "retries": int(totals["retries"]) + reruns,
            "client_retries": int(totals["retries"]),
            "person_resumes": reruns,
            "governor_sleeps": int(totals["throttle_waits"]),
            "durable_waits": throttle_waits,
            "waits": int(totals["throttle_waits"]) + throttle_waits,
            "cycles": cycles_done,
            "data_waits": data_waits,
            "problems": check["problems"],
            "injected": injected,
            "objects": check["objects"],
            "applied": len(outcome.values.get("applied_actions") or []),
            "writes": sb.admin("GET", "/__sandbox__/stats")["writes"],
        }
    finally:
        restore()
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        sb.stop()
        store.drop(database)
        shutil.rmtree(root, ignore_errors=True)
