"""Dynamic creatives over HTTP with the real SDK: Meta's shape, its refusals, asset breakdowns.

Meta's dynamic-creative shape: `object_story_spec` names only the page (and Instagram account),
`asset_feed_spec` carries every image, text, link and call to action. A feed without a page
identity is ill formed (100/1443048).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from facebook_business.adobjects.adcreative import AdCreative
from facebook_business.exceptions import FacebookRequestError

from tests.sandbox.conftest import Tree, adset_params


def feed(tree: Tree, **over: Any) -> dict[str, Any]:
    return {
        "images": [{"hash": tree.image_hash}],
        "titles": [{"text": "Run lighter"}, {"text": "Trail ready"}],
        "bodies": [{"text": "Spring shoes are here."}, {"text": "Our best trainer yet."}],
        "descriptions": [{"text": "Free returns"}],
        "link_urls": [{"website_url": "https://example.com/shoes"}],
        "call_to_action_types": ["SHOP_NOW", "LEARN_MORE"],
        "ad_formats": ["SINGLE_IMAGE"],
        **over,
    }


def refused(tree: Tree, params: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(FacebookRequestError) as err:
        tree.account.create_ad_creative(params={"name": "dc", **params})
    body: dict[str, Any] = err.value.body()["error"]
    return body


def test_a_story_naming_only_the_page_is_metas_dynamic_creative(tree: Tree) -> None:
    spec = {"object_story_spec": {"page_id": tree.page_id}, "asset_feed_spec": feed(tree)}
    cid = tree.account.create_ad_creative(params={"name": "dc", **spec})["id"]
    got = AdCreative(cid, api=tree.api).api_get(
        fields=["object_story_spec", "asset_feed_spec", "actor_id", "status"]).export_all_data()
    assert got["object_story_spec"] == {"page_id": tree.page_id}
    assert [t["text"] for t in got["asset_feed_spec"]["titles"]] == ["Run lighter", "Trail ready"]
    assert got["actor_id"] == tree.page_id and got["status"] == "ACTIVE"


@pytest.mark.parametrize("story", [None, {}, {"instagram_user_id": "17841400000000001"}])
def test_a_feed_without_a_page_is_ill_formed(tree: Tree, story: dict[str, Any] | None) -> None:
    params: dict[str, Any] = {"asset_feed_spec": feed(tree)}
    if story is not None:
        params["object_story_spec"] = story
    err = refused(tree, params)
    assert (err["code"], err["error_subcode"]) == (100, 1443048)
    assert err["error_user_title"] == "object_story_spec param is invalid"
    assert err["error_user_msg"].startswith("Object story spec is ill formed.")
    assert err["error_data"]["blame_field_specs"] == [["object_story_spec"]]


def test_a_video_in_both_the_story_and_the_feed_is_ill_formed(tree: Tree) -> None:
    vid = tree.api.call("POST", (tree.account.get_id(), "advideos"), {"name": "clip"},
                        files={"source": ("clip.mp4", BytesIO(b"\x00" * 10_000))}).json()["id"]
    tree.sandbox.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})
    video = {"video_id": vid, "thumbnail_hash": tree.image_hash}
    only_feed = feed(tree, images=[], videos=[video], ad_formats=["SINGLE_VIDEO"])
    ok = tree.account.create_ad_creative(params={
        "name": "video dc", "object_story_spec": {"page_id": tree.page_id},
        "asset_feed_spec": only_feed})
    assert ok["id"]
    err = refused(tree, {"object_story_spec": {"page_id": tree.page_id, "video_data": {
        "video_id": vid, "image_hash": tree.image_hash}}, "asset_feed_spec": only_feed})
    assert (err["code"], err["error_subcode"]) == (100, 1443048)
    assert "asset_feed_spec only" in err["error_user_msg"]


@pytest.mark.parametrize(("over", "subcode", "words"), [
    ({"ad_formats": ["SINGLE_VIDEO"]}, 1488035, "has none"),
    ({"ad_formats": ["SLIDESHOW"]}, 1488035, "exactly one of"),
    ({"link_urls": [{"website_url": "ftp://example.com/shoes"}]}, 2446383, "valid external URL"),
    ({"link_urls": [{"display_url": "example.com"}]}, 1488032, "website_url"),
    ({"call_to_action_types": ["BUY_A_SHOE"]}, 1373054, "call to action"),
    ({"titles": [{"text": f"T{i}"} for i in range(6)]}, 1488031, "the limit is 5"),
    ({"images": [{"hash": "0" * 32}]}, None, "image library"),
    ({"videos": [{"video_id": "99999"}], "ad_formats": ["SINGLE_VIDEO"]}, None, "does not exist"),
])
def test_the_feed_is_held_to_metas_limits(
    tree: Tree, over: dict[str, Any], subcode: int | None, words: str
) -> None:
    err = refused(tree, {"object_story_spec": {"page_id": tree.page_id},
                         "asset_feed_spec": feed(tree, **over)})
    assert err["code"] == 100 and err.get("error_subcode") == subcode
    assert words in err["error_user_msg"]
    assert err["error_data"]["blame_field_specs"] == [["asset_feed_spec"]]


def test_a_deleted_image_cannot_join_a_feed(tree: Tree, tmp_path: Any) -> None:
    from tests.sandbox.conftest import png_bytes

    path = tmp_path / "blue.png"
    path.write_bytes(png_bytes(color="blue"))
    h = tree.account.create_ad_image(params={"filename": str(path)})["hash"]
    tree.api.call("DELETE", (tree.account.get_id(), "adimages"), {"hash": h})
    err = refused(tree, {"object_story_spec": {"page_id": tree.page_id},
                         "asset_feed_spec": feed(tree, images=[{"hash": h}])})
    assert err["error_user_title"] == "Image Not Found"


def test_asset_breakdowns_split_a_dynamic_ad_over_its_assets(tree: Tree) -> None:
    start = str(tree.sandbox.admin("GET", "/__sandbox__/clock")["now"])[:10]
    adset = tree.account.create_ad_set(params=adset_params(
        tree.campaign_id, tree.pixel_id, name="DC", is_dynamic_creative=True, status="ACTIVE",
        start_time=start))["id"]
    tree.api.call("POST", (tree.campaign_id,), {"status": "ACTIVE"})
    cid = tree.account.create_ad_creative(params={
        "name": "dc", "object_story_spec": {"page_id": tree.page_id},
        "asset_feed_spec": feed(tree)})["id"]
    ad = tree.account.create_ad(params={"name": "dc ad", "adset_id": adset, "status": "ACTIVE",
                                        "creative": {"creative_id": cid}})["id"]
    tree.sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 4})

    def rows(**params: Any) -> list[dict[str, Any]]:
        got = tree.api.call("GET", (ad, "insights"), {
            "fields": "impressions,spend", "date_preset": "maximum", **params}).json()["data"]
        return list(got)

    (total,) = rows()
    assert int(total["impressions"]) > 0
    for bd, key, labels in (
        ("title_asset", "text", {"Run lighter", "Trail ready"}),
        ("body_asset", "text", {"Spring shoes are here.", "Our best trainer yet."}),
        ("call_to_action_asset", "name", {"SHOP_NOW", "LEARN_MORE"}),
        ("link_url_asset", "website_url", {"https://example.com/shoes"}),
        ("ad_format_asset", "name", {"SINGLE_IMAGE"}),
    ):
        cells = rows(breakdowns=bd)
        assert {c[bd][key] for c in cells} == labels, bd
        assert all(c[bd]["id"].isdigit() for c in cells)
        assert sum(int(c["impressions"]) for c in cells) == int(total["impressions"]), bd
