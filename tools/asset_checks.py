"""Local checks of a plan's images and videos (docs/meta-api-facts.md §6), before anything is sent.

`check_assets(plan)` is pure: no network, nothing written. A missing, unreadable or corrupt
file, an unsupported format or an oversized file is a problem (it blocks the launch and names
the field and the fix); size below the recommended resolution and an aspect ratio outside the
placement's range are warnings. A pinned asset (`tools/asset_cache.py`) is checked in its copy
in the asset cache — what the launch uploads. A video is opened with FFmpeg and Meta's video
limits are applied to what it really is (`tools/video_files.py`): a file that is not a
decodable video is a problem whatever its name. JPG/PNG are preferred (GIF/BMP/TIFF accepted with a warning),
at most 30 MB, at least 600 px (1080 px recommended), feed ratios 1.91:1 … 4:5 (3% tolerance),
stories and reels 9:16 (1% tolerance). Image URLs must be http(s); video URLs are refused.
Which files and URLs may be read at all is the run's `AssetAccess` (`tools/asset_sources.py`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from PIL import Image

from state.context import AssetAccess
from tools.asset_cache import asset_slots, cache_file, is_pinned, label
from tools.asset_sources import AssetRefused, local_file, private_fix, url_problem
from tools.video_files import (
    VIDEO_SUFFIXES,
    NotAVideo,
    asset_kind,
    poster_frame,
    probe_video,
    video_findings,
)

MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_VIDEO_BYTES = 4 * 1024**3
GOOD_IMAGE_FORMATS = {"JPEG", "PNG"}
OK_IMAGE_FORMATS = {"GIF", "BMP", "TIFF"}
FEED_RATIO = (0.8, 1.91)  # width / height, 4:5 … 1.91:1
VERTICAL_RATIO = 9 / 16
VERTICAL_PLACEMENTS = {"story", "stories", "reels", "instagram_stories", "instagram_reels",
                       "facebook_stories", "facebook_reels"}


def iter_assets(plan: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Yield (field path, asset ref, ad set) for every asset of every ad in the plan.

    A dynamic creative's feed entries come with their `kind` ("image" / "video") added.
    """
    for where, ref, ad_set, feed_kind in asset_slots(plan):
        yield where, ({"kind": feed_kind, **ref} if feed_kind else ref), ad_set


def _issue(field: str, message: str, fix: str) -> dict[str, str]:
    return {"path": field, "message": message, "fix": fix, "rule": "asset"}


def _placements(ad_set: dict[str, Any]) -> set[str]:
    targeting = ad_set.get("targeting") or {}
    names: set[str] = set()
    for key in ("facebook_positions", "instagram_positions", "placements"):
        names.update(str(p).lower() for p in targeting.get(key) or [])
    return names


def _ratio_warnings(field: str, width: int, height: int, ad_set: dict[str, Any]) -> list[dict[str, str]]:
    ratio = width / height
    placements = _placements(ad_set)
    vertical = placements & VERTICAL_PLACEMENTS
    out = []
    if vertical and abs(ratio - VERTICAL_RATIO) > 0.01 * VERTICAL_RATIO:
        out.append(_issue(f"{field}.path", f"{width}×{height} is not 9:16, which {', '.join(sorted(vertical))} expect",
                          "use a 1080×1920 version for stories and reels"))
    if (not placements or placements - VERTICAL_PLACEMENTS) and not (
        FEED_RATIO[0] * 0.97 <= ratio <= FEED_RATIO[1] * 1.03
    ):
        out.append(_issue(f"{field}.path", f"aspect ratio {ratio:.2f}:1 is outside the feed range 4:5 … 1.91:1",
                          "crop to 1:1 (1080×1080) or 4:5 (1080×1350)"))
    return out


def _readable_size(where: str, path: Path, kind: str, shown: str | None = None) -> int | dict[str, Any]:
    """Return the file's size when it exists and can be read, else the problem to report."""
    try:
        with path.open("rb") as fh:
            fh.read(1)
        return path.stat().st_size
    except FileNotFoundError:
        return _issue(where, f"{shown or path} does not exist", f"check the path, or give a readable {kind} file")
    except OSError as exc:
        return _issue(where, f"{shown or path} cannot be read ({exc.__class__.__name__})",
                      "check the path and the file's permissions, or copy it somewhere readable")


def check_image(field: str, path: Path, ad_set: dict[str, Any],
                shown: str | None = None) -> tuple[list[dict], list[dict]]:
    """Check one image file; return (problems, warnings). `shown`: the name messages use."""
    where = f"{field}.path"
    name = shown or path.name
    size = _readable_size(where, path, "image", shown)
    if isinstance(size, dict):
        return [size], []
    try:
        with Image.open(path) as img:
            img.verify()  # catches truncated and corrupt files that open() accepts
        with Image.open(path) as img:
            img.load()
            fmt, (width, height) = img.format or "?", img.size
    except Exception:  # Pillow raises many types (OSError, SyntaxError, ValueError) for bad files
        return [_issue(where, f"{shown or path} is not a readable image (corrupt or unsupported)",
                       "export it again as JPG or PNG")], []
    problems, warnings = [], []
    if size > MAX_IMAGE_BYTES:
        problems.append(_issue(where, f"{name} is {size / 1e6:.1f} MB, over Meta's 30 MB image limit",
                               "compress or resize the image"))
    if fmt not in GOOD_IMAGE_FORMATS | OK_IMAGE_FORMATS:
        problems.append(_issue(where, f"{name} is {fmt}, which Meta does not accept for ads",
                               "convert it to JPG or PNG"))
    elif fmt in OK_IMAGE_FORMATS:
        warnings.append(_issue(where, f"{name} is {fmt}; Meta recommends JPG or PNG", "convert it to JPG or PNG"))
    if min(width, height) < 600:
        warnings.append(_issue(where, f"{width}×{height} is below the 600 px feed minimum", "use at least 1080×1080"))
    elif min(width, height) < 1080:
        warnings.append(_issue(where, f"{width}×{height} is below the recommended 1080 px", "use at least 1080×1080"))
    warnings += _ratio_warnings(field, width, height, ad_set)
    return problems, warnings


