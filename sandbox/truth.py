"""Latent truth of the delivery model and the expected-value maths shared with the oracle.

Longer than 300 lines because the latent draws and the expected-value maths the oracle shares
must change together.

Every ad set gets, from the scenario's distributions (or its `fixed` values) and a seeded RNG
keyed by `(seed, "adset", index)`, a base CPM and a conversion rate per link click and a
mean value per conversion; its audience size comes from its targeting (countries, ages,
genders, interests' audience sizes from `sandbox/data/interests.json`, placements). Every ad
gets a CTR, a conversion-rate multiplier and an ad-recall rate keyed by
`(seed, "ad", adset index, ad index)`. Indices are creation order (ad sets in the account,
ads in their ad set), so the same plan gets the same truth in every sandbox with that seed.

Response curve of an ad set on one day (spend `s`, minor units):
    capacity  K = capacity_at_1m * (audience / 1e6) ** capacity_exponent   impressions/day
    impressions I(s) = K * (1 - exp(-s * 1000 / (cpm * K)))
so the marginal CPM is `cpm * exp(s*1000/(cpm*K))`: cheap at first, dearer as the day's
capacity fills (diminishing returns). Meta stops bidding when the marginal CPM passes
`max_marginal_cpm_mult * cpm`, which caps the spend an audience can absorb.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from sandbox.scenario import ModelParams, Scenario
from state.provenance import display_name

DATA = Path(__file__).parent / "data"
GLOBAL_USERS = 3.0e9

# Meta-reachable adults per country, millions (rounded public estimates).
COUNTRY_MILLIONS = {
    "US": 240,
    "CA": 30,
    "GB": 45,
    "IE": 3.8,
    "DE": 50,
    "FR": 45,
    "NL": 13,
    "BE": 8.5,
    "AT": 6.5,
    "CH": 6,
    "ES": 33,
    "PT": 7.5,
    "IT": 38,
    "PL": 22,
    "SE": 8,
    "DK": 4.5,
    "NO": 4.3,
    "FI": 4,
    "JP": 60,
    "KR": 25,
    "AU": 19,
    "NZ": 3.8,
    "BR": 130,
    "MX": 90,
    "IN": 400,
    "SG": 4.5,
    "HK": 5.5,
    "TW": 17,
    "AR": 30,
    "CL": 14,
    "CO": 35,
    "ZA": 25,
}
# Audience share and CPM multiplier per publisher platform (automatic placements = all).
PLATFORMS = {
    "facebook": (0.75, 0.95),
    "instagram": (0.6, 1.15),
    "audience_network": (0.15, 0.6),
    "messenger": (0.1, 0.9),
    "threads": (0.05, 0.9),
}
AUTOMATIC_PLACEMENT_DISCOUNT = 0.92
# Value per purchase of a VALUE-optimised ad set against conversion optimisation (same
# conversions: the oracle's and the delivery's value scale alike, so optimiser scores do not move).
VALUE_OPTIMISATION_LIFT = 1.3
CONVERSION_GOALS = {
    "OFFSITE_CONVERSIONS",
    "VALUE",
    "LEAD_GENERATION",
    "QUALITY_LEAD",
    "CONVERSATIONS",
    "APP_INSTALLS",
    "QUALITY_CALL",
    "SUBSCRIBERS",
    "IN_APP_VALUE",
    "MESSAGING_PURCHASE_CONVERSION",
}
AWARENESS_GOALS = {
    "AD_RECALL_LIFT",
    "REACH",
    "IMPRESSIONS",
    "THRUPLAY",
    "TWO_SECOND_CONTINUOUS_VIDEO_VIEWS",
}


def rng_for(seed: int, *keys: Any) -> np.random.Generator:
    """Return a generator seeded by the scenario seed and a stable key (no Python hash salt)."""
    digest = hashlib.blake2b(json.dumps([seed, *keys]).encode(), digest_size=16).digest()
    return np.random.default_rng(
        [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    )


@lru_cache(maxsize=1)
def _interest_sizes() -> dict[str, float]:
    """Audience size by id of interests, then other detailed targeting (behaviours, ...)."""
    items = []
    for name in ("targeting_categories.json", "interests.json"):  # interests win on a clash
        try:
            items += json.loads((DATA / name).read_text())
        except (OSError, ValueError):
            continue
    sizes = {}
    for it in items:
        lo = it.get("audience_size_lower_bound") or it.get("audience_size") or 0
        hi = it.get("audience_size_upper_bound") or lo
        sizes[str(it.get("id"))] = (float(lo) + float(hi)) / 2
    return sizes


@lru_cache(maxsize=1)
def _high_cost() -> dict[str, bool]:
    try:
        geo = json.loads((DATA / "geo.json").read_text())
    except (OSError, ValueError):
        return {}
    return {c["key"]: bool(c.get("high_cost")) for c in geo.get("countries", [])}


def geo_people(geo: dict[str, Any], default_countries: list[str]) -> tuple[float, float]:
    """People (millions) the geo spec covers and a CPM factor for its countries."""
    countries = [str(c).upper() for c in geo.get("countries") or []]
    people = sum(COUNTRY_MILLIONS.get(c, 10.0) for c in countries)
    people += 3.0 * len(geo.get("regions") or []) + 1.5 * len(geo.get("cities") or [])
    people += 0.5 * len(geo.get("custom_locations") or []) + 0.05 * len(geo.get("zips") or [])
    if people <= 0:
        countries = default_countries
        people = sum(COUNTRY_MILLIONS.get(c, 10.0) for c in countries)
    hc = _high_cost()
    cost = (
        1.0
        if not countries
        else sum(1.1 if hc.get(c, True) else 0.6 for c in countries) / len(countries)
    )
    return people, cost


def _age_share(age_min: int, age_max: int) -> float:
    def weight(a: int) -> float:
        return 0.5 if a < 18 else (12.0 if a >= 65 else 1.0)

    total = sum(weight(a) for a in range(18, 66))
    return max(0.01, sum(weight(a) for a in range(max(13, age_min), min(65, age_max) + 1)) / total)


NOT_DETAILED = {"interests", "behaviors", "custom_audiences", "connections",
                "friends_of_connections", "excluded_connections"}


def group_fraction(group: dict[str, Any]) -> float:
    """Share of users one detailed-targeting group (OR inside it) reaches."""
    sizes = _interest_sizes()
    ids = [i.get("id") if isinstance(i, dict) else i for i in (group.get("interests") or [])]
    ids += [b.get("id") if isinstance(b, dict) else b for b in (group.get("behaviors") or [])]
    total = sum(sizes.get(str(i), 5.0e7) for i in ids)
    # Demographics (life events, job titles, industries, income, ...): {id, name} items sized
    # like interests; integer statuses (relationship, education) about 15% of users each.
    for key, items in group.items():
        if key in NOT_DETAILED or not isinstance(items, list):
            continue
        for it in items:
            oid = it.get("id") if isinstance(it, dict) else None
            total += sizes.get(str(oid), 5.0e7) if oid is not None else 0.15 * GLOBAL_USERS
            ids.append(oid)
    return min(1.0, total / GLOBAL_USERS) if ids else 1.0


def interest_fraction(targeting: dict[str, Any]) -> float:
    """Share of users the spec's detailed targeting reaches (AND across flexible_spec groups)."""
    groups = list(targeting.get("flexible_spec") or [])
    if targeting.get("interests"):
        groups.append({"interests": targeting["interests"]})
    frac = 1.0
    for group in groups:
        frac *= group_fraction(group)
    return frac


