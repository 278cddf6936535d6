"""A throttled node becomes a durable `wait` interrupt, survives a new process, and re-runs."""

import operator
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Annotated, TypedDict

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents.common.throttle import is_due, wait_out_throttle, wait_record, yields_on_throttle
from tools.errors import ThrottledError, from_error_body


class S(TypedDict, total=False):
    calls: Annotated[list[str], operator.add]
    throttle: dict | None
    throttle_waits: int
    done: bool


def build(checkpointer, budget: dict[str, int]):
    @yields_on_throttle
    def launch(state, runtime=None):
        budget["attempts"] += 1
        if budget["throttles"] > 0:
            budget["throttles"] -= 1
            raise ThrottledError("(#17) User request limit reached", retry_after_s=300, code=17)
        return {"calls": ["launch"], "done": True}

    g = StateGraph(S)
    g.add_node("launch", launch)
    g.add_node("wait_out_throttle", wait_out_throttle, destinations=("launch",))
    g.add_edge(START, "launch")
    g.add_conditional_edges("launch", lambda s: "wait_out_throttle" if s.get("throttle") else END,
                            ["wait_out_throttle", END])
    return g.compile(checkpointer=checkpointer)


def saver(path):
    return SqliteSaver(sqlite3.connect(path, check_same_thread=False))


def pending(graph, cfg):
    snap = graph.get_state(cfg)
    return [i.value for t in snap.tasks for i in t.interrupts]


def test_throttle_becomes_durable_wait_and_resumes_from_a_new_process(tmp_path):
    db = tmp_path / "cp.sqlite"
    cfg = {"configurable": {"thread_id": "t1"}}
    budget = {"throttles": 2, "attempts": 0}
    graph = build(saver(db), budget)
    graph.invoke({"calls": []}, cfg, durability="sync")
    (intr,) = pending(graph, cfg)
    assert intr["kind"] == "wait" and intr["node"] == "launch"
    assert intr["reason"].startswith("throttled until ")
    until = datetime.fromisoformat(intr["until"])
    assert timedelta(seconds=290) < until - datetime.now(UTC) <= timedelta(seconds=300)

    # A new graph over the same file (a new process) sees the same wait and resumes it;
    # Meta still throttles once more, so the thread waits again, durably.
    graph2 = build(saver(db), budget)
    assert pending(graph2, cfg) == [intr]
    graph2.invoke(Command(resume={"tick": True}), cfg, durability="sync")
    assert [i["kind"] for i in pending(graph2, cfg)] == ["wait"]
    graph3 = build(saver(db), budget)
    graph3.invoke(Command(resume={"tick": True}), cfg, durability="sync")
    final = graph3.get_state(cfg)
    assert not pending(graph3, cfg) and final.next == ()
    # throttled attempts left nothing but the (cleared) wait and its count
    assert final.values == {"calls": ["launch"], "done": True, "throttle": None, "throttle_waits": 2}
    assert budget["attempts"] == 3  # one call per wait: no extra call into a throttle


def test_wait_record_from_meta_error_body_uses_regain_access_minutes():
    err = from_error_body(
        {"error": {"code": 80004, "error_subcode": 2446079, "message": "too many calls",
                   "error_data": {"estimated_time_to_regain_access": 5}}},
        http_status=400,
    )
    assert isinstance(err, ThrottledError)
    now = datetime.now(UTC)
    rec = wait_record(err, node="create_ads", now=now)
    until = datetime.fromisoformat(rec["until"])
    assert timedelta(minutes=4, seconds=55) < until - now < timedelta(minutes=5, seconds=5)
    assert not is_due(rec, now) and is_due(rec, until + timedelta(seconds=1))


def test_other_errors_are_not_swallowed():
    def boom(state, runtime=None):
        raise ValueError("no")

    try:
        yields_on_throttle(boom)({}, None)
    except ValueError:
        pass
    else:
        raise AssertionError("ValueError was swallowed")


def throttled_once_graph(path, code=613):
    """A one-step graph whose step is throttled once, routed to `wait_out_throttle`."""
    from agents.common.throttle import throttle_update

    budget = {"throttles": 1}

    def step(state):
        if budget["throttles"]:
            budget["throttles"] -= 1
            return throttle_update(ThrottledError(f"(#{code}) rate", retry_after_s=120, code=code),
                                   node="step", state=state)
        return {"calls": ["step"], "done": True}

    def build():
        g = StateGraph(S)
        g.add_node("step", step)
        g.add_node("wait_out_throttle", wait_out_throttle, destinations=("step",))
        g.add_edge(START, "step")
        g.add_conditional_edges("step", lambda s: "wait_out_throttle" if s.get("throttle") else END,
                                ["wait_out_throttle", END])
        return g.compile(checkpointer=saver(path))

    return build


