"""Graph batch: dependencies by name and JSONPath, attached files, failures, limits."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.exceptions import FacebookRequestError

from sandbox.batch import jsonpath
from tests.sandbox.conftest import (
    adset_params,
    campaign_params,
    form,
    link_creative_params,
    png_bytes,
)


def run(api: Any, items: list[dict[str, Any]], files: dict[str, Any] | None = None) -> list[Any]:
    return api.call("POST", (), {"batch": json.dumps(items)}, files=files).json()


def test_jsonpath_subset() -> None:
    doc = {
        "id": "1",
        "a": {"b": 2},
        "data": [{"id": "x"}, {"id": "y"}],
        "images": {"f.png": {"hash": "h"}},
    }
    assert jsonpath(doc, "$.id") == ["1"]
    assert jsonpath(doc, "$.a.b") == [2]
    assert jsonpath(doc, "$.data.*.id") == ["x", "y"]
    assert jsonpath(doc, "$.images.*.hash") == ["h"]
    assert jsonpath(doc, "$.data.1.id") == ["y"]
    assert jsonpath(doc, "$.missing") == []


def test_whole_tree_in_one_round_trip(sandbox: Any, fb_api: Any) -> None:
    act = sandbox.account_id
    store = sandbox.store
    page, pixel = store.list_objects("page")[0]["id"], store.list_objects("adspixel")[0]["id"]
    creative = link_creative_params(page, "{result=img:$.images.*.hash}")
    items = [
        {
            "method": "POST",
            "relative_url": f"{act}/adimages",
            "attached_files": "pic",
            "name": "img",
        },
        {
            "method": "POST",
            "relative_url": f"{act}/campaigns",
            "body": form(campaign_params()),
            "name": "camp",
        },
        {
            "method": "POST",
            "relative_url": f"{act}/adsets",
            "body": form(adset_params("{result=camp:$.id}", pixel)),
            "name": "set",
        },
        {
            "method": "POST",
            "relative_url": f"{act}/adcreatives",
            "body": form(creative),
            "name": "cr",
        },
        {
            "method": "POST",
            "relative_url": f"{act}/ads",
            "body": form(
                {
                    "name": "Ad",
                    "adset_id": "{result=set:$.id}",
                    "creative": {"creative_id": "{result=cr:$.id}"},
                    "status": "PAUSED",
                }
            ),
            "name": "ad",
        },
        {"method": "GET", "relative_url": "?ids={result=camp:$.id},{result=set:$.id}&fields=name"},
    ]
    before = sandbox.admin("GET", "/__sandbox__/stats")
    out = run(fb_api, items, files={"pic": ("pic.png", BytesIO(png_bytes()))})
    after = sandbox.admin("GET", "/__sandbox__/stats")
    assert after["http_requests"] - before["http_requests"] == 2  # the batch + this stats read
    assert after["graph_calls"] - before["graph_calls"] == 6
    assert [r["code"] for r in out] == [200] * 6
    bodies = [json.loads(r["body"]) for r in out]
    ad = fb_api.call("GET", (bodies[4]["id"],), {"fields": "adset_id,creative,campaign_id"}).json()
    assert ad["adset_id"] == bodies[2]["id"] and ad["campaign_id"] == bodies[1]["id"]
    assert set(bodies[5]) == {bodies[1]["id"], bodies[2]["id"]}
    assert any(h["name"] == "X-Ad-Account-Usage" for h in out[1]["headers"])


def test_dependents_of_a_failed_item_fail(sandbox: Any, fb_api: Any) -> None:
    act = sandbox.account_id
    pixel = sandbox.store.list_objects("adspixel")[0]["id"]
    items = [
        {
            "method": "POST",
            "relative_url": f"{act}/campaigns",
            "body": form(campaign_params(objective="CONVERSIONS")),
            "name": "bad",
        },
        {
            "method": "POST",
            "relative_url": f"{act}/adsets",
            "body": form(adset_params("{result=bad:$.id}", pixel)),
        },
        {
            "method": "POST",
            "relative_url": f"{act}/campaigns",
            "body": form(campaign_params(name="ok")),
            "name": "good",
        },
        {"method": "GET", "relative_url": "{result=good:$.id}?fields=name", "depends_on": "good"},
        {"method": "GET", "relative_url": f"{act}?fields=name", "depends_on": "bad"},
    ]
    out = run(fb_api, items)
    codes = [r["code"] for r in out]
    assert (
        codes[0] == 400
        and codes[1] == 400
        and codes[2] == 200
        and codes[3] == 200
        and codes[4] == 400
    )
    dep = json.loads(out[1]["body"])["error"]
    assert "bad" in dep["message"] and dep["code"] == 100
    assert json.loads(out[3]["body"])["name"] == "ok"
    assert len(sandbox.admin("GET", "/__sandbox__/objects?type=adset")["data"]) == 0


def test_omit_response_on_success(sandbox: Any, fb_api: Any) -> None:
    items = [
        {
            "method": "POST",
            "relative_url": f"{sandbox.account_id}/campaigns",
            "body": form(campaign_params()),
            "name": "c",
            "omit_response_on_success": True,
        },
        {"method": "GET", "relative_url": "{result=c:$.id}?fields=name"},
    ]
    out = run(fb_api, items)
    assert out[0] is None and json.loads(out[1]["body"])["name"] == "Spring Sale"


def test_more_than_fifty_is_refused(sandbox: Any, fb_api: Any) -> None:
    items = [{"method": "GET", "relative_url": f"{sandbox.account_id}?fields=name"}] * 51
    with pytest.raises(FacebookRequestError) as err:
        run(fb_api, items)
    assert err.value.api_error_type() == "GraphBatchException"
    assert len(run(fb_api, items[:50])) == 50


def test_sdk_batch_api(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    batch = fb_api.new_batch()
    ok: list[str] = []
    bad: list[int] = []
    for i in range(3):
        acct.create_campaign(
            params=campaign_params(name=f"B{i}"),
            batch=batch,
            success=lambda r: ok.append(r.json()["id"]),
            failure=lambda r: bad.append(r.error().api_error_code()),
        )
    acct.create_campaign(
        params=campaign_params(daily_budget=1),
        batch=batch,
        success=lambda r: ok.append("x"),
        failure=lambda r: bad.append(r.error().api_error_code()),
    )
    assert batch.execute() is None
    assert len(ok) == 3 and bad == [100]
    names = sorted(c["name"] for c in acct.get_campaigns(fields=["name"]))
    assert names == ["B0", "B1", "B2"]
