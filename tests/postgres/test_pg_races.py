"""One thread, one runner on PostgreSQL checkpoints: four real `adpilot` processes at once."""

from __future__ import annotations

import pytest

from bench.races import COUNTS, RACES, races


@pytest.mark.slow
def test_four_processes_on_one_thread_postgres(postgres_url):
    result = races(trials=len(RACES), procs=4, backend="postgres", pg_base=postgres_url,
                   log=lambda *_: None)
    assert result["trials"] == len(RACES)
    assert {k: result[k] for k in COUNTS} == {k: 0 for k in COUNTS}, result["failures"]
