"""Routers of the launch path: each reads `state["phase"]` set by the node before it.

Phases: plan_campaign → planned | clarified (answer merged, plan again) | unplannable;
validate_plan → validated | invalid | edit_refused (an edit with problems: the card before
it is put back, `agents/orchestrator/approval.py`); review_plan → approved | edited |
rejected; then upload_assets → assets_uploaded, create_campaigns → campaigns_created, create_ads →
ads_created, activate → live | launched_paused; a paused launch's activation card
(review_activation) → activation_approved (back to activate) | activation_rejected. Any
launch step ends the thread in `stopped` once the kill switch stopped it (`agents.common.halts_when_stopped`). upload_assets,
create_campaigns and activate may also end the thread in `refused`: the money gate refused the approved launch after the
approval (the caps and numbers are in `state["refusals"]`; nothing was written). A node Meta throttled for longer than the
client may sleep leaves its phase alone and sets `state["throttle"]`: its router sends the
thread to `wait_out_throttle`, which runs the node the wait record names again afterwards
(`agents/common/throttle.py`).
An impossible phase is a bug, so routers raise instead of guessing a destination.
`"__end__"` is LangGraph's END.
"""

from __future__ import annotations

from typing import Any, Literal


class RoutingError(RuntimeError):
    """A node left the state in a phase its router does not know."""


def _phase(state: dict[str, Any], node: str) -> str:
    phase = state.get("phase")
    if not isinstance(phase, str):
        raise RoutingError(f"route_after_{node}: state has no phase (got {phase!r})")
    return phase


def route_after_plan_campaign(state: dict[str, Any]) -> Literal["validate_plan", "plan_campaign", "__end__"]:
    """Validate a plan; plan again after a clarification; stop when no plan can be made."""
    phase = _phase(state, "plan_campaign")
    if phase == "planned":
        return "validate_plan"
    if phase == "clarified":
        return "plan_campaign"
    if phase == "unplannable":
        return "__end__"
    raise RoutingError(f"route_after_plan_campaign: unexpected phase {phase!r}")


def route_after_validate_plan(state: dict[str, Any]) -> Literal["review_plan", "wait_out_throttle", "__end__"]:
    """Show a valid plan for approval; end on an invalid brief; after a refused edit, the card before it."""
    if state.get("throttle"):
        return "wait_out_throttle"
    phase = _phase(state, "validate_plan")
    if phase in ("validated", "edit_refused"):
        return "review_plan"
    if phase == "invalid":
        return "review_plan" if state.get("revision", 0) > 0 else "__end__"
    raise RoutingError(f"route_after_validate_plan: unexpected phase {phase!r}")


def route_after_review_plan(state: dict[str, Any]) -> Literal["upload_assets", "validate_plan", "__end__"]:
    """Launch an approved plan, re-validate an edited one, end a rejected one."""
    phase = _phase(state, "review_plan")
    if phase == "approved":
        return "upload_assets"
    if phase == "edited":
        return "validate_plan"
    if phase == "rejected":
        return "__end__"
    raise RoutingError(f"route_after_review_plan: unexpected phase {phase!r}")


def _loop_runs(runtime: Any) -> bool:
    """Return False when the run's `max_cycles` is 0 (no optimise cycle); True without a limit.

    `max_cycles` is only a limit a person sets (None by default: the loop runs until the
    campaign ends); called without a runtime, the loop is assumed to run.
    """
    max_cycles = getattr(getattr(runtime, "context", None), "max_cycles", None)
    return max_cycles is None or int(max_cycles) > 0


def _after_launch_step(state: dict[str, Any], node: str, done: str) -> str:
    if state.get("throttle"):
        return "wait_out_throttle"
    phase = _phase(state, node)
    if phase == "refused" and node in ("upload_assets", "create_campaigns"):
        return "__end__"  # the money gate refused the launch: nothing was written
    if phase == "stopped":
        return "__end__"  # the kill switch stopped the thread: nothing more is created
    if phase != done:
        raise RoutingError(f"route_after_{node}: unexpected phase {phase!r} (expected {done!r})")
    return {"upload_assets": "create_campaigns", "create_campaigns": "create_ads",
            "create_ads": "activate"}[node]


def route_after_upload_assets(state: dict[str, Any]) -> Literal["create_campaigns", "wait_out_throttle",
                                                                 "__end__"]:
    """Create the campaign once the assets are up (or wait out a throttle; end if refused)."""
    return _after_launch_step(state, "upload_assets", "assets_uploaded")  # type: ignore[return-value]


def route_after_create_campaigns(state: dict[str, Any]) -> Literal["create_ads", "wait_out_throttle",
                                                                    "__end__"]:
    """Create the ads once their ad sets exist (or wait out a throttle; end if refused)."""
    return _after_launch_step(state, "create_campaigns", "campaigns_created")  # type: ignore[return-value]


def route_after_create_ads(state: dict[str, Any]) -> Literal["activate", "wait_out_throttle", "__end__"]:
    """Activate once the whole tree exists (or wait out a throttle; end if stopped)."""
    return _after_launch_step(state, "create_ads", "ads_created")  # type: ignore[return-value]


