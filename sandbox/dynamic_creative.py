"""Dynamic creative (`asset_feed_spec`): per-asset latent rates, explore-then-exploit delivery.

An ad whose creative has an `asset_feed_spec` delivers every combination of its images (or
videos), titles, bodies, descriptions, calls to action, link URLs and ad formats. Each asset
gets a mean-one lognormal CTR multiplier (spread `CTR_SIGMA`) and CVR multiplier
(`CVR_SIGMA`), drawn from `(seed, "asset", ad set index, ad index, dimension, position)`; a
combination multiplies its assets'. Meta explores first and then exploits: on a day when the
ad has `cum` impressions behind it, combination `c` gets the share
`q_c ** power / sum(q ** power)` with `power = EXPLOIT_POWER * (1 - exp(-cum / EXPLORE))`,
where `q_c` is its results per impression under the ad set's goal; on the first day the
split is even. The ad's CTR and CVR that day are the share-weighted mixes
(`mix`), so the delivery rows need no new columns.

Insights' asset breakdowns (`image_asset`, `video_asset`, `title_asset`, `body_asset`,
`description_asset`, `call_to_action_asset`, `link_url_asset`, `ad_format_asset`) split each
ad-day row over the assets of that dimension with the same shares (`asset_parts`), so the
cells add up to the row; each value is Meta's object (`{"text", "id"}` for text assets,
`{"hash", "id"}` for images, `{"video_id", "id"}`, `{"name", "id"}` for a call to action or
an ad format, `{"website_url", "id"}`), its `id` a stable number derived from the creative
and the asset. An ad without an asset feed has one cell per dimension, its creative's own
asset.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from functools import reduce
from itertools import product
from typing import Any

from sandbox.truth import AdTruth, rng_for

CTR_SIGMA = 0.3
CVR_SIGMA = 0.2
EXPLOIT_POWER = 6.0
EXPLORE = 20_000.0  # impressions before the split leans hard on the winners
MAX_COMBINATIONS = 2_000

# breakdown -> (asset_feed_spec key, the value's key in Meta's row object)
DIMENSIONS = {
    "image_asset": ("images", "hash"),
    "video_asset": ("videos", "video_id"),
    "title_asset": ("titles", "text"),
    "body_asset": ("bodies", "text"),
    "description_asset": ("descriptions", "text"),
    "call_to_action_asset": ("call_to_action_types", "name"),
    "link_url_asset": ("link_urls", "website_url"),
    "ad_format_asset": ("ad_formats", "name"),
}
ASSET_BREAKDOWNS = frozenset(DIMENSIONS)


def _label(item: Any, key: str) -> str:
    if isinstance(item, dict):
        return str(item.get(key) or item.get("url") or item.get("thumbnail_url") or "")
    return str(item)


def assets(spec: dict[str, Any]) -> dict[str, list[str]]:
    """Return {breakdown: [asset label, ...]} of an asset feed (dimensions it has)."""
    out = {}
    for bd, (key, field) in DIMENSIONS.items():
        items = [_label(it, field) for it in spec.get(key) or []]
        if items:
            out[bd] = items
    return out


def _mult(seed: int, where: tuple[int, int], bd: str, i: int, sigma: float) -> float:
    z = rng_for(seed, "asset", where[0], where[1], bd, i).standard_normal()
    return math.exp(sigma * z - sigma * sigma / 2)


def combinations(
    spec: dict[str, Any], seed: int, where: tuple[int, int]
) -> list[tuple[tuple[int, ...], float, float]]:
    """Every combination: (asset positions per dimension, CTR multiplier, CVR multiplier)."""
    dims = assets(spec)
    names = list(dims)
    ctr = {bd: [_mult(seed, where, bd, i, CTR_SIGMA) for i in range(len(v))] for bd, v in dims.items()}
    cvr = {bd: [_mult(seed, where, bd + ":cvr", i, CVR_SIGMA) for i in range(len(v))]
           for bd, v in dims.items()}
    out = []
    for combo in product(*(range(len(dims[n])) for n in names)):
        out.append((
            combo,
            reduce(lambda a, b: a * b, (ctr[n][i] for n, i in zip(names, combo, strict=True)), 1.0),
            reduce(lambda a, b: a * b, (cvr[n][i] for n, i in zip(names, combo, strict=True)), 1.0),
        ))
        if len(out) >= MAX_COMBINATIONS:
            break
    return out


def shares(combos: list[tuple[tuple[int, ...], float, float]], cum: float, kind: str) -> list[float]:
    """Each combination's share of the ad's impressions after `cum` impressions."""
    power = EXPLOIT_POWER * (1.0 - math.exp(-max(cum, 0.0) / EXPLORE))
    q = [c * (v if kind == "conversion" else 1.0) for _, c, v in combos]
    top = max(q) if q else 1.0
    raw = [(x / top) ** power for x in q]
    total = sum(raw) or 1.0
    return [r / total for r in raw]


def mix(spec: dict[str, Any], seed: int, where: tuple[int, int], cum: float,
        kind: str) -> tuple[float, float]:
    """(CTR multiplier, CVR multiplier) of the ad on a day after `cum` impressions."""
    combos = combinations(spec, seed, where)
    if not combos:
        return 1.0, 1.0
    w = shares(combos, cum, kind)
    ctr = sum(x * c for x, (_, c, _) in zip(w, combos, strict=True))
    conv = sum(x * c * v for x, (_, c, v) in zip(w, combos, strict=True))
    return ctr, conv / ctr if ctr else 1.0


def asset_id(creative_id: str, bd: str, label: str) -> str:
    """Return a stable numeric id for an asset of a creative."""
    digest = hashlib.blake2b(f"{creative_id}|{bd}|{label}".encode(), digest_size=7).digest()
    return str(10**15 + int.from_bytes(digest, "little") % 10**15)


def _value(creative_id: str, bd: str, label: str) -> str:
    field = DIMENSIONS[bd][1]
    return json.dumps({field: label, "id": asset_id(creative_id, bd, label)}, sort_keys=True)


def own_asset(creative: dict[str, Any], bd: str) -> str:
    """Return the label of a plain (non-dynamic) creative's asset for a breakdown."""
    oss = creative.get("object_story_spec") or {}
    data = oss.get("link_data") or oss.get("video_data") or {}
    cta = data.get("call_to_action") or {}
    return str({
        "image_asset": data.get("image_hash") or creative.get("image_hash") or "",
        "video_asset": data.get("video_id") or "",
        "title_asset": data.get("name") or data.get("title") or creative.get("title") or "",
        "body_asset": data.get("message") or creative.get("body") or "",
        "description_asset": data.get("description") or "",
        "call_to_action_asset": cta.get("type") or "",
        "link_url_asset": data.get("link") or "",
        "ad_format_asset": "SINGLE_VIDEO" if oss.get("video_data") else "SINGLE_IMAGE",
    }[bd])


