"""Exactly once under faults: the crash matrix and the lost-response run.

Longer than 300 lines because it is a benchmark script whose three runs (crash matrix, stop then
resume, undo) print one report; its shared rig is `bench/fault_rig.py`.

    python -m bench.faults [--json] [--ks 1,3,5] [--skip-lost] [--skip-undo] [--cycles 3]
                           [--backend sqlite|postgres] [--postgres URL]

`--backend postgres` runs every part with the children's state in PostgreSQL (checkpoints,
leases, ledger, insights, asset cache; `--postgres` names a server whose user may create
databases, default ADPILOT_TEST_POSTGRES_URL): each starting point is a database of its own and
each trial a copy of it (`CREATE DATABASE … TEMPLATE`), beside the copy of the home.

**Crash matrix.** A reference launch (no crash) counts its Meta writes N (ledger rows that
reached `done`). Then for every k = 1..N, from the same starting point (the thread waiting at
its launch approval, copied), a child process approves the launch and is SIGKILLed right
after Meta committed its k-th write but before the ledger heard back (the most adversarial
point: the object exists, the ledger says `sent`). A *new* process resumes the thread. Each
time the sandbox must hold exactly one complete tree equal to the reference (same names and
labels, types, parents and statuses), no orphans or duplicates (deleted ones included), and the
ledger must match the sandbox (`check_tree`). Printed as `passed/total`.

**Stop after each write, then resume.** The same kill at every k, then `adpilot stop THREAD`,
then a new process resumes: nothing may be created or set ACTIVE after the stop (printed as
`passed/total` under `crash_matrix_stop`).

**Crash mid-apply, then undo.** A launched thread (two ad sets with a budget each) at an
optimise card raising every budget by 10 % (`adpilot optimize THREAD --request "raise the
budget of X to $Y a day"`). A reference approval counts the apply's budget writes N; for every
k = 1..N a child approving the card is SIGKILLed right after Meta committed the k-th budget
write (the ledger says `sent`), a new process resumes, and `adpilot undo THREAD WRITE` of that
object's last write must print "Undone" and bring it back to its budget from before the apply
(the others keep theirs until their own undo, which must restore them too), with no write left
without an outcome and the ledger chain intact (`undo_matrix`). Printed as `passed/total`.

**Lost responses.** A sandbox with lost responses at 30 %, transient errors at 20 % and
throttling on runs a launch plus `--cycles` optimise cycles (every approval approved, every
`wait` resumed after advancing the simulated clock, every crash-free failure resumed as a
person would with `adpilot resume`). Then: zero duplicates, zero orphans, ledger matches the
sandbox; retries (client retries + node re-runs) and waits (governor sleeps + durable waits)
are counted.

`--json` prints `{"crash_matrix": {"passed", "total"}, "crash_matrix_sent": {...},
"crash_matrix_stop": {...}, "crash_undo": {"passed", "total"}, "lost_responses":
{"duplicates", "orphans", "ledger_matches", "retries", "waits"}, "backend"}`.
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

from bench.fault_rig import BRIEF, Storage, _env, _sandbox, brief_with_images, copy_home, ledger_at
from bench.lost_responses import lost_responses
from bench.tree_check import _shape, check_tree, sandbox_objects

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
    `sent`, before the request leaves — the ledger says `sent`, Meta has nothing. `budget`:
    as `committed`, counting only writes that set a budget (the optimise apply's).
    """
    from state.ledger import Ledger
    from state.money import BUDGET_KEYS

    original = Ledger.mark
    seen = {"n": 0}
    trigger = "sent" if mode == "sent" else "done"

    lock = threading.Lock()

    def mark(self: Ledger, write_id: str, status: str, **kw: Any) -> dict[str, Any]:
        n = 0
        after = kw.get("after")
        counted = mode != "budget" or (isinstance(after, dict) and any(
            key in after for key in BUDGET_KEYS))
        if status == trigger and counted:
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


