"""What adpilot adds to LangGraph Server's own HTTP app (`langgraph.json` → `http.app`).

**The ticker.** A thread between optimise cycles waits on a `wait` interrupt; in the CLI world
`adpilot tick` resumes it. On the server nothing else would, so the app's lifespan runs a
background task that every `ADPILOT_TICK_EVERY` (default 15 minutes, `state/durations.py`)
asks the server's own API — `langgraph_sdk.get_client()` with no URL talks to this process
in-process — for the interrupted threads, decides with `graph/ticking.py::wake_value` which
timers are due (a throttle wait on wall time, an optimise timer on the account's clock: the
sandbox's simulated clock there), and resumes each with
`runs.create(thread, assistant, command={"resume": {interrupt_id: value}},
multitask_strategy="reject")`. The resume names the interrupt it answers; a thread busy with
another run is refused by the server and skipped, a thread that fails is logged and skipped,
and a pass that fails is logged — the ticker never stops the server. The resume runs with
the thread's assistant and the ad account the thread recorded, so the cycle runs in that
account. A cron (LangGraph's `crons`) cannot do this: it starts a run on one thread, or a
new thread, with a fixed input; resuming whichever timers are due needs a decision per thread.

**Uploaded images.** A LangGraph client can only send JSON, and a served run reads no file
from the server's disk outside the folders the operator allows. `POST /adpilot/images` takes
`{"data": "<base64 or a data: URI>", "name": "optional, for the answer"}` (what
`client.http.post(...)` sends), checks it is an image Meta takes (the asset checks), stores it
once under `ADPILOT_HOME/uploads/upload-<sha256 prefix>.<ext>` and answers with that `path`
— a brief then names it (`"…, image upload-3f9a….jpg"`). The bytes never enter a thread's
state, its checkpoints or a trace. `langgraph.json` turns on the server's auth for this
route (`enable_custom_route_auth`) wherever auth is configured.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from graph.server_env import SERVER, uploads_dir
from graph.ticking import between_cycles, wake_value
from state.durations import tick_every
from tools.asset_checks import MAX_IMAGE_BYTES, check_image

log = logging.getLogger("adpilot.server")
GRAPH_ID = "adpilot"
PAGE = 100
_SUFFIX = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "BMP": "bmp", "TIFF": "tiff"}


# --- the ticker -------------------------------------------------------------------------
async def _waiting(client: Any) -> list[dict[str, Any]]:
    """Every interrupted thread (id, metadata, interrupts, recorded account), listed first."""
    found: list[dict[str, Any]] = []
    while True:
        page = await client.threads.search(
            status="interrupted", limit=PAGE, offset=len(found), sort_by="thread_id",
            sort_order="asc", select=["thread_id", "metadata", "interrupts"],
            extract={"account": "values.account"})
        found += page
        if len(page) < PAGE:
            return found


async def tick_once(client: Any) -> list[str]:
    """Resume every interrupted thread whose timer is due; return the thread ids woken."""
    wall_now = datetime.now(UTC)
    account_now: datetime | None = None  # read once, and only when a timer is waiting
    woken: list[str] = []
    for thread in await _waiting(client):
        tid = str(thread["thread_id"])
        for pending in (thread.get("interrupts") or {}).values():
            for found in pending or []:
                value = found.get("value")
                if not isinstance(value, dict) or value.get("kind") != "wait":
                    continue
                try:
                    if account_now is None:
                        account_now = await asyncio.to_thread(SERVER.account_now)
                    wake: dict[str, Any] | None = wake_value(value, account_now, wall_now)
                    if wake is None and not value.get("node"):  # an optimise timer
                        wake = await _alert_wake(client, thread, value, account_now)
                    if wake is None:
                        continue
                    await _resume(client, thread, found.get("id"), wake)
                except Exception as exc:  # one thread's trouble never stops the others
                    if _busy(exc):
                        log.info("adpilot ticker: thread %s is busy; it is tried next tick", tid)
                    else:
                        log.warning("adpilot ticker: thread %s not woken: %s", tid, exc)
                    continue
                woken.append(tid)
                log.info("adpilot ticker: woke thread %s (%s; clock %s)", tid,
                         f"alerts {', '.join(wake['alerts'])}" if "alerts" in wake else
                         f"timer until {value.get('until')}", account_now)
    return woken


def _retry_notifications() -> None:
    """Send what earlier runs could not deliver (tools/notify), as `adpilot tick` does."""
    from tools.notify import retry_pending

    sent = retry_pending(SERVER.home)
    if any(sent.values()):
        log.warning("adpilot ticker: notifications: %d sent, %d still pending, %d given up",
                    sent["delivered"], sent["pending"], sent["failed"])


async def _alert_wake(client: Any, thread: dict[str, Any], timer: dict[str, Any],
                      now: datetime) -> dict[str, Any] | None:
    """Return the alerts' wake value for a thread between cycles (agents/optimize/alerts.py).

    Read-only, one Graph round trip per thread: the same look `adpilot tick` takes. The value
    names alert kinds only; the thread confirms them on Meta's data before any card.
    """
    from agents.optimize.alerts import tick_wake

    tid = str(thread["thread_id"])
    state = await client.threads.get_state(tid)
    values = state.get("values") or {}
    if not between_cycles(timer, state.get("next")):
        return None
    account = (thread.get("extracted") or {}).get("account") or values.get("account")
    context = await asyncio.to_thread(SERVER.prepare, (str(account) if account else None, None, None))
    return await asyncio.to_thread(tick_wake, values, context, now, tid,
                                   say=lambda line: log.warning("adpilot ticker: %s", line))


async def _resume(client: Any, thread: dict[str, Any], interrupt_id: str | None,
                  wake: dict[str, Any]) -> None:
    metadata = thread.get("metadata") or {}
    account = (thread.get("extracted") or {}).get("account")
    resume: Any = {interrupt_id: wake} if interrupt_id else wake
    await client.runs.create(
        str(thread["thread_id"]), str(metadata.get("assistant_id") or GRAPH_ID),
        command={"resume": resume}, multitask_strategy="reject",
        context={"account_id": str(account)} if account else None)


def _busy(exc: BaseException) -> bool:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None) == 409


async def run_ticker(every_s: float, client: Any = None) -> None:
    """Tick every `every_s` seconds until cancelled; a failed pass is logged, never raised."""
    if client is None:
        from langgraph_sdk import get_client

        client = get_client()  # no URL: this server, in-process
    log.info("adpilot ticker: checking timers every %ss (ADPILOT_TICK_EVERY)", every_s)
    while True:
        await asyncio.sleep(every_s)
        try:
            await tick_once(client)
            await asyncio.to_thread(_retry_notifications)
        except Exception as exc:
            log.warning("adpilot ticker: this pass failed (%s: %s); trying again in %ss",
                        exc.__class__.__name__, exc, every_s)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Run the ticker for as long as the server runs; stop the embedded sandbox after."""
    every = tick_every(dict(os.environ)).total_seconds()  # a bad value stops the start, named
    task = asyncio.create_task(run_ticker(every), name="adpilot-ticker")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.to_thread(SERVER.close)


