"""The small statistics the alerts between cycles use (pure; `math` only).

Why these tests. Conversions are counts, so "is this ad set's CPA really above 1.5× the
target?" is a one-sided Poisson test: at the observed spend, a CPA of 1.5× the target would
have brought `spend / (1.5 × target)` conversions on average; seeing as few as were seen
happens with probability `poisson_cdf(seen, that mean)`. It needs no prior and no sampling,
reads as one sentence on the card, and "enough spend to be sure" falls out of it: with a
little spend no count is improbable.

Daily CPM, CTR and conversion rates are not Poisson around one rate: delivery moves between
audiences and ads, learning comes and goes, and days vary more than counting noise says
(over-dispersion). A Poisson or binomial test on 30,000 impressions a day would flag every
ordinary wobble. `shift_test` therefore learns the day-to-day spread from the campaign's own
history with the median and the median absolute deviation (robust to the odd day that a
mean and a standard deviation would chase) and adds the counting noise of the days being
judged, so a thin day (few conversions) needs a bigger move to count; and since a normal
yardstick flatters a thin count, the count must also be improbable by the exact Poisson tail.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MAD_TO_SD = 1.4826  # the MAD of a normal distribution times this is its standard deviation


def poisson_cdf(k: float, mu: float) -> float:
    """P(X ≤ k) for X ~ Poisson(mu) (k rounded down; log-space, exact for any size)."""
    n = math.floor(k)
    if n < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    log_mu = math.log(mu)
    terms = [i * log_mu - mu - math.lgamma(i + 1) for i in range(n + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def no_result_chance(spend: float, results: float, cost: float, *, multiple: float,
                     tested: float, alpha: float) -> float | None:
    """Return the chance of no result in `spend` at `tested` × `cost`, when it is an emergency.

    The one "nothing at all" emergency test of the loop's decisions and of the alerts: no
    result, at least `multiple` × `cost` spent, and so little being seen improbable (under
    `alpha`) even at `tested` × the cost. The spend multiple alone is not enough: at 1.5× the
    target, nothing in 5× its cost still happens 1 time in 28, in 7× about 1 in 100. None
    otherwise.
    """
    if results or cost <= 0 or spend < multiple * cost:
        return None
    chance = poisson_cdf(0, spend / (tested * cost))
    return chance if chance < alpha else None


def rate_lower(events: float, exposure: float, confidence: float = 0.95) -> float:
    """Return the lower `confidence` bound of a Poisson rate seen as `events` in `exposure`.

    The rate r for which seeing `events` or more has probability 1 − confidence (bisection);
    0 when nothing was seen.
    """
    k = math.floor(events)
    if k <= 0 or exposure <= 0:
        return 0.0
    alpha = 1.0 - confidence
    lo, hi = 0.0, k / exposure
    for _ in range(100):  # P(X ≥ k | r) rises with r: find where it crosses alpha
        mid = (lo + hi) / 2
        if 1.0 - poisson_cdf(k - 1, mid * exposure) < alpha:
            lo = mid
        else:
            hi = mid
    return lo


def median(values: Sequence[float]) -> float:
    """Return the median of a non-empty sequence."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def shift_test(
    baseline: Sequence[tuple[float, float]],
    recent: tuple[float, float],
    *,
    min_spread: float = 0.03,
) -> dict[str, float]:
    """Judge `recent` against `baseline`, each day an (observed, expected) count pair.

    `expected` is what the day would have counted at the campaign's usual rates for the same
    delivery (so a change of mix between ad sets moves both). Works on log(observed /
    expected): the baseline days give its usual level (median) and spread (1.4826 × MAD);
    the spread beyond counting noise (`extra`, at least `min_spread`) plus the counting noise
    of the recent count is the yardstick. Returns `ratio` (recent against usual, 1 = no
    change), `z` (how many yardsticks away; negative = fewer than usual), `spread`, and
    `p_low`, the exact Poisson chance of a count as low as the recent one at the usual level.
    """
    logs = [math.log((o + 0.5) / (e + 0.5)) for o, e in baseline]
    centre = median(logs)
    spread = MAD_TO_SD * median([abs(x - centre) for x in logs])
    counting = median([1.0 / (e + 0.5) for _, e in baseline])
    extra = max(min_spread, math.sqrt(max(0.0, spread * spread - counting)))
    obs, exp = recent
    level = math.log((obs + 0.5) / (exp + 0.5))
    sd = math.sqrt(extra * extra + 1.0 / (exp + 0.5))
    # The normal yardstick is too kind to a thin count (2 seen where 9 were usual is z ≈ -4
    # but happens 1 time in 200): `p_low` is the exact chance of so few at the usual level.
    return {"ratio": math.exp(level - centre), "z": (level - centre) / sd, "spread": extra,
            "p_low": poisson_cdf(obs, exp * math.exp(centre))}
