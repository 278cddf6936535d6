"""One thread, one runner: N processes advance the same thread at once.

Longer than 300 lines because it is a benchmark script: the four races share one harness that
prepares a starting point and starts the processes at the same moment.

    python -m bench.races [--json] [--trials 100] [--procs 4] [--backend sqlite|postgres|both]
                          [--races approve_approve,approve_resume,tick_optimize,stop_resume]

Each trial copies a prepared starting point (ADPILOT_HOME and the sandbox's database; with
PostgreSQL, the checkpoint database is cloned with `CREATE DATABASE … TEMPLATE`) and starts
`--procs` real `adpilot` command lines (`python -m graph …`) at the same moment against a
sandbox over HTTP:

| race | starting point | processes |
| --- | --- | --- |
| approve_approve | a launch card (go live) | `approve T` × N |
| approve_resume | a launch card (go live) | `approve T` and `resume T`, alternating |
| tick_optimize | a live campaign whose optimise timer is due | `tick --yes` and `optimize T --yes`, alternating |
| stop_resume | a launch killed (SIGKILL) after its 6th Meta write | `stop T` and `resume T`, alternating; then one more `resume T` |
| approve_optimise | an optimise card raising a budget 10 % (`optimize T --request …`) | `approve T` × N |

Then, per trial: **duplicates** (objects sharing a name and label, and campaigns beyond the one
the thread launched), **crashes** (a process that printed a traceback or exited with a code
other than 0, 1 or 2), **false tamper alarms** (`audit verify` not intact), **double
applies** (two `done` writes of one thread with the same operation, object and request —
an approved action applied twice), **forks** (two checkpoints of the thread with the same
parent: two runners advanced it from one step), for stop_resume **after stop** (anything
ACTIVE at the end, or created by the final resume) and for approve_optimise **not applied**
(the approved raise never reached Meta). `--json` prints the totals.
Floors: 0 for every count.
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
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.fault_rig import BRIEF, _env, _sandbox, brief_with_images, copy_home, ledger_at
from bench.faults import THREAD, _run_child, budget_objects
from bench.tree_check import check_tree, sandbox_objects

RACES = ("approve_approve", "approve_resume", "tick_optimize", "stop_resume", "approve_optimise")
CRASH_AT = 6  # stop_resume: the launch is killed after Meta committed its 6th write


def _commands(race: str, procs: int) -> list[list[str]]:
    pairs = {
        "approve_approve": (["approve", THREAD], ["approve", THREAD]),
        "approve_resume": (["approve", THREAD], ["resume", THREAD]),
        "tick_optimize": (["tick", "--yes"], ["optimize", THREAD, "--yes"]),
        "stop_resume": (["stop", THREAD], ["resume", THREAD]),
        "approve_optimise": (["approve", THREAD], ["approve", THREAD]),
    }[race]
    return [pairs[i % 2] for i in range(procs)]


def _cli(env: dict[str, str], *args: str, timeout: float = 180) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "graph", *args], env=env, capture_output=True,
                          text=True, timeout=timeout, cwd=Path.cwd())
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


# -- PostgreSQL ---------------------------------------------------------------------------------


def _pg_url(base: str, db: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql)


# -- starting points ----------------------------------------------------------------------------


class Starts:
    """The prepared starting points of every race, copied for each trial."""

    def __init__(self, root: Path, backend: str, pg_base: str | None) -> None:
        self.root = root
        self.backend = backend
        self.pg_base = pg_base
        self.brief = brief_with_images(root / "images", BRIEF)
        self.pg_dbs: list[str] = []

    def env(self, home: Path, url: str, checkpoint_db: str | None) -> dict[str, str]:
        env = _env(home, url, self.brief)
        env["ADPILOT_LEASE_WAIT"] = "120"  # the losers wait for the winner, then see its result
        if checkpoint_db is not None and self.pg_base:
            env["ADPILOT_CHECKPOINT_URL"] = _pg_url(self.pg_base, checkpoint_db)
        return env

    def _new_pg(self, template: str | None = None) -> str | None:
        if self.backend != "postgres" or not self.pg_base:
            return None
        name = f"adpilot_race_{uuid.uuid4().hex[:10]}"
        _pg_admin(self.pg_base, f'CREATE DATABASE "{name}"'
                  + (f' TEMPLATE "{template}"' if template else ""))
        self.pg_dbs.append(name)
        return name

    def prepare(self, race: str) -> dict[str, Any]:
        """Build the starting point of `race`; returns {home, db, pg}."""
        home, db = self.root / f"start-{race}" / "home", self.root / f"start-{race}" / "sandbox.db"
        pg = self._new_pg()
        sb = _sandbox(db)
        try:
            env = self.env(home, sb.url, pg)
            if race in ("approve_approve", "approve_resume"):
                rc, out = _cli(env, "run", self.brief, "--thread", THREAD, "--live")
            elif race == "tick_optimize":
                rc, out = _cli(env, "run", self.brief, "--thread", THREAD, "--live", "--yes")
                sb.admin("POST", "/__sandbox__/clock/advance", json={"days": 3})
            elif race == "approve_optimise":
                rc, out = _cli(env, "run", self.brief, "--thread", THREAD, "--live", "--yes")
                if rc == 0:  # an optimise card that raises a budget by 10 %, shown here
                    target = budget_objects(sb)[0]
                    ask = (f"raise the budget of {target['name']} to "
                           f"${target['daily_budget'] * 11 / 1000:.2f} a day")
                    rc, out = _cli(env, "optimize", THREAD, "--request", ask)
                    if rc == 0 and "approve" not in out:
                        rc, out = 1, f"no optimise card for {ask!r}: {out}"
            else:
                rc, out = _run_child(env, "start")
                if rc == 0:
                    rc, out = _run_child(env, "approve", str(CRASH_AT), "committed")
                    rc = 0 if rc == -signal.SIGKILL else rc or 1
            if rc not in (0,):
                raise RuntimeError(f"preparing {race} failed (rc={rc}): {out[-2000:]}")
        finally:
            sb.stop()
        return {"home": home, "db": db, "pg": pg}

    def copy(self, start: dict[str, Any], name: str) -> tuple[Path, Path, str | None]:
        """A private copy of a starting point: (home, sandbox db, PostgreSQL database)."""
        home, db = copy_home(start["home"], start["db"], self.root / name)
        return home, db, self._new_pg(start["pg"])

    def drop(self, db: str | None) -> None:
        if db and self.pg_base:
            _pg_admin(self.pg_base, f'DROP DATABASE IF EXISTS "{db}"')


# -- one trial ----------------------------------------------------------------------------------


def _forks(home: Path, env: dict[str, str]) -> int:
    """Checkpoints of THREAD that share a parent: two runners advanced it from one step."""
    from graph.checkpointer import open_checkpointer

    url = env.get("ADPILOT_CHECKPOINT_URL")
    parents: Counter[str] = Counter()
    with open_checkpointer(home, url) as saver:
        for item in saver.list({"configurable": {"thread_id": THREAD, "checkpoint_ns": ""}}):
            parent = (item.parent_config or {}).get("configurable", {}).get("checkpoint_id")
            if parent:
                parents[parent] += 1
    return sum(n - 1 for n in parents.values() if n > 1)


def _double_applies(ledger_location: str) -> int:
    from state.ledger import Ledger

    ledger = Ledger(ledger_location)
    try:
        done = Counter((r.get("thread_id"), r["op"], r.get("path"), r.get("request_digest"))
                       for r in ledger.rows() if r["status"] == "done"
                       and r.get("receipt") not in ("kill-switch", "saga-compensation"))
    finally:
        ledger.close()
    return sum(n - 1 for n in done.values() if n > 1)


def _budget_writes(ledger_location: str) -> int:
    from state.ledger import Ledger

    ledger = Ledger(ledger_location)
    try:
        return sum(1 for r in ledger.rows() if r["status"] == "done" and r["op"] == "update"
                   and "daily_budget" in (r.get("after") or {}))
    finally:
        ledger.close()


def trial(starts: Starts, start: dict[str, Any], race: str, n: int, procs: int) -> dict[str, Any]:
    """Run one trial of `race`; returns its counts and problems."""
    from tools.audit import audit_verify

    home, db, pg = starts.copy(start, f"{race}-{n}")
    sb = _sandbox(db)
    out: dict[str, Any] = {"race": race, "problems": []}
    try:
        env = starts.env(home, sb.url, pg)
        children = [subprocess.Popen([sys.executable, "-m", "graph", *cmd], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     cwd=Path.cwd()) for cmd in _commands(race, procs)]
        results = []
        for child, cmd in zip(children, _commands(race, procs), strict=True):
            stdout, stderr = child.communicate(timeout=300)
            results.append((cmd[0], child.returncode, stdout + stderr))
        crashes = [(c, rc, o) for c, rc, o in results if "Traceback" in o or rc not in (0, 1, 2)]
        out["crashes"] = len(crashes)
        out["problems"] += [f"{c} rc={rc}: {o[-600:]}" for c, rc, o in crashes]
        out["exit_codes"] = sorted(f"{c}:{rc}" for c, rc, _o in results)
        after_stop = 0
        if race == "stop_resume":
            before = sandbox_objects(sb)
            rc, again = _cli(env, "resume", THREAD)
            after = sandbox_objects(sb)
            new = sum(len(v) for v in after.values()) - sum(len(v) for v in before.values())
            # A creative's status is ACTIVE at Meta too; it spends nothing without an ad.
            active = [f"{t} {o['id']}" for t, rows in after.items() for o in rows
                      if o.get("status") == "ACTIVE" and t != "adcreative"]
            after_stop = new + len(active)
            if after_stop:
                out["problems"].append(f"after stop: {new} new object(s), ACTIVE: {active}")
            if "Traceback" in again:
                out["crashes"] += 1
                out["problems"].append(f"final resume: {again[-600:]}")
        # The ledger is in the trial's PostgreSQL database when the checkpoints are.
        tree = check_tree(sb, ledger_at(home, env))
        campaigns = len(sandbox_objects(sb)["campaign"])
        out["duplicates"] = tree["duplicates"] + max(0, campaigns - 1)
        if out["duplicates"]:
            out["problems"].append(f"{out['duplicates']} duplicate(s): {tree['problems']}")
        audit = audit_verify(home, url=env.get("ADPILOT_CHECKPOINT_URL"))
        out["false_tamper_alarms"] = 0 if audit["ok"] else 1
        if not audit["ok"]:
            out["problems"].append(f"audit verify: {audit['problems'][:3]}")
        out["double_applies"] = _double_applies(ledger_at(home, env))
        if race == "approve_optimise":  # the approved raise: applied, exactly once
            raises = _budget_writes(ledger_at(home, env))
            out["not_applied"] = int(raises == 0)
            out["double_applies"] += max(0, raises - 1)
            if raises != 1:
                out["problems"].append(f"the approved budget raise was applied {raises} time(s)")
        out["forks"] = _forks(home, env)
        out["after_stop"] = after_stop
        for key in ("double_applies", "forks"):
            if out[key]:
                out["problems"].append(f"{out[key]} {key.replace('_', ' ')}")
    finally:
        sb.stop()
        starts.drop(pg)
        shutil.rmtree(home.parent, ignore_errors=True)
    return out


COUNTS = ("duplicates", "crashes", "false_tamper_alarms", "double_applies", "forks", "after_stop",
          "not_applied")


def races(trials: int = 100, procs: int = 4, backend: str = "sqlite", pg_base: str | None = None,
          kinds: tuple[str, ...] = RACES, log: Any = print) -> dict[str, Any]:
    """Run `trials` trials spread over `kinds` on one backend; returns the totals."""
    if procs < 2:
        raise ValueError("--procs: a race needs at least 2 processes")
    if backend == "postgres" and not pg_base:
        raise ValueError("--backend postgres needs --postgres URL (or ADPILOT_TEST_POSTGRES_URL)")
    root = Path(tempfile.mkdtemp(prefix="adpilot-races-"))
    starts = Starts(root, backend, pg_base)
    totals: dict[str, Any] = {"backend": backend, "trials": 0, "procs": procs,
                              **{k: 0 for k in COUNTS}, "by_race": {}, "failures": []}
    try:
        prepared = {race: starts.prepare(race) for race in kinds}
        for n in range(trials):
            race = kinds[n % len(kinds)]
            result = trial(starts, prepared[race], race, n, procs)
            totals["trials"] += 1
            by = totals["by_race"].setdefault(race, {"trials": 0, **{k: 0 for k in COUNTS}})
            by["trials"] += 1
            for k in COUNTS:
                totals[k] += result.get(k, 0)
                by[k] += result.get(k, 0)
            if result["problems"]:
                totals["failures"].append({"trial": n, "race": race, "problems": result["problems"]})
            log(f"  [{backend}] trial {n + 1}/{trials} {race}: "
                f"{'ok' if not result['problems'] else 'FAIL ' + '; '.join(result['problems'])[:400]}"
                f"  exits {result.get('exit_codes')}")
        return totals
    finally:
        for db in starts.pg_dbs:
            try:
                starts.drop(db)
            except Exception:  # noqa: BLE001 - best effort cleanup of throwaway databases
                pass
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """CLI entry."""
    ap = argparse.ArgumentParser(prog="python -m bench.races", description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument("--trials", type=int, default=100, help="trials per backend (spread over the races)")
    ap.add_argument("--procs", type=int, default=4, help="processes per trial (≥ 2; default 4)")
    ap.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres", "both"))
    ap.add_argument("--postgres", default=os.environ.get("ADPILOT_TEST_POSTGRES_URL"),
                    help="a PostgreSQL URL whose user may create databases")
    ap.add_argument("--races", default=",".join(RACES), help="comma-separated races")
    args = ap.parse_args(argv)
    kinds = tuple(r for r in args.races.split(",") if r)
    unknown = [r for r in kinds if r not in RACES]
    if unknown:
        ap.error(f"--races: unknown {unknown}; choose from {', '.join(RACES)}")
    log = (lambda *_a: None) if args.json else print
    backends = ("sqlite", "postgres") if args.backend == "both" else (args.backend,)
    started = time.monotonic()
    out = []
    for backend in backends:
        result = races(args.trials, args.procs, backend, args.postgres, kinds, log)
        out.append(result)
        log(f"{backend}: {result['trials']} trials × {args.procs} processes — duplicates "
            f"{result['duplicates']}, crashes {result['crashes']}, false tamper alarms "
            f"{result['false_tamper_alarms']}, double applies {result['double_applies']}, forks "
            f"{result['forks']}, after stop {result['after_stop']}, not applied "
            f"{result['not_applied']}")
    log(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        print(json.dumps(out if len(out) > 1 else out[0], indent=2))
    return 0 if all(r[k] == 0 for r in out for k in COUNTS) else 1


if __name__ == "__main__":
    sys.exit(main())
