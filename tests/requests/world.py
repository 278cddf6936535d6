"""A campaign tree made directly with the facebook_business SDK (not by adpilot), for requests.

`sdk_world(server)` builds, in the sandbox's ad account: "Spring Sale" (sales, a $150 campaign
budget, ad sets "Women 25-34" with two ads and "Men 25-44" with one), "Retargeting" (ad-set
budgets: "Site Visitors 30d" at $40 a day with one ad) and returns their ids. With `pair`,
also "Always On" (ad-set budgets: "US 18-34" and "US 35-54" at $40 a day, one ad each), for
moves between two budgets. Requests in
the tests name these objects the way a marketer would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from facebook_business.adobjects.adaccount import AdAccount
from PIL import Image

from sandbox.testing import make_api


def sdk_world(server: Any, tmp: Path, *, twin: bool = False, pair: bool = False,
              traffic: bool = False) -> dict[str, Any]:
    """Create the tree with the SDK over HTTP; return {"campaign", "retargeting", "adsets", "ads"}.

    `twin`: Retargeting's ad set also gets an ad named "Carousel A" (two ads share the name;
    `ads["Carousel A (Retargeting)"]` is the second). `traffic`: also "Blog Traffic" (a traffic
    campaign: one link-click ad set "Readers" at $30 a day, one ad "Blog Post").
    """
    image = tmp / "shoe.png"
    Image.new("RGB", (1080, 1080), (30, 120, 200)).save(image)
    acct = AdAccount(server.account_id, api=make_api(server.url))
    store = server.store
    page = str(store.list_objects("page")[0]["id"])
    pixel = str(store.list_objects("adspixel")[0]["id"])
    image_hash = acct.create_ad_image(params={"filename": str(image)})["hash"]
    ids: dict[str, Any] = {"adsets": {}, "ads": {}}

    def ad(adset_id: str, name: str) -> None:
        creative = acct.create_ad_creative(params={"name": f"C {name}", "object_story_spec": {
            "page_id": page, "link_data": {"link": "https://shop.example.com", "message": name,
                                           "image_hash": image_hash,
                                           "call_to_action": {"type": "SHOP_NOW"}}}})
        ids["ads"][name] = str(acct.create_ad(params={
            "name": name, "adset_id": adset_id, "status": "ACTIVE",
            "creative": {"creative_id": creative["id"]}})["id"])

    def adset(campaign: str, name: str, ages: tuple[int, int], budget: int | None) -> str:
        params = {"name": name, "campaign_id": campaign, "billing_event": "IMPRESSIONS",
                  "optimization_goal": "OFFSITE_CONVERSIONS", "status": "ACTIVE",
                  "promoted_object": {"pixel_id": pixel, "custom_event_type": "PURCHASE"},
                  "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": ages[0],
                                "age_max": ages[1]}}
        if budget:
            params |= {"daily_budget": budget, "bid_strategy": "LOWEST_COST_WITHOUT_CAP"}
        ids["adsets"][name] = str(acct.create_ad_set(params=params)["id"])
        return ids["adsets"][name]

    ids["campaign"] = str(acct.create_campaign(params={
        "name": "Spring Sale", "objective": "OUTCOME_SALES", "special_ad_categories": [],
        "status": "ACTIVE", "daily_budget": 15000, "bid_strategy": "LOWEST_COST_WITHOUT_CAP"})["id"])
    women = adset(ids["campaign"], "Women 25-34", (25, 34), None)
    ad(women, "Video - Trail")
    ad(women, "Carousel A")
    ad(adset(ids["campaign"], "Men 25-44", (25, 44), None), "Static - Summit")
    ids["retargeting"] = str(acct.create_campaign(params={
        "name": "Retargeting", "objective": "OUTCOME_SALES", "special_ad_categories": [],
        "status": "ACTIVE"})["id"])
    visitors = adset(ids["retargeting"], "Site Visitors 30d", (18, 65), 4000)
    ad(visitors, "Dynamic Retarget")
    if twin:
        first = ids["ads"]["Carousel A"]
        ad(visitors, "Carousel A")
        ids["ads"]["Carousel A (Retargeting)"] = ids["ads"]["Carousel A"]
        ids["ads"]["Carousel A"] = first
    if pair:
        ids["always_on"] = str(acct.create_campaign(params={
            "name": "Always On", "objective": "OUTCOME_SALES", "special_ad_categories": [],
            "status": "ACTIVE"})["id"])
        ad(adset(ids["always_on"], "US 18-34", (18, 34), 4000), "Young - Static")
        ad(adset(ids["always_on"], "US 35-54", (35, 54), 4000), "Older - Static")
    if traffic:
        ids["traffic"] = str(acct.create_campaign(params={
            "name": "Blog Traffic", "objective": "OUTCOME_TRAFFIC", "special_ad_categories": [],
            "status": "ACTIVE"})["id"])
        readers = str(acct.create_ad_set(params={
            "name": "Readers", "campaign_id": ids["traffic"], "billing_event": "IMPRESSIONS",
            "optimization_goal": "LINK_CLICKS", "status": "ACTIVE", "daily_budget": 3000,
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
            "targeting": {"geo_locations": {"countries": ["US"]}}})["id"])
        ids["adsets"]["Readers"] = readers
        ad(readers, "Blog Post")
    return ids
