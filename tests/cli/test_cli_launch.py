"""The CLI across processes: plan writes nothing, run stops at approval, approve launches,
a SIGKILL between approval and launch is finished by `adpilot resume` with one tree."""

import json

import pytest

from tests.launchkit import admin, adpilot, brief_for, objects

CRASH_HOOK = """
import os, signal
from state.ledger import Ledger
_mark = Ledger.mark
def mark(self, write_id, status, **kw):
    row = _mark(self, write_id, status, **kw)
    if status == {status!r}:
        seen = getattr(Ledger, "_seen", 0) + 1
        Ledger._seen = seen
        if seen == {k}:
            os.kill(os.getpid(), signal.SIGKILL)
    return row
Ledger.mark = mark
"""


def _live(url, kind):
    return [o for o in objects(url, kind) if o.get("status") not in ("DELETED",)]


def test_plan_json_prints_plan_and_writes_nothing(home, sample_images):
    result = adpilot("plan", brief_for(sample_images), "--json")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert set(body) == {"plan", "problems", "warnings", "not_understood", "adjustments"}
    assert body["plan"]["objective"] and body["problems"] == []
    assert "embedded sandbox" in result.stderr  # the one-line notice stays off stdout
    assert not (home / "ledger.db").exists() or "intent" not in (home / "ledger.db").read_bytes().decode("latin-1")
    assert not (home / "checkpoints.sqlite").exists()


def test_run_stops_at_approval_and_approve_continues_in_a_new_process(home, sample_images):
    run = adpilot("run", brief_for(sample_images), "--thread", "cli-1")
    assert run.returncode == 0, run.stderr
    assert "approval needed" in run.stdout and "adpilot approve cli-1" in run.stdout
    assert "adpilot approve cli-1 --edit plan.json" in run.stdout  # a launch plan can be edited
    assert "using the embedded sandbox" in run.stdout

    status = adpilot("status", "cli-1")
    assert "approval" in status.stdout

    approved = adpilot("approve", "cli-1")
    assert approved.returncode == 0, approved.stderr + approved.stdout
    assert "created on Meta" in approved.stdout and "campaign" in approved.stdout

    # The launch was created PAUSED: it now waits at its own activation card, shown above.
    assert "activat" in approved.stdout.lower()
    activated = adpilot("approve", "cli-1")
    assert activated.returncode == 0, activated.stderr + activated.stdout
    assert adpilot("status", "cli-1", "--json").returncode == 0

    again = adpilot("approve", "cli-1")
    assert again.returncode == 2 and "not waiting for approval" in again.stderr


def _in_process():
    from typer.testing import CliRunner

    from graph.cli import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args), env={"COLUMNS": "400"})


def test_reject_ends_the_thread(home, sample_images):
    cli = _in_process()
    cli("run", brief_for(sample_images), "--thread", "cli-2")
    result = cli("approve", "cli-2", "--reject", "not this month")
    assert result.exit_code == 0 and "nothing was written" in result.output


def test_edit_file_errors_name_the_fix(home, sample_images, tmp_path):
    cli = _in_process()
    cli("run", brief_for(sample_images), "--thread", "cli-3")
    bad = tmp_path / "plan.json"
    bad.write_text("{not json")
    result = cli("approve", "cli-3", "--edit", str(bad))
    # An edit starts from the plan on the thread's card (found by a review: the hint sent
    # people to `adpilot plan BRIEF --json`, a new plan of the brief).
    assert result.exit_code == 2 and ("write the plan on the card with `adpilot plan cli-3 "
                                      "--export FILE` and edit that file") in " ".join(result.output.split())
    assert "adpilot plan BRIEF --json" not in result.output
    plan = json.loads(cli("plan", brief_for(sample_images), "--json").stdout)["plan"]
    plan["name"] = "Edited by a human"
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"plan": plan}))
    result = cli("approve", "cli-3", "--edit", str(good))
    assert result.exit_code == 0 and "Edited by a human" in result.output and "approval needed" in result.output


@pytest.mark.parametrize(("status", "k"), [("sent", 1), ("done", 2), ("done", 4)],
                         ids=["first-write-in-flight", "after-2nd-write", "after-4th-write"])
def test_sigkill_between_approval_and_launch_then_resume_makes_one_tree(home, sample_images, external_sandbox,
                                                                         status, k):
    url = external_sandbox
    run = adpilot("run", brief_for(sample_images), "--thread", "crash-1")
    assert run.returncode == 0 and "approval needed" in run.stdout, run.stderr

    # Killed once the k-th write reached `status` in the ledger (`done`: Meta committed it,
    # but the process dies before anything else happens).
    crashed = adpilot("approve", "crash-1", code=CRASH_HOOK.format(status=status, k=k))
    assert crashed.returncode == -9, crashed.stderr
    assert len(_live(url, "campaign")) <= 1

    resumed = adpilot("resume", "crash-1")
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    campaigns = _live(url, "campaign")
    assert len(campaigns) == 1
    adsets = [a for a in _live(url, "adset") if a["campaign_id"] == campaigns[0]["id"]]
    ads = _live(url, "ad")
    assert len(adsets) >= 1 and len(ads) == len(sample_images)
    assert all(a["adset_id"] in {s["id"] for s in adsets} for a in ads)
    marks = [(kind, o["name"], str(o.get("adlabels"))) for kind in ("campaign", "adset",
                                                                     "adcreative", "ad")
             for o in objects(url, kind)]
    assert len(marks) == len(set(marks))  # no duplicate of any labelled object
    assert admin(url, "GET", "/__sandbox__/stats")["writes"] > 0