def _placements(t: dict[str, Any]) -> tuple[float, float]:
    """(share of people reachable, CPM multiplier) of the spec's publisher platforms."""
    platforms = [p for p in t.get("publisher_platforms") or [] if p in PLATFORMS]
    if not platforms:
        return 1.0, AUTOMATIC_PLACEMENT_DISCOUNT
    reach = 1 - math.prod(1 - PLATFORMS[p][0] for p in platforms)
    cpm = sum(PLATFORMS[p][0] * PLATFORMS[p][1] for p in platforms) / sum(
        PLATFORMS[p][0] for p in platforms
    )
    return reach, cpm


def _age_gender(t: dict[str, Any]) -> tuple[float, float]:
    age = _age_share(int(t.get("age_min") or 18), int(t.get("age_max") or 65))
    return age, 0.5 if len(set(t.get("genders") or [])) == 1 else 1.0


def demographic_share(t: dict[str, Any]) -> float:
    """Share of a population the spec's ages, genders and placements keep (no geo, no interests)."""
    age, gender = _age_gender(t)
    return age * gender * _placements(t)[0]


def audience_and_cpm_factor(targeting: dict[str, Any] | None, sc: Scenario) -> tuple[int, float]:
    """Audience size (people) of a targeting spec and the CPM multiplier its breadth implies."""
    t = targeting or {}
    people, cost = geo_people(t.get("geo_locations") or {}, sc.countries)
    age, gender = _age_gender(t)
    reach, cpm = _placements(t)
    # The factors' order is kept as it was: float products are not associative.
    audience = max(1000.0, people * 1e6 * age * gender * interest_fraction(t) * reach)
    # Narrow audiences cost more per impression (more competition per person).
    breadth = (audience / 1e6) ** -0.08
    return int(audience), cost * cpm * breadth


@dataclass
class AdSetTruth:
    """Latent truth of one ad set (money in minor units)."""

    adset_id: str
    index: int
    audience: int
    cpm: float
    capacity: float
    pool: float
    cvr: float
    value: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


@dataclass
class AdTruth:
    """Latent truth of one ad."""

    ad_id: str
    adset_index: int
    index: int
    ctr: float
    cvr_mult: float
    recall_rate: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view."""
        return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def bare_name(name: str | None) -> str:
    """Return a name without adpilot's ` [ap:xxxx]` provenance tag."""
    return display_name(name)


def result_rate(doc: dict[str, Any]) -> float:
    """CVR multiplier of on-platform results against a website conversion after a click.

    An instant form is prefilled (`ON_AD` leads: 2x; QUALITY_LEAD's extra step: 1.4x) and
    starting a conversation is a small step (3x); website goals keep the latent CVR.
    """
    goal, dest = doc.get("optimization_goal"), doc.get("destination_type")
    if goal in ("LEAD_GENERATION", "QUALITY_LEAD") and dest != "WEBSITE":
        return 2.0 if goal == "LEAD_GENERATION" else 1.4
    return 3.0 if goal == "CONVERSATIONS" else 1.0


