"""One notification per waiting card over real CLI flows, against the sandbox over HTTP.

In-process (Typer's runner): a brief to its launch card (1), that card answered with the
command the notification carries, the launch and its timer (a timer: 0), the loop's first
approval card (1), a brief that needs a clarification (1) — and the Meta token appears
nowhere in what the receiver got. In a separate process (the real `adpilot` exit path):
a receiver that never answers delays the exit by no more than ADPILOT_NOTIFY_WAIT and
leaves the row pending for `retry_pending`.
"""

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli import app
from sandbox.server import SandboxServer
from tests.launchkit import brief_for
from tests.notify.receiver import BlackHole, Receiver
from tools import notify

TOKEN = "EAAB-cli-flow-token-9f8e7d6c5b4a3210"
ROOT = Path(__file__).resolve().parents[2]
META_VARS = ("META_ACCESS_TOKEN", "META_GRAPH_URL", "META_AD_ACCOUNT_ID", "META_PAGE_ID",
             "META_PIXEL_ID", "META_APP_SECRET", "ADPILOT_MODEL", "ADPILOT_CHECKPOINT_URL",
             "ADPILOT_ACCOUNT", "ADPILOT_PAGE", "ADPILOT_PIXEL")


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in META_VARS:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


@pytest.fixture
def sandbox(tmp_path, home, monkeypatch):
    with SandboxServer(db_path=tmp_path / "sandbox.db", seed=5, token=TOKEN) as server:
        monkeypatch.setenv("META_GRAPH_URL", server.url)
        monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)
        yield server


def cli(*args: str):
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    assert notify.drain(20) == 0
    return result


def test_one_notification_per_waiting_card_and_no_token(sandbox, home, receiver, sample_images):
    # a target the one ad set is far off, so a cycle after its first week raises a card
    started = cli("run", brief_for(sample_images) + " Target CPA $5.", "--thread", "n-1", "--live")
    assert started.exit_code == 0, started.output
    (launch,) = receiver.delivered
    assert (launch["kind"], launch["thread_id"], launch["account_id"]) == ("approval", "n-1", "act_1010101010")
    assert "TrailBlaze" in launch["text"] and launch["card"].startswith("## Launch")

    # Answered from elsewhere with the command the notification carries, word for word.
    prefix, *words = shlex.split(launch["answer"]["command"])
    assert prefix == f"ADPILOT_HOME={home}" and words[:3] == ["adpilot", "approve", "n-1"]
    approved = cli(*words[1:])
    assert approved.exit_code == 0, approved.output
    assert "waiting until" in approved.output and len(receiver.delivered) == 1  # a timer: no one to tell

    # the brief starts tomorrow: its first cycle is due 3 days after that start; a cycle with
    # something to propose raises a card (the far-off target is judged a week after the ad
    # set's first week of delivery). A tick between two cycles wakes nothing.
    woken = 0
    for _ in range(8):
        first = cli("tick", "--advance-days", "4")
        woken += "1 thread(s) woken" in first.output
        if "approval needed" in first.output:
            break
    assert woken >= 2 and "approval needed" in first.output, first.output
    assert len(receiver.delivered) == 2
    cycle = receiver.delivered[1]
    # an optimise card (or the alert-led card the far-off target raises first)
    assert cycle["kind"] == "approval" and cycle["title"].startswith("approval needed:")
    assert cycle["receipt"] != launch["receipt"]

    asked = cli("run", "sell our shoes", "--thread", "c-1")
    assert asked.exit_code == 0, asked.output
    assert len(receiver.delivered) == 3
    question = receiver.delivered[2]
    assert question["kind"] == "clarify" and question["answer"]["command"].endswith(
        "adpilot resume c-1 --answer 'your answer'")

    assert len(receiver.posts) == 3  # nothing sent twice, nothing retried
    for post in receiver.posts:
        assert TOKEN not in post["raw"] and TOKEN not in json.dumps(post["headers"])
    assert TOKEN.encode() not in (home / "notifications.sqlite").read_bytes()
    assert {(r.thread_id, r.status) for r in notify.rows(home)} == {("n-1", "delivered"), ("c-1", "delivered")}


