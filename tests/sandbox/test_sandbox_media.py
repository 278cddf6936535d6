"""Ad images and videos through the real SDK (multipart, base64, chunked upload)."""

from __future__ import annotations

import base64
import hashlib
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from facebook_business import video_uploader
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adimage import AdImage
from facebook_business.adobjects.advideo import AdVideo
from facebook_business.exceptions import FacebookRequestError

from tests.sandbox.conftest import Tree, png_bytes


def test_image_multipart_as_the_sdk_sends_it(sandbox: Any, fb_api: Any, tmp_path: Path) -> None:
    data = png_bytes((1200, 628), "blue")
    path = tmp_path / "banner.png"
    path.write_bytes(data)
    image = AdImage(parent_id=sandbox.account_id, api=fb_api)
    image[AdImage.Field.filename] = str(path)
    image.remote_create()
    digest = hashlib.md5(data).hexdigest()
    assert image.get_hash() == digest
    assert image["width"] == 1200 and image["height"] == 628
    listed = list(
        AdAccount(sandbox.account_id, api=fb_api).get_ad_images(
            fields=["hash", "width", "height", "name"], params={"hashes": [digest]}
        )
    )
    assert [(i["hash"], i["width"], i["height"]) for i in listed] == [(digest, 1200, 628)]


def test_image_and_thumbnail_urls_serve_the_files_without_a_token(
    sandbox: Any, fb_api: Any
) -> None:
    """A client that downloads an image's `url` (as Meta's CDN serves it: plain GET, no
    token) gets the uploaded bytes; a video's `picture` is a JPEG; unknown files are 404."""
    import requests
    from PIL import Image

    data = png_bytes((300, 200), "red")
    body = fb_api.call(
        "POST", (sandbox.account_id, "adimages"), {"bytes": base64.b64encode(data).decode()}
    ).json()["images"]["bytes"]
    url = body["url"]
    got = requests.get(url, timeout=10)
    assert got.status_code == 200 and got.content == data
    assert got.headers["Content-Type"] == "image/png"
    assert requests.get(url.replace(body["hash"], "0" * 32), timeout=10).status_code == 404
    vid = fb_api.call(
        "POST",
        (sandbox.account_id, "advideos"),
        {"name": "clip"},
        files={"source": ("clip.mp4", BytesIO(b"\x00" * 10_000))},
    ).json()["id"]
    picture = AdVideo(vid, api=fb_api).api_get(fields=["picture"])["picture"]
    thumb = requests.get(picture, timeout=10)
    assert thumb.status_code == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(thumb.content)).size == (320, 180)
    assert requests.get(picture.replace(".jpg", "_thumb.jpg"), timeout=10).status_code == 200
    # the admin API still needs the token
    assert requests.get(f"{sandbox.url}/__sandbox__/clock", timeout=10).status_code != 200


def test_image_base64_bytes_and_same_hash(sandbox: Any, fb_api: Any) -> None:
    data = png_bytes((600, 600), "green")
    body = fb_api.call(
        "POST",
        (sandbox.account_id, "adimages"),
        {"bytes": base64.b64encode(data).decode(), "name": "sq"},
    ).json()
    assert body["images"]["bytes"]["hash"] == hashlib.md5(data).hexdigest()
    assert body["images"]["bytes"]["width"] == 600
    again = fb_api.call(
        "POST", (sandbox.account_id, "adimages"), {"bytes": base64.b64encode(data).decode()}
    ).json()
    assert again["images"]["bytes"]["hash"] == body["images"]["bytes"]["hash"]


def test_corrupt_image_is_refused(sandbox: Any, fb_api: Any) -> None:
    with pytest.raises(FacebookRequestError) as err:
        fb_api.call(
            "POST",
            (sandbox.account_id, "adimages"),
            {},
            files={"filename": ("broken.jpg", BytesIO(b"not an image at all"))},
        )
    assert err.value.api_error_code() == 100
    assert "not a valid image" in err.value.body()["error"]["error_user_msg"]


def test_image_in_use_cannot_be_deleted(tree: Tree) -> None:
    with pytest.raises(FacebookRequestError):
        tree.api.call("DELETE", (tree.account.get_id(), "adimages"), {"hash": tree.image_hash})


