"""Asset agent: upload each distinct image and video once, reusing earlier uploads.

Runs after approval (the checks in `tools/asset_checks.py` ran before it, in validate_plan).
A local file was pinned when the plan was checked (`tools/asset_cache.py`): the upload reads the
pinned copy in ADPILOT_HOME/assets, its sha256 checked again, from whatever folder it runs — a
copy that changed or vanished, with no original of that content, stops the launch here with
the asset and the fix named, before anything is sent.
The images and videos of a dynamic creative's `asset_feed_spec` are uploaded like the others
(`iter_assets` yields them), and each feed video gets a poster for its `thumbnail_hash`.
Every distinct file is uploaded once — an image used by five ads is one upload — and a file
uploaded by an earlier thread is reused from a small table (`ADPILOT_HOME/assets.db`, or
PostgreSQL beside the checkpoints), after one read confirms Meta still has it. Image URLs are
downloaded once into `ADPILOT_HOME/downloads` and treated like files. Uploads run in parallel, a client per worker.

What may be read is the run's `context.assets` (`tools/asset_sources.py`): files only under the
folders the operator allows (any path in the CLI), URLs only on public addresses unless the
operator allows private ones — checked again here, at upload, whatever validation said.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from langgraph.runtime import Runtime

from agents.common import LaunchError, client_of, thread_id_of, yields_on_throttle
from agents.common.tracing import meta_call_group
from state.context import AssetAccess, Context, act_id
from state.database import open_database, state_location
from state.schema import AdpilotState
from tools.asset_cache import PinBroken, file_digest, is_pinned, label, pinned_file
from tools.asset_checks import (
    MAX_IMAGE_BYTES,
    asset_kind,
    check_image,
    iter_assets,
    video_thumbnails,
)
from tools.asset_sources import AssetRefused, FetchFailed, check_address, fetch, local_file


class AssetError(LaunchError):
    """An asset could not be fetched or read at upload time; the message names it and the fix."""


def download(url: str, home: str | Path, access: AssetAccess | None = None) -> Path:
    """Fetch an image URL once into ADPILOT_HOME/downloads (at most 30 MB); return the file.

    `access` says which addresses may be fetched (default: public ones only); a refusal is an
    `AssetError` naming the URL and the setting that would allow it.
    """
    name = Path(urlsplit(url).path).name or "image"
    target = Path(home) / "downloads" / f"{hashlib.sha256(url.encode()).hexdigest()[:16]}-{name}"
    try:
        check_address(url, access or AssetAccess())  # a cached copy is no way around the rule
        if target.exists():
            return target
        data = fetch(url, access or AssetAccess(), max_bytes=MAX_IMAGE_BYTES)
    except (AssetRefused, FetchFailed) as exc:
        raise AssetError(str(exc)) from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    problems, _ = check_image(url, target, {})
    if problems:
        target.unlink()
        raise AssetError(f"{url}: {problems[0]['message']} — {problems[0]['fix']}")
    return target


def local_asset(path: str, access: AssetAccess | None) -> Path:
    """Return the file a plan's asset `path` names, if this run may read it (else `AssetError`)."""
    try:
        return local_file(path, access or AssetAccess())
    except AssetRefused as exc:
        raise AssetError(str(exc)) from None


def asset_file(ref: dict[str, Any], home: str | Path, access: AssetAccess | None) -> tuple[Path, str]:
    """Return (the file to upload, its sha256) for a local ref, or raise `AssetError`.

    A pinned ref gives its copy in the asset cache (hash checked); a ref pinned by no check
    (a plan from before pinning) gives its path, which must still be readable.
    """
    if is_pinned(ref):
        try:
            return pinned_file(ref, home, access), str(ref["sha256"])
        except PinBroken as exc:
            raise AssetError(str(exc)) from None
    path = local_asset(str(ref["path"]), access)
    try:
        return path, file_digest(path)
    except OSError as exc:
        where = "" if path.is_absolute() else f" (relative to {Path.cwd()})"
        raise AssetError(f"{label(ref)}: cannot read {path}{where} ({exc.__class__.__name__}); "
                         "nothing was sent to Meta. Put the file back, or run `adpilot resume` "
                         "from the folder the brief was written in") from None


class _Uploads:
    """The asset cache (`uploads`: account, content hash → Meta's image hash or video id).

    `ADPILOT_HOME/assets.db`, or the same table in PostgreSQL beside the checkpoints
    (`state/database.py`), so an image one worker uploaded is reused by every other.
    """

    KEY = ("account_id", "sha256")
    COLUMNS: dict[str, type] = {"account_id": str, "sha256": str, "kind": str, "meta_ref": str,
                                "name": str, "uploaded_at": str}

    def __init__(self, home: str | Path) -> None:
        Path(home).mkdir(parents=True, exist_ok=True)
        self.db = open_database(state_location(home, "assets"), what="the asset cache")
        self.db.ensure_table("uploads", self.COLUMNS, pk=self.KEY)

    def rows_where(self, where: str, args: list[Any]) -> Iterator[dict[str, Any]]:
        """Yield the cached uploads matching `where` (`?` placeholders)."""
        yield from self.db.query(f"SELECT * FROM uploads WHERE {where}", args)

    def upsert_all(self, rows: list[dict[str, Any]], pk: tuple[str, ...] = KEY) -> None:
        """Record uploads (a later upload of the same content replaces the earlier one)."""
        self.db.upsert("uploads", rows, pk=pk)


