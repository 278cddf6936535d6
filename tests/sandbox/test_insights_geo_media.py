"""The region, dma and media_type breakdowns, and value following counts, through the real SDK."""

from __future__ import annotations

import warnings
from collections import defaultdict
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from sandbox.breakdowns_geo import regions_of
from sandbox.fixtures import build_tree
from tests.conftest import make_api

ACCOUNT = "act_1010101010"
RANGE = {"since": "2026-03-02", "until": "2026-03-11"}
IMAGE = {"object_story_spec": {"page_id": "1", "link_data": {
    "link": "https://example.com", "image_hash": "abc", "message": "Run"}}}
VIDEO = {"object_story_spec": {"page_id": "1", "video_data": {
    "video_id": "42", "image_hash": "abc", "message": "Run"}}}
CAROUSEL = {"object_story_spec": {"page_id": "1", "link_data": {
    "link": "https://example.com", "child_attachments": [
        {"link": "https://example.com/a", "image_hash": "a"},
        {"link": "https://example.com/b", "image_hash": "b"}]}}}
DYNAMIC = {"asset_feed_spec": {
    "images": [{"hash": "a"}, {"hash": "b"}], "titles": [{"text": "One"}, {"text": "Two"}],
    "bodies": [{"text": "Body"}], "link_urls": [{"website_url": "https://example.com"}],
    "call_to_action_types": ["SHOP_NOW"], "ad_formats": ["SINGLE_IMAGE", "CAROUSEL"]}}
# ad set index -> geo_locations (and exclusions) replacing the fixture's.
GEO = {
    2: {"geo_locations": {"regions": [{"key": "3847"}, {"key": "3886"}]}},  # California, Texas
    3: {"geo_locations": {"countries": ["US"]},
        "excluded_geo_locations": {"regions": [{"key": "3847"}]}},
    4: {"geo_locations": {"geo_markets": [{"key": "DMA:501", "name": "New York"}]}},
}


@pytest.fixture(scope="module")
def world(sandbox_module):
    """5 ad sets x 2 ads (US; US+CA; two states; US but California; the New York DMA), ads
    with image, video, carousel and dynamic creatives, 10 days of delivery."""
    store = sandbox_module.store
    tree = build_tree(store, adsets=5, ads=2)
    for i, spec in GEO.items():
        sid = tree["adsets"][i]
        doc = store.get_object(sid)
        store.update_object(sid, {"targeting": {**doc["targeting"], **spec}})
    for ad_id, creative in zip(tree["ads"], [IMAGE, VIDEO, CAROUSEL, DYNAMIC], strict=False):
        cid = store.insert_object("adcreative", {"name": "c", **creative},
                                  account_id=ACCOUNT.removeprefix("act_"))["id"]
        store.update_object(ad_id, {"creative": {"id": cid}})
    sandbox_module.admin("POST", "/__sandbox__/clock/advance", {"days": 10})
    api = make_api(sandbox_module.url)
    previous = FacebookAdsApi.get_default_api()
    FacebookAdsApi.set_default_api(api)
    yield tree
    FacebookAdsApi.set_default_api(previous)


def insights(fields: list[str], **params: Any) -> list[dict[str, Any]]:
    rows = AdAccount(ACCOUNT).get_insights(
        fields=fields, params={"time_range": RANGE, "limit": 1000, **params})
    return [dict(r) for r in rows]


