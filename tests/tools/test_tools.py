"""The per-area functions against the sandbox; writes that can raise spend carry a gate pass."""

import os

import pytest

from state.context import Policy
from state.guardrails import MoneyAction, UngatedSpendError
from tests.tools.conftest import jpeg
from tools import ads, adsets, campaigns, creatives, images, insights, targeting, videos
from tools.common import activation
from tools.money import clear


def gate(client, action, policy=None):
    """The gate's pass for one typed write, or its refusal (`clear`, as every spend path does)."""
    verdict = clear(client, [action], policy or Policy())
    return (verdict.passes[0], None) if verdict.ok else (None, verdict.refusals[0])


def new_ad_set(client, campaign_id, name, daily_budget=2000):
    action = MoneyAction.create("adset", None, {"name": name, "daily_budget": daily_budget},
                                account_id=client._account(), parent_id=str(campaign_id))
    gate_pass, _ = gate(client, action)
    return adsets.create_ad_set(client, campaign_id, name,
                                {"geo_locations": {"countries": ["US"]}}, "LINK_CLICKS",
                                daily_budget=daily_budget, gate_pass=gate_pass)


def test_campaigns_and_ad_sets(client, ledger):
    camp = campaigns.create_campaign(client, "Area camp", "OUTCOME_TRAFFIC", [])
    assert campaigns.get_campaign(client, camp["id"])["status"] == "PAUSED"
    aset = new_ad_set(client, camp["id"], "Area set")
    # Budget changes pass the money gate: +25 % breaks the default ±20 % step, +20 % passes.
    raise_ = MoneyAction.from_action("set_adset_budget", {"adset_id": aset["id"],
                                                          "daily_budget": 2500})
    _, refusal = gate(client, raise_)
    assert refusal.cap == "max_budget_change_pct"
    with pytest.raises(UngatedSpendError):
        adsets.update_ad_set_budget(client, aset["id"], daily_budget=2500)
    step = MoneyAction.from_action("set_adset_budget", {"adset_id": aset["id"],
                                                        "daily_budget": 2400})
    gate_pass, _ = gate(client, step)
    changed = adsets.update_ad_set_budget(client, aset["id"], daily_budget=2400,
                                          gate_pass=gate_pass)
    assert int(changed["before"]["daily_budget"]) == 2000
    assert changed["after"] == {"daily_budget": 2400}
    assert int(adsets.get_ad_set(client, aset["id"])["daily_budget"]) == 2400
    row = [r for r in ledger.rows() if r["op"] == "budget"][0]
    assert row["status"] == "done" and row["meta_id"] == aset["id"]
    assert int(row["before"]["daily_budget"]) == 2000
    end = "2031-01-01T00:00:00+0000"
    schedule = MoneyAction.model_validate({
        "kind": "set_schedule", "name": "set_adset_schedule", "policy_kind": "set_budget",
        "object_id": aset["id"], "object_type": "adset", "end_time": end})
    gate_pass, _ = gate(client, schedule)
    sched = adsets.update_ad_set_schedule(client, aset["id"], end_time=end, gate_pass=gate_pass)
    assert sched["after"]["end_time"].startswith("2031")
    gate_pass, _ = gate(client, activation("campaign", camp["id"]))
    campaigns.set_campaign_status(client, camp["id"], "ACTIVE", gate_pass=gate_pass)
    assert campaigns.get_campaign(client, camp["id"])["status"] == "ACTIVE"


def test_creatives_and_ads(client, account, tmp_path):
    paths = []
    for i in range(2):
        p = tmp_path / f"card{i}.jpg"
        p.write_bytes(jpeg(20 + i))
        paths.append(p)
    hashes = [images.upload_image(client, str(p))["hash"] for p in paths]
    assert all(hashes) and len(set(hashes)) == 2
    assert {i["hash"] for i in images.get_images(client, hashes)} == set(hashes)
    camp = campaigns.create_campaign(client, "Ads camp", "OUTCOME_TRAFFIC", [])
    aset = new_ad_set(client, camp["id"], "Ads set")
    link, page = "https://example.com/shop", account["page_id"]
    single = creatives.create_creative(client, "single", creatives.image_spec(
        page, link, hashes[0], "Hi", call_to_action="LEARN_MORE"))
    carousel = creatives.create_creative(client, "carousel", creatives.carousel_spec(
        page, link, [{"image_hash": h, "link": "https://example.com/c"} for h in hashes],
        call_to_action="SHOP_NOW"))
    assert single["id"] and carousel["id"]
    ad = ads.create_ad(client, aset["id"], single["id"], "Ad one")
    assert ads.get_ad(client, ad["id"])["status"] == "PAUSED"
    gate_pass, _ = gate(client, ads.copy_action(ad["id"]))
    copy = ads.duplicate_ad(client, ad["id"], gate_pass=gate_pass)
    assert copy["id"] and copy["id"] != ad["id"]
    assert ads.get_ad(client, copy["id"])["adset_id"] == aset["id"]
    gate_pass, _ = gate(client, activation("ad", ad["id"]))
    ads.set_ad_status(client, ad["id"], "ACTIVE", gate_pass=gate_pass)
    assert ads.get_ad(client, ad["id"])["status"] == "ACTIVE"


def test_video_upload_is_routed_to_the_sandbox_and_waits_until_ready(client, ledger,
                                                                      tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    out = videos.upload_video(client, str(path))
    assert out["video_status"] == "ready"
    assert videos.video_status(client, out["video_id"])["video_status"] == "ready"
    row = [r for r in ledger.rows() if r["object_type"] == "video"][0]
    assert row["status"] == "done" and row["meta_id"] == out["video_id"]
    assert "graph-video.facebook.com" not in client.graph_url
    again = client.upload_video(path, "clip two")  # the client's own entry point (asset agent)
    assert videos.video_status(client, again)["video_status"] == "ready"


def test_targeting_search(client):
    found = targeting.search_interests(client, "running")
    assert found and all("id" in i and "name" in i for i in found)
    places = targeting.search_geo(client, "Berlin")
    assert places and all("key" in p for p in places)


def test_insights_query_and_async_report(sandbox, client):
    camp = campaigns.create_campaign(client, "Insights camp", "OUTCOME_TRAFFIC", [])
    rows = insights.query_insights(client, client.account_id,
                                   insights.insights_params(date_preset="last_7d"))
    assert isinstance(rows, list)
    run_id = insights.start_report(client, camp["id"], insights.insights_params(
        level="ad", date_preset="last_30d"))
    for _ in range(100):
        report = insights.report_status(client, run_id)
        if report["done"]:
            break
    assert report["done"] and isinstance(insights.fetch_report(client, run_id), list)
