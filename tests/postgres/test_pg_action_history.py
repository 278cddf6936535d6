"""The action history a long loop keeps outside its checkpoint lives in PostgreSQL with it."""

from __future__ import annotations

from agents.optimize.history import bound_history, full_history
from state.action_history import ActionHistory


def _entry(i: int, judgement: str | None = None) -> dict:
    return {"name": "pause_ad", "args": {"ad_id": f"ad{i}"}, "target": {"id": f"ad{i}", "name": f"Ad {i}"},
            "status": "applied", "advice": False, "applied_at": f"2026-03-0{1 + i % 8}T10:00:00+00:00",
            "applied_date": f"2026-03-0{1 + i % 8}", "receipt": f"r{i}",
            "judgement": {"judgement": judgement} if judgement else None,
            "evidence": {"spend_minor": 1000 + i}}


def test_with_checkpoints_in_postgresql_the_action_history_is_there_for_every_worker(
        pg_database, tmp_path, monkeypatch):
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", pg_database)
    applied = [_entry(i, "improved") for i in range(9)] + [_entry(9)]
    opt: dict = {}
    kept = bound_history(applied, opt, thread_id="t", home=tmp_path / "worker-a", today="2026-03-10")
    assert len(kept) == 7 and opt["judged_earlier"] == 3
    assert not (tmp_path / "worker-a" / "insights.db").exists()  # nothing in the local home
    # another worker, another ADPILOT_HOME: the same history, in order, evidence and all
    history = full_history({"applied_actions": kept}, "t", tmp_path / "worker-b")
    assert [e["args"]["ad_id"] for e in history] == [f"ad{i}" for i in range(10)]
    assert all(e["evidence"] for e in history)
    again = ActionHistory(pg_database)
    assert again.record("t", kept) == len(kept)  # recording again changes nothing
    assert len(again.entries("t")) == 10 and again.entries("other") == []
