"""`adpilot demo` traced to a LangSmith capture server, then `adpilot trace` on the demo thread.

One demo run (launch + optimise cycles on the embedded sandbox) serves both checks:
- the runs LangSmith receives are named per node, tagged per agent, carry the thread id and
  the ids / receipts / spend deltas, and the sandbox token is in none of them;
- the offline trace of the demo thread lists every node, interrupt and Meta write in order.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from state.ledger import Ledger
from tests.tracing.capture import CaptureServer
from tests.tracing.test_tracing import traced_env

ADPILOT = str(Path(sys.executable).parent / "adpilot")
LAUNCH = ["route_request", "plan_campaign", "validate_plan", "review_plan", "upload_assets", "create_campaigns",
          "create_ads", "activate"]
pytestmark = pytest.mark.slow


def _meta(run):
    return (run.get("extra") or {}).get("metadata") or {}


def test_demo_is_traced_and_its_thread_traces_offline(tmp_path):
    home = tmp_path / "home"
    with CaptureServer() as cap:
        env = traced_env(cap.url, ADPILOT_HOME=str(home), NO_COLOR="1", COLUMNS="200")
        env.pop("META_ACCESS_TOKEN")  # the demo uses its embedded sandbox and its token
        demo = subprocess.run([ADPILOT, "demo", "--yes"], env=env, cwd=tmp_path, capture_output=True,
                              text=True, timeout=240)
        assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
        runs = list(cap.runs().values())
        raw = b"".join(cap.raw)
    thread = re.search(r"\b(demo-[0-9a-f]{8})\b", demo.stdout).group(1)

    # --- what LangSmith received ----------------------------------------------------------
    names = {r["name"] for r in runs}
    assert set(LAUNCH) | {"adpilot", "wait_for_data", "collect_insights", "decide_actions"} <= names
    for run in runs:
        if run["name"] in LAUNCH + ["collect_insights", "decide_actions"] and run["run_type"] == "chain":
            assert _meta(run)["thread_id"] == thread
            assert any(t.startswith("agent:") for t in run["tags"]), run["name"]
    insights = [r for r in runs if r["name"] == "collect_insights"]
    assert all("agent:insights" in r["tags"] for r in insights)
    created = [r for r in runs if r["name"] == "create_campaigns" and _meta(r).get("campaign_ids")]
    assert created and _meta(created[0])["adset_ids"]
    applied = [r for r in runs if r["name"] == "apply_actions" and "spend_delta_minor" in _meta(r)]
    if any(r["name"] == "apply_actions" for r in runs):
        assert applied, "apply_actions runs carry the spend delta"
    for run in applied:
        # "why was X paused?" = tag action:<kind> + the object id in metadata
        for row in _meta(run).get("applied", []):
            assert f"action:{row['name']}" in run["tags"]
            assert row["object_id"] in _meta(run)["object_ids"]
    assert b"sandbox-token" not in raw

    # --- the offline trace of the same thread ---------------------------------------------
    out = subprocess.run([ADPILOT, "trace", thread, "--json"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    events = json.loads(out.stdout)
    nodes = [e["node"] for e in events if e["kind"] == "node"]
    assert nodes[: len(LAUNCH)] == LAUNCH
    assert nodes.count("decide_actions") >= 1
    kinds = [e["kind"] for e in events]
    first_write = kinds.index("meta_write")
    approval = next(i for i, e in enumerate(events) if e["kind"] == "interrupt" and e["interrupt"] == "approval")
    assert approval < kinds.index("decision") < first_write
    assert any(e["kind"] == "interrupt" and e["interrupt"] == "wait" for e in events)
    # Every ledger write of the thread is in the trace, in ledger order.
    ledger = Ledger.in_home(home)
    try:
        rows = ledger.rows(thread)
    finally:
        ledger.close()
    writes = [e for e in events if e["kind"] == "meta_write"]
    assert [(w["details"]["op"], w["details"]["meta_id"]) for w in writes] == \
        [(r["op"], r["meta_id"]) for r in rows]
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
