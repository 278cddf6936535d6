"""meta-ads-mcp: images, videos and creatives (single image, video, carousel, dynamic).

The image tools download the image URL Graph returns; the driver lets their SSRF guard pass
the sandbox's own loopback host and port (and nothing else), since the sandbox serves images
on 127.0.0.1.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from sandbox.server import SandboxServer
from tests.clients.delivery import png
from tests.clients.harness import Graph, Mcp, graph_error, refusal

pytestmark = pytest.mark.clients


@pytest.fixture(scope="module")
def image(mcp: Mcp, ids: dict) -> dict[str, Any]:
    return dict(mcp("upload_ad_image", account_id=ids["account"], name="red.png",
                    file=base64.b64encode(png("red")).decode()))


@pytest.fixture(scope="module")
def video(graph: Graph, sb: SandboxServer, ids: dict) -> str:
    """A video uploaded over HTTP (the tools upload none) and processed."""
    vid = graph.post(f"{ids['account']}/advideos", file_url="https://example.com/clip.mp4",
                     title="Trail clip")["id"]
    sb.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})  # processing → ready
    return str(vid)


@pytest.fixture(scope="module")
def single(mcp: Mcp, ids: dict, image: dict) -> str:
    made = mcp("create_ad_creative", account_id=ids["account"], name="MCP single",
               image_hash=image["image_hash"], page_id=ids["page"],
               link_url="https://shop.example.com/shoes", message="New shoes",
               headline="Run lighter", description="Free returns", call_to_action_type="SHOP_NOW")
    return str(made["creative_id"])


@pytest.fixture(scope="module")
def ad(graph: Graph, ids: dict, single: str) -> str:
    """An ad on the single-image creative, made over HTTP (for the per-ad tools)."""
    act = ids["account"]
    campaign = graph.post(f"{act}/campaigns", name="For creatives", objective="OUTCOME_TRAFFIC",
                          special_ad_categories=[], status="PAUSED")["id"]
    adset = graph.post(f"{act}/adsets", name="For creatives", campaign_id=campaign,
                       daily_budget=2000, billing_event="IMPRESSIONS",
                       optimization_goal="LINK_CLICKS", status="PAUSED",
                       targeting={"geo_locations": {"countries": ["US"]}})["id"]
    return str(graph.post(f"{act}/ads", name="Creative ad", adset_id=adset, status="PAUSED",
                          creative={"creative_id": single})["id"])


def spec(graph: Graph, creative: str) -> dict[str, Any]:
    got = graph.get(creative, fields="name,object_story_spec,asset_feed_spec,status")
    assert "error" not in got, got
    return got


def test_upload_ad_image_lands_in_the_account(graph: Graph, ids: dict, image: dict) -> None:
    listed = graph.get(f"{ids['account']}/adimages", hashes=[image["image_hash"]],
                       fields="hash,width,height,name")["data"]
    assert [(i["hash"], i["width"], i["height"]) for i in listed] == [
        (image["image_hash"], 1080, 1080)]
    assert image["images"][0]["url"].startswith("http")


def test_get_image_by_hash_downloads_the_image(mcp: Mcp, ids: dict, image: dict) -> None:
    response = mcp.raw("get_image_by_hash", account_id=ids["account"],
                       image_hash=image["image_hash"])
    pictures = [c for c in response.get("content", []) if c["type"] == "image"]
    assert pictures, response.get("result")
    assert (pictures[0]["width"], pictures[0]["height"]) == (1080, 1080)


def test_create_single_image_creative(graph: Graph, ids: dict, image: dict, single: str) -> None:
    got = spec(graph, single)
    link = got["object_story_spec"]["link_data"]
    assert got["object_story_spec"]["page_id"] == ids["page"]
    assert (link["image_hash"], link["link"], link["message"]) == (
        image["image_hash"], "https://shop.example.com/shoes", "New shoes")
    assert (link["name"], link["description"]) == ("Run lighter", "Free returns")
    assert link["call_to_action"]["type"] == "SHOP_NOW"


def test_create_video_creative(mcp: Mcp, graph: Graph, ids: dict, video: str) -> None:
    made = mcp("create_ad_creative", account_id=ids["account"], name="MCP video", video_id=video,
               page_id=ids["page"], link_url="https://shop.example.com/v", message="Watch",
               headline="On the trail", call_to_action_type="LEARN_MORE")
    data = spec(graph, made["creative_id"])["object_story_spec"]["video_data"]
    assert (data["video_id"], data["message"], data["title"]) == (video, "Watch", "On the trail")
    assert data["call_to_action"] == {"type": "LEARN_MORE",
                                      "value": {"link": "https://shop.example.com/v"}}
    assert data["image_url"]  # the tool takes the video's picture as the thumbnail


def test_create_dynamic_creative_with_asset_feed_spec(
    mcp: Mcp, graph: Graph, ids: dict, image: dict
) -> None:
    other = mcp("upload_ad_image", account_id=ids["account"], name="blue.png",
                file=base64.b64encode(png("blue")).decode())["image_hash"]
    made = mcp("create_ad_creative", account_id=ids["account"], name="MCP dynamic",
               page_id=ids["page"], link_url="https://shop.example.com/d",
               image_hashes=[image["image_hash"], other], headlines=["Fast", "Light"],
               messages=["Run more", "Run further"], descriptions=["Free returns"])
    got = spec(graph, made["creative_id"])
    feed = got["asset_feed_spec"]
    assert got["object_story_spec"] == {"page_id": ids["page"]}
    assert [i["hash"] for i in feed["images"]] == [image["image_hash"], other]
    assert [t["text"] for t in feed["titles"]] == ["Fast", "Light"]
    assert [b["text"] for b in feed["bodies"]] == ["Run more", "Run further"]
    assert feed["link_urls"] == [{"website_url": "https://shop.example.com/d"}]
    assert feed["ad_formats"] == ["SINGLE_IMAGE"]


def test_create_carousel_creative_from_an_asset_feed(
    mcp: Mcp, graph: Graph, ids: dict, image: dict
) -> None:
    other = mcp("upload_ad_image", account_id=ids["account"], name="green.png",
                file=base64.b64encode(png("green")).decode())["image_hash"]
    made = mcp("create_ad_creative", account_id=ids["account"], name="MCP carousel",
               page_id=ids["page"], link_url="https://shop.example.com/c",
               image_hashes=[image["image_hash"], other], headlines=["One", "Two"],
               messages=["Swipe"], ad_formats=["CAROUSEL_IMAGE"])
    feed = spec(graph, made["creative_id"])["asset_feed_spec"]
    assert feed["ad_formats"] == ["CAROUSEL_IMAGE"]
    assert [i["hash"] for i in feed["images"]] == [image["image_hash"], other]


def test_get_creative_details_matches_graph(mcp: Mcp, graph: Graph, single: str) -> None:
    details = mcp("get_creative_details", creative_id=single)
    truth = spec(graph, single)
    assert details["id"] == single
    assert details["object_story_spec"] == truth["object_story_spec"]
    assert details["name"] == truth["name"]


def test_get_ad_creatives_lists_the_ads_creative(mcp: Mcp, graph: Graph, ids: dict, ad: str,
                                                 single: str, image: dict) -> None:
    listed = mcp("get_ad_creatives", ad_id=ad)
    assert not refusal(listed), refusal(listed)
    creatives = listed["data"] if isinstance(listed, dict) else listed
    assert [c["id"] for c in creatives] == [single], listed
    assert creatives[0]["image_hash"] == image["image_hash"]
    url = graph.get(f"{ids['account']}/adimages", hashes=[image["image_hash"]],
                    fields="url")["data"][0]["url"]
    assert creatives[0]["image_urls_for_viewing"] == [url], (url, creatives[0].get("image_urls_for_viewing"))


def test_get_ad_image_downloads_the_creatives_image(mcp: Mcp, ad: str) -> None:
    response = mcp.raw("get_ad_image", ad_id=ad)
    pictures = [c for c in response.get("content", []) if c["type"] == "image"]
    assert pictures, response.get("result")
    assert (pictures[0]["width"], pictures[0]["height"]) == (1080, 1080)


def test_get_ad_video_finds_the_video_of_the_ads_creative(
    mcp: Mcp, graph: Graph, ids: dict, video: str, ad: str
) -> None:
    creative = mcp("create_ad_creative", account_id=ids["account"], name="MCP video ad",
                   video_id=video, page_id=ids["page"], link_url="https://shop.example.com/v2",
                   message="Watch again")["creative_id"]
    adset = graph.get(ad, fields="adset_id")["adset_id"]
    video_ad = graph.post(f"{ids['account']}/ads", name="Video ad", adset_id=adset,
                          status="PAUSED", creative={"creative_id": creative})["id"]
    found = mcp("get_ad_video", ad_id=video_ad)
    assert "error" not in found, found
    assert video in str(found)
    assert "Trail clip" in str(found)  # the video's title, read from Graph


def test_update_ad_creative_name(mcp: Mcp, graph: Graph, single: str) -> None:
    mcp("update_ad_creative", creative_id=single, name="MCP single renamed")
    assert spec(graph, single)["name"] == "MCP single renamed"


def test_update_ad_creative_text_is_refused_as_meta_does(mcp: Mcp, single: str) -> None:
    # Meta: a creative's content cannot change after creation (only name and status)
    result = mcp("update_ad_creative", creative_id=single, message="Other words")
    error = graph_error(result)
    assert error is not None, result
    assert error["code"] == 100