def values_by(rows: list[dict[str, Any]], key: str, bd: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        out[r[key]].add(r[bd])
    return out


def test_regions_follow_each_ad_sets_targeting(world):
    rows = insights(["adset_id", "impressions", "spend"], level="adset", breakdowns=["region"])
    got = values_by(rows, "adset_id", "region")
    us, ca = set(regions_of("US")), set(regions_of("CA"))
    sets = world["adsets"]
    assert got[sets[0]] == us  # a US-only ad set: every state, nothing else
    assert got[sets[1]] == us | ca
    assert got[sets[2]] == {"California", "Texas"}
    assert got[sets[3]] == us - {"California"}
    big = max(rows, key=lambda r: int(r["impressions"]) if r["adset_id"] == sets[0] else 0)
    assert big["region"] == "California"  # split by population
    (total,) = insights(["impressions", "spend"])
    assert sum(int(r["impressions"]) for r in rows) == int(total["impressions"])
    assert sum(float(r["spend"]) for r in rows) == pytest.approx(float(total["spend"]), abs=0.01)


def test_dmas_are_us_markets_and_other_countries_are_unknown(world):
    rows = insights(["adset_id", "impressions"], level="adset", breakdowns=["dma"])
    got = values_by(rows, "adset_id", "dma")
    sets = world["adsets"]
    assert {"New York", "Los Angeles", "Chicago"} <= got[sets[0]] and "Unknown" not in got[sets[0]]
    assert "Unknown" in got[sets[1]]  # its Canadian delivery has no DMA
    # California and Texas: their markets (and those reaching across the state line) only.
    assert {"Los Angeles", "San Diego", "Houston", "Dallas-Ft. Worth"} <= got[sets[2]]
    assert got[sets[2]] <= {
        "Los Angeles", "San Francisco-Oakland-San Jose", "San Diego", "Sacramento-Stockton-Modesto",
        "Fresno-Visalia", "Santa Barbara-Santa Maria-San Luis Obispo", "Bakersfield", "Reno",
        "Medford-Klamath Falls", "Dallas-Ft. Worth", "Houston", "San Antonio", "Austin",
        "El Paso (Las Cruces)", "Harlingen-Wslco-Brnsvl-McAllen", "Corpus Christi", "Shreveport"}
    assert got[sets[4]] == {"New York"}


def test_type1_breakdowns_return_on_meta_actions_only(world):
    fields = ["actions", "action_values", "purchase_roas", "cost_per_action_type"]
    for bd in ("region", "dma", "hourly_stats_aggregated_by_advertiser_time_zone"):
        rows = insights(fields, breakdowns=[bd])
        types = {a["action_type"] for r in rows for a in r.get("actions", [])}
        assert "link_click" in types, bd
        assert not types & {"purchase", "omni_purchase", "offsite_conversion.fb_pixel_purchase",
                            "landing_page_view"}, bd
        assert not any(r.get("action_values") or r.get("purchase_roas") for r in rows), bd
    rows = insights(fields, breakdowns=["age"])
    assert any(a["action_type"] == "purchase" for r in rows for a in r.get("actions", []))


def test_purchase_value_and_roas_only_where_purchases_are_counted(world):
    fields = ["actions", "action_values", "purchase_roas", "cost_per_action_type", "spend"]
    rows = insights(fields, breakdowns=["age", "gender"], level="ad")
    with_value = 0
    for r in rows:
        counts = {a["action_type"]: int(a["value"]) for a in r.get("actions", [])}
        for name in ("action_values", "cost_per_action_type"):
            for a in r.get(name, []):
                assert counts.get(a["action_type"], 0) >= 1, (name, r)
        if r.get("purchase_roas"):
            with_value += 1
            assert counts["omni_purchase"] >= 1
    assert 0 < with_value < len(rows)
    (total,) = insights(["action_values"])
    value = {a["action_type"]: float(a["value"]) for a in total["action_values"]}["purchase"]
    split = sum(float(a["value"]) for r in rows for a in r.get("action_values", [])
                if a["action_type"] == "purchase")
    assert split == pytest.approx(value, abs=0.01 * len(rows))


def test_media_type_needs_action_breakdowns_cleared(world):
    with warnings.catch_warnings(), pytest.raises(FacebookRequestError) as err:
        warnings.simplefilter("ignore", UserWarning)
        insights(["impressions"], breakdowns=["media_type"])
    e = err.value
    assert (e.api_error_code(), e.api_error_subcode()) == (2, 1504041)
    assert "(action_type, media_type)" in e.api_error_message()


def test_media_type_follows_each_ads_creative(world):
    rows = insights(["ad_id", "impressions", "clicks"], level="ad", breakdowns=["media_type"],
                    action_breakdowns=[])
    got = values_by(rows, "ad_id", "media_type")
    ads = world["ads"]
    assert got[ads[0]] == {"image"} and got[ads[1]] == {"video"}
    assert got[ads[2]] == {"carousel"} and got[ads[3]] == {"image", "carousel"}
    assert got[ads[4]] == {"image"}  # a creative the store does not hold: a link ad's image
    plain = {r["ad_id"]: r for r in insights(["ad_id", "impressions", "clicks"], level="ad")}
    for ad_id in got:
        mine = [r for r in rows if r["ad_id"] == ad_id]
        assert sum(int(r["impressions"]) for r in mine) == int(plain[ad_id]["impressions"])
        assert sum(int(r["clicks"]) for r in mine) == int(plain[ad_id]["clicks"])


@pytest.mark.parametrize("bds", [["region", "dma"], ["country", "dma"], ["media_type", "age"],
                                 ["region", "age"]])
def test_geography_and_media_type_do_not_combine(world, bds):
    with warnings.catch_warnings(), pytest.raises(FacebookRequestError) as err:
        warnings.simplefilter("ignore", UserWarning)
        insights(["impressions"], breakdowns=bds, action_breakdowns=[])
    assert (err.value.api_error_code(), err.value.api_error_subcode()) == (2, 1504041)
