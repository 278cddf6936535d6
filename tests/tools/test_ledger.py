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


def test_refusals_and_policy_digests_keep_old_ledgers_verifiable(tmp_path):
    import hashlib

    from tools.audit import audit_verify
    from tools.kill_switch import targets

    led = _ledger(tmp_path)
    old = led.intent(op="update", path="111", params={"status": "PAUSED"}, thread_id="t1")
    led.mark(old, "sent")
    led.mark(old, "done", meta_id="111")
    led.close()
    # A ledger written before the column existed: drop it, as an old install would have it.
    with sqlite3.connect(tmp_path / "ledger.db") as db:
        db.execute("ALTER TABLE writes DROP COLUMN policy_digest")
        rows = db.execute("SELECT * FROM writes ORDER BY id").fetchall()
        names = [d[0] for d in db.execute("SELECT * FROM writes").description]
    # Its hashes are the old formula: sha256(prev_hash + canonical JSON of the old columns).
    from state.ledger import _HASHED, canonical

    for raw in rows:
        row = dict(zip(names, raw, strict=True))
        body = canonical([row.get(k) for k in _HASHED])
        assert hashlib.sha256(f"{row['prev_hash']}{body}".encode()).hexdigest() == row["row_hash"]

    led = _ledger(tmp_path)  # opening adds the column; old rows keep their hashes
    gated = led.intent(op="update", path="222", params={"daily_budget": 5}, thread_id="t1",
                       policy_digest="p" * 64)
    led.mark(gated, "sent")
    led.mark(gated, "done", meta_id="222", after={"daily_budget": 5})
    refused = led.refusal(op="create", path="act_1/campaigns", params={"daily_budget": 9},
                          message="Refused: over the cap", plan_key="k9", object_type="campaign",
                          thread_id="t1", verdict={"cap": "max_daily_exposure_minor"},
                          policy_digest="p" * 64)
    assert led.verify() == (True, [])
    assert led.get(gated)["policy_digest"] == "p" * 64  # carried through every transition
    assert led.get(refused)["status"] == "refused" and led.get(refused)["meta_id"] is None
    assert refused not in {r["write_id"] for r in led.pending_unknown()}
    assert not [t for t in targets(led, "t1") if t.plan_key == "k9"]  # the kill switch skips it
    with pytest.raises(LedgerError):
        led.mark(refused, "sent")  # terminal
    audit = audit_verify(tmp_path)
    assert audit["ok"] and audit["by_status"]["refused"] == 1, audit["problems"]
    led.close()
    with sqlite3.connect(tmp_path / "ledger.db") as db:  # the digest is hashed when set
        db.execute("UPDATE writes SET policy_digest = ? WHERE write_id = ?", ("x" * 64, gated))
    assert not audit_verify(tmp_path)["ok"]


def test_a_repeated_outcome_is_a_no_op_and_a_contradiction_is_refused(tmp_path):
    led = _ledger(tmp_path)
    w = led.intent(op="create", path="act_1/campaigns", params={"n": 1})
    led.mark(w, "sent")
    first = led.mark(w, "done", meta_id="42")
    rows = len(led.events())
    again = led.mark(w, "done", meta_id="42")  # a second process heard the same answer
    assert again["seq"] == first["seq"] and len(led.events()) == rows
    with pytest.raises(LedgerError):
        led.mark(w, "done", meta_id="43")  # a different object: not a repeat
    with pytest.raises(LedgerError):
        led.mark(w, "failed")
    assert led.verify() == (True, [])


def test_two_processes_marking_one_write_append_one_outcome(tmp_path):
    import subprocess
    import sys

    led = _ledger(tmp_path)
    w = led.intent(op="update", path="123", params={"status": "PAUSED"})
    led.mark(w, "sent")
    script = ("import sys; from state.ledger import Ledger; "
              "Ledger(sys.argv[1]).mark(sys.argv[2], 'done', meta_id='123')")
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "ledger.db"), w])
             for _ in range(4)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0, 0]
    assert [e["status"] for e in led.events() if e["write_id"] == w] == ["intent", "sent", "done"]
    assert led.verify() == (True, [])
