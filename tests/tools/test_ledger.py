import sqlite3

import pytest

from state.ledger import GENESIS, Ledger, LedgerError, request_digest

TOKEN = "EAAB-ledger-token-should-never-appear"


def _ledger(tmp_path):
    return Ledger(tmp_path / "ledger.db")


def test_write_lifecycle_and_queries(tmp_path):
    led = _ledger(tmp_path)
    w1 = led.intent(op="create", path="act_1/campaigns", params={"name": "C"}, plan_key="k1",
                    object_type="campaign", thread_id="t1", receipt="r" * 64)
    led.mark(w1, "sent")
    led.mark(w1, "done", meta_id="111", after={"name": "C", "id": "111"})
    w2 = led.intent(op="create", path="act_1/adsets", params={"name": "S"}, plan_key="k2",
                    object_type="adset", thread_id="t1")
    led.mark(w2, "sent")
    led.mark(w2, "unknown", error="HTTP 502")
    w3 = led.intent(op="update", path="111", params={"status": "PAUSED"}, thread_id="t2",
                    before={"status": "ACTIVE"})
    rows = led.rows("t1")
    assert [r["status"] for r in rows] == ["done", "unknown"]
    assert rows[0]["meta_id"] == "111" and rows[0]["after"] == {"name": "C", "id": "111"}
    assert rows[0]["receipt"] == "r" * 64
    assert led.find("k1", "create")["meta_id"] == "111"
    assert led.find("k2", "create")["status"] == "unknown"
    assert led.find("nope", "create") is None
    assert [o["meta_id"] for o in led.created_objects("t1")] == ["111"]
    assert [r["write_id"] for r in led.pending_unknown("t1")] == [w2]
    assert led.get(w3)["before"] == {"status": "ACTIVE"}
    assert len(led.events()) == 7
    ok, problems = led.verify()
    assert ok, problems


def test_illegal_transitions_are_refused(tmp_path):
    led = _ledger(tmp_path)
    w = led.intent(op="create", path="p", params={})
    led.mark(w, "sent")
    led.mark(w, "failed", error="no")
    with pytest.raises(LedgerError):
        led.mark(w, "done", meta_id="1")
    with pytest.raises(LedgerError):
        led.mark("missing", "sent")
    with pytest.raises(LedgerError):
        led.mark(w, "bogus")


def test_unknown_reconciles_to_done(tmp_path):
    led = _ledger(tmp_path)
    w = led.intent(op="create", path="p", params={}, plan_key="k")
    led.mark(w, "sent")
    led.mark(w, "unknown", error="dropped connection")
    led.mark(w, "done", meta_id="42", after={"reconciled": True})
    assert led.find("k", "create")["meta_id"] == "42"
    assert led.pending_unknown() == []


def test_tokens_never_stored(tmp_path):
    led = _ledger(tmp_path)
    w = led.intent(op="create", path=f"act_1/ads?access_token={TOKEN}",
                   params={"access_token": TOKEN, "name": "x"}, plan_key="k")
    led.mark(w, "failed", error=f"HTTP error for url ...?access_token={TOKEN}")
    raw = (tmp_path / "ledger.db").read_bytes()
    for extra in tmp_path.glob("ledger.db-*"):
        raw += extra.read_bytes()
    assert TOKEN.encode() not in raw
    assert request_digest({"access_token": TOKEN, "name": "x"}) == request_digest(
        {"access_token": "another", "name": "x"})


@pytest.mark.parametrize("tamper", [
    "UPDATE writes SET meta_id = '999' WHERE id = 2",
    "UPDATE writes SET status = 'done' WHERE id = 1",
    "DELETE FROM writes WHERE id = 2",
    "UPDATE writes SET after = '{\"daily_budget\": 1}' WHERE id = 3",
])
def test_tampering_is_detected(tmp_path, tamper):
    led = _ledger(tmp_path)
    for i in range(2):
        w = led.intent(op="create", path="act_1/campaigns", params={"i": i}, plan_key=f"k{i}")
        led.mark(w, "sent")
        led.mark(w, "done", meta_id=str(100 + i), after={"i": i})
    assert led.verify() == (True, [])
    led.close()
    conn = sqlite3.connect(tmp_path / "ledger.db")
    conn.execute(tamper)
    conn.commit()
    conn.close()
    ok, problems = Ledger(tmp_path / "ledger.db").verify()
    assert not ok
    assert problems and all(p.startswith("row ") for p in problems)


def test_chain_survives_reopen_and_head(tmp_path):
    led = _ledger(tmp_path)
    assert led.head() == GENESIS
    led.intent(op="create", path="p", params={})
    head = led.head()
    led.close()
    again = _ledger(tmp_path)
    again.intent(op="create", path="p", params={})
    assert again.events()[1]["prev_hash"] == head
    assert again.verify()[0]


def test_grouped_appends_are_atomic_and_chained(tmp_path):
    led = _ledger(tmp_path)
    ids = led.intent_many([{"op": "create", "path": "act_1/ads", "params": {"i": i},
                            "plan_key": f"k{i}"} for i in range(3)])
    led.mark_many([(w, "sent", {}) for w in ids])
    with pytest.raises(LedgerError):  # one bad transition rolls the whole group back
        led.mark_many([(ids[0], "done", {"meta_id": "1"}), (ids[1], "bogus", {})])
    assert [r["status"] for r in led.rows()] == ["sent"] * 3
    led.mark_many([(w, "done", {"meta_id": str(n)}) for n, w in enumerate(ids)])
    assert [r["meta_id"] for r in led.rows()] == ["0", "1", "2"]
    assert led.verify() == (True, [])
    assert len(led.events()) == 9
