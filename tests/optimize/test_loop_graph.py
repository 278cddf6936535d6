"""The optimise loop as a graph on the sandbox: wait → collect → decide → review → apply."""

from __future__ import annotations

from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.types import Command

from agents import optimize
from agents.insights import collect_insights
from bench.campaign_tree import launch
from sandbox.scenario import load_scenario
from state.context import Context, MetaSettings, Policy
from state.hitl import ResumeError, parse_decisions
from state.schema import AdpilotState
from tools.meta_client import MetaClient


def loop_graph():
    g = StateGraph(AdpilotState, context_schema=Context)
    g.add_node("wait_for_data", optimize.wait_for_data)
    g.add_node("collect_insights", collect_insights)
    g.add_node("decide_actions", optimize.decide_actions)
    g.add_node("review_actions", optimize.review_actions)
    g.add_node("apply_actions", optimize.apply_actions)
    g.add_edge(START, "wait_for_data")
    g.add_edge("wait_for_data", "collect_insights")
    g.add_edge("collect_insights", "decide_actions")
    g.add_conditional_edges("decide_actions", optimize.route_after_decide_actions)
    g.add_edge("review_actions", "apply_actions")
    g.add_conditional_edges("apply_actions", optimize.route_after_apply_actions)
    return g.compile(checkpointer=InMemorySaver())


@pytest.fixture
def loop(sandbox, tmp_path):
    sc = load_scenario("ecommerce_usd")
    settings = MetaSettings(graph_url=sandbox.url, account_id=sc.account.id, page_id=sc.page.id)

    def factory(thread_id: str | None = None) -> MetaClient:
        return MetaClient(settings, token="sandbox-token")

    created = launch(factory(), sc, n_adsets=3, n_ads=3)

    def context(**policy: Any) -> Context:
        return Context(account_id=sc.account.id, page_id=sc.page.id, client_factory=factory,
                       home=str(tmp_path), max_cycles=2, cycle_days=3, sandbox=True,
                       policy=Policy(**policy))

    state = {"created": created, "plan": {"name": "Spring Sale", "objective": "OUTCOME_SALES",
                                          "currency": "USD", "start_time": sc.start.isoformat()},
             "optimize": {"targets": {"target_cpa_minor": 2500}}}
    return sandbox, factory, created, context, state


def _interrupt(graph, config):
    snap = graph.get_state(config)
    pending = [i for t in snap.tasks for i in t.interrupts]
    return pending[0].value if pending else None, snap


def test_one_cycle_waits_then_proposes_with_evidence_then_applies_approved_actions(loop):
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "t1"}}, context()
    graph.invoke(state, cfg, context=ctx)
    wait, _ = _interrupt(graph, cfg)
    assert wait["kind"] == "wait" and wait["until"] and "cycle 1 of 2" in wait["reason"]

    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
    card, snap = _interrupt(graph, cfg)
    assert snap.values["cycle"] == 1
    assert card is not None and card["schema"] == "adpilot.approval/1" and card["kind"] == "approval"
    assert len(card["action_requests"]) == len(card["review_configs"]) >= 1
    for req in card["action_requests"]:
        assert "Evidence:" in req["description"] and "Expected effect:" in req["description"]
    assert "Proposed actions" in card["description"]

    # a stale or forged receipt applies nothing: the same card comes back with the error
    graph.invoke(Command(resume={"decisions": [{"type": "approve"}] * len(card["action_requests"]),
                                 "receipt": "0" * 64}), cfg, context=ctx)
    again, snap = _interrupt(graph, cfg)
    assert again["receipt"] == card["receipt"] and "receipt" in again["error"]
    assert not snap.values.get("applied_actions")
    with pytest.raises(ResumeError):
        parse_decisions({"decisions": []}, card)

    decisions: list[dict[str, Any]] = [{"type": "approve"}] * len(card["action_requests"])
    decisions[-1] = {"type": "reject", "message": "not this one"}
    graph.invoke(Command(resume={"decisions": decisions}), cfg, context=ctx)
    wait2, snap = _interrupt(graph, cfg)
    applied = snap.values["applied_actions"]
    assert len(applied) == len(decisions) - 1
    client = factory()
    for entry in applied:
        if entry["advice"]:
            continue
        assert entry["status"] == "applied" and entry["before"] != entry["after"]
        target = entry["args"].get("ad_id") or entry["args"].get("adset_id")
        field = "status" if entry["name"].startswith("pause") else "daily_budget"
        assert str(client.get(target, {"fields": field})[field]) == str(entry["after"][field])
    rejected = card["action_requests"][-1]
    assert all(e["args"] != rejected["args"] for e in applied)
    assert wait2 is not None and wait2["kind"] == "wait"  # back to waiting for the next cycle


def test_policy_lets_clear_pauses_apply_without_a_card_but_never_budget_increases(loop):
    sandbox, factory, created, context, state = loop
    graph, cfg = loop_graph(), {"configurable": {"thread_id": "t2"}}
    ctx = context(auto_approve=frozenset({"pause", "set_budget"}))
    graph.invoke(state, cfg, context=ctx)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
    card, snap = _interrupt(graph, cfg)
    proposal = snap.values["optimize"]["proposal"]["actions"]
    on_card = {(a["name"], str(a["args"])) for a in (card or {}).get("action_requests", [])}
    for action in proposal:
        key = (action["name"], str(action["args"]))
        increase = "budget" in action["name"] and action["args"]["daily_budget"] > action["evidence"]["before_minor"]
        if increase or action.get("requires_review"):
            assert key in on_card
        elif action["name"] == "pause_ad":
            assert key not in on_card


def test_loop_stops_after_max_cycles(loop):
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "t3"}}, context()
    graph.invoke(state, cfg, context=ctx)
    for _ in range(6):
        value, snap = _interrupt(graph, cfg)
        if value is None:
            break
        if value["kind"] == "wait":
            sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
            graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
        else:
            graph.invoke(Command(resume={"decisions": [{"type": "reject"}] * len(value["action_requests"])}),
                         cfg, context=ctx)
    value, snap = _interrupt(graph, cfg)
    assert value is None and not snap.next
    assert snap.values["cycle"] == 2 and snap.values["optimize"]["done"]


def test_routers_refuse_impossible_phases():
    with pytest.raises(RuntimeError, match="unexpected phase"):
        optimize.route_after_decide_actions({"phase": "applied"})
    with pytest.raises(RuntimeError, match="unexpected phase"):
        optimize.route_after_apply_actions({"phase": "decided"})
    assert optimize.route_after_decide_actions({"phase": "decided", "proposed_actions": [{}]}) == "review_actions"
    assert optimize.route_after_decide_actions({"phase": "decided", "proposed_actions": []}) == "wait_for_data"
    assert optimize.route_after_decide_actions({"phase": "decided", "optimize": {"done": True}}) == "__end__"
    assert optimize.route_after_apply_actions({"phase": "applied", "optimize": {"done": False}}) == "wait_for_data"
