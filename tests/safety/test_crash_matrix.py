"""The crash matrix (a subset of k here; `python -m bench.faults` runs every k = 1..N).

A child process approving the launch is SIGKILLed at the k-th Meta write, a new process
resumes, and the sandbox must hold exactly the reference tree with a matching ledger. And
crash mid-apply, then undo (every k: N = 2): a child approving an optimise card is killed
after Meta committed a budget write, a new process resumes, and `adpilot undo` of it must
bring the budget back to what it was before the apply.
"""

from __future__ import annotations

import pytest

from bench.faults import check_tree

from .conftest import launch


def test_crash_matrix_subset_resumes_to_exactly_one_tree():
    from bench.faults import crash_matrix

    # Killed after Meta committed (the ledger says `sent`): a create in the middle of the
    # batched tree, and the last activation. Killed before the request left: a create.
    picks = {"committed": [5, 12], "sent": [4]}
    result = crash_matrix(ks=picks, modes=("committed", "sent"), log=lambda *_: None)
    assert result["n_writes"] == 12, result
    for mode, ks in picks.items():
        assert result[mode]["failures"] == {}, (mode, result[mode])
        assert result[mode]["passed"] == result[mode]["total"] == len(ks)


def test_crash_mid_apply_then_undo_restores_the_original_budgets():
    """Killed after Meta committed each budget write of an optimise apply, resumed, undone."""
    from bench.faults import undo_matrix

    result = undo_matrix(log=lambda *_: None)
    assert result["n_writes"] == 2, result  # two ad sets, a budget each
    assert result["failures"] == {}, result
    assert result["passed"] == result["total"] == 2


def test_check_tree_catches_duplicates_orphans_and_tampering(world):
    launch(world, "t1")
    clean = check_tree(world.sb, world.home / "ledger.db")
    assert clean["ok"] and clean["ledger_matches"] and clean["duplicates"] == 0, clean
    # A second campaign with the same name and label, created behind the ledger's back.
    camp = world.objects("campaign")[0]
    world.client(None, ledger=False).call(
        "POST", f"{world.sb.account_id}/campaigns",
        {"name": camp["name"], "adlabels": camp["adlabels"], "objective": "OUTCOME_SALES",
         "special_ad_categories": [], "status": "PAUSED"})
    dirty = check_tree(world.sb, world.home / "ledger.db")
    assert not dirty["ok"] and dirty["duplicates"] == 1 and dirty["orphans"] == 1
    assert not dirty["ledger_matches"]


@pytest.mark.slow
def test_lost_responses_transients_and_throttles_leave_no_duplicates():
    from bench.lost_responses import lost_responses

    result = lost_responses(cycles=2, seed=5, log=lambda *_: None)
    assert result["injected"]["lost_response"] > 0 and result["injected"]["throttle"] > 0
    assert result["duplicates"] == 0 and result["orphans"] == 0, result["problems"]
    assert result["ledger_matches"], result["problems"]
    assert result["cycles"] >= 2


def test_stop_after_a_write_then_resume_creates_and_activates_nothing():
    from bench.faults import crash_matrix

    # Killed after the campaign, mid-ads, and after the last activation; then `adpilot stop`.
    picks = {"stop": [1, 7, 12]}
    result = crash_matrix(ks=picks, modes=("stop",), log=lambda *_: None)
    assert result["stop"]["failures"] == {}, result["stop"]
    assert result["stop"]["passed"] == 3
