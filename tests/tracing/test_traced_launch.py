"""A real launch through the graph, traced to a LangSmith capture server on loopback.

`adpilot run BRIEF --yes` runs in a subprocess with LANGSMITH_TRACING=true, LANGSMITH_ENDPOINT
at the capture server and a Meta token that is easy to spot; the test asserts the runs carry
the names, tags and metadata of graph/tracing.py and that the token is in none of them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from sandbox.server import SandboxServer
from tests.llm.openai_stub import OpenAIStub
from tests.llm.scripted import VALID_DRAFT, openai_reply, with_assets
from tests.tracing.capture import CaptureServer
from tests.tracing.test_tracing import ROOT, TOKEN, traced_env


def _meta(run):
    return (run.get("extra") or {}).get("metadata") or {}


def test_launch_traces_names_tags_metadata_and_no_token(tmp_path):
    image = tmp_path / "shoe.jpg"
    Image.new("RGB", (1080, 1080), (30, 90, 160)).save(image)
    reply = with_assets(VALID_DRAFT, str(image))
    # The model echoes the token into copy it writes: the scrubber must still catch it.
    reply["not_understood"] = [{"phrase": f"internal note access_token={TOKEN}", "affects": None}]
    brief = f"Trail shoes for women runners in the US, $60/day, https://example.com/trail (token {TOKEN})"
    with SandboxServer(db_path=str(tmp_path / "sandbox.db"), scenario="ecommerce_usd", seed=7, token=TOKEN) as sb, \
            OpenAIStub([openai_reply(reply)]) as llm, CaptureServer() as cap:
        env = traced_env(cap.url, META_GRAPH_URL=sb.url, ADPILOT_HOME=str(tmp_path / "home"),
                         ADPILOT_MODEL="openai:gpt-4.1-mini", OPENAI_BASE_URL=llm.base_url,
                         OPENAI_API_KEY="sk-test-not-a-real-key", NO_COLOR="1", COLUMNS="200")
        proc = subprocess.run([str(Path(sys.executable).parent / "adpilot"), "run", brief, "--yes", "--thread", "t-traced"],
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        campaigns = sb.admin("GET", "/__sandbox__/objects?type=campaign")["data"]
        runs = list(cap.runs().values())
        raw = b"".join(cap.raw)
    assert len(campaigns) == 1, proc.stdout[-2000:]
    by_name: dict[str, list[dict]] = {}
    for run in runs:
        by_name.setdefault(run["name"], []).append(run)
    # The graph, every launch node, and the model call arrive as named runs.
    for name in ("adpilot", "plan_campaign", "validate_plan", "review_plan", "upload_assets",
                 "create_campaigns", "create_ads", "activate"):
        assert name in by_name, (name, sorted(by_name))
    assert any(r["run_type"] == "llm" for r in runs)
    roots = by_name["adpilot"]
    assert {tuple(sorted({"action:run", "action:approve"} & set(r["tags"]))) for r in roots} >= {("action:run",)}
    for root in roots:
        assert {"adpilot", "sandbox"} <= set(root["tags"])
        assert _meta(root)["thread_id"] == "t-traced"
        assert _meta(root)["ad_account"].startswith("act_")
        assert _meta(root)["model"] == "openai:gpt-4.1-mini"
    # Every node run carries the thread id and its agent / action-kind tags.
    for name, agent in (("plan_campaign", "orchestrator"), ("review_plan", "approval"),
                        ("create_campaigns", "campaign"), ("create_ads", "ad_creation")):
        for node in by_name[name]:
            assert _meta(node)["thread_id"] == "t-traced"
            assert f"agent:{agent}" in node["tags"], (name, node["tags"])
    campaign_id = str(campaigns[0]["id"])
    created = by_name["create_campaigns"][0]
    assert _meta(created)["campaign_ids"] == [campaign_id] and "action:write" in created["tags"]
    assert len(_meta(created)["adset_ids"]) == 1
    decided = [r for r in by_name["review_plan"] if _meta(r).get("decision")]
    assert decided and _meta(decided[0])["decision"] == "approve" and len(_meta(decided[0])["receipt"]) == 64
    # Meta call groups are tool runs tagged with what they do.
    tools = [r for r in runs if r["run_type"] == "tool" and "meta" in r["tags"]]
    assert any("action:create" in r["tags"] for r in tools)
    # The planner and each model call are named runs inside plan_campaign; the planner's
    # inputs are the brief and defaults (scrubbed), never the injected search function.
    assert "planner.draft" in by_name
    planner = by_name["planner.llm"][0]
    assert "brief" in planner["inputs"] and "search_interests" not in planner["inputs"]
    assert "[REDACTED]" in planner["inputs"]["brief"]
    assert planner["outputs"]["plan"]["objective"] == "OUTCOME_SALES"
    # The token is nowhere: not in any run, not in any byte sent to LangSmith.
    assert TOKEN.encode() not in raw
    assert TOKEN not in json.dumps(runs, default=str)
    assert b"sk-test-not-a-real-key" not in raw  # nor the model provider's key
