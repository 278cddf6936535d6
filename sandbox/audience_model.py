"""Reach, size and cost effects of custom audiences, lookalikes and audience exclusions.

`targeting.custom_audiences` narrows an ad set to the union of the named audiences (Meta ANDs
them with the rest of the spec); `excluded_custom_audiences` removes their members. Sizes:

- a lookalike's size is `(ratio - starting_ratio) x` its country's Meta-reachable adults
  (`sandbox.truth.COUNTRY_MILLIONS`), so a 10% lookalike is ten times a 1% one;
- any other audience has the mean of its `approximate_count_lower_bound`/`_upper_bound`
  (`UNKNOWN_SIZE` when the store has no count yet);
- the targeted part of an audience is its size times the spec's demographic share (ages,
  genders, platforms: `sandbox.truth.demographic_share`), capped by the spec's broad audience.

Warmth: people who visited the site, engaged with the page or are customers convert better
and cost more per 1,000 impressions than a cold broad audience (`WARMTH`, multipliers of the
ad set's latent CVR and CPM); a lookalike converts best at 1% and tends to broad as the ratio
grows (`lookalike_multipliers`). Several audiences mix by size.

Detailed exclusions (`exclusions`, sized like interests) and `excluded_geo_locations`
(countries inside the targeted ones, regions, cities) remove their share of the people first.

Custom audience exclusions: an audience that is both included and excluded contributes nobody, so an ad set
targeting only X and excluding X has an audience of 0 and delivers nothing. Excluding an
audience from a broader spec removes its members from the pool and, because Meta's auction
concentrates on likely converters, removes `min(MAX_LOST, share x cvr_mult x CONCENTRATION)`
of the conversions (excluding 10,000 buyers from 50M people loses about 1%).

Nothing here runs for a spec without either field, so the bundled scenarios' numbers do not
move.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sandbox.scenario import Scenario
from sandbox.truth import (
    COUNTRY_MILLIONS,
    AdSetTruth,
    demographic_share,
    geo_people,
    group_fraction,
)

UNKNOWN_SIZE = 5_000.0  # an audience with no approximate count yet (still populating)
# subtype -> (CVR multiplier, CPM multiplier) against a cold broad audience.
WARMTH = {
    "WEBSITE": (3.0, 1.6),
    "CUSTOM": (2.5, 1.5),
    "ENGAGEMENT": (2.2, 1.4),
    "VIDEO": (1.8, 1.3),
}
CONCENTRATION = 50.0
MAX_LOST = 0.3

Lookup = Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class AudienceEffect:
    """What custom audiences and exclusions do to an ad set's audience and rates."""

    audience: float  # people the spec reaches
    cvr_mult: float
    cpm_mult: float


def _ids(items: Any) -> list[str]:
    out = []
    for it in items or []:
        oid = it.get("id") if isinstance(it, dict) else it
        if oid is not None:
            out.append(str(oid))
    return out


