"""`adpilot plan` and `adpilot run` show how a brief was read: what was not understood, what the
planner changed on its own, and what blocks a launch until a person answers or waives it."""

import json

from tests.launchkit import adpilot


def _brief(images, extra):
    return (f"need more sals for our wool socks in the US, $40 a day. {extra} "
            f"https://socks.example/shop, images {', '.join(str(p) for p in images)}")


def test_plan_json_and_human_output_show_not_understood_and_adjustments(home, sample_images):
    brief = _brief(sample_images, "Hi team, hope the offsite went well!")
    body = json.loads(adpilot("plan", brief, "--json").stdout)
    assert {"not_understood", "adjustments"} <= set(body)
    assert any(a["from"] == "sals" and a["to"] == "sales" for a in body["adjustments"])
    assert any("offsite" in u["phrase"] and u["affects"] is None for u in body["not_understood"])
    assert body["problems"] == []  # a greeting is only shown

    human = adpilot("plan", brief)
    assert human.returncode == 0, human.stderr
    assert "How adpilot read the brief" in human.stdout and "sals" in human.stdout
    assert "offsite" in human.stdout


def test_plan_refuses_a_brief_with_an_unsupported_ask_naming_it(home, sample_images):
    # (a cost cap became a plan in issue 15; a frequency cap is still not served)
    result = adpilot("plan", _brief(sample_images, "Add a frequency cap of 2."), "--json")
    assert result.returncode == 2
    problems = json.loads(result.stdout)["problems"]
    assert any(p["rule"] == "unsupported" and "frequency cap" in p["phrase"].lower()
               for p in problems)


def test_run_asks_then_resume_waive_shows_the_card_with_the_waiver(home, sample_images):
    run = adpilot("run", _brief(sample_images, "Add a frequency cap of 2."), "--thread", "w1")
    assert run.returncode == 0, run.stderr
    assert "frequency cap" in run.stdout.lower() and "waive" in run.stdout
    resumed = adpilot("resume", "w1", "--answer", "waive")
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert "approval needed" in resumed.stdout and "waived by you" in resumed.stdout
