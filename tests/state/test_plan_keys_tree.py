import json

import pytest

from state.meta_tree import to_meta_tree
from state.plan import PlanError, assign_keys, load_plan, plan_dict, plan_keys
from tests.state.planfix import good_plan

HASHES = {"hero.jpg": "h-hero"}


def test_keys_are_stable_and_not_user_editable():
    a, b = plan_keys(load_plan(good_plan())), plan_keys(load_plan(good_plan()))
    assert a == b and len(set(a.values())) == len(a)
    forged = good_plan()
    forged["key"] = "f" * 64
    assert load_plan(forged).key == a["campaign"]


def test_editing_one_ad_changes_only_that_ads_keys():
    before = plan_keys(load_plan(good_plan()))
    edited = good_plan()
    edited["ad_sets"][0]["ads"][0]["creative"]["headline"] = "New headline"
    after = plan_keys(load_plan(edited))
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"ad_sets[0].ads[0].creative"}


def test_position_and_salt_change_keys():
    plan = good_plan()
    plan["ad_sets"][0]["ads"].append(json.loads(json.dumps(plan["ad_sets"][0]["ads"][0])))
    keys = plan_keys(load_plan(plan))
    assert keys["ad_sets[0].ads[0]"] != keys["ad_sets[0].ads[1]"]
    salted = good_plan()
    salted["key_salt"] = "thread-2"
    assert plan_keys(load_plan(salted))["campaign"] != plan_keys(load_plan(good_plan()))["campaign"]


def test_plan_dict_round_trips_through_json():
    d = plan_dict(load_plan(good_plan()))
    again = plan_dict(load_plan(json.loads(json.dumps(d))))
    assert d == again


def test_load_plan_names_bad_fields():
    bad = good_plan()
    bad["ad_sets"][0]["targeting"]["age_min"] = "eighteen"
    with pytest.raises(PlanError) as exc:
        load_plan(bad)
    assert exc.value.problems[0].path == "ad_sets[0].targeting.age_min"
    with pytest.raises(PlanError):
        load_plan(["not", "a", "plan"])  # type: ignore[arg-type]


def test_tree_shape_status_and_provenance_labels(monkeypatch):
    monkeypatch.delenv("ADPILOT_NAME_TAGS", raising=False)  # the default: clean names
    plan = assign_keys(load_plan(good_plan()))
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes=HASHES, video_ids={})
    camp = tree["campaign"]
    assert camp["key"] == plan.key
    assert camp["params"]["status"] == "PAUSED"
    assert camp["params"]["name"] == "Spring sale"
    assert camp["params"]["daily_budget"] == 6000
    assert camp["params"]["special_ad_categories"] == []
    ad_set = tree["ad_sets"][0]
    assert "campaign_id" not in ad_set["params"] and ad_set["params"]["status"] == "PAUSED"
    assert ad_set["params"]["promoted_object"] == {"pixel_id": "px1",
                                                   "custom_event_type": "PURCHASE"}
    assert "daily_budget" not in ad_set["params"]  # the budget is on the campaign (CBO)
    creative = tree["creatives"][0]
    spec = creative["params"]["object_story_spec"]
    assert spec["page_id"] == "p1"
    assert spec["link_data"]["image_hash"] == "h-hero"
    assert spec["link_data"]["link"] == "https://shop.example.com/sale"
    assert spec["link_data"]["call_to_action"]["type"] == "SHOP_NOW"
    ad = tree["ads"][0]
    assert ad["creative_key"] == creative["key"] and ad["ad_set_key"] == ad_set["key"]
    assert "adset_id" not in ad["params"] and "creative" not in ad["params"]
    assert ad["params"]["adlabels"] == [{"name": f"ap-{ad['key'][:8]}"}]
    for node in [camp, *tree["ad_sets"], *tree["creatives"], *tree["ads"]]:
        assert node["params"]["adlabels"] == [{"name": f"ap-{node['key'][:8]}"}]
        assert "[ap:" not in node["params"]["name"]


def test_name_tags_on_puts_the_tag_back_on_every_name_beside_the_label(monkeypatch):
    monkeypatch.setenv("ADPILOT_NAME_TAGS", "on")
    plan = assign_keys(load_plan(good_plan()))
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes=HASHES, video_ids={})
    assert tree["campaign"]["params"]["name"] == f"Spring sale [ap:{plan.key[:8]}]"
    for node in [tree["campaign"], *tree["ad_sets"], *tree["creatives"], *tree["ads"]]:
        assert node["params"]["name"].endswith(f" [ap:{node['key'][:8]}]")
        assert node["params"]["adlabels"] == [{"name": f"ap-{node['key'][:8]}"}]
    monkeypatch.setenv("ADPILOT_NAME_TAGS", "sometimes")
    with pytest.raises(ValueError, match="ADPILOT_NAME_TAGS='sometimes': use on"):
        to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes=HASHES, video_ids={})


def test_ad_set_budgets_are_split_equally():
    plan = good_plan()
    plan["ad_sets"] = [plan["ad_sets"][0], json.loads(json.dumps(plan["ad_sets"][0]))]
    plan["ad_sets"][1]["name"] = "US 46-65"
    plan["budget"] = {"kind": "daily", "amount_minor": 10000, "level": "ad_set"}
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes=HASHES, video_ids={})
    assert "daily_budget" not in tree["campaign"]["params"]
    assert tree["campaign"]["params"]["is_adset_budget_sharing_enabled"] is False
    assert [s["params"]["daily_budget"] for s in tree["ad_sets"]] == [5000, 5000]


def test_carousel_video_and_dsa_params():
    plan = good_plan()
    plan["ad_sets"][0]["targeting"]["geo_locations"] = {"countries": ["DE"]}
    plan["dsa_payor"] = plan["dsa_beneficiary"] = "Shop GmbH"
    ads = plan["ad_sets"][0]["ads"]
    ads[0]["creative"].update(format="carousel", assets=[
        {"kind": "image", "path": "a.jpg"}, {"kind": "image", "path": "b.jpg"}])
    ads.append({"name": "V", "creative": {"format": "video", "primary_text": "Watch",
                                          "headline": "Trailer", "call_to_action": "LEARN_MORE",
                                          "assets": [{"kind": "video", "path": "t.mp4"}]}})
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1",
                        image_hashes={"a.jpg": "ha", "b.jpg": "hb", "t.mp4#thumbnail": "ht"},
                        video_ids={"t.mp4": "v1"})
    assert tree["ad_sets"][0]["params"]["dsa_payor"] == "Shop GmbH"
    cards = tree["creatives"][0]["params"]["object_story_spec"]["link_data"]["child_attachments"]
    assert [c["image_hash"] for c in cards] == ["ha", "hb"]
    video = tree["creatives"][1]["params"]["object_story_spec"]["video_data"]
    assert video["video_id"] == "v1" and video["image_hash"] == "ht"


def test_missing_upload_is_a_clear_error():
    with pytest.raises(KeyError, match="hero.jpg"):
        to_meta_tree(good_plan(), account_id="act_1", page_id="p1", image_hashes={},
                     video_ids={})


@pytest.mark.parametrize("tags", ["on", "off"])
def test_long_names_fit_metas_limits_with_or_without_their_tag(monkeypatch, tags):
    monkeypatch.setenv("ADPILOT_NAME_TAGS", tags)
    plan = good_plan()
    plan["ad_sets"][0]["ads"][0]["name"] = "x" * 300
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1", image_hashes=HASHES, video_ids={})
    name = tree["creatives"][0]["params"]["name"]
    assert len(name) == 100 and name.endswith("]") == (tags == "on")
