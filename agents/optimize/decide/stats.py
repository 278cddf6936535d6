"""Shared statistics of the optimise loop: the decision policy and posterior sampling.

Longer than 300 lines because the policy's thresholds and the posterior model they are read
against (pooled priors and their weights, overdispersion, draws) are one contract every
decision module imports from one place.

An entity's value is conversions (or conversion value) per minor unit of spend, sampled as
``clicks-per-spend ~ Gamma`` × ``conversion rate ~ Beta`` — a beta-binomial on click →
conversion with priors pooled from the entity's siblings — and, on value, × ``order value``
drawn with the spread of its orders (`value_spread`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from state.policy import Policy

ACTIVE = "ACTIVE"


@dataclass(frozen=True)
class DecisionPolicy:
    """Thresholds of the optimise loop, built from the run's `Policy` by `from_policy`.

    The money limits are not defined here: the largest budget step and the hours between budget
    edits default to the one `Policy`'s (`state/policy.py`, which the money gate enforces) and
    `from_policy` reads the run's. The other fields are how the loop judges evidence.
    """

    min_days: int = 3
    min_spend_cpa_multiple: float = 2.0
    min_spend_minor: int = 2_000
    pause_probability: float = 0.95
    loser_margin: float = 0.25
    sibling_probability: float = 0.8
    emergency_cpa_multiple: float = 5.0
    # ... only if nothing in it is improbable (< alpha) even at 1.5× the target (5×: 1 in 28)
    emergency_tested_multiple: float = 1.5
    emergency_alpha: float = 0.01
    # The largest budget step of one cycle: the run's max_budget_change_pct, never above the
    # default policy's even when a person allows bigger steps (for the changes they ask for).
    max_step: float = Policy.max_budget_change_pct
    significant_budget_change: float = 0.2
    min_change: float = 0.03
    response_elasticity: float = 0.5
    # Budget moves need evidence that persists (`agents/optimize/decide/hysteresis.py`).
    move_margin: float = 0.05
    move_probability: float = 0.7
    persist_probability: float = 0.5
    reverse_probability: float = 0.95
    reverse_days: int = 5
    other_side_probability: float = 0.5
    # Budget moves on value wait for a full week of data (the first days are learning noise),
    # or this share of a flight shorter than two weeks (`hysteresis.move_after_days`).
    min_move_days: int = 7
    short_flight_share: float = 0.5
    underspend_ratio: float = 0.8
    # Under this share of its budget at or under its cap: held by the cap (`decide/caps.py`).
    cap_underspend_ratio: float = 0.9
    # Spend flat (± tolerance) under ratio × budget for this many days: audience-limited.
    plateau_days: int = 3
    plateau_ratio: float = 0.95
    plateau_tolerance: float = 0.05
    ad_cvr_prior_clicks: float = 200.0
    # Never pause (except in an emergency) the ad Meta's delivery favours in its ad set.
    protect_favoured_ad: bool = True
    # Pause an ad when the favoured sibling probably does better (both reads agree).
    favoured_probability: float = 0.8
    # Prior on an ad set's conversion rate (reallocation), worth this many clicks.
    adset_cvr_prior_clicks: float = 20.0
    max_budget_edits_per_hour: int = 4
    budget_cooldown_hours: float = Policy.budget_cooldown_hours
    realloc_every_hours: float = 0.0
    review_fraction: float = 0.5
    # Days an action a person undid is not proposed again but in an emergency (undo_hold.py).
    undo_hold_days: int = 7
    fatigue_frequency_rise: float = 0.2
    fatigue_ctr_drop: float = 0.15
    samples: int = 4000
    memory_half_life_days: float = 14.0  # 0: the last week alone (`memory.discounted`)

    @classmethod
    def from_policy(cls, policy: Any) -> DecisionPolicy:
        """Take every same-named field from a `Policy` (object or mapping); keep defaults."""
        if isinstance(policy, DecisionPolicy):
            return policy
        values: dict[str, Any] = {}
        # The guardrails' per-cycle cap doubles as the loop's step (never above it).
        pct = (
            policy.get("max_budget_change_pct")
            if isinstance(policy, Mapping)
            else getattr(policy, "max_budget_change_pct", None)
        )
        if pct is not None:
            values["max_step"] = min(float(pct), cls.max_step)
        for f in fields(cls):
            raw = (
                policy.get(f.name) if isinstance(policy, Mapping) else getattr(policy, f.name, None)
            )
            if raw is not None:
                values[f.name] = raw
        return cls(**values)


def rng_for(*parts: Any) -> np.random.Generator:
    """Return a generator seeded from `parts`, so the same evidence gives the same decisions."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def num(stats: Mapping[str, Any] | None, key: str) -> float:
    """Return a numeric field of a stats dict (missing or None → 0)."""
    return float((stats or {}).get(key) or 0)


