"""Delivery end to end: objects created through the SDK, the admin clock, insights back."""

from pathlib import Path

from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from PIL import Image

from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN, make_api

ACCOUNT = "act_1010101010"
PAGE = "102030405060708"
PIXEL = "880011223344556"


def launch(api, image: Path, start: str) -> dict:
    """1 campaign x 2 ad sets x 2 ads through the SDK, as a client would."""
    acct = AdAccount(ACCOUNT, api=api)
    img = acct.create_ad_image(params={"filename": str(image)})
    camp = acct.create_campaign(
        params={
            "name": "Spring",
            "objective": "OUTCOME_SALES",
            "special_ad_categories": [],
            "status": "ACTIVE",
        }
    )
    out = {"campaign": camp["id"], "adsets": [], "ads": []}
    for i, ages in enumerate([(25, 34), (35, 54)]):
        adset = acct.create_ad_set(
            params={
                "name": f"Set {i}",
                "campaign_id": camp["id"],
                "daily_budget": 8000,
                "billing_event": "IMPRESSIONS",
                "optimization_goal": "OFFSITE_CONVERSIONS",
                "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
                "start_time": start,
                "promoted_object": {"pixel_id": PIXEL, "custom_event_type": "PURCHASE"},
                "targeting": {
                    "geo_locations": {"countries": ["US"]},
                    "age_min": ages[0],
                    "age_max": ages[1],
                },
                "status": "ACTIVE",
            }
        )
        out["adsets"].append(adset["id"])
        for j in range(2):
            creative = acct.create_ad_creative(
                params={
                    "name": f"C{i}{j}",
                    "object_story_spec": {
                        "page_id": PAGE,
                        "link_data": {
                            "link": "https://shop.example.com",
                            "message": f"Run {i}{j}",
                            "image_hash": img["hash"],
                            "call_to_action": {"type": "SHOP_NOW"},
                        },
                    },
                }
            )
            ad = acct.create_ad(
                params={
                    "name": f"Ad {i}.{j}",
                    "adset_id": adset["id"],
                    "creative": {"creative_id": creative["id"]},
                    "status": "ACTIVE",
                }
            )
            out["ads"].append(ad["id"])
    return out


def run(tmp: Path, seed: int, image: Path) -> tuple[list[dict], dict, dict]:
    with SandboxServer(
        tmp / f"s{seed}.db", scenario="ecommerce_usd", seed=seed, token=SANDBOX_TOKEN
    ) as sb:
        api = make_api(sb.url)
        clock = sb.admin("GET", "/__sandbox__/clock")
        tree = launch(api, image, str(clock.get("now", ""))[:10] or "2026-03-02")
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
        Ad(tree["ads"][1], api=api).api_update(params={"status": "PAUSED"})
        AdSet(tree["adsets"][0], api=api).api_update(params={"daily_budget": 12000})
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 4})
        rows = [
            dict(r)
            for r in AdAccount(ACCOUNT, api=api).get_insights(
                fields=["ad_name", "impressions", "clicks", "spend", "reach", "actions"],
                params={"level": "ad", "time_increment": 1, "date_preset": "last_7d", "limit": 100},
            )
        ]
        info = AdSet(tree["adsets"][0], api=api).api_get(fields=["learning_stage_info"])
        return rows, sb.admin("GET", "/__sandbox__/oracle"), dict(info)


def test_same_seed_same_actions_identical_numbers_across_sandboxes(tmp_path):
    image = tmp_path / "shoe.png"
    Image.new("RGB", (1080, 1080), (30, 120, 200)).save(image)
    a_rows, a_oracle, a_info = run(tmp_path / "a", 21, image)
    b_rows, b_oracle, _ = run(tmp_path / "b", 21, image)
    c_rows, _, _ = run(tmp_path / "c", 22, image)
    assert len(a_rows) > 10
    assert a_rows == b_rows
    assert a_rows != c_rows
    assert {k: v for k, v in a_oracle.items() if k != "now"} == {
        k: v for k, v in b_oracle.items() if k != "now"
    }
    paused = [r for r in a_rows if r["ad_name"] == "Ad 0.1"]
    assert {r["date_start"] for r in paused} <= {"2026-03-02", "2026-03-03", "2026-03-04"}
    assert a_info["learning_stage_info"]["status"] in ("LEARNING", "FAIL", "SUCCESS")
