"""Pages, ad account profile fields and the Business node, over HTTP and through the real SDK."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.business import Business
from facebook_business.adobjects.page import Page
from facebook_business.adobjects.user import User
from facebook_business.exceptions import FacebookRequestError
from PIL import Image

from sandbox.scenario import ScenarioError, load_scenario, parse_scenario
from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api

PAGE_FIELDS = [
    "id",
    "name",
    "category",
    "category_list",
    "picture",
    "username",
    "fan_count",
    "followers_count",
    "link",
    "verification_status",
    "about",
    "website",
    "instagram_business_account",
    "access_token",
    "tasks",
]
ACCOUNT_FIELDS = [
    "business",
    "age",
    "created_time",
    "business_country_code",
    "is_prepay_account",
    "funding_source_details",
    "capabilities",
    "owner",
    "business_name",
    "tax_id_status",
    "disable_reason",
    "account_status",
    "spend_cap",
    "amount_spent",
    "balance",
    "currency",
    "timezone_name",
    "timezone_offset_hours_utc",
    "min_daily_budget",
]


def get(sb: SandboxServer, path: str, **params: Any) -> dict[str, Any]:
    """GET a Graph path and return its JSON body (errors included)."""
    resp = requests.get(
        f"{sb.url}/v26.0/{path}", params={"access_token": SANDBOX_TOKEN, **params}, timeout=10
    )
    return resp.json()


@pytest.fixture
def custom(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox whose scenario sets the page and business keys and has 30 more accounts."""
    data = load_scenario("ecommerce_usd").model_dump(mode="json", exclude={"business"})
    data["page"].update(
        username=None,
        fan_count=1234,
        followers_count=1500,
        verification_status="blue_verified",
        website=None,
        instagram_business_account=None,
        tasks=["ADVERTISE", "ANALYZE"],
        category_list=[{"id": "2256", "name": "Internet Company"}],
    )
    data["business"] = {
        "id": "555000111222333",
        "name": "Trailhead Holdings",
        "verification_status": "verified",
        "country": "DE",
    }
    data["account"]["is_prepay_account"] = True
    data["account"]["created_time"] = "2026-02-01"
    data["generate_accounts"] = {
        "count": 30,
        "seed": 1,
        "currencies": ["EUR"],
        "timezones": ["Europe/Berlin"],
    }
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data))
    with SandboxServer(tmp_path / "s.db", scenario=str(path), seed=1, token=SANDBOX_TOKEN) as sb:
        yield sb


def test_me_accounts_serves_the_page_fields_clients_ask_for(sandbox, fb_api):
    default = get(sandbox, "me/accounts")["data"][0]
    assert sorted(default) == ["category", "category_list", "id", "name", "tasks"]
    assert default["category_list"] == [{"id": "1605186416478696", "name": "Brand"}]
    # The SDK warns that Page lists neither `picture` (an edge Meta also serves as a field) nor
    # `tasks` (a field of this edge), then sends them all, as it does to Meta.
    with pytest.warns(UserWarning) as warned:
        page = User(fbid="me", api=fb_api).get_accounts(fields=PAGE_FIELDS)[0]
    assert sorted(str(w.message) for w in warned) == [
        "accounts does not allow field picture",
        "accounts does not allow field tasks",
    ]
    assert page["picture"] == {
        "data": {
            "height": 50,
            "is_silhouette": False,
            "width": 50,
            "url": f"{sandbox.url}/__sandbox__/pages/{page['id']}/picture_50x50.jpg",
        }
    }
    picture = requests.get(page["picture"]["data"]["url"], timeout=10)  # public, like a CDN
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(picture.content)).size == (50, 50)
    assert page["username"] == "TrailheadRunningCo"
    assert page["link"] == "https://www.facebook.com/TrailheadRunningCo"
    assert isinstance(page["fan_count"], int) and page["followers_count"] >= page["fan_count"] > 0
    assert page["verification_status"] == "not_verified" and page["category"] == "Brand"
    assert page["website"] == "https://trailheadrunningco.example" and page["about"]
    assert page["instagram_business_account"].export_all_data() == {"id": "17841400000000001"}
    assert page["tasks"] == [
        "ADVERTISE",
        "ANALYZE",
        "CREATE_CONTENT",
        "MESSAGING",
        "MODERATE",
        "MANAGE",
    ]
    token = page["access_token"]  # a page token of its own, not the sandbox's
    assert token.startswith("EAA") and SANDBOX_TOKEN not in token
    again = get(sandbox, "me/accounts", fields="access_token,fan_count")["data"][0]
    assert (again["access_token"], again["fan_count"]) == (token, page["fan_count"])


