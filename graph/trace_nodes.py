"""Node-level tracing: each node's run tagged with its agent and action, and what it touched.

`traced_state_graph()` is the `StateGraph` that `graph/builder.py` compiles: its `add_node`
wraps every node function with `traced_node`, which tags the node's run
`agent:<agent>` / `action:<kind>` (from `NODE_TAGS`) and, after the node returns, adds the
metadata its update carries (`update_metadata`): campaign / ad set / ad ids created, the
approval receipt and decision, the spend delta and object ids of applied actions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from graph.tracing import annotate

F = TypeVar("F", bound=Callable[..., Any])

# Which agent owns each node, and what kind of action it takes (tags `agent:`, `action:`).
NODE_TAGS: dict[str, tuple[str, str]] = {
    "route_request": ("orchestrator", "route"),
    "answer_request": ("insights", "read"),
    "propose_change": ("orchestrator", "decide"),
    "adopt_campaign": ("orchestrator", "read"),
    "plan_campaign": ("orchestrator", "plan"),
    "validate_plan": ("orchestrator", "validate"),
    "review_plan": ("approval", "approval"),
    "upload_assets": ("asset", "write"),
    "create_campaigns": ("campaign", "write"),
    "create_ads": ("ad_creation", "write"),
    "activate": ("campaign", "write"),
    "review_activation": ("approval", "approval"),
    "wait_for_data": ("orchestrator", "wait"),
    "collect_insights": ("insights", "read"),
    "decide_actions": ("orchestrator", "decide"),
    "review_actions": ("approval", "approval"),
    "apply_actions": ("campaign", "write"),
}


def traced_node(fn: F, name: str | None = None) -> F:
    """Wrap a node so its run is tagged `agent:<agent>` and `action:<kind>` (see NODE_TAGS).

    The signature is preserved (LangGraph still injects `runtime`).
    """
    node = name or fn.__name__
    agent, kind = NODE_TAGS.get(node, ("orchestrator", node))

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        annotate(tags=[f"agent:{agent}", f"action:{kind}"], agent=agent, action_kind=kind)
        update = fn(*args, **kwargs)
        if isinstance(update, Mapping):
            meta = update_metadata(update)
            # One tag per applied action kind (`action:pause_ad`, `action:set_adset_budget`), so
            # "why was ad set X paused?" is a tag plus an `object_ids` filter in LangSmith.
            kinds = sorted({str(r["name"]) for r in meta.get("applied", []) if r.get("name")})
            annotate(tags=[f"action:{k}" for k in kinds], **meta)
        return update

    return cast(F, wrapper)


def update_metadata(update: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata worth filtering on from a node's update: ids touched, approval, spend delta."""
    out: dict[str, Any] = {}
    created = update.get("created")
    if isinstance(created, Mapping):
        if created.get("campaign"):
            out["campaign_ids"] = [str(created["campaign"])]
        for key, name in (("ad_sets", "adset_ids"), ("ads", "ad_ids")):
            if isinstance(created.get(key), Mapping) and created[key]:
                out[name] = [str(v) for v in created[key].values()]
    approval = update.get("approval") or update.get("activation")  # the launch or activation card
    if isinstance(approval, Mapping):
        out["receipt"] = approval.get("receipt")
        out["decision"] = approval.get("decision")
    applied = update.get("applied_actions")
    if isinstance(applied, list) and applied and isinstance(applied[-1], Mapping):
        # `applied_actions` is the whole history: this update's actions share the last receipt.
        current = applied[-1].get("receipt")
        rows = [_applied_row(a) for a in applied
                if isinstance(a, Mapping) and a.get("receipt") == current]
        out["applied"] = rows
        out["spend_delta_minor"] = sum(r["spend_delta_minor"] for r in rows)
        out["object_ids"] = [r["object_id"] for r in rows if r["object_id"]]
        out["receipt"] = out.get("receipt") or current
    return {k: v for k, v in out.items() if v is not None}


def _applied_row(action: Mapping[str, Any]) -> dict[str, Any]:
    """One applied action, compactly: what, on which object, its spend delta, its status."""
    before, after = action.get("before") or {}, action.get("after") or {}
    delta = 0
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for budget in ("daily_budget", "lifetime_budget"):
            if isinstance(before.get(budget), int | float) and isinstance(after.get(budget), int | float):
                delta += int(after[budget]) - int(before[budget])
    target = action.get("target")
    object_id = target.get("id") if isinstance(target, Mapping) else target
    return {"name": action.get("name"), "object_id": str(object_id) if object_id else None,
            "spend_delta_minor": delta, "status": action.get("status"),
            "approved_by": action.get("approved_by")}


def traced_state_graph() -> type:
    """Return a `StateGraph` subclass whose `add_node` wraps every function with `traced_node`.

    `graph/builder.py` uses it in place of `StateGraph`, so wiring stays wiring and every
    node's run is tagged with its agent and action kind.
    """
    from langgraph.graph import StateGraph

    class TracedStateGraph(StateGraph):  # type: ignore[type-arg]
        def add_node(self, node: Any, action: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
            if isinstance(node, str) and callable(action) and not hasattr(action, "invoke"):
                action = traced_node(action, node)
            return super().add_node(node, action, **kwargs)

    return TracedStateGraph
