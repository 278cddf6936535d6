"""Exit codes tell the truth, and `--json` says the same: 0 done or stopped where asked,
2 refused or invalid input with nothing written, 1 an internal error.
"""

from __future__ import annotations

import json

from tests.launchkit import brief_for, objects, said


def _json(result):
    """The JSON document a `--json` command printed on stdout."""
    return json.loads(result.stdout)


def test_run_and_approve_json_say_where_the_thread_stopped(cli, sample_images):
    server, run = cli
    started = run("run", brief_for(sample_images), "--thread", "x-1", "--json")
    assert started.exit_code == 0, started.output
    body = _json(started)
    assert (body["thread_id"], body["waiting_for"], body["exit_code"]) == ("x-1", "approval", 0)
    assert body["interrupt"]["receipt"] and body["answer_refused"] is None
    assert "embedded sandbox" not in started.stdout

    # The card printed as JSON counts as shown: it can be answered by its receipt.
    approved = run("approve", "x-1", "--receipt", body["interrupt"]["receipt"][:12], "--json")
    assert approved.exit_code == 0, approved.output
    after = _json(approved)
    assert after["phase"] == "launched_paused" and after["waiting_for"] == "approval"
    assert after["campaign_id"] == objects(server.url, "campaign")[0]["id"]
    assert after["created"]["ads"] and after["exit_code"] == 0


def test_a_decision_the_card_does_not_allow_exits_2_and_is_asked_again(cli, sample_images,
                                                                        tmp_path):
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "x-2").exit_code == 0
    plan = _json(run("plan", brief_for(sample_images), "--json"))["plan"]
    plan["budget"]["amount_minor"] = 1  # below Meta's minimum: the edit is not applied
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan))
    edit = run("approve", "x-2", "--edit", str(edited), "--json")
    assert edit.exit_code == 2, edit.output
    body = _json(edit)
    assert body["answer_refused"].startswith("edit not applied — plan.budget.amount_minor: ")
    # The card before the edit is still the pending one, and may still be approved.
    assert body["interrupt"]["review_configs"][0]["allowed_decisions"] == [
        "approve", "edit", "reject"]

    # A paused launch's activation card allows approve and reject only.
    assert run("run", brief_for(sample_images), "--thread", "x-2b", "--yes").exit_code == 0
    refused = run("approve", "x-2b", "--edit", str(edited), "--json")
    assert refused.exit_code == 2, refused.output
    body = _json(refused)
    assert "'edit' is not allowed" in body["answer_refused"] and body["exit_code"] == 2
    launched = objects(server.url, "campaign")
    assert [c["status"] for c in launched] == ["PAUSED"]

    bogus = tmp_path / "bogus.json"
    bogus.write_text(json.dumps({"decisions": [{"type": "launch it"}]}))
    malformed = run("approve", "x-2", "--decisions", str(bogus))
    assert malformed.exit_code == 2 and "Last answer refused" in malformed.output

    rejected = run("approve", "x-2", "--reject", "not this week", "--json")
    assert rejected.exit_code == 0, rejected.output
    assert _json(rejected)["phase"] == "rejected" and objects(server.url, "campaign") == launched


def test_an_answer_to_a_thread_that_asks_nothing_is_refused(cli, sample_images):
    _server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "x-3").exit_code == 0
    answered = run("resume", "x-3", "--answer", "Example GmbH")
    assert answered.exit_code == 2, answered.output
    assert ("--answer answers a question, and thread x-3 asks none: it waits for its approval "
            "card (`adpilot approve x-3`); nothing was changed") in said(answered)
    # Resuming without an answer stops where the thread waits: exit 0, the card shown again.
    shown = run("resume", "x-3", "--json")
    assert shown.exit_code == 0 and _json(shown)["waiting_for"] == "approval"
    # A command that only reads a refused card again does not exit 2 for it.
    assert _json(run("status", "x-3", "--json"))[0]["waiting_for"] == "approval"


def test_an_answer_asked_again_exits_2_saying_why(cli, sample_images):
    """Found by a review: a question asked again after the answer exited 0."""
    _server, run = cli
    brief = brief_for(sample_images).replace(" Budget $60/day", "")
    assert "$" not in brief
    asked = run("run", brief, "--thread", "x-4", "--json")
    assert asked.exit_code == 0 and _json(asked)["waiting_for"] == "clarify", asked.output
    answered = run("resume", "x-4", "--answer", "not sure yet", "--json")
    assert answered.exit_code == 2, answered.output
    assert "did not give this" in _json(answered)["answer_refused"]
    fitting = run("resume", "x-4", "--answer", "$30 a day", "--json")
    assert fitting.exit_code == 0 and _json(fitting)["waiting_for"] == "approval", fitting.output


def test_unknown_threads_and_bad_options_exit_2_everywhere(cli):
    _server, run = cli
    for args in (["approve", "nope"], ["resume", "nope"], ["optimize", "nope"],
                 ["report", "nope"], ["status", "nope"], ["trace", "nope"],
                 ["report", "nope", "--format", "pdf"], ["tick", "--every", "soon"],
                 ["tick", "--every", "1m", "--json"]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_a_throttle_before_the_thread_exists_says_how_long_to_wait_and_writes_nothing(
        cli, sample_images):
    server, run = cli
    server.admin("POST", "/__sandbox__/faults", {"throttle": 1, "throttle_s": 90})
    started = run("run", brief_for(sample_images), "--thread", "t-1", "--json")
    server.admin("POST", "/__sandbox__/faults", {"throttle": 0})
    assert started.exit_code == 1, started.output
    error = _json(started)["error"]
    assert error.startswith("Meta asks adpilot to slow down for this account: ")
    # Meta says when access comes back in whole minutes: 90 s rounds up to 2 minutes.
    assert ". Try again after " in error and " UTC (in about 2 min)." in error
    assert objects(server.url, "campaign") == []
    assert "no thread" in run("status", "t-1").output
