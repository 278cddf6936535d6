"""What the product does through `MetaClient`, against the sandbox.

Creates, image and video uploads, creatives, targeting search, insights (sync and as an async
report run), and budget, schedule and status changes written by `tools.money.apply_update`;
writes that can raise spend carry a gate pass from `tools.money.clear`.
"""

import json
import os

import pytest

from agents.insights.collect import run_query
from state.context import Policy
from state.exposure import parse_time
from state.guardrails import MoneyAction, UngatedSpendError
from tests.tools.conftest import adset_params, campaign_params, creative_params, jpeg
from tools import targeting, videos
from tools.common import activation
from tools.money import apply_update, clear

INSIGHTS_FIELDS = "impressions,clicks,spend,reach,ctr,cpc,cpm,actions,action_values"


def gate(client, action, policy=None):
    """The gate's pass for one typed write, or its refusal (`clear`, as every spend path does)."""
    verdict = clear(client, [action], policy or Policy())
    return (verdict.passes[0], None) if verdict.ok else (None, verdict.refusals[0])


def new_campaign(client, name):
    """A PAUSED campaign without a budget (nothing to gate)."""
    return client.write("create", f"{client._account()}/campaigns", campaign_params(name),
                        object_type="campaign")["id"]


def new_ad_set(client, campaign_id, name, daily_budget=2000):
    """A PAUSED ad set with a daily budget, created with the gate's pass."""
    params = {**adset_params(name), "campaign_id": str(campaign_id), "daily_budget": daily_budget}
    action = MoneyAction.create("adset", None, params, account_id=client._account(),
                                parent_id=str(campaign_id))
    gate_pass, _ = gate(client, action)
    return client.write("create", f"{client._account()}/adsets", params, object_type="adset",
                        gate_pass=gate_pass)["id"]


def test_budget_schedule_and_status_changes_pass_the_gate(client, ledger):
    camp = new_campaign(client, "Area camp")
    assert client.get(camp, {"fields": "status"})["status"] == "PAUSED"
    aset = new_ad_set(client, camp, "Area set")
    # Budget changes pass the money gate: +25 % breaks the default ±20 % step, +20 % passes.
    raise_ = MoneyAction.from_action("set_adset_budget", {"adset_id": aset, "daily_budget": 2500})
    _, refusal = gate(client, raise_)
    assert refusal.cap == "max_budget_change_pct"
    with pytest.raises(UngatedSpendError):
        apply_update(client, raise_, None, receipt="r-raise")
    step = MoneyAction.from_action("set_adset_budget", {"adset_id": aset, "daily_budget": 2400})
    gate_pass, _ = gate(client, step)
    changed = apply_update(client, step, gate_pass, receipt="r-step")
    assert changed["status"] == "applied"
    assert int(changed["before"]["daily_budget"]) == 2000
    assert int(changed["after"]["daily_budget"]) == 2400
    assert int(client.get(aset, {"fields": "daily_budget"})["daily_budget"]) == 2400
    assert not [r for r in ledger.rows() if r["receipt"] == "r-raise"]  # nothing ledgered
    (row,) = [r for r in ledger.rows() if r["receipt"] == "r-step"]
    assert row["status"] == "done" and row["meta_id"] == aset
    assert int(row["before"]["daily_budget"]) == 2000
    end = "2031-01-01T00:00:00+0000"
    schedule = MoneyAction.model_validate({
        "kind": "set_schedule", "name": "set_adset_schedule", "policy_kind": "set_budget",
        "object_id": aset, "object_type": "adset", "end_time": end})
    gate_pass, _ = gate(client, schedule)
    sched = apply_update(client, schedule, gate_pass, receipt=None)
    assert parse_time(sched["after"]["end_time"]) == parse_time(end)  # read back in account time
    with pytest.raises(UngatedSpendError):
        apply_update(client, activation("campaign", camp), None, receipt=None)
    assert client.get(camp, {"fields": "status"})["status"] == "PAUSED"
    gate_pass, _ = gate(client, activation("campaign", camp))
    apply_update(client, activation("campaign", camp), gate_pass, receipt=None)
    assert client.get(camp, {"fields": "status"})["status"] == "ACTIVE"


def test_images_creatives_and_ads(client, account, tmp_path):
    paths = []
    for i in range(2):
        p = tmp_path / f"card{i}.jpg"
        p.write_bytes(jpeg(20 + i))
        paths.append(p)
    hashes = [client.upload_image(p, p.name)["hash"] for p in paths]
    assert all(hashes) and len(set(hashes)) == 2
    listed = client.get_all(f"{client._account()}/adimages",
                          {"hashes": json.dumps(hashes), "fields": "hash,status"})
    assert {i["hash"] for i in listed} == set(hashes)
    aset = new_ad_set(client, new_campaign(client, "Ads camp"), "Ads set")
    link, page, edge = "https://example.com/shop", account["page_id"], client._account()
    single = client.write("create", f"{edge}/adcreatives", creative_params(page, hashes[0]),
                          object_type="creative")["id"]
    carousel = client.write("create", f"{edge}/adcreatives", {
        "name": "carousel", "object_story_spec": {"page_id": page, "link_data": {
            "link": link, "message": "",
            "child_attachments": [{"link": "https://example.com/c", "image_hash": h}
                                  for h in hashes],
            "call_to_action": {"type": "SHOP_NOW", "value": {"link": link}}}}},
        object_type="creative")["id"]
    assert single and carousel
    ad = client.write("create", f"{edge}/ads", {
        "name": "Ad one", "adset_id": aset, "creative": {"creative_id": single},
        "status": "PAUSED"}, object_type="ad")["id"]
    read = client.get(ad, {"fields": "status,adset_id"})
    assert read["status"] == "PAUSED" and read["adset_id"] == aset
    gate_pass, _ = gate(client, activation("ad", ad))
    apply_update(client, activation("ad", ad), gate_pass, receipt=None)
    assert client.get(ad, {"fields": "status"})["status"] == "ACTIVE"


def test_video_upload_is_routed_to_the_sandbox_and_waits_until_ready(client, ledger,
                                                                      tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    video_id = client.upload_video(path, "clip")  # the asset agent's entry point
    assert videos.video_status(client, video_id)["video_status"] == "ready"
    row = [r for r in ledger.rows() if r["object_type"] == "video"][0]
    assert row["status"] == "done" and row["meta_id"] == video_id
    assert "graph-video.facebook.com" not in client.graph_url


def test_targeting_search(client):
    found = targeting.search_interests(client, "running")
    assert found and all("id" in i and "name" in i for i in found)
    places = client.get("search", {"type": "adgeolocation", "q": "Berlin",
                                   "location_types": ["country", "region", "city"], "limit": 10})
    assert places["data"] and all("key" in p and "type" in p for p in places["data"])


def test_insights_query_and_async_report(client):
    camp = new_campaign(client, "Insights camp")
    rows = run_query(client, client.account_id,
                     {"fields": INSIGHTS_FIELDS, "date_preset": "last_7d"}, use_async=False)
    assert isinstance(rows, list)
    report = run_query(client, camp, {"fields": INSIGHTS_FIELDS, "level": "ad",
                                      "date_preset": "last_30d"},
                       use_async=True, poll_s=0.01, timeout_s=30)
    assert isinstance(report, list)
