import pytest
from langgraph.graph import END

from graph.routing import (
    RoutingError,
    route_after_activate,
    route_after_create_ads,
    route_after_create_campaigns,
    route_after_plan_campaign,
    route_after_review_activation,
    route_after_review_plan,
    route_after_upload_assets,
    route_after_validate_plan,
)

WAIT = {"until": "2030-01-01T00:00:00+00:00", "reason": "throttled", "node": "x"}

CASES = [
    (route_after_plan_campaign, {"phase": "planned"}, "validate_plan"),
    (route_after_plan_campaign, {"phase": "clarified"}, "plan_campaign"),
    (route_after_plan_campaign, {"phase": "unplannable"}, END),
    (route_after_validate_plan, {"phase": "validated"}, "review_plan"),
    (route_after_validate_plan, {"phase": "invalid"}, END),
    (route_after_validate_plan, {"phase": "invalid", "revision": 1}, "review_plan"),
    (route_after_validate_plan, {"phase": "edit_refused", "revision": 1}, "review_plan"),
    (route_after_review_plan, {"phase": "approved"}, "upload_assets"),
    (route_after_review_plan, {"phase": "edited"}, "validate_plan"),
    (route_after_review_plan, {"phase": "rejected"}, END),
    (route_after_validate_plan, {"phase": "planned", "throttle": WAIT}, "wait_out_throttle"),
    (route_after_upload_assets, {"phase": "assets_uploaded"}, "create_campaigns"),
    (route_after_upload_assets, {"phase": "approved", "throttle": WAIT}, "wait_out_throttle"),
    (route_after_create_campaigns, {"phase": "campaigns_created"}, "create_ads"),
    (route_after_create_campaigns, {"phase": "assets_uploaded", "throttle": WAIT}, "wait_out_throttle"),
    (route_after_create_ads, {"phase": "ads_created"}, "activate"),
    (route_after_activate, {"phase": "live"}, "wait_for_data"),
    (route_after_activate, {"phase": "launched_paused"}, "review_activation"),
    (route_after_review_activation, {"phase": "activation_approved"}, "activate"),
    (route_after_review_activation, {"phase": "activation_rejected"}, END),
    (route_after_review_activation, {"phase": "stopped"}, END),
    (route_after_activate, {"phase": "ads_created", "throttle": WAIT}, "wait_out_throttle"),
]


@pytest.mark.parametrize(("router", "state", "expected"), CASES)
def test_router_destination(router, state, expected):
    assert router(state) == expected


@pytest.mark.parametrize(("phase", "node"), [
    ("planned", "validate_plan"), ("edited", "validate_plan"), ("approved", "upload_assets"),
    ("assets_uploaded", "create_campaigns"), ("campaigns_created", "create_ads"),
    ("ads_created", "activate"), ("collecting", "collect_insights"),
    ("collecting", "decide_actions"), ("reviewed", "apply_actions")])
def test_a_throttle_wait_goes_back_to_the_throttled_node(monkeypatch, phase, node):
    from agents.common import ask, throttle

    asked = []
    monkeypatch.setattr(ask, "interrupt", asked.append)
    record = {**WAIT, "kind": "wait", "node": node}
    command = throttle.wait_out_throttle({"phase": phase, "throttle": record})
    assert command.goto == node
    assert command.update == {"throttle": None, "status": "throttle wait over; retrying"}
    assert [a["kind"] for a in asked] == ["wait"] and asked[0]["node"] == node


@pytest.mark.parametrize("state", [{}, {"phase": "approved"}, {"phase": "approved", "throttle": None}])
def test_a_throttle_wait_without_a_record_is_a_bug(state):
    from agents.common.throttle import wait_out_throttle

    with pytest.raises(RuntimeError, match="wait_out_throttle"):
        wait_out_throttle(state)


@pytest.mark.parametrize("router", [route_after_plan_campaign, route_after_validate_plan,
                                    route_after_review_plan, route_after_upload_assets,
                                    route_after_create_campaigns, route_after_create_ads,
                                    route_after_activate])
@pytest.mark.parametrize("state", [{}, {"phase": None}, {"phase": "launched"}, {"phase": "bogus"}])
def test_router_refuses_impossible_states(router, state):
    with pytest.raises(RoutingError, match=router.__name__):
        router(state)


class _Runtime:
    """What LangGraph injects into a router: only `context` is read."""

    def __init__(self, **context):
        from state.context import Context

        self.context = Context(**context)


# max_cycles is a limit a person sets: 0 ends the thread right after launch (live or paused,
# no activation card); no limit (the default) runs the loop until the campaign ends.
LOOP_BOUND_CASES = [
    ({"phase": "live"}, {"max_cycles": 0}, END),
    ({"phase": "launched_paused"}, {"max_cycles": 0}, END),
    ({"phase": "live"}, {"max_cycles": 1}, "wait_for_data"),
    ({"phase": "live"}, {"max_cycles": 5}, "wait_for_data"),
    ({"phase": "live"}, {}, "wait_for_data"),
    ({"phase": "launched_paused"}, {}, "review_activation"),
    ({"phase": "ads_created", "throttle": WAIT}, {"max_cycles": 0}, "wait_out_throttle"),
]


