"""The ledger, the insights store and the asset cache on PostgreSQL, beside the checkpoints.

Same tables and columns as the SQLite files (one storage seam, `state/database.py`); the
ledger's chain stays whole and every outcome is appended once with several processes writing
at once.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from state.database import open_database
from state.insights_store import InsightsStore
from state.ledger import Ledger, LedgerError

ROOT = Path(__file__).resolve().parents[2]

# Each process: `n` writes (intent → sent → done), one intent_many of three, and an attempt to
# mark the one shared write `done` (a second process hearing the same answer) — all at once.
WRITER = """
import sys, time
from state.ledger import Ledger
url, name, n, shared, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
led = Ledger(url)
time.sleep(max(0.0, start - time.time()))
for i in range(n):
    w = led.intent(op="update", path=f"{name}-{i}", params={"daily_budget": i}, thread_id=name,
                   before={"daily_budget": 0})
    led.mark(w, "sent")
    led.mark(w, "done", meta_id=f"{name}-{i}", after={"daily_budget": i})
    if i == n // 2:
        led.mark(shared, "done", meta_id="42")
led.intent_many([{"op": "create", "path": "act_1/ads", "params": {"k": j}, "thread_id": name,
                  "plan_key": f"{name}-k{j}"} for j in range(3)])
led.close()
"""


def test_several_processes_append_at_once_and_the_chain_stays_whole(pg_database):
    led = Ledger(pg_database)
    shared = led.intent(op="update", path="42", params={"status": "PAUSED"})
    led.mark(shared, "sent")
    procs, n = 4, 40
    start = time.time() + 3  # every process is connected and waiting by then
    workers = [subprocess.Popen([sys.executable, "-c", WRITER, pg_database, f"w{p}", str(n),
                                 shared, str(start)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
               for p in range(procs)]
    errors = [w.communicate(timeout=120)[1] for w in workers]
    assert [w.returncode for w in workers] == [0] * procs, errors

    events = led.events()
    assert len(events) == 2 + 1 + procs * (3 * n + 3)  # the shared write's `done` once
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    assert len({(e["write_id"], e["seq"]) for e in events}) == len(events)
    assert [e["status"] for e in events if e["write_id"] == shared] == ["intent", "sent", "done"]
    # The processes really interleaved: one worker's rows are not one block.
    owners = [e["thread_id"] for e in events if e["thread_id"]]
    assert sum(a != b for a, b in zip(owners, owners[1:], strict=False)) > procs
    assert led.verify() == (True, [])
    for p in range(procs):
        rows = led.rows(f"w{p}")
        assert [r["status"] for r in rows] == ["done"] * n + ["intent"] * 3
    led.close()


def test_the_database_refuses_a_second_outcome_and_verify_sees_tampering(pg_database):
    led = Ledger(pg_database)
    w = led.intent(op="update", path="7", params={"status": "PAUSED"}, thread_id="t")
    done = led.mark(w, "done", meta_id="7")
    assert led.mark(w, "done", meta_id="7")["seq"] == done["seq"]  # a repeat appends nothing
    with pytest.raises(LedgerError):
        led.mark(w, "failed")
    with psycopg.connect(pg_database, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.UniqueViolation):  # one row per (write, step)
            conn.execute("INSERT INTO writes (id, write_id, seq, status) VALUES (99, %s, 1, "
                         "'failed')", (w,))
        conn.execute("UPDATE writes SET after = '{\"status\": \"ACTIVE\"}' WHERE id = 1")
    ok, problems = led.verify()
    assert not ok and problems == ["row 1: content does not match its row_hash"]
    led.close()


def _same_writes(led: Ledger) -> list[tuple]:
    w1 = led.intent(op="update", path="5", params={"daily_budget": 900}, thread_id=None,
                    before={"daily_budget": 800}, policy_digest="p1")
    led.mark(w1, "sent")
    led.mark(w1, "unknown", error="timeout")
    retry, done = led.earlier_attempts(thread_id=None, path="5", op="update",
                                       params={"daily_budget": 900})
    led.refusal(op="update", path="6", params={"daily_budget": 10**9}, message="over the cap",
                verdict={"cap": "max_daily"}, thread_id="t")
    return [(r["write_id"] == w1, r["seq"], r["status"], r["before"], r["after"], r["error"],
             r.get("policy_digest")) for r in [*retry, *led.rows()]] + [(done,)]


def test_the_ledger_reads_the_same_on_both_backends(pg_database, tmp_path):
    sqlite, pg = Ledger(tmp_path / "ledger.db"), Ledger(pg_database)
    assert _same_writes(sqlite) == _same_writes(pg)
    assert sqlite.db.columns("writes") == pg.db.columns("writes")
    assert sqlite.verify() == pg.verify() == (True, [])
    sqlite.close()
    pg.close()


def _insights(store: InsightsStore) -> tuple:
    def row(day: str, ad: str, spend: int, conv: float) -> dict:
        return {"level": "ad", "entity_id": ad, "campaign_id": "c1", "adset_id": "s1", "ad_id": ad,
                "name": ad, "date": day, "dims": "", "breakdown": "", "impressions": 1000,
                "reach": 800, "clicks": 30, "link_clicks": 20, "spend_minor": spend,
                "conversions": conv, "conversion_value_minor": 4000, "recallers": 0,
                "currency": "USD", "conversion_event": "PURCHASE", "attribution_setting": "7d"}

    store.replace_window("c1", "ad", "2025-03-01", "2025-03-02",
                         [row("2025-03-01", "a1", 500, 1.5), row("2025-03-02", "a1", 700, 2.0),
                          row("2025-03-02", "a2", 300, 0.0)])
    # Meta revised the 2nd: the re-pull replaces that day only.
    store.replace_window("c1", "ad", "2025-03-02", "2025-03-02", [row("2025-03-02", "a1", 650, 3.0)])
    store.replace_weeks("c1", "2025-02-24", "2025-03-02", [row("2025-03-02", "a1", 1150, 4.5)])
    daily = [(r["date"], r["entity_id"], r["spend_minor"], r["conversions"])
             for r in store.daily("c1", "ad")]
    weeks = {k: [(w["since"], w["spend_minor"]) for w in v]
             for k, v in store.weeks("c1", "2025-03-02").items()}
    return daily, store.totals("c1", "ad"), weeks, store.last_date("c1")


def test_the_insights_store_holds_the_same_history_on_both_backends(pg_database, tmp_path):
    pg, sqlite = InsightsStore(pg_database), InsightsStore(tmp_path)
    assert _insights(pg) == _insights(sqlite)
    assert _insights(pg)[0] == [("2025-03-01", "a1", 500, 1.5), ("2025-03-02", "a1", 650, 3.0)]
    assert pg.db.columns("insights_daily") == sqlite.db.columns("insights_daily")
    pg.close()
    sqlite.close()


def test_an_image_one_worker_uploaded_is_reused_by_another(pg_database, tmp_path, monkeypatch):
    from agents.assets.nodes import _table

    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", pg_database)
    row = {"account_id": "act_1", "sha256": "ab" * 32, "kind": "image", "meta_ref": "h1",
           "name": "a.png", "uploaded_at": "2025-03-01T00:00:00+00:00"}
    _table(tmp_path / "worker-a").upsert_all([row])
    found = list(_table(tmp_path / "worker-b").rows_where("account_id = ? and sha256 = ?",
                                                          ["act_1", "ab" * 32]))
    assert found == [row]
    assert not (tmp_path / "worker-a" / "assets.db").exists()


def test_a_vanished_shared_ledger_is_refused_not_recreated(pg_database, tmp_path, monkeypatch):
    from graph.environment import open_ledger
    from state.storage import StorageError

    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", pg_database)
    led = open_ledger(tmp_path / "a")
    led.intent(op="update", path="1", params={})
    led.close()
    # Another worker's home opens the same ledger.
    other = open_ledger(tmp_path / "b")
    assert len(other.events()) == 1 and other.shared
    other.close()
    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("DROP TABLE writes")
    with pytest.raises(StorageError) as err:
        open_ledger(tmp_path / "a")
    assert "missing" in str(err.value) and "stop --all" in str(err.value)
    assert not open_database(pg_database).has_table("writes")


def test_a_homes_sqlite_ledger_is_adopted_into_the_shared_one_once(pg_database, tmp_path,
                                                                   monkeypatch):
    from graph.environment import open_ledger
    from state.storage import StorageError

    home = tmp_path / "home"
    local = Ledger(home / "ledger.db")  # written before the checkpoints moved to PostgreSQL
    w = local.intent(op="create", path="act_1/campaigns", params={"name": "x"}, thread_id="old",
                     plan_key="k1")
    local.mark(w, "done", meta_id="555")
    local.close()
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", pg_database)
    shared = open_ledger(home)
    assert [(o["meta_id"], o["plan_key"]) for o in shared.created_objects("old")] == [("555", "k1")]
    assert len(shared.events()) == 2 and shared.verify() == (True, [])
    shared.close()
    assert len(open_ledger(home).events()) == 2  # once

    tampered = tmp_path / "tampered"
    bad = Ledger(tampered / "ledger.db")
    bad.intent(op="update", path="9", params={})
    bad.close()
    import sqlite3

    with sqlite3.connect(tampered / "ledger.db") as conn:
        conn.execute("UPDATE writes SET path = '10'")
    with pytest.raises(StorageError) as err:
        open_ledger(tampered)
    assert "does not verify" in str(err.value) and "nothing was copied" in str(err.value)
