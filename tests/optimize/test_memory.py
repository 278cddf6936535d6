"""The reallocation's discounted memory (`agents/optimize/decide/memory.py`)."""

from __future__ import annotations

import numpy as np
import pytest

from agents.optimize.decide.memory import discounted
from agents.optimize.decide.reallocation import judged_stats, posteriors
from agents.optimize.decide.stats import DecisionPolicy


def _day(age, spend=1000.0, clicks=20.0, conversions=1.0, value=5000.0):
    return {"age": float(age), "spend_minor": spend, "impressions": 2000.0, "clicks": clicks,
            "link_clicks": clicks * 0.75, "conversions": conversions,
            "conversion_value_minor": value, "recallers": 0.0}


def test_every_day_of_the_window_counts_by_age_and_yesterday_counts_fully():
    adset = {"history": [_day(1), _day(15), _day(29)]}
    out = discounted(adset, half_life=14, elasticity=0.5)
    assert out is not None
    assert out["conversions"] == pytest.approx(1 + 0.5 + 0.25)
    assert out["spend_minor"] == pytest.approx(1000 * 1.75)
    assert out["days"] == 3
    # no half-life: the caller keeps the last week alone
    assert discounted(adset, half_life=0, elasticity=0.5) is None
    assert discounted({"history": []}, half_life=14, elasticity=0.5) is None


def test_days_on_a_smaller_budget_count_as_less_spend_at_todays_level():
    # The same results per day, first on 1,000 a day, now on 4,000: under value = a * s**0.5 the
    # old days are worth sqrt(1000 / 4000) = half a day of today's spend, not a quarter.
    rows = [_day(age, spend=4000.0 if age <= 3 else 1000.0) for age in range(1, 11)]
    out = discounted({"history": rows}, half_life=1e9, elasticity=0.5)
    assert out is not None
    assert out["spend_minor"] == pytest.approx(3 * 4000 + 7 * 4000 * 0.5)
    linear = discounted({"history": rows}, half_life=1e9, elasticity=1.0)
    assert linear is not None and linear["spend_minor"] == pytest.approx(3 * 4000 + 7 * 1000)


def test_a_sparse_ad_sets_earlier_weeks_reach_its_posterior():
    # Two ad sets with one purchase each last week; before it, one had nine more, the other none.
    good = [_day(a, conversions=1.0 if a in (2, 9, 10, 12, 16, 17, 20, 23, 24, 27) else 0.0)
            for a in range(1, 29)]
    poor = [_day(a, conversions=1.0 if a == 2 else 0.0) for a in range(1, 29)]
    week = {"spend_minor": 7000.0, "clicks": 140.0, "conversions": 1.0,
            "conversion_value_minor": 5000.0, "days": 7}
    pool = [{"id": "g", "history": good, "stats": week}, {"id": "p", "history": poor,
                                                          "stats": week}]
    rng = np.random.default_rng(0)
    old = DecisionPolicy(memory_half_life_days=0)
    _, _, p_old, _ = posteriors(pool, judged_stats(pool, [week, week], old), "conversions", old,
                                rng)
    new = DecisionPolicy()
    _, _, p_new, _ = posteriors(pool, judged_stats(pool, [week, week], new), "conversions", new,
                                rng)
    assert abs(p_old[0] - 0.5) < 0.05  # the last week alone cannot tell them apart
    assert p_new[0] > 0.75