def _approve_all(runner: Any) -> Any:
    """Approve every action of the card the thread waits at."""
    card = runner.status(THREAD).interrupt or {}
    n = len(card.get("action_requests") or [None])
    return runner.resume(THREAD, {"decisions": [{"type": "approve"}] * n})


def child(argv: list[str]) -> int:
    """Entry of the child processes: `start`, `approve [k [mode]]`, `optimize`, `continue`."""
    what = argv[0]
    if what == "approve" and len(argv) > 1 and int(argv[1]) > 0:
        _install_crash_hook(int(argv[1]), argv[2] if len(argv) > 2 else "committed")
    stack, runner = _runner_session()
    with stack:
        if what == "start":
            outcome = runner.start(os.environ["BENCH_BRIEF"], THREAD)
        elif what == "approve":
            outcome = _approve_all(runner)
        elif what == "optimize":  # `adpilot optimize THREAD --request ...`: a cycle now
            asks = json.loads(os.environ["BENCH_REQUESTS"])
            outcome = runner.resume(THREAD, {"wake": "now", "requests": asks}, expect="wait")
        else:
            outcome = runner.continue_thread(THREAD)
            if outcome.waiting_for == "approval":  # the crash hit before the approval stuck
                outcome = _approve_all(runner)
        summary = _summary(outcome)
        if outcome.waiting_for == "approval":
            summary["actions"] = [{"name": a.get("name"), "args": a.get("args")}
                                  for a in (outcome.interrupt or {}).get("action_requests") or []]
        print(json.dumps(summary, default=str))
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


def _fresh(folder: Path, seed_home: Path, seed_db: Path) -> tuple[Path, Any]:
    """A copy of the seed's ADPILOT_HOME and sandbox in `folder`, with the sandbox started."""
    home, db = copy_home(seed_home, seed_db, folder)
    return home, _sandbox(db)


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
    chain = check_tree(sb, ledger_at(home, env))
    if chain["duplicates"]:
        problems.append(f"{chain['duplicates']} duplicate(s)")
    return {"ok": not problems, "problems": problems, "resume": resumed}


def crash_matrix(
    ks: list[int] | dict[str, list[int]] | None = None,
    brief: str = BRIEF,
    log=print,
    modes: tuple[str, ...] = ("committed",),
    store: Storage | None = None,
) -> dict[str, Any]:
    """Run the matrix for each kill mode; returns {mode: {passed, total, failures}, n_writes}.

    `ks` picks the k values (all of 1..N by default), or per mode as {mode: [k, ...]}.
    `store` says where the children keep their state (SQLite in each home by default).
    """
    from state.ledger import Ledger

    store = store or Storage()
    root = Path(tempfile.mkdtemp(prefix="adpilot-crash-"))
    try:
        brief = brief_with_images(root / "images", brief)
        # 1. A thread waiting at its launch approval: the common starting point.
        seed_home, seed_db = root / "seed-home", root / "seed-sandbox.db"
        seed_pg = store.new()
        sb = _sandbox(seed_db)
        rc, output = _run_child(store.env(_env(seed_home, sb.url, brief), seed_pg), "start")
        sb.stop()
        if rc != 0:
            raise RuntimeError(f"start failed: {output[-2000:]}")

        def fresh(name: str) -> tuple[Path, Any, dict[str, str], str | None]:
            home, sb = _fresh(root / name, seed_home, seed_db)
            pg = store.new(seed_pg)
            return home, sb, store.env(_env(home, sb.url, brief), pg), pg

        # 2. The reference: approve without a crash.
        home, sb, env, pg = fresh("ref")
        try:
            rc, output = _run_child(env, "approve", "0")
            if rc != 0:
                raise RuntimeError(f"reference launch failed: {output[-2000:]}")
            ref_check = check_tree(sb, ledger_at(home, env))
            reference = _shape(sandbox_objects(sb))
            led = Ledger(ledger_at(home, env))
            n = sum(1 for e in led.events() if e["status"] == "done")
            led.close()
        finally:
            sb.stop()
            store.drop(pg)
        if not ref_check["ok"]:
            raise RuntimeError(f"reference launch is not clean: {ref_check['problems']}")
        out: dict[str, Any] = {"n_writes": n}
        for mode in modes:
            picked = ks.get(mode) if isinstance(ks, dict) else ks
            total = picked or list(range(1, n + 1))
            failures: dict[int, Any] = {}
            for k in total:
                home, sb, env, pg = fresh(f"{mode}-k{k}")
                try:
                    rc, _out = _run_child(env, "approve", str(k), mode)
                    killed = rc == -signal.SIGKILL
                    if mode == "stop":
                        result = _stop_then_resume(env, sb, home)
                        rc2, out2 = result.pop("resume")
                    else:
                        rc2, out2 = _run_child(env, "continue")
                        result = check_tree(sb, ledger_at(home, env), reference)
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
                    store.drop(pg)
            out[mode] = {
                "passed": len(total) - len(failures),
                "total": len(total),
                "failures": failures,
            }
        return out
    finally:
        store.drop_all()
        shutil.rmtree(root, ignore_errors=True)


