"""Launch nodes called as plain functions, against the sandbox over HTTP with the real SDK."""

import dataclasses

from agents.ads.nodes import create_ads
from agents.assets.nodes import upload_assets
from agents.campaigns.nodes import activate, create_campaigns
from agents.orchestrator.approval import approval_payload
from agents.orchestrator.nodes import validate_plan
from state.context import AssetAccess
from tests.launchkit import admin, objects, plan_for, runtime_for


def _launch(ctx, plan, thread, go_live=True):
    rt = runtime_for(ctx, thread)
    state = {"plan": plan}
    state.update(validate_plan(state, rt))
    assert state["phase"] == "validated", state["problems"]
    receipt = approval_payload(state, go_live)["receipt"]
    state["approval"] = {"decision": "approve", "receipt": receipt, "go_live": go_live}
    for node in (upload_assets, create_campaigns, create_ads, activate):
        state.update(node(state, rt))
    return state, rt


def test_validate_plan_uses_meta_validate_only_and_writes_nothing(launch_context, sample_images, sandbox_server):
    rt = runtime_for(launch_context, "v1")
    update = validate_plan({"plan": plan_for(launch_context, sample_images)}, rt)
    assert update["phase"] == "validated" and update["problems"] == []
    assert update["validation"]["ok"] and update["validation"]["checked"] == 1 + 1 + len(sample_images)
    stats = admin(sandbox_server.url, "GET", "/__sandbox__/stats")
    assert stats["writes"] == 0 and stats["graph_calls"] >= update["validation"]["checked"]


def test_local_problems_stop_before_meta_is_asked(launch_context, sample_images, sandbox_server):
    plan = plan_for(launch_context, sample_images, daily_minor=50)  # $0.50 a day
    plan["ad_sets"][0]["targeting"]["age_min"] = 12
    admin(sandbox_server.url, "POST", "/__sandbox__/stats/reset", {})
    update = validate_plan({"plan": plan}, runtime_for(launch_context, "v2"))
    assert update["phase"] == "invalid" and update["validation"] is None
    paths = {p["path"] for p in update["problems"]}
    assert "ad_sets[0].targeting.age_min" in paths and any("budget" in p for p in paths)
    assert all(p["fix"] for p in update["problems"])
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["graph_calls"] == 0


def test_launch_creates_a_paused_tree_then_activates_it(launch_context, sample_images, sandbox_server):
    state, rt = _launch(launch_context, plan_for(launch_context, sample_images), "l1")
    created = state["created"]
    assert state["phase"] == "live"
    ads = objects(sandbox_server.url, "ad")
    assert sorted(a["id"] for a in ads) == sorted(created["ads"].values())
    assert {a["status"] for a in ads} == {"ACTIVE"}
    campaign = [c for c in objects(sandbox_server.url, "campaign") if c["id"] == created["campaign"]][0]
    assert campaign["status"] == "ACTIVE" and not campaign["name"].endswith("]")  # clean name
    assert campaign["adlabels"][0]["name"].startswith("ap-")  # provenance: the ad label

    # Running the launch nodes again (a resumed thread) creates nothing new.
    for node in (upload_assets, create_campaigns, create_ads):
        assert node(state, rt)
    assert len(objects(sandbox_server.url, "campaign")) == 1
    assert len(objects(sandbox_server.url, "ad")) == len(sample_images)


def test_paused_unless_the_approval_said_go_live(launch_context, sample_images, sandbox_server):
    state, _ = _launch(launch_context, plan_for(launch_context, sample_images), "p1", go_live=False)
    assert state["phase"] == "launched_paused"
    assert {a["status"] for a in objects(sandbox_server.url, "ad")} == {"PAUSED"}
    assert {c["status"] for c in objects(sandbox_server.url, "campaign")} == {"PAUSED"}


def test_images_are_uploaded_once_and_reused_by_a_later_thread(launch_context, sample_images, sandbox_server):
    plan = plan_for(launch_context, sample_images + sample_images[:1])  # one image used twice
    first = upload_assets({"plan": plan}, runtime_for(launch_context, "a1"))
    assert len(first["assets"]) == len(sample_images)
    assert not any(a["reused"] for a in first["assets"].values())
    assert len(objects(sandbox_server.url, "adimage")) == len(sample_images)
    later = upload_assets({"plan": plan_for(launch_context, sample_images, salt="a2")},
                          runtime_for(dataclasses.replace(launch_context), "a2"))
    assert all(a["reused"] for a in later["assets"].values())
    assert {d: a["hash"] for d, a in later["assets"].items()} == {d: a["hash"] for d, a in first["assets"].items()}
    stats = admin(sandbox_server.url, "GET", "/__sandbox__/stats")
    assert stats["writes"] == len(sample_images)


def test_image_urls_are_fetched_once_and_uploaded(launch_context, sample_images, sandbox_server, tmp_path):
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(sample_images[0].parent))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/{sample_images[0].name}"
        plan = plan_for(launch_context, [])
        plan["ad_sets"][0]["ads"] = [{"name": "From a link", "creative": {
            "format": "image", "primary_text": "Grip", "headline": "Trail", "call_to_action": "SHOP_NOW",
            "assets": [{"kind": "image", "url": url}]}}]
        # a loopback server: fetched only because the operator allows private addresses
        ctx = dataclasses.replace(launch_context, assets=AssetAccess.from_env(
            {"ADPILOT_ALLOW_PRIVATE_URLS": "1"}))
        update = upload_assets({"plan": plan}, runtime_for(ctx, "u1"))
        (entry,) = update["assets"].values()
        assert entry["paths"] == [url] and entry["hash"]
        assert len(objects(sandbox_server.url, "adimage")) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_bad_urls_are_plan_problems():
    from tools.asset_checks import check_assets

    plan = {"ad_sets": [{"ads": [{"creative": {"assets": [
        {"kind": "image", "url": "ftp://example.com/a.png"}, {"kind": "video", "url": "https://x.test/v.mp4"}]}}]}]}
    problems, _ = check_assets(plan)
    assert [p["path"] for p in problems] == ["ad_sets[0].ads[0].creative.assets[0].url",
                                             "ad_sets[0].ads[0].creative.assets[1].url"]
