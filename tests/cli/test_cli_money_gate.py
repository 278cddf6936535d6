"""The issue's examples through the CLI (in-process, against a sandbox over HTTP).

- `run "... $5,000,000 a day ..." --live --yes` is refused (exit 2) with nothing written;
- `approve` never prints "applied" for an action the money gate refused;
- a budget request that cannot be proposed is said (and exits 2), never dropped silently;
- a launch budget far above the account's history must be typed back (`--confirm-budget`);
- a policy file with NaN / out-of-range values is refused, naming the field.
"""

import json

import pytest
from typer.testing import CliRunner

from graph.cli import app
from tests.launchkit import admin, brief_for, objects, said, writes


def test_a_five_million_a_day_live_launch_is_refused_and_the_same_brief_under_the_cap_runs(
        cli, sample_images):
    server, run = cli
    refused = run("run", brief_for(sample_images, budget="$5,000,000 a day"), "--thread", "m1",
                  "--live", "--yes")
    assert refused.exit_code == 2, refused.output
    text = said(refused)
    assert "max_daily_exposure_minor" in text and "USD 8,750,000.00" in text
    assert "USD 5,000,000.00" in text and "nothing was written" in text
    assert objects(server.url, "campaign") == [] and writes(server) == 0

    ok = run("run", brief_for(sample_images, budget="$60 a day"), "--thread", "m2", "--live",
             "--yes")
    assert ok.exit_code == 0, ok.output
    assert {c["status"] for c in objects(server.url, "campaign")} == {"ACTIVE"}


def _live_thread(run, images, thread):
    launched = run("run", brief_for(images), "--thread", thread, "--live", "--yes")
    assert launched.exit_code == 0, launched.output


def test_approve_never_says_applied_for_an_action_the_gate_refused(cli, sample_images, home):
    server, run = cli
    _live_thread(run, sample_images, "m3")
    card = run("optimize", "m3", "--request",
               "raise the budget of TrailBlaze running shoes to $70 a day")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    # A person lowers the cap after the card was shown: the gate after approval refuses.
    (home / "policy.json").write_text(json.dumps({"max_daily_exposure_minor": 6500}))
    before = writes(server)
    approved = run("approve", "m3")
    text = said(approved)
    assert approved.exit_code == 2, approved.output
    assert "REFUSED" in text and "max_daily_exposure_minor" in text
    assert "→ applied" not in text and "Refused (1)" in text
    assert writes(server) == before
    campaign = objects(server.url, "campaign")[0]
    assert int(campaign["daily_budget"]) == 6000
    from state.ledger import Ledger

    ledger = Ledger(home / "ledger.db")
    refused = [r for r in ledger.rows("m3") if r["status"] == "refused"]
    ledger.close()
    assert len(refused) == 1 and refused[0]["after"]["cap"] == "max_daily_exposure_minor"
    # The next card says it too (for people who approve from a UI, not the CLI).
    card = run("optimize", "m3", "--request",
               "lower the budget of TrailBlaze running shoes to $55 a day")
    assert "refused by the money gate after the last approval" in said(card), card.output


def test_a_budget_request_that_cannot_be_proposed_is_said_not_dropped(cli, sample_images, home):
    server, run = cli
    _live_thread(run, sample_images, "m4")
    unknown = run("optimize", "m4", "--request", "raise the budget of Spring Sale to $80 a day")
    assert unknown.exit_code == 2, unknown.output
    assert "no campaign or ad set is called 'Spring Sale'" in said(unknown)
    # USD 60 → 70 a day is within the ±20 % step, but not within the account's cap.
    (home / "policy.json").write_text(json.dumps({"max_daily_exposure_minor": 11000}))
    over = run("optimize", "m4", "--request",
               "raise the budget of TrailBlaze running shoes to $70 a day")
    assert over.exit_code == 2, over.output
    text = said(over)
    assert "budget request" in text and "max_daily_exposure_minor = 11000 (USD 110.00)" in text
    assert "approval needed" not in text  # nothing to approve: it would be refused


def test_a_budget_far_above_the_accounts_history_must_be_typed_back(cli, sample_images, home):
    server, run = cli
    _live_thread(run, sample_images, "m5")
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 3})  # it spends for days
    (home / "policy.json").write_text(json.dumps({"max_daily_exposure_minor": 1_000_000,
                                                  "max_campaign_daily_budget_minor": 500_000}))
    brief = brief_for(sample_images, budget="$2,000 a day")
    blocked = run("run", brief, "--thread", "m6", "--yes")
    text = said(blocked)
    assert blocked.exit_code == 2, blocked.output
    assert "This plan spends USD 2,000.00 a day" in text
    assert "the most this account has spent in a day in the last 30 days" in text
    assert "--yes alone cannot approve it" in text and "--confirm-budget 2000.00" in text
    wrong = run("approve", "m6", "--confirm-budget", "200")
    assert wrong.exit_code == 2 and "is not the plan's daily budget" in said(wrong)
    assert len(objects(server.url, "campaign")) == 1  # only m5's
    typed = run("approve", "m6", "--confirm-budget", "$2,000")
    assert typed.exit_code == 0, typed.output
    assert len(objects(server.url, "campaign")) == 2


