"""Storage faults: a full disk at each step, read-only, truncated, corrupt and deleted files.

    python -m bench.storage_faults [--json] [--steps 1,3,5]

Every case starts from a copy of one thread — a launch card that goes live — with its
ADPILOT_HOME and sandbox database, and runs the real `adpilot approve` (and then `adpilot
resume`, `adpilot stop --all`) in new processes against the sandbox over HTTP:

- **disk full after checkpoint k** (k = 1 … the launch's checkpoints): from the k-th checkpoint
  on, every SQLite file of the process is full (SQLite's own SQLITE_FULL, raised by setting
  each connection's page limit to its current size — the error a full disk gives). Then
  space is "freed" (a new process) and `adpilot resume` must bring the thread to where an
  undisturbed launch ends: the same tree, live, waiting for its first optimise cycle.
- **read-only checkpoints / ledger**: the file is opened read-only (SQLite `mode=ro`: root
  ignores file permissions, so the bench asks SQLite for it).
- **truncated / corrupt checkpoints**, **corrupt / deleted ledger**: the file is cut to half,
  or its pages overwritten, or removed — before `adpilot approve` (which must then write
  nothing to Meta), or after the launch, before `adpilot optimize THREAD --yes`.

Per case it prints: **clear error** (the failing command exits 1 or 2 with a message naming
the file, and no traceback), **recoverable** (after the fault is gone — space freed, file
writable — `adpilot resume` reaches the undisturbed end state; "restore" for a damaged file,
which needs a backup), and **stopped** (objects at Meta not ACTIVE after `adpilot stop --all`
/ objects the launch created: with one file damaged, the kill switch must still stop
everything from the other). `--json` prints the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.fault_rig import BRIEF, _env, _sandbox, brief_with_images, copy_home
from bench.tree_check import _shape, check_tree, sandbox_objects

THREAD = "storage-1"


# -- the child: `adpilot approve` with a fault installed -----------------------------------------


def _install_disk_full(after: int) -> None:
    """From the `after`-th checkpoint written by this process on, every SQLite file is full."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    conns: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def tracked(*args: Any, **kw: Any) -> sqlite3.Connection:
        conn = connect(*args, **kw)
        conns.append(conn)
        return conn

    sqlite3.connect = tracked  # type: ignore[assignment]
    original = SqliteSaver.put
    seen = {"n": 0}

    def put(self: Any, *args: Any, **kw: Any) -> Any:
        out = original(self, *args, **kw)
        seen["n"] += 1
        if seen["n"] == after:
            for conn in conns:
                try:
                    pages = conn.execute("PRAGMA page_count").fetchone()[0]
                    conn.execute(f"PRAGMA max_page_count={int(pages)}")
                except sqlite3.Error:
                    pass
        return out

    SqliteSaver.put = put  # type: ignore[method-assign]


def _install_read_only(name: str) -> None:
    """Open `<home>/<name>` read-only (SQLite mode=ro), as a read-only file or mount would be."""
    connect = sqlite3.connect

    def read_only(database: Any, *args: Any, **kw: Any) -> sqlite3.Connection:
        if str(database).endswith(name):
            kw["uri"] = True
            return connect(f"file:{Path(database).resolve()}?mode=ro", *args, **kw)
        return connect(database, *args, **kw)

    sqlite3.connect = read_only  # type: ignore[assignment]


def child(argv: list[str]) -> int:
    """`--child FAULT ARG -- ADPILOT ARGS...`: install the fault, then run the adpilot CLI."""
    fault, arg = argv[0], argv[1]
    if fault == "full":
        _install_disk_full(int(arg))
    elif fault == "readonly":
        _install_read_only(arg)
    from graph.cli import app

    try:
        app(args=argv[3:], prog_name="adpilot")
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


# -- the cases ----------------------------------------------------------------------------------


def _cli(env: dict[str, str], *args: str, fault: tuple[str, str] | None = None) -> tuple[int, str]:
    cmd = ([sys.executable, "-m", "bench.storage_faults", "--child", *fault, "--", *args]
           if fault else [sys.executable, "-m", "graph", *args])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=Path.cwd())
    return proc.returncode, (proc.stdout or "") + (proc.stderr or "")


