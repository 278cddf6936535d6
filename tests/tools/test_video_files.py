"""Videos are what FFmpeg reads in them, not what their name says (issue 18: a junk `.mp4` launched)."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.videokit import clip, junk
from tools.asset_checks import check_assets, video_thumbnails
from tools.video_files import NotAVideo, VideoProbe, probe_video, video_findings


def _plan(ref, placements=None):
    targeting = {"geo_locations": {"countries": ["US"]}}
    if placements:
        targeting["instagram_positions"] = placements
    return {"ad_sets": [{"name": "a", "targeting": targeting, "ads": [
        {"name": "ad", "creative": {"format": "video", "assets": [ref]}}]}]}


def test_a_real_mp4_is_probed(tmp_path):
    probe = probe_video(clip(tmp_path / "clip.mp4", seconds=2.0, size=(320, 240)))
    assert probe == VideoProbe(container="mp4", codec="h264", duration_s=2.0, width=320, height=240)


def test_a_5_kb_junk_mp4_is_refused_naming_the_file_and_what_is_wrong(tmp_path):
    bad = junk(tmp_path / "promo.mp4")
    assert bad.stat().st_size == 5 * 1024
    with pytest.raises(NotAVideo, match="FFmpeg cannot read it"):
        probe_video(bad)
    problems, warnings = check_assets(_plan({"kind": "video", "path": str(bad)}))
    assert warnings == []
    assert [(p["path"], p["rule"]) for p in problems] == [
        ("ad_sets[0].ads[0].creative.assets[0].path", "asset")]
    assert problems[0]["message"].startswith("promo.mp4 is not a video Meta can play: FFmpeg cannot read it")
    assert "MP4 (H.264)" in problems[0]["fix"]


def test_an_image_named_mp4_is_not_a_video(tmp_path):
    fake = tmp_path / "hero.mp4"
    Image.new("RGB", (1080, 1080), (10, 20, 30)).save(fake, "PNG")
    problems, _ = check_assets(_plan({"kind": "video", "path": str(fake)}))
    messages = [p["message"] for p in problems]
    assert "hero.mp4 is a png_pipe file, not an MP4 or MOV video" in messages
    assert "hero.mp4 does not say how long it lasts" in messages


def test_meta_limits_apply_to_the_probed_values(tmp_path):
    short = clip(tmp_path / "blip.mp4", seconds=0.4)
    problems, _ = check_assets(_plan({"kind": "video", "path": str(short)}))
    assert [p["message"] for p in problems] == ["blip.mp4 lasts 0.40 s; Meta needs at least 1 s"]
    fine = clip(tmp_path / "ok.mp4", seconds=1.2, size=(320, 240))
    problems, warnings = check_assets(_plan({"kind": "video", "path": str(fine)}))
    assert problems == []
    assert [w["message"] for w in warnings] == ["ok.mp4 is 320×240, below the recommended 1080 px"]


@pytest.mark.parametrize(("probe", "problems", "warnings"), [
    (VideoProbe("mp4", "h264", 30.0, 1080, 1080), [], []),
    (VideoProbe("mp4", "h264", 241 * 60 + 1, 1080, 1080), ["v.mp4 lasts 241 min 1 s; Meta's limit is 241 min"], []),
    (VideoProbe("mp4", "h264", 10.0, 100, 200), ["v.mp4 is 100×200, under Meta's 120 × 120 px minimum"], []),
    (VideoProbe("mov", "hevc", 10.0, 1080, 1920), [], ["v.mp4 is encoded as hevc; Meta recommends H.264"]),
    (VideoProbe("matroska", "vp9", 10.0, 1080, 1080),
     ["v.mp4 is a matroska file, not an MP4 or MOV video"], ["v.mp4 is encoded as vp9; Meta recommends H.264"]),
])
def test_video_findings_table(probe, problems, warnings):
    found, cautions = video_findings("v.mp4", probe, set())
    assert [m for m, _ in found] == problems and [m for m, _ in cautions] == warnings


def test_stories_longer_than_60_s_warn():
    _, cautions = video_findings("v.mp4", VideoProbe("mp4", "h264", 75.0, 1080, 1920), {"story"})
    assert [m for m, _ in cautions] == ["v.mp4 lasts 75 s; stories show 60 s per card and split longer videos"]


def test_the_poster_is_a_real_frame_of_the_video(tmp_path):
    video = clip(tmp_path / "clip.mp4", seconds=2.0, size=(320, 240))
    posters = video_thumbnails(_plan({"kind": "video", "path": str(video)}), tmp_path / "home")
    with Image.open(posters[str(video)]) as img:
        assert img.size == (320, 240)
        red, _green, blue = img.convert("RGB").getpixel((160, 120))
    assert 100 < red < 160 and 130 < blue < 190  # the frame at 1 s: half-way up the red ramp
