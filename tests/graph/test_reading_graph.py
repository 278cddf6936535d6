"""A reading graph (`build_graph(reading=True)`) reads checkpoints exactly as the running one.

`status`, `trace`, `plan --export` and `audit` only read a thread's checkpoints: they build the
graph with nodes that never run, so they import no agent (most of `adpilot status`'s start-up
time with a thread: 1.2-1.4 s, against 0.23 s with none).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.builder import build_graph
from tests.launchkit import demo_runner

ROOT = Path(__file__).resolve().parents[2]


def _snapshot(s):
    return (s.values, s.next, [(t.name, [i.value for i in t.interrupts], t.result) for t in s.tasks],
            s.created_at)


@pytest.fixture
def thread_home(tmp_path, monkeypatch):
    """A home with one thread launched PAUSED (it ends there: no loop), after a refused answer."""
    with demo_runner(tmp_path, monkeypatch) as (home, runner, brief):
        runner.start(brief, thread_id="t-read")
        runner.resume("t-read", {"decisions": [{"type": "bogus"}]})
        out = runner.resume("t-read", {"decisions": [{"type": "approve"}]})
    assert out.values["phase"] == "launched_paused"
    return home


def test_the_reading_graph_has_the_same_wiring_and_reads_the_same_history(thread_home):
    from graph.checkpointer import open_checkpointer

    with open_checkpointer(thread_home) as saver:
        real, reading = build_graph(checkpointer=saver), build_graph(checkpointer=saver, reading=True)
        assert set(real.channels) == set(reading.channels)
        assert set(real.nodes) == set(reading.nodes)
        assert {n: sorted(map(str, p.triggers)) for n, p in real.nodes.items()} == \
            {n: sorted(map(str, p.triggers)) for n, p in reading.nodes.items()}
        cfg = {"configurable": {"thread_id": "t-read"}}
        history = [_snapshot(s) for s in real.get_state_history(cfg)]
        assert len(history) > 8
        assert [_snapshot(s) for s in reading.get_state_history(cfg)] == history
        with pytest.raises(RuntimeError, match="runs no node"):
            reading.invoke({"brief": "x"}, {"configurable": {"thread_id": "another"}})


def test_status_with_a_thread_imports_no_agent(thread_home, tmp_path):
    probe = ("import json, sys\nfrom graph.cli import app\n"
             "try:\n    app(['status', 't-read'], prog_name='adpilot')\nexcept SystemExit:\n    pass\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith("
             "('agents.orchestrator', 'agents.optimize', 'agents.ads', 'agents.campaigns')))),"
             " file=sys.stderr)\n")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("META_", "ADPILOT_"))},
           "PYTHONPATH": str(ROOT), "ADPILOT_HOME": str(thread_home), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "t-read" in done.stdout, done.stdout + done.stderr
    assert json.loads(done.stderr.strip().splitlines()[-1]) == []