# -- crash mid-apply, then undo ----------------------------------------------------------------

# Two ad sets (an age test), a budget each: the apply has more than one budget write.
UNDO_BRIEF = BRIEF.replace("ages 25-45", "test ages 25-34 vs 35-44")
UNDO_TEXT = "killed after Meta committed budget write k of an optimise apply, resumed, undone"


def budget_objects(sb: Any) -> list[dict[str, Any]]:
    """Every campaign and ad set holding a daily budget: id, type, name (untagged), budget."""
    from state.provenance import TAG_RE

    objs = sandbox_objects(sb)
    return [{"id": str(o["id"]), "type": t, "name": TAG_RE.sub("", str(o.get("name"))),
             "daily_budget": int(o["daily_budget"])}
            for t in ("campaign", "adset") for o in objs[t] if o.get("daily_budget")]


def budget_writes(ledger_path: Path | str) -> list[dict[str, Any]]:
    """The ledger's done budget updates (not creates), in ledger order."""
    from state.ledger import CREATE_OPS, Ledger
    from state.money import BUDGET_KEYS

    led = Ledger(ledger_path)
    try:
        return [r for r in led.rows() if r["status"] == "done" and r["op"] not in CREATE_OPS
                and isinstance(r.get("after"), dict)
                and any(k in r["after"] for k in BUDGET_KEYS)]
    finally:
        led.close()


def _cli(env: dict[str, str], *args: str, timeout: float = 120) -> tuple[int, str]:
    """`adpilot ARGS` in a new process (as `python -m graph`)."""
    proc = subprocess.run([sys.executable, "-m", "graph", *args], env={**env, "COLUMNS": "200"},
                          capture_output=True, text=True, timeout=timeout, cwd=Path.cwd())
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


