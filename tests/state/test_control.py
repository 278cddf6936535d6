"""Thread leases and stop records (state/control.py), with real processes where it matters."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from state.control import ThreadBusy, ThreadControl

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import os, signal, sys, time
from state.control import ThreadControl
c = ThreadControl.open(sys.argv[1])
c.acquire("t1", command="adpilot approve")
print("held", flush=True)
mode = sys.argv[2]
if mode == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
if mode == "hang":
    os.kill(os.getpid(), signal.SIGSTOP)
time.sleep(60)
"""


def _holder(home: Path, mode: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home), mode], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    proc.stdout.close()
    return proc


def test_a_second_holder_waits_then_is_told_who_holds_the_thread(tmp_path):
    first, second = ThreadControl.open(tmp_path), ThreadControl.open(tmp_path)
    with first.lease("t1", command="adpilot approve"):
        with first.lease("t1"):  # re-entrant in one holder
            assert first.holds("t1")
        started = time.monotonic()
        with pytest.raises(ThreadBusy) as busy:
            second.acquire("t1", wait_s=0.5)
        assert time.monotonic() - started >= 0.5
        assert "`adpilot approve` (pid" in str(busy.value) and "'t1'" in str(busy.value)
        with second.lease("t2", wait_s=0):  # other threads are free
            pass
    with second.lease("t1", wait_s=0):  # released at the end of the outer block
        assert first.holder("t1") is not None


def test_a_killed_holder_is_replaced_at_once(tmp_path):
    proc = _holder(tmp_path, "kill")
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    control = ThreadControl.open(tmp_path)
    with control.lease("t1", wait_s=0):  # its pid is gone: no waiting for the expiry
        assert control.holds("t1")


def test_a_hung_holder_loses_the_lease_when_it_expires(tmp_path, monkeypatch):
    monkeypatch.setenv("ADPILOT_LEASE_TTL", "2")
    proc = _holder(tmp_path, "hang", {"ADPILOT_LEASE_TTL": "2"})
    try:
        control = ThreadControl.open(tmp_path)
        with pytest.raises(ThreadBusy):
            control.acquire("t1", wait_s=0)  # alive and within its lease
        time.sleep(2.2)
        with control.lease("t1", wait_s=0):  # stopped process: its renewals stopped too
            assert control.holds("t1")
    finally:
        proc.kill()
        proc.wait()


def test_a_live_holder_keeps_renewing_its_lease(tmp_path, monkeypatch):
    monkeypatch.setenv("ADPILOT_LEASE_TTL", "1")
    proc = _holder(tmp_path, "sleep", {"ADPILOT_LEASE_TTL": "1"})
    try:
        time.sleep(2.5)  # more than twice the lifetime: only renewals keep it
        with pytest.raises(ThreadBusy):
            ThreadControl.open(tmp_path).acquire("t1", wait_s=0)
    finally:
        proc.kill()
        proc.wait()


def test_stop_records_are_shared_and_kept(tmp_path):
    a, b = ThreadControl.open(tmp_path), ThreadControl.open(tmp_path)
    assert b.stopped("t1") is None
    at = a.stop(["t1", "t2"])
    assert b.stopped("t1") == at and set(b.stops()) == {"t1", "t2"}
    a.stop(["t1"], at="2030-01-01T00:00:00+00:00")
    assert b.stopped("t1") == at  # the first stop's time is kept


def test_bad_lease_settings_name_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("ADPILOT_LEASE_WAIT", "soon")
    with pytest.raises(ValueError, match="ADPILOT_LEASE_WAIT"):
        ThreadControl.open(tmp_path)


def test_a_lease_taken_over_while_its_holder_was_away_is_lost_and_writes_stop(tmp_path, monkeypatch):
    import sqlite3

    from graph.environment import _halt
    from state.control import LeaseLost, control_for, lease_lost

    monkeypatch.setenv("ADPILOT_LEASE_TTL", "1")
    control = ThreadControl.open(tmp_path)
    with control.lease("t1"):
        assert not lease_lost("t1")
        # Another process took the lease over (this one was suspended past its lifetime).
        with sqlite3.connect(tmp_path / "checkpoints.sqlite") as db:
            db.execute("UPDATE adpilot_leases SET token = 'someone-else' WHERE thread_id = 't1'")
        deadline = time.monotonic() + 5
        while not lease_lost("t1") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lease_lost("t1")
        with pytest.raises(LeaseLost, match="lost the lease of thread 't1'"):
            _halt(control_for(tmp_path), "t1")  # the Meta client's check before a spend write
    with sqlite3.connect(tmp_path / "checkpoints.sqlite") as db:  # the other one finished
        db.execute("DELETE FROM adpilot_leases")
    with control.lease("t1", wait_s=0):  # taking it again clears the mark
        assert not lease_lost("t1")


def test_another_python_thread_of_the_same_process_waits_for_the_lease(tmp_path):
    import threading

    control = ThreadControl.open(tmp_path)
    seen: list[str] = []

    def other() -> None:
        try:
            control.acquire("t1", wait_s=0)
            seen.append("acquired")
        except ThreadBusy:
            seen.append("busy")

    with control.lease("t1"):
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert seen == ["busy"]


def test_stops_kept_by_earlier_versions_are_honoured(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "stopped.db") as db:
        db.execute("CREATE TABLE stopped (thread_id TEXT PRIMARY KEY, at TEXT)")
        db.execute("INSERT INTO stopped VALUES ('old', '2026-01-02T00:00:00+00:00')")
    control = ThreadControl.open(tmp_path)
    assert control.stopped("old") == "2026-01-02T00:00:00+00:00"
    assert control.stops() == {"old": "2026-01-02T00:00:00+00:00"}


def test_a_lease_that_cannot_outlive_a_renewal_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ADPILOT_LEASE_TTL", "0")
    with pytest.raises(ValueError, match="ADPILOT_LEASE_TTL.*between 1 and 86400"):
        ThreadControl.open(tmp_path)


def test_an_unreachable_postgresql_store_is_a_storage_error_without_the_password(tmp_path,
                                                                                monkeypatch):
    from graph.environment import open_ledger
    from state.storage import StorageError

    url = "postgresql://adpilot:s3cret-pw@127.0.0.1:1/adpilot"
    control = ThreadControl.open(tmp_path, url)
    with pytest.raises(StorageError) as err:
        control.stopped("t1")
    assert "s3cret-pw" not in str(err.value) and "cannot connect" in str(err.value)
    # The ledger lives in the same database (state/database.py): it is the same clear error,
    # again without the password, never an empty ledger opened somewhere else.
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", url)
    with pytest.raises(StorageError) as err:
        open_ledger(tmp_path).close()
    assert "s3cret-pw" not in str(err.value) and "cannot connect" in str(err.value)
    assert not (tmp_path / "ledger.db").exists()


def test_a_later_stop_pass_keeps_the_first_passes_failures_it_did_not_see():
    from tools.kill_switch import SafetyReport

    first = SafetyReport(paused=[{"id": "1"}], failed=[{"id": "2", "error": {"message": "x"}}],
                         read_back={"1": "PAUSED", "2": "ACTIVE"})
    blind = first.then(SafetyReport())  # the second pass could not look anything up
    assert not blind.ok and blind.read_back == {"1": "PAUSED", "2": "ACTIVE"}
    fixed = first.then(SafetyReport(paused=[{"id": "2"}], read_back={"2": "PAUSED"}))
    assert fixed.ok and {p["id"] for p in fixed.paused} == {"1", "2"}
    assert fixed.read_back == {"1": "PAUSED", "2": "PAUSED"}
