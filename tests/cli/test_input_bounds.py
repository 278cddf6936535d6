"""Bounded inputs on the command line: files and text that are too big or too deep
exit 2 with a message naming the option, the limit and the fix — never a traceback — and
nothing reaches the graph or Meta: the card stays pending, unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from state import bounds
from tests.launchkit import adpilot, brief_for, objects

ROOT = Path(__file__).resolve().parents[2]


def said(result) -> str:
    return " ".join(result.output.split())


def _deep(depth: int) -> str:
    return '{"plan": ' + "[" * depth + "]" * depth + "}"


def test_a_3000_deep_edit_file_exits_2_with_a_clear_message_and_no_traceback(tmp_path, home):
    deep = tmp_path / "deep.json"
    deep.write_text(_deep(3_000))
    # A new process, as a person runs it; PYTHONPATH: this checkout, not an installed copy.
    done = adpilot("approve", "t-any", "--edit", str(deep), env_extra={"PYTHONPATH": str(ROOT)})
    err = " ".join(done.stderr.split())
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert f"error: --edit {deep} is nested more than 25 levels deep; the limit is 25 levels." in err
    assert "start from the plan `adpilot plan t-any --export FILE` writes" in err  # the fix


def test_oversized_and_deep_files_and_texts_leave_the_card_pending(cli, sample_images, tmp_path):
    server, run = cli
    started = run("run", brief_for(sample_images), "--thread", "b1")
    assert started.exit_code == 0, started.output
    before = run("status", "b1")
    assert "approval" in said(before)

    plan = json.loads(run("plan", brief_for(sample_images), "--json").stdout)["plan"]
    huge_plan = tmp_path / "huge.json"  # a valid-looking plan over the plan limit
    huge_plan.write_text(json.dumps({**plan, "name": "x" * 300_000}))
    huge_file = tmp_path / "huge-file.json"  # over the file limit: not even read
    huge_file.write_text(json.dumps({"plan": plan}) + " " * bounds.MAX_JSON_FILE_BYTES)
    deep_decisions = tmp_path / "deep-decisions.json"
    deep_decisions.write_text('{"decisions": [{"type": "reject", "message": ' + "[" * 3_000
                              + "]" * 3_000 + "}]}")
    nan_decisions = tmp_path / "nan.json"
    nan_decisions.write_text('{"decisions": [{"type": "reject", "message": NaN}]}')

    cases = [
        (["approve", "b1", "--edit", str(huge_plan)],
         [f"--edit {huge_plan} is ", "KiB) as JSON (the limit is passed at name)",
          "the limit is 245,760 bytes (240 KiB)",
          "Nothing was sent to Meta"]),
        (["approve", "b1", "--edit", str(huge_file)],
         [f"--edit {huge_file} is larger than the limit of 1,048,576 bytes (1,024 KiB)"]),
        (["run", "--plan", str(huge_plan)], [f"--plan {huge_plan} is ", "245,760 bytes"]),
        (["approve", "b1", "--decisions", str(deep_decisions)],
         [f"--decisions {deep_decisions} is nested more than 32 levels deep",
          '{"decisions": [{"type": "approve"}]}']),
        (["approve", "b1", "--decisions", str(nan_decisions)],
         [f"--decisions {nan_decisions} (at decisions[0].message): NaN is not a JSON number"]),
        (["approve", "b1", "--reject", "x" * 10_001],
         ["--reject is 10,001 characters; the limit is 10,000"]),
        (["resume", "b1", "--answer", "y" * 20_000],
         ["--answer is 20,000 characters; the limit is 10,000", "a URL, a budget, a country"]),
        (["optimize", "b1", "--request", "raise it " * 1_500],  # stripped: 13,499
         ["--request is 13,499 characters; the limit is 10,000", "say it in a sentence"]),
    ]
    for args, expected in cases:
        result = run(*args)
        text = said(result)
        assert result.exit_code == 2, (args[:3], result.output[-2000:])
        assert isinstance(result.exception, SystemExit), (args[:3], result.exception)
        for words in expected:
            assert words in text, (args[:3], words, text[:1500])
        assert len(text) < 3_000, "the refusal quotes the value"

    after = run("status", "b1")
    assert said(after) == said(before)  # the same card, no error on it: nothing reached it
    assert objects(server.url, "campaign") == []


def test_an_oversized_or_too_deep_policy_file_stops_every_command(home):
    from typer.testing import CliRunner

    from graph.cli import app

    home.mkdir(parents=True, exist_ok=True)
    policy = home / "policy.json"
    for content, words in [
        ("[" * 3_000 + "]" * 3_000, "is nested more than 4 levels deep; the limit is 4 levels"),
        (json.dumps({"go_live": False}) + " " * bounds.MAX_POLICY_FILE_BYTES,
         "is larger than the limit of 65,536 bytes (64 KiB)"),
    ]:
        policy.write_text(content)
        result = CliRunner().invoke(app, ["status"], env={"COLUMNS": "400"})
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert f"policy file {policy} {words}" in said(result)
        assert '{"max_daily_exposure_minor": 200000' in said(result)  # the fix: what one looks like
