"""Commands that need no Meta call start no sandbox, print no banner and create nothing.

`adpilot --help` imports neither LangGraph nor LangSmith; `adpilot status` in a folder with
no adpilot state says where it looked and leaves the folder as it was; `status`, `trace` and
`audit` on a home with threads read it without the embedded sandbox.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.launchkit import brief_for

ROOT = Path(__file__).resolve().parents[2]
BANNER = "embedded sandbox"
PROBE = """
import json, sys
from graph.cli import app
code = None
try:
    app({args!r}, prog_name="adpilot")
except SystemExit as exc:
    code = exc.code
heavy = sorted({{m.split(".")[0] for m in sys.modules
                 if m.split(".")[0] in ("langgraph", "langsmith", "langchain_core", "sandbox")}})
print(json.dumps({{"exit": code, "heavy": heavy}}), file=sys.stderr)
"""


def _adpilot(args: list[str], cwd: Path, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Run the CLI of this checkout in a new process from `cwd`; also say what it imported."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("META_", "ADPILOT_")) and k != "LANGSMITH_TRACING"}
    clean.update({"PYTHONPATH": str(ROOT), "COLUMNS": "400", **env})
    done = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], cwd=cwd, env=clean,
                          capture_output=True, text=True, timeout=120)
    probe = json.loads(done.stderr.strip().splitlines()[-1])
    return done, probe


def test_help_imports_neither_langgraph_nor_langsmith(tmp_path):
    done, probe = _adpilot(["--help"], tmp_path)
    assert probe["exit"] == 0, done.stderr
    assert "Usage: adpilot" in done.stdout and "status" in done.stdout
    assert probe["heavy"] == [], f"--help imported {probe['heavy']}"
    assert list(tmp_path.iterdir()) == []


def test_status_in_a_folder_without_adpilot_says_so_and_creates_nothing(tmp_path):
    done, probe = _adpilot(["status"], tmp_path)  # ADPILOT_HOME unset: ./.adpilot
    said = " ".join(done.stdout.split())
    assert probe["exit"] in (0, None), done.stderr
    # absolute: a relative `.adpilot/...` does not say which folder was read
    where = tmp_path.resolve() / ".adpilot" / "checkpoints.sqlite"
    assert said.startswith(f"No threads: nothing under {where}"), said
    assert "ADPILOT_HOME" in said
    assert BANNER not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == [], "status created state"
    assert probe["heavy"] == [], f"status imported {probe['heavy']}"

    as_json, probe = _adpilot(["status", "--json"], tmp_path, ADPILOT_HOME=str(tmp_path / "h"))
    assert json.loads(as_json.stdout) == [] and probe["exit"] in (0, None)
    assert f"nothing under {tmp_path / 'h' / 'checkpoints.sqlite'}" in " ".join(
        as_json.stderr.split())

    one, probe = _adpilot(["status", "t-nope"], tmp_path)
    assert probe["exit"] == 2
    assert "no thread 't-nope'" in " ".join(one.stderr.split())
    assert list(tmp_path.iterdir()) == []


def test_reading_commands_on_a_home_with_threads_start_no_sandbox(cli, sample_images, home,
                                                                  monkeypatch):
    _server, run = cli
    launched = run("run", brief_for(sample_images), "--thread", "q-1", "--yes")  # PAUSED
    assert launched.exit_code == 0, launched.output
    # From here no Meta settings: a command that wanted Meta would start the embedded sandbox.
    monkeypatch.delenv("META_GRAPH_URL")
    monkeypatch.delenv("META_ACCESS_TOKEN")
    def listing() -> list[str]:  # SQLite's -wal/-shm files come and go with connections
        return sorted(p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = listing()
    for args in (["status"], ["status", "q-1"], ["status", "--json"], ["trace", "q-1"],
                 ["audit", "verify"], ["audit", "log"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert BANNER not in result.output, args
        assert "q-1" in result.output or args[0] == "audit", (args, result.output)
    assert listing() == before and not (home / "sandbox.db").exists()
    rows = json.loads(run("status", "--json").stdout)
    assert [(r["thread_id"], r["waiting_for"]) for r in rows] == [("q-1", "approval")]
