"""`adpilot stop`, `adpilot undo`, `adpilot audit verify` end to end, in new processes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.server import SandboxServer
from state.ledger import Ledger

from .conftest import png

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "sandbox-token"


class Rig:
    """A sandbox over HTTP, an ADPILOT_HOME, a brief with one image, and `adpilot` in new processes."""

    def __init__(self, sb: SandboxServer, tmp_path: Path) -> None:
        image = tmp_path / "shoe.png"
        image.write_bytes(png())
        self.sb, self.home = sb, tmp_path / "home"
        self.brief = (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget "
                      f"$60/day for 14 days starting tomorrow. Landing page "
                      f"https://shop.example.com/trail. Use images {image}. Shop now.")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("META_", "ADPILOT_"))}
        self.env.update(META_GRAPH_URL=sb.url, META_ACCESS_TOKEN=TOKEN, ADPILOT_HOME=str(self.home),
                        ADPILOT_MODEL="rules", PYTHONPATH=str(ROOT), COLUMNS="200")

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "graph", *args], env=self.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=180)


@pytest.fixture
def rig(tmp_path):
    with SandboxServer(db_path=tmp_path / "sb.db", seed=2, token=TOKEN) as sb:
        yield Rig(sb, tmp_path)


def test_stop_undo_and_audit_from_the_command_line(rig):
    sb, home, brief, cli = rig.sb, rig.home, rig.brief, rig.cli
    run = cli("run", brief, "--thread", "c1", "--yes")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    ledger = Ledger(home / "ledger.db")
    ad = next(r for r in ledger.rows("c1") if r["object_type"] == "ad" and r["op"] == "create")
    ledger.close()

    log = cli("audit", "log", "c1")
    assert log.returncode == 0 and ad["write_id"][:12] in log.stdout, log.stdout + log.stderr
    # Undo of a create is a pause (it only reduces spend: no approval needed).
    undo = cli("undo", "c1", ad["write_id"][:10])
    assert undo.returncode == 0, undo.stdout + undo.stderr
    body = sb.admin("GET", "/__sandbox__/objects?type=ad")
    ads = {o["id"]: o for o in (body.get("data", body) if isinstance(body, dict) else body)}
    assert ads[ad["meta_id"]]["status"] == "PAUSED"

    stop = cli("stop", "c1", "--json")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    report = json.loads(stop.stdout[stop.stdout.index("{"):])
    assert report["ok"]
    assert {o["object_type"] for o in report["paused"] + report["already_off"]} >= {
        "campaign", "adset", "ad"}
    for kind in ("campaign", "adset", "ad"):
        body = sb.admin("GET", f"/__sandbox__/objects?type={kind}")
        rows = body.get("data", body) if isinstance(body, dict) else body
        assert {o["status"] for o in rows} == {"PAUSED"}

    bad = cli("stop", "nope")
    assert bad.returncode == 2 and "no thread 'nope'" in bad.stderr

    audit = cli("audit", "verify", "--json")
    assert audit.returncode == 0, audit.stdout + audit.stderr
    assert json.loads(audit.stdout)["ok"]
    with sqlite3.connect(home / "ledger.db") as db:
        db.execute("UPDATE writes SET after = '{\"status\": \"ACTIVE\"}' WHERE id = 2")
    tampered = cli("audit", "verify")
    assert tampered.returncode == 1 and "row 2" in tampered.stdout


def test_the_kill_switch_stops_from_the_checkpoints_when_the_ledger_is_lost(rig):
    sb, home, brief, cli = rig.sb, rig.home, rig.brief, rig.cli
    def live() -> list[str]:
        out = []
        for kind in ("campaign", "adset", "ad"):
            body = sb.admin("GET", f"/__sandbox__/objects?type={kind}")
            rows = body.get("data", body) if isinstance(body, dict) else body
            out += [o["id"] for o in rows if o["status"] == "ACTIVE"]
        return out

    run = cli("run", brief, "--thread", "c1", "--live", "--yes")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert len(live()) == 3  # campaign, ad set, ad
    for f in home.glob("ledger.db*"):
        f.unlink()

    # Nothing writes on without its history...
    again = cli("optimize", "c1", "--yes")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    assert "ledger" in again.stderr and "missing" in again.stderr
    assert not (home / "ledger.db").exists()
    # ...and the kill switch still stops everything the checkpoint knows, and says why.
    stop = cli("stop", "--all", "--json")
    assert stop.returncode == 1, stop.stdout + stop.stderr
    report = json.loads(stop.stdout[stop.stdout.index("{"):])
    assert "missing" in report["storage_problem"]
    assert {o["object_type"] for o in report["paused"]} == {"campaign", "adset", "ad"}
    assert live() == []
    assert set(report["read_back"].values()) == {"PAUSED"}

    # A recreated, empty ledger is not "intact" while checkpoints reference writes.
    Ledger(home / "ledger.db").close()
    audit = cli("audit", "verify")
    assert audit.returncode == 1, audit.stdout
    assert "never recorded" in audit.stdout and "intact" not in audit.stdout.replace(
        "TAMPERED OR INCONSISTENT", "")


def test_stop_all_marks_and_pauses_threads_only_the_ledger_knows(rig):
    from tools.kill_switch import stopped_threads
    from tools.meta_client import MetaClient

    run = rig.cli("run", rig.brief, "--thread", "c1", "--live", "--yes")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # A thread another runner (LangGraph Server, another machine's checkpoints) advanced:
    # this home's checkpoints do not know it, its writes are in the shared ledger.
    ledger = Ledger(rig.home / "ledger.db")
    server = MetaClient({"graph_url": rig.sb.url, "account_id": rig.sb.account_id},
                        ledger=ledger, thread_id="srv-1", token=TOKEN)
    made = server.write("create", f"{rig.sb.account_id}/campaigns",
                        {"name": "served [ap:5e1f0a2b]", "objective": "OUTCOME_SALES",
                         "status": "PAUSED", "special_ad_categories": []},
                        object_type="campaign", plan_key="5e1f0a2b")
    ledger.close()
    stop = rig.cli("stop", "--all", "--json")
    assert stop.returncode == 0, stop.stdout + stop.stderr
    assert set(stopped_threads(rig.home)) == {"c1", "srv-1"}
    report = json.loads(stop.stdout[stop.stdout.index("{"):])
    assert report["read_back"][made["id"]] == "PAUSED"


def test_stop_around_a_run_that_keeps_the_thread_exits_1_and_says_so(rig):
    run = rig.cli("run", rig.brief, "--thread", "c1", "--live", "--yes")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    hold = ("import sys, time; from state.control import ThreadControl; "
            "c = ThreadControl.open(sys.argv[1]); c.acquire('c1', command='adpilot optimize'); "
            "print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(rig.home)], cwd=ROOT,
                              env=rig.env, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        holder.stdout.close()
        rig.env["ADPILOT_LEASE_TTL"] = "2"  # how long stop waits for the run to let go
        stop = rig.cli("stop", "c1", "--json")
    finally:
        holder.kill()
        holder.wait()
    assert stop.returncode == 1, stop.stdout + stop.stderr
    assert "being advanced by `adpilot optimize`" in stop.stderr and "stop` again" in stop.stderr
    report = json.loads(stop.stdout[stop.stdout.index("{"):])
    assert set(report["read_back"].values()) == {"PAUSED"}  # paused around it all the same