def lookalike_spec(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the audience's lookalike spec as a dict (Meta stores it as JSON text on create)."""
    spec = doc.get("lookalike_spec")
    if isinstance(spec, str):
        try:
            spec = json.loads(spec)
        except ValueError:
            return None
    return spec if isinstance(spec, dict) else None


def audience_size(doc: Mapping[str, Any]) -> float:
    """People in a custom audience or lookalike (see the module docstring)."""
    spec = lookalike_spec(doc)
    if spec and spec.get("ratio"):
        country = str(spec.get("country") or (spec.get("target_countries") or ["US"])[0]).upper()
        band = float(spec["ratio"]) - float(spec.get("starting_ratio") or 0.0)
        return max(0.0, band) * COUNTRY_MILLIONS.get(country, 10.0) * 1e6
    lo = float(doc.get("approximate_count_lower_bound") or 0)
    hi = float(doc.get("approximate_count_upper_bound") or 0)
    if lo <= 0 and hi <= 0:
        return UNKNOWN_SIZE
    return (max(lo, 0.0) + max(hi, lo, 0.0)) / 2


def lookalike_multipliers(ratio: float) -> tuple[float, float]:
    """(CVR, CPM) multipliers of a lookalike: 1% is the warmest, 20% close to broad."""
    closeness = math.exp(-(max(ratio, 0.01) * 100 - 1) / 4)
    return 1.0 + 1.0 * closeness, 1.0 + 0.1 * closeness


def warmth(doc: Mapping[str, Any]) -> tuple[float, float]:
    """(CVR, CPM) multipliers of one audience against cold broad."""
    spec = lookalike_spec(doc)
    if spec and spec.get("ratio"):
        return lookalike_multipliers(float(spec["ratio"]))
    return WARMTH.get(str(doc.get("subtype") or "CUSTOM").upper(), WARMTH["CUSTOM"])


def uses_audiences(targeting: Mapping[str, Any] | None) -> bool:
    """Whether a spec names custom audiences to include or exclude, or excludes people."""
    t = targeting or {}
    return bool(_ids(t.get("custom_audiences")) or _ids(t.get("excluded_custom_audiences"))
                or t.get("exclusions") or t.get("excluded_geo_locations"))


def excluded_share(targeting: Mapping[str, Any], default_countries: list[str]) -> float:
    """Share of the spec's people its `exclusions` and `excluded_geo_locations` remove."""
    keep = 1.0
    if isinstance(targeting.get("exclusions"), dict):
        keep *= 1.0 - group_fraction(dict(targeting["exclusions"]))
    out = targeting.get("excluded_geo_locations")
    if isinstance(out, dict) and out:
        included = geo_people(dict(targeting.get("geo_locations") or {}), default_countries)[0]
        inside = {str(c).upper() for c in (targeting.get("geo_locations") or {}).get("countries") or []}
        gone = dict(out)
        gone["countries"] = [c for c in out.get("countries") or [] if str(c).upper() in inside]
        removed = geo_people(gone, [])[0] if any(gone.get(k) for k in gone) else 0.0
        keep *= 1.0 - min(0.95, removed / max(included, 1e-9))
    return 1.0 - keep


def effect(targeting: Mapping[str, Any], broad: float, lookup: Lookup,
           default_countries: list[str] | None = None) -> AudienceEffect:
    """Audience and multipliers of a spec whose broad (geo/age/interest) audience is `broad`."""
    inc = _ids(targeting.get("custom_audiences"))
    exc = set(_ids(targeting.get("excluded_custom_audiences")))
    demo = demographic_share(dict(targeting))
    broad *= 1.0 - excluded_share(targeting, default_countries or ["US"])
    audience, cvr, cpm = broad, 1.0, 1.0
    if inc:
        kept = [(lookup(a) or {}) for a in inc if a not in exc]
        sizes = [audience_size(d) * demo for d in kept]
        total = sum(sizes)
        audience = min(broad, total)
        if total > 0:
            mults = [warmth(d) for d in kept]
            cvr = sum(s * m[0] for s, m in zip(sizes, mults, strict=True)) / total
            cpm = sum(s * m[1] for s, m in zip(sizes, mults, strict=True)) / total
    lost = 0.0
    for aid in exc - set(inc):
        doc = lookup(aid) or {}
        share = min(1.0, audience_size(doc) * demo / max(broad, 1.0))
        audience *= 1.0 - share
        lost += share * warmth(doc)[0] * CONCENTRATION
    cvr *= 1.0 - min(MAX_LOST, lost)
    return AudienceEffect(max(0.0, audience), cvr, cpm)


def apply(
    st: AdSetTruth, targeting: Mapping[str, Any] | None, lookup: Lookup, sc: Scenario
) -> AdSetTruth:
    """Return the ad set's truth with its custom audiences and exclusions applied."""
    if not uses_audiences(targeting):
        return st
    p = sc.model
    fx = effect(targeting or {}, float(st.audience), lookup, sc.countries)
    if fx.audience < 1:
        return replace(st, audience=0, capacity=0.0, pool=0.0)
    # Narrow audiences cost more per impression, as in `truth.audience_and_cpm_factor`.
    breadth = (fx.audience / max(float(st.audience), 1.0)) ** -0.08
    capacity = p.capacity_at_1m * (fx.audience / 1e6) ** p.capacity_exponent
    return replace(
        st,
        audience=int(fx.audience),
        cpm=st.cpm * fx.cpm_mult * breadth,
        cvr=min(1.0, st.cvr * fx.cvr_mult),
        capacity=capacity,
        pool=min(fx.audience, capacity * p.reach_pool_days),
    )


def store_lookup(store: Any) -> Lookup:
    """Return a cached lookup of custom audiences (type `customaudience`) in the sandbox store."""
    cache: dict[str, Mapping[str, Any] | None] = {}

    def get(aid: str) -> Mapping[str, Any] | None:
        if aid not in cache:
            cache[aid] = store.get_object(aid, "customaudience")
        return cache[aid]

    return get
