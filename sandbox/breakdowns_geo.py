"""Geography breakdowns (`country`, `region`, `dma`) of one ad set, from its targeting.

An ad set's *footprint* is where its `geo_locations` lets it deliver: whole countries (less
`excluded_geo_locations` regions) and parts of countries (targeted regions, the regions of
targeted cities). Each country weighs its reachable millions (`truth.COUNTRY_MILLIONS`) when
targeted whole, or the population of its targeted parts; an ad set without geography takes the
scenario's countries. `region` splits each country's weight over its regions by population
(`sandbox/data/breakdown_geo.json`; a country the file lacks is one `Unknown` region), so a
US-only ad set has only US states and a California ad set only California. `dma` splits US
weight over Nielsen DMAs (the targeted `geo_markets` when given, else those covering the
targeted states, a targeted city's own DMA when one is named after it) by TV homes; delivery
outside the US has no DMA and reports as `Unknown`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sandbox.catalog import geo
from sandbox.truth import COUNTRY_MILLIONS

Option = tuple[str, float, float, float, float]  # value, weight, ctr_mult, cvr_mult, cpm_mult
DATA = Path(__file__).parent / "data" / "breakdown_geo.json"
UNKNOWN = "Unknown"
CITY_SHARE = 0.2  # a targeted city stands for this share of its region's people
CROSS_BORDER = 0.25  # a DMA's homes outside its main state, as a share of its size


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return dict(json.loads(DATA.read_text()))


def regions_of(country: str) -> dict[str, float]:
    """{region name: people (millions)} of a country ({} when the data file lacks it)."""
    return dict(_data()["regions"].get(country, {}))


def _entry(item: Any, kind: str) -> dict[str, Any]:
    """Return the catalogue entry of a targeted region or city (else the item's own fields)."""
    if not isinstance(item, dict):
        return {}
    known = geo()[kind].get(str(item.get("key", "")))
    if known:
        return dict(known)
    code = item.get("country_code") or item.get("country") or ""
    return {"name": item.get("name") or UNKNOWN, "country_code": str(code).upper()}


class Footprint:
    """Where an ad set delivers: whole countries and targeted parts of others."""

    def __init__(self, targeting: dict[str, Any], default: list[str]) -> None:
        g = targeting.get("geo_locations") or {}
        self.whole = [str(c).upper() for c in g.get("countries") or []]
        self.parts: dict[str, dict[str, float]] = {}  # country -> {region: people}
        self.cities: dict[str, list[str]] = {}  # region -> targeted city names in it
        self.markets = [str(m.get("key", "")).removeprefix("DMA:") for m in
                        g.get("geo_markets") or [] if isinstance(m, dict)]
        for item in g.get("regions") or []:
            e = _entry(item, "region")
            self._add(e.get("country_code", ""), e.get("name", UNKNOWN), 1.0)
        for item in g.get("cities") or []:
            e = _entry(item, "city")
            region = e.get("region") or UNKNOWN
            self._add(e.get("country_code", ""), region, CITY_SHARE)
            self.cities.setdefault(region, []).append(str(e.get("name", "")))
        if self.markets and not self.whole and "US" not in self.parts:
            self.parts["US"] = {}
        if not self.whole and not self.parts:
            self.whole = [str(c).upper() for c in default]
        self.excluded = {
            _entry(item, "region").get("name")
            for item in (targeting.get("excluded_geo_locations") or {}).get("regions") or []
        }

    def _add(self, country: str, region: str, share: float) -> None:
        if not country:
            return
        people = regions_of(country).get(region, 3.0)
        parts = self.parts.setdefault(country, {})
        parts[region] = max(parts.get(region, 0.0), people * share)

    def countries(self) -> list[tuple[str, float]]:
        """(country, weight): reachable millions when whole, its parts' people otherwise."""
        out = [(c, COUNTRY_MILLIONS.get(c, 10.0)) for c in self.whole]
        out += [(c, sum(p.values()) or 1.0) for c, p in self.parts.items() if c not in self.whole]
        return out

    def regions(self, country: str) -> dict[str, float]:
        """{region: people} the ad set reaches in a country (never empty)."""
        if country in self.whole:
            people = {r: p for r, p in regions_of(country).items() if r not in self.excluded}
        else:
            people = dict(self.parts.get(country, {}))
        return people or {UNKNOWN: 1.0}

    def dmas(self) -> dict[str, float]:
        """{DMA name: TV homes} the ad set reaches in the US (never empty)."""
        table = _data()["dmas"]
        if self.markets:
            picked = {d["name"]: d["homes"] for d in table if d["key"] in self.markets}
            return picked or {UNKNOWN: 1.0}
        out: dict[str, float] = {}
        for state, people in self.regions("US").items():
            named = [d for d in table if state in d["states"] and any(
                city and city.lower() in d["name"].lower() for city in self.cities.get(state, []))]
            covering = named or [d for d in table if state in d["states"]]
            homes = {d["name"]: d["homes"] * (1.0 if d["states"][0] == state else CROSS_BORDER)
                     for d in covering}
            total = sum(homes.values())
            for name, h in homes.items():
                out[name] = out.get(name, 0.0) + people * h / total
        return out or {UNKNOWN: 1.0}


def _merge(pairs: list[tuple[str, float]]) -> list[Option]:
    weights: dict[str, float] = {}
    for name, w in pairs:
        weights[name] = weights.get(name, 0.0) + w
    return [(name, w, 1.0, 1.0, 1.0) for name, w in weights.items()]


def _share(country_weight: float, people: dict[str, float]) -> list[tuple[str, float]]:
    total = sum(people.values()) or 1.0
    return [(name, country_weight * p / total) for name, p in people.items()]


def geo_options(dim: str, targeting: dict[str, Any], default: list[str]) -> list[Option]:
    """Options of a geography breakdown (`country`, `region` or `dma`) for an ad set."""
    return list(_options(dim, json.dumps(targeting, sort_keys=True), tuple(default)))


@lru_cache(maxsize=512)
def _options(dim: str, targeting_json: str, default: tuple[str, ...]) -> tuple[Option, ...]:
    # Cached by the spec's text: a query asks the same ad set's split for every ad-day.
    fp = Footprint(json.loads(targeting_json), list(default))
    countries = fp.countries()
    if dim == "country":
        return tuple(_merge(countries))
    if dim == "region":
        return tuple(_merge([pair for c, w in countries for pair in _share(w, fp.regions(c))]))
    pairs: list[tuple[str, float]] = []
    for c, w in countries:
        pairs += _share(w, fp.dmas()) if c == "US" else [(UNKNOWN, w)]
    return tuple(_merge(pairs))
