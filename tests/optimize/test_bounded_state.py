"""A thread's checkpoint stays bounded over a long loop; its whole action history is kept."""

from __future__ import annotations

from agents.optimize.history import (
    bound_history,
    bounded_edits,
    full_history,
    working_set,
)
from bench.checkpoint_growth import THREAD, checkpoint_growth
from prompts.optimize import _judged
from state.action_history import ActionHistory, entry_id


def _entry(i: int, day: str, judgement: str | None = None, group: str | None = None,
           scope: str | None = None) -> dict:
    j = None
    if judgement:
        j = {"judgement": judgement, "p_improved": 0.9, "before": {}, "after": {}}
        if scope:
            j["scope"] = {"level": "reallocation", "id": scope, "adset_ids": ["a", "b"]}
    return {"name": "pause_ad", "args": {"ad_id": f"ad{i}"}, "target": {"id": f"ad{i}", "name": f"Ad {i}"},
            "status": "applied", "advice": False, "applied_at": f"{day}T10:00:00+00:00",
            "applied_date": day, "receipt": f"r{i}", "group": group, "judgement": j,
            "evidence": {"spend_minor": 1000 + i}, "reasons": ["why"] * 5}


def test_the_working_set_keeps_open_entries_whole_and_the_newest_judged_lines_compact():
    applied = [_entry(i, "2026-03-01", "improved") for i in range(10)]
    applied += [_entry(20, "2026-03-05", "improved", "reallocation", "2026-03-05:reallocation"),
                _entry(21, "2026-03-05", "improved", "reallocation", "2026-03-05:reallocation")]
    applied += [_entry(30, "2026-03-09"), _entry(31, "2026-03-09", "pending")]
    kept, left_out = working_set(applied, "2026-03-10", lines=6)
    open_ = [e for e in kept if e["args"]["ad_id"] in ("ad30", "ad31")]
    assert open_ == applied[-2:]  # still to be judged: whole, evidence and all
    judged = [e for e in kept if e not in open_]
    # six lines: the reallocation (one entry for its two moves) and the five newest singles
    assert [e["args"]["ad_id"] for e in judged] == ["ad5", "ad6", "ad7", "ad8", "ad9", "ad20"]
    assert all("evidence" not in e and "reasons" not in e for e in judged)
    assert left_out == 5
    # an open entry older than the judging window is not carried on
    kept, _ = working_set([_entry(1, "2026-01-01")], "2026-03-10")
    assert kept == []


def test_the_card_counts_judgements_that_left_the_checkpoint(tmp_path):
    applied = [_entry(i, "2026-03-01", "improved") for i in range(10)]
    opt: dict = {"budget_edits": {"s1": [f"2026-03-{d:02d}T10:00:00+00:00" for d in range(1, 21)]}}
    kept = bound_history(applied, opt, thread_id="t", home=tmp_path, today="2026-03-10")
    assert len(kept) == 6 and opt["judged_earlier"] == 4
    assert opt["budget_edits"]["s1"] == [f"2026-03-{d:02d}T10:00:00+00:00" for d in range(13, 21)]
    lines = _judged({"applied_actions": kept, "optimize": opt}, "USD")
    assert len(lines) == 7 and "4 earlier judgement(s)" in lines[-1]
    # everything is in the history, once, however often it is recorded
    bound_history(kept, opt, thread_id="t", home=tmp_path, today="2026-03-10")
    history = full_history({"applied_actions": kept}, "t", tmp_path)
    assert [e["args"]["ad_id"] for e in history] == [f"ad{i}" for i in range(10)]
    assert all(e["evidence"] for e in history)  # the compact copies do not shadow the record
    assert ActionHistory(tmp_path).entries("other") == []


def test_an_entry_keeps_its_id_when_it_is_judged_and_state_is_newer_than_the_record(tmp_path):
    entry = _entry(1, "2026-03-01")
    judged = {**entry, "judgement": {"judgement": "regressed"}}
    assert entry_id(entry) == entry_id(judged)
    ActionHistory(tmp_path).record("t", [entry])
    [merged] = full_history({"applied_actions": [judged]}, "t", tmp_path)
    assert merged["judgement"] == {"judgement": "regressed"}
    assert bounded_edits({"x": [], "y": ["b", "a"]}, keep=1) == {"y": ["b"]}


def test_checkpoint_after_20_daily_cycles_is_within_twice_that_after_3(tmp_path):
    """The Done-when figure in small (`python -m bench.checkpoint_growth` runs 3 vs 90)."""
    got = checkpoint_growth((3, 20), home=tmp_path, log=lambda _line: None)
    assert got[20]["bytes"] <= 2 * got[3]["bytes"], got
    # the loop really ran and applied actions; none of them is lost to the bound
    recorded = ActionHistory(tmp_path).entries(THREAD)
    assert got[20]["recorded"] == len(recorded) > got[20]["applied"]
    assert len({entry_id(e) for e in recorded}) == len(recorded)


def test_the_report_lists_every_applied_action_not_only_the_checkpoint_s(tmp_path):
    import json

    from agents.insights.reporting import write_report
    from graph.runner import open_runner
    from state.context import Context

    checkpoint_growth((12,), home=tmp_path, log=lambda _line: None)
    with open_runner(tmp_path, Context(home=str(tmp_path))) as runner:
        values = runner.status(THREAD).values
        write_report(THREAD, "json", tmp_path / "r", runner=runner, home=tmp_path)
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    everything = full_history(values, THREAD, tmp_path)
    assert len(everything) >= len(ActionHistory(tmp_path).entries(THREAD))
    assert len(report["actions"]) == len(everything) > len(values["applied_actions"])
    assert report["facts"]["actions_applied"] == sum(
        e["status"] in ("applied", "noted") for e in everything)
