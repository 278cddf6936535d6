"""Small wording: what a thread waits for in words, real thread ids, absolute paths.

Found by a review: "it waits for wait"; a status reading "`adpilot approve THREAD` switches it
on" (copied as is, the command fails); with no thread, `status` and `audit` naming a relative
`.adpilot/...` that does not say which folder was read.
"""

from __future__ import annotations

from typer.testing import CliRunner

from graph.cli.plan_export import pending_plan
from graph.runner import Outcome
from tests.launchkit import demo_runner


def test_what_a_thread_waits_for_is_said_in_words():
    timer = Outcome("t-1", interrupt={"kind": "wait"}, interrupt_id="i", next=("wait_for_data",))
    assert timer.waits_for == "a timer"
    assert Outcome("t-1", interrupt={"kind": "clarify"}).waits_for == "an answer to its question"
    assert Outcome("t-1").waits_for == "nothing"
    said = pending_plan(timer)
    assert isinstance(said, str) and "it waits for a timer" in said and "for wait" not in said


def test_a_paused_launch_names_its_thread_in_the_command_it_suggests(tmp_path, monkeypatch):
    with demo_runner(tmp_path, monkeypatch) as (_home, runner, brief):
        runner.start(brief, thread_id="t-paused")
        out = runner.resume("t-paused", {"decisions": [{"type": "approve"}]})
    assert out.values["phase"] == "launched_paused"
    assert "`adpilot approve t-paused` switches it on" in out.values["status"]
    assert "THREAD" not in out.values["status"]


def test_with_no_thread_status_and_audit_name_the_folder_they_read(tmp_path, monkeypatch):
    from graph.cli import app

    monkeypatch.delenv("ADPILOT_HOME", raising=False)
    monkeypatch.delenv("ADPILOT_CHECKPOINT_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    where = tmp_path.resolve() / ".adpilot"
    status = CliRunner().invoke(app, ["status"], env={"COLUMNS": "400"})
    assert status.exit_code == 0, status.output
    assert f"nothing under {where / 'checkpoints.sqlite'} (ADPILOT_HOME {where})" in status.output
    for args in (["audit", "log"], ["audit", "verify"]):
        audit = CliRunner().invoke(app, args, env={"COLUMNS": "400"})
        assert audit.exit_code == 2 and f"no ledger at {where / 'ledger.db'}" in audit.output, args
    assert not where.exists()  # reading created nothing