def undo_matrix(ks: list[int] | None = None, brief: str = UNDO_BRIEF, log=print,
                store: Storage | None = None) -> dict[str, Any]:
    """Crash mid-apply, then undo; returns {passed, total, failures, n_writes}.

    From one starting point — a launched thread at an optimise card that raises the budget of
    every campaign / ad set that has one by 10 % (`adpilot optimize THREAD --request "raise
    the budget of X to $Y a day"`) — a reference approval counts the apply's budget writes N.
    Then for each k = 1..N (or `ks`): a child approving the card is SIGKILLed right after Meta
    committed the k-th budget write (the ledger says `sent`); a new process resumes the thread;
    `adpilot undo THREAD WRITE` undoes the last write to that object (the resumed one). It
    passes when the undo says "Undone", the object is back at its budget from before the apply
    while the other objects keep their raised budgets, undoing the other objects' last writes
    (the re-run node repeated them) brings them back too, no write is left without an outcome
    and the ledger chain verifies.
    """
    from state.ledger import Ledger

    store = store or Storage()
    root = Path(tempfile.mkdtemp(prefix="adpilot-crash-undo-"))
    try:
        brief = brief_with_images(root / "images", brief)
        seed_home, seed_db = root / "seed-home", root / "seed-sandbox.db"
        seed_pg = store.new()
        sb = _sandbox(seed_db)

        def fresh(name: str) -> tuple[Path, Any, dict[str, str], str | None]:
            home, sb = _fresh(root / name, seed_home, seed_db)
            pg = store.new(seed_pg)
            env = store.env(_env(home, sb.url, brief), pg)
            return home, sb, {**env, "BENCH_REQUESTS": json.dumps(asks)}, pg

        try:
            env = store.env(_env(seed_home, sb.url, brief), seed_pg)
            for step in (("start",), ("approve", "0")):
                rc, output = _run_child(env, *step)
                if rc != 0:
                    raise RuntimeError(f"{step[0]} failed: {output[-2000:]}")
            original = {o["id"]: o for o in budget_objects(sb)}
            if not original:
                raise RuntimeError("the launched tree has no budget to raise")
            raised = {i: o["daily_budget"] * 11 // 10 for i, o in original.items()}
            asks = [f"raise the budget of {o['name']} to ${raised[i] / 100:.2f} a day"
                    for i, o in original.items()]
            env["BENCH_REQUESTS"] = json.dumps(asks)
            rc, output = _run_child(env, "optimize")
            card = json.loads(output.strip().splitlines()[-1]) if rc == 0 else {}
            if card.get("waiting_for") != "approval":
                raise RuntimeError(f"no optimise card for {asks}: {output[-2000:]}")
        finally:
            sb.stop()

        home, sb, env, pg = fresh("ref")
        try:
            rc, output = _run_child(env, "approve", "0")
            applied = [str(r["meta_id"]) for r in budget_writes(ledger_at(home, env))]
            now = {o["id"]: o["daily_budget"] for o in budget_objects(sb)}
        finally:
            sb.stop()
            store.drop(pg)
        if rc != 0 or not applied or any(now[i] != raised[i] for i in applied):
            raise RuntimeError(f"the reference apply did not raise the budgets: {output[-2000:]}")
        n = len(applied)
        picked = ks or list(range(1, n + 1))
        failures: dict[int, list[str]] = {}
        for k in picked:
            problems: list[str] = []
            home, sb, env, pg = fresh(f"undo-k{k}")
            try:
                rc, _out = _run_child(env, "approve", str(k), "budget")
                if rc != -signal.SIGKILL:
                    problems.append(f"child was not killed (rc={rc})")
                rc, out = _run_child(env, "continue")
                if rc != 0:
                    problems.append(f"resume failed rc={rc}: {out[-800:]}")
                target = applied[k - 1]
                mine = [r for r in budget_writes(ledger_at(home, env))
                        if str(r["meta_id"]) == target]
                if not mine:
                    problems.append(f"no done budget write of {target} after the resume")
                else:
                    rc, out = _cli(env, "undo", THREAD, mine[-1]["write_id"][:12], "--yes")
                    if rc != 0 or "Undone" not in out:
                        problems.append(f"undo of {mine[-1]['write_id'][:12]} rc={rc}: "
                                        f"{' '.join(out.split())[-600:]}")
                now = {o["id"]: o["daily_budget"] for o in budget_objects(sb)}
                if now.get(target) != original[target]["daily_budget"]:
                    problems.append(f"{target} is at {now.get(target)} after the undo, not its "
                                    f"original {original[target]['daily_budget']}")
                for other in applied:
                    if other != target and now.get(other) != raised[other]:
                        problems.append(f"{other} is at {now.get(other)}, not the approved "
                                        f"{raised[other]}")
                # The apply's other writes ran again on resume (the node re-ran): their undo
                # must restore the original too.
                for other in applied:
                    if other == target:
                        continue
                    last = [r for r in budget_writes(ledger_at(home, env))
                            if str(r["meta_id"]) == other][-1]
                    rc, out = _cli(env, "undo", THREAD, last["write_id"][:12], "--yes")
                    if rc != 0 or "Undone" not in out:
                        problems.append(f"undo of {last['write_id'][:12]} rc={rc}: "
                                        f"{' '.join(out.split())[-600:]}")
                now = {o["id"]: o["daily_budget"] for o in budget_objects(sb)}
                back = {i: now.get(i) for i in applied if now.get(i) != original[i]["daily_budget"]}
                if back:
                    problems.append(f"not back at the original budget after every undo: {back}")
                led = Ledger(ledger_at(home, env))
                try:
                    ok, chain = led.verify()
                    pending = led.pending_unknown(THREAD)
                finally:
                    led.close()
                problems += [f"ledger chain: {c}" for c in chain]
                if pending:
                    problems.append(f"{len(pending)} write(s) left without an outcome: "
                                    + ", ".join(f"{p['op']} {p['path']} {p['status']}"
                                                for p in pending))
            finally:
                sb.stop()
                store.drop(pg)
            log(f"  [crash, undo] k={k}/{n}: {'ok' if not problems else 'FAIL ' + '; '.join(problems)}")
            if problems:
                failures[k] = problems
        return {"passed": len(picked) - len(failures), "total": len(picked),
                "failures": failures, "n_writes": n}
    finally:
        store.drop_all()
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
    ap.add_argument("--skip-lost", action="store_true", help="skip the lost-response run")
    ap.add_argument("--skip-undo", action="store_true",
                    help="skip the crash-mid-apply-then-undo matrix")
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
    ap.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"),
                    help="where the children keep their state (default: SQLite in each home)")
    ap.add_argument("--postgres", default=os.environ.get("ADPILOT_TEST_POSTGRES_URL"),
                    help="with --backend postgres: a server URL whose user may create databases")
    args = ap.parse_args(argv)
    if args.backend == "postgres" and not args.postgres:
        ap.error("--backend postgres needs --postgres URL (or ADPILOT_TEST_POSTGRES_URL; "
                 "`source .ci/postgres.sh` starts one)")
    store = Storage(args.postgres if args.backend == "postgres" else None)
    log = (lambda *_a: None) if args.json else print
    started = time.monotonic()
    log(f"backend: {store.backend}")
    ks = [int(x) for x in args.ks.split(",")] if args.ks else None
    modes = tuple(args.modes.split(","))
    matrix = crash_matrix(ks, log=log, modes=modes, store=store)
    for mode in modes:
        m = matrix[mode]
        log(
            f"crash matrix [{MODE_TEXT[mode]}]: {m['passed']}/{m['total']} "
            f"(N = {matrix['n_writes']} writes)"
        )
    first = matrix[modes[0]]
    result: dict[str, Any] = {"backend": store.backend,
                              "crash_matrix": {"passed": first["passed"], "total": first["total"]}}
    for mode in modes[1:]:
        result[f"crash_matrix_{mode}"] = {k: matrix[mode][k] for k in ("passed", "total")}
    if not args.skip_undo:
        undo = undo_matrix(log=log, store=store)
        log(f"crash mid-apply, then undo [{UNDO_TEXT}]: {undo['passed']}/{undo['total']} "
            f"(N = {undo['n_writes']} budget writes)")
        result["crash_undo"] = {k: undo[k] for k in ("passed", "total")}
    if not args.skip_lost:
        lost = lost_responses(cycles=args.cycles, seed=args.seed, log=log, store=store)
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
        args.skip_undo or result["crash_undo"]["passed"] == result["crash_undo"]["total"]
    ) and (
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
