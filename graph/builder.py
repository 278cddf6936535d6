"""Wiring only: the adpilot graph of docs/design.md §1 (router, launch path, optimise loop).

Meta throttling is explicit in the wiring: a node Meta throttles for longer than the client
may sleep returns a wait record (`agents.common.yields_on_throttle`), its router sends the
thread to `wait_out_throttle` (a durable `wait` interrupt), and that node goes back to the
throttled one (`agents/common/throttle.py`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from langgraph.graph import START

from graph.routing import (
    after_apply_actions,
    route_after_activate,
    route_after_adopt_campaign,
    route_after_answer_request,
    route_after_create_ads,
    route_after_create_campaigns,
    route_after_plan_campaign,
    route_after_propose_change,
    route_after_review_activation,
    route_after_review_plan,
    route_after_route_request,
    route_after_upload_assets,
    route_after_validate_plan,
)
from graph.trace_nodes import traced_state_graph  # tags each node's trace run with its agent
from state.context import Context
from state.schema import AdpilotState, InputState, OutputState

# The nodes that may be throttled: `wait_out_throttle` goes back to the one its record names.
LAUNCH_THROTTLED = ("validate_plan", "upload_assets", "create_campaigns", "create_ads", "activate")
LOOP_THROTTLED = ("collect_insights", "decide_actions", "apply_actions")
REQUEST_THROTTLED = ("answer_request", "propose_change", "adopt_campaign")


def _agents() -> SimpleNamespace:
    """Import the node functions, the loop's routers and the retry policies from the agents."""
    from agents.ads.nodes import create_ads
    from agents.assets.nodes import upload_assets
    from agents.campaigns.activation import review_activation
    from agents.campaigns.nodes import activate, create_campaigns
    from agents.common import META_RETRY, halts_when_stopped
    from agents.common.throttle import RECONCILING_RETRY, wait_out_throttle
    from agents.insights.ask import answer_request
    from agents.insights.collect import collect_insights
    from agents.optimize import nodes as optimize
    from agents.optimize.oneoff.nodes import adopt_campaign, propose_change
    from agents.orchestrator.approval import review_plan
    from agents.orchestrator.nodes import plan_campaign, validate_plan
    from agents.orchestrator.requests import route_request

    return SimpleNamespace(
        route_request=route_request, answer_request=answer_request,
        propose_change=propose_change, adopt_campaign=adopt_campaign,
        plan_campaign=plan_campaign, validate_plan=validate_plan, review_plan=review_plan,
        upload_assets=upload_assets, create_campaigns=create_campaigns, create_ads=create_ads,
        activate=activate, review_activation=review_activation,
        wait_out_throttle=wait_out_throttle, wait_for_data=optimize.wait_for_data,
        collect_insights=collect_insights, decide_actions=optimize.decide_actions,
        review_actions=optimize.review_actions, apply_actions=optimize.apply_actions,
        route_after_collect_insights=optimize.route_after_collect_insights,
        route_after_decide_actions=optimize.route_after_decide_actions,
        route_after_apply_actions=optimize.route_after_apply_actions,
        META_RETRY=META_RETRY, RECONCILING_RETRY=RECONCILING_RETRY,
        halts_when_stopped=halts_when_stopped)


def _never_runs(state: AdpilotState) -> dict[str, Any]:
    """Refuse to run: a reading graph's node is there for the wiring only."""
    raise RuntimeError("a graph built with reading=True runs no node; build it without")


def _reading() -> SimpleNamespace:
    """`_agents()`' names, none of them imported: every node and router `_never_runs`."""
    names = dict.fromkeys(("route_request", "answer_request", "propose_change", "adopt_campaign",
                           "plan_campaign", "validate_plan", "review_plan", "upload_assets",
                           "create_campaigns", "create_ads", "activate", "review_activation",
                           "wait_out_throttle", "wait_for_data", "collect_insights",
                           "decide_actions", "review_actions", "apply_actions",
                           "route_after_collect_insights", "route_after_decide_actions",
                           "route_after_apply_actions"), _never_runs)
    return SimpleNamespace(**names, META_RETRY=None, RECONCILING_RETRY=None,
                           halts_when_stopped=lambda fn, **_kw: fn)


