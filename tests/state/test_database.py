"""The storage seam without a server: where each store goes, the dialect, older SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from state.database import _to_postgres, open_database, state_location
from state.ledger import Ledger
from state.storage import StorageError


def test_each_store_follows_the_checkpoints(tmp_path, monkeypatch):
    monkeypatch.delenv("ADPILOT_CHECKPOINT_URL", raising=False)
    assert state_location(tmp_path, "ledger") == str(tmp_path / "ledger.db")
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", f"sqlite:///{tmp_path}/cp.sqlite")
    assert state_location(tmp_path, "insights") == str(tmp_path / "insights.db")
    url = "postgresql://u:pw@db:5432/adpilot"
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", url)
    assert {state_location(tmp_path, n) for n in ("ledger", "insights", "assets")} == {url}


def test_the_postgres_dialect_translates_placeholders_null_safe_equality_and_percent():
    assert _to_postgres("SELECT * FROM w WHERE thread_id IS ? AND path = ? AND x LIKE 'a%'") == (
        "SELECT * FROM w WHERE thread_id IS NOT DISTINCT FROM %s AND path = %s AND x LIKE 'a%%'")
    assert _to_postgres("SELECT 1 WHERE x IS NULL") == "SELECT 1 WHERE x IS NULL"


def _old_ledger(path: Path, *, duplicate: bool = False) -> None:
    """A ledger as an earlier version left it: no unique index on (write_id, seq)."""
    led = Ledger(path)
    w = led.intent(op="update", path="1", params={"status": "PAUSED"})
    led.mark(w, "sent")
    led.close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX idx_writes_write_id_seq")
        if duplicate:  # a row copied by hand: same write, same step
            conn.execute("INSERT INTO writes (id, write_id, seq, status, prev_hash, row_hash) "
                         "SELECT 3, write_id, seq, status, prev_hash, row_hash FROM writes "
                         "WHERE id = 2")


def test_an_older_ledger_gets_its_unique_index_unless_it_holds_a_duplicate(tmp_path):
    _old_ledger(tmp_path / "a.db")
    led = Ledger(tmp_path / "a.db")
    assert led.db.has_index("idx_writes_write_id_seq") and led.verify() == (True, [])
    led.close()

    _old_ledger(tmp_path / "b.db", duplicate=True)
    led = Ledger(tmp_path / "b.db")  # it opens, and the duplicate is reported, not hidden
    assert not led.db.has_index("idx_writes_write_id_seq")
    ok, problems = led.verify()
    assert not ok and any("appears twice" in p for p in problems)
    led.close()


def test_a_read_only_older_ledger_still_opens_for_reading(tmp_path, monkeypatch):
    path = tmp_path / "ledger.db"
    _old_ledger(path)
    connect = sqlite3.connect

    def read_only(database, *args, **kw):  # as a read-only file or mount would be
        kw["uri"] = True
        return connect(f"file:{Path(database).resolve()}?mode=ro", *args, **kw)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    led = Ledger(path)
    assert [r["status"] for r in led.rows()] == ["sent"] and led.verify() == (True, [])
    with pytest.raises(StorageError) as err:
        led.intent(op="update", path="2", params={})
    assert err.value.kind == "read-only" and str(path) in str(err.value)


def test_a_missing_table_in_a_read_only_file_is_a_storage_error(tmp_path, monkeypatch):
    path = tmp_path / "x.db"
    sqlite3.connect(path).close()
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda db, *a, **kw: connect(
        f"file:{Path(db).resolve()}?mode=ro", *a, **{**kw, "uri": True}))
    with pytest.raises(StorageError) as err:
        open_database(path, what="the asset cache").ensure_table("uploads", {"k": str}, pk=("k",))
    assert err.value.kind == "read-only" and "the asset cache" in str(err.value)
