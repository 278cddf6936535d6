"""The launch nodes with pinned assets: validate_plan pins, the card names the hash that launches,
a file changed since is a new asset on the card, and a broken pin stops the upload before any write."""

from __future__ import annotations

import hashlib
import shutil

import pytest
from PIL import Image

from agents.assets.nodes import AssetError, upload_assets
from agents.orchestrator.approval import approval_payload, review_plan
from agents.orchestrator.nodes import validate_plan
from tests.launchkit import admin, images, plan_for, runtime_for


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _validated(ctx, paths, thread):
    state = {"plan": plan_for(ctx, paths)}
    state.update(validate_plan(state, runtime_for(ctx, thread)))
    assert state["phase"] == "validated", state["problems"]
    return state


def _refs(state):
    return [ad["creative"]["assets"][0] for ad in state["plan"]["ad_sets"][0]["ads"]]


def test_validate_plan_pins_each_file_and_the_card_names_its_hash(launch_context, tmp_path):
    shoes = images(tmp_path / "brief")
    state = _validated(launch_context, shoes, "pin-1")
    for shoe, ref in zip(shoes, _refs(state), strict=True):
        assert ref["sha256"] == _sha(shoe) and ref["name"] == shoe.name
        assert (tmp_path / "home" / ref["cache"]).read_bytes() == shoe.read_bytes()
    card = approval_payload(state, go_live=False)["description"]
    assert f"{shoes[0].name} (sha256 {_sha(shoes[0])[:12]})" in card


def test_the_card_asked_again_after_a_file_changed_says_it_is_a_new_asset(launch_context, tmp_path,
                                                                          monkeypatch):
    shoes = images(tmp_path / "brief")
    state = _validated(launch_context, shoes, "pin-2")
    pinned = _sha(shoes[0])
    Image.new("RGB", (1080, 1080), (0, 250, 0)).save(shoes[0])
    shown = []

    def answer(payload):
        shown.append(payload)
        return {"decisions": [{"type": "approve"}], "receipt": payload["receipt"]}

    monkeypatch.setattr("agents.common.ask.interrupt", answer)
    decided = review_plan(state, runtime_for(launch_context, "pin-2"))
    assert decided["phase"] == "approved"
    card = shown[0]["description"]
    assert (f"shoe_0.png changed on disk since the plan was checked (now sha256 {_sha(shoes[0])[:12]}): "
            "that is a new asset") in card
    assert f"uploads the pinned copy (sha256 {pinned[:12]})" in card
    assert "`adpilot approve pin-2 --edit FILE`" in card

    # A plan checked again whole (`run --plan`, no card to keep): the file as it is now is
    # pinned, and the card says so. (An edit keeps the card's copy: tests/cli/test_plan_edit.py.)
    state.update(validate_plan({"plan": state["plan"]}, runtime_for(launch_context, "pin-2")))
    assert _refs(state)[0]["sha256"] == _sha(shoes[0])
    [note] = [w for w in state["warnings"] if w["path"].endswith("assets[0].path")]
    assert f"sha256 {pinned[:12]} → {_sha(shoes[0])[:12]}" in note["message"]
    card = approval_payload(state, go_live=False)["description"]
    assert f"shoe_0.png (sha256 {_sha(shoes[0])[:12]})" in card and "new asset" in card


def test_upload_uses_the_pinned_copies_after_the_folder_moved(launch_context, sandbox_server, tmp_path,
                                                             monkeypatch):
    shoes = images(tmp_path / "brief")
    state = _validated(launch_context, shoes, "pin-3")
    shutil.move(tmp_path / "brief", tmp_path / "gone")
    monkeypatch.chdir(tmp_path)
    update = upload_assets(state, runtime_for(launch_context, "pin-3"))
    assert set(update["assets"]) == {_sha(tmp_path / "gone" / s.name) for s in shoes}
    assert update["status"] == f"assets: {len(shoes)} uploaded, 0 reused"


def test_a_broken_pin_stops_the_upload_before_anything_is_written(launch_context, sandbox_server, tmp_path):
    shoes = images(tmp_path / "brief")
    state = _validated(launch_context, shoes, "pin-4")
    ref = _refs(state)[1]
    (tmp_path / "home" / ref["cache"]).write_bytes(b"changed in the cache")
    shoes[1].unlink()
    admin(sandbox_server.url, "POST", "/__sandbox__/stats/reset", {})
    with pytest.raises(AssetError) as err:
        upload_assets(state, runtime_for(launch_context, "pin-4"))
    assert str(err.value).startswith("shoe_1.png: the copy pinned when the plan was checked")
    assert "nothing was sent to Meta" in str(err.value)
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0
