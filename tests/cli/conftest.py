import subprocess
import sys

import pytest

META_VARS = ("META_ACCESS_TOKEN", "META_GRAPH_URL", "META_AD_ACCOUNT_ID", "META_PAGE_ID",
             "META_PIXEL_ID", "META_APP_SECRET", "ADPILOT_MODEL", "ADPILOT_CHECKPOINT_URL",
             "ADPILOT_ACCOUNT", "ADPILOT_PAGE", "ADPILOT_PIXEL")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """ADPILOT_HOME in tmp, no Meta settings: the CLI runs on its embedded sandbox."""
    for name in META_VARS:  # set, then removed: the test's own changes are undone after it
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return tmp_path / "home"


@pytest.fixture
def external_sandbox(tmp_path, monkeypatch):
    """`adpilot sandbox serve --port 0` in its own process; the CLI is pointed at it by env."""
    proc = subprocess.Popen([sys.executable, "-m", "graph", "sandbox", "serve", "--port", "0",
                             "--db", str(tmp_path / "external.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("Sandbox listening on http://127.0.0.1:"), line + proc.stderr.read()
        url = line.rsplit(" ", 1)[1]
        monkeypatch.setenv("META_GRAPH_URL", url)
        monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture
def cli(tmp_path, home, monkeypatch):
    """The CLI in-process (Typer's runner) against a sandbox server (seed 5) over HTTP."""
    from typer.testing import CliRunner

    from graph.cli import app
    from sandbox.server import SandboxServer

    with SandboxServer(db_path=tmp_path / "sandbox.db", seed=5) as server:
        monkeypatch.setenv("META_GRAPH_URL", server.url)
        monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
        runner = CliRunner()
        yield server, lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "400"})