def _table(home: str | Path) -> _Uploads:
    return _Uploads(home)


def _still_on_meta(client: Any, account_id: str, cached: dict[str, dict]) -> dict[str, dict]:
    """Keep only cached image hashes Meta still lists (one read); videos are trusted."""
    hashes = [row["meta_ref"] for row in cached.values() if row["kind"] == "image"]
    if not hashes:
        return cached
    rows = client.get_all(f"{account_id}/adimages", {"hashes": json.dumps(hashes), "fields": "hash,status"})
    alive = {r.get("hash") for r in rows if r.get("status", "ACTIVE") != "DELETED"}
    return {d: row for d, row in cached.items() if row["kind"] == "video" or row["meta_ref"] in alive}


@yields_on_throttle
def upload_assets(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Upload each distinct asset once (reusing earlier uploads) and record its Meta reference.

    The approved launch passes the money gate first: a launch it refuses ends here, before
    anything (not even an image) is written (`agents/orchestrator/launch_gate.py::check_launch`).
    """
    from agents.orchestrator.launch_gate import check_launch

    refused = check_launch(state, runtime, "upload_assets")
    if refused is not None:
        return refused
    ctx = runtime.context
    account_id = act_id(str(ctx.account_id))
    files: dict[str, tuple[str, Path, str]] = {}
    paths: dict[str, str] = {}
    read: dict[str, Path] = {}  # the plan's path → the file read (the pinned copy)
    plan = cast(dict[str, Any], state["plan"])  # the approved plan
    for _field, ref, _ad_set in iter_assets(plan):
        source = ref.get("path") or ref.get("url")
        if not source:
            continue
        if ref.get("path"):
            path, digest = asset_file(ref, ctx.home, ctx.assets)
        else:
            path = download(str(source), ctx.home, ctx.assets)
            digest = file_digest(path)
        files[digest] = (asset_kind(ref), path, label(ref))
        paths[str(source)] = digest
        read[str(source)] = path
    for source, path in {**video_thumbnails(plan, ctx.home, read),
                         **video_thumbnails(feed_video_plan(plan), ctx.home, read)}.items():
        digest = file_digest(path)
        files[digest] = ("image", path, f"{Path(source).stem}-poster.png")
        paths[f"{source}#thumbnail"] = digest
    table = _table(ctx.home)
    cached = {d: row for d in files if (row := next(table.rows_where(
        "account_id = ? and sha256 = ?", [account_id, d]), None))}
    client = client_of(runtime)
    cached = _still_on_meta(client, account_id, cached) if cached else {}
    todo = [d for d in files if d not in cached]

    def upload(digest: str) -> dict[str, Any]:
        kind, path, name = files[digest]
        worker = client_of(runtime)  # a client per worker thread
        if kind == "video":
            meta_ref = worker.upload_video(path, name=name, plan_key=f"asset-{digest}")
        else:
            meta_ref = worker.upload_image(path, name, plan_key=f"asset-{digest}")["hash"]
        return {"account_id": account_id, "sha256": digest, "kind": kind, "meta_ref": str(meta_ref),
                "name": name, "uploaded_at": datetime.now(UTC).isoformat()}

    with meta_call_group("upload_assets", kind="upload", files=len(todo), reused=len(cached)), \
            ThreadPoolExecutor(max_workers=min(4, len(todo) or 1)) as pool:
        uploaded = list(pool.map(upload, todo))
    table.upsert_all(uploaded, pk=("account_id", "sha256"))
    assets = {}
    for row in [*cached.values(), *uploaded]:
        ref_key = "video_id" if row["kind"] == "video" else "hash"
        assets[row["sha256"]] = {"kind": row["kind"], ref_key: row["meta_ref"], "reused": row["sha256"] in cached,
                                 "paths": sorted(p for p, d in paths.items() if d == row["sha256"])}
    note = f"assets: {len(uploaded)} uploaded, {len(cached)} reused"
    return {"assets": assets, "phase": "assets_uploaded", "status": note,
            "log": [f"{thread_id_of(runtime)}: {note}"]}


def feed_video_plan(plan: dict[str, Any]) -> dict[str, Any]:
    """Return a plan of one video creative per video of a dynamic creative's asset feed.

    `video_thumbnails` then draws each its poster, which the feed names as `thumbnail_hash`.
    """
    videos = [{"kind": "video", **v} for s in plan.get("ad_sets") or [] for ad in s.get("ads") or []
              for v in ((ad.get("creative") or {}).get("asset_feed_spec") or {}).get("videos") or []]
    return {"ad_sets": [{"ads": [{"creative": {"format": "video", "assets": [v]}} for v in videos]}]}


def asset_tables(assets: dict[str, dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """(image hashes, video ids) keyed by the plan's asset path, as `to_meta_tree` wants them."""
    images: dict[str, str] = {}
    videos: dict[str, str] = {}
    for digest, entry in assets.items():
        for path in [digest, *entry.get("paths", [])]:
            if entry["kind"] == "video":
                videos[path] = entry["video_id"]
            else:
                images[path] = entry["hash"]
    return images, videos
