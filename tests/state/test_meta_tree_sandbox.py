"""The tree `to_meta_tree` builds is accepted by the sandbox through the real SDK, as is."""

from datetime import date, timedelta

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adimage import AdImage
from facebook_business.adobjects.user import User
from PIL import Image

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from state.meta_tree import to_meta_tree
from state.plan import load_plan
from state.plan_checks import AccountInfo, validate_plan
from state.provenance import label_for


def _ids(fb_api, account_id):
    page = User(fbid="me", api=fb_api).get_accounts()[0]["id"]
    pixel = AdAccount(account_id, api=fb_api).get_ads_pixels()[0]["id"]
    return page, pixel


def _launch(fb_api, account_id, tree):
    account = AdAccount(account_id, api=fb_api)
    created = {}
    camp = account.create_campaign(params=tree["campaign"]["params"])
    created[tree["campaign"]["key"]] = camp["id"]
    for s in tree["ad_sets"]:
        created[s["key"]] = account.create_ad_set(
            params={**s["params"], "campaign_id": camp["id"]})["id"]
    for c in tree["creatives"]:
        created[c["key"]] = account.create_ad_creative(params=c["params"])["id"]
    for a in tree["ads"]:
        created[a["key"]] = account.create_ad(params={
            **a["params"], "adset_id": created[a["ad_set_key"]],
            "creative": {"creative_id": created[a["creative_key"]]}})["id"]
    return created


@pytest.mark.parametrize("brief,currency", [
    ("Sell trail shoes to runners in the US aged 25-45, $60/day for two weeks starting "
     "tomorrow. https://shop.example.com/trail, IMG", "USD"),
    ("test 25-34 vs 35-44 for our meal kit, $50/day each for 10 days, US and Canada, "
     "https://freshbox.example.com/try, IMG, we want sales", "USD"),
    ("€1,500 total over two weeks for sales in Germany and Austria, women 30+, "
     "https://laden.example.de, IMG, paid for by Laden GmbH", "USD"),
])
def test_planned_tree_launches_on_the_sandbox(sandbox, fb_api, tmp_path, brief, currency):
    image = tmp_path / "hero.jpg"
    Image.new("RGB", (1080, 1080), (200, 80, 40)).save(image)
    page, pixel = _ids(fb_api, sandbox.account_id)
    today = date.today()
    # The sandbox account is USD: restate a euro brief in dollars, as the problem says to.
    brief = brief.replace("IMG", str(image)).replace("€1,500", "$1,500")
    result = plan_brief(brief, PlanDefaults(currency=currency, page_id=page, pixel_id=pixel,
                                            today=today - timedelta(days=0)))
    assert result.questions == [], result.questions
    plan = load_plan(result.plan)
    report = validate_plan(plan, AccountInfo(currency=currency, page_id=page, pixel_id=pixel))
    assert report.ok, report.to_dict()
    # Upload first: the tree needs the image hash.
    uploaded = AdAccount(sandbox.account_id, api=fb_api).create_ad_image(
        params={AdImage.Field.filename: str(image)})
    tree = to_meta_tree(plan, account_id=sandbox.account_id, page_id=page,
                        image_hashes={str(image): uploaded[AdImage.Field.hash]}, video_ids={})
    created = _launch(fb_api, sandbox.account_id, tree)
    assert len(created) == 1 + len(tree["ad_sets"]) + 2 * len(tree["ads"])
    campaigns = list(AdAccount(sandbox.account_id, api=fb_api).get_campaigns(
        fields=["name", "status", "objective", "adlabels"]))
    assert [c["name"] for c in campaigns] == [tree["campaign"]["params"]["name"]]
    # Names stay the plan's (ADPILOT_NAME_TAGS off); the provenance is the ad label.
    assert "[ap:" not in campaigns[0]["name"]
    assert [lb["name"] for lb in campaigns[0]["adlabels"]] == [label_for(plan.key or "")]
    assert campaigns[0]["status"] == "PAUSED"
    ads = list(AdAccount(sandbox.account_id, api=fb_api).get_ads(fields=["name", "status"]))
    assert {a["status"] for a in ads} == {"PAUSED"}
    assert len(ads) == len(tree["ads"])