def build_graph(checkpointer: Any = None, *, context_schema: type[Context] = Context,
                reading: bool = False) -> Any:
    """Compile the adpilot graph, optionally with a checkpointer (the runner passes SQLite).

    `context_schema` is `Context`; LangGraph Server uses `graph.server.ServerContext`.
    `reading=True` compiles the same nodes, edges and channels with nodes that never run:
    enough to read a thread's checkpoints (`status`, `trace`, `plan --export`, `audit`)
    without importing the agents, which is most of such a command's start-up time.
    """
    a = _reading() if reading else _agents()
    g = traced_state_graph()(AdpilotState, context_schema=context_schema,
                             input_schema=InputState, output_schema=OutputState)
    g.add_node("route_request", a.route_request, retry_policy=a.META_RETRY)
    g.add_node("answer_request", a.answer_request, retry_policy=a.META_RETRY)
    g.add_node("propose_change", a.propose_change, retry_policy=a.META_RETRY)
    g.add_node("adopt_campaign", a.adopt_campaign, retry_policy=a.META_RETRY)
    g.add_node("plan_campaign", a.plan_campaign, retry_policy=a.META_RETRY)
    g.add_node("validate_plan", a.validate_plan, retry_policy=a.META_RETRY)
    g.add_node("review_plan", a.review_plan)
    # Write nodes re-run idempotently, so an unknown outcome is retried (it reconciles first).
    # A thread the kill switch stopped ends at the next one (phase `stopped`), writing nothing.
    g.add_node("upload_assets", a.halts_when_stopped(a.upload_assets), retry_policy=a.RECONCILING_RETRY)
    g.add_node("create_campaigns", a.halts_when_stopped(a.create_campaigns), retry_policy=a.RECONCILING_RETRY)
    g.add_node("create_ads", a.halts_when_stopped(a.create_ads), retry_policy=a.RECONCILING_RETRY)
    g.add_node("activate", a.halts_when_stopped(a.activate), retry_policy=a.RECONCILING_RETRY)
    g.add_node("review_activation", a.halts_when_stopped(a.review_activation))
    g.add_node("wait_out_throttle", a.wait_out_throttle, destinations=LAUNCH_THROTTLED + LOOP_THROTTLED + REQUEST_THROTTLED)

    # Every thread starts at the orchestrator's router: a brief plans (the launch path), a
    # request is answered (a question) or proposed on a card, `watch` adopts a campaign.
    g.add_edge(START, "route_request")
    g.add_conditional_edges("route_request", route_after_route_request)
    g.add_conditional_edges("answer_request", route_after_answer_request)  # read-only: then END
    g.add_conditional_edges("propose_change", route_after_propose_change)  # the loop's card
    g.add_conditional_edges("adopt_campaign", route_after_adopt_campaign)  # into the loop
    g.add_conditional_edges("plan_campaign", route_after_plan_campaign)  # plan, ask again, or stop
    g.add_conditional_edges("validate_plan", route_after_validate_plan)  # only checked plans reach a human
    g.add_conditional_edges("review_plan", route_after_review_plan)  # approve / edit / reject
    g.add_conditional_edges("upload_assets", route_after_upload_assets)  # creatives need the image hashes
    g.add_conditional_edges("create_campaigns", route_after_create_campaigns)  # ads need their ad sets
    g.add_conditional_edges("create_ads", route_after_create_ads)  # go live only once the tree exists (or stop)

    g.add_node("wait_for_data", a.wait_for_data)
    g.add_node("collect_insights", a.collect_insights, retry_policy=a.META_RETRY)
    g.add_node("decide_actions", a.decide_actions, retry_policy=a.META_RETRY)
    g.add_node("review_actions", a.review_actions)
    # apply_actions' absolute-value writes re-run safely after an unknown outcome.
    g.add_node("apply_actions", a.halts_when_stopped(a.apply_actions, check_first=False),
               retry_policy=a.RECONCILING_RETRY)
    g.add_conditional_edges("activate", route_after_activate)  # let the campaign deliver first, or ask to switch it on
    g.add_conditional_edges("review_activation", route_after_review_activation)  # a paused launch: its own card
    g.add_edge("wait_for_data", "collect_insights")  # a durable timer, then fresh numbers
    g.add_conditional_edges("collect_insights", a.route_after_collect_insights)  # numbers in, proposals out
    g.add_conditional_edges("decide_actions", a.route_after_decide_actions)  # review, wait, or stop
    g.add_edge("review_actions", "apply_actions")  # only approved actions are applied
    g.add_conditional_edges("apply_actions", after_apply_actions(a.route_after_apply_actions))  # next cycle, a request's next ask, or stop
    return g.compile(checkpointer=checkpointer, name="adpilot")
