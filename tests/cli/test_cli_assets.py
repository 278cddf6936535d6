"""Assets as a marketer moves them (issue 18): a brief's files are pinned when the plan is checked.

`adpilot run` in the brief's folder, then `adpilot approve` from another folder after the folder
moved or a file changed; a junk `.mp4` refused before approval; a real one probed. The CLI runs
in-process (Typer's runner) against a sandbox server over HTTP.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from PIL import Image

from tests.launchkit import brief_for, images, objects, said, writes
from tests.videokit import clip, junk


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324 - Meta's image hash


def _video_brief(name: str) -> str:
    return ("Promote TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
            "for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
            f"Use video {name}. Shop now.")


def test_approve_from_another_folder_after_the_briefs_folder_moved(cli, home, tmp_path, monkeypatch):
    server, run = cli
    folder = tmp_path / "assets"
    shoes = images(folder)
    uploaded = {_md5(p.read_bytes()) for p in shoes}
    monkeypatch.chdir(folder)
    started = run("run", brief_for([Path(p.name) for p in shoes]), "--thread", "moved-1")
    assert started.exit_code == 0, started.output
    assert "approval needed" in started.output
    for shoe in shoes:  # the card names each file and the hash that launches
        digest = hashlib.sha256(shoe.read_bytes()).hexdigest()
        assert f"{shoe.name} (sha256 {digest[:12]})" in said(started)
        assert (home / "assets" / f"{digest}.png").read_bytes() == shoe.read_bytes()

    shutil.move(folder, tmp_path / "archived")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    approved = run("approve", "moved-1")
    assert approved.exit_code == 0, said(approved) + repr(approved.exception)
    assert "created on Meta" in approved.output and "Traceback" not in approved.output
    assert "is no longer at" in said(approved)  # the move is said, and changes nothing
    assert {i["hash"] for i in objects(server.url, "adimage")} == uploaded
    assert len(objects(server.url, "ad")) == len(shoes)


def test_a_file_changed_after_planning_is_a_new_asset_and_the_pinned_one_launches(cli, home, tmp_path,
                                                                                  monkeypatch):
    server, run = cli
    folder = tmp_path / "assets"
    shoes = images(folder)
    planned = shoes[0].read_bytes()
    pinned = hashlib.sha256(planned).hexdigest()
    monkeypatch.chdir(folder)
    assert run("run", brief_for([Path(p.name) for p in shoes]), "--thread", "changed-1").exit_code == 0

    Image.new("RGB", (1080, 1080), (250, 250, 0)).save(shoes[0])  # exported again, other colours
    now = hashlib.sha256(shoes[0].read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path)
    approved = run("approve", "changed-1")
    assert approved.exit_code == 0, said(approved)
    text = said(approved)
    assert (f"shoe_0.png changed on disk since the plan was checked (now sha256 {now[:12]}): "
            "that is a new asset.") in text
    assert f"This launch uploads the pinned copy (sha256 {pinned[:12]})" in text
    hashes = {i["hash"] for i in objects(server.url, "adimage")}
    assert _md5(planned) in hashes and _md5(shoes[0].read_bytes()) not in hashes


def test_a_junk_mp4_is_refused_at_planning_and_nothing_is_written(cli, home, tmp_path, monkeypatch):
    server, run = cli
    junk(tmp_path / "promo.mp4")
    monkeypatch.chdir(tmp_path)
    result = run("run", _video_brief("promo.mp4"), "--thread", "junk-1")
    assert result.exit_code == 2, said(result)
    text = said(result)
    assert "nothing was written" in text
    assert "promo.mp4 is not a video Meta can play: FFmpeg cannot read it" in text
    assert writes(server) == 0 and objects(server.url, "advideo") == []
    assert not any((home / "assets").glob("*.mp4"))  # the junk is not kept in the asset cache


def test_a_real_mp4_is_probed_pinned_and_uploaded(cli, home, tmp_path, monkeypatch):
    server, run = cli
    video = clip(tmp_path / "media" / "clip.mp4", seconds=2.0, size=(320, 240))
    digest = hashlib.sha256(video.read_bytes()).hexdigest()
    monkeypatch.chdir(tmp_path / "media")
    started = run("run", _video_brief("clip.mp4"), "--thread", "video-1")
    assert started.exit_code == 0, said(started)
    assert f"clip.mp4 (MP4 h264, 2.0 s, 320×240; sha256 {digest[:12]})" in said(started)
    (tmp_path / "media" / "clip.mp4").unlink()
    monkeypatch.chdir(tmp_path)
    approved = run("approve", "video-1")
    assert approved.exit_code == 0, said(approved)
    [uploaded] = objects(server.url, "advideo")
    assert uploaded["title"] == "clip.mp4"