@pytest.mark.parametrize(("state", "context", "expected"), LOOP_BOUND_CASES)
def test_route_after_activate_respects_max_cycles(state, context, expected):
    assert route_after_activate(state, _Runtime(**context)) == expected


OPTIMIZE_ROUTE_CASES = [
    ("decide", {"phase": "decided", "proposed_actions": [{"name": "pause_ad"}]}, "review_actions"),
    ("decide", {"phase": "decided", "proposed_actions": [], "optimize": {"done": False}}, "wait_for_data"),
    ("decide", {"phase": "decided", "proposed_actions": [], "optimize": {"done": True}}, END),
    ("apply", {"phase": "applied", "optimize": {"done": False}}, "wait_for_data"),
    ("apply", {"phase": "applied", "optimize": {"done": True}}, END),
    ("collect", {"phase": "collecting"}, "decide_actions"),
    ("collect", {"phase": "collecting", "throttle": WAIT}, "wait_out_throttle"),
    ("decide", {"phase": "collecting", "throttle": WAIT}, "wait_out_throttle"),
    ("apply", {"phase": "reviewed", "throttle": WAIT}, "wait_out_throttle"),
]


@pytest.mark.parametrize(("which", "state", "expected"), OPTIMIZE_ROUTE_CASES)
def test_optimise_routers_stop_at_the_bound(which, state, expected):
    from agents.optimize import nodes as optimize

    router = {"collect": optimize.route_after_collect_insights,
              "decide": optimize.route_after_decide_actions, "apply": optimize.route_after_apply_actions}
    assert router[which](state) == expected


@pytest.mark.parametrize(("cycle", "limit", "now", "end", "stopped", "why"), [
    (1, 3, "2026-03-01T10:00", None, None, None),
    (3, 3, "2026-03-01T10:00", None, None, "limit"),
    (1, 1, "2026-03-01T10:00", None, None, "limit"),
    (50, None, "2026-03-01T10:00", None, None, None),  # no limit, no end: it goes on
    (1, None, "2026-03-10T00:00", "2026-03-09T23:59", None, "ended"),  # the campaign has ended
    (1, 3, "2026-03-09T10:00", "2026-03-09T23:59", None, None),  # its last day still counts
    (1, None, "2026-03-01T10:00", None, "2026-03-01T09:00:00+00:00", "stopped"),
    (1, None, "2026-03-01T10:00", "DELETED", None, "ended"),  # deleted on Meta: it delivers no more
])
def test_the_loop_ends_with_the_campaign_when_stopped_or_at_a_person_s_limit(cycle, limit, now, end,
                                                                             stopped, why):
    from datetime import datetime

    from agents.optimize.schedule import Flight, loop_end, when

    gone = end if end in ("DELETED", "ARCHIVED") else None
    flight = Flight(created=None, start=None, status=gone,
                    end=when(f"{end}+00:00") if end and not gone else None)
    got = loop_end({}, _Runtime(max_cycles=limit).context, cycle,
                   datetime.fromisoformat(f"{now}+00:00"), flight, stopped)
    assert (got[0] if got else None) == why
    if why == "limit":
        assert f"limit of {limit} cycle(s)" in got[1]
    if why == "ended":
        assert ("is DELETED on Meta" if gone else "ended on 2026-03-09") in got[1]


def test_a_limit_recorded_on_the_thread_holds_when_the_run_sets_none():
    from agents.optimize.schedule import loop_limit

    assert loop_limit({"max_cycles": 2}, _Runtime().context) == 2
    assert loop_limit({"max_cycles": 2}, _Runtime(max_cycles=5).context) == 5
    assert loop_limit({}, _Runtime().context) is None


def test_max_cycles_zero_ends_the_compiled_graph_after_launch(launch_context, sample_images, tmp_path):
    """Through the real graph on the sandbox: no wait_for_data ever runs at max_cycles=0."""
    import dataclasses

    from langgraph.types import Command

    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from tests.launchkit import APPROVE, plan_for

    ctx = dataclasses.replace(launch_context, max_cycles=0)
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        cfg = {"configurable": {"thread_id": "z"}}
        graph.invoke({"brief": "Trail shoes", "plan": plan_for(ctx, sample_images)}, cfg, context=ctx)
        assert graph.get_state(cfg).tasks[0].interrupts[0].value["kind"] == "approval"
        graph.invoke(Command(resume=APPROVE), cfg, context=ctx)
        snap = graph.get_state(cfg)
        assert snap.values["phase"] in ("live", "launched_paused") and not snap.next
        assert not snap.values.get("cycle")