# The KPI each scenario/plan optimises and the stats field that counts it.
KPI_FIELDS = {
    "conversions": "conversions",
    "conversion_value": "conversion_value_minor",
    "link_clicks": "link_clicks",
    "estimated_ad_recallers": "recallers",
    "impressions": "impressions",
}
_FUNNEL = ("conversions", "conversion_value")


def kpi_of(evidence: Mapping[str, Any]) -> str:
    """Return the KPI the evidence is judged on (`metric: roas` means conversion value)."""
    kpi = evidence.get("kpi")
    if kpi in KPI_FIELDS:
        return str(kpi)
    return "conversion_value" if evidence.get("metric") == "roas" else "conversions"


def pooled_prior(
    stats_list: list[Mapping[str, Any]], kpi: str = "conversions", cvr_clicks: float = 20.0
) -> dict[str, Any]:
    """Return priors pooled from the siblings.

    Weak on cost per click (ten clicks' worth); on conversion rate worth `cvr_clicks` clicks —
    siblings share a landing page and offer, so their conversion rates differ less than their
    click-through rates.
    """
    spend = sum(num(s, "spend_minor") for s in stats_list)
    clicks = sum(num(s, "clicks") for s in stats_list)
    conv = sum(num(s, "conversions") for s in stats_list)
    value = sum(num(s, "conversion_value_minor") for s in stats_list)
    events = sum(num(s, KPI_FIELDS.get(kpi, "conversions")) for s in stats_list)
    cps = clicks / spend if spend > 0 and clicks > 0 else 0.01
    cvr = conv / clicks if clicks > 0 and conv > 0 else 0.02
    aov = value / conv if conv > 0 and value > 0 else 1.0
    eps = events / spend if spend > 0 and events > 0 else 0.01
    weight_clicks = 10.0
    return {
        "kpi_roas": 1.0 if kpi == "conversion_value" else 0.0,
        "funnel": 1.0 if kpi in _FUNNEL else 0.0,
        "clicks": weight_clicks,
        "spend": weight_clicks / cps,
        "alpha": max(cvr * cvr_clicks, 0.05),
        "beta": max((1 - cvr) * cvr_clicks, 0.5),
        "aov": aov,
        "events": 2.0,
        "event_spend": 2.0 / eps,
        "_kpi": KPI_FIELDS.get(kpi, "conversions"),
    }


STRENGTH_GRID = 16  # strengths of the conversion-rate prior weighed by `empirical_prior`


