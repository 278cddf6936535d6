"""Every launch card names the ad account, page and pixel it uses (never silently the first)."""

from __future__ import annotations

from tests.launchkit import brief_for


def test_the_launch_card_names_account_page_and_pixel(cli, sample_images):
    server, run = cli
    page = str(server.store.list_objects("page")[0]["id"])
    pixel = str(server.store.list_objects("adspixel")[0]["id"])
    out = run("run", brief_for(sample_images), "--thread", "p1")
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert f"Where: ad account {server.account_id} · page {page} · pixel {pixel}" in text, text
