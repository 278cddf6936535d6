"""Video upload (start / transfer / finish) routed to the configured Graph URL, and status.

The SDK's `VideoUploader` hard-codes `https://graph-video.facebook.com`, which would bypass the
sandbox (and any configured Graph URL), so the three phases are sent here through the client's
own session: `start` (file size → session id, video id, the first byte range), `transfer`
(the byte range the server asks for, as multipart part `video_file_chunk`, until
`start_offset == end_offset`; an offset mismatch, subcode 1363037, resumes from the offsets Meta
names), `finish`. The whole upload is one ledgered write (`op="upload"`, `object_type="video"`,
through the steps of `tools/ledgered.py`).
Then `status.video_status` is polled until `ready` (an ad can only use a ready video);
`MetaClient.upload_video` runs both.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.errors import MetaError, PermanentError, UnknownOutcomeError
from tools.ledgered import Write, mark_sent, outcome_of, record_intents, settle

if TYPE_CHECKING:
    from tools.graph_client import GraphClient

OFFSET_MISMATCH = 1363037


def _phase(client: GraphClient, params: dict[str, Any], files: dict[str, Any] | None = None,
           attempts: int = 3) -> dict[str, Any]:
    """One upload phase; a lost response is re-sent (phases are checked by offset/session)."""
    for attempt in range(attempts):
        try:
            return client.call("POST", f"{client._account()}/advideos", params, files=files,
                               write=True)
        except UnknownOutcomeError:
            if attempt == attempts - 1 or params.get("upload_phase") == "start":
                raise
        except PermanentError as exc:
            if exc.subcode == OFFSET_MISMATCH and exc.error_data.get("start_offset") is not None:
                return {"start_offset": exc.error_data["start_offset"],
                        "end_offset": exc.error_data.get("end_offset"), "_resync": True}
            raise
    raise AssertionError("unreachable")


def chunked_upload(client: GraphClient, path: Path, *, name: str | None = None,
                   plan_key: str | None = None) -> str:
    """Upload `path` in phases; returns the video id (ledgered as one write)."""
    data = path.read_bytes()
    title = name or path.name
    edge = f"{client._account()}/advideos"
    client.refuse_if_stopped([("upload", "POST", edge, {}, None)])
    entry = Write("upload", edge, {"file_size": len(data), "title": title}, plan_key=plan_key,
                  object_type="video")
    record_intents(client.ledger, client.thread_id, [entry])
    mark_sent(client.ledger, [entry])
    try:
        start = _phase(client, {"upload_phase": "start", "file_size": len(data)})
        session_id, video_id = start["upload_session_id"], str(start["video_id"])
        lo, hi = int(start["start_offset"]), int(start["end_offset"])
        guard = 0
        while lo < hi:
            guard += 1
            if guard > 10_000:
                raise MetaError("video upload did not progress")
            answer = _phase(client, {"upload_phase": "transfer", "upload_session_id": session_id,
                                     "start_offset": lo},
                            files={"video_file_chunk": (path.name, data[lo:hi])})
            lo, hi = int(answer["start_offset"]), int(answer["end_offset"])
        _phase(client, {"upload_phase": "finish", "upload_session_id": session_id,
                        "title": title})
    except MetaError as exc:
        settle(client.ledger, [(entry, outcome_of(exc), {"error": str(exc)})])
        raise
    settle(client.ledger, [(entry, "done", {"meta_id": video_id, "after": {
        "file_size": len(data), "title": title, "id": video_id}})])
    return video_id


def video_status(client: GraphClient, video_id: str) -> dict[str, Any]:
    """Read a video's processing status: `{id, video_status, processing}`."""
    body = client.get(str(video_id), {"fields": "id,status"})
    status = body.get("status") or {}
    return {"id": str(body.get("id", video_id)), "video_status": status.get("video_status"),
            "processing": (status.get("processing_phase") or {}).get("status")}


def wait_until_ready(client: GraphClient, video_id: str, *, timeout_s: float = 60.0,
                     interval_s: float = 0.5) -> dict[str, Any]:
    """Poll until `video_status` is `ready`; raises on `error`/`expired` or timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = video_status(client, video_id)
        if status["video_status"] == "ready":
            return status
        if status["video_status"] not in (None, "processing"):
            raise PermanentError(f"video {video_id} is {status['video_status']}, not ready",
                                 user_msg="Upload the video again or use another file.")
        if time.monotonic() > deadline:
            raise MetaError(f"video {video_id} still processing after {timeout_s:.0f} s")
        time.sleep(interval_s)

