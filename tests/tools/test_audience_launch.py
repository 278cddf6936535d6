"""Audiences, lead forms, bidding and formats launched with the real SDK into the sandbox, read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from state.meta_tree import to_meta_tree
from state.plan import audience_key, lead_form_key, load_plan
from tests.tools.conftest import jpeg, objects
from tools.audiences import audience_size, find_audience, list_audiences
from tools.launch import launch_tree
from tools.launch_prereqs import LaunchRefused, page_instagram_id
from tools.lead_forms import read_lead_form

RECEIPT = "r-approved"


def customer_file(folder: Path, n: int = 300) -> Path:
    path = folder / "buyers.csv"
    rows = [f"Buyer{i},buyer{i}@example.com,+1 650 555 {i:04d}" for i in range(n)]
    path.write_text("first name,email,phone\n" + "\n".join(rows) + "\nNobody,not-an-email,12\n")
    return path


def image(folder: Path, seed: int) -> Path:
    path = folder / f"img{seed}.jpg"
    path.write_bytes(jpeg(seed))
    return path


def leads_plan(folder: Path, pixel_id: str) -> dict[str, Any]:
    imgs = [str(image(folder, i)) for i in range(3)]
    return {
        "name": "Spring leads", "objective": "OUTCOME_LEADS", "currency": "USD",
        "budget": {"kind": "daily", "amount_minor": 10000, "level": "ad_set"},
        "start_time": "2030-01-01T00:00:00+00:00", "end_time": "2030-01-15T00:00:00+00:00",
        "landing_url": "https://shop.example.com/spring", "key_salt": "aud-test",
        "audiences": [
            {"key": "visitors_30d", "kind": "website", "name": "Pricing visitors 30d",
             "retention_days": 30, "url_contains": "/pricing", "pixel_id": pixel_id},
            {"key": "lal_buyers", "kind": "lookalike", "name": "LAL 1% buyers",
             "seed": {"key": "buyers"}, "country": ["US"], "ratio": 0.01},
            {"key": "buyers", "kind": "customer_list", "name": "Buyers",
             "file": str(customer_file(folder)), "phone_country": "US"},
        ],
        "lead_form": {"name": "Spring form", "questions": [{"type": "FULL_NAME"},
                                                           {"type": "EMAIL"}],
                      "privacy_policy": {"url": "https://shop.example.com/privacy"},
                      "thank_you_page": {"title": "Thanks!", "body": "We will call you."}},
        "ad_sets": [
            {"name": "Form, cost cap", "optimization_goal": "LEAD_GENERATION",
             "destination_type": "ON_AD", "bid_strategy": "COST_CAP", "bid_amount": 1500,
             "targeting": {"geo_locations": {"countries": ["US"]},
                           "custom_audiences": [{"key": "visitors_30d"}, {"key": "lal_buyers"}],
                           "excluded_custom_audiences": [{"key": "buyers"}],
                           "targeting_automation": {"advantage_audience": 0}},
             "ads": [{"name": "Form ad", "creative": {
                 "format": "image", "primary_text": "Get a quote", "headline": "Spring offer",
                 "call_to_action": "SIGN_UP", "assets": [{"kind": "image", "path": imgs[0]}]}}]},
            {"name": "Dynamic", "optimization_goal": "OFFSITE_CONVERSIONS",
             "destination_type": "WEBSITE", "is_dynamic_creative": True,
             "promoted_object": {"pixel_id": pixel_id, "custom_event_type": "LEAD"},
             "targeting": {"geo_locations": {"countries": ["US"]}},
             "ads": [{"name": "DC ad", "creative": {
                 "format": "dynamic", "call_to_action": "SIGN_UP",
                 "asset_feed_spec": {
                     "images": [{"path": imgs[1]}, {"path": imgs[2]}],
                     "titles": [{"text": "Spring offer"}, {"text": "Save 20%"}],
                     "bodies": [{"text": "Quotes in a minute"}, {"text": "No spam"}]}}}]},
        ],
    }


def whatsapp_plan(folder: Path) -> dict[str, Any]:
    return {
        "name": "Chat with us", "objective": "OUTCOME_ENGAGEMENT", "currency": "USD",
        "budget": {"kind": "daily", "amount_minor": 3000, "level": "ad_set"},
        "start_time": "2030-01-01T00:00:00+00:00", "key_salt": "wa-test",
        "ad_sets": [{"name": "WhatsApp", "optimization_goal": "CONVERSATIONS",
                     "destination_type": "WHATSAPP",
                     "targeting": {"geo_locations": {"countries": ["US"]}},
                     "ads": [{"name": "WA ad", "creative": {
                         "format": "image", "primary_text": "Ask us anything",
                         "headline": "Chat on WhatsApp",
                         "assets": [{"kind": "image", "path": str(image(folder, 9))}]}}]}]}


def upload_all(client, plan: dict[str, Any]) -> dict[str, str]:
    from tools.asset_checks import iter_assets

    return {ref["path"]: client.upload_image(ref["path"])["hash"]
            for _f, ref, _s in iter_assets(plan)}


def failures(result) -> list[str]:
    return [f"{result.types.get(k)} {k[:8]}: {v.get('message')}" for k, v in result.failed.items()]


def pixel_of(client) -> str:
    return client.get_all(f"{client._account()}/adspixels", {"fields": "id"})[0]["id"]


def tree_of(client, account, plan: dict[str, Any]) -> dict[str, Any]:
    return to_meta_tree(plan, account_id=account["account_id"], page_id=account["page_id"],
                        image_hashes=upload_all(client, plan), video_ids={},
                        pixel_id=pixel_of(client),
                        instagram_user_id=page_instagram_id(client, account["page_id"]))


def test_audiences_form_cost_cap_and_dynamic_creative_launch_wired(client, account, ledger,
                                                                    tmp_path):
    plan_dict = leads_plan(tmp_path, pixel_of(client))
    plan = load_plan(plan_dict)
    tree = tree_of(client, account, plan_dict)
    assert [a["handle"] for a in tree["audiences"]] == ["visitors_30d", "buyers", "lal_buyers"]

    result = launch_tree(client, tree, thread_id="t-aud", receipt=RECEIPT)
    assert result.ok, failures(result)
    ids = result.ids
    visitors, buyers, lal = (ids[audience_key(plan, h)] for h in
                             ("visitors_30d", "buyers", "lal_buyers"))
    form_id = ids[lead_form_key(plan)]

    # created in dependency order: audiences (seed before lookalike), the form, then the campaign
    creates = [r for r in ledger.rows("t-aud") if r["op"] == "create"]
    order = [r["object_type"] for r in creates]
    assert order[:4] == ["custom_audience", "custom_audience", "custom_audience", "lead_form"]
    assert order[4] == "campaign"
    assert [r["meta_id"] for r in creates[:3]] == [visitors, buyers, lal]

    # the customer list went up in one batch: counts only, and the invalid row was dropped
    [upload] = result.uploads
    assert (upload["rows_valid"], upload["rows_dropped"], upload["batches"]) == (300, 1, 1)
    assert upload["num_received"] == 300
    size = audience_size(client, buyers)
    assert size["usable"] and 100 <= size["lower"] <= size["upper"] <= 300

    # read back from the sandbox: each audience carries its tag and Meta's fields
    listed = {a["id"]: a for a in list_audiences(client)}
    assert {visitors, buyers, lal} <= set(listed)
    lookalike = client.get(lal, {"fields": "origin_audience_id,lookalike_spec,subtype"})
    assert lookalike["subtype"] == "LOOKALIKE" and lookalike["origin_audience_id"] == buyers
    assert find_audience(client, name="Buyers")["id"] == buyers
    form = read_lead_form(client, form_id)
    assert form["name"].startswith("Spring form [ap:")

    # the ad sets hold the created ids, the cost cap and the destinations
    form_set, dc_set = (client.get(ids[s.key or ""], {"fields": "targeting,bid_strategy,bid_amount,"
                                                      "destination_type,promoted_object,"
                                                      "is_dynamic_creative"})
                        for s in plan.ad_sets)
    targeting = form_set["targeting"]
    assert sorted(a["id"] for a in targeting["custom_audiences"]) == sorted([visitors, lal])
    assert [a["id"] for a in targeting["excluded_custom_audiences"]] == [buyers]
    assert targeting["targeting_automation"] == {"advantage_audience": 0}
    assert form_set["bid_strategy"] == "COST_CAP" and int(form_set["bid_amount"]) == 1500
    assert form_set["destination_type"] == "ON_AD"
    assert form_set["promoted_object"] == {"page_id": account["page_id"]}
    assert dc_set["is_dynamic_creative"] is True

    # the creatives hold the form id and the asset feed
    form_ad, dc_ad = (client.get(ids[s.ads[0].creative.key or ""],
                                 {"fields": "object_story_spec,asset_feed_spec"})
                      for s in plan.ad_sets)
    cta = form_ad["object_story_spec"]["link_data"]["call_to_action"]
    assert cta["type"] == "SIGN_UP" and cta["value"]["lead_gen_form_id"] == form_id
    assert cta["value"]["link"] == "https://shop.example.com/spring"
    instagram = page_instagram_id(client, account["page_id"])
    assert instagram and dc_ad["object_story_spec"] == {"page_id": account["page_id"],
                                                        "instagram_user_id": instagram}
    feed = dc_ad["asset_feed_spec"]
    assert len(feed["images"]) == 2 and all(i.get("hash") for i in feed["images"])
    assert [t["text"] for t in feed["titles"]] == ["Spring offer", "Save 20%"]
    assert feed["ad_formats"] == ["SINGLE_IMAGE"]
    assert feed["link_urls"] == [{"website_url": "https://shop.example.com/spring"}]

    # a re-run creates nothing and does not read or upload the customer list again
    Path(plan_dict["audiences"][2]["file"]).unlink()
    again = launch_tree(client, tree, thread_id="t-aud", receipt=RECEIPT)
    assert again.ok and not again.created and not again.uploads
    assert ledger.verify()[0]


def test_whatsapp_ad_set_gets_the_page_and_a_cta_without_value(client, account, tmp_path):
    plan = load_plan(whatsapp_plan(tmp_path))
    result = launch_tree(client, tree_of(client, account, whatsapp_plan(tmp_path)),
                         thread_id="t-wa", receipt=RECEIPT)
    assert result.ok, failures(result)
    ad_set = client.get(result.ids[plan.ad_sets[0].key or ""],
                        {"fields": "destination_type,promoted_object,optimization_goal"})
    assert ad_set["destination_type"] == "WHATSAPP"
    assert ad_set["promoted_object"] == {"page_id": account["page_id"]}
    creative = client.get(result.ids[plan.ad_sets[0].ads[0].creative.key or ""],
                          {"fields": "object_story_spec"})
    assert creative["object_story_spec"]["link_data"]["call_to_action"] == {
        "type": "WHATSAPP_MESSAGE"}


def test_lost_responses_on_audience_and_form_creates_are_reconciled_without_duplicates(
        sandbox, client, account, ledger, faults, tmp_path):
    plan_dict = leads_plan(tmp_path, pixel_of(client))
    plan_dict["audiences"] = plan_dict["audiences"][:1]  # the website audience only
    plan_dict["ad_sets"] = plan_dict["ad_sets"][:1]  # the lead-form ad set
    plan_dict["ad_sets"][0]["targeting"].pop("excluded_custom_audiences")
    plan_dict["ad_sets"][0]["targeting"]["custom_audiences"] = [{"key": "visitors_30d"}]
    plan = load_plan(plan_dict)
    tree = tree_of(client, account, plan_dict)
    faults(lost_response=1.0)
    result = launch_tree(client, tree, thread_id="t-lost-aud", receipt=RECEIPT)
    faults()
    assert result.ok, failures(result)
    key = audience_key(plan, "visitors_30d")
    assert key in result.adopted and not result.created
    tagged = [o for o in objects(sandbox, "customaudience") if "[ap:" in str(o.get("name"))]
    assert len(tagged) == 1
    rows = [r for r in ledger.rows("t-lost-aud") if r["plan_key"] == key]
    assert rows[-1]["status"] == "done" and rows[-1]["meta_id"] == tagged[0]["id"]
    assert not ledger.pending_unknown("t-lost-aud")
    ad_set = client.get(result.ids[plan.ad_sets[0].key or ""], {"fields": "targeting"})
    assert [a["id"] for a in ad_set["targeting"]["custom_audiences"]] == [tagged[0]["id"]]
    forms = [f for f in objects(sandbox, "leadgen_form") if "[ap:" in str(f.get("name"))]
    assert len(forms) == 1 and lead_form_key(plan) in result.adopted
    creative = client.get(result.ids[plan.ad_sets[0].ads[0].creative.key or ""],
                          {"fields": "object_story_spec"})
    value = creative["object_story_spec"]["link_data"]["call_to_action"]["value"]
    assert value["lead_gen_form_id"] == forms[0]["id"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p["ad_sets"][0]["targeting"].update(custom_audiences=[{"name": "Old buyers"}]),
     "named 'Old buyers' was not resolved to an id before approval"),
    (lambda p: p["ad_sets"][0]["targeting"].update(custom_audiences=[{"key": "nope"}]),
     "audience key 'nope' is not in the plan's audiences"),
    (lambda p: p["audiences"][2].update(file="/nowhere/buyers.csv"), "/nowhere/buyers.csv"),
    (lambda p: p["audiences"][0].pop("retention_days"), "needs retention_days"),
    (lambda p: p["audiences"][1].update(seed={"name": "Old buyers"}),
     "seed 'Old buyers' has no id"),
])
def test_refusals_come_before_anything_is_written(client, account, sandbox, tmp_path, change,
                                                  message):
    plan_dict = leads_plan(tmp_path, pixel_of(client))
    change(plan_dict)
    tree = tree_of(client, account, plan_dict)
    before = {k: len(objects(sandbox, k)) for k in ("customaudience", "campaign",
                                                     "leadgen_form")}
    with pytest.raises(ValueError, match=message):
        launch_tree(client, tree, thread_id="t-refuse", receipt=RECEIPT)
    assert {k: len(objects(sandbox, k)) for k in before} == before


def test_audiences_are_created_only_under_an_approval_receipt(client, account, sandbox, tmp_path):
    tree = tree_of(client, account, leads_plan(tmp_path, pixel_of(client)))
    with pytest.raises(LaunchRefused, match="only by an approved launch"):
        launch_tree(client, tree, thread_id="t-norcpt")
    assert not [o for o in objects(sandbox, "customaudience") if "[ap:" in str(o.get("name"))]


def test_customer_list_upload_resumes_and_reruns_idempotently(sandbox, client, ledger, faults,
                                                               tmp_path):
    from tools.audiences import create_audience, upload_customer_list
    from tools.customer_list import read_customer_list

    customers = read_customer_list(customer_file(tmp_path, 300))
    key = "k" * 64
    audience_id, how = create_audience(client, {"name": "Buyers [ap:kkkkkkkk]",
                                                "subtype": "CUSTOM",
                                                "customer_file_source": "USER_PROVIDED_ONLY"},
                                       plan_key=key, receipt=RECEIPT)
    assert how == "created"
    faults(lost_response=1.0)  # every answer is lost: batch 1 is sent, maybe applied, unknown
    with pytest.raises(Exception, match="no answer after 3 attempts"):
        upload_customer_list(client, audience_id, customers, audience_key=key,
                             receipt=RECEIPT, batch_size=100)
    faults()
    assert ledger.pending_unknown("t-test")
    first = upload_customer_list(client, audience_id, customers, audience_key=key,
                                 receipt=RECEIPT, batch_size=100)
    assert (first["batches"], first["batches_skipped"]) == (3, 0)
    assert not ledger.pending_unknown("t-test")  # the confirmed resend settled the lost ones
    size = audience_size(client, audience_id)
    # a re-run skips every finished batch: nothing is sent, the size is unchanged
    again = upload_customer_list(client, audience_id, customers, audience_key=key,
                                 receipt=RECEIPT, batch_size=100)
    assert (again["batches"], again["batches_skipped"]) == (0, 3)
    assert audience_size(client, audience_id) == size
    # sending every row again (Meta de-duplicates hashed rows) does not grow the audience
    upload_customer_list(client, audience_id, customers, audience_key="other" + key[5:],
                         receipt=RECEIPT, batch_size=100)
    assert audience_size(client, audience_id)["upper"] == size["upper"]
    logged = [r for r in ledger.rows("t-test") if r["object_type"] == "audience_users"]
    assert logged and all(set(r["after"]) <= {"schema", "rows", "session", "file_sha256",
                                              "num_received", "num_invalid_entries",
                                              "confirmed_by"} for r in logged), logged[0]


def test_the_dry_run_checks_audiences_and_the_form_before_approval(client, account, tmp_path):
    from types import SimpleNamespace

    from agents.orchestrator.meta_checks import validate_with_meta

    ctx = SimpleNamespace(account_id=account["account_id"], page_id=account["page_id"],
                          pixel_id=pixel_of(client))
    plan = leads_plan(tmp_path, pixel_of(client))
    checked = validate_with_meta(client, plan, ctx)
    assert checked["ok"], checked["errors"]
    # 2 audiences + form + campaign + 2 ad sets + 2 creatives; the lookalike of a list the
    # launch creates waits for its seed
    assert checked["checked"] == 8 and checked["deferred"] >= 1
    plan["lead_form"].pop("privacy_policy")
    refused = validate_with_meta(client, plan, ctx)
    assert not refused["ok"]
    assert [p["path"].split(".")[0] for p in refused["problems"]] == ["lead form"]
    assert "privacy" in refused["problems"][0]["message"].lower()
    assert not objects_named(client)


def objects_named(client) -> list[dict[str, Any]]:
    return [a for a in list_audiences(client) if "[ap:" in str(a.get("name"))]


@pytest.mark.parametrize(("destination", "cta"), [
    ("MESSENGER", {"type": "MESSAGE_PAGE", "value": {"app_destination": "MESSENGER"}}),
    ("INSTAGRAM_DIRECT", {"type": "INSTAGRAM_MESSAGE",
                          "value": {"app_destination": "INSTAGRAM_DIRECT"}}),
    ("WHATSAPP", {"type": "WHATSAPP_MESSAGE"}),
    ("WEBSITE", {"type": "LEARN_MORE", "value": {"link": "https://x.example/"}}),
])
def test_messaging_destinations_get_their_call_to_action(destination, cta):
    plan = {"name": "c", "objective": "OUTCOME_ENGAGEMENT", "currency": "USD",
            "landing_url": "https://x.example/" if destination == "WEBSITE" else None,
            "ad_sets": [{"name": "s", "optimization_goal": "CONVERSATIONS",
                         "destination_type": destination,
                         "ads": [{"name": "a", "creative": {"primary_text": "hi"}}]}]}
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes={}, video_ids={})
    story = tree["creatives"][0]["params"]["object_story_spec"]["link_data"]
    assert story["call_to_action"] == cta
    assert story["link"]  # Meta needs a link on a link ad, even a messaging one
    page = {"page_id": "p1"} if destination != "WEBSITE" else None
    assert tree["ad_sets"][0]["params"].get("promoted_object") == page


def test_engagement_audiences_become_rules_over_their_source():
    plan = {"name": "c", "objective": "OUTCOME_TRAFFIC", "currency": "USD", "audiences": [
        {"key": "fans", "kind": "engagement", "name": "Page fans", "source": "facebook_page",
         "retention_days": 365},
        {"key": "ig", "kind": "engagement", "name": "IG", "source": "instagram",
         "source_ids": ["ig1"], "retention_days": 90},
        {"key": "viewers", "kind": "engagement", "name": "Viewers", "source": "video",
         "retention_days": 30},
    ]}
    nodes = to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes={},
                         video_ids={})["audiences"]
    fans, ig, viewers = (n["params"] for n in nodes)
    rule = fans["rule"]["inclusions"]["rules"][0]
    assert rule["event_sources"] == [{"id": "p1", "type": "page"}]
    assert rule["retention_seconds"] == 365 * 86400
    assert rule["filter"]["filters"] == [{"field": "event", "operator": "eq",
                                          "value": "page_engaged"}]
    assert "subtype" not in fans and fans["prefill"] is True
    assert ig["rule"]["inclusions"]["rules"][0]["event_sources"] == [{"id": "ig1",
                                                                      "type": "ig_business"}]
    assert viewers["subtype"] == "VIDEO"
    assert "source_ids" in nodes[2]["problem"]  # a video audience must name its videos


def test_feed_videos_get_posters_and_become_video_ids(tmp_path):
    from agents.assets.nodes import feed_video_plan
    from tools.asset_checks import iter_assets, video_thumbnails

    plan = {"name": "c", "objective": "OUTCOME_TRAFFIC", "currency": "USD",
            "landing_url": "https://x.example/",
            "ad_sets": [{"name": "s", "optimization_goal": "LINK_CLICKS",
                         "is_dynamic_creative": True, "ads": [{"name": "a", "creative": {
                             "format": "dynamic", "asset_feed_spec": {
                                 "videos": [{"path": "clip.mp4"}],
                                 "images": [{"path": "still.jpg"}],
                                 "titles": [{"text": "One"}]}}}]}]}
    assert sorted(f for f, _r, _s in iter_assets(plan)) == [
        "ad_sets[0].ads[0].creative.asset_feed_spec.images[0]",
        "ad_sets[0].ads[0].creative.asset_feed_spec.videos[0]"]
    posters = video_thumbnails(feed_video_plan(plan), tmp_path)
    assert list(posters) == ["clip.mp4"] and posters["clip.mp4"].is_file()
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1", video_ids={"clip.mp4": "v1"},
                        image_hashes={"still.jpg": "h1", "clip.mp4#thumbnail": "h2"},
                        instagram_user_id="ig9")
    params = tree["creatives"][0]["params"]
    assert params["object_story_spec"] == {"page_id": "p1", "instagram_user_id": "ig9"}
    feed = params["asset_feed_spec"]
    assert feed["videos"] == [{"video_id": "v1", "thumbnail_hash": "h2"}]
    assert feed["images"] == [{"hash": "h1"}] and feed["ad_formats"] == ["AUTOMATIC_FORMAT"]
    assert tree["ad_sets"][0]["params"]["is_dynamic_creative"] is True


def test_existing_audiences_are_found_by_exact_name_or_id_and_sized(client, tmp_path):
    from tools.audiences import AudienceNotFound, create_audience, upload_customer_list
    from tools.customer_list import read_customer_list

    def make(name: str, key: str) -> str:
        return create_audience(client, {"name": f"{name} [ap:{key[:8]}]", "subtype": "CUSTOM",
                                        "customer_file_source": "USER_PROVIDED_ONLY"},
                               plan_key=key, receipt=RECEIPT)[0]

    small = make("VIP", "a" * 64)
    upload_customer_list(client, small, read_customer_list(customer_file(tmp_path, 10)),
                         audience_key="a" * 64, receipt=RECEIPT)
    assert find_audience(client, name="vip ")["id"] == small  # tag and case ignored
    assert find_audience(client, id=small)["id"] == small
    size = audience_size(client, small)
    assert size["upper"] <= 10 and not size["usable"]  # under 20 people: not deliverable
    make("VIP", "b" * 64)
    with pytest.raises(AudienceNotFound, match="2 custom audiences are named 'VIP'"):
        find_audience(client, name="VIP")
    with pytest.raises(AudienceNotFound, match="no custom audience named 'Nobody'"):
        find_audience(client, name="Nobody")
    with pytest.raises(AudienceNotFound, match="no custom audience 999"):
        find_audience(client, id="999")
