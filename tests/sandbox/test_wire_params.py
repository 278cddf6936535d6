"""Structured parameters in the single-quoted spelling Meta's lenient parser accepts, over HTTP.

`breakdowns=['age']`, `effective_status=['ACTIVE']`, `filtering=[{'field':...}]`,
`targeting={'geo_locations':...}` read exactly like their JSON spelling; a malformed value still
gets code 100 naming the parameter, and nothing in it is evaluated.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from sandbox.fixtures import build_tree
from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN
from tests.sandbox.conftest import Tree, adset_params

RANGE = "{'since':'2026-03-02','until':'2026-03-11'}"
RANGE_JSON = '{"since":"2026-03-02","until":"2026-03-11"}'


def get(sb: SandboxServer, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    resp = requests.get(
        f"{sb.url}/v26.0/{path}", params={"access_token": SANDBOX_TOKEN, **params}, timeout=30
    )
    return resp.status_code, resp.json()


@pytest.fixture(scope="module")
def delivered(sandbox_module: SandboxServer) -> SandboxServer:
    """The shared sandbox with 1 campaign x 3 ad sets x 3 ads and 10 days of delivery."""
    assert sandbox_module.store is not None
    build_tree(sandbox_module.store)
    sandbox_module.admin("POST", "/__sandbox__/clock/advance", {"days": 10})
    return sandbox_module


@pytest.mark.parametrize(
    ("quoted", "as_json"),
    [
        ("['age']", '["age"]'),
        ("['age','gender']", '["age","gender"]'),
        ("[ 'publisher_platform' ]", '["publisher_platform"]'),
    ],
)
def test_insights_breakdowns_single_quoted(
    delivered: SandboxServer, quoted: str, as_json: str
) -> None:
    act = delivered.account_id
    fields = "impressions,spend"
    status, rows = get(
        delivered, f"{act}/insights", fields=fields, breakdowns=quoted, time_range=RANGE
    )
    assert status == 200, rows
    _, want = get(
        delivered, f"{act}/insights", fields=fields, breakdowns=as_json, time_range=RANGE_JSON
    )
    assert rows["data"] == want["data"] and len(rows["data"]) > 1
    key = json.loads(as_json)[0]
    assert all(key in r for r in rows["data"])


def test_bare_word_lists_read_as_strings(delivered: SandboxServer) -> None:
    """`[action_type]` (meta-ads-mcp's spelling, which Meta answers) reads as `["action_type"]`."""
    act = delivered.account_id
    fields = "actions"
    status, bare = get(delivered, f"{act}/insights", fields=fields, time_range=RANGE_JSON,
                       action_breakdowns="[action_type]")
    assert status == 200, bare
    _, want = get(delivered, f"{act}/insights", fields=fields, time_range=RANGE_JSON,
                  action_breakdowns='["action_type"]')
    assert bare["data"] == want["data"] and bare["data"][0]["actions"]
    status, listed = get(delivered, f"{act}/campaigns", effective_status="[ACTIVE, PAUSED]")
    _, as_json = get(delivered, f"{act}/campaigns", effective_status='["ACTIVE","PAUSED"]')
    assert status == 200 and listed["data"] == as_json["data"] and listed["data"]


def test_insights_filtering_and_fields_single_quoted(delivered: SandboxServer) -> None:
    act = delivered.account_id
    _, ads = get(delivered, f"{act}/ads", fields="id", limit=100)
    first_two = [a["id"] for a in ads["data"]][:2]
    rule = "[{'field':'ad.id','operator':'IN','value':['" + "','".join(first_two) + "']}]"
    status, rows = get(
        delivered,
        f"{act}/insights",
        fields="['ad_id','impressions']",
        level="ad",
        filtering=rule,
        time_range=RANGE,
    )
    assert status == 200, rows
    assert sorted(r["ad_id"] for r in rows["data"]) == sorted(first_two)
    assert all(set(r) >= {"ad_id", "impressions"} for r in rows["data"])


def test_list_edge_effective_status_and_filtering_single_quoted(tree: Tree) -> None:
    sb, act = tree.sandbox, tree.sandbox.account_id
    quoted = get(sb, f"{act}/campaigns", fields="name", effective_status="['PAUSED','ACTIVE']")[1]
    as_json = get(sb, f"{act}/campaigns", fields="name", effective_status='["PAUSED","ACTIVE"]')[1]
    assert quoted["data"] == as_json["data"] == [{"id": tree.campaign_id, "name": "Spring Sale"}]
    assert get(sb, f"{act}/campaigns", effective_status="['ACTIVE']")[1]["data"] == []
    rule = "[{'field':'campaign.name','operator':'IN','value':['Spring Sale']}]"
    status, body = get(sb, f"{act}/campaigns", fields="name", filtering=rule)
    assert status == 200 and [c["id"] for c in body["data"]] == [tree.campaign_id]
    miss = "[{'field':'name','operator':'EQUAL','value':'Nope'}]"
    assert get(sb, f"{act}/campaigns", filtering=miss)[1]["data"] == []


def test_object_parameters_single_quoted_on_create(tree: Tree) -> None:
    sb, act = tree.sandbox, tree.sandbox.account_id
    form = {
        k: json.dumps(v) if isinstance(v, dict | list) else v
        for k, v in adset_params(tree.campaign_id, tree.pixel_id, name="Quoted").items()
    }
    form["targeting"] = (
        "{'geo_locations':{'countries':['US']},'age_min':25,'age_max':44,"
        "'publisher_platforms':['facebook','instagram']}"
    )
    form["promoted_object"] = f"{{'pixel_id':'{tree.pixel_id}','custom_event_type':'PURCHASE'}}"
    resp = requests.post(
        f"{sb.url}/v26.0/{act}/adsets", data={**form, "access_token": SANDBOX_TOKEN}, timeout=30
    )
    assert resp.status_code == 200, resp.text
    _, got = get(sb, resp.json()["id"], fields="targeting,promoted_object")
    assert got["targeting"]["geo_locations"] == {"countries": ["US"]}
    assert got["targeting"]["publisher_platforms"] == ["facebook", "instagram"]
    assert got["promoted_object"] == {"pixel_id": tree.pixel_id, "custom_event_type": "PURCHASE"}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("effective_status", "['ACTIVE'"),
        ("effective_status", "[ACTIVE"),
        ("effective_status", "[ACTIVE PAUSED]"),
        ("filtering", "[{'field': name}]"),
        ("filtering", "[{'field':'name','operator':'IN','value':__import__('os').getcwd()}]"),
        ("effective_status", "['A' + 'B']"),
        ("effective_status", "[b'ACTIVE']"),
    ],
)
def test_malformed_values_are_refused_naming_the_parameter(
    tree: Tree, name: str, value: str
) -> None:
    status, body = get(tree.sandbox, f"{tree.sandbox.account_id}/campaigns", **{name: value})
    err = body["error"]
    assert status == 400 and err["code"] == 100
    assert err["message"] == "(#100) Invalid parameter"
    assert err["error_data"]["blame_field_specs"] == [[name]]
    assert f"The parameter {name} is not valid JSON" in err["error_user_msg"]


def test_malformed_breakdowns_on_insights(delivered: SandboxServer) -> None:
    status, body = get(
        delivered,
        f"{delivered.account_id}/insights",
        fields="impressions",
        breakdowns="[().__class__]",
        time_range=RANGE,
    )
    assert status == 400 and body["error"]["code"] == 100
    assert body["error"]["error_data"]["blame_field_specs"] == [["breakdowns"]]


def test_batch_parameter_single_quoted(tree: Tree) -> None:
    sb, act = tree.sandbox, tree.sandbox.account_id
    batch = (
        "[{'method':'GET','relative_url':'" + act + "/campaigns?fields=name'},"
        " {'method':'GET','relative_url':'" + tree.adset_id + "?fields=name'}]"
    )
    resp = requests.post(
        f"{sb.url}/v26.0/", data={"batch": batch, "access_token": SANDBOX_TOKEN}, timeout=30
    )
    items = resp.json()
    assert resp.status_code == 200 and [i["code"] for i in items] == [200, 200]
    assert json.loads(items[0]["body"])["data"][0]["name"] == "Spring Sale"
    assert json.loads(items[1]["body"])["name"] == "US 25-44"