def _clear(rc: int, out: str, names: tuple[str, ...]) -> bool:
    return rc in (1, 2) and "Traceback" not in out and any(n in out for n in names)


def _live(sb: Any) -> int:
    return sum(1 for t, rows in sandbox_objects(sb).items() if t != "adcreative"
               for o in rows if o.get("status") == "ACTIVE")


def _tree_size(sb: Any) -> int:
    return sum(len(rows) for t, rows in sandbox_objects(sb).items() if t != "adcreative")


class Bench:
    """The starting point, the undisturbed reference and one copy per case."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.brief = brief_with_images(root / "images", BRIEF)
        self.start_home, self.start_db = root / "start" / "home", root / "start" / "sandbox.db"
        sb = _sandbox(self.start_db)
        try:
            rc, out = _cli(_env(self.start_home, sb.url, self.brief), "run", self.brief,
                           "--thread", THREAD, "--live")
        finally:
            sb.stop()
        if rc != 0:
            raise RuntimeError(f"the starting point failed (rc={rc}): {out[-2000:]}")
        home, sb = self.copy("reference")
        try:
            rc, out = _cli(self.env(home, sb), "approve", THREAD)
            if rc != 0:
                raise RuntimeError(f"the reference launch failed: {out[-2000:]}")
            self.reference = _shape(sandbox_objects(sb))
            self.end = self.where(home, sb)
            self.checkpoints = self._count_checkpoints(home) - self._count_checkpoints(
                self.start_home)  # written by the approval
        finally:
            sb.stop()

    def copy(self, name: str) -> tuple[Path, Any]:
        home, db = copy_home(self.start_home, self.start_db, self.root / name)
        return home, _sandbox(db)

    def env(self, home: Path, sb: Any) -> dict[str, str]:
        return _env(home, sb.url, self.brief)

    def where(self, home: Path, sb: Any) -> tuple[Any, ...]:
        """Where the thread stands: (phase, waiting for, next)."""
        from graph.builder import build_graph
        from graph.checkpointer import open_checkpointer
        from graph.runner import Runner

        with open_checkpointer(home) as saver:
            out = Runner(build_graph(checkpointer=saver), None).status(THREAD)
        return (out.values.get("phase"), out.waiting_for, tuple(out.next))

    def _count_checkpoints(self, home: Path) -> int:
        from graph.checkpointer import open_checkpointer

        with open_checkpointer(home) as saver:
            return sum(1 for _ in saver.list({"configurable": {"thread_id": THREAD}}))

    def case(self, name: str, *, fault: tuple[str, str] | None = None,
             damage: Any = None, after_launch: bool = False,
             names: tuple[str, ...] = ()) -> dict[str, Any]:
        """Run one case; returns its row.

        `fault` is installed in the approving process; `damage` is done to the files before
        the approval, or — `after_launch` — once the campaign is live, before the next
        command (`adpilot optimize THREAD --yes`, which reads and writes both files).
        """
        home, sb = self.copy(name)
        row: dict[str, Any] = {"case": name}
        try:
            env = self.env(home, sb)
            if after_launch:
                rc0, out0 = _cli(env, "approve", THREAD)
                if rc0 != 0:
                    raise RuntimeError(f"{name}: the launch failed: {out0[-800:]}")
                damage(home)
                rc, out = _cli(env, "optimize", THREAD, "--yes")
            else:
                if damage is not None:
                    damage(home)
                rc, out = _cli(env, "approve", THREAD, fault=fault)
                row["written_to_meta"] = _tree_size(sb) if rc != 0 and damage else None
            row["clear_error"] = _clear(rc, out, names) if rc != 0 else None
            row["exit"] = rc
            row["message"] = next((line.strip() for line in out.splitlines()
                                   if line.startswith("error:") or "storage error" in line), "")[:300]
            if "Traceback" in out:
                row["message"] = "TRACEBACK: " + out[-400:]
            if fault is not None:
                # What a person does once the cause is gone: resume, and answer the card again
                # if the fault struck before the approval was saved.
                rc2, out2 = _cli(env, "resume", THREAD)
                if rc2 == 0 and self.where(home, sb)[1] == "approval":
                    rc2, out2 = _cli(env, "approve", THREAD)
                recovered = (rc2 == 0 and self.where(home, sb) == self.end
                             and _shape(sandbox_objects(sb)) == self.reference
                             and check_tree(sb, home / "ledger.db")["duplicates"] == 0)
                row["recoverable"] = "yes" if recovered else f"NO (rc={rc2}: {out2[-300:]})"
            else:
                row["recoverable"] = "restore from a backup"
            created = _tree_size(sb)
            rc3, out3 = _cli(env, "stop", "--all")
            row["stop_exit"] = rc3
            row["stop_clear"] = "Traceback" not in out3
            row["stopped"] = f"{created - _live(sb)}/{created}"
        finally:
            sb.stop()
        return row


def _truncate(name: str) -> Any:
    def damage(home: Path) -> None:
        path = home / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return damage


def _corrupt(name: str) -> Any:
    def damage(home: Path) -> None:
        path = home / name
        data = bytearray(path.read_bytes())
        for i in range(0, len(data), 4096):  # every page's first bytes, header included
            data[i:i + 64] = os.urandom(64)
        path.write_bytes(bytes(data))
    return damage


def _delete(name: str) -> Any:
    def damage(home: Path) -> None:
        (home / name).unlink()
    return damage


def storage_faults(steps: list[int] | None = None, log: Any = print,
                   only: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Run every case (disk full after each of `steps`, default all); returns the rows.

    `only` keeps the other cases whose names are listed (all of them by default).
    """
    root = Path(tempfile.mkdtemp(prefix="adpilot-storage-"))
    try:
        bench = Bench(root)
        rows = []
        cp_names = ("checkpoints.sqlite",)
        ks = steps or list(range(1, bench.checkpoints + 1))
        for k in ks:
            rows.append(bench.case(f"disk full after checkpoint {k}", fault=("full", str(k)),
                                   names=("checkpoints.sqlite", "ledger.db", "disk is full")))
            log(_line(rows[-1]))
        specs: list[tuple[str, dict[str, Any]]] = [
            ("read-only checkpoints", {"fault": ("readonly", "checkpoints.sqlite"),
                                       "names": cp_names}),
            ("read-only ledger", {"fault": ("readonly", "ledger.db"), "names": ("ledger.db",)}),
        ]
        for when, after in (("before the approval", False), ("after the launch", True)):
            specs += [
                (f"truncated checkpoints {when}", {"damage": _truncate("checkpoints.sqlite"),
                                                   "names": cp_names, "after_launch": after}),
                (f"corrupt checkpoints {when}", {"damage": _corrupt("checkpoints.sqlite"),
                                                 "names": cp_names, "after_launch": after}),
                (f"corrupt ledger {when}", {"damage": _corrupt("ledger.db"),
                                            "names": ("ledger.db",), "after_launch": after}),
                (f"deleted ledger {when}", {"damage": _delete("ledger.db"),
                                            "names": ("ledger.db",), "after_launch": after}),
            ]
        for name, kw in specs:
            if only is not None and name not in only:
                continue
            rows.append(bench.case(name, **kw))
            log(_line(rows[-1]))
        return rows
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _line(row: dict[str, Any]) -> str:
    clear = {True: "yes", False: "NO", None: "no error"}[row["clear_error"]]
    return (f"  {row['case']:<42} clear error: {clear:<8} recoverable: {row['recoverable']:<22} "
            f"stopped by stop --all: {row['stopped']}  ({row['message'][:110]})")


def main(argv: list[str] | None = None) -> int:
    """CLI entry."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        return child(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m bench.storage_faults",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    ap.add_argument("--steps", help="comma-separated checkpoints k for the disk-full cases")
    args = ap.parse_args(argv)
    log = (lambda *_a: None) if args.json else print
    started = time.monotonic()
    steps = [int(x) for x in args.steps.split(",")] if args.steps else None
    rows = storage_faults(steps, log)
    log(f"({time.monotonic() - started:.0f} s)")
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0 if all(r["clear_error"] is not False and r["stop_clear"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
