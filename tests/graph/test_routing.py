import pytest
from langgraph.graph import END

from graph.routing import (
    RoutingError,
    route_after_activate,
    route_after_create_ads,
    route_after_create_campaigns,
    route_after_plan_campaign,
    route_after_review_plan,
    route_after_upload_assets,
    route_after_validate_plan,
    route_after_wait_out_throttle,
)

WAIT = {"until": "2030-01-01T00:00:00+00:00", "reason": "throttled", "node": "x"}

CASES = [
    (route_after_plan_campaign, {"phase": "planned"}, "validate_plan"),
    (route_after_plan_campaign, {"phase": "clarified"}, "plan_campaign"),
    (route_after_plan_campaign, {"phase": "unplannable"}, END),
    (route_after_validate_plan, {"phase": "validated"}, "review_plan"),
    (route_after_validate_plan, {"phase": "invalid"}, END),
    (route_after_validate_plan, {"phase": "invalid", "revision": 1}, "review_plan"),
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
    (route_after_activate, {"phase": "launched_paused"}, "wait_for_data"),
    (route_after_activate, {"phase": "ads_created", "throttle": WAIT}, "wait_out_throttle"),
    (route_after_wait_out_throttle, {"phase": "planned"}, "validate_plan"),
    (route_after_wait_out_throttle, {"phase": "approved"}, "upload_assets"),
    (route_after_wait_out_throttle, {"phase": "assets_uploaded"}, "create_campaigns"),
    (route_after_wait_out_throttle, {"phase": "campaigns_created"}, "create_ads"),
    (route_after_wait_out_throttle, {"phase": "ads_created"}, "activate"),
]


@pytest.mark.parametrize(("router", "state", "expected"), CASES)
def test_router_destination(router, state, expected):
    assert router(state) == expected


@pytest.mark.parametrize("router", [route_after_plan_campaign, route_after_validate_plan,
                                    route_after_review_plan, route_after_upload_assets,
                                    route_after_create_campaigns, route_after_create_ads,
                                    route_after_activate, route_after_wait_out_throttle])
@pytest.mark.parametrize("state", [{}, {"phase": None}, {"phase": "launched"}, {"phase": "bogus"}])
def test_router_refuses_impossible_states(router, state):
    with pytest.raises(RoutingError, match=router.__name__):
        router(state)
