"""The asset cache: each local image and video of a plan pinned when the plan is checked.

A brief names files relative to the folder it was written in; the approval can come hours later
from another folder, another process, or after the file was moved or exported again (issue 18).
So `pin_assets` (run by `validate_plan`, before the card) pins every local asset: its path
resolved (absolute, in the CLI), its bytes hashed (sha256) and copied — to a temporary file, then
renamed — to `ADPILOT_HOME/assets/<sha256><ext>`, content-addressed so a file used by many ads or
plans is stored once. The plan's ref keeps `path` (the original), `name` (its file name),
`sha256`, `size` and `cache` (the copy, relative to ADPILOT_HOME), and a video's `probe`
(`tools/video_files.py`) — never the bytes.

After approval `pinned_file` hands the upload the copy, hashed again. A copy that vanished (a
worker with another ADPILOT_HOME, a cleaned cache) is taken again from the original if that
still has the same content; otherwise `PinBroken` names the asset and the fix, before anything
is sent to Meta.

A file that changed after it was pinned is a new asset: the card shows which file and hash the
launch uploads, `asset_changes` tells the card and `adpilot approve` when the original no
longer matches (the pinned copy is what was approved). An edit keeps the card's pinned copy of
every asset it leaves as it was (`keep`: the same path and sha256) — editing a headline never
swaps in whatever the file holds now; an asset whose sha256 the edit removes, or whose path it
changes, is pinned as it is now, and the card's diff says which file launches. Checking a plan
given whole (`run --plan`) pins its files as they are, saying on the card when the content
changed.
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from state.context import AssetAccess
from tools.asset_sources import AssetRefused, local_file
from tools.video_files import NotAVideo, asset_kind, probe_video

CACHE_DIR = "assets"


class PinBroken(RuntimeError):
    """A pinned asset's copy and original both lack the pinned content; the message says the fix."""


def file_digest(path: Path) -> str:
    """Return the sha256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def asset_slots(plan: dict[str, Any]
                ) -> Iterator[tuple[str, Any, dict[str, Any], str | None]]:
    """Yield (field path, ref as the plan holds it, ad set, feed kind or None) per asset slot.

    The slots are every ad's `assets`, carousel `cards`, and dynamic creative's feed images and
    videos (feed kind "image" / "video"): the one walk over a plan's assets, which
    `asset_checks.iter_assets` and `local_refs` read.
    """
    for i, ad_set in enumerate(plan.get("ad_sets") or []):
        for j, ad in enumerate(ad_set.get("ads") or []):
            creative = ad.get("creative") or {}
            base = f"ad_sets[{i}].ads[{j}].creative"
            for k, ref in enumerate(creative.get("assets") or []):
                yield f"{base}.assets[{k}]", ref, ad_set, None
            for k, card in enumerate(creative.get("cards") or []):
                if card.get("asset"):
                    yield f"{base}.cards[{k}].asset", card["asset"], ad_set, None
            feed = creative.get("asset_feed_spec") or {}
            for key in ("images", "videos"):
                for k, ref in enumerate(feed.get(key) or []):
                    yield f"{base}.asset_feed_spec.{key}[{k}]", ref, ad_set, key[:-1]


def local_refs(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Yield (field path, the ref dict itself, kind) for every asset of the plan named by path."""
    for where, ref, _ad_set, kind in asset_slots(plan):
        if isinstance(ref, dict) and ref.get("path"):
            yield where, ref, kind or asset_kind(ref)


def is_pinned(ref: dict[str, Any]) -> bool:
    """Whether the ref was pinned (it names a copy in the asset cache and its digest)."""
    return bool(ref.get("sha256") and ref.get("cache"))


def cache_file(ref: dict[str, Any], home: str | Path) -> Path:
    """Return where a pinned ref's copy lives in this ADPILOT_HOME."""
    return Path(home) / str(ref["cache"])


def label(ref: dict[str, Any]) -> str:
    """Return the name a person knows the asset by (the original file's name)."""
    return str(ref.get("name") or Path(str(ref.get("path") or ref.get("url") or "?")).name)


def store(source: Path, home: str | Path, *, replace: bool = False) -> tuple[str, Path, bool]:
    """Copy `source` into the cache, hashing what is copied; return (sha256, copy, newly stored).

    The bytes go to a temporary file in the cache folder and are renamed into place, so a
    reader never sees half a copy; a copy already there is kept unless `replace`.
    """
    folder = Path(home) / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".pin-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
        target = folder / f"{digest.hexdigest()}{source.suffix.lower()}"
        if target.is_file() and not replace:
            return digest.hexdigest(), target, False
        os.replace(tmp, target)
        return digest.hexdigest(), target, True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@dataclass
class Pinned:
    """What `pin_assets` did: the pinned plan, what the card should say, the copies it made."""

    plan: dict[str, Any]
    warnings: list[dict[str, str]] = field(default_factory=list)
    created: dict[str, Path] = field(default_factory=dict)  # field path → copy new in the cache

    def discard(self, problems: list[dict[str, Any]]) -> None:
        """Remove the new copies of assets the checks refused (a junk file is not kept)."""
        for where, path in self.created.items():
            if any(str(p.get("path", "")).startswith(where) for p in problems):
                path.unlink(missing_ok=True)


