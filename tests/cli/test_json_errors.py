"""`--json` as a script reads it (issue 18): stdout always holds one JSON document.

A plan that cannot launch says why in the run's JSON, as `adpilot plan --json` does; an input
error exits 2 with `{"error", "exit_code"}` on stdout as well as the message on stderr.
"""

from __future__ import annotations

import json

from tests.launchkit import brief_for, objects


def test_run_json_of_an_unlaunchable_plan_lists_its_problems(cli, sample_images, tmp_path):
    server, run = cli
    plan = json.loads(run("plan", brief_for(sample_images), "--json").stdout)["plan"]
    plan["budget"]["amount_minor"] = 1  # below Meta's minimum daily budget
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    ran = run("run", "--plan", str(path), "--thread", "j-1", "--json")
    assert ran.exit_code == 2, ran.output
    body = json.loads(ran.stdout)
    assert body["phase"] == "invalid" and body["exit_code"] == 2
    assert any(p["path"].startswith("budget") for p in body["problems"]), body["problems"]
    assert isinstance(body["warnings"], list) and objects(server.url, "campaign") == []


def test_input_errors_under_json_print_a_json_error_on_stdout(cli, sample_images, tmp_path):
    _server, run = cli
    cases = [
        ["run", "--plan", str(tmp_path / "missing.json"), "--json"],  # a file that is not there
        ["run", "   ", "--json"],  # an empty brief
        ["plan", brief_for(sample_images), "--account", "my-account", "--json"],  # a bad value
        ["approve", "nope", "--json"],  # an unknown thread
        ["tick", "--every", "1m", "--json"],
    ]
    for args in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        body = json.loads(result.stdout)
        assert body["exit_code"] == 2 and body["error"], (args, body)
        assert body["error"].split(":")[0] in " ".join(result.stderr.split()), (args, result.stderr)


def test_a_refusal_after_the_json_document_prints_no_second_one(cli, sample_images):
    _server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "j-2", "--json").exit_code == 0
    refused = run("approve", "j-2", "--receipt", "00000000deadbeef", "--json")
    assert refused.exit_code == 2, refused.output
    body = json.loads(refused.stdout)  # one document: the card, with the exit code
    assert body["waiting_for"] == "approval" and body["exit_code"] == 2
    assert "--receipt 00000000deadbeef" in " ".join(refused.stderr.split())
