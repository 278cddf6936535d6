"""Tracing: scrubbing and trimming, the run config, and what reaches a LangSmith endpoint."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph import tracing
from state.secrets import REDACTED, register_secret
from tests.tracing.capture import CaptureServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "EAAB-test-token-XYZ123"


def traced_env(endpoint: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "META_"))}
    env.update(LANGSMITH_TRACING="true", LANGSMITH_ENDPOINT=endpoint, LANGSMITH_API_KEY="lsv2_fake_key_for_tests",
               LANGSMITH_PROJECT="adpilot-tests", META_ACCESS_TOKEN=TOKEN, PYTHONPATH=str(ROOT), **extra)
    return env


def test_trace_safe_redacts_and_trims():
    register_secret("EAAB-unit-secret-123456")
    value = {
        "access_token": "anything", "OPENAI_API_KEY": "sk-x", "api_key": "k", "password": "p",
        "note": "url?access_token=EAAB-unit-secret-123456&x=1",
        "echo": "the token EAAB-unit-secret-123456 leaked",
        "rows": list(range(50)), "text": "x" * 10_000, "usage": {"input_tokens": 5},
    }
    out = tracing.trace_safe(value)
    assert out["access_token"] == out["OPENAI_API_KEY"] == out["api_key"] == out["password"] == REDACTED
    assert "EAAB-unit-secret-123456" not in str(out)
    assert len(out["rows"]) == tracing.MAX_LIST_ITEMS + 1 and "30 more" in out["rows"][-1]
    assert len(out["text"]) < 4100 and "trimmed" in out["text"]
    assert out["usage"] == {"input_tokens": 5}  # token counts are not secrets


def test_run_config_names_tags_and_metadata(monkeypatch):
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)
    ctx = {"account_id": "act_42", "page_id": "p1", "model": "openai:gpt-4.1-mini",
           "meta": {"graph_url": "https://graph.facebook.com"}}
    config = tracing.run_config("t-123", ctx, action="approve", metadata={"receipt": "abc"})
    assert config["configurable"] == {"thread_id": "t-123"}
    assert config["run_name"] == "adpilot"
    assert config["tags"] == ["adpilot", "live", "action:approve"]
    assert config["metadata"] == {"thread_id": "t-123", "ad_account": "act_42", "page_id": "p1",
                                  "model": "openai:gpt-4.1-mini", "env": "live", "receipt": "abc"}
    assert tracing.environment_tag("http://127.0.0.1:8080") == "sandbox"
    assert tracing.environment_tag("https://graph.facebook.com") == "live"


def test_untraced_helpers_are_no_ops(monkeypatch):
    monkeypatch.delenv("LANGSMITH_TRACING", raising=False)
    monkeypatch.delenv("LANGCHAIN_TRACING_V2", raising=False)
    assert tracing.configure_tracing() is None
    tracing.annotate(campaign_ids=["1"])  # nothing current, nothing raised
    with tracing.meta_call_group("meta.batch", kind="create") as run:
        assert run is None


def _meta(run):
    return (run.get("extra") or {}).get("metadata") or {}


def test_runs_reach_langsmith_named_tagged_and_scrubbed():
    with CaptureServer() as cap:
        proc = subprocess.run([sys.executable, str(Path(__file__).parent / "toy_traced.py"), "t-toy-1"],
                              env=traced_env(cap.url), capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr
        runs = {r["name"]: r for r in cap.runs().values()}
        raw = b"".join(cap.raw)
    assert any(p.endswith("/runs/multipart") for p in cap.paths)
    assert {"adpilot", "plan_campaign", "create_campaigns", "meta.lookup_interest",
            "meta.batch create_campaigns"} <= set(runs)
    root = runs["adpilot"]
    assert {"adpilot", "sandbox", "action:run"} <= set(root["tags"])
    assert _meta(root)["thread_id"] == "t-toy-1" and _meta(root)["ad_account"] == "act_1"
    node = runs["create_campaigns"]
    assert {"agent:campaign", "action:write"} <= set(node["tags"])
    assert _meta(node)["thread_id"] == "t-toy-1"
    group = runs["meta.batch create_campaigns"]
    assert group["run_type"] == "tool" and {"meta", "action:create"} <= set(group["tags"])
    assert _meta(group)["campaign_ids"] == ["120001"]
    assert _meta(group)["spend_delta_minor"] == 6000 and _meta(group)["decision"] == "approve"
    assert {"agent:orchestrator", "action:plan"} <= set(runs["plan_campaign"]["tags"])
    # Injected collaborators are not traced; large payloads are trimmed.
    assert "client" not in runs["meta.lookup_interest"]["inputs"]
    assert "more items trimmed" in str(node["outputs"])
    # The token appears in no run and in no byte sent.
    assert TOKEN.encode() not in raw
    assert TOKEN not in str(runs)
    assert REDACTED in str(root["inputs"])


def test_update_metadata_names_ids_receipt_and_spend_delta():
    from graph.trace_nodes import update_metadata

    created = {"created": {"campaign": "1", "ad_sets": {"k1": "2", "k2": "3"}, "ads": {"k3": "4"}}}
    assert update_metadata(created) == {"campaign_ids": ["1"], "adset_ids": ["2", "3"], "ad_ids": ["4"]}
    approval = update_metadata({"approval": {"decision": "approve", "receipt": "r1"}})
    assert approval == {"receipt": "r1", "decision": "approve"}
    history = [
        {"name": "set_budget", "receipt": "old", "target": {"id": "9"}, "status": "done",
         "before": {"daily_budget": 100}, "after": {"daily_budget": 900}},
        {"name": "set_budget", "receipt": "new", "target": {"id": "2"}, "status": "done",
         "before": {"daily_budget": 5000}, "after": {"daily_budget": 6000}, "approved_by": "human"},
        {"name": "pause_ad", "receipt": "new", "target": {"id": "4"}, "status": "done",
         "before": {"status": "ACTIVE"}, "after": {"status": "PAUSED"}, "approved_by": "human"},
    ]
    meta = update_metadata({"applied_actions": history})
    assert meta["spend_delta_minor"] == 1000  # only this cycle's actions (receipt "new")
    assert meta["object_ids"] == ["2", "4"] and meta["receipt"] == "new"
    assert [a["name"] for a in meta["applied"]] == ["set_budget", "pause_ad"]
    assert meta["applied"][0]["spend_delta_minor"] == 1000 and meta["applied"][1]["spend_delta_minor"] == 0


def test_applied_action_kinds_become_tags(monkeypatch):
    # The node wrapper tags its run with each applied action's kind.
    from graph import trace_nodes

    seen = {}
    monkeypatch.setattr(trace_nodes, "annotate", lambda tags=(), **meta: seen.update(tags=list(tags), **meta))
    node = trace_nodes.traced_node(lambda state: {"applied_actions": [
        {"name": "pause_ad", "target": {"id": "9"}, "receipt": "r1", "before": {}, "after": {}},
        {"name": "set_adset_budget", "target": {"id": "7"}, "receipt": "r1",
         "before": {"daily_budget": 1000}, "after": {"daily_budget": 1200}}]}, name="apply_actions")
    node({})
    assert seen["tags"] == ["action:pause_ad", "action:set_adset_budget"]
    assert seen["object_ids"] == ["9", "7"] and seen["spend_delta_minor"] == 200