@pytest.mark.parametrize(("content", "named"), [
    ('{"budget_cooldown_hours": NaN}', "NaN"),
    ('{"budget_cooldown_hours": -1}', "budget_cooldown_hours must be from 0 to 720"),
    ('{"max_daily_exposure_minor": 1e400}', "max_daily_exposure_minor must be a whole number"),
    ('{"max_daily_exposure_minor": 100000000000000}', "at most 1,000,000,000"),
])
def test_a_bad_policy_file_stops_every_command_naming_the_field(home, content, named):
    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(content)
    result = CliRunner().invoke(app, ["status"], env={"COLUMNS": "400"})
    assert result.exit_code == 2, result.output
    assert named in said(result) and "policy file" in said(result)


def test_adpilot_policy_shows_the_caps_their_units_and_the_digest(home):
    from state.context import Policy

    home.mkdir(parents=True, exist_ok=True)
    (home / "policy.json").write_text(json.dumps({"max_campaign_daily_budget_minor": 20000}))
    result = CliRunner().invoke(app, ["policy", "--json"])
    body = json.loads(result.output)
    assert body["max_campaign_daily_budget_minor"] == 20000
    assert body["digest"] == Policy(max_campaign_daily_budget_minor=20000).digest()
    assert body["source"].endswith("policy.json")
    table = CliRunner().invoke(app, ["policy"], env={"COLUMNS": "400"})
    assert "minor units of the account currency" in table.output


def test_an_edit_naming_two_objects_is_refused_not_applied_to_either(cli, sample_images, tmp_path):
    """The issue's forged edit: a paused object in `object_id`, the live one in `campaign_id`."""
    from sandbox.testing import make_api

    server, run = cli
    _live_thread(run, sample_images, "m7")
    live = objects(server.url, "campaign")[0]["id"]
    paused = make_api(server.url).call("POST", (server.account_id, "campaigns"), {
        "name": "Paused draft", "objective": "OUTCOME_SALES", "special_ad_categories": [],
        "status": "PAUSED", "is_adset_budget_sharing_enabled": False}).json()["id"]
    card = run("optimize", "m7", "--request",
               "raise the budget of TrailBlaze running shoes to $70 a day")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps([{"type": "edit", "edited_action": {
        "name": "set_campaign_budget",
        "args": {"object_id": paused, "campaign_id": live, "daily_budget": 1_000_000}}}]))
    before = writes(server)
    result = run("approve", "m7", "--decisions", str(forged))
    text = said(result)
    assert result.exit_code == 2, result.output
    assert f"object_id={paused} and campaign_id={live}" in text and "REFUSED" in text
    assert writes(server) == before
    assert int(next(c for c in objects(server.url, "campaign") if c["id"] == live)
               ["daily_budget"]) == 6000


def test_a_launch_refused_after_approval_ends_its_thread_with_nothing_written(
        cli, sample_images, home):
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "m8", "--live").exit_code == 0
    (home / "policy.json").write_text(json.dumps({"max_daily_exposure_minor": 5000}))
    result = run("approve", "m8")
    text = said(result)
    assert result.exit_code == 2, result.output
    assert "✗ upload_assets" in text and "The money gate refused the launch" in text
    assert "uploaded the assets" not in text and '"max_daily_exposure_minor": 10500' in text
    assert objects(server.url, "campaign") == [] and writes(server) == 0
    assert "refused" in run("status", "m8").output


def test_the_cards_gate_line_says_a_paused_launch_adds_nothing_until_activated(cli, sample_images):
    """A PAUSED launch's exposure is zero: the card says why, not a bare "USD 0.00"."""
    _server, run = cli
    paused = said(run("run", brief_for(sample_images), "--thread", "g1"))
    assert ("Money gate: passes — created PAUSED, it adds nothing to the account's worst-case "
            "daily spend (USD 0.00 of USD 1,000.00) until it is activated") in paused
    live = said(run("run", brief_for(sample_images), "--thread", "g2", "--live"))
    assert ("Money gate: passes — the account's worst-case daily spend after launch USD 105.00 "
            "of USD 1,000.00") in live
