"""Exactly once under faults: the crash matrix and the lost-response run.

    python -m bench.faults [--json] [--ks 1,3,5] [--skip-lost] [--cycles 3]

**Crash matrix.** A reference launch (no crash) counts its Meta writes N (ledger rows that
reached `done`). Then for every k = 1..N, from the same starting point (the thread waiting at
its launch approval, copied), a child process approves the launch and is SIGKILLed right
after Meta committed its k-th write but before the ledger heard back (the most adversarial
point: the object exists, the ledger says `sent`). A *new* process resumes the thread. Each
time the sandbox must hold exactly one complete tree equal to the reference (same tagged
names, types, parents and statuses), no orphans or duplicates (deleted ones included), and the
ledger must match the sandbox (`check_tree`). Printed as `passed/total`.

**Stop after each write, then resume.** The same kill at every k, then `adpilot stop THREAD`,
then a new process resumes: nothing may be created or set ACTIVE after the stop (printed as
`passed/total` under `crash_matrix_stop`).

**Lost responses.** A sandbox with lost responses at 30 %, transient errors at 20 % and
throttling on runs a launch plus `--cycles` optimise cycles (every approval approved, every
`wait` resumed after advancing the simulated clock, every crash-free failure resumed as a
person would with `adpilot resume`). Then: zero duplicates, zero orphans, ledger matches the
sandbox; retries (client retries + node re-runs) and waits (governor sleeps + durable waits)
are counted.

`--json` prints `{"crash_matrix": {"passed", "total"}, "lost_responses": {"duplicates",
"orphans", "ledger_matches", "retries", "waits"}}`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.tree_check import _shape, check_tree, sandbox_objects

BRIEF = (
    "Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
    "for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
    "Use images {images}. Shop now."
)
TOKEN = "sandbox-token"
THREAD = "crash-1"
MODE_TEXT = {
    "committed": "killed after Meta committed write k",
    "sent": "killed before write k was sent",
    "stop": "killed after write k, `adpilot stop`, then resumed: nothing created or activated",
}


# -- child processes ------------------------------------------------------------------------


def _install_crash_hook(k: int, mode: str = "committed") -> None:
    """SIGKILL this process at the k-th write.

    `committed`: when Meta has answered the k-th write, before the ledger records `done` —
    the object exists, the ledger says `sent`. `sent`: right after the ledger records the k-th
    `sent`, before the request leaves — the ledger says `sent`, Meta has nothing.
    """
    from state.ledger import Ledger

    original = Ledger.mark
    seen = {"n": 0}
    trigger = "sent" if mode == "sent" else "done"

    lock = threading.Lock()

    def mark(self: Ledger, write_id: str, status: str, **kw: Any) -> dict[str, Any]:
        n = 0
        if status == trigger:
            with lock:  # uploads run in parallel threads: count each mark exactly once
                seen["n"] += 1
                n = seen["n"]
            if n == k and mode != "sent":
                os.kill(os.getpid(), signal.SIGKILL)
        row = original(self, write_id, status, **kw)
        if n == k:
            os.kill(os.getpid(), signal.SIGKILL)
        return row

    Ledger.mark = mark  # type: ignore[method-assign]


def _runner_session(go_live: bool = True) -> Any:
    """Open the environment from the process env (an external sandbox) and a runner."""
    import dataclasses
    from contextlib import ExitStack

    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from graph.environment import open_environment
    from graph.runner import Runner

    stack = ExitStack()
    env = stack.enter_context(open_environment(embedded=False, announce=lambda _m: None))
    policy = dataclasses.replace(env.context.policy, go_live=go_live)
    context = dataclasses.replace(env.context, policy=policy)
    saver = stack.enter_context(open_checkpointer(env.home))
    return stack, Runner(build_graph(checkpointer=saver), context)


def _summary(outcome: Any) -> dict[str, Any]:
    return {
        "waiting_for": outcome.waiting_for,
        "phase": outcome.values.get("phase"),
        "next": list(outcome.next),
        "done": outcome.done,
        "interrupt": outcome.interrupt if outcome.waiting_for != "approval" else None,
    }


def child(argv: list[str]) -> int:
    """Entry of the child processes: `start`, `approve [k]`, `continue`."""
    what = argv[0]
    if what == "approve" and len(argv) > 1 and int(argv[1]) > 0:
        _install_crash_hook(int(argv[1]), argv[2] if len(argv) > 2 else "committed")
    stack, runner = _runner_session()
    with stack:
        if what == "start":
            outcome = runner.start(os.environ["BENCH_BRIEF"], THREAD)
        elif what == "approve":
            outcome = runner.resume(THREAD, {"decisions": [{"type": "approve"}]})
        else:
            outcome = runner.continue_thread(THREAD)
            if outcome.waiting_for == "approval":  # the crash hit before the approval stuck
                outcome = runner.resume(THREAD, {"decisions": [{"type": "approve"}]})
        print(json.dumps(_summary(outcome), default=str))
    return 0


def _run_child(env: dict[str, str], *args: str, timeout: float = 120) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.faults", "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path.cwd(),
    )
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


# -- the crash matrix ------------------------------------------------------------------------


def _sandbox(db: Path, faults: dict[str, Any] | None = None, seed: int = 7) -> Any:
    from sandbox.server import SandboxServer

    sb = SandboxServer(db_path=db, scenario="ecommerce_usd", seed=seed, token=TOKEN,
                       faults=faults)
    return sb.start()


def brief_with_images(folder: Path, brief: str = BRIEF, n: int = 2) -> str:
    """The bench brief with `n` fresh 1080×1080 PNGs written to `folder`."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"shoe_{i}.png"
        Image.new("RGB", (1080, 1080), (40 * i, 120, 200)).save(path)
        paths.append(str(path))
    return brief.replace("{images}", ", ".join(paths))


