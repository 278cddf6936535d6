"""Issue 16: on a value goal, an ad set's order value is as uncertain as the orders behind it.

The posterior used to multiply the conversion draws by a point estimate of the order value, so
ten uneven baskets ranked two ad sets as surely as ten identical ones (value regimes with
`value_shape` 1–1.4, where one order's value varies about as much as its mean). The spread of
single orders is read from the ad sets' days (`stats.value_spread`) and widens the draws.
"""

from __future__ import annotations

import numpy as np
import pytest

from agents.optimize.decide.decisions import DecisionPolicy
from agents.optimize.decide.reallocation import reallocate
from agents.optimize.decide.stats import (
    VALUE_CV2,
    pooled_prior,
    rng_for,
    value_samples,
    value_spread,
)
from tests.optimize.optimize_helpers import adset, evidence, stats


def _simulated_days(shape: float, seed: int) -> list[list[dict]]:
    """Five entities × 28 days of orders whose single values are Gamma(shape) around a mean."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(5):
        mean, days = rng.lognormal(9, 0.4), []
        for _ in range(28):
            n = int(rng.poisson(3))
            value = float(rng.gamma(shape * n, mean / shape)) if n else 0.0
            days.append({"conversions": n, "conversion_value_minor": value})
        out.append(days)
    return out


@pytest.mark.parametrize("shape,low,high", [(1.0, 0.6, 1.5), (4.0, 0.15, 0.4)])
def test_value_spread_reads_how_uneven_single_orders_are(shape, low, high):
    # cv² of one order is 1 / shape: 1 for very uneven baskets, 0.25 for even ones
    assert low < value_spread(_simulated_days(shape, seed=1)) < high


def test_without_days_of_orders_the_spread_is_the_default_and_few_days_barely_move_it():
    assert value_spread([]) == VALUE_CV2
    assert value_spread([[{"conversions": 0, "conversion_value_minor": 0}] * 7]) == VALUE_CV2
    two = [[{"conversions": 1, "conversion_value_minor": 100},
            {"conversions": 1, "conversion_value_minor": 300}]]
    assert 0.8 < value_spread(two) < 1.0  # one degree of freedom against five days' prior


def test_uneven_orders_make_the_order_value_less_sure():
    a = stats(60000, 3000, 40, value=40 * 7200)
    b = stats(60000, 3000, 40, value=40 * 6000)
    prior = pooled_prior([a, b], "conversion_value")

    def p_a_better(cv2: float) -> float:
        rng = np.random.default_rng(3)
        da = value_samples(a, prior, rng, 20000, value_cv2=cv2)
        db = value_samples(b, prior, rng, 20000, value_cv2=cv2)
        return float((da > db).mean())

    point = p_a_better(1e-9)  # the old posterior: a point order value
    assert p_a_better(1.0) < p_a_better(0.25) < point - 0.02
    # the mean of the draws is unchanged: only the spread widens
    rng = np.random.default_rng(4)
    wide, narrow = (value_samples(a, prior, rng, 40000, value_cv2=c).mean() for c in (1.0, 1e-9))
    assert wide == pytest.approx(narrow, rel=0.02)


def _campaign(multipliers: list[float]) -> dict:
    """Two ad sets, same spend, clicks and 35 purchases; orders worth 7,200 vs 5,600 on
    average, spread over seven days by `multipliers` (which sum to 7: the totals are equal)."""
    sets = []
    for i, aov in enumerate((7200, 5600)):
        days = [{"spend_minor": 60000 / 7, "clicks": 3000 / 7, "conversions": 5,
                 "conversion_value_minor": 5 * aov * m} for m in multipliers]
        s = adset(f"s{i}", 10000, stats(60000, 3000, 35, value=35 * aov))
        s["recent_stats"] = stats(60000, 3000, 35, value=35 * aov)
        s["days_stats"] = days
        sets.append(s)
    return evidence([], sets, kpi="conversion_value", target_cpa_minor=None, target_roas=2.0)


def test_the_loop_reads_the_spread_from_the_ad_sets_days():
    even = _campaign([1.0] * 7)
    uneven = _campaign([1.8, 0.2, 1.6, 0.4, 1.0, 1.5, 0.5])
    policy = DecisionPolicy()
    _, p_even = reallocate(even, policy, rng_for("t", even["now"]))
    _, p_uneven = reallocate(uneven, policy, rng_for("t", uneven["now"]))
    # the same totals: the better ad set is likelier best when its days show even baskets
    assert p_even["s0"] > 0.75 and p_uneven["s0"] < p_even["s0"] - 0.1
