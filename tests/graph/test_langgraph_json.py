import asyncio
import importlib.util
import json
from pathlib import Path

from langgraph.graph.state import CompiledStateGraph

ROOT = Path(__file__).resolve().parents[2]


def test_every_langgraph_json_graph_imports_and_has_no_checkpointer():
    config = json.loads((ROOT / "langgraph.json").read_text())
    assert config["graphs"], "langgraph.json exports no graph"
    for name, target in config["graphs"].items():
        file, attr = target.rsplit(":", 1)
        spec = importlib.util.spec_from_file_location(f"lg_{name}", ROOT / file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        graph = getattr(module, attr)
        if callable(graph):  # a graph factory: called as the server does to read schemas
            from langgraph_api._factory_utils import classify_factory, invoke_factory
            from langgraph_sdk.runtime import _ReadRuntime

            classify_factory(graph, f"lg_{name}")
            graph = asyncio.run(invoke_factory(graph, f"lg_{name}", {"configurable": {}},
                                               _ReadRuntime(access_context="assistants.read", store=None)))
        assert isinstance(graph, CompiledStateGraph), name
        assert graph.checkpointer is None  # LangGraph Server brings its own
        assert "plan_campaign" in graph.nodes and "review_plan" in graph.nodes


def test_graph_topology_matches_the_design():
    from graph.builder import build_graph

    graph = build_graph().get_graph()
    edges = {(e.source, e.target) for e in graph.edges}
    for edge in [("__start__", "route_request"), ("route_request", "plan_campaign"),
                 ("route_request", "answer_request"), ("route_request", "propose_change"),
                 ("route_request", "adopt_campaign"), ("route_request", "route_request"),
                 ("propose_change", "review_actions"), ("adopt_campaign", "wait_for_data"),
                 ("plan_campaign", "validate_plan"),
                 ("validate_plan", "review_plan"), ("review_plan", "upload_assets"),
                 ("review_plan", "validate_plan"), ("upload_assets", "create_campaigns"),
                 ("create_campaigns", "create_ads"), ("create_ads", "activate")]:
        assert edge in edges, edge
    nodes = set(graph.nodes)
    if "wait_for_data" in nodes:
        for edge in [("activate", "wait_for_data"), ("wait_for_data", "collect_insights"),
                     ("collect_insights", "decide_actions"), ("decide_actions", "review_actions"),
                     ("review_actions", "apply_actions"), ("apply_actions", "wait_for_data")]:
            assert edge in edges, edge