def asset_parts(
    bd: str, creative: dict[str, Any], seed: int, where: tuple[int, int], cum: float, kind: str
) -> list[tuple[dict[str, str], float, float, float, float]]:
    """Breakdown cells of one ad-day for an asset breakdown (the shape `breakdowns.cells` uses)."""
    cid = str(creative.get("id") or "")
    spec = creative.get("asset_feed_spec")
    dims = assets(spec) if isinstance(spec, dict) else {}
    if bd not in dims:
        return [({bd: _value(cid, bd, own_asset(creative, bd))}, 1.0, 1.0, 1.0, 1.0)]
    combos = combinations(spec or {}, seed, where)
    w = shares(combos, cum, kind)
    pos = list(dims).index(bd)
    parts = []
    for i, label in enumerate(dims[bd]):
        imps = clicks = conv = 0.0
        for x, (combo, c, v) in zip(w, combos, strict=True):
            if combo[pos] == i:
                imps += x
                clicks += x * c
                conv += x * c * v
        if imps > 0:
            parts.append(({bd: _value(cid, bd, label)}, imps, clicks / imps,
                          conv / clicks if clicks else 1.0, 1.0))
    return parts


def creative_of(store: Any, ad: dict[str, Any]) -> dict[str, Any]:
    """Return the ad's creative doc from the store ({} when missing)."""
    ref = ad.get("creative")
    cid = ref.get("id") if isinstance(ref, dict) else ref
    return (store.get_object(str(cid), "adcreative") if cid else None) or {}


def apply(store: Any, ad: dict[str, Any], truth: AdTruth, seed: int, cum: float,
          kind: str) -> AdTruth:
    """Return the ad's truth for today with its asset feed's mix (unchanged without a feed)."""
    spec = creative_of(store, ad).get("asset_feed_spec")
    if not isinstance(spec, dict) or not assets(spec):
        return truth
    ctr, cvr = mix(spec, seed, (truth.adset_index, truth.index), cum, kind)
    return replace(truth, ctr=min(1.0, truth.ctr * ctr), cvr_mult=truth.cvr_mult * cvr)