def _env(home: Path, url: str, brief: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("META_", "ADPILOT_", "LANGSMITH", "LANGCHAIN"))
    }
    env.update(
        META_GRAPH_URL=url,
        META_ACCESS_TOKEN=TOKEN,
        ADPILOT_HOME=str(home),
        ADPILOT_MODEL="rules",
        BENCH_BRIEF=brief,
        PYTHONPATH=str(Path.cwd()),
    )
    return env


def _copy_db(src: Path, dst: Path) -> None:
    import sqlite3

    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def _stop_then_resume(env: dict[str, str], sb: Any, home: Path) -> dict[str, Any]:
    """`adpilot stop THREAD`, then resume: nothing may be created or set ACTIVE after the stop."""
    from bench.tree_check import sandbox_objects

    problems: list[str] = []
    stop = subprocess.run([sys.executable, "-m", "graph", "stop", THREAD], env=env,
                          capture_output=True, text=True, timeout=120, cwd=Path.cwd())
    if stop.returncode != 0 or "Traceback" in stop.stderr:
        problems.append(f"stop failed rc={stop.returncode}: {(stop.stdout + stop.stderr)[-600:]}")
    before = sandbox_objects(sb)
    resumed = _run_child(env, "continue")
    after = sandbox_objects(sb)
    new = sum(len(v) for v in after.values()) - sum(len(v) for v in before.values())
    # A creative's status is ACTIVE at Meta too; it spends nothing without an ad.
    active = [f"{t} {o['id']}" for t, rows in after.items() for o in rows
              if o.get("status") == "ACTIVE" and t != "adcreative"]
    if new:
        problems.append(f"{new} object(s) created after the stop")
    if active:
        problems.append(f"ACTIVE after the stop: {active}")
    chain = check_tree(sb, home / "ledger.db")
    if chain["duplicates"]:
        problems.append(f"{chain['duplicates']} duplicate(s)")
    return {"ok": not problems, "problems": problems, "resume": resumed}