def test_a_page_node_reads_directly_with_modifiers_and_refuses_unknown_fields(sandbox, fb_api):
    pid = get(sandbox, "me/accounts")["data"][0]["id"]
    node = get(
        sandbox,
        pid,
        fields="picture.type(large){url,width},link,business,"
        "instagram_business_account{id,username}",
    )
    assert node["picture"] == {
        "data": {"url": f"{sandbox.url}/__sandbox__/pages/{pid}/picture_200x200.jpg", "width": 200}
    }
    assert node["instagram_business_account"] == {
        "id": "17841400000000001",
        "username": "trailheadrunningco",
    }
    biz = get(sandbox, "me/businesses")["data"][0]
    assert node["business"] == biz
    with pytest.warns(UserWarning, match="picture"):
        sized = Page(pid, api=fb_api).api_get(fields=["picture.width(320).height(320)"])
    assert (sized["picture"]["data"]["width"], sized["picture"]["data"]["height"]) == (320, 320)
    assert get(sandbox, pid) == {"id": pid, "name": "Trailhead Running Co."}
    for bad in ("bogus", "tasks"):  # `tasks` is on the /me/accounts edge only, as on Meta
        err = get(sandbox, pid, fields=f"name,{bad}")["error"]
        assert (err["code"], err["message"]) == (
            100,
            f"(#100) Tried accessing nonexisting field ({bad}) on node type (Page)",
        )
    err = get(sandbox, "me/accounts", fields="id,nope")["error"]
    assert err["message"].endswith("(nope) on node type (Page)")


def test_page_values_come_from_the_scenario(custom):
    page = get(custom, "me/accounts", fields=",".join(PAGE_FIELDS))["data"][0]
    assert page["link"] == f"https://www.facebook.com/{page['id']}"  # no username: the id
    assert "username" not in page and "website" not in page
    assert "instagram_business_account" not in page
    assert (page["fan_count"], page["followers_count"]) == (1234, 1500)
    assert page["verification_status"] == "blue_verified"
    assert page["category"] == "Internet Company"
    assert page["category_list"] == [{"id": "2256", "name": "Internet Company"}]
    assert page["tasks"] == ["ADVERTISE", "ANALYZE"]


def test_ad_account_profile_fields_agree_with_the_business_and_the_clock(sandbox, fb_api):
    acct = AdAccount(sandbox.account_id, api=fb_api).api_get(fields=ACCOUNT_FIELDS)
    biz = get(sandbox, "me/businesses")["data"][0]
    assert acct["business"].export_all_data() == biz and acct["owner"] == biz["id"]
    assert acct["business_name"] == biz["name"] == "Trailhead Running Co."
    assert (acct["business_country_code"], acct["tax_id_status"]) == ("US", 1)
    assert acct["is_prepay_account"] is False
    card = acct["funding_source_details"]
    assert sorted(card) == ["display_string", "id", "type"] and card["type"] == 1
    assert card["display_string"].split(" *")[0] in ("Visa", "MasterCard", "American Express")
    assert "HAS_AVAILABLE_PAYMENT_METHODS" in acct["capabilities"]
    assert acct["timezone_offset_hours_utc"] == -8  # 2026-03-02 in Los Angeles: PST
    assert (acct["currency"], acct["spend_cap"], acct["amount_spent"]) == ("USD", "0", "0")
    assert (acct["account_status"], acct["disable_reason"], acct["min_daily_budget"]) == (1, 0, 100)
    created = datetime.strptime(acct["created_time"], "%Y-%m-%dT%H:%M:%S%z")
    now = datetime.fromisoformat(sandbox.admin("GET", "clock")["now"])
    assert acct["age"] == pytest.approx((now - created).total_seconds() / 86_400, abs=1e-3)
    assert 60 <= acct["age"] < 1861
    sandbox.admin("POST", "clock/advance", {"days": 1})
    later = get(sandbox, sandbox.account_id, fields="age,created_time")
    assert later["created_time"] == acct["created_time"]
    assert later["age"] == pytest.approx(acct["age"] + 1, abs=1e-3)


