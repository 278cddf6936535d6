"""The files behind image and video-thumbnail URLs, served like Meta's CDN.

An uploaded image's `url` (`/__sandbox__/images/<hash>.jpg`) and a video's `picture`
(`/__sandbox__/videos/<id>.jpg`, and `<id>_thumb.jpg` of its `thumbnails` edge) and a page's
`picture` (`/__sandbox__/pages/<id>/picture_<w>x<h>.jpg`) are fetched by clients the way Meta's `scontent` CDN URLs
are: a plain GET with no access token (a CDN URL is public; only someone who was given it can
guess it). Image bytes are kept at upload, once per hash (`media_files` table); a video's
thumbnail and a page's picture are JPEGs drawn from the id (the sandbox does not decode video frames). An
unknown file is a 404 with an empty body, as a CDN answers.
"""

from __future__ import annotations

import hashlib
import io
import re

from PIL import Image

from sandbox.store import Store

TABLE = "media_files"
PATH = re.compile(r"^/__sandbox__/(images|videos)/([0-9A-Za-z]+?)(_thumb)?\.jpg$"
                  r"|^/__sandbox__/pages/([0-9]+)/picture_([0-9]{1,4})x([0-9]{1,4})\.jpg$")


def keep_image(store: Store, digest: str, data: bytes, mime: str) -> None:
    """Keep an uploaded image's bytes under its hash (the same file uploads once)."""
    with store.lock:
        store.db.table(TABLE).insert(
            {"key": f"images/{digest}", "mime": mime, "data": data}, pk="key", ignore=True
        )


def lookup(store: Store, path: str) -> tuple[bytes, str] | None:
    """(bytes, content type) of a CDN-style path, or None when the path names no file."""
    m = PATH.match(path)
    if m is None:
        return None
    kind, key, _, page, width, height = m.groups()
    if page is not None:
        if store.get_object(page, "page") is None or not (0 < int(width) <= 2048 >= int(height) > 0):
            return None
        return drawn(page, int(width), int(height)), "image/jpeg"
    if kind == "images":
        with store.lock:
            if TABLE not in store.db.table_names():
                return None
            rows = list(store.db.query(f"select data, mime from {TABLE} where key = ?",
                                       [f"images/{key}"]))
        return (bytes(rows[0]["data"]), str(rows[0]["mime"])) if rows else None
    if store.get_object(key, "advideo") is None:
        return None
    return drawn(key, 320, 180), "image/jpeg"


def drawn(oid: str, width: int, height: int) -> bytes:
    """Draw a JPEG of the given size in a colour of the object id (deterministic)."""
    shade = hashlib.sha256(oid.encode()).digest()[:3]
    buf = io.BytesIO()
    Image.new("RGB", (width, height), tuple(shade)).save(buf, "JPEG", quality=80)
    return buf.getvalue()
