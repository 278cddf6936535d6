"""`adpilot watch`: adopt a campaign made with the SDK into the optimise loop (CLI, sandbox)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.launchkit import said, writes
from tests.requests.world import sdk_world


def test_watch_adopts_an_sdk_campaign_and_tick_brings_an_optimise_card(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    before = writes(server)
    out = run("watch", ids["campaign"], "--target-cpa", "5", "--thread", "w1")
    assert out.exit_code == 0, out.output
    assert "watching “Spring Sale”" in said(out) and "2 ad set(s), 3 ad(s)" in said(out)
    rows = json.loads(run("status", "--json").output)
    row = next(r for r in rows if r["thread"] == "w1")
    assert row["kind"] == "watch" and row["waiting"] == "wait"
    assert row["campaign"] == ids["campaign"] and row["account"] == server.account_id
    assert writes(server) == before  # adopting writes nothing to Meta

    ticked = run("tick", "--advance-days", "8")  # a week of data: budgets move on value
    assert ticked.exit_code == 0, ticked.output
    status = json.loads(run("status", "w1", "--json").output)[0]
    assert status["waiting"] == "approval", (status, ticked.output)
    assert "approval needed" in ticked.output or "w1" in ticked.output
    assert writes(server) == before  # a card, nothing applied before approval
    reported = run("report", "w1")
    assert reported.exit_code == 0, reported.output
    md = next(line for line in reported.output.splitlines() if line.startswith("report:"))
    text = Path(md.split(":", 1)[1].strip()).read_text()
    assert "Performance report — Spring Sale" in text and f"Ad account {server.account_id}" in text


def test_watch_is_refused_when_the_campaign_breaks_the_account_cap(cli, tmp_path, home):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(json.dumps({"max_daily_exposure_minor": 20000}))
    before = writes(server)
    out = run("watch", ids["campaign"], "--thread", "w2")
    assert out.exit_code == 2, out.output
    text = said(out)
    assert "REFUSED" in text and "max_daily_exposure_minor" in text
    assert writes(server) == before
    row = json.loads(run("status", "w2", "--json").output)[0]
    assert row["phase"] == "refused" and row["waiting"] is None


def test_watch_refuses_an_ad_set_id_and_a_non_id(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    bad = run("watch", "Spring Sale")
    assert bad.exit_code == 2 and "numeric Meta id" in said(bad)
    out = run("watch", ids["adsets"]["Women 25-34"], "--thread", "w3")
    assert out.exit_code == 2, out.output
    assert f"watch its campaign, `adpilot watch {ids['campaign']}`" in said(out)


def test_stop_pauses_an_adopted_campaign_and_undo_restores_it(cli, tmp_path):
    from tests.launchkit import objects

    server, run = cli
    ids = sdk_world(server, tmp_path)
    assert run("watch", ids["campaign"], "--thread", "w4").exit_code == 0
    stopped = run("stop", "w4")
    assert stopped.exit_code == 0, stopped.output
    status = {c["id"]: c["status"] for c in objects(server.url, "campaign")}
    assert status[ids["campaign"]] == "PAUSED", stopped.output
    assert status[ids["retargeting"]] == "ACTIVE"  # not adopted: not touched
    rows = json.loads(run("audit", "log", "w4", "--json").output)
    paused = next(r for r in rows if r.get("meta_id") == ids["campaign"])
    assert paused["before"] == {"status": "ACTIVE"}  # the prior status is recorded for undo
    undone = run("undo", "w4", paused["write_id"], "--yes")
    assert undone.exit_code == 0, undone.output
    status = {c["id"]: c["status"] for c in objects(server.url, "campaign")}
    assert status[ids["campaign"]] == "ACTIVE", undone.output
