"""Ad videos (docs/meta-api-facts.md §1.6, §13.9): simple and chunked uploads, processing status, thumbnails.

Simple multipart `source`, or chunked `upload_phase=start|transfer|finish|cancel` with offset
checking: a chunk at the wrong offset → 100/1363037 with the offsets to resume from in
`error_data` (what the SDK's uploader expects). `status.video_status` is `processing` until
~3 simulated seconds after the upload completes, then `ready`.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage

from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid, not_found, required
from sandbox.fields import select
from sandbox.paging import paginate
from sandbox.params import get_int

CHUNK_BYTES = 1_048_576
PROCESSING_S = 3.0


def video_status(ctx: RequestContext, doc: dict[str, Any]) -> str:
    """Return `processing` until the upload is complete and a few simulated seconds passed."""
    ready_at = doc.get("_ready_at")
    if ready_at is None:
        return "processing"
    return "ready" if ctx.now().timestamp() >= float(ready_at) else "processing"


def _new_video(
    ctx: RequestContext, params: dict[str, Any], size: int, done: bool
) -> dict[str, Any]:
    vid = ctx.store.next_id()
    doc = {
        "id": vid,
        "title": params.get("title") or params.get("name"),
        "description": params.get("description"),
        "length": round(max(1.0, size / 250_000), 2),
        "created_time": ctx.iso(),
        "updated_time": ctx.iso(),
        "picture": f"{ctx.base_url}/__sandbox__/videos/{vid}.jpg",
        "_size": size,
        "_received": size if done else 0,
        "_ready_at": ctx.now().timestamp() + PROCESSING_S if done else None,
    }
    return ctx.store.insert_object(
        "advideo",
        {k: v for k, v in doc.items() if v is not None or k == "_ready_at"},
        account_id=str(ctx.account_id),
        parent_id=f"act_{ctx.account_id}",
    )


def upload_video(
    ctx: RequestContext, params: dict[str, Any], files: dict[str, FileStorage]
) -> dict[str, Any]:
    """`POST /act_<id>/advideos`: simple upload or one chunked-upload phase."""
    phase = params.get("upload_phase")
    if phase is None:
        part = files.get("source") or next(iter(files.values()), None)
        if part is None and not params.get("file_url"):
            raise required(
                "source", "send the video as multipart part 'source' or use upload_phase."
            )
        size = len(part.read()) if part is not None else 1_000_000
        return {"id": _new_video(ctx, params, size, done=True)["id"]}
    if phase == "start":
        file_size = get_int(params, "file_size")
        if not file_size or file_size <= 0:
            raise required("file_size", "upload_phase=start needs the file size in bytes.")
        size = file_size
        video = _new_video(ctx, params, size, done=False)
        session = ctx.store.insert_object(
            "video_upload_session",
            {"video_id": video["id"], "_next": 0, "_size": size, "_state": "open"},
            account_id=str(ctx.account_id),
            parent_id=video["id"],
        )
        return {
            "upload_session_id": session["id"],
            "video_id": video["id"],
            "start_offset": "0",
            "end_offset": str(min(CHUNK_BYTES, size)),
        }
    session = _session(ctx, params)
    if phase == "transfer":
        return _transfer(ctx, session, params, files)
    if phase == "finish":
        if session["_next"] != session["_size"]:
            raise invalid(
                f"The upload is incomplete: {session['_next']} of {session['_size']} bytes received.",
                fields=["upload_phase"],
            )
        ctx.store.update_object(session["id"], {"_state": "finished"})
        changes = {"_ready_at": ctx.now().timestamp() + PROCESSING_S, "_received": session["_size"]}
        for key in ("title", "description"):
            if params.get(key):
                changes[key] = params[key]
        ctx.store.update_object(session["video_id"], changes)
        return {"success": True}
    if phase == "cancel":
        ctx.store.update_object(session["id"], {"_state": "cancelled"})
        return {"success": True}
    raise invalid(
        "upload_phase must be start, transfer, finish or cancel.", fields=["upload_phase"]
    )


def _session(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    sid = params.get("upload_session_id")
    if not sid:
        raise required("upload_session_id")
    session = ctx.store.get_object(str(sid), "video_upload_session")
    if (
        session is None
        or session.get("_account_id") != ctx.account_id
        or session["_state"] != "open"
    ):
        raise invalid(
            f"Upload session {sid} is not open in this ad account.", fields=["upload_session_id"]
        )
    return session


def _transfer(
    ctx: RequestContext,
    session: dict[str, Any],
    params: dict[str, Any],
    files: dict[str, FileStorage],
) -> dict[str, Any]:
    size, expected = int(session["_size"]), int(session["_next"])
    end = min(expected + CHUNK_BYTES, size)
    part = files.get("video_file_chunk") or next(iter(files.values()), None)
    if part is None:
        raise required("video_file_chunk", "send the chunk as multipart part video_file_chunk.")
    chunk = part.read()
    start = get_int(params, "start_offset")
    if start != expected or not chunk or expected + len(chunk) > size:
        raise GraphError(
            100,
            "(#100) Invalid parameter",
            subcode=1363037,
            user_title="Upload Offset Mismatch",
            user_msg=f"The chunk should start at byte {expected} and end before {end}; resume "
            "from the offsets in error_data.",
            error_data={"start_offset": str(expected), "end_offset": str(end)},
        )
    nxt = expected + len(chunk)
    ctx.store.update_object(session["id"], {"_next": nxt})
    ctx.store.update_object(session["video_id"], {"_received": nxt})
    return {"start_offset": str(nxt), "end_offset": str(min(nxt + CHUNK_BYTES, size))}


def _video_view(ctx: RequestContext, doc: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    state = video_status(ctx, doc)
    received, size = int(doc.get("_received", 0)), int(doc.get("_size", 0))
    status = {
        "video_status": state,
        "uploading_phase": {
            "status": "complete" if received >= size else "in_progress",
            "bytes_transfered": received,
        },
        "processing_phase": {"status": "complete" if state == "ready" else "in_progress"},
        "publishing_phase": {"status": "not_started"},
    }
    return select(doc, "advideo", params, {"status": lambda: status})


def list_videos(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /act_<id>/advideos`."""
    docs = [
        d
        for d in ctx.store.list_objects("advideo", account_id=ctx.account_id)
        if not d.get("_deleted")
    ]
    page = paginate(ctx, docs, params)
    page["data"] = [_video_view(ctx, d, params) for d in page["data"]]
    return page


def read_video(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{video_id}?fields=status,...`."""
    doc = ctx.store.get_object(oid, "advideo")
    if doc is None or doc.get("_deleted"):
        raise not_found(oid)
    return _video_view(ctx, doc, params)


def update_video(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`POST /{video_id}`: title / description / name."""
    changes: dict[str, Any] = {
        k: params[k] for k in ("title", "description", "name") if k in params
    }
    ctx.store.update_object(oid, changes)
    return {"success": True}


def delete_video(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`DELETE /{video_id}`."""
    ctx.store.update_object(oid, {"_deleted": True})
    return {"success": True}


def video_thumbnails(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{video_id}/thumbnails`: one preferred thumbnail once the video is ready."""
    doc = ctx.store.get_object(oid, "advideo")
    if doc is None:
        raise not_found(oid)
    rows = []
    if video_status(ctx, doc) == "ready":
        rows = [
            {
                "id": f"{oid}_thumb",
                "uri": f"{ctx.base_url}/__sandbox__/videos/{oid}_thumb.jpg",
                "is_preferred": True,
                "height": 720,
                "width": 1280,
                "scale": 1,
            }
        ]
    return paginate(ctx, rows, params)
