"""The served graph's context: what a request may set, refused up front; the rest is the server's.

In-process: the graph factory is classified and called the way langgraph-api does it
(`langgraph_api._factory_utils`), with the SDK's own runtime objects; Meta is a real sandbox
(embedded by the server environment, or started here and named by META_GRAPH_URL).
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

import graph.server as served
from graph.server import RequestContext, RequestRefused, ServerContext, graph, make_graph
from graph.server_env import ServerEnvironment, ServerSetupError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server_env(monkeypatch, tmp_path):
    """A fresh server environment (its own embedded sandbox) in a temp ADPILOT_HOME."""
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "META_AD_ACCOUNT_ID", "META_PAGE_ID",
                 "META_PIXEL_ID", "ADPILOT_ACCOUNT", "ADPILOT_PAGE", "ADPILOT_PIXEL",
                 "ADPILOT_POLICY", "ADPILOT_ASSET_DIR", "ADPILOT_ALLOW_PRIVATE_URLS",
                 "ADPILOT_SANDBOX_PORT", "ADPILOT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    env = ServerEnvironment()
    monkeypatch.setattr(served, "SERVER", env)
    yield env
    env.close()


def _run_factory(context, config=None):
    """Call make_graph as langgraph-api does for a run (`threads.create_run`)."""
    from langgraph_api._factory_utils import classify_factory, invoke_factory
    from langgraph_sdk.runtime import _ExecutionRuntime

    classify_factory(make_graph, "adpilot-test")
    runtime = _ExecutionRuntime(access_context="threads.create_run", store=None, context=context)
    return asyncio.run(invoke_factory(make_graph, "adpilot-test", config or {"configurable": {}},
                                      runtime))


def test_langgraph_json_serves_the_factory_and_the_app():
    config = json.loads((ROOT / "langgraph.json").read_text())
    assert config["graphs"]["adpilot"] == "./graph/server.py:make_graph"
    assert config["http"]["app"] == "graph.webapp:app"  # a module: no path to rewrite anywhere
    assert config["http"]["enable_custom_route_auth"] is True  # uploads behind the server's auth
    assert graph.checkpointer is None and graph.context_schema is ServerContext


def test_studio_gets_input_output_and_context_schemas():
    context = graph.get_context_jsonschema()
    assert set(context["properties"]) == set(RequestContext.model_fields)
    assert context["additionalProperties"] is False
    assert not {"home", "policy", "client_factory", "meta"} & set(context["properties"])
    assert context["properties"]["account_id"]["description"].startswith("the ad account")
    assert "brief" in graph.get_input_jsonschema()["properties"]
    assert "phase" in graph.get_output_jsonschema()["properties"]


REFUSED = [
    ({"home": "/tmp/elsewhere"}, "`home`, which a request cannot set: it comes from the server's ADPILOT_HOME"),
    ({"policy": {"max_daily_exposure_minor": 10**9}}, "`policy`, which a request cannot set"),
    ({"client_factory": "x"}, "`client_factory`, which a request cannot set"),
    ({"meta": {"graph_url": "http://evil.example"}}, "`meta`, which a request cannot set"),
    ({"assets": {"roots": None}}, "`assets`, which a request cannot set"),
    ({"sandbox": True}, "`sandbox`, which a request cannot set"),
    ({"currency": "EUR"}, "`currency`, which a request cannot set: it comes from the ad account"),
    ({"accountid": "act_1"}, "`accountid` is not a setting a run's context can have; it can set "
                             "account_id, page_id, pixel_id, model, max_cycles, cycle_days"),
    ({"max_cycles": "3"}, "`max_cycles`: Input should be a valid integer (got '3')"),
    ({"max_cycles": True}, "`max_cycles`: Input should be a valid integer (got True)"),
    ({"max_cycles": -1}, "`max_cycles`: Input should be greater than or equal to 0 (got -1)"),
    ({"cycle_days": 0}, "`cycle_days`: Input should be greater than or equal to 1 (got 0)"),
    ({"account_id": "my account"}, "`account_id`: use act_<digits>, e.g. \"act_123\" (got 'my account')"),
    ({"page_id": 102030}, "`page_id`: Input should be a valid string (got 102030)"),
    ({"model": "gpt"}, "`model`: use 'rules' or 'provider:model', e.g. openai:gpt-4.1-mini (got 'gpt')"),
    ({"account_id": "act_" + "1" * 20_000}, "the limit is 16,384 bytes"),
]


@pytest.mark.parametrize(("context", "says"), REFUSED, ids=[next(iter(c)) for c, _ in REFUSED])
def test_a_request_context_is_refused_naming_the_field(server_env, context, says):
    # where the server sees it (the factory, before LangGraph filters the keys) ...
    with pytest.raises(RequestRefused) as info:
        _run_factory(context)
    assert says in str(info.value)
    assert "nothing ran" in str(info.value).lower()
    # ... and where LangGraph builds the run context (the graph used directly)
    with pytest.raises(RequestRefused):
        ServerContext(**context)
    assert server_env.sandbox is None  # refused before anything was prepared


def test_langgraph_own_keys_are_not_settings(server_env):
    graph_for_run = _run_factory({"thread_id": "t1", "langgraph_request_id": "r", "model": "rules"})
    assert graph_for_run.config["metadata"]["model"] == "rules"


def test_no_settings_run_on_the_embedded_sandbox_with_ids_discovered(server_env, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="adpilot.server"):
        run_graph = _run_factory({}, {"configurable": {"thread_id": "t-1"}})
    sandbox = server_env.sandbox
    assert sandbox is not None and (tmp_path / "home" / "sandbox.db").exists()
    said = caplog.text
    assert f"using the embedded sandbox at {sandbox.url}" in said and "nothing reaches Meta" in said
    ctx = ServerContext()  # what LangGraph builds from the filtered request, on the event loop
    assert ctx.account_id == sandbox.account_id
    assert ctx.page_id == str(sandbox.store.list_objects("page")[0]["id"])
    assert ctx.pixel_id == str(sandbox.store.list_objects("adspixel")[0]["id"])
    assert (ctx.sandbox, ctx.currency, ctx.meta.graph_url) == (True, "USD", sandbox.url)
    assert ctx.assets.roots == (str((tmp_path / "home" / "uploads").resolve()),)
    assert not ctx.assets.allow_private_urls
    assert ctx.client_factory is not None and "sandbox-token" not in repr(ctx)
    # the root run is labelled like the CLI's
    assert run_graph.config["run_name"] == "adpilot"
    assert run_graph.config["tags"] == ["adpilot", "sandbox", "action:run"]
    assert run_graph.config["metadata"] == {
        "thread_id": "t-1", "ad_account": ctx.account_id, "page_id": ctx.page_id,
        "model": "rules", "policy": "auto_approve=none;go_live=False;max_change=0.2",
        "env": "sandbox"}
    # a request's own choices over the server's; the ids it names get their own client
    mine = ServerContext(max_cycles=7, cycle_days=2, model="openai:gpt-4.1-mini")
    assert (mine.max_cycles, mine.cycle_days, mine.model) == (7, 2, "openai:gpt-4.1-mini")
    assert mine.client_factory is ctx.client_factory


def test_a_resumed_thread_is_labelled_resume(server_env):
    from langgraph.checkpoint.base import empty_checkpoint
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.constants import CONFIG_KEY_CHECKPOINTER

    saver = InMemorySaver()
    saver.put({"configurable": {"thread_id": "t-2", "checkpoint_ns": ""}}, empty_checkpoint(), {}, {})
    config = {"configurable": {"thread_id": "t-2", CONFIG_KEY_CHECKPOINTER: saver}}
    assert "action:resume" in _run_factory({}, config).config["tags"]


def test_meta_settings_from_the_environment(server_env, monkeypatch, tmp_path):
    from sandbox.server import SandboxServer

    with SandboxServer(db_path=str(tmp_path / "sb.db"), scenario="ecommerce_usd", seed=3) as sb:
        monkeypatch.setenv("META_GRAPH_URL", sb.url)
        monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
        monkeypatch.setenv("ADPILOT_ASSET_DIR", str(tmp_path))
        _run_factory({})
        ctx = ServerContext()
        assert server_env.sandbox is None  # nothing embedded: the environment names Meta
        assert ctx.account_id == sb.account_id and ctx.meta.graph_url == sb.url
        assert ctx.assets.roots == (str(tmp_path.resolve()),
                                    str((tmp_path / "home" / "uploads").resolve()))
        _run_factory({"account_id": sb.account_id.removeprefix("act_")})
        named = ServerContext(account_id=sb.account_id.removeprefix("act_"))
        assert named.account_id == sb.account_id
        assert named.client_factory is ctx.client_factory  # the same account: one client, one ledger
        _run_factory({"page_id": "999"})
        other = ServerContext(page_id="999")
        assert other.page_id == "999" and other.meta.page_id == "999"
        assert other.client_factory is not ctx.client_factory  # it acts for another page
        with pytest.raises(ServerSetupError, match="ADPILOT_ASSET_DIR='/nowhere/at/all' is not a folder"):
            monkeypatch.setenv("ADPILOT_ASSET_DIR", "/nowhere/at/all")
            _run_factory({"page_id": "1"})


def test_an_edited_policy_file_applies_to_the_next_run(server_env, tmp_path, monkeypatch):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"max_daily_exposure_minor": 50000}))
    monkeypatch.setenv("ADPILOT_POLICY", str(policy))
    _run_factory({})
    assert ServerContext().policy.max_daily_exposure_minor == 50000
    policy.write_text(json.dumps({"max_daily_exposure_minor": 70000}))
    _run_factory({})
    assert ServerContext().policy.max_daily_exposure_minor == 70000
