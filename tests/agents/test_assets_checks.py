import os
from pathlib import Path

import pytest
from PIL import Image

from agents.assets.nodes import asset_tables, file_digest, video_thumbnails
from tests.videokit import clip
from tools.asset_checks import check_assets


def _image(path: Path, size=(1080, 1080), fmt="PNG") -> Path:
    Image.new("RGB", size, (200, 40, 40)).save(path, fmt)
    return path


def _plan(*assets, placements=None, fmt="image"):
    targeting = {"geo_locations": {"countries": ["US"]}}
    if placements:
        targeting["instagram_positions"] = placements
    return {"ad_sets": [{"name": "a", "targeting": targeting, "ads": [
        {"name": "ad", "creative": {"format": fmt, "assets": list(assets)}}]}]}


def test_good_square_png_has_no_issue(tmp_path):
    path = _image(tmp_path / "ok.png")
    assert check_assets(_plan({"kind": "image", "path": str(path)})) == ([], [])


def test_missing_file_is_a_problem_naming_the_field(tmp_path):
    problems, _ = check_assets(_plan({"kind": "image", "path": str(tmp_path / "nope.png")}))
    assert [p["path"] for p in problems] == ["ad_sets[0].ads[0].creative.assets[0].path"]
    assert "does not exist" in problems[0]["message"] and problems[0]["fix"]


def test_corrupt_image_is_a_problem(tmp_path):
    good = _image(tmp_path / "good.png")
    bad = tmp_path / "bad.png"
    bad.write_bytes(good.read_bytes()[:200])  # truncated PNG
    problems, _ = check_assets(_plan({"kind": "image", "path": str(bad)}))
    assert len(problems) == 1 and "not a readable image" in problems[0]["message"]
    text = tmp_path / "notes.jpg"
    text.write_text("definitely not a jpeg")
    problems, _ = check_assets(_plan({"kind": "image", "path": str(text)}))
    assert "not a readable image" in problems[0]["message"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_a_problem(tmp_path):
    path = _image(tmp_path / "locked.png")
    path.chmod(0)
    problems, _ = check_assets(_plan({"kind": "image", "path": str(path)}))
    assert "cannot be read" in problems[0]["message"]


def test_directory_or_path_through_a_file_cannot_be_read(tmp_path):
    problems, _ = check_assets(_plan({"kind": "image", "path": str(tmp_path)}))
    assert "cannot be read" in problems[0]["message"]
    blocker = _image(tmp_path / "file.png")
    problems, _ = check_assets(_plan({"kind": "image", "path": str(blocker / "inner.png")}))
    assert "cannot be read" in problems[0]["message"]


def test_small_and_wide_images_warn_but_do_not_block(tmp_path):
    small = _image(tmp_path / "small.png", (500, 500))
    wide = _image(tmp_path / "wide.png", (2400, 1000))
    problems, warnings = check_assets(_plan({"kind": "image", "path": str(small)},
                                            {"kind": "image", "path": str(wide)}))
    assert problems == []
    messages = " ".join(w["message"] for w in warnings)
    assert "600 px" in messages and "outside the feed range" in messages


def test_story_placement_wants_9_16(tmp_path):
    square = _image(tmp_path / "sq.png")
    _, warnings = check_assets(_plan({"kind": "image", "path": str(square)}, placements=["story"]))
    assert any("9:16" in w["message"] for w in warnings)
    tall = _image(tmp_path / "tall.png", (1080, 1920))
    _, warnings = check_assets(_plan({"kind": "image", "path": str(tall)}, placements=["story"]))
    assert not any("9:16" in w["message"] for w in warnings)


def test_gif_warns_and_unknown_format_blocks(tmp_path):
    gif = _image(tmp_path / "a.gif", fmt="GIF")
    problems, warnings = check_assets(_plan({"kind": "image", "path": str(gif)}))
    assert problems == [] and any("GIF" in w["message"] for w in warnings)
    ico = _image(tmp_path / "a.ico", (256, 256), fmt="ICO")
    problems, _ = check_assets(_plan({"kind": "image", "path": str(ico)}))
    assert problems and "does not accept" in problems[0]["message"]


def test_carousel_card_assets_are_checked(tmp_path):
    plan = {"ad_sets": [{"targeting": {}, "ads": [{"creative": {"format": "carousel", "cards": [
        {"asset": {"kind": "image", "path": str(tmp_path / "missing.png")}}]}}]}]}
    problems, _ = check_assets(plan)
    assert problems[0]["path"] == "ad_sets[0].ads[0].creative.cards[0].asset.path"


def test_video_checks(tmp_path):
    video = clip(tmp_path / "clip.mp4")
    assert check_assets(_plan({"kind": "video", "path": str(video)}, fmt="video"))[0] == []
    zeros = tmp_path / "zeros.mp4"
    zeros.write_bytes(b"\x00" * 64)  # a name is not a video
    problems, _ = check_assets(_plan({"kind": "video", "path": str(zeros)}, fmt="video"))
    assert "zeros.mp4 is not a video Meta can play" in problems[0]["message"]
    avi = tmp_path / "clip.avi"
    avi.write_bytes(b"\x00" * 64)
    problems, _ = check_assets(_plan({"kind": "video", "path": str(avi)}, fmt="video"))
    assert "MP4" in problems[0]["message"]


def test_video_without_a_decodable_frame_gets_a_plain_poster(tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * 64)
    thumbs = video_thumbnails(_plan({"kind": "video", "path": str(video)}, fmt="video"), tmp_path)
    with Image.open(thumbs[str(video)]) as img:
        assert img.size == (1080, 1080)


def test_asset_tables_key_by_path_and_digest(tmp_path):
    path = _image(tmp_path / "x.png")
    digest = file_digest(path)
    images, videos = asset_tables({digest: {"kind": "image", "hash": "h1", "paths": [str(path)]},
                                   "d2": {"kind": "video", "video_id": "v1", "paths": ["c.mp4"]}})
    assert images == {digest: "h1", str(path): "h1"}
    assert videos == {"d2": "v1", "c.mp4": "v1"}
