"""`adpilot tick` between optimise cycles: an alert wakes the thread and its card appears."""

from __future__ import annotations

import json

import pytest

from sandbox.scenario import load_scenario
from tests.launchkit import brief_for


@pytest.fixture
def faulty_cli(tmp_path, home, monkeypatch):
    """The CLI against a sandbox whose scenario disapproves the first ad set's ads on day 1."""
    from typer.testing import CliRunner

    from graph.cli import app
    from sandbox.server import SandboxServer

    data = load_scenario("ecommerce_usd").model_dump(mode="json")
    data["incidents"] = [{"kind": "disapproval", "day": 1, "ad": f"0.{j}"} for j in range(3)]
    path = tmp_path / "faulty.json"
    path.write_text(json.dumps(data))
    with SandboxServer(db_path=tmp_path / "sandbox.db", scenario=str(path), seed=5) as server:
        monkeypatch.setenv("META_GRAPH_URL", server.url)
        monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
        runner = CliRunner()
        yield server, lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "400"})


def test_tick_wakes_a_thread_between_cycles_on_an_alert_and_shows_its_card(faulty_cli,
                                                                            sample_images):
    server, run = faulty_cli
    launched = run("run", brief_for(sample_images), "--thread", "alert-1", "--live", "--yes")
    assert launched.exit_code == 0, launched.output
    woke = run("tick", "--advance-days", "2")  # the timer is due on day 3
    assert woke.exit_code == 0, woke.output
    text = " ".join(woke.output.split())
    assert "alert on alert-1: 🛑 CRITICAL: delivery stopped" in text
    assert "1 thread(s) woken" in text and "Alert — 🛑 CRITICAL: delivery stopped" in text
    assert "disapproved (Misleading Claims" in text and "acknowledge_alert" in text
    status = json.loads(run("status", "alert-1", "--json").stdout)
    assert status[0]["waiting"] == "approval"
    again = run("tick")  # the card waits for a person: nothing is woken twice
    assert again.exit_code == 0 and "0 thread(s) woken" in again.output
