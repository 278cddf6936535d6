"""Two workers, two ADPILOT_HOMEs, one PostgreSQL: each resumes, stops and undoes the other's thread.

Real `adpilot` command lines in new processes against `adpilot sandbox serve` (the real SDK over
HTTP). Nothing a thread needs is in either home: the checkpoints, leases, stop records, ledger,
insights history and asset cache are all in the database both workers name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "sandbox-token"
THREAD = "shared-1"


@pytest.fixture
def sandbox_url(tmp_path):
    """`adpilot sandbox serve --port 0` in its own process."""
    proc = subprocess.Popen([sys.executable, "-m", "graph", "sandbox", "serve", "--port", "0",
                             "--db", str(tmp_path / "external.db")], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("Sandbox listening on http://127.0.0.1:"), line + proc.stderr.read()
        yield line.rsplit(" ", 1)[1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()


def _objects(url: str, kind: str) -> list[dict]:
    resp = requests.get(f"{url}/__sandbox__/objects", params={"type": kind},
                        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    resp.raise_for_status()
    body = resp.json()
    return body.get("data", body) if isinstance(body, dict) else body


def _statuses(url: str) -> dict[str, set[str]]:
    return {kind: {o["status"] for o in _objects(url, kind)} for kind in ("campaign", "adset", "ad")}


class Worker:
    """One worker: its own ADPILOT_HOME, the shared database, `adpilot` in new processes."""

    def __init__(self, home: Path, database: str, sandbox: str) -> None:
        self.home = home
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("META_", "ADPILOT_", "LANGSMITH", "LANGCHAIN"))}
        self.env.update(ADPILOT_HOME=str(home), ADPILOT_CHECKPOINT_URL=database,
                        META_GRAPH_URL=sandbox, META_ACCESS_TOKEN=TOKEN, ADPILOT_MODEL="rules",
                        PYTHONPATH=str(ROOT), COLUMNS="200")

    def __call__(self, *args: str) -> subprocess.CompletedProcess:
        proc = subprocess.run([sys.executable, "-m", "graph", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=180)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc


@pytest.mark.slow
def test_two_workers_resume_stop_and_undo_each_others_thread(pg_database, sandbox_url, tmp_path):
    image = tmp_path / "shoe.png"
    Image.new("RGB", (1080, 1080), (200, 30, 30)).save(image)
    brief = (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
             f"for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
             f"Use images {image}. Shop now.")
    a = Worker(tmp_path / "home-a", pg_database, sandbox_url)
    b = Worker(tmp_path / "home-b", pg_database, sandbox_url)

    run = a("run", brief, "--thread", THREAD, "--live")
    assert run.returncode == 0 and "approval needed" in run.stdout, run.stdout[-2000:]
    assert _objects(sandbox_url, "campaign") == []

    # B has never seen the card: its `approve` shows it and decides nothing; then it approves.
    unseen = b("approve", THREAD)
    assert unseen.returncode == 2 and "never shown here" in unseen.stderr, unseen.stderr
    assert _objects(sandbox_url, "campaign") == []
    approve = b("approve", THREAD)
    assert approve.returncode == 0, approve.stdout[-2000:] + approve.stderr[-2000:]
    assert _statuses(sandbox_url) == {"campaign": {"ACTIVE"}, "adset": {"ACTIVE"},
                                      "ad": {"ACTIVE"}}
    status = a("status", THREAD, "--json")
    assert status.returncode == 0
    row = json.loads(status.stdout)[0]  # A reads the campaign B created from the checkpoint
    # (`campaign_id` is DESIGN §2's name; older builds print `campaign`)
    assert row.get("campaign_id", row.get("campaign")) == _objects(sandbox_url, "campaign")[0]["id"]

    # A stops the thread B launched: the pauses come from the launch B ledgered.
    stop = a("stop", THREAD, "--json")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    report = json.loads(stop.stdout[stop.stdout.index("{"):])
    assert report["ok"] and report["storage_problem"] is None
    assert {o["object_type"] for o in report["paused"]} == {"campaign", "adset", "ad"}
    assert _statuses(sandbox_url) == {"campaign": {"PAUSED"}, "adset": {"PAUSED"},
                                      "ad": {"PAUSED"}}

    # B sees A's kill-switch writes and undoes the campaign's pause (it raises spend: --yes).
    log = b("audit", "log", THREAD, "--json")
    assert log.returncode == 0, log.stderr
    rows = json.loads(log.stdout)
    creates = [r for r in rows if r["op"] == "create" and r["status"] == "done"]
    assert {r["object_type"] for r in creates} >= {"campaign", "adset", "ad"}
    campaign = next(r for r in creates if r["object_type"] == "campaign")["meta_id"]
    pause = next(r for r in rows if r["receipt"] == "kill-switch" and r["path"] == campaign)
    undo = b("undo", THREAD, pause["write_id"][:12], "--yes")
    assert undo.returncode == 0 and "Undone" in undo.stdout, undo.stdout + undo.stderr
    assert {o["id"]: o["status"] for o in _objects(sandbox_url, "campaign")} == {
        campaign: "ACTIVE"}
    assert _statuses(sandbox_url)["ad"] == {"PAUSED"}  # only what was undone came back

    # One chain, written by both workers, intact; no store of either lives in its home.
    verify = a("audit", "verify", "--json")
    assert verify.returncode == 0 and json.loads(verify.stdout)["ok"], verify.stdout
    for home in (a.home, b.home):
        assert not {p.name for p in home.glob("*.db")} & {"ledger.db", "insights.db",
                                                           "assets.db"}, list(home.iterdir())
