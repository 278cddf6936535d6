"""The offline trace view: nodes, interrupts, decisions, Meta writes and retries, in order."""

from __future__ import annotations

from langgraph.types import Command
from rich.console import Console

from graph.trace_view import checkpoint_events, ledger_events, merge_events, render_timeline
from state.ledger import Ledger
from tests.evals.toy_graphs import launch_graph

CFG = {"configurable": {"thread_id": "t1"}}


def _timeline(tmp_path):
    ledger = Ledger(tmp_path / "ledger.db")
    graph = launch_graph(ledger, fail_first_create=True)
    graph.invoke({"brief": "trail shoes $60/day"}, CFG)
    try:
        graph.invoke(Command(resume={"decisions": [{"type": "approve"}], "by": "ana@example.com"}), CFG)
    except RuntimeError:
        graph.invoke(None, CFG)
    return merge_events(checkpoint_events(graph, "t1"), ledger_events(ledger, "t1"))


def test_timeline_orders_nodes_interrupts_decisions_and_writes(tmp_path):
    events = _timeline(tmp_path)
    kinds = [(e["kind"], e["node"]) for e in events]
    assert kinds[0] == ("input", "__start__")
    order = [k for k in kinds if k[0] != "input"]
    assert order.index(("node", "plan_campaign")) < order.index(("interrupt", "review_plan"))
    assert order.index(("interrupt", "review_plan")) < order.index(("decision", "review_plan"))
    writes = [e for e in events if e["kind"] == "meta_write"]
    assert [w["details"]["status"] for w in writes] == ["failed", "done", "done"]
    assert writes[1]["summary"].startswith("retry #1: create campaign 120001")
    assert all(w["node"] == "create_campaigns" for w in writes)
    assert writes[1]["details"]["statuses"] == ["intent", "sent", "done"]
    assert writes[1]["details"]["after"] == {"status": "PAUSED", "daily_budget": 6000}
    decision = next(e for e in events if e["kind"] == "decision")
    assert decision["by"] == "ana@example.com" and "approve" in decision["summary"]
    assert order.index(("decision", "review_plan")) < kinds.index(("meta_write", "create_campaigns"))
    errors = [e for e in events if e["kind"] == "error"]
    assert errors and "transient Meta error" in errors[0]["summary"]
    done = [e for e in events if e["kind"] == "node" and e["node"] == "create_campaigns"]
    assert done and done[0]["summary"].startswith("re-run after the error")
    # Everything is in time order.
    times = [e["at"] for e in events]
    assert times == sorted(times)


def test_render_prints_every_event(tmp_path):
    events = _timeline(tmp_path)
    console = Console(record=True, width=160)
    render_timeline(events, console, thread_id="t1")
    text = console.export_text()
    for needle in ("plan_campaign", "review_plan", "approval requested", "ana@example.com decided: approve",
                   "create campaign 120001", "retry #1", "before:", "after:", "receipt:"):
        assert needle in text, needle
