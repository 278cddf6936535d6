"""Exactly once under faults with every child's state in PostgreSQL (`bench.faults --backend postgres`).

A subset of the crash matrix (the 1st and 6th write, killed after Meta committed it;
the 3rd, then `adpilot stop` and a resume) and a short lost-response run, each on databases
of its own. The whole matrix: `python -m bench.faults --backend postgres`.
"""

from __future__ import annotations

import pytest

from bench.fault_rig import Storage


@pytest.mark.slow
def test_crash_matrix_subset_on_postgresql(postgres_url):
    from bench.faults import crash_matrix

    result = crash_matrix(ks={"committed": [1, 6], "stop": [3]}, modes=("committed", "stop"),
                          log=lambda *_: None, store=Storage(postgres_url))
    assert result["n_writes"] >= 6
    for mode in ("committed", "stop"):
        assert result[mode]["passed"] == result[mode]["total"], result[mode]["failures"]


@pytest.mark.slow
def test_lost_responses_on_postgresql_leave_no_duplicates(postgres_url):
    from bench.lost_responses import lost_responses

    result = lost_responses(cycles=1, seed=5, log=lambda *_: None, store=Storage(postgres_url))
    assert (result["duplicates"], result["orphans"]) == (0, 0), result["problems"]
    assert result["ledger_matches"] and result["cycles"] >= 1
    assert sum(result["injected"].values()) > 0  # faults really happened
