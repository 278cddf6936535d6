"""The `media_type` breakdown: which kind of media an ad's impressions showed.

A plain creative has one kind: `video` for `video_data` (or a creative `video_id`), `carousel`
for `link_data.child_attachments`, `image` otherwise (link and photo ads). A dynamic creative
(`asset_feed_spec`) splits by its ad formats with the same shares as `ad_format_asset`
(`SINGLE_IMAGE` -> image, `SINGLE_VIDEO` -> video, `CAROUSEL` -> carousel); without ad formats,
by how many images and videos it holds. Meta's values are not documented; lower-case
`image` / `video` / `carousel` are the sandbox's reading [U].
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.dynamic_creative import asset_parts, assets

Part = tuple[dict[str, str], float, float, float, float]
FORMAT_MEDIA = {"SINGLE_IMAGE": "image", "SINGLE_VIDEO": "video", "CAROUSEL": "carousel"}


def media_kind(creative: dict[str, Any]) -> str:
    """Return the media type of a plain (non-dynamic) creative."""
    oss = creative.get("object_story_spec") or {}
    if oss.get("video_data") or creative.get("video_id"):
        return "video"
    if (oss.get("link_data") or {}).get("child_attachments"):
        return "carousel"
    return "image"


def media_parts(
    creative: dict[str, Any], seed: int, where: tuple[int, int], cum: float, kind: str
) -> list[Part]:
    """Breakdown cells of one ad-day for `media_type` (the shape `breakdowns.cells` uses)."""
    spec = creative.get("asset_feed_spec")
    dims = assets(spec) if isinstance(spec, dict) else {}
    if "ad_format_asset" in dims:
        merged: dict[str, list[float]] = {}
        for values, w, ctr, cvr, _ in asset_parts("ad_format_asset", creative, seed, where,
                                                   cum, kind):
            name = json.loads(values["ad_format_asset"])["name"]
            acc = merged.setdefault(FORMAT_MEDIA.get(name, "image"), [0.0, 0.0, 0.0])
            acc[0] += w
            acc[1] += w * ctr
            acc[2] += w * ctr * cvr
        return [({"media_type": m}, w, c / w if w else 1.0, v / c if c else 1.0, 1.0)
                for m, (w, c, v) in merged.items() if w > 0]
    images, videos = len(dims.get("image_asset", [])), len(dims.get("video_asset", []))
    if images and videos:
        return [({"media_type": "image"}, float(images), 1.0, 1.0, 1.0),
                ({"media_type": "video"}, float(videos), 1.0, 1.0, 1.0)]
    if dims:
        return [({"media_type": "video" if videos else "image"}, 1.0, 1.0, 1.0, 1.0)]
    return [({"media_type": media_kind(creative)}, 1.0, 1.0, 1.0, 1.0)]