def test_simple_video_processes_then_ready(sandbox: Any, fb_api: Any) -> None:
    vid = fb_api.call(
        "POST",
        (sandbox.account_id, "advideos"),
        {"name": "clip"},
        files={"source": ("clip.mp4", BytesIO(b"\x00" * 10_000))},
    ).json()["id"]
    status = AdVideo(vid, api=fb_api).api_get(fields=["status"])["status"]
    assert status["video_status"] == "processing"
    assert list(AdVideo(vid, api=fb_api).get_thumbnails()) == []
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})
    assert AdVideo(vid, api=fb_api).api_get(fields=["status"])["status"]["video_status"] == "ready"
    thumbs = list(AdVideo(vid, api=fb_api).get_thumbnails())
    assert thumbs[0]["is_preferred"] is True and thumbs[0]["uri"]


def test_chunked_upload_with_the_sdk_uploader(
    sandbox: Any, fb_api: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SDK hard-codes graph-video.facebook.com; route it to the sandbox (adpilot does the same).
    def send(self: Any, path: Any) -> Any:
        return self._api.call("POST", path, params=self._params, files=self._files)

    monkeypatch.setattr(video_uploader.VideoUploadRequest, "send", send)
    path = tmp_path / "movie.mp4"
    path.write_bytes(b"\x01" * 2_500_000)  # three chunks of <= 1 MiB
    video = AdVideo(parent_id=sandbox.account_id, api=fb_api)
    video[AdVideo.Field.filepath] = str(path)
    video.remote_create()
    assert video["id"]
    stored = sandbox.admin("GET", "/__sandbox__/objects?type=advideo")["data"]
    assert stored[0]["_received"] == 2_500_000


def test_chunk_at_wrong_offset_returns_resume_offsets(sandbox: Any, fb_api: Any) -> None:
    start = fb_api.call(
        "POST", (sandbox.account_id, "advideos"), {"upload_phase": "start", "file_size": 3000}
    ).json()
    assert (start["start_offset"], start["end_offset"]) == ("0", "3000")
    sid = start["upload_session_id"]
    with pytest.raises(FacebookRequestError) as err:
        fb_api.call(
            "POST",
            (sandbox.account_id, "advideos"),
            {"upload_phase": "transfer", "upload_session_id": sid, "start_offset": 1000},
            files={"video_file_chunk": ("c", BytesIO(b"\x00" * 1000))},
        )
    assert err.value.api_error_subcode() == 1363037
    data = err.value.body()["error"]["error_data"]
    assert (data["start_offset"], data["end_offset"]) == ("0", "3000")
    nxt = fb_api.call(
        "POST",
        (sandbox.account_id, "advideos"),
        {"upload_phase": "transfer", "upload_session_id": sid, "start_offset": 0},
        files={"video_file_chunk": ("c", BytesIO(b"\x00" * 3000))},
    ).json()
    assert nxt["start_offset"] == nxt["end_offset"] == "3000"
    done = fb_api.call(
        "POST",
        (sandbox.account_id, "advideos"),
        {"upload_phase": "finish", "upload_session_id": sid, "title": "t"},
    ).json()
    assert done == {"success": True}


def test_video_creative_needs_ready_video_and_thumbnail(tree: Tree) -> None:
    vid = tree.api.call(
        "POST",
        (tree.account.get_id(), "advideos"),
        {},
        files={"source": ("v.mp4", BytesIO(b"\x00" * 1000))},
    ).json()["id"]
    tree.sandbox.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})
    spec = {"page_id": tree.page_id, "video_data": {"video_id": vid, "message": "Watch"}}
    with pytest.raises(FacebookRequestError):
        tree.account.create_ad_creative(params={"name": "v", "object_story_spec": spec})
    spec["video_data"]["image_hash"] = tree.image_hash
    created = tree.account.create_ad_creative(params={"name": "v", "object_story_spec": spec})
    got = tree.api.call("GET", (created["id"],), {"fields": "object_type,video_id"}).json()
    assert got["object_type"] == "VIDEO" and got["video_id"] == vid
