"""One ad set's delivery on one day: the expected values and a seeded random draw around them.

`simulate_day(..., rng=None)` returns the expectation (floats; the oracle uses it);
with a generator it returns integer counts drawn around it (impressions Poisson, clicks,
link clicks, conversions and recallers binomial, value gamma), so expectation and draw come
from the same formulas. Learning ad sets pay `learning_cost_penalty` more per impression,
are noisier, and Meta spreads their impressions more evenly over the ads (exploring).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sandbox.scenario import ModelParams
from sandbox.truth import (
    AdSetTruth,
    AdTruth,
    daily_reach,
    fatigue_mult,
    impressions_for,
    quality,
    shares,
)

METRICS = (
    "impressions",
    "reach",
    "clicks",
    "unique_clicks",
    "link_clicks",
    "landing_page_views",
    "spend",
    "conversions",
    "value",
    "recallers",
)


@dataclass
class AdInput:
    """An ad delivering today: its truth, the share of the day it can run, its history."""

    truth: AdTruth
    hours: float  # fraction of the day the ad was eligible (0..1]
    cum_impressions: float  # impressions before today (for fatigue)


def effective_cpm(s: AdSetTruth, learning: float, p: ModelParams) -> float:
    """CPM including the learning-phase premium (`learning` 1 = learning, 0.5 = limited)."""
    return s.cpm * (1.0 + p.learning_cost_penalty * learning)


def _lognormal(rng: np.random.Generator | None, sigma: float) -> float:
    # Mean-one multiplicative noise, so the expectation is unchanged.
    if rng is None or sigma <= 0:
        return 1.0
    return float(math.exp(sigma * rng.standard_normal() - sigma * sigma / 2))


def split_by_weights(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of an integer total by weights (deterministic)."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    exact = [total * w / wsum for w in weights]
    parts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def simulate_day(
    kind: str,
    s: AdSetTruth,
    ads: list[AdInput],
    spend: float,
    learning: float,
    p: ModelParams,
    rng: np.random.Generator | None = None,
) -> list[dict[str, float]]:
    """Per-ad metrics of one ad set for one day (expected when `rng` is None)."""
    if not ads or spend <= 0:
        return [dict.fromkeys(METRICS, 0.0) for _ in ads]
    sigma = (
        p.learning_noise if learning >= 1 else (p.noise + (p.learning_noise - p.noise) * learning)
    )
    cpm = effective_cpm(s, learning, p)
    fats = [fatigue_mult(a.cum_impressions, s.pool, p) for a in ads]
    q = [quality(kind, a.truth, s, f, p) for a, f in zip(ads, fats, strict=True)]
    power = p.distribution_power * (1.0 - 0.5 * learning)
    w = [x * a.hours * _lognormal(rng, 0.15) for x, a in zip(shares(q, power), ads, strict=True)]
    wsum = sum(w) or 1.0
    w = [x / wsum for x in w]
    exp_imps = impressions_for(spend, cpm, s.capacity) * _lognormal(rng, 0.05)
    if rng is None:
        imps = [exp_imps * x for x in w]
        spends = [spend * x for x in w]
    else:
        n = int(rng.poisson(exp_imps))
        imps = [float(v) for v in rng.multinomial(n, w)] if n else [0.0] * len(ads)
        spends = [float(v) for v in split_by_weights(int(spend) if n else 0, imps)]
    total_imps = sum(imps) or 1.0
    reach_total = daily_reach(sum(imps), s.capacity)
    out = []
    for a, f, i, sp in zip(ads, fats, imps, spends, strict=True):
        m = _lognormal(rng, sigma)
        ctr = min(1.0, a.truth.ctr * f * m)
        cvr = min(1.0, s.cvr * a.truth.cvr_mult * _lognormal(rng, sigma))
        recall = min(1.0, a.truth.recall_rate * f * m)
        reach = reach_total * i / total_imps
        if rng is None:
            clicks = i * ctr
            link = clicks * p.link_click_share
            conv = link * cvr
            row = {
                "impressions": i,
                "reach": reach,
                "clicks": clicks,
                "unique_clicks": clicks * p.unique_click_share,
                "link_clicks": link,
                "landing_page_views": link * p.landing_page_view_share,
                "spend": sp,
                "conversions": conv,
                "value": conv * s.value,
                "recallers": reach * recall,
            }
        else:
            ii = int(i)
            clicks_n = int(rng.binomial(ii, ctr))
            link_n = int(rng.binomial(clicks_n, p.link_click_share))
            conv_n = int(rng.binomial(link_n, cvr))
            reach_n = min(ii, int(round(reach)))
            value = (
                float(rng.gamma(p.value_shape * conv_n, s.value / p.value_shape))
                if conv_n and s.value > 0
                else 0.0
            )
            row = {
                "impressions": ii,
                "reach": reach_n,
                "clicks": clicks_n,
                "unique_clicks": int(rng.binomial(clicks_n, p.unique_click_share)),
                "link_clicks": link_n,
                "landing_page_views": int(rng.binomial(link_n, p.landing_page_view_share)),
                "spend": int(sp),
                "conversions": conv_n,
                "value": int(round(value)),
                "recallers": int(rng.binomial(reach_n, recall)),
            }
        out.append(row)
    return out


def events_of(kind: str, row: dict[str, float]) -> float:
    """Optimisation events of a row under a goal kind (what the learning phase counts)."""
    if kind == "conversion":
        return row["conversions"]
    if kind == "awareness":
        return row["recallers"]
    return row["link_clicks"]
