"""Ad images (docs/meta-api-facts.md §1.5, §13.8): upload, list, read, delete.

Images: multipart as the SDK sends it (the same file as parts `filename` and `source0`; any
file part is accepted) or base64 `bytes`; decoded with Pillow (a corrupt file is refused),
hashed with MD5, stored as `adimage` `<account digits>:<hash>` (the bytes kept for its
`url`, served like a CDN file by `sandbox/media_files.py`); the response is
`{"images": {<file name or "bytes">: {"hash", "url", "width", "height", ...}}}`.
Videos live in `sandbox/videos.py`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from typing import Any

from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid, not_found, required
from sandbox.fields import select
from sandbox.media_files import keep_image
from sandbox.paging import paginate
from sandbox.params import get_list


# -- images --------------------------------------------------------------------------------------
def _decode_image(data: bytes, name: str) -> tuple[int, int, str]:
    """(width, height, content type) of a valid image file; Meta's error otherwise."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            return img.size[0], img.size[1], img.get_format_mimetype() or "image/jpeg"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise GraphError(
            100,
            "(#100) Invalid image",
            user_title="Image Could Not Be Processed",
            user_msg=f"The file {name!r} is not a valid image (JPG, PNG, GIF or BMP); upload a "
            "different file.",
            blame_field_specs=[["filename"]],
        ) from exc


def upload_image(
    ctx: RequestContext, params: dict[str, Any], files: dict[str, FileStorage]
) -> dict[str, Any]:
    """`POST /act_<id>/adimages` (multipart file or base64 `bytes`)."""
    uploads: dict[str, bytes] = {}
    for part in files.values():
        name = (part.filename or "image").rsplit("/", 1)[-1]
        uploads.setdefault(name, part.read())
    if not uploads and params.get("bytes"):
        try:
            uploads["bytes"] = base64.b64decode(str(params["bytes"]), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise invalid(
                "bytes must be the base64 encoding of an image file.", fields=["bytes"]
            ) from exc
    if not uploads:
        raise required("filename", "upload an image file (multipart) or base64 bytes.")
    out: dict[str, Any] = {}
    for key, data in uploads.items():
        width, height, mime = _decode_image(data, key)
        digest = hashlib.md5(data).hexdigest()  # noqa: S324 - Meta's image hash, not security
        keep_image(ctx.store, digest, data, mime)
        oid = f"{ctx.account_id}:{digest}"
        doc = ctx.store.get_object(oid, "adimage")
        url = f"{ctx.base_url}/__sandbox__/images/{digest}.jpg"
        if doc is None or doc.get("status") == "DELETED":
            doc = ctx.store.insert_object(
                "adimage",
                {
                    "id": oid,
                    "account_id": ctx.account_id,
                    "hash": digest,
                    "name": str(params.get("name") or key),
                    "width": width,
                    "height": height,
                    "original_width": width,
                    "original_height": height,
                    "url": url,
                    "url_128": url,
                    "permalink_url": url,
                    "status": "ACTIVE",
                    "created_time": ctx.iso(),
                    "updated_time": ctx.iso(),
                },
                account_id=str(ctx.account_id),
                parent_id=f"act_{ctx.account_id}",
            )
        out[key] = {
            "hash": digest,
            "url": url,
            "url_128": url,
            "url_256": url,
            "url_256_height": str(min(256, height)),
            "url_256_width": str(min(256, width)),
            "height": height,
            "width": width,
            "name": doc.get("name", key),
        }
    return {"images": out}


def list_images(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /act_<id>/adimages[?hashes=[...]]`."""
    hashes = get_list(params, "hashes")
    docs = [
        d
        for d in ctx.store.list_objects("adimage", account_id=ctx.account_id)
        if d.get("status") != "DELETED" and (hashes is None or d.get("hash") in hashes)
    ]
    page = paginate(ctx, docs, params)
    page["data"] = [select(d, "adimage", params) for d in page["data"]]
    return page


def read_image(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{account}:{hash}`."""
    doc = ctx.store.get_object(oid, "adimage")
    if doc is None:
        raise not_found(oid)
    return select(doc, "adimage", params)


def delete_image(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`DELETE /act_<id>/adimages?hash=` — only images no creative uses."""
    digest = params.get("hash")
    if not digest:
        raise required("hash")
    oid = f"{ctx.account_id}:{digest}"
    if ctx.store.get_object(oid, "adimage") is None:
        raise invalid(f"No image with hash {digest} in this account.", fields=["hash"])
    for cr in ctx.store.list_objects("adcreative", account_id=ctx.account_id):
        if cr.get("status") != "DELETED" and digest in str(cr.get("object_story_spec", "")):
            raise invalid(
                f"The image {digest} is used by creative {cr['id']} and cannot be deleted.",
                fields=["hash"],
            )
    ctx.store.update_object(oid, {"status": "DELETED"})
    return {"success": True}


# -- videos --------------------------------------------------------------------------------------


def viewing_urls(store: Any, creative: dict[str, Any]) -> list[str]:
    """`image_urls_for_viewing` of a creative: the URLs of the images it shows, in order.

    Not in the SDK's AdCreative fields; meta-ads-mcp asks Meta for it in production and reads
    a list of URLs [3P]. Hashes (link data, carousel cards, asset feed, video thumbnails)
    resolve to the account's image URLs; `picture` / `image_url` links are kept as given.
    """
    story = creative.get("object_story_spec") or {}
    link, video = story.get("link_data") or {}, story.get("video_data") or {}
    hashes = [link.get("image_hash"), video.get("image_hash"),
              *[c.get("image_hash") for c in link.get("child_attachments") or []],
              *[i.get("hash") for i in (creative.get("asset_feed_spec") or {}).get("images") or []],
              creative.get("image_hash")]
    account = str(creative.get("account_id") or creative.get("_account_id") or "")
    urls: list[str] = []
    for h in hashes:
        doc = store.get_object(f"{account}:{h}", "adimage") if h else None
        if doc and doc.get("url") not in urls:
            urls.append(str(doc["url"]))
    for direct in (link.get("picture"), video.get("image_url"), creative.get("image_url")):
        if direct and direct not in urls:
            urls.append(str(direct))
    return urls