def adset_truth(sc: Scenario, seed: int, doc: dict[str, Any], index: int) -> AdSetTruth:
    """Draw (or look up) the latent truth of an ad set."""
    rng = rng_for(seed, "adset", index)
    cpm, cvr, value = (
        sc.truth.cpm_minor.sample(rng),
        sc.truth.cvr.sample(rng),
        sc.truth.value_minor.sample(rng),
    )
    audience, factor = audience_and_cpm_factor(doc.get("targeting"), sc)
    fixed = sc.fixed.adsets.get(bare_name(doc.get("name"))) or sc.fixed.adsets.get(str(index))
    if fixed is not None:
        audience = fixed.audience or audience
        cpm = fixed.cpm_minor if fixed.cpm_minor is not None else cpm * factor
        cvr = fixed.cvr if fixed.cvr is not None else cvr
        value = fixed.value_minor if fixed.value_minor is not None else value
    else:
        cpm *= factor
    if doc.get("optimization_goal") == "VALUE":  # Meta bids for the bigger baskets
        value *= VALUE_OPTIMISATION_LIFT
    if result_rate(doc) != 1.0:
        cvr = min(1.0, cvr * result_rate(doc))
    p = sc.model
    capacity = p.capacity_at_1m * (audience / 1e6) ** p.capacity_exponent
    pool = min(float(audience), capacity * p.reach_pool_days)
    return AdSetTruth(str(doc["id"]), index, audience, cpm, capacity, pool, cvr, value)


def ad_truth(sc: Scenario, seed: int, doc: dict[str, Any], adset_index: int, index: int) -> AdTruth:
    """Draw (or look up) the latent truth of an ad."""
    rng = rng_for(seed, "ad", adset_index, index)
    ctr, mult, recall = (
        sc.truth.ctr.sample(rng),
        sc.truth.ad_cvr_mult.sample(rng),
        sc.truth.recall_rate.sample(rng),
    )
    fixed = sc.fixed.ads.get(bare_name(doc.get("name"))) or sc.fixed.ads.get(
        f"{adset_index}.{index}"
    )
    if fixed is not None:
        ctr = fixed.ctr if fixed.ctr is not None else ctr
        mult = fixed.cvr_mult if fixed.cvr_mult is not None else mult
        recall = fixed.recall_rate if fixed.recall_rate is not None else recall
    return AdTruth(str(doc["id"]), adset_index, index, ctr, mult, recall)


# -- the response model -------------------------------------------------------------------


def goal_kind(goal: str | None, sc: Scenario) -> str:
    """`conversion`, `click` or `awareness`: what the ad set's optimisation goal rewards."""
    if goal in CONVERSION_GOALS:
        return "conversion"
    if goal in AWARENESS_GOALS:
        return "awareness"
    if goal:
        return "click"
    return "conversion" if sc.conversion_event else "awareness"


def impressions_for(spend: float, cpm: float, capacity: float) -> float:
    """Return expected impressions bought with `spend` minor units (concave, saturating at capacity)."""
    if spend <= 0 or cpm <= 0:
        return 0.0
    return capacity * (1.0 - math.exp(-spend * 1000.0 / (cpm * capacity)))


def max_spend(cpm: float, capacity: float, p: ModelParams) -> float:
    """Return the most an ad set can spend in a day before the marginal CPM passes Meta's bid cap."""
    return math.log(p.max_marginal_cpm_mult) * cpm * capacity / 1000.0


def fatigue_mult(cum_impressions: float, pool: float, p: ModelParams) -> float:
    """CTR multiplier after `cum_impressions` of one ad over the ad set's reachable pool."""
    freq = cum_impressions / max(pool, 1.0)
    return math.exp(-max(0.0, freq - p.fatigue_start) / p.fatigue_scale)


def daily_reach(impressions: float, capacity: float) -> float:
    """People reached in a day by `impressions` (frequency rises as capacity fills)."""
    pool = 0.7 * capacity
    return pool * (1.0 - math.exp(-impressions / pool)) if impressions > 0 else 0.0


def quality(kind: str, ad: AdTruth, s: AdSetTruth, fatigue: float, p: ModelParams) -> float:
    """Results per impression of an ad under the ad set's goal (what Meta's auction favours)."""
    clicks = ad.ctr * fatigue
    if kind == "conversion":
        return clicks * p.link_click_share * s.cvr * ad.cvr_mult
    if kind == "awareness":
        return ad.recall_rate * fatigue
    return clicks * p.link_click_share


def shares(qualities: list[float], power: float) -> list[float]:
    """Meta's split of an ad set's impressions over its ads: favours better ads, imperfectly."""
    if not qualities:
        return []
    top = max(qualities) or 1.0
    raw = [max(q / top, 1e-3) ** power for q in qualities]
    total = sum(raw)
    return [r / total for r in raw]
