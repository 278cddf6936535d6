"""The @tools through langchain's ToolRuntime (client injected from the run context)."""

import os

from langchain.tools import ToolRuntime

import tools
from state.context import Context
from tests.tools.conftest import jpeg
from tools import ads, adsets, campaigns, creatives, images, insights, targeting, videos


def _rt(client):
    ctx = Context(client_factory=lambda: client)
    return ToolRuntime(state={}, context=ctx, config={}, stream_writer=None, tool_call_id="1",
                       store=None)


def test_tool_schemas_hide_the_client_and_describe_themselves():
    all_tools = tools.all_tools()
    assert len({t.name for t in all_tools}) == len(all_tools) >= 20
    for t in all_tools:
        props = t.tool_call_schema.model_json_schema().get("properties", {})
        assert "runtime" not in props and "client" not in props, t.name
        assert t.description and len(t.description) < 200, t.name


def test_campaign_and_ad_set_tools(client, ledger):
    rt = _rt(client)
    camp = campaigns.create_campaign_tool.invoke(
        {"name": "Tool camp", "objective": "OUTCOME_TRAFFIC", "special_ad_categories": [],
         "runtime": rt})
    assert campaigns.get_campaign_tool.invoke(
        {"campaign_id": camp["id"], "runtime": rt})["status"] == "PAUSED"
    aset = adsets.create_ad_set_tool.invoke({
        "campaign_id": camp["id"], "name": "Tool set", "optimization_goal": "LINK_CLICKS",
        "targeting": {"geo_locations": {"countries": ["US"]}}, "daily_budget": 2000,
        "runtime": rt})
    # Budget tools pass the money gate: +25 % breaks the default ±20 % step, +20 % passes.
    refused = adsets.update_ad_set_budget_tool.invoke(
        {"ad_set_id": aset["id"], "daily_budget": 2500, "runtime": rt})
    assert refused["refused"] and refused["cap"] == "max_budget_change_pct"
    changed = adsets.update_ad_set_budget_tool.invoke(
        {"ad_set_id": aset["id"], "daily_budget": 2400, "runtime": rt})
    assert int(changed["before"]["daily_budget"]) == 2000
    assert changed["after"] == {"daily_budget": 2400}
    assert int(adsets.get_ad_set_tool.invoke(
        {"ad_set_id": aset["id"], "runtime": rt})["daily_budget"]) == 2400
    row = [r for r in ledger.rows() if r["op"] == "budget"][0]
    assert row["status"] == "done" and row["meta_id"] == aset["id"]
    assert int(row["before"]["daily_budget"]) == 2000
    sched = adsets.update_ad_set_schedule_tool.invoke(
        {"ad_set_id": aset["id"], "end_time": "2031-01-01T00:00:00+0000", "runtime": rt})
    assert sched["after"]["end_time"].startswith("2031")
    campaigns.set_campaign_status_tool.invoke(
        {"campaign_id": camp["id"], "status": "ACTIVE", "runtime": rt})
    assert campaigns.get_campaign(client, camp["id"])["status"] == "ACTIVE"


def test_creative_and_ad_tools(client, account, tmp_path):
    rt = _rt(client)
    paths = []
    for i in range(2):
        p = tmp_path / f"card{i}.jpg"
        p.write_bytes(jpeg(20 + i))
        paths.append(p)
    hashes = [images.upload_image_tool.invoke({"path": str(p), "runtime": rt})["hash"]
              for p in paths]
    assert all(hashes) and len(set(hashes)) == 2
    assert {i["hash"] for i in images.get_images(client, hashes)} == set(hashes)
    camp = campaigns.create_campaign(client, "Ads camp", "OUTCOME_TRAFFIC", [])
    aset = adsets.create_ad_set_tool.invoke({
        "campaign_id": camp["id"], "name": "Ads set", "optimization_goal": "LINK_CLICKS",
        "targeting": {"geo_locations": {"countries": ["US"]}}, "daily_budget": 2000,
        "runtime": rt})
    common = {"link": "https://example.com/shop", "page_id": account["page_id"], "runtime": rt}
    single = creatives.create_image_creative_tool.invoke(
        {"name": "single", "image_hash": hashes[0], "message": "Hi", **common})
    carousel = creatives.create_carousel_creative_tool.invoke(
        {"name": "carousel", "cards": [{"image_hash": h, "link": "https://example.com/c"}
                                       for h in hashes], **common})
    assert single["id"] and carousel["id"]
    ad = ads.create_ad_tool.invoke({"ad_set_id": aset["id"], "creative_id": single["id"],
                                    "name": "Ad one", "runtime": rt})
    assert ads.get_ad_tool.invoke({"ad_id": ad["id"], "runtime": rt})["status"] == "PAUSED"
    copy = ads.duplicate_ad_tool.invoke({"ad_id": ad["id"], "runtime": rt})
    assert copy["id"] and copy["id"] != ad["id"]
    assert ads.get_ad(client, copy["id"])["adset_id"] == aset["id"]
    ads.set_ad_status_tool.invoke({"ad_id": ad["id"], "status": "ACTIVE", "runtime": rt})
    assert ads.get_ad(client, ad["id"])["status"] == "ACTIVE"


def test_video_upload_is_routed_to_the_sandbox_and_waits_until_ready(client, ledger,
                                                                      tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    rt = _rt(client)
    out = videos.upload_video_tool.invoke({"path": str(path), "runtime": rt})
    assert out["video_status"] == "ready"
    status = videos.get_video_status_tool.invoke({"video_id": out["video_id"], "runtime": rt})
    assert status["video_status"] == "ready"
    row = [r for r in ledger.rows() if r["object_type"] == "video"][0]
    assert row["status"] == "done" and row["meta_id"] == out["video_id"]
    assert "graph-video.facebook.com" not in client.graph_url


def test_targeting_search(client):
    rt = _rt(client)
    found = targeting.search_interests_tool.invoke({"query": "running", "runtime": rt})
    assert found and all("id" in i and "name" in i for i in found)
    places = targeting.search_locations_tool.invoke({"query": "Berlin", "runtime": rt})
    assert places and all("key" in p for p in places)


def test_insights_query_and_async_report(sandbox, client):
    camp = campaigns.create_campaign(client, "Insights camp", "OUTCOME_TRAFFIC", [])
    rt = _rt(client)
    rows = insights.query_insights_tool.invoke({"object_id": client.account_id,
                                                "date_preset": "last_7d", "runtime": rt})
    assert isinstance(rows, list)
    started = insights.start_insights_report_tool.invoke(
        {"object_id": camp["id"], "level": "ad", "runtime": rt})
    run_id = started["report_run_id"]
    for _ in range(100):
        report = insights.get_insights_report_tool.invoke({"report_run_id": run_id,
                                                           "runtime": rt})
        if report["done"]:
            break
    assert report["done"] and isinstance(report["rows"], list)
