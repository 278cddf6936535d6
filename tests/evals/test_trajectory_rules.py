"""Trajectory evaluators on recorded runs: they pass good runs and catch bad ones."""

from __future__ import annotations

import pytest
from langgraph.types import Command

from evals.trajectory import (
    approved_receipts,
    load_cases,
    loop_bounded,
    no_write_before_approval,
    record_trajectory,
    spend_changes_approved,
)
from state.ledger import Ledger
from tests.evals.toy_graphs import launch_graph

CFG = {"configurable": {"thread_id": "t1"}}


def _run(tmp_path, decision="approve", max_cycles=3, **kw):
    ledger = Ledger(tmp_path / "ledger.db")
    graph = launch_graph(ledger, **kw)
    graph.invoke({"brief": "shoes"}, CFG)
    try:
        graph.invoke(Command(resume={"decisions": [{"type": decision}]}), CFG)
    except RuntimeError:
        graph.invoke(None, CFG)  # the retry after a failed node
    return record_trajectory(graph, ledger, "t1", max_cycles=max_cycles)


def test_good_launch_passes_every_rule(tmp_path):
    traj = _run(tmp_path, cycles=2)
    assert approved_receipts(traj) and len(traj["writes"]) == 2
    for rule in (no_write_before_approval, spend_changes_approved, loop_bounded):
        result = rule({}, traj, None)
        assert result["score"] == 1, result
        assert set(result) == {"key", "score", "comment"}


def test_rejected_run_has_no_writes_and_passes(tmp_path):
    traj = _run(tmp_path, decision="reject")
    assert traj["writes"] == [] and approved_receipts(traj) == {}
    assert no_write_before_approval({}, traj)["comment"] == "no Meta writes"


def test_write_before_approval_is_caught(tmp_path):
    traj = _run(tmp_path, write_before_approval=True)
    result = no_write_before_approval({}, traj)
    assert result["score"] == 0 and "before/without approval" in result["comment"]


def test_spend_change_without_receipt_is_caught(tmp_path):
    traj = _run(tmp_path, receipt=None)
    result = spend_changes_approved({}, traj)
    assert result["score"] == 0 and "2 of 2" in result["comment"]


def test_foreign_receipt_is_caught(tmp_path):
    traj = _run(tmp_path, receipt="b" * 64)
    assert no_write_before_approval({}, traj)["score"] == 0
    assert spend_changes_approved({}, traj)["score"] == 0


def test_too_many_cycles_is_caught(tmp_path):
    traj = _run(tmp_path, cycles=4, max_cycles=2)
    result = loop_bounded({}, traj)
    assert result["score"] == 0 and "4 cycle(s) of max 2" in result["comment"]


def test_dataset_cases_are_well_formed():
    cases = load_cases()
    assert len(cases) >= 8
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        assert case["brief"] and isinstance(case["script"], list)
        for step in case["script"]:
            assert step.split(":", 1)[0] in ("approve", "reject", "edit", "answer"), step


@pytest.mark.parametrize("step", ["bogus", "approve"])
def test_script_steps(step):
    from evals.trajectory import _answer

    if step == "bogus":
        with pytest.raises(ValueError, match="unknown script step"):
            _answer(step, {})
    else:
        assert _answer(step, {"action_requests": [{}, {}]}) == {"decisions": [{"type": "approve"}] * 2}