def crash_matrix(
    ks: list[int] | dict[str, list[int]] | None = None,
    brief: str = BRIEF,
    log=print,
    modes: tuple[str, ...] = ("committed",),
) -> dict[str, Any]:
    """Run the matrix for each kill mode; returns {mode: {passed, total, failures}, n_writes}.

    `ks` picks the k values (all of 1..N by default), or per mode as {mode: [k, ...]}.
    """
    from state.ledger import Ledger

    root = Path(tempfile.mkdtemp(prefix="adpilot-crash-"))
    try:
        brief = brief_with_images(root / "images", brief)
        # 1. A thread waiting at its launch approval: the common starting point.
        seed_home, seed_db = root / "seed-home", root / "seed-sandbox.db"
        sb = _sandbox(seed_db)
        rc, output = _run_child(_env(seed_home, sb.url, brief), "start")
        sb.stop()
        if rc != 0:
            raise RuntimeError(f"start failed: {output[-2000:]}")

        def fresh(name: str) -> tuple[Path, Any]:
            home = root / name / "home"
            shutil.copytree(seed_home, home)
            for f in home.glob("*-wal"):
                f.unlink()
            for name_db in ("ledger.db", "checkpoints.sqlite"):
                if (seed_home / name_db).exists():
                    (home / name_db).unlink()
                    _copy_db(seed_home / name_db, home / name_db)
            db = root / name / "sandbox.db"
            _copy_db(seed_db, db)
            return home, _sandbox(db)

        # 2. The reference: approve without a crash.
        home, sb = fresh("ref")
        try:
            rc, output = _run_child(_env(home, sb.url, brief), "approve", "0")
            if rc != 0:
                raise RuntimeError(f"reference launch failed: {output[-2000:]}")
            ref_check = check_tree(sb, home / "ledger.db")
            reference = _shape(sandbox_objects(sb))
            led = Ledger(home / "ledger.db")
            n = sum(1 for e in led.events() if e["status"] == "done")
            led.close()
        finally:
            sb.stop()
        if not ref_check["ok"]:
            raise RuntimeError(f"reference launch is not clean: {ref_check['problems']}")
        out: dict[str, Any] = {"n_writes": n}
        for mode in modes:
            picked = ks.get(mode) if isinstance(ks, dict) else ks
            total = picked or list(range(1, n + 1))
            failures: dict[int, Any] = {}
            for k in total:
                home, sb = fresh(f"{mode}-k{k}")
                try:
                    env = _env(home, sb.url, brief)
                    rc, _out = _run_child(env, "approve", str(k), mode)
                    killed = rc == -signal.SIGKILL
                    if mode == "stop":
                        result = _stop_then_resume(env, sb, home)
                        rc2, out2 = result.pop("resume")
                    else:
                        rc2, out2 = _run_child(env, "continue")
                        result = check_tree(sb, home / "ledger.db", reference)
                    if not killed:
                        result["problems"].append(f"child was not killed (rc={rc})")
                    if rc2 != 0:
                        result["problems"].append(f"resume failed rc={rc2}: {out2[-800:]}")
                    ok = killed and rc2 == 0 and result["ok"] and not result["problems"]
                    log(
                        f"  [{mode}] k={k:>2}/{n}: "
                        f"{'ok' if ok else 'FAIL ' + '; '.join(result['problems'])}"
                    )
                    if not ok:
                        failures[k] = result["problems"]
                finally:
                    sb.stop()
            out[mode] = {
                "passed": len(total) - len(failures),
                "total": len(total),
                "failures": failures,
            }
        return out
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """CLI entry."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        return child(argv[1:])
    ap = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--ks", help="comma-separated k values (default: every k = 1..N)")
    ap.add_argument("--skip-lost", action="store_true", help="only the crash matrix")
    ap.add_argument(
        "--modes",
        default="committed,sent,stop",
        help="kill points: committed (after Meta committed write k, before the "
        "ledger heard back), sent (before write k left), stop (after write k, then "
        "`adpilot stop` and a resume that must create and activate nothing)",
    )
    ap.add_argument(
        "--cycles", type=int, default=3, help="optimise cycles in the lost-response run"
    )
    ap.add_argument("--seed", type=int, default=11, help="fault seed of the lost-response run")
    args = ap.parse_args(argv)
    log = (lambda *_a: None) if args.json else print
    started = time.monotonic()
    ks = [int(x) for x in args.ks.split(",")] if args.ks else None
    modes = tuple(args.modes.split(","))
    matrix = crash_matrix(ks, log=log, modes=modes)
    for mode in modes:
        m = matrix[mode]
        log(
            f"crash matrix [{MODE_TEXT[mode]}]: {m['passed']}/{m['total']} "
            f"(N = {matrix['n_writes']} writes)"
        )
    first = matrix[modes[0]]
    result: dict[str, Any] = {"crash_matrix": {"passed": first["passed"], "total": first["total"]}}
    for mode in modes[1:]:
        result[f"crash_matrix_{mode}"] = {k: matrix[mode][k] for k in ("passed", "total")}
    if not args.skip_lost:
        from bench.lost_responses import lost_responses

        lost = lost_responses(cycles=args.cycles, seed=args.seed, log=log)
        log(
            f"lost responses: duplicates {lost['duplicates']}, orphans {lost['orphans']}, "
            f"ledger matches {lost['ledger_matches']}, retries {lost['retries']} "
            f"({lost['client_retries']} by the client, {lost['person_resumes']} resumes after a "
            f"stopped run), waits {lost['waits']} ({lost['governor_sleeps']} governor sleeps, "
            f"{lost['durable_waits']} durable throttle waits); {lost['cycles']} optimise cycles, "
            f"{lost['applied']} action(s) applied, faults injected {lost['injected']}"
        )
        result["lost_responses"] = {
            k: lost[k] for k in ("duplicates", "orphans", "ledger_matches", "retries", "waits")
        }
    log(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        print(json.dumps(result))
    ok = all(matrix[m]["passed"] == matrix[m]["total"] for m in modes) and (
        args.skip_lost
        or (
            result["lost_responses"]["duplicates"] == 0
            and result["lost_responses"]["orphans"] == 0
            and result["lost_responses"]["ledger_matches"]
            and lost["cycles"] >= args.cycles
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
