"""Breakdown splits of a delivery row, deterministic at query time.

Each breakdown value gets a weight from the ad set's targeting (age buckets inside the
targeted range, targeted genders, the countries, regions and DMAs it reaches by population
(`sandbox.breakdowns_geo`), the placements it runs on) times a small seeded jitter keyed by
(seed, ad, date, breakdown), plus rate multipliers (younger people click more, 35-44 converts
best, Instagram costs more per impression, ...). Counts are split by largest remainder, nested
counts within their parent count (`split_capped`), so the cells of a row always sum to the row
and each cell is coherent on its own.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

from sandbox.breakdowns_geo import geo_options
from sandbox.daymodel import split_by_weights

Option = tuple[str, float, float, float, float]  # value, weight, ctr_mult, cvr_mult, cpm_mult
AGES = [  # bucket, first, last, weight, ctr, cvr
    ("13-17", 13, 17, 0.03, 1.1, 0.5),
    ("18-24", 18, 24, 0.16, 1.1, 0.8),
    ("25-34", 25, 34, 0.26, 1.05, 1.05),
    ("35-44", 35, 44, 0.22, 1.0, 1.15),
    ("45-54", 45, 54, 0.16, 0.95, 1.05),
    ("55-64", 55, 64, 0.11, 0.9, 0.95),
    ("65+", 65, 120, 0.07, 0.85, 0.9),
]
PLATFORM_SPLIT = {
    "facebook": (0.55, 1.0, 0.95),
    "instagram": (0.38, 1.05, 1.15),
    "audience_network": (0.04, 0.7, 0.6),
    "messenger": (0.03, 0.8, 0.9),
}
POSITIONS = {
    "facebook": [
        ("feed", 0.6, 1.0),
        ("facebook_reels", 0.15, 0.9),
        ("facebook_stories", 0.12, 0.9),
        ("marketplace", 0.08, 1.0),
        ("video_feeds", 0.05, 0.8),
    ],
    "instagram": [
        ("feed", 0.5, 1.0),
        ("instagram_stories", 0.3, 0.9),
        ("instagram_reels", 0.2, 0.9),
    ],
    "audience_network": [("an_classic", 0.7, 1.0), ("rewarded_video", 0.3, 1.0)],
    "messenger": [("messenger_inbox", 0.6, 1.0), ("messenger_stories", 0.4, 1.0)],
    "threads": [("threads_feed", 1.0, 1.0)],
}
DEVICES = [
    ("mobile_app", 0.86, 1.0, 0.95),
    ("mobile_web", 0.05, 0.9, 0.9),
    ("desktop", 0.09, 1.1, 1.3),
]
IMPRESSION_DEVICES = {
    "desktop": [("desktop", 1.0)],
    "mobile": [
        ("android_smartphone", 0.5),
        ("iphone", 0.42),
        ("ipad", 0.04),
        ("android_tablet", 0.04),
    ],
}
# Share of the day's impressions per hour (people browse evenings most).
DIURNAL = [
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1,
    1.6,
    2,
    2.1,
    2.2,
    2.4,
    2.6,
    2.4,
    2.3,
    2.3,
    2.4,
    2.6,
    3,
    3.4,
    3.6,
    3.4,
    2.6,
    1.7,
]


def _age(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    lo, hi = int(t.get("age_min") or 18), int(t.get("age_max") or 65)
    hi = 120 if hi >= 65 else hi
    out = []
    for name, a, b, w, ctr, cvr in AGES:
        overlap = max(0, min(b, hi) - max(a, lo) + 1) / (b - a + 1)
        if overlap > 0:
            out.append((name, w * overlap, ctr, cvr, 1.0))
    return out


def _gender(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    g = set(t.get("genders") or [1, 2])
    out = [("female", 0.52, 1.05, 1.0, 1.0)] if 2 in g else []
    if 1 in g:
        out.append(("male", 0.46, 0.95, 1.0, 1.0))
    return out + [("unknown", 0.02, 1.0, 1.0, 1.0)]


def _platforms(t: dict[str, Any]) -> list[str]:
    chosen = [
        p for p in t.get("publisher_platforms") or [] if p in PLATFORM_SPLIT or p == "threads"
    ]
    return chosen or ["facebook", "instagram", "audience_network", "messenger"]


def _publisher(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    out = []
    for p in _platforms(t):
        w, ctr, cpm = PLATFORM_SPLIT.get(p, (0.02, 1.0, 0.9))
        out.append((p, w, ctr, 1.0, cpm))
    return out


def _position(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    return [
        (name, w, ctr, 1.0, 1.0) for name, w, ctr in POSITIONS.get(cell["publisher_platform"], [])
    ]


def _device(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    return [(d, w, ctr, cvr, 1.0) for d, w, ctr, cvr in DEVICES]


def _impression_device(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    kind = cell.get("device_platform")
    groups = ["desktop"] if kind == "desktop" else ["mobile"] if kind else ["mobile", "desktop"]
    share = {"mobile": 0.91, "desktop": 0.09} if not kind else {"mobile": 1.0, "desktop": 1.0}
    return [(d, w * share[g], 1.0, 1.0, 1.0) for g in groups for d, w in IMPRESSION_DEVICES[g]]


def _hour(t: dict[str, Any], cell: dict[str, str]) -> list[Option]:
    return [(f"{h:02d}:00:00 - {h:02d}:59:59", w, 1.0, 1.0, 1.0) for h, w in enumerate(DIURNAL)]


ORDER = [
    "publisher_platform",
    "platform_position",
    "device_platform",
    "impression_device",
    "age",
    "gender",
    "country",
    "region",
    "dma",
    "hourly_stats_aggregated_by_advertiser_time_zone",
    "hourly_stats_aggregated_by_audience_time_zone",
]
GEO = ("country", "region", "dma")  # sandbox.breakdowns_geo
DIMS: dict[str, Callable[..., list[Option]]] = {
    "age": _age,
    "gender": _gender,
    "publisher_platform": _publisher,
    "platform_position": _position,
    "device_platform": _device,
    "impression_device": _impression_device,
    "hourly_stats_aggregated_by_advertiser_time_zone": _hour,
    "hourly_stats_aggregated_by_audience_time_zone": _hour,
}


def _jitter(seed: int, ad_id: str, day: str, dim: str, value: str) -> float:
    """Return a seeded multiplicative jitter (about +-10%) for one breakdown value of an ad-day.

    Keyed by the value alone, so a joint cell's jitter is the product of its marginals' and
    `age,gender` cells summed over gender stay close to the `age` split.
    """
    digest = hashlib.blake2b(f"{seed}|{ad_id}|{day}|{dim}|{value}".encode(), digest_size=4).digest()
    u = int.from_bytes(digest, "little") / 2**32
    return math.exp(0.17 * (2 * u - 1))


def cells(
    bds: list[str], targeting: dict[str, Any], countries: list[str], seed: int, ad_id: str, day: str
) -> list[tuple[dict[str, str], float, float, float, float]]:
    """Joint breakdown cells of an ad-day: (values, weight, ctr_mult, cvr_mult, cpm_mult)."""
    out: list[tuple[dict[str, str], float, float, float, float]] = [({}, 1.0, 1.0, 1.0, 1.0)]
    for dim in [d for d in ORDER if d in bds]:
        nxt = []
        for values, w, ctr, cvr, cpm in out:
            opts = (
                geo_options(dim, targeting, countries)
                if dim in GEO
                else DIMS[dim](targeting, values)
            )
            for name, ow, octr, ocvr, ocpm in opts:
                jitter = _jitter(seed, ad_id, day, dim, name)
                nxt.append(
                    ({**values, dim: name}, w * ow * jitter, ctr * octr, cvr * ocvr, cpm * ocpm)
                )
        out = nxt
    return out


def split_capped(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Largest-remainder split of `total` by `weights` with no part above its cap.

    A part whose share would pass its cap is held at the cap and the rest is split again over
    the others (by room left when they all weigh nothing). Used for counts nested in another
    (clicks within impressions, conversions within link clicks); caps summing to less than
    `total` cannot hold it, and the split is then uncapped.
    """
    if total > sum(caps):
        return split_by_weights(total, weights)
    parts = [0] * len(weights)
    free = [i for i, c in enumerate(caps) if c > 0]
    left = total
    while left > 0 and free:
        w = {i: weights[i] for i in free}
        if sum(w.values()) <= 0:
            w = {i: float(caps[i] - parts[i]) for i in free}
        wsum = sum(w.values())
        exact = {i: left * w[i] / wsum for i in free}
        over = [i for i in free if parts[i] + exact[i] > caps[i]]
        if over:
            for i in over:
                left -= caps[i] - parts[i]
                parts[i] = caps[i]
            free = [i for i in free if i not in over]
            continue
        base = {i: int(exact[i]) for i in free}
        for i in free:
            parts[i] += base[i]
        rest = left - sum(base.values())
        for i in sorted(free, key=lambda i: (base[i] - exact[i], i))[:rest]:
            parts[i] += 1
        left = 0
    return parts