def _warning(where: str, message: str, fix: str) -> dict[str, str]:
    return {"path": f"{where}.path", "message": message, "fix": fix, "rule": "asset"}


def pins(plan: dict[str, Any] | None) -> frozenset[tuple[str, str]]:
    """Return the (path, sha256) of every pinned local asset of `plan` (what a card launches)."""
    return frozenset((str(ref["path"]), str(ref["sha256"])) for _w, ref, _k in local_refs(plan or {})
                     if is_pinned(ref))


def pin_assets(plan: dict[str, Any], home: str | Path, access: AssetAccess | None = None, *,
               keep: frozenset[tuple[str, str]] = frozenset()) -> Pinned:
    """Pin every local asset of `plan` (module doc); the plan given is not changed.

    A file that cannot be read is left as it is: `check_assets` reports it. One that is gone
    but whose copy is in the cache stays pinned to the copy. A ref whose (path, sha256) is in
    `keep` (`pins` of the card an edit came from) keeps its copy: the file is not read again.
    """
    access = access or AssetAccess()
    out = copy.deepcopy(plan)
    pinned = Pinned(out)
    for where, ref, kind in local_refs(out):
        if (str(ref["path"]), ref.get("sha256")) in keep and is_pinned(ref) and \
                cache_file(ref, home).is_file():
            continue  # untouched by the edit: the bytes the card showed still launch
        try:
            original = local_file(str(ref["path"]), access)
            digest, copied, new = store(original, home)
        except (AssetRefused, OSError):
            if is_pinned(ref) and cache_file(ref, home).is_file():
                pinned.warnings.append(_warning(
                    where, f"{label(ref)} is no longer at {ref['path']}; the copy pinned when the "
                    f"plan was made (sha256 {str(ref['sha256'])[:12]}) is what launches",
                    "nothing to do, unless you meant another file"))
            continue
        if ref.get("sha256") and ref["sha256"] != digest:
            pinned.warnings.append(_warning(
                where, f"{original.name} changed since the plan named it (sha256 "
                f"{str(ref['sha256'])[:12]} → {digest[:12]}): it is a new asset, and this plan "
                "now launches the file as it is", "if you meant the earlier version, put it back"))
        if new:
            pinned.created[where] = copied
        ref.update(path=str(original.resolve()) if access.roots is None else str(ref["path"]),
                   name=original.name, sha256=digest, size=copied.stat().st_size,
                   cache=f"{CACHE_DIR}/{copied.name}")
        ref.pop("probe", None)
        if kind == "video":
            try:
                ref["probe"] = probe_video(copied).as_dict()
            except NotAVideo:
                pass  # check_assets refuses it, naming what is wrong
    if out == plan:  # nothing new: the same object, so callers see the plan did not change
        pinned.plan = plan
    return pinned


def pinned_file(ref: dict[str, Any], home: str | Path, access: AssetAccess | None = None) -> Path:
    """Return the pinned copy of `ref`, its content checked against the pinned sha256.

    Raises `PinBroken` (naming the asset and the fix) when neither the copy nor the original
    has that content.
    """
    digest, copy_path = str(ref["sha256"]), cache_file(ref, home)
    if copy_path.is_file() and file_digest(copy_path) == digest:
        return copy_path
    what = "has changed" if copy_path.is_file() else "is missing"
    try:
        original = local_file(str(ref["path"]), access or AssetAccess())
        if original.is_file() and file_digest(original) == digest:
            return store(original, home, replace=True)[1]
    except (AssetRefused, OSError):
        pass
    raise PinBroken(
        f"{label(ref)}: the copy pinned when the plan was checked ({copy_path}) {what}, and "
        f"{ref['path']} no longer holds that file (sha256 {digest[:12]}); nothing was sent to "
        "Meta. Put that file back at its path and run `adpilot resume` on the thread, or start "
        "again with `adpilot run` to launch the file as it is now.")


def asset_changes(plan: dict[str, Any], access: AssetAccess | None = None) -> list[dict[str, Any]]:
    """List the pinned assets whose original no longer matches: `{field, name, path, pinned, now}`.

    `now` is the original's sha256, or None when it is gone. Reads the files, writes nothing.
    """
    out = []
    for where, ref, _kind in local_refs(plan):
        if not ref.get("sha256"):
            continue
        try:
            now: str | None = file_digest(local_file(str(ref["path"]), access or AssetAccess()))
        except (AssetRefused, OSError):
            now = None
        if now != ref["sha256"]:
            out.append({"field": where, "name": label(ref), "path": str(ref["path"]),
                        "pinned": str(ref["sha256"]), "now": now})
    return out


def change_text(change: dict[str, Any], thread: str = "THREAD") -> str:
    """Return the card's (and the CLI's) sentence about an asset changed since it was pinned."""
    pinned = change["pinned"][:12]
    if change["now"] is None:
        return (f"{change['name']} is no longer at {change['path']}; the copy pinned when the "
                f"plan was checked (sha256 {pinned}) is what launches")
    return (f"{change['name']} changed on disk since the plan was checked (now sha256 "
            f"{change['now'][:12]}): that is a new asset. This launch uploads the pinned copy "
            f"(sha256 {pinned}); to launch the new file, remove its \"sha256\" from the plan "
            f"(`adpilot plan {thread} --export FILE`, then `adpilot approve {thread} --edit FILE` "
            "pins it again) or run the brief again")