def _betaln(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def empirical_prior(
    stats_list: list[Mapping[str, Any]], kpi: str = "conversions", min_clicks: float = 20.0,
    max_clicks: float = 3_000.0, phi: float = 1.0,
) -> dict[str, Any]:
    """Priors pooled from the siblings, weighed by how much their counts say they differ.

    Conversion rate (funnel KPIs): a Beta prior around the pooled rate worth `s` clicks, `s`
    unknown: `STRENGTH_GRID` strengths from `min_clicks` to `max_clicks` (log-uniform) are each
    weighed by the beta-binomial likelihood of the siblings' counts (a count weighs 1 / `phi`,
    the overdispersion) and the posteriors draw over them (`strength_weights`). Counts that
    agree put the weight on strong priors, rates that differ on weak ones, and a few
    conversions leave it spread: less sure than one strength (a method-of-moments point read
    four conversions as equal rates at 3,000 clicks' worth and ranked the ad sets by their
    clicks alone, 97 % sure). The cap of 3,000: 20,000 cost 1–3 points of the oracle on the
    bundled scenarios. Other KPIs: a Gamma prior on events per spend, strength by moments.
    """
    prior = pooled_prior(stats_list, kpi, min_clicks)
    live = [s for s in stats_list if num(s, "spend_minor") > 0]
    if len(live) < 2:
        return prior
    if prior["funnel"]:
        clicks = np.array([num(s, "clicks") for s in live])
        conv = np.array([min(num(s, "conversions"), num(s, "clicks")) for s in live])
        if (clicks <= 0).any() or conv.sum() <= 0:
            return prior
        p = float(conv.sum() / clicks.sum())
        grid = np.geomspace(min_clicks, max_clicks, STRENGTH_GRID)
        alpha, beta = np.maximum(p * grid, 0.05), np.maximum((1 - p) * grid, 0.5)
        loglik = np.array([sum(_betaln(a + c / phi, b + (n - c) / phi) - _betaln(a, b)
                               for c, n in zip(conv, clicks, strict=True))
                           for a, b in zip(alpha, beta, strict=True)])
        w = np.exp(loglik - loglik.max())
        return {**prior, "alpha": alpha, "beta": beta, "strength_weights": w / w.sum()}
    spend = np.array([num(s, "spend_minor") for s in live])
    events = np.array([num(s, str(prior["_kpi"])) for s in live])
    if events.sum() <= 0:
        return prior
    m = events.sum() / spend.sum()
    between = float(np.average((events / spend - m) ** 2, weights=spend)) - m * float(
        np.mean(1.0 / spend))
    # Gamma(shape a, rate b) with mean m: `a` events' worth, like the clicks above
    shape = max_clicks if between <= 0 else m * m / between
    shape = float(np.clip(shape, 2.0, max_clicks))
    return {**prior, "events": shape, "event_spend": shape / m}


def dispersion(
    days_by_entity: list[list[Mapping[str, Any]]], kpi: str = "conversions"
) -> tuple[float, float]:
    """How much more the counts vary day to day than counting noise: (clicks, results).

    Real delivery is overdispersed — auctions, pacing and the learning phase move an ad set's
    click-through and conversion rates from day to day far more than Poisson noise — so a
    posterior that treats 3,000 clicks as 3,000 independent draws is overconfident. The
    quasi-likelihood fix: Pearson's χ² of each entity's daily counts around its own rate
    (clicks per unit of spend; results per click, or per unit of spend when the KPI is not a
    conversion), pooled over entities and divided by the degrees of freedom, never under 1.
    The posteriors then count `clicks / φ` and `results / φ` (`value_samples`).
    """
    out = []
    funnel = kpi in _FUNNEL
    field = KPI_FIELDS.get(kpi, "conversions")
    pairs = (("clicks", "spend_minor"), ("conversions", "clicks") if funnel else (field, "spend_minor"))
    for top, base in pairs:
        chi2, df = 0.0, 0
        for days in days_by_entity:
            rows = [d for d in days if num(d, base) > 0]
            total_top, total_base = sum(num(d, top) for d in rows), sum(num(d, base) for d in rows)
            if len(rows) < 3 or total_top < 5:
                continue
            rate = total_top / total_base
            for d in rows:
                expected = num(d, base) * rate
                if expected > 0:
                    chi2 += (num(d, top) - expected) ** 2 / expected
            df += len(rows) - 1
        out.append(max(1.0, chi2 / df) if df else 1.0)
    return out[0], out[1]


# One order's value varies about as much as its mean (squared coefficient of variation 1)
# until an account's days say otherwise (`value_spread`).
VALUE_CV2 = 1.0


def value_spread(days_by_entity: list[list[Mapping[str, Any]]], weight: float = 5.0) -> float:
    """How uneven single orders' values are: their squared coefficient of variation.

    A day's value per conversion scatters around the entity's order value `m` with variance
    ``m² · cv² / n`` for `n` independent orders, so ``n · (value / (n · m) − 1)²`` estimates
    cv²: pooled over each entity's days with conversions (degrees of freedom: days − 1 per
    entity), shrunk toward `VALUE_CV2` by `weight` days' worth, within [0.05, 4].
    """
    total, df = weight * VALUE_CV2, weight
    for days in days_by_entity:
        rows = [(num(d, "conversions"), num(d, "conversion_value_minor")) for d in days
                if num(d, "conversions") >= 1]
        orders, value = sum(n for n, _ in rows), sum(v for _, v in rows)
        if len(rows) < 2 or value <= 0:
            continue
        m = value / orders
        total += sum(n * (v / (n * m) - 1) ** 2 for n, v in rows)
        df += len(rows) - 1
    return float(np.clip(total / df, 0.05, 4.0))


def order_value_spread(orders: float, value_cv2: float, rng: np.random.Generator,
                       n: int) -> np.ndarray:
    """Return draws of an average order value over its measured one (mean 1).

    The average of `orders` orders whose single values have squared coefficient of variation
    `value_cv2` (`value_spread`): Gamma with shape `orders / value_cv2`.
    """
    shape = orders / max(value_cv2, 1e-6)
    return rng.gamma(shape, 1.0 / shape, n)


def value_samples(
    stats: Mapping[str, Any], prior: Mapping[str, Any], rng: np.random.Generator, n: int,
    phi: tuple[float, float] = (1.0, 1.0), value_cv2: float = VALUE_CV2,
) -> np.ndarray:
    """Posterior draws of KPI events (or value) per minor unit of spend.

    `phi` (`dispersion`): the counts' overdispersion (clicks, results); each count is worth
    1 / φ of an independent draw, which widens the posterior without moving its mean. On
    value, the order value is as uncertain as the orders behind it (`value_cv2`,
    `value_spread`): ten orders of uneven baskets do not pin it to their average.
    """
    spend = num(stats, "spend_minor")
    if not prior.get("funnel"):
        events = num(stats, str(prior["_kpi"]))
        return rng.gamma(prior["events"] + events / phi[1],
                         1.0 / (prior["event_spend"] + spend / phi[1]), n)
    clicks = num(stats, "clicks")
    conv = min(num(stats, "conversions"), clicks) if clicks else 0.0
    per_spend = rng.gamma(prior["clicks"] + clicks / phi[0],
                          1.0 / (prior["spend"] + spend / phi[0]), n)
    alpha, beta = prior["alpha"], prior["beta"]
    if "strength_weights" in prior:  # a strength per draw, by its weight (`empirical_prior`)
        pick = rng.choice(len(prior["strength_weights"]), n, p=prior["strength_weights"])
        alpha, beta = np.asarray(alpha)[pick], np.asarray(beta)[pick]
    cvr = rng.beta(alpha + conv / phi[1], beta + max(clicks - conv, 0.0) / phi[1], n)
    draws = per_spend * cvr
    if prior.get("kpi_roas"):
        value = num(stats, "conversion_value_minor")
        # order value shrunk toward the pool: five pooled conversions' worth of weight; its
        # draws spread as the mean of that many orders of squared spread `value_cv2`
        orders = num(stats, "conversions") + 5
        aov = (value + 5 * prior["aov"]) / orders
        draws = draws * aov * order_value_spread(orders, value_cv2, rng, n)
    return draws


def target_rate(evidence: Mapping[str, Any]) -> float | None:
    """Return the plan's target as KPI per minor unit (1 / target cost, or the target ROAS)."""
    if kpi_of(evidence) == "conversion_value":
        roas = evidence.get("target_roas")
        return float(roas) if roas else None
    cpa = evidence.get("target_cpa_minor")
    return 1.0 / float(cpa) if cpa else None


def local_minor(usd_cents: float, currency: str) -> float:
    """Convert an amount set in US cents to minor units of `currency` (rules' fixed rates)."""
    from state.rules import USD_RATES, currency_offset

    return usd_cents / 100 * USD_RATES.get(currency.upper(), 1.0) * currency_offset(currency)


def min_spend(evidence: Mapping[str, Any], policy: DecisionPolicy) -> float:
    """Spend an entity needs before it is judged (a multiple of the target CPA, or a floor).

    The floor `min_spend_minor` is in US cents and converted to the account's currency.
    """
    floor = local_minor(policy.min_spend_minor, str(evidence.get("currency") or "USD"))
    cpa = evidence.get("target_cpa_minor")
    if cpa:
        return max(policy.min_spend_cpa_multiple * float(cpa), floor)
    return floor


def make_verdict(entity: Mapping[str, Any], level: str, verdict: str, reasons: list[str]) -> dict:
    """Build one entity verdict (CONTINUE / OPTIMIZE / MONITOR / PAUSE / EMERGENCY_PAUSE)."""
    return {
        "id": entity["id"],
        "name": entity.get("name", ""),
        "level": level,
        "verdict": verdict,
        "reasons": reasons,
    }


def evidence_of(stats: Mapping[str, Any]) -> dict[str, Any]:
    """Return the figures an approval card shows as an action's evidence."""
    keys = (
        "spend_minor",
        "impressions",
        "clicks",
        "conversions",
        "cpa_minor",
        "roas",
        "ctr",
        "recallers",
    )
    out = {k: stats.get(k) for k in keys}
    out["days"] = stats.get("days")
    return out