def route_after_activate(
    state: dict[str, Any], runtime: Any = None
) -> Literal["wait_for_data", "review_activation", "wait_out_throttle", "__end__"]:
    """Start the loop's first timer once live; ask for activation when paused; or end.

    A paused launch waits at its activation card (`review_activation`). At `max_cycles=0`
    (launch only, no optimise loop) the thread ends after the launch, live or paused.
    LangGraph injects `runtime` (its context holds `max_cycles`).
    """
    if state.get("throttle"):
        return "wait_out_throttle"
    phase = _phase(state, "activate")
    if phase in ("refused", "stopped"):
        return "__end__"  # the money gate refused the activation, or the kill switch stopped it
    if phase not in ("live", "launched_paused"):
        raise RoutingError(f"route_after_activate: unexpected phase {phase!r}")
    if not _loop_runs(runtime):
        return "__end__"
    return "wait_for_data" if phase == "live" else "review_activation"


def route_after_review_activation(state: dict[str, Any]) -> Literal["activate", "__end__"]:
    """Switch the tree on once its activation card is approved; end when rejected or stopped."""
    phase = _phase(state, "review_activation")
    if phase == "activation_approved":
        return "activate"
    if phase in ("activation_rejected", "stopped"):
        return "__end__"
    raise RoutingError(f"route_after_review_activation: unexpected phase {phase!r}")


# -- requests about existing objects (`adpilot ask`, `adpilot watch`) ------------------------

REQUEST_NODES = {"question": "answer_request", "adopt": "adopt_campaign",
                 "pause_underperformers": "propose_change", "budget": "propose_change",
                 "status": "propose_change", "ab_test": "propose_change"}


def route_after_route_request(state: dict[str, Any]) -> Literal[
        "plan_campaign", "route_request", "answer_request", "adopt_campaign", "propose_change",
        "__end__"]:
    """Send a brief to planning, a clarified request back to the router, a routed one onward."""
    phase = _phase(state, "route_request")
    if phase == "brief":
        return "plan_campaign"
    if phase == "clarified":
        return "route_request"
    if phase == "unsupported":
        return "__end__"
    if phase != "routed":
        raise RoutingError(f"route_after_route_request: unexpected phase {phase!r}")
    route = str((state.get("intent") or {}).get("route"))
    if route not in REQUEST_NODES:
        raise RoutingError(f"route_after_route_request: routed to {route!r}, which has no node")
    return REQUEST_NODES[route]  # type: ignore[return-value]


def _next_ask(state: dict[str, Any]) -> Literal["answer_request", "propose_change"]:
    """Return the node of a combined request's next later ask (phase `next_ask`)."""
    route = str((state.get("intent") or {}).get("route"))
    if route not in REQUEST_NODES or REQUEST_NODES[route] not in ("answer_request", "propose_change"):
        raise RoutingError(f"next_ask: a later ask routed to {route!r} is never proposed")
    return REQUEST_NODES[route]  # type: ignore[return-value]


def route_after_answer_request(state: dict[str, Any]) -> Literal[
        "wait_out_throttle", "answer_request", "propose_change", "__end__"]:
    """End a question once answered (or wait out a Meta throttle first), or go on to a later ask."""
    if state.get("throttle"):
        return "wait_out_throttle"
    phase = _phase(state, "answer_request")
    if phase == "next_ask":
        return _next_ask(state)
    if phase != "answered":
        raise RoutingError(f"route_after_answer_request: unexpected phase {phase!r}")
    return "__end__"


def route_after_propose_change(state: dict[str, Any]) -> Literal[
        "review_actions", "route_request", "wait_out_throttle", "answer_request",
        "propose_change", "__end__"]:
    """Show the proposal's card; re-read the request after an answer; end with nothing to do.

    Nothing to do on a combined request's ask goes on to its next later ask (`next_ask`).
    """
    if state.get("throttle"):
        return "wait_out_throttle"
    phase = _phase(state, "propose_change")
    if phase == "next_ask":
        return _next_ask(state)
    if phase == "decided":
        return "review_actions"
    if phase == "clarified":
        return "route_request"
    if phase == "nothing_to_do":
        return "__end__"
    raise RoutingError(f"route_after_propose_change: unexpected phase {phase!r}")


def after_apply_actions(route_after_apply_actions: Any) -> Any:
    """Return the loop's router after `apply_actions`, sending a request's `next_ask` on.

    A request card followed by a later ask of the same request goes on to that ask's node
    (`agents/optimize/oneoff/chain.py`); anything else is the loop's own routing.
    """
    def route_after_apply_actions_or_next_ask(state: dict[str, Any]) -> Literal[
            "wait_for_data", "wait_out_throttle", "answer_request", "propose_change", "__end__"]:
        if state.get("phase") == "next_ask" and not state.get("throttle"):
            return _next_ask(state)
        return route_after_apply_actions(state)  # type: ignore[no-any-return]

    return route_after_apply_actions_or_next_ask


def route_after_adopt_campaign(
    state: dict[str, Any], runtime: Any = None
) -> Literal["wait_for_data", "wait_out_throttle", "__end__"]:
    """Enter the optimise loop's first timer; end when the gate refused or the id was wrong."""
    if state.get("throttle"):
        return "wait_out_throttle"
    phase = _phase(state, "adopt_campaign")
    if phase in ("refused", "unsupported"):
        return "__end__"
    if phase != "adopted":
        raise RoutingError(f"route_after_adopt_campaign: unexpected phase {phase!r}")
    return "wait_for_data" if _loop_runs(runtime) else "__end__"
