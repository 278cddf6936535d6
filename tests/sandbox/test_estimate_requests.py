"""Delivery and reach estimates as clients call them: Meta's response shapes, the forms `targeting_spec` arrives in, Meta's refusals."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from sandbox.server import SandboxServer
from tests.sandbox.conftest import Tree

US = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 54}
ESTIMATE_FIELDS = {"daily_outcomes_curve", "estimate_dau", "estimate_mau_lower_bound",
                   "estimate_mau_upper_bound", "estimate_ready", "targeting_optimization_types"}


def call(api: FacebookAdsApi, sandbox: SandboxServer, edge: str, **params: Any) -> Any:
    """GET /act_<id>/<edge> with params passed through as given (strings stay strings)."""
    return api.call("GET", (sandbox.account_id, edge), params).json()


def refusal(api: FacebookAdsApi, sandbox: SandboxServer, edge: str, **params: Any) -> Any:
    with pytest.raises(FacebookRequestError) as info:
        call(api, sandbox, edge, **params)
    return info.value.body()["error"]


def test_delivery_estimate_has_metas_shape(sandbox: SandboxServer, fb_api: FacebookAdsApi) -> None:
    body = call(fb_api, sandbox, "delivery_estimate", targeting_spec=json.dumps(US),
                optimization_goal="LINK_CLICKS")
    assert len(body["data"]) == 1
    row = body["data"][0]
    assert set(row) == ESTIMATE_FIELDS
    assert row["estimate_ready"] is True and row["targeting_optimization_types"] == []
    for key in ("estimate_dau", "estimate_mau_lower_bound", "estimate_mau_upper_bound"):
        assert isinstance(row[key], int), key
    assert 0 < row["estimate_dau"] < row["estimate_mau_lower_bound"] <= row["estimate_mau_upper_bound"]
    curve = row["daily_outcomes_curve"]
    assert curve[0] == {"spend": 0, "reach": 0, "impressions": 0, "actions": 0}
    assert all(set(p) == {"spend", "reach", "impressions", "actions"} for p in curve)
    assert all(isinstance(p["spend"], int) for p in curve)  # minor units, as Meta's `spend`
    assert curve[-1]["actions"] > 0 and curve[-1]["impressions"] >= curve[-1]["reach"]


def test_reach_estimate_has_metas_shape(sandbox: SandboxServer, fb_api: FacebookAdsApi) -> None:
    body = call(fb_api, sandbox, "reachestimate", targeting_spec=json.dumps(US))
    data = body["data"]  # one object, not a list, as Meta answers this edge
    assert set(data) == {"users_lower_bound", "users_upper_bound", "estimate_ready"}
    assert data["estimate_ready"] is True
    assert isinstance(data["users_lower_bound"], int)
    assert 1_000_000 < data["users_lower_bound"] < data["users_upper_bound"]
    mau = call(fb_api, sandbox, "delivery_estimate", targeting_spec=json.dumps(US),
               optimization_goal="REACH")["data"][0]
    assert (data["users_lower_bound"], data["users_upper_bound"]) == (
        mau["estimate_mau_lower_bound"], mau["estimate_mau_upper_bound"])


def test_targeting_spec_in_the_forms_clients_send(sandbox: SandboxServer,
                                                  fb_api: FacebookAdsApi) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    by_sdk = dict(list(acct.get_delivery_estimate(params={
        "targeting_spec": US, "optimization_goal": "REACH"}))[0])  # the SDK's compact JSON
    pretty = json.dumps(US, indent=2)  # a hand-written, multi-line spec (Meta's curl example)
    by_text = call(fb_api, sandbox, "delivery_estimate", targeting_spec=pretty,
                   optimization_goal="REACH")["data"][0]
    assert by_text == by_sdk
    url = (f"{sandbox.account_id}/delivery_estimate?optimization_goal=REACH"
           f"&targeting_spec={quote(json.dumps(US))}")
    batch = fb_api.call("POST", (), {"batch": json.dumps(
        [{"method": "GET", "relative_url": url}])}).json()
    assert batch[0]["code"] == 200
    assert json.loads(batch[0]["body"])["data"][0] == by_sdk
    reach = call(fb_api, sandbox, "reachestimate", targeting_spec=pretty)["data"]
    assert reach["users_upper_bound"] == by_sdk["estimate_mau_upper_bound"]


def test_a_real_city_key_is_estimated(sandbox: SandboxServer, fb_api: FacebookAdsApi) -> None:
    city = {**US, "geo_locations": {"cities": [{"key": "2490299", "radius": 10,
                                                 "distance_unit": "mile"}]}}
    new_york = call(fb_api, sandbox, "reachestimate", targeting_spec=json.dumps(city))["data"]
    country = call(fb_api, sandbox, "reachestimate", targeting_spec=json.dumps(US))["data"]
    assert 0 < new_york["users_upper_bound"] < country["users_lower_bound"]


@pytest.mark.parametrize(
    ("params", "code", "says"),
    [
        ({"targeting_spec": json.dumps(US)}, 100, "optimization_goal is required"),
        ({"targeting_spec": json.dumps(US), "optimization_goal": "CHEAP_CLICKS"}, 100,
         "optimization_goal must be one of"),
        ({"optimization_goal": "REACH"}, 100, "targeting_spec is required"),
        ({"targeting_spec": "{geo_locations: US}", "optimization_goal": "REACH"}, 100,
         "targeting_spec is not valid JSON"),
        ({"targeting_spec": '["US"]', "optimization_goal": "REACH"}, 100,
         "targeting_spec must be a JSON object"),
        ({"targeting_spec": '{"age_min": 20}', "optimization_goal": "REACH"}, 100,
         "needs a location"),
        ({"targeting_spec": '{"geo_locations": {"cities": [{"key": "2421686"}]}}',
          "optimization_goal": "REACH"}, 100, "'2421686' is not a known location"),
        ({"targeting_spec": '{"geo_locations": {"countries": ["US"]}, "age_min": 10}',
          "optimization_goal": "REACH"}, 100, "age"),
        ({"targeting_spec": '{"geo_locations": {"countries": ["IR"]}}',
          "optimization_goal": "REACH"}, 2641, "cannot include or exclude IR"),
        ({"targeting_spec": json.dumps({**US, "excluded_geo_locations": {"countries": ["CU"]}}),
          "optimization_goal": "REACH"}, 2641, "cannot include or exclude CU"),
        ({"targeting_spec": json.dumps(US), "optimization_goal": "REACH",
          "promoted_object": "{pixel_id: 1}"}, 100, "promoted_object is not valid JSON"),
    ],
)
def test_delivery_estimate_refusals(sandbox_module: SandboxServer, params: dict[str, Any],
                                    code: int, says: str) -> None:
    from sandbox.testing import make_api

    err = refusal(make_api(sandbox_module.url), sandbox_module, "delivery_estimate", **params)
    assert err["code"] == code and says in err["error_user_msg"], err
    if code == 2641:
        assert err["message"] == ("(#2641) Your ad includes or excludes locations that are "
                                  "currently restricted")


def test_reach_estimate_refusals(sandbox: SandboxServer, fb_api: FacebookAdsApi) -> None:
    assert refusal(fb_api, sandbox, "reachestimate")["code"] == 100
    err = refusal(fb_api, sandbox, "reachestimate",
                  targeting_spec='{"geo_locations": {"countries": ["KP"]}}')
    assert err["code"] == 2641
    err = refusal(fb_api, sandbox, "reachestimate", targeting_spec='{"genders": [1]}')
    assert err["code"] == 100 and err["error_user_title"] == "Location Required"


def test_adset_estimate_shape_and_goal(tree: Tree) -> None:
    adset = AdSet(tree.adset_id, api=tree.api)
    own = dict(list(adset.get_delivery_estimate())[0])
    assert set(own) == ESTIMATE_FIELDS
    clicks = dict(list(adset.get_delivery_estimate(params={
        "optimization_goal": "LINK_CLICKS"}))[0])
    assert clicks["daily_outcomes_curve"][-1]["actions"] > own["daily_outcomes_curve"][-1]["actions"]
    with pytest.raises(FacebookRequestError) as info:
        tree.api.call("GET", (tree.adset_id, "delivery_estimate"),
                      {"optimization_goal": "CHEAP_CLICKS"})
    assert info.value.api_error_code() == 100