# --- uploaded images --------------------------------------------------------------------
class UploadRefused(ValueError):
    """An upload that is not an image Meta takes; the message names the field and the fix."""


def _decode(body: Any) -> bytes:
    if not isinstance(body, dict) or not isinstance(body.get("data"), str):
        raise UploadRefused('send JSON {"data": "<the image, base64>"} (a data: URI works too)')
    data = body["data"]
    if data.startswith("data:"):
        head, _, data = data.partition(",")
        if ";base64" not in head:
            raise UploadRefused("`data`: a data: URI must be base64 (data:image/png;base64,...)")
    if len(data) > (MAX_IMAGE_BYTES // 3 + 1) * 4 + 4:
        raise UploadRefused("`data`: the image is over Meta's 30 MB limit; send a smaller one")
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise UploadRefused("`data` is not base64; encode the image's bytes as base64") from None


def store_upload(raw: bytes, home: Path) -> dict[str, Any]:
    """Check the bytes are an image Meta takes and keep them once; return where (blocking)."""
    folder = uploads_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(raw).hexdigest()
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", delete=False) as tmp:
        tmp.write(raw)
    staged = Path(tmp.name)
    try:
        problems, warnings = check_image("data", staged, {})
        if problems:
            raise UploadRefused(f"`data`: {problems[0]['message'].replace(str(staged), 'the image')}"
                                f" — {problems[0]['fix']}")
        from PIL import Image

        with Image.open(staged) as img:
            fmt, (width, height) = img.format or "", img.size
        name = f"upload-{digest[:16]}.{_SUFFIX.get(fmt, 'img')}"
        staged.replace(folder / name)  # atomic; the same bytes land on the same name
    finally:
        staged.unlink(missing_ok=True)
    return {"path": name, "sha256": digest, "format": fmt, "width": width, "height": height,
            "bytes": len(raw), "warnings": [w["message"].replace(str(staged), name)
                                            for w in warnings]}


async def upload_image(request: Request) -> JSONResponse:
    """Keep an uploaded image for briefs to name (POST /adpilot/images, see the module doc)."""
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"error": 'send JSON {"data": "<the image, base64>"}'}, 400)
    try:
        raw = _decode(body)
        stored = await asyncio.to_thread(store_upload, raw, SERVER.home)
    except UploadRefused as exc:
        return JSONResponse({"error": str(exc)}, 422)
    return JSONResponse({**stored, "name": body.get("name")}, 201)


app = Starlette(routes=[Route("/adpilot/images", upload_image, methods=["POST"])],
                lifespan=lifespan)
