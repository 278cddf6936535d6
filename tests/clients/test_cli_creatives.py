"""Meta's `meta-ads` CLI: creatives with images, videos, carousels and dynamic assets.

The CLI uploads local files itself (multipart `adimages`; chunked `advideos`, which the driver
routes to the sandbox instead of graph-video.facebook.com), then creates the creative.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from sandbox.server import SandboxServer
from tests.clients.delivery import png
from tests.clients.harness import Cli, Graph

pytestmark = pytest.mark.clients
VIDEO = bytes(range(256)) * 8  # 2 KB; the sandbox does not decode video


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("media")
    out = {}
    for name, color in (("shoe.png", "red"), ("trail.png", "green"), ("sky.png", "blue")):
        (folder / name).write_bytes(png(color))
        out[name] = str(folder / name)
    (folder / "clip.mp4").write_bytes(VIDEO)
    out["clip.mp4"] = str(folder / "clip.mp4")
    return out


def made(cli: Cli, *argv: str) -> str:
    out = cli.json("ads", "creative", "create", *argv)
    assert len(out) == 1 and out[0]["id"], out
    return str(out[0]["id"])


def read(graph: Graph, creative: str) -> dict[str, Any]:
    got = graph.get(creative, fields="name,status,object_story_spec,asset_feed_spec,image_hash")
    assert "error" not in got, got
    return got


def hashes(graph: Graph, ids: dict) -> dict[str, str]:
    """Image name → hash, for every image in the account."""
    listed = graph.get(f"{ids['account']}/adimages", fields="hash,name", limit=100)["data"]
    return {i["name"]: i["hash"] for i in listed}


@pytest.fixture(scope="module")
def single(cli: Cli, ids: dict, files: dict) -> str:
    return made(cli, "--name", "CLI single", "--image", files["shoe.png"], "--page-id", ids["page"],
                "--body", "New shoes", "--title", "Run lighter", "--description", "Free returns",
                "--link-url", "https://shop.example.com/shoes", "--call-to-action", "SHOP_NOW")


@pytest.fixture(scope="module")
def video(graph: Graph, sb: SandboxServer, ids: dict) -> str:
    vid = graph.post(f"{ids['account']}/advideos", file_url="https://example.com/trail.mp4",
                     title="Trail")["id"]
    sb.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})  # processing → ready
    return str(vid)


def test_create_with_an_image_file_uploads_it(graph: Graph, ids: dict, single: str) -> None:
    shoe = hashes(graph, ids)["shoe.png"]
    spec = read(graph, single)["object_story_spec"]
    link = spec["link_data"]
    assert spec["page_id"] == ids["page"]
    assert (link["image_hash"], link["link"], link["message"], link["name"]) == (
        shoe, "https://shop.example.com/shoes", "New shoes", "Run lighter")
    assert link["description"] == "Free returns"
    assert link["call_to_action"] == {"type": "SHOP_NOW",
                                      "value": {"link": "https://shop.example.com/shoes"}}


def test_create_with_an_image_hash(cli: Cli, graph: Graph, ids: dict, single: str) -> None:
    shoe = hashes(graph, ids)["shoe.png"]
    cid = made(cli, "--name", "CLI by hash", "--image-hash", shoe, "--page-id", ids["page"],
               "--body", "Again", "--link-url", "https://shop.example.com/again")
    assert read(graph, cid)["object_story_spec"]["link_data"]["image_hash"] == shoe


def test_create_with_a_video_id_and_thumbnail(cli: Cli, graph: Graph, ids: dict, files: dict,
                                              video: str) -> None:
    cid = made(cli, "--name", "CLI video", "--video-id", video, "--image", files["sky.png"],
               "--page-id", ids["page"], "--body", "Watch", "--title", "On the trail",
               "--link-url", "https://shop.example.com/v")
    data = read(graph, cid)["object_story_spec"]["video_data"]
    assert (data["video_id"], data["message"], data["title"]) == (video, "Watch", "On the trail")
    assert data["image_hash"] == hashes(graph, ids)["sky.png"]


def test_create_with_a_video_and_no_thumbnail_is_refused(cli: Cli, ids: dict,
                                                         video: str) -> None:
    # video_data needs image_url or image_hash (Meta's VideoData reference)
    run = cli.run("-o", "json", "ads", "creative", "create", "--name", "No thumb", "--video-id",
                  video, "--page-id", ids["page"], "--body", "Watch",
                  "--link-url", "https://shop.example.com/v")
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


def test_create_with_a_video_file_uploads_it_in_chunks(cli: Cli, graph: Graph, ids: dict,
                                                       files: dict) -> None:
    run = cli.run("-o", "json", "ads", "creative", "create", "--name", "Fresh video", "--video",
                  files["clip.mp4"], "--page-id", ids["page"], "--body", "Watch",
                  "--link-url", "https://shop.example.com/v")
    videos = graph.get(f"{ids['account']}/advideos", fields="id,title,status", limit=50)["data"]
    uploaded = [v for v in videos if v.get("title") == "clip.mp4"]
    assert len(uploaded) == 1, videos  # start, transfer and finish all reached the sandbox
    # then the CLI creates the creative at once, with the video still processing and no
    # thumbnail: Meta refuses that (a video must be ready, and video_data needs a thumbnail)
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


@pytest.fixture(scope="module")
def dynamic(cli: Cli, ids: dict, files: dict) -> str:
    """A dynamic creative; its upload also puts shoe.png and trail.png in the account."""
    return made(cli, "--name", "CLI dynamic", "--images", files["shoe.png"], "--images",
                files["trail.png"], "--titles", "Fast", "--titles", "Light", "--bodies",
                "Run more", "--bodies", "Run further", "--page-id", ids["page"],
                "--link-url", "https://shop.example.com/d", "--call-to-actions", "SHOP_NOW")


def test_create_dynamic_creative(graph: Graph, ids: dict, dynamic: str) -> None:
    got = read(graph, dynamic)
    images = hashes(graph, ids)
    feed = got["asset_feed_spec"]
    assert got["object_story_spec"] == {"page_id": ids["page"]}
    assert [i["hash"] for i in feed["images"]] == [images["shoe.png"], images["trail.png"]]
    assert [t["text"] for t in feed["titles"]] == ["Fast", "Light"]
    assert [b["text"] for b in feed["bodies"]] == ["Run more", "Run further"]
    assert feed["link_urls"] == [{"website_url": "https://shop.example.com/d"}]
    assert feed["call_to_action_types"] == ["SHOP_NOW"]


def test_create_carousel_with_child_attachments(cli: Cli, graph: Graph, ids: dict,
                                                dynamic: str) -> None:
    images = hashes(graph, ids)
    cards = [{"link": f"https://shop.example.com/{n}", "image_hash": images[f"{n}.png"],
              "name": n.title()} for n in ("shoe", "trail")]
    story = {"page_id": ids["page"], "link_data": {
        "link": "https://shop.example.com", "message": "Swipe", "child_attachments": cards}}
    cid = made(cli, "--name", "CLI carousel", "--object-story-spec", json.dumps(story))
    got = read(graph, cid)["object_story_spec"]["link_data"]["child_attachments"]
    assert [(c["link"], c["image_hash"], c["name"]) for c in got] == [
        (c["link"], c["image_hash"], c["name"]) for c in cards]


def test_create_with_ad_format_carousel_is_refused(cli: Cli, ids: dict, files: dict) -> None:
    # the CLI puts CAROUSEL in asset_feed_spec.ad_formats with bare images; Meta's asset feed
    # formats are SINGLE_IMAGE, CAROUSEL_IMAGE, SINGLE_VIDEO and AUTOMATIC_FORMAT
    run = cli.run("-o", "json", "ads", "creative", "create", "--name", "Bad carousel",
                  "--images", files["shoe.png"], "--images", files["trail.png"],
                  "--page-id", ids["page"], "--body", "Two", "--ad-format", "CAROUSEL",
                  "--link-url", "https://shop.example.com/c")
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


def test_list_and_get(cli: Cli, graph: Graph, ids: dict, single: str) -> None:
    listed = cli.json("ads", "creative", "list", "--limit", "50")
    truth = graph.get(f"{ids['account']}/adcreatives", fields="id", limit=50)["data"]
    assert sorted(c["id"] for c in listed) == sorted(c["id"] for c in truth)
    (got,) = cli.json("ads", "creative", "get", single)
    assert (got["id"], got["name"]) == (single, "CLI single")
    assert got["object_story_spec"] == read(graph, single)["object_story_spec"]


def test_update_name(cli: Cli, graph: Graph, ids: dict) -> None:
    cid = made(cli, "--name", "Old name", "--page-id", ids["page"], "--body", "Words",
               "--link-url", "https://shop.example.com/n")
    cli.json("ads", "creative", "update", cid, "--name", "New name")
    assert read(graph, cid)["name"] == "New name"


def test_update_text_is_refused(cli: Cli, single: str) -> None:
    # the CLI re-posts object_story_spec; Meta allows only name and status on a creative
    run = cli.run("-o", "json", "ads", "creative", "update", single, "--body", "Other words")
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


def test_delete(cli: Cli, graph: Graph, ids: dict) -> None:
    cid = made(cli, "--name", "Doomed", "--page-id", ids["page"], "--body", "Bye",
               "--link-url", "https://shop.example.com/bye")
    assert cli.run("ads", "creative", "delete", cid, "--force").exit_code == 0
    assert read(graph, cid)["status"] == "DELETED"

