"""Small graphs that write to a real Ledger like adpilot's nodes do, for trace and eval tests."""

from __future__ import annotations

from typing import Any, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from state.ledger import Ledger

RECEIPT = "a" * 64


class S(TypedDict, total=False):
    brief: str
    plan: dict[str, Any]
    approval: dict[str, Any] | None
    created: dict[str, str]
    cycle: int
    phase: str


def launch_graph(ledger: Ledger, *, write_before_approval: bool = False, receipt: str | None = RECEIPT,
                 cycles: int = 0, fail_first_create: bool = False):
    """plan → review ⏸ → create (ledgered writes) → [decide_actions × cycles] → END."""
    state_box = {"failed": False}

    def plan_campaign(state: S) -> dict[str, Any]:
        if write_before_approval:
            wid = ledger.intent(op="create", path="act_1/campaigns", params={"name": "x"},
                                object_type="campaign", thread_id="t1", plan_key="k0")
            ledger.mark(wid, "done", meta_id="999", after={"status": "PAUSED"})
        return {"plan": {"name": "Trail shoes", "ad_sets": [{"ads": [{}, {}]}]}, "phase": "planned"}

    def review_plan(state: S) -> dict[str, Any]:
        answer = interrupt({"schema": "adpilot.approval/1", "kind": "approval", "receipt": RECEIPT,
                            "description": "**Trail shoes** — USD 60.00/day",
                            "action_requests": [{"name": "launch_campaign", "args": {}}]})
        kind = answer["decisions"][0]["type"]
        return {"approval": {"decision": kind, "receipt": RECEIPT}, "phase": "approved" if kind != "reject" else "rejected"}

    def create_campaigns(state: S) -> dict[str, Any]:
        if fail_first_create and not state_box["failed"]:
            state_box["failed"] = True
            wid = ledger.intent(op="create", path="act_1/campaigns", params={"name": "Trail"},
                                object_type="campaign", thread_id="t1", plan_key="k1", receipt=receipt)
            ledger.mark(wid, "failed", error="(#2) Service temporarily unavailable")
            raise RuntimeError("transient Meta error")
        created = {}
        for key, otype, mid in (("k1", "campaign", "120001"), ("k2", "adset", "120002")):
            wid = ledger.intent(op="create", path=f"act_1/{otype}s", params={"name": key},
                                object_type=otype, thread_id="t1", plan_key=key, receipt=receipt)
            ledger.mark(wid, "sent")
            ledger.mark(wid, "done", meta_id=mid, after={"status": "PAUSED", "daily_budget": 6000})
            created[key] = mid
        return {"created": created, "phase": "launched"}

    def decide_actions(state: S) -> dict[str, Any]:
        return {"cycle": int(state.get("cycle") or 0) + 1, "phase": "decided"}

    def route_review(state: S) -> str:
        return "create_campaigns" if state["approval"]["decision"] != "reject" else END

    def route_decide(state: S) -> str:
        return "decide_actions" if int(state.get("cycle") or 0) < cycles else END

    g = StateGraph(S)
    for name, fn in (("plan_campaign", plan_campaign), ("review_plan", review_plan),
                     ("create_campaigns", create_campaigns), ("decide_actions", decide_actions)):
        g.add_node(name, fn)
    g.add_edge(START, "plan_campaign")
    g.add_edge("plan_campaign", "review_plan")
    g.add_conditional_edges("review_plan", route_review, ["create_campaigns", END])
    g.add_conditional_edges("create_campaigns", route_decide, ["decide_actions", END])
    g.add_conditional_edges("decide_actions", route_decide, ["decide_actions", END])
    return g.compile(checkpointer=InMemorySaver())