def test_the_business_node_and_its_edges_through_the_sdk(custom):
    api = make_api(custom.url)
    [mine] = User(fbid="me", api=api).get_businesses()
    assert (mine["id"], mine["name"]) == ("555000111222333", "Trailhead Holdings")
    biz = Business("555000111222333", api=api)
    node = biz.api_get(
        fields=[
            "name",
            "verification_status",
            "created_time",
            "primary_page",
            "created_by",
            "two_factor_type",
        ]
    )
    page = get(custom, "me/accounts")["data"][0]
    assert node["verification_status"] == "verified"
    assert node["primary_page"].export_all_data() == {"id": page["id"], "name": page["name"]}
    assert (
        node["created_by"] == get(custom, "me") == {"id": "100000000000000", "name": "Sandbox User"}
    )
    owned = list(biz.get_owned_ad_accounts(fields=["name", "business", "currency"]))  # 2 pages
    assert len(owned) == 31 and owned[0]["id"] == custom.account_id
    assert {a["currency"] for a in owned[1:]} == {"EUR"}
    assert {json.dumps(a["business"].export_all_data()) for a in owned} == {
        json.dumps({"id": biz["id"], "name": "Trailhead Holdings"})
    }
    assert [p["id"] for p in biz.get_owned_pages(fields=["name", "link"])] == [page["id"]]
    pixels = list(biz.get_owned_pixels(fields=["name"]))
    assert len(pixels) == 31 and [p["id"] for p in biz.get_ads_pixels()] == [
        p["id"] for p in pixels
    ]
    for empty in (
        biz.get_client_ad_accounts(),
        biz.get_client_pages(),
        biz.get_owned_product_catalogs(fields=["name", "product_count"]),
    ):
        assert list(empty) == []
    first = get(custom, f"{biz['id']}/owned_ad_accounts", fields="name", limit=25)
    assert len(first["data"]) == 25 and "next" in first["paging"]
    assert get(custom, f"{biz['id']}/client_pages", fields="bogus")["error"]["code"] == 100
    acct = get(
        custom,
        custom.account_id,
        fields="is_prepay_account,funding_source_details,tax_id_status,business_country_code,age",
    )
    assert acct["is_prepay_account"] is True and acct["funding_source_details"]["type"] == 20
    assert (acct["business_country_code"], acct["tax_id_status"]) == ("DE", 3)
    assert acct["age"] == pytest.approx(29, abs=0.01)  # created 2026-02-01, clock at 03-02
    err = get(custom, biz["id"], fields="name,owned_things")["error"]
    assert err["message"].endswith("(owned_things) on node type (Business)")
    with pytest.raises(FacebookRequestError) as refused:  # a business is read-only here
        biz.api_update(params={"name": "Renamed"})
    assert refused.value.api_error_code() == 100


def test_a_store_from_before_businesses_gets_its_business_from_me_businesses(sandbox):
    bid = get(sandbox, "me/businesses")["data"][0]["id"]
    assert sandbox.store is not None
    sandbox.store.db.execute("delete from objects where type = 'business'")
    assert get(sandbox, bid)["error"]["error_subcode"] == 33
    assert get(sandbox, "me/businesses")["data"] == [{"id": bid, "name": "Trailhead Running Co."}]
    assert get(sandbox, "", ids=bid, fields="name")[bid]["name"] == "Trailhead Running Co."


def test_scenario_business_and_page_keys_are_checked_and_derived_stably():
    data = load_scenario("ecommerce_usd").model_dump(mode="json", exclude={"business"})
    one, two = parse_scenario(data), parse_scenario(data)
    assert one.business.id == two.business.id and one.business.id is not None
    assert len(one.business.id) == 15 and one.business.country == "US"
    assert parse_scenario(one.model_dump(mode="json")).business == one.business
    data["page"]["tasks"] = ["ADVERTISE", "FLY"]
    with pytest.raises(ScenarioError, match="FLY"):
        parse_scenario(data)
