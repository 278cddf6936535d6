"""Reading an account's catalog from the sandbox over HTTP: objects made with the SDK itself."""

from __future__ import annotations

import json
from pathlib import Path

from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from PIL import Image

from state.context import MetaSettings
from tools.catalog import list_accounts, read_catalog
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"
WORLD = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "request_world.json"


def build(sandbox, fb_api, tmp_path):
    """A campaign-budget sales campaign (2 ad sets, 3 ads) and an ad-set-budget traffic one."""
    acct = AdAccount(sandbox.account_id, api=fb_api)
    page = str(sandbox.store.list_objects("page")[0]["id"])
    pixel = str(sandbox.store.list_objects("adspixel")[0]["id"])
    image = tmp_path / "shoe.png"
    Image.new("RGB", (1080, 1080), (200, 90, 30)).save(image)
    image_hash = acct.create_ad_image(params={"filename": str(image)})["hash"]

    def ad(adset_id, name):
        link = {"link": "https://shop.example.com", "message": name, "image_hash": image_hash,
                "call_to_action": {"type": "SHOP_NOW"}}
        if name.startswith("Carousel"):
            link["child_attachments"] = [
                {"link": f"https://shop.example.com/{i}", "image_hash": image_hash,
                 "name": f"Shoe {i}"} for i in range(3)]
        creative = acct.create_ad_creative(params={"name": f"C {name}", "object_story_spec": {
            "page_id": page, "link_data": link}})
        return str(acct.create_ad(params={"name": name, "adset_id": adset_id, "status": "PAUSED",
                                          "creative": {"creative_id": creative["id"]}})["id"])

    sale = str(acct.create_campaign(params={
        "name": "Spring Sale", "objective": "OUTCOME_SALES", "special_ad_categories": [],
        "status": "PAUSED", "daily_budget": 15000, "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
        "start_time": "2026-03-05T00:00:00-0800", "stop_time": "2026-04-01T00:00:00-0700"})["id"])
    sets, ads = [], []
    for name, gender, ages in (("Women 25-34", 2, (25, 34)), ("Men 25-44", 1, (25, 44))):
        sets.append(str(acct.create_ad_set(params={
            "name": name, "campaign_id": sale, "billing_event": "IMPRESSIONS",
            "optimization_goal": "OFFSITE_CONVERSIONS", "status": "PAUSED",
            "promoted_object": {"pixel_id": pixel, "custom_event_type": "PURCHASE"},
            "targeting": {"geo_locations": {"countries": ["US"]}, "genders": [gender],
                          "age_min": ages[0], "age_max": ages[1]}})["id"]))
    ads += [ad(sets[0], "Video - Trail"), ad(sets[0], "Carousel A"), ad(sets[1], "Static - Summit")]
    traffic = str(acct.create_campaign(params={
        "name": "Boston 10K", "objective": "OUTCOME_TRAFFIC", "special_ad_categories": [],
        "status": "PAUSED"})["id"])
    boston = str(acct.create_ad_set(params={
        "name": "Boston 25-54", "campaign_id": traffic, "daily_budget": 4000,
        "billing_event": "IMPRESSIONS", "optimization_goal": "LANDING_PAGE_VIEWS",
        "bid_strategy": "LOWEST_COST_WITHOUT_CAP", "status": "PAUSED",
        "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 54}})["id"])
    ads.append(ad(boston, "Race Kit"))
    return {"sale": sale, "traffic": traffic, "sets": [*sets, boston], "ads": ads}


def test_the_catalog_is_the_sdk_created_tree_in_the_world_shape(sandbox, fb_api, tmp_path):
    made = build(sandbox, fb_api, tmp_path)
    client = MetaClient(MetaSettings(graph_url=sandbox.url, account_id=sandbox.account_id),
                        token=TOKEN)
    [account] = read_catalog(client, [sandbox.account_id.removeprefix("act_")])
    assert client.stats["graph_calls"] == 4  # the account + one page per edge
    assert (account["id"], account["currency"], account["timezone_name"]) == (
        sandbox.account_id, "USD", "America/Los_Angeles")
    sale, traffic = account["campaigns"]
    assert (sale["id"], sale["name"], sale["objective"]) == (made["sale"], "Spring Sale",
                                                             "OUTCOME_SALES")
    assert (sale["budget_level"], sale["daily_budget"], sale["lifetime_budget"]) == (
        "campaign", 15000, None)
    assert (sale["start_time"], sale["stop_time"]) == ("2026-03-05", "2026-04-01")
    assert [(s["id"], s["name"], s["daily_budget"]) for s in sale["adsets"]] == [
        (made["sets"][0], "Women 25-34", None), (made["sets"][1], "Men 25-44", None)]
    assert sale["adsets"][0]["targeting"] == "US, women 25-34"
    assert sale["adsets"][0]["promoted_object"]["custom_event_type"] == "PURCHASE"
    assert [[(a["id"], a["name"], a["status"], a["format"]) for a in s["ads"]]
            for s in sale["adsets"]] == [
        [(made["ads"][0], "Video - Trail", "PAUSED", "image"),
         (made["ads"][1], "Carousel A", "PAUSED", "carousel")],
        [(made["ads"][2], "Static - Summit", "PAUSED", "image")]]
    assert (traffic["id"], traffic["budget_level"], traffic["daily_budget"]) == (
        made["traffic"], "adset", None)
    [boston] = traffic["adsets"]
    assert (boston["name"], boston["daily_budget"], boston["optimization_goal"]) == (
        "Boston 25-54", 4000, "LANDING_PAGE_VIEWS")
    assert [a["name"] for a in boston["ads"]] == ["Race Kit"]
    # every key the evals' world has, at every level
    world = json.loads(WORLD.read_text())["accounts"][0]
    assert set(world) <= set(account)
    assert set(world["campaigns"][0]) <= set(sale)
    assert set(world["campaigns"][0]["adsets"][0]) <= set(sale["adsets"][0])
    assert set(world["campaigns"][0]["adsets"][0]["ads"][0]) <= set(sale["adsets"][0]["ads"][0])
    json.dumps(account)  # plain JSON, like the world file


def test_deleted_ads_are_left_out_and_pages_are_followed(sandbox, fb_api, tmp_path, monkeypatch):
    made = build(sandbox, fb_api, tmp_path)
    Ad(made["ads"][1], api=fb_api).api_update(params={"status": "DELETED"})
    monkeypatch.setattr("tools.catalog.PAGE", 2)  # 4 ads, 3 ad sets: several pages per edge
    client = MetaClient(MetaSettings(graph_url=sandbox.url, account_id=sandbox.account_id),
                        token=TOKEN)
    [account] = read_catalog(client, [sandbox.account_id])
    names = [a["name"] for c in account["campaigns"] for s in c["adsets"] for a in s["ads"]]
    assert names == ["Video - Trail", "Static - Summit", "Race Kit"]
    assert client.stats["graph_calls"] == 1 + 1 + 2 + 2  # account, campaigns, ad sets, ads


def test_list_accounts_names_each_account_the_token_reaches(sandbox):
    client = MetaClient(MetaSettings(graph_url=sandbox.url, account_id=sandbox.account_id),
                        token=TOKEN)
    assert list_accounts(client) == [{
        "id": sandbox.account_id, "name": "Trailhead Running Co.", "currency": "USD",
        "timezone_name": "America/Los_Angeles", "account_status": 1}]
    assert read_catalog(client, []) == []