EXIT_TIMING = """
import atexit, sys, time
atexit.register(lambda: print(f"EXITED {time.monotonic()}", file=sys.stderr))  # runs last
from graph.cli import app

try:
    app(sys.argv[1:], prog_name="adpilot")
finally:
    print(f"RETURNED {time.monotonic()}", file=sys.stderr)
"""


@pytest.mark.slow
def test_a_receiver_that_never_answers_delays_the_exit_by_the_bounded_wait(sandbox, home, sample_images,
                                                                         monkeypatch):
    with BlackHole() as hole:
        env = {**os.environ, "ADPILOT_NOTIFY_WEBHOOK": hole.url, "ADPILOT_NOTIFY_WAIT": "2",
               "ADPILOT_NOTIFY_TIMEOUT": "30", "PYTHONPATH": str(ROOT), "COLUMNS": "400"}
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-c", EXIT_TIMING, "run", brief_for(sample_images),
                               "--thread", "slow-1"], capture_output=True, text=True, env=env, timeout=120)
        elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stdout + done.stderr
    assert "approval needed" in done.stdout
    stamps = dict(line.split() for line in done.stderr.splitlines() if line.startswith(("RETURNED", "EXITED")))
    waited = float(stamps["EXITED"]) - float(stamps["RETURNED"])
    print(f"exit delayed {waited:.2f} s by a receiver that never answers (bound 2 s); "
          f"whole run {elapsed:.1f} s")
    assert 1.8 <= waited <= 3.0, (waited, done.stderr)  # the bounded wait, not the 30 s timeout
    assert elapsed < 30
    assert "1 notification(s) not delivered before exit" in done.stderr
    assert "secret-path" not in done.stderr and TOKEN not in done.stderr
    (row,) = notify.rows(home)
    assert (row.thread_id, row.status, row.kind) == ("slow-1", "pending", "approval")

    # The next `adpilot tick` sends it, once, and says so.
    with Receiver() as rx:
        monkeypatch.setenv("ADPILOT_NOTIFY_WEBHOOK", rx.url)
        ticked = cli("tick")
        assert "Notifications: 1 sent, 0 still pending, 0 given up." in ticked.output, ticked.output
        assert "Notifications" not in cli("tick").output  # nothing left to send
    assert [b["thread_id"] for b in rx.delivered] == ["slow-1"]


def test_run_yes_does_not_announce_the_card_it_approves_itself(sandbox, home, receiver, sample_images):
    done = cli("run", brief_for(sample_images), "--thread", "n-yes", "--live", "--yes")
    assert done.exit_code == 0, done.output
    assert "--yes: approved" in done.output and "waiting until" in done.output
    assert receiver.delivered == []  # the only card was answered by this command
    assert [r["status"] for r in notify.rows(home)] == []


def test_run_yes_announces_the_activation_card_it_leaves_to_a_person(sandbox, home, receiver,
                                                                     sample_images):
    done = cli("run", brief_for(sample_images), "--thread", "n-act", "--yes")
    assert done.exit_code == 0, done.output
    assert "--yes: approved" in done.output  # the launch card, answered here: not announced
    (card,) = receiver.delivered  # the paused launch's activation card waits for a person
    assert card["kind"] == "approval" and card["thread_id"] == "n-act"
    assert card["card"].startswith("## Switch the campaign on?")


def test_tick_yes_does_not_announce_the_optimise_cards_it_approves(sandbox, home, receiver, sample_images):
    # far off, judged a week after the ad set's first week of delivery: a card
    brief = brief_for(sample_images) + " Target CPA $5."
    assert cli("run", brief, "--thread", "n-tick", "--live", "--yes").exit_code == 0
    ticks = [cli("tick", "--advance-days", "4", "--yes") for _ in range(8)]
    assert all(t.exit_code == 0 for t in ticks), [t.output for t in ticks]
    # an optimise card, approved by this command
    assert any("--yes: approved" in t.output for t in ticks[1:]), [t.output for t in ticks]
    assert receiver.delivered == []
