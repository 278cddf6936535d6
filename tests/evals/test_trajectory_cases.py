"""Every trajectory case, run through the real graph on the sandbox, passes every rule."""

from __future__ import annotations

import pytest

from evals.trajectory import evaluate, load_cases, run_case

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case_passes_trajectory_rules(case, tmp_path, monkeypatch):
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_MODEL", "ADPILOT_CHECKPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    traj = run_case(case, home=tmp_path)
    results = evaluate(traj, case)
    failed = [r for r in results if r["score"] != 1]
    assert not failed, failed
    if case["expect"].get("writes"):
        # A launch: every create quotes the receipt of the approved launch card.
        creates = [w for w in traj["writes"] if w["op"] == "create" and w["object_type"] == "campaign"]
        assert len(creates) == 1 and creates[0]["receipt"]
