"""`run --live --yes`, `tick`, `status`, `report`, `run --plan`, in-process against a sandbox."""

import json

from tests.launchkit import brief_for, objects


def test_live_launch_then_tick_wakes_the_timer_and_report_is_written(cli, sample_images, home):
    server, run = cli
    launched = run("run", brief_for(sample_images), "--thread", "loop-1", "--live", "--yes")
    assert launched.exit_code == 0, launched.output
    assert {c["status"] for c in objects(server.url, "campaign")} == {"ACTIVE"}
    assert "waiting until" in launched.output

    early = run("tick")
    assert early.exit_code == 0 and "0 thread(s) woken" in early.output
    # the brief starts tomorrow: the first cycle is due 3 days after that start
    woke = run("tick", "--advance-days", "5", "--yes")
    assert woke.exit_code == 0 and "1 thread(s) woken" in woke.output and "collect_insights" in woke.output

    status = run("status")
    assert "loop-1" in status.output and "wait" in status.output
    report = run("report", "loop-1")
    assert report.exit_code == 0, report.output
    assert (home / "reports" / "loop-1" / "report.md").exists()
    blocked = home / "a-file"
    blocked.write_text("not a folder")
    unwritable = run("report", "loop-1", "--out", str(blocked / "sub"))
    assert unwritable.exit_code == 2 and "--out" in unwritable.output
    assert "Traceback" not in unwritable.output
    for days in ("-1", "100000"):
        far = run("tick", "--advance-days", days)
        assert far.exit_code == 2 and "--advance-days" in far.output


def test_run_a_plan_file_paused_by_default(cli, sample_images, tmp_path):
    server, run = cli
    planned = run("plan", brief_for(sample_images), "--json")
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(planned.stdout)
    launched = run("run", "--plan", str(plan_file), "--thread", "file-1", "--yes")
    assert launched.exit_code == 0, launched.output
    assert "created PAUSED" in launched.output
    assert {c["status"] for c in objects(server.url, "campaign")} == {"PAUSED"}
    assert json.loads(planned.stdout)["plan"]["name"] in launched.output


def test_unknown_thread_and_wrong_commands_say_what_to_do(cli):
    _server, run = cli
    missing = run("approve", "nope")
    assert missing.exit_code == 2 and "adpilot status" in missing.output
    both = run("approve", "x", "--reject", "no", "--edit", "plan.json")
    assert both.exit_code == 2 and "only one of" in both.output
    empty = run("run", "  ")
    assert empty.exit_code == 2 and "BRIEF is empty" in empty.output


def test_a_brief_that_is_not_text_is_refused_by_name(cli, tmp_path, sample_images):
    server, run = cli
    binary = tmp_path / "brief.txt"
    binary.write_bytes(b"\xff\xfe\x00\x01sales")
    refused = run("run", str(binary))
    assert refused.exit_code == 2 and "not UTF-8 text" in refused.output
    huge = run("plan", brief_for(sample_images, budget="$99999999999999999999/day"), "--json")
    problems = json.loads(huge.stdout)["problems"]
    assert any("more than Meta accepts" in p["message"] for p in problems)
    assert objects(server.url, "campaign") == []


def test_approve_answers_a_card_action_by_action_from_a_decisions_file(cli, sample_images, tmp_path):
    server, run = cli
    started = run("run", brief_for(sample_images), "--thread", "dec-1")
    assert started.exit_code == 0, started.output
    wrong = tmp_path / "two.json"
    wrong.write_text(json.dumps({"decisions": [{"type": "approve"}, {"type": "approve"}]}))
    refused = run("approve", "dec-1", "--decisions", str(wrong))
    assert refused.exit_code == 2 and "list of 1 decisions" in refused.output
    assert objects(server.url, "campaign") == []

    one = tmp_path / "one.json"
    one.write_text(json.dumps([{"type": "reject", "message": "not this week"}]))
    rejected = run("approve", "dec-1", "--decisions", str(one))
    assert rejected.exit_code == 0, rejected.output
    assert objects(server.url, "campaign") == []
    assert "rejected" in run("status", "dec-1").output


def test_a_report_counts_what_other_threads_applied_to_its_campaign(cli, sample_images, home):
    # Found by a review: after an `ask` changed the launched campaign, the launch thread's
    # report said "adpilot applied 0 actions" and listed none of it.
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "rep-1", "--live", "--yes"
               ).exit_code == 0
    campaign = next(o for o in objects(server.url, "campaign"))
    name = campaign["name"].split(" [ap:")[0]
    card = run("ask", f"raise the budget of {name} by 10%", "--thread", "rep-ask")
    assert card.exit_code == 0 and "approval needed" in card.output, card.output
    assert run("approve", "rep-ask").exit_code == 0
    run("tick", "--advance-days", "1")
    assert run("report", "rep-1").exit_code == 0
    text = (home / "reports" / "rep-1" / "report.md").read_text()
    assert "adpilot applied 1 action" in " ".join(text.split()), text[:3000]
