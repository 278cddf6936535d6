"""Issue 16: the pooled conversion-rate prior is weighed by what the counts can tell.

With a handful of conversions the siblings' counts cannot say whether their conversion rates
differ; a point estimate of the prior's strength read them as equal, pooled every ad set's
rate at 3,000 clicks' worth, and moved money to the ad set with the cheapest clicks on "97 %"
(a value regime where that ad set's true conversion rate was a tenth of the best one's).
"""

from __future__ import annotations

import numpy as np

from agents.optimize.decide.decisions import DecisionPolicy
from agents.optimize.decide.hysteresis import direction_probabilities
from agents.optimize.decide.reallocation import reallocate
from agents.optimize.decide.stats import empirical_prior, rng_for, value_samples
from tests.optimize.optimize_helpers import adset, evidence, stats


def _sets(rows):
    out = []
    for i, (spend, clicks, conv) in enumerate(rows):
        s = adset(f"s{i}", 10000, stats(spend, clicks, conv))
        s["recent_stats"] = stats(spend, clicks, conv)
        out.append(s)
    return out


def _strength(prior):
    """The prior's strength in clicks, averaged over its weights."""
    grid = (np.asarray(prior["alpha"]) + np.asarray(prior["beta"]))
    return float(np.exp((np.log(grid) * prior["strength_weights"]).sum()))


def test_one_conversion_each_is_judged_less_surely_than_on_one_pooled_strength():
    # Equal spend, one conversion each: the 128-click ad set only has cheaper clicks. On the
    # single strongest prior it "beats the average" surely; weighed over strengths, less so.
    sparse = [stats(10000, n, 1) for n in (128, 26, 50, 61)]
    prior = empirical_prior(sparse)
    point = {**prior, "strength_weights": np.eye(len(prior["strength_weights"]))[-1]}
    probs = []
    for p in (prior, point):
        rng = rng_for("sparse")
        draws = np.stack([value_samples(s, p, rng, 4000) for s in sparse])
        probs.append(direction_probabilities(draws, np.full(4, 10000.0), 0.05))
    (up, down), (up_point, down_point) = probs
    assert up_point[0] > 0.99 and down_point[1] > 0.99
    assert up[0] < 0.92 and down[1] < 0.95


def test_the_prior_is_strong_when_the_counts_agree_and_weak_when_they_differ():
    same = [stats(30000, 3000, c) for c in (60, 62, 58, 61)]
    differ = [stats(30000, 3000, c) for c in (30, 120, 60, 90)]
    sparse = [stats(10000, n, 1) for n in (128, 26, 50, 61)]
    strong, weak = _strength(empirical_prior(same)), _strength(empirical_prior(differ))
    assert strong > 1000 and weak < 200, (strong, weak)
    # Four conversions tell little: the weight stays spread over the grid.
    w = empirical_prior(sparse)["strength_weights"]
    assert w.max() < 0.2 and (w > 0.02).sum() >= 10


def test_overdispersed_counts_weigh_less_in_the_prior():
    differ = [stats(30000, 3000, c) for c in (30, 120, 60, 90)]
    assert _strength(empirical_prior(differ, phi=4.0)) > _strength(empirical_prior(differ))


def test_plenty_of_conversions_still_move_money():
    ev = evidence([], _sets([(30000, 3000, 120), (30000, 3000, 40), (30000, 3000, 60)]))
    actions, _ = reallocate(ev, DecisionPolicy(), rng_for("t", ev["now"]))
    raised = {a["args"]["adset_id"] for a in actions
              if a["evidence"]["after_daily_minor"] > a["evidence"]["before_daily_minor"]}
    assert raised == {"s0"}
