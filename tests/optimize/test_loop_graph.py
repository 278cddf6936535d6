"""The optimise loop as a graph on the sandbox: wait → collect → decide → review → apply."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.types import Command

from agents.common.throttle import wait_out_throttle
from agents.insights.collect import collect_insights
from agents.optimize import nodes as optimize
from bench.campaign_tree import launch
from sandbox.scenario import load_scenario
from state import bounds
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
    g.add_node("wait_out_throttle", wait_out_throttle,
               destinations=("collect_insights", "decide_actions", "apply_actions"))
    g.add_edge(START, "wait_for_data")
    g.add_edge("wait_for_data", "collect_insights")
    g.add_conditional_edges("collect_insights", optimize.route_after_collect_insights)
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
    assert again["rejected"]["digest"] == bounds.digest(
        {"decisions": [{"type": "approve"}] * len(card["action_requests"]), "receipt": "0" * 64})[0]
    assert not snap.values.get("applied_actions")
    with pytest.raises(ResumeError):
        parse_decisions({"decisions": []}, card)

    # Reject one action that is not part of a budget reallocation: rejecting a cut would
    # (rightly) hold back the increase it funds, so every other approval must then apply.
    names = [r["name"] for r in card["action_requests"]]
    reject = max((i for i, n in enumerate(names) if "budget" not in n), default=len(names) - 1)
    decisions: list[dict[str, Any]] = [{"type": "approve"}] * len(card["action_requests"])
    decisions[reject] = {"type": "reject", "message": "not this one"}
    graph.invoke(Command(resume={"decisions": decisions}), cfg, context=ctx)
    wait2, snap = _interrupt(graph, cfg)
    applied = snap.values["applied_actions"]
    if any("budget" not in n for n in names):
        assert len(applied) == len(decisions) - 1
    client = factory()
    for entry in applied:
        if entry["advice"]:
            continue
        assert entry["status"] == "applied" and entry["before"] != entry["after"]
        if entry["name"] == "refresh_creative":  # new ads beside the tired one, switched on
            assert all(client.get(i, {"fields": "status"})["status"] == "ACTIVE"
                       for i in entry["created"]["ad_ids"])
            continue
        target = entry["args"].get("ad_id") or entry["args"].get("adset_id")
        field = "status" if entry["name"].startswith("pause") else "daily_budget"
        assert str(client.get(target, {"fields": field})[field]) == str(entry["after"][field])
    rejected = card["action_requests"][reject]
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


@pytest.mark.parametrize(("value", "named"), [
    ("yes", "not str"),
    ({"decisions": [{"type": "approve"}]}, "decisions"),
    ({"woke": False}, "woke must be true"),
    ({"tick": "yes"}, "tick must be true"),
    ({"wake": "later"}, "wake must be"),
    ({"woke_at": 5}, "woke_at must be a string"),
    ({"requests": "raise it"}, "requests must be a list"),
    # the same limits as the Runner's, for a resume that reaches the node directly
    ({"woke_at": "x" * 300_000}, "wake-up is 300,014 bytes (293 KiB) as JSON"),
    ({"requests": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["x"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
     "wake-up is nested more than 32 levels deep"),
    ({"woke_at": float("nan")}, "wake-up (at woke_at): NaN is not a JSON number"),
    ({"requests": ["raise it " * 2_000]}, "a request is longer than 10,000 characters"),
])
def test_a_malformed_wake_up_re_asks_naming_what_was_wrong(loop, value, named):
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "w1"}}, context()
    graph.invoke(state, cfg, context=ctx)
    first, _ = _interrupt(graph, cfg)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})  # due: only the shape is wrong
    graph.invoke(Command(resume=value), cfg, context=ctx)
    again, snap = _interrupt(graph, cfg)
    assert again["kind"] == "wait" and again["until"] == first["until"] and named in again["error"]
    # the refused value is remembered by digest, never whole
    assert again["rejected"] == {"digest": bounds.digest(value)[0], "size": bounds.digest(value)[1],
                                 "reason": again["error"]}
    assert not snap.values.get("cycle") and snap.next == ("wait_for_data",)
    graph.invoke(Command(resume={"woke_at": "tick"}), cfg, context=ctx)  # a good one still works
    assert graph.get_state(cfg).values["cycle"] == 1


def test_an_early_wake_up_re_asks_saying_when_it_is_due_unless_forced(loop):
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "w2"}}, context()
    graph.invoke(state, cfg, context=ctx)
    first, _ = _interrupt(graph, cfg)
    for stray in ({"woke_at": "tick"}, {"woke": True}, {"tick": True}, {"requests": ["raise it to $80 a day"]}):
        graph.invoke(Command(resume=stray), cfg, context=ctx)
        again, snap = _interrupt(graph, cfg)
        assert again["until"] == first["until"] and "not due yet" in again["error"]
        assert first["until"] in again["error"] and not snap.values.get("cycle")
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 1})  # still two days early
    graph.invoke(Command(resume={"woke_at": "tick"}), cfg, context=ctx)
    assert "not due yet" in _interrupt(graph, cfg)[0]["error"]
    # `adpilot optimize THREAD` asks for a cycle now, on purpose
    graph.invoke(Command(resume=optimize.WAKE_NOW), cfg, context=ctx)
    assert graph.get_state(cfg).values["cycle"] == 1


def test_the_first_timer_counts_from_the_campaign_creation_not_from_each_re_run(loop):
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "w3"}}, context()
    made = factory().get(created["campaign"], {"fields": "created_time"})["created_time"]
    graph.invoke(state, cfg, context=ctx)
    wait, _ = _interrupt(graph, cfg)
    due = datetime.fromisoformat(made.replace("Z", "+00:00")) + timedelta(days=3)
    assert datetime.fromisoformat(wait["until"]) == due
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 1})
    graph.invoke(Command(resume={"woke_at": "tick"}), cfg, context=ctx)  # too early: asks again
    again, _ = _interrupt(graph, cfg)
    assert again["until"] == wait["until"]  # the re-run kept the same timer, a day closer


def _first_card(graph, cfg, ctx, sandbox, state):
    graph.invoke(state, cfg, context=ctx)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    graph.invoke(Command(resume={"woke_at": "tick"}), cfg, context=ctx)
    return _interrupt(graph, cfg)


def test_a_stopped_thread_never_proposes_or_applies_reactivation(loop, tmp_path):
    from tools.kill_switch import mark_stopped, raises_spend

    sandbox, factory, created, context, state = loop
    graph, ctx = loop_graph(), context()
    # the same cycle on a thread that was not stopped moves budget up somewhere
    card, snap = _first_card(graph, {"configurable": {"thread_id": "s0"}}, ctx, sandbox, state)
    assert any(raises_spend(a) for a in snap.values["optimize"]["proposal"]["actions"])

    # stopped between the card and the approval: approving everything raises nothing
    mark_stopped(tmp_path, ["s0"])
    graph.invoke(Command(resume={"decisions": [{"type": "approve"}] * len(card["action_requests"])}),
                 {"configurable": {"thread_id": "s0"}}, context=ctx)
    applied = graph.get_state({"configurable": {"thread_id": "s0"}}).values["applied_actions"]
    assert applied and not [a for a in applied if raises_spend(a)]

    # stopped before the cycle: nothing that raises spend reaches the card at all
    mark_stopped(tmp_path, ["s1"])
    card, snap = _first_card(graph, {"configurable": {"thread_id": "s1"}}, ctx, sandbox, state)
    proposal = snap.values["optimize"]["proposal"]
    assert proposal["stopped"]["held_back"] and not [a for a in proposal["actions"] if raises_spend(a)]
    assert "thread stopped" in snap.values["status"]


def test_a_plain_word_budget_request_rides_on_a_wake_now_and_lands_on_the_card(loop):
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "r1"}}, context()
    graph.invoke(state, cfg, context=ctx)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 2})  # a day before the timer
    adset_id = next(iter(created["ad_sets"].values()))
    name = factory().get(adset_id, {"fields": "name"})["name"].split(" [ap:")[0]
    before = int(factory().get(adset_id, {"fields": "daily_budget"})["daily_budget"])
    ask = f"lower the budget of {name} by 10%"  # small: the ad set is still learning
    # `adpilot optimize THREAD --request ...` sends WAKE_NOW with the requests
    graph.invoke(Command(resume={**optimize.WAKE_NOW, "requests": [ask]}), cfg, context=ctx)
    card, snap = _interrupt(graph, cfg)
    proposal = snap.values["optimize"]["proposal"]
    assert not proposal["request_problems"], proposal["request_problems"]
    asked = [a for a in proposal["actions"] if a["args"].get("adset_id") == adset_id
             and a["args"].get("daily_budget") == round(before * 0.9)]
    assert asked and card is not None and card["kind"] == "approval"
    assert any(r["args"] == asked[0]["args"] for r in card["action_requests"])
    assert snap.values["optimize"]["requests"] == []  # proposed once, not again next cycle


def test_actions_are_dated_by_the_day_they_reach_meta_not_the_day_of_the_card(loop):
    """A card approved three days after it was shown: reports and judgements count from the
    approval (found by a review: the report put the action on the card's day)."""
    sandbox, factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "late"}}, context()
    graph.invoke(state, cfg, context=ctx)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
    card, snap = _interrupt(graph, cfg)
    assert card is not None and card["kind"] == "approval"
    shown_on = snap.values["optimize"]["today"]
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
    graph.invoke(Command(resume={"decisions": [{"type": "approve"}] * len(
        card["action_requests"])}), cfg, context=ctx)
    applied = [e for e in graph.get_state(cfg).values["applied_actions"] if not e["advice"]]
    assert applied
    approved_on = date.fromisoformat(shown_on) + timedelta(days=3)
    assert {e["applied_date"] for e in applied} == {approved_on.isoformat()}
