"""The CLI side of timers: a paused launch's activation card, and a person's cycle limit."""

import json

from tests.launchkit import brief_for, objects, said


def _status(run, thread):
    [row] = json.loads(run("status", thread, "--json").output)
    return row


def test_run_yes_launches_paused_and_stops_at_the_activation_card_until_approved(cli, sample_images):
    server, run = cli
    launched = run("run", brief_for(sample_images), "--thread", "act-1", "--yes")
    assert launched.exit_code == 0, launched.output
    # --yes approved the launch, not the activation: nothing delivers, a person decides
    assert "Switch the campaign on?" in said(launched) and "adpilot approve act-1" in said(launched)
    # the activation card allows approve and reject only: its hint offers no --edit (a review
    # found the hint offering an edit the card then refused)
    assert "--edit" not in said(launched).split("Switch the campaign on?")[-1]
    assert "--reject" in said(launched).split("Switch the campaign on?")[-1]
    assert {c["status"] for c in objects(server.url, "campaign")} == {"PAUSED"}
    assert _status(run, "act-1")["waiting"] == "approval"

    tick = run("tick", "--advance-days", "5", "--yes")
    assert tick.exit_code == 0 and "0 thread(s) woken" in tick.output
    assert {c["status"] for c in objects(server.url, "campaign")} == {"PAUSED"}

    approved = run("approve", "act-1")
    assert approved.exit_code == 0, approved.output
    assert {c["status"] for c in objects(server.url, "campaign")} == {"ACTIVE"}
    assert "waiting until" in approved.output and "start" in said(approved)
    assert _status(run, "act-1")["waiting"] == "wait"


def test_a_cycle_limit_set_at_run_holds_for_tick_and_says_why_the_loop_ended(cli, sample_images):
    server, run = cli
    launched = run("run", brief_for(sample_images), "--thread", "lim-1", "--live", "--yes",
                   "--max-cycles", "1")
    assert launched.exit_code == 0, launched.output
    assert "cycle 1 of 1" in said(launched)
    woke = run("tick", "--advance-days", "5", "--yes")  # a tick without --max-cycles
    assert woke.exit_code == 0, woke.output
    assert "limit of 1 cycle(s)" in said(woke)
    row = _status(run, "lim-1")
    assert row["cycle"] == 1 and row["waiting"] is None and not row["next"]
    assert {c["status"] for c in objects(server.url, "campaign")} == {"ACTIVE"}  # it runs on