def split_row(
    row: dict[str, Any], parts: list[tuple[dict[str, str], float, float, float, float]]
) -> list[dict[str, Any]]:
    """Split one delivery row over breakdown cells; every count of the cells sums to the row's.

    Nested counts stay nested in each cell (clicks <= impressions, link clicks and unique
    clicks <= clicks, landing page views and conversions <= link clicks, reach <= impressions,
    recallers <= reach), and purchase value goes only to cells with conversions, in proportion
    to them: a cell never shows a value, cost per result or ROAS without a result.
    """
    if len(parts) == 1:
        return [{**row, **parts[0][0]}]
    w = [p[1] for p in parts]
    by_click = [p[1] * p[2] for p in parts]
    imps = split_by_weights(int(row["impressions"]), w)
    clicks = split_capped(int(row["clicks"]), by_click, imps)
    link = split_capped(int(row["link_clicks"]), by_click, clicks)
    conv = split_capped(int(row["conversions"]), [p[1] * p[2] * p[3] for p in parts], link)
    reach = split_capped(int(row["reach"]), w, imps)
    split = {
        "impressions": imps,
        "reach": reach,
        "recallers": split_capped(int(row["recallers"]), w, reach),
        "spend": split_by_weights(int(row["spend"]), [p[1] * p[4] for p in parts]),
        "clicks": clicks,
        "unique_clicks": split_capped(int(row["unique_clicks"]), by_click, clicks),
        "link_clicks": link,
        "landing_page_views": split_capped(int(row["landing_page_views"]), by_click, link),
        "conversions": conv,
        "value": split_by_weights(int(row["value"]), [float(c) for c in conv]),
    }
    wsum = sum(w) or 1.0
    return [
        {**row, **p[0], **{m: v[i] for m, v in split.items()}, "pool": row["pool"] * p[1] / wsum}
        for i, p in enumerate(parts)
    ]
