"""Where images may be read from: files under the operator's folders, URLs on public addresses.

Fetches go to real HTTP servers on loopback (which the rule refuses unless the operator's
switch allows private addresses); nothing here needs the internet.
"""

from __future__ import annotations

import http.server
import ipaddress
import os
import threading
from pathlib import Path

import pytest

from agents.assets.nodes import AssetError, download
from state.context import AssetAccess, Context
from tools.asset_checks import check_assets
from tools.asset_sources import (
    AssetRefused,
    FetchFailed,
    address_problem,
    fetch,
    local_file,
    url_problem,
)

PRIVATE = AssetAccess.from_env({"ADPILOT_ALLOW_PRIVATE_URLS": "1"})
PUBLIC_ONLY = AssetAccess.from_env({})


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "a loopback"), ("169.254.169.254", "a link-local"), ("10.0.0.7", "a private"),
    ("192.168.1.5", "a private"), ("172.16.0.1", "a private"), ("100.64.0.1", "a non-public"),
    ("0.0.0.0", "an unspecified"), ("224.0.0.1", "a multicast"), ("240.0.0.1", "a private"),
    ("::1", "a loopback"), ("fe80::1", "a link-local"), ("fc00::1", "a private"),
    ("::ffff:127.0.0.1", "a loopback"), ("::ffff:169.254.169.254", "a link-local"),
    ("64:ff9b::a9fe:a9fe", "a link-local"), ("2002:7f00:1::", "a loopback"),
    ("8.8.8.8", None), ("2606:4700:4700::1111", None),
])
def test_every_non_public_address_kind_is_named(address, kind):
    found = address_problem(ipaddress.ip_address(address))
    assert (found is None) if kind is None else found == f"{kind} address"


def test_the_operator_switch_reads_like_a_setting():
    assert AssetAccess.from_env({"ADPILOT_ALLOW_PRIVATE_URLS": "yes"}).allow_private_urls
    assert not AssetAccess.from_env({"ADPILOT_ALLOW_PRIVATE_URLS": "0"}).allow_private_urls
    with pytest.raises(ValueError, match="ADPILOT_ALLOW_PRIVATE_URLS='maybe': use 1"):
        AssetAccess.from_env({"ADPILOT_ALLOW_PRIVATE_URLS": "maybe"})
    assert Context.from_env({"ADPILOT_ALLOW_PRIVATE_URLS": "1"}).assets.allow_private_urls
    assert Context.from_env({}).assets.roots is None  # the CLI reads its person's own files


