"""Several ad accounts: `adpilot accounts` lists them, and none is taken silently (`--account`).

The sandbox holds two ad accounts (the scenario's `other_accounts`) and is reached over HTTP,
as Meta would be.
"""

from __future__ import annotations

import json

import pytest

from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from tests.launchkit import brief_for

OTHER = {"id": "act_2020202020", "name": "Second Brand GmbH", "currency": "EUR",
         "timezone": "Europe/Berlin"}


@pytest.fixture
def two_accounts(tmp_path, home, monkeypatch):
    """A sandbox with two ad accounts; the CLI in-process, pointed at it by env."""
    from typer.testing import CliRunner

    from graph.cli import app

    scenario = load_scenario("ecommerce_usd").model_copy(deep=True)
    data = scenario.model_dump(mode="json")
    data["other_accounts"] = [OTHER]
    path = tmp_path / "two_accounts.json"
    path.write_text(json.dumps(data))
    for name in ("ADPILOT_ACCOUNT", "ADPILOT_PAGE", "ADPILOT_PIXEL"):
        monkeypatch.setenv(name, "")  # --account sets them in the process: recorded, so the
        monkeypatch.delenv(name)      # test's value is removed after it
    with SandboxServer(db_path=tmp_path / "sandbox.db", scenario=str(path), seed=5) as server:
        monkeypatch.setenv("META_GRAPH_URL", server.url)
        monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
        runner = CliRunner()
        yield server, scenario.account.id, (
            lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "400"}))


def test_accounts_lists_every_account_the_token_reaches(two_accounts):
    _, main, cli = two_accounts
    result = cli("accounts", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {main, OTHER["id"]}
    assert rows[OTHER["id"]]["currency"] == "EUR"
    assert rows[OTHER["id"]]["timezone_name"] == "Europe/Berlin"
    assert "sandbox-token" not in result.stdout
    table = cli("accounts")
    assert table.exit_code == 0 and "Second Brand GmbH" in table.stdout
    assert "--account" in table.stdout


def test_with_two_accounts_and_none_chosen_adpilot_asks_and_writes_nothing(two_accounts,
                                                                         sample_images):
    server, main, cli = two_accounts
    before = server.admin("GET", "/__sandbox__/stats")["writes"]
    result = cli("plan", brief_for(sample_images), "--json")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert main in said and OTHER["id"] in said
    assert "--account" in said and "nothing was done" in said
    assert server.admin("GET", "/__sandbox__/stats")["writes"] == before


def test_account_chosen_on_the_command_is_the_one_used(two_accounts, sample_images):
    _, main, cli = two_accounts
    result = cli("plan", brief_for(sample_images), "--json", "--account", main)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["plan"]["currency"] == "USD"
    # the other account's own currency comes with it: the plan is made in euros
    other = cli("plan", brief_for(sample_images, budget="€60/day"), "--json",
                "--account", OTHER["id"].removeprefix("act_"))
    assert json.loads(other.stdout)["plan"]["currency"] == "EUR", other.output


def test_a_malformed_account_is_refused_naming_the_option(two_accounts, sample_images):
    _, _, cli = two_accounts
    result = cli("plan", brief_for(sample_images), "--account", "Spring Sale")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "--account" in said and "act_<digits>" in said


def test_each_thread_records_its_account_and_runs_only_there(two_accounts, sample_images):
    _, main, cli = two_accounts
    us = cli("run", brief_for(sample_images), "--thread", "a1", "--account", main)
    assert us.exit_code == 0, us.output
    eu = cli("run", brief_for(sample_images, budget="€60/day"), "--thread", "b1",
             "--account", OTHER["id"])
    assert eu.exit_code == 0, eu.output
    rows = {r["thread"]: r for r in json.loads(cli("status", "--json").stdout)}
    assert rows["a1"]["account"] == main and rows["b1"]["account"] == OTHER["id"]
    only = json.loads(cli("status", "--json", "--account", OTHER["id"]).stdout)
    assert [r["thread"] for r in only] == ["b1"]
    # a1's card is about the US account: approving it with the other account's client is refused
    wrong = cli("approve", "a1", "--account", OTHER["id"])
    assert wrong.exit_code == 2, wrong.output
    said = " ".join(wrong.output.split())
    assert f"works in ad account {main}" in said and f"--account {main}" in said
    assert json.loads(cli("status", "a1", "--json").stdout)[0]["waiting"] == "approval"
    # the kill switch spans every account, and says which account each thread is in
    stopped = cli("stop", "--all", "--json", "--account", main)
    assert stopped.exit_code == 0, stopped.output
    body = json.loads(stopped.stdout[stopped.stdout.index("{"):])
    assert body["accounts"] == {"a1": main, "b1": OTHER["id"]}


def test_tick_wakes_only_its_accounts_threads_and_names_the_others(two_accounts, sample_images):
    _, main, cli = two_accounts
    live = cli("run", brief_for(sample_images), "--thread", "t1", "--account", main, "--live",
               "--yes")
    assert live.exit_code == 0, live.output
    assert json.loads(cli("status", "t1", "--json").stdout)[0]["waiting"] == "wait"
    other = cli("tick", "--advance-days", "5", "--account", OTHER["id"])
    assert other.exit_code == 0, other.output
    said = " ".join(other.output.split())
    assert f"skipped: thread 't1' works in ad account {main}" in said and "0 thread(s) woken" in said
    assert json.loads(cli("status", "t1", "--json").stdout)[0]["waiting"] == "wait"
    mine = cli("tick", "--account", main)
    assert "1 thread(s) woken" in " ".join(mine.output.split()), mine.output


def test_a_thread_command_with_no_account_chosen_uses_the_threads_own(two_accounts, sample_images,
                                                                      monkeypatch):
    server, main, cli = two_accounts
    us = cli("run", brief_for(sample_images), "--thread", "u1", "--account", main)
    assert us.exit_code == 0 and "approval needed" in us.output, us.output
    for name in ("ADPILOT_ACCOUNT", "ADPILOT_PAGE", "ADPILOT_PIXEL"):
        monkeypatch.delenv(name, raising=False)  # --account set them in this process
    # two accounts, none chosen: a new brief is asked about, but u1 knows where it works
    assert cli("plan", brief_for(sample_images)).exit_code == 2
    for name in ("ADPILOT_ACCOUNT", "ADPILOT_PAGE", "ADPILOT_PIXEL"):
        monkeypatch.delenv(name, raising=False)
    approved = cli("approve", "u1")
    assert approved.exit_code == 0, approved.output
    assert [c for c in server.store.list_objects("campaign")], "the launch ran in its account"