def check_video(field: str, path: Path, ad_set: dict[str, Any] | None = None,
                shown: str | None = None) -> tuple[list[dict], list[dict]]:
    """Check one video file: readable, MP4/MOV, under 4 GB, and what FFmpeg reads in it.

    Returns (problems, warnings); `shown` is the name messages use.
    """
    where = f"{field}.path"
    name = shown or path.name
    size = _readable_size(where, path, "video", shown)
    if isinstance(size, dict):
        return [size], []
    problems = []
    if Path(name).suffix.lower() not in VIDEO_SUFFIXES:
        problems.append(_issue(where, f"{name} is not an MP4 or MOV video", "export it as MP4 (H.264)"))
    if size > MAX_VIDEO_BYTES:
        problems.append(_issue(where, f"{name} is over Meta's 4 GB video limit", "compress the video"))
    try:
        probe = probe_video(path)
    except NotAVideo as exc:
        return [*problems, _issue(where, f"{name} is not a video Meta can play: {exc}",
                                  "export it again as MP4 (H.264), or check it is the file you meant")], []
    found, cautions = video_findings(name, probe, _placements(ad_set or {}))
    warnings = [_issue(where, message, fix) for message, fix in cautions]
    if not found and ad_set is not None:
        warnings += _ratio_warnings(field, probe.width, probe.height, ad_set)
    return problems + [_issue(where, message, fix) for message, fix in found], warnings


def check_url(field: str, url: str, kind: str) -> list[dict[str, str]]:
    """Check an asset URL's form (it is fetched at upload, after approval)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [_issue(f"{field}.url", f"{url!r} is not an http(s) URL", "give an https:// link or a file path")]
    if kind == "video":
        return [_issue(f"{field}.url", "videos are uploaded from files, not URLs",
                       "download the video and give its file path")]
    return []


def check_assets(plan: dict[str, Any], access: AssetAccess | None = None,
                 home: str | Path | None = None) -> tuple[list[dict], list[dict]]:
    """Check every local asset of the plan; return (problems, warnings) with field paths.

    `access` (the run's `context.assets`) bounds what may be read: a path outside its folders
    or a URL on a non-public IP literal is a problem, and such a file is never opened. With
    `home`, a pinned asset whose copy is in that ADPILOT_HOME's cache is checked in the copy.
    """
    access = access or AssetAccess()
    problems: list[dict] = []
    warnings: list[dict] = []
    for field, ref, ad_set in iter_assets(plan):
        if not ref.get("path"):
            if ref.get("url"):
                problems += check_url(field, str(ref["url"]), asset_kind(ref))
                if refused := url_problem(str(ref["url"]), access):
                    problems.append(_issue(f"{field}.url", refused, private_fix()))
            elif not ref.get("hash"):
                problems.append(_issue(field, "asset has neither a path nor a URL", "give a file path or an https URL"))
            continue
        shown = label(ref) if is_pinned(ref) else None
        if home is not None and is_pinned(ref) and cache_file(ref, home).is_file():
            path = cache_file(ref, home)
        else:
            try:
                path = local_file(str(ref["path"]), access)
            except AssetRefused as exc:
                problems.append(_issue(f"{field}.path", str(exc), "name a file the operator allows"))
                continue
        p, w = (check_video(field, path, ad_set, shown) if asset_kind(ref) == "video"
                else check_image(field, path, ad_set, shown))
        problems += p
        warnings += w
    return problems, warnings


def video_thumbnails(plan: dict[str, Any], home: str | Path,
                     files: dict[str, Path] | None = None) -> dict[str, Path]:
    """Make a poster image for every video creative without one (Meta requires a thumbnail).

    The poster is the video's frame at one second (`files` maps a ref's path to the file to
    read, the pinned copy at upload), or a plain card naming the video when no frame can be
    decoded; give the ad an image asset to choose another picture.
    """
    out: dict[str, Path] = {}
    for ad_set in plan.get("ad_sets") or []:
        for ad in ad_set.get("ads") or []:
            creative = ad.get("creative") or {}
            refs = creative.get("assets") or []
            videos = [r for r in refs if asset_kind(r) == "video" and r.get("path")]
            if creative.get("format") != "video" or not videos or any(asset_kind(r) == "image" for r in refs):
                continue
            source = str(videos[0]["path"])
            key = str(videos[0].get("sha256") or source)  # a changed video gets a new poster
            target = Path(home) / "thumbnails" / (hashlib.sha256(key.encode()).hexdigest()[:16] + ".png")
            video = (files or {}).get(source, Path(source))
            if not target.exists() and not poster_frame(video, target):
                from PIL import ImageDraw

                target.parent.mkdir(parents=True, exist_ok=True)
                img = Image.new("RGB", (1080, 1080), (32, 38, 56))
                ImageDraw.Draw(img).text((60, 1000), label(videos[0])[:60], fill=(230, 230, 230))
                img.save(target)
            out[source] = target
    return out
