"""Storage faults end to end (a subset; `python -m bench.storage_faults` runs the matrix)."""

from __future__ import annotations

import pytest

from bench.storage_faults import storage_faults


@pytest.mark.slow
def test_storage_faults_are_clear_recoverable_and_never_block_the_kill_switch():
    rows = storage_faults(steps=[1], log=lambda *_: None, only=(
        "read-only checkpoints", "corrupt checkpoints after the launch",
        "deleted ledger after the launch"))
    by = {r["case"]: r for r in rows}
    assert set(by) == {"disk full after checkpoint 1", "read-only checkpoints",
                       "corrupt checkpoints after the launch", "deleted ledger after the launch"}
    for row in rows:
        assert row["clear_error"] is True, row  # every case fails its command, clearly
        assert row["stop_clear"], row
    # The full disk struck after the approval's first step: resuming later finishes the launch
    # (it used to say "finished" and lose the optimise loop).
    assert by["disk full after checkpoint 1"]["recoverable"] == "yes"
    assert by["read-only checkpoints"]["recoverable"] == "yes"
    # With either file damaged after the launch, `stop --all` stops the whole tree.
    for case in ("corrupt checkpoints after the launch", "deleted ledger after the launch"):
        done, total = by[case]["stopped"].split("/")
        assert int(total) >= 3 and done == total, by[case]
