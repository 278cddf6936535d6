"""The served graph's context: unset fields come from the server's environment, no I/O."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.server import ServerContext, graph

ROOT = Path(__file__).resolve().parents[2]


def test_langgraph_json_serves_the_server_graph():
    config = json.loads((ROOT / "langgraph.json").read_text())
    assert config["graphs"]["adpilot"] == "./graph/server.py:graph"
    assert graph.checkpointer is None and graph.context_schema is ServerContext


def test_unset_fields_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("META_GRAPH_URL", "http://127.0.0.1:8787")
    monkeypatch.setenv("META_AD_ACCOUNT_ID", "1234")
    monkeypatch.setenv("META_PAGE_ID", "555")
    monkeypatch.setenv("META_PIXEL_ID", "777")
    monkeypatch.setenv("ADPILOT_MODEL", "openai:gpt-4.1-mini")
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    ctx = ServerContext()  # what LangGraph Server builds from a request without `context`
    assert (ctx.account_id, ctx.page_id, ctx.pixel_id) == ("act_1234", "555", "777")
    assert ctx.model == "openai:gpt-4.1-mini" and ctx.home == str(tmp_path / "home")
    assert ctx.meta.graph_url == "http://127.0.0.1:8787" and ctx.meta.account_id == "act_1234"
    assert ctx.sandbox is True  # loopback Graph URL
    assert ctx.client_factory is not None
    assert not (tmp_path / "home").exists()  # nothing touched the disk yet
    # A request's own fields win over the environment (one server, many ad accounts).
    other = ServerContext(account_id="act_999", page_id="888")
    assert (other.account_id, other.page_id, other.pixel_id) == ("act_999", "888", "777")
    assert other.meta.account_id == "act_999"
    assert other.client_factory is not ctx.client_factory  # clients act for their own account
    assert ServerContext(account_id="act_1234").client_factory is ctx.client_factory


def test_a_request_context_is_bounded(monkeypatch, tmp_path):
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    with pytest.raises(ValueError) as info:
        ServerContext(account_id="act_" + "1" * 20_000)
    msg = str(info.value)
    assert msg.startswith("server request context is 20,")
    assert "(the limit is passed at account_id); the limit is 16,384 bytes (16 KiB)" in msg
    with pytest.raises(ValueError, match=r"server request context \(at model\): NaN"):
        ServerContext(model=float("nan"))
    assert ServerContext(account_id="act_123").account_id == "act_123"