class _Images(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; /hop/N redirects N more times, /to?u=URL redirects to URL."""

    seen: list[str]

    def do_GET(self) -> None:  # noqa: N802
        self.seen.append(self.path)
        if self.path.startswith("/hop/"):
            left = int(self.path.rsplit("/", 1)[1])
            self._redirect(f"/hop/{left - 1}" if left > 1 else "/shoe_0.png")
        elif self.path.startswith("/to?u="):
            self._redirect(self.path.removeprefix("/to?u="))
        else:
            super().do_GET()

    def _redirect(self, where: str) -> None:
        self.send_response(302)
        self.send_header("Location", where)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def image_server(sample_images):
    seen: list[str] = []
    handler = type("Handler", (_Images,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: handler(*a, directory=str(sample_images[0].parent)))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_a_loopback_url_is_refused_before_any_connection(image_server, tmp_path):
    base, seen = image_server
    for url in (f"{base}/shoe_0.png", f"http://localhost:{base.rsplit(':', 1)[1]}/shoe_0.png"):
        with pytest.raises(AssetRefused) as info:
            fetch(url, PUBLIC_ONLY, max_bytes=1 << 20)
        assert url in str(info.value) and "a loopback address" in str(info.value)
        assert "ADPILOT_ALLOW_PRIVATE_URLS=1" in str(info.value)
    with pytest.raises(AssetError, match=r"169\.254\.169\.254 is a link-local address"):
        download("http://169.254.169.254/latest/meta-data/hero.jpg", tmp_path, PUBLIC_ONLY)
    assert seen == []  # refused before connecting: the server never saw a request


def test_a_cached_download_does_not_get_around_the_rule(image_server, tmp_path):
    base, seen = image_server
    url = f"{base}/shoe_0.png"
    first = download(url, tmp_path, PRIVATE)
    assert first.read_bytes()[:4] == b"\x89PNG" and len(seen) == 1
    with pytest.raises(AssetError, match="a loopback address"):
        download(url, tmp_path, PUBLIC_ONLY)


def test_redirects_are_followed_and_every_hop_is_checked(image_server, sample_images):
    base, seen = image_server
    assert fetch(f"{base}/hop/3", PRIVATE, max_bytes=1 << 20) == sample_images[0].read_bytes()
    assert seen == ["/hop/3", "/hop/2", "/hop/1", "/shoe_0.png"]
    with pytest.raises(FetchFailed, match="redirects more than 5 times"):
        fetch(f"{base}/hop/6", PRIVATE, max_bytes=1 << 20)
    for target, says in (("ftp://files.example/a.png", r"is not an http\(s\) URL"),
                         (f"http://user:secret@127.0.0.1:{base.rsplit(':', 1)[1]}/shoe_0.png",
                          "URLs with a user name or password are not fetched")):
        with pytest.raises(AssetRefused, match=says) as info:
            fetch(f"{base}/to?u={target}", PRIVATE, max_bytes=1 << 20)
        assert "secret" not in str(info.value)
    with pytest.raises(FetchFailed, match=r"HTTP 404"):
        fetch(f"{base}/missing.png", PRIVATE, max_bytes=1 << 20)
    with pytest.raises(FetchFailed, match="is over 0 MB"):
        fetch(f"{base}/shoe_0.png", PRIVATE, max_bytes=100)


def test_files_only_under_the_operator_folders(tmp_path, sample_images):
    allowed = sample_images[0].parent
    outside = tmp_path / "secret.png"
    outside.write_bytes(sample_images[0].read_bytes())
    (allowed / "link.png").symlink_to(outside)
    access = AssetAccess(roots=(str(allowed),))
    assert local_file("shoe_0.png", access) == sample_images[0].resolve()
    assert local_file(str(sample_images[1]), access) == sample_images[1].resolve()
    for name in (str(outside), "../secret.png", "link.png", "~/x.png"):
        with pytest.raises(AssetRefused) as info:
            local_file(name, access)
        said = str(info.value)
        assert "outside the folders this server reads images from" in said
        assert "ADPILOT_ASSET_DIR" in said and str(allowed) not in said  # the folder stays private
    with pytest.raises(AssetRefused, match=r"reads no image files from its disk \(ADPILOT_ASSET_DIR is not set\)"):
        local_file(str(sample_images[0]), AssetAccess(roots=()))
    assert local_file(str(outside), AssetAccess()) == outside  # the CLI: any path, as before


def test_validation_refuses_what_cannot_be_read_and_never_opens_it(tmp_path, sample_images):
    unreadable = tmp_path / "fifo.png"
    os.mkfifo(unreadable)  # opening it would block: a refusal must not open it
    plan = {"ad_sets": [{"ads": [{"creative": {"assets": [
        {"kind": "image", "path": str(unreadable)},
        {"kind": "image", "url": "http://169.254.169.254/latest/meta-data/hero.jpg"},
        {"kind": "image", "path": "shoe_1.png"},
    ]}}]}]}
    problems, _ = check_assets(plan, AssetAccess(roots=(str(sample_images[0].parent),)))
    assert [p["path"] for p in problems] == ["ad_sets[0].ads[0].creative.assets[0].path",
                                             "ad_sets[0].ads[0].creative.assets[1].url"]
    assert "outside the folders" in problems[0]["message"]
    assert "a link-local address" in problems[1]["message"]
    assert "ADPILOT_ALLOW_PRIVATE_URLS=1" in problems[1]["fix"]
    assert url_problem("http://169.254.169.254/x.jpg", PRIVATE) is None  # the operator allows it


def test_upload_on_a_server_context_refuses_private_urls_and_outside_files(launch_context, tmp_path,
                                                                           sample_images):
    import dataclasses

    from agents.assets.nodes import upload_assets
    from tests.launchkit import plan_for, runtime_for

    served = dataclasses.replace(launch_context, assets=AssetAccess(roots=(str(tmp_path / "none"),)))
    (tmp_path / "none").mkdir()
    plan = plan_for(launch_context, sample_images[:1])  # a file outside the allowed folder
    state = {"plan": plan, "approval": {"decision": "approve"}}
    with pytest.raises(AssetError, match="outside the folders this server reads images from"):
        upload_assets(state, runtime_for(served, "s1"))
    plan = plan_for(launch_context, [])
    plan["ad_sets"][0]["ads"] = [{"name": "Link", "creative": {
        "format": "image", "primary_text": "Grip", "headline": "Trail", "call_to_action": "SHOP_NOW",
        "assets": [{"kind": "image", "url": "http://127.0.0.1:9/hero.png"}]}}]
    with pytest.raises(AssetError, match=r"127\.0\.0\.1 is a loopback address"):
        upload_assets({"plan": plan, "approval": {"decision": "approve"}}, runtime_for(served, "s2"))


def test_the_sample_images_fixture_is_what_the_tests_think(sample_images):
    assert all(Path(p).suffix == ".png" for p in sample_images)