def test_routed_throttle_waits_durably_and_reruns_the_step(tmp_path):
    build = throttled_once_graph(tmp_path / "cp.sqlite")
    cfg = {"configurable": {"thread_id": "r"}}
    build().invoke({"calls": []}, cfg, durability="sync")
    graph = build()  # a new process
    (intr,) = pending(graph, cfg)
    assert intr["kind"] == "wait" and intr["reason"].startswith("throttled until")
    assert graph.get_state(cfg).values["throttle_waits"] == 1
    graph.invoke(Command(resume={"woke_at": "tick"}), cfg, durability="sync")
    final = graph.get_state(cfg).values
    assert final["done"] and final["throttle"] is None and final["calls"] == ["step"]


def test_requests_sent_to_a_throttle_wait_are_refused_and_asked_again_not_dropped(tmp_path):
    """A throttle wait only retries its step: requests riding on the wake-up would be lost."""
    graph = throttled_once_graph(tmp_path / "cp.sqlite", code=17)()
    cfg = {"configurable": {"thread_id": "q"}}
    graph.invoke({"calls": []}, cfg, durability="sync")
    asked = {"woke_at": "optimize", "requests": ["raise the budget of Spring Sale to $80 a day"]}
    graph.invoke(Command(resume=asked), cfg, durability="sync")
    (again,) = pending(graph, cfg)
    assert again["kind"] == "wait"
    assert "requests were not used" in again["error"] and "Spring Sale" not in str(again)
    assert graph.get_state(cfg).values["calls"] == []  # the step did not run on that wake-up
    graph.invoke(Command(resume={"woke_at": "tick"}), cfg, durability="sync")
    final = graph.get_state(cfg).values
    assert final["done"] and final["calls"] == ["step"]


@pytest.mark.parametrize("where", ["collect_insights", "decide_actions"])
def test_a_throttle_in_the_optimise_loop_waits_then_reruns_only_that_node(
        where, monkeypatch, launch_context, sample_images, tmp_path, sandbox_server):
    """The loop's Meta nodes wait out a throttle like the launch steps, and resume where it hit."""
    import dataclasses

    from agents.insights import collect
    from agents.optimize import nodes as optimize
    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from tests.launchkit import APPROVE, admin, plan_for

    target = {"collect_insights": (collect, "collect"), "decide_actions": (optimize, "propose")}[where]
    real = getattr(*target)
    throttles = {"left": 1}

    def throttled_once(*args, **kwargs):
        if throttles["left"]:
            throttles["left"] -= 1
            raise ThrottledError("(#17) User request limit reached", retry_after_s=900, code=17)
        return real(*args, **kwargs)

    monkeypatch.setattr(*target, throttled_once)
    # live, and delivering from its launch: the first cycle is due `cycle_days` after it
    ctx = dataclasses.replace(launch_context, max_cycles=1,
                              policy=dataclasses.replace(launch_context.policy, go_live=True))
    plan = {**plan_for(ctx, sample_images), "start_time": None, "end_time": None}
    cfg = {"configurable": {"thread_id": "loop"}}

    def stream(value):
        return [(node, update) for chunk in graph.stream(value, cfg, context=ctx, stream_mode="updates",
                                                          durability="sync")
                for node, update in chunk.items()]

    with open_checkpointer(tmp_path / "ck") as cp:
        graph = build_graph(checkpointer=cp)
        stream({"brief": "Trail shoes", "plan": plan})
        stream(Command(resume=APPROVE))  # launched; now waiting for delivery data
        admin(sandbox_server.url, "POST", "/__sandbox__/clock/advance", {"days": 8})
        woke = stream(Command(resume={"woke_at": "test"}))
        names = [n for n, _ in woke]
        assert names[-2:] == [where, "__interrupt__"] and names[0] == "wait_for_data"
        wait = woke[-1][1][0].value
        assert wait["kind"] == "wait" and wait["node"] == where
        assert wait["reason"].startswith("throttled until ")
        assert graph.get_state(cfg).next == ("wait_out_throttle",)

        resumed = [n for n, _ in stream(Command(resume={"woke_at": "test"}))]
        assert resumed[:2] == ["wait_out_throttle", where]
        assert "collect_insights" not in resumed[1:] or where == "collect_insights"
        assert "decide_actions" in resumed
        state = graph.get_state(cfg).values
        assert state["throttle"] is None and state["throttle_waits"] == 1 and state["cycle"] == 1
