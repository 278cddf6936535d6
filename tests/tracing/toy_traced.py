"""Run a small graph with adpilot's tracing helpers (executed in a subprocess by the tests).

Nodes are wrapped with `traced_node`, one makes a `meta_call_group` and a `traced` helper
call, and the input carries the secret token, which must never leave the process.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TypedDict

from langgraph.graph import END, START, StateGraph

from graph.trace_nodes import traced_node
from graph.tracing import annotate, flush_traces, meta_call_group, run_config, traced

TOKEN = os.environ["META_ACCESS_TOKEN"]


class S(TypedDict, total=False):
    brief: str
    created: dict[str, str]
    rows: list[dict[str, Any]]


@traced("meta.lookup_interest", tags=["tool"], run_type="tool")
def lookup(name: str, client: Any = None) -> dict[str, Any]:
    return {"id": "6003", "name": name, "url": f"https://graph.example/search?access_token={TOKEN}"}


def plan_campaign(state: S) -> dict[str, Any]:
    lookup("Running", client=object())
    return {"created": {}}


def create_campaigns(state: S) -> dict[str, Any]:
    with meta_call_group("meta.batch create_campaigns", kind="create", account="act_1"):
        annotate(campaign_ids=["120001"], adset_ids=["120002", "120003"], spend_delta_minor=6000,
                 receipt="r" * 64, decision="approve")
    rows = [{"date": f"2026-03-{d:02d}", "spend": d} for d in range(1, 60)]
    return {"created": {"campaign": "120001"}, "rows": rows}


g = StateGraph(S)
g.add_node("plan_campaign", traced_node(plan_campaign))
g.add_node("create_campaigns", traced_node(create_campaigns))
g.add_edge(START, "plan_campaign")
g.add_edge("plan_campaign", "create_campaigns")
g.add_edge("create_campaigns", END)
graph = g.compile(name="adpilot")
config = run_config(sys.argv[1], {"account_id": "act_1", "model": "rules",
                                  "meta": {"graph_url": "http://127.0.0.1:9"}}, action="run")
graph.invoke({"brief": f"shoes; token {TOKEN}; access_token={TOKEN}"}, config)
flush_traces()
