"""One thread, one runner: four real `adpilot` processes advance one thread at once.

`python -m bench.races` runs 100 trials per backend; here each race runs once per backend.
"""

from __future__ import annotations

import pytest

from bench.races import COUNTS, RACES, races


def _check(result: dict) -> None:
    assert result["trials"] == len(RACES)
    assert {k: result[k] for k in COUNTS} == {k: 0 for k in COUNTS}, result["failures"]


@pytest.mark.slow
def test_four_processes_on_one_thread_sqlite():
    _check(races(trials=len(RACES), procs=4, backend="sqlite", log=lambda *_: None))
