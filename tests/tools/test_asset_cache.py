"""Assets pinned when the plan is checked: resolved, hashed, copied once into ADPILOT_HOME (issue 18)."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from PIL import Image

from state.context import AssetAccess
from tests.videokit import clip
from tools.asset_cache import PinBroken, asset_changes, change_text, pin_assets, pinned_file


def _png(path, color=(200, 40, 40)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1080, 1080), color).save(path, "PNG")
    return path


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _plan(*refs):
    ads = [{"name": f"ad {i}", "creative": {"format": "image", "assets": [r]}} for i, r in enumerate(refs)]
    return {"ad_sets": [{"name": "a", "targeting": {}, "ads": ads}]}


def _ref(plan, ad=0):
    return plan["ad_sets"][0]["ads"][ad]["creative"]["assets"][0]


def test_a_relative_path_is_resolved_hashed_and_copied_once(tmp_path, monkeypatch):
    shoe = _png(tmp_path / "brief" / "shoe_sq.png")
    monkeypatch.chdir(tmp_path / "brief")
    home = tmp_path / "home"
    plan = _plan({"kind": "image", "path": "shoe_sq.png"}, {"kind": "image", "path": str(shoe)})
    pinned = pin_assets(plan, home)
    digest = _sha(shoe)
    for ad in (0, 1):
        assert _ref(pinned.plan, ad) == {
            "kind": "image", "path": str(shoe.resolve()), "name": "shoe_sq.png", "sha256": digest,
            "size": shoe.stat().st_size, "cache": f"assets/{digest}.png"}
    assert _ref(plan) == {"kind": "image", "path": "shoe_sq.png"}  # the plan given is not changed
    assert sorted(p.name for p in (home / "assets").iterdir()) == [f"{digest}.png"]  # stored once
    assert (home / "assets" / f"{digest}.png").read_bytes() == shoe.read_bytes()
    assert list(pinned.created) == ["ad_sets[0].ads[0].creative.assets[0]"]
    again = pin_assets(pinned.plan, home)
    assert again.plan is pinned.plan and again.created == {} and again.warnings == []


def test_the_pinned_copy_uploads_after_the_original_moved_or_changed(tmp_path):
    shoe = _png(tmp_path / "brief" / "shoe.png")
    home = tmp_path / "home"
    ref = _ref(pin_assets(_plan({"kind": "image", "path": str(shoe)}), home).plan)
    original = shoe.read_bytes()
    shutil.move(tmp_path / "brief", tmp_path / "elsewhere")
    assert pinned_file(ref, home).read_bytes() == original
    _png(shoe, color=(0, 0, 255))  # a new file at the old path
    assert pinned_file(ref, home).read_bytes() == original


def test_a_vanished_copy_is_taken_again_from_an_unchanged_original(tmp_path):
    shoe = _png(tmp_path / "shoe.png")
    ref = _ref(pin_assets(_plan({"kind": "image", "path": str(shoe)}), tmp_path / "home-a").plan)
    # another worker, with its own ADPILOT_HOME, launches the thread
    copy = pinned_file(ref, tmp_path / "home-b")
    assert copy == tmp_path / "home-b" / ref["cache"] and copy.read_bytes() == shoe.read_bytes()
    copy.write_bytes(b"damaged")  # a copy that changed is restored from the original too
    assert pinned_file(ref, tmp_path / "home-b").read_bytes() == shoe.read_bytes()


def test_a_broken_pin_names_the_asset_and_the_fix(tmp_path):
    shoe = _png(tmp_path / "shoe_sq.png")
    home = tmp_path / "home"
    ref = _ref(pin_assets(_plan({"kind": "image", "path": str(shoe)}), home).plan)
    (home / ref["cache"]).write_bytes(b"not the pinned bytes")
    _png(shoe, color=(0, 255, 0))
    with pytest.raises(PinBroken) as err:
        pinned_file(ref, home)
    message = str(err.value)
    assert message.startswith("shoe_sq.png: the copy pinned when the plan was checked")
    assert "has changed" in message and ref["sha256"][:12] in message
    assert "nothing was sent to Meta" in message and "adpilot resume" in message
    (home / ref["cache"]).unlink()
    shoe.unlink()
    with pytest.raises(PinBroken, match="is missing"):
        pinned_file(ref, home)


def test_a_changed_original_is_reported_as_a_new_asset(tmp_path):
    shoe = _png(tmp_path / "shoe.png")
    home = tmp_path / "home"
    plan = pin_assets(_plan({"kind": "image", "path": str(shoe)}), home).plan
    assert asset_changes(plan) == []
    pinned = _ref(plan)["sha256"]
    _png(shoe, color=(0, 0, 255))
    [change] = asset_changes(plan)
    assert change == {"field": "ad_sets[0].ads[0].creative.assets[0]", "name": "shoe.png",
                      "path": str(shoe.resolve()), "pinned": pinned, "now": _sha(shoe)}
    text = change_text(change)
    assert "changed on disk" in text and "new asset" in text
    assert f"uploads the pinned copy (sha256 {pinned[:12]})" in text
    # Checking the plan again (an edit) pins the file as it is now, and says so.
    again = pin_assets(plan, home)
    assert _ref(again.plan)["sha256"] == _sha(shoe)
    [warning] = again.warnings
    assert warning["path"] == "ad_sets[0].ads[0].creative.assets[0].path"
    assert f"sha256 {pinned[:12]} → {_sha(shoe)[:12]}" in warning["message"]
    assert "new asset" in warning["message"]


def test_a_moved_original_keeps_its_pin_and_says_so(tmp_path):
    shoe = _png(tmp_path / "shoe.png")
    home = tmp_path / "home"
    plan = pin_assets(_plan({"kind": "image", "path": str(shoe)}), home).plan
    shoe.unlink()
    assert asset_changes(plan)[0]["now"] is None
    again = pin_assets(plan, home)
    assert _ref(again.plan) == _ref(plan)
    assert "is no longer at" in again.warnings[0]["message"]


def test_a_pinned_video_records_what_ffmpeg_read(tmp_path):
    video = clip(tmp_path / "clip.mp4", seconds=2.0, size=(320, 240))
    plan = {"ad_sets": [{"ads": [{"creative": {"format": "video",
                                               "assets": [{"kind": "video", "path": str(video)}]}}]}]}
    ref = _ref(pin_assets(plan, tmp_path / "home").plan)
    assert ref["probe"] == {"container": "mp4", "codec": "h264", "duration_s": 2.0,
                            "width": 320, "height": 240}
    assert ref["cache"].endswith(".mp4") and ref["name"] == "clip.mp4"


def test_feed_assets_are_pinned_and_server_paths_stay_as_given(tmp_path):
    root = tmp_path / "allowed"
    shoe = _png(root / "shoe.png")
    plan = {"ad_sets": [{"ads": [{"creative": {"format": "dynamic", "asset_feed_spec": {
        "images": [{"path": "shoe.png"}]}}}]}]}
    pinned = pin_assets(plan, tmp_path / "home", AssetAccess(roots=(str(root),)))
    image = pinned.plan["ad_sets"][0]["ads"][0]["creative"]["asset_feed_spec"]["images"][0]
    assert image["path"] == "shoe.png"  # the server's folders are not written into plans
    assert image["sha256"] == _sha(shoe) and "kind" not in image


def test_discard_drops_only_the_copies_the_checks_refused(tmp_path):
    good, bad = _png(tmp_path / "good.png"), _png(tmp_path / "bad.png", color=(1, 2, 3))
    pinned = pin_assets(_plan({"kind": "image", "path": str(good)},
                              {"kind": "image", "path": str(bad)}), tmp_path / "home")
    pinned.discard([{"path": "ad_sets[0].ads[1].creative.assets[0].path", "message": "junk"}])
    assert [p.name for p in (tmp_path / "home" / "assets").iterdir()] == [f"{_sha(good)}.png"]
