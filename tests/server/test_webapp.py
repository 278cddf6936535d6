"""adpilot's part of the server's HTTP app: image uploads, and a ticker that never stops the server.

The upload route runs on Starlette's test client (the real app, no server process); the ticker
against a client whose server is not there (every pass fails, and it goes on).
"""

from __future__ import annotations

import asyncio
import base64
import http.server
import io
import logging
import threading

import pytest
from PIL import Image
from starlette.testclient import TestClient

from graph.webapp import app, run_ticker


@pytest.fixture
def client(monkeypatch, tmp_path):
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    return TestClient(app)  # no `with`: the lifespan (the ticker) does not start


def _png(size=(1080, 1080), color=(10, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def test_an_uploaded_image_is_kept_once_for_briefs_to_name(client, tmp_path):
    raw = _png()
    first = client.post("/adpilot/images", json={"data": base64.b64encode(raw).decode(),
                                                  "name": "hero.png"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["path"].startswith("upload-") and body["path"].endswith(".png")
    assert (body["format"], body["width"], body["height"], body["name"]) == ("PNG", 1080, 1080, "hero.png")
    stored = tmp_path / "home" / "uploads" / body["path"]
    assert stored.read_bytes() == raw
    again = client.post("/adpilot/images", json={
        "data": "data:image/png;base64," + base64.b64encode(raw).decode()})
    assert again.json()["path"] == body["path"]  # the same bytes, the same name
    assert sorted(p.name for p in (tmp_path / "home" / "uploads").iterdir()) == [body["path"]]


def test_a_small_image_is_kept_with_its_warning(client):
    answer = client.post("/adpilot/images", json={"data": base64.b64encode(_png((700, 700))).decode()})
    assert answer.status_code == 201
    assert answer.json()["warnings"] == ["700×700 is below the recommended 1080 px"]


@pytest.mark.parametrize(("body", "says"), [
    ({"data": base64.b64encode(b"%PDF-1.4 not an image").decode()},
     "`data`: the image is not a readable image (corrupt or unsupported) — export it again as JPG or PNG"),
    ({"data": "not base64 at all!"}, "`data` is not base64; encode the image's bytes as base64"),
    ({"data": "data:image/png,rawbytes"}, "`data`: a data: URI must be base64"),
    ({"image": "…"}, 'send JSON {"data": "<the image, base64>"} (a data: URI works too)'),
    (["data"], 'send JSON {"data": "<the image, base64>"}'),
])
def test_what_is_no_image_is_refused_naming_the_field(client, tmp_path, body, says):
    answer = client.post("/adpilot/images", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"] == says or answer.json()["error"].startswith(says)
    uploads = tmp_path / "home" / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())  # nothing kept, nothing staged


class _Broken(http.server.BaseHTTPRequestHandler):
    """An API that answers every request with a 500."""

    def do_POST(self) -> None:  # noqa: N802
        self.send_response(500)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


def test_a_failing_tick_is_logged_and_the_ticker_goes_on(caplog):
    from langgraph_sdk import get_client

    broken = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Broken)
    threading.Thread(target=broken.serve_forever, args=(0.05,), daemon=True).start()

    async def run() -> bool:
        client = get_client(url=f"http://127.0.0.1:{broken.server_port}")
        task = asyncio.create_task(run_ticker(0.05, client))
        await asyncio.sleep(0.5)
        alive = not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.http.client.aclose()
        return alive

    try:
        with caplog.at_level(logging.WARNING, logger="adpilot.server"):
            assert asyncio.run(run())
    finally:
        broken.shutdown()
        broken.server_close()
    failed = [r.getMessage() for r in caplog.records if "this pass failed" in r.getMessage()]
    assert len(failed) >= 2, failed  # every pass failed, and the next one still ran
    assert "InternalServerError" in failed[0]
