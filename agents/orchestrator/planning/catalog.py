"""The geo and interest catalogue the rules planner matches against (`sandbox/data/*.json`).

The same files back the sandbox's `/search?type=adgeolocation|adinterest`, so a name the
planner resolves offline resolves to the same key/id through the targeting search.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[3] / "sandbox" / "data"


def norm(text: str) -> str:
    """Lower-case, strip accents-insensitive punctuation for matching ("São Paulo" stays)."""
    # Turkish "İ" lower-cases to "i" + a combining dot, which would match no name: drop the dot.
    return re.sub(r"\s+", " ", text.lower().replace("\u0307", "").replace("’", "'")).strip()


@dataclass
class Geo:
    """Lookup tables over geo.json."""

    countries: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> row
    country_names: dict[str, str] = field(default_factory=dict)  # name/alias -> code
    demonyms: dict[str, str] = field(default_factory=dict)  # demonym -> code
    regions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # name/alias -> rows
    # Postal-style abbreviations ("TX", "BC", "NSW"): read only in capitals, mostly after a city
    region_codes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "tx" -> rows
    cities: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # name/alias -> rows


@cache
def geo() -> Geo:
    """Load geo.json once."""
    data = json.loads((DATA / "geo.json").read_text(encoding="utf-8"))
    g = Geo()
    for c in data["countries"]:
        g.countries[c["key"]] = c
        for name in [c["name"], *c.get("aliases", [])]:
            g.country_names[norm(name)] = c["key"]
        for d in c.get("demonyms", []):
            g.demonyms[norm(d)] = c["key"]
    for r in data["regions"]:
        g.regions.setdefault(norm(r["name"]), []).append(r)
        for alias in r.get("aliases", []):
            short = len(alias) <= 3 and alias.isupper()
            (g.region_codes if short else g.regions).setdefault(norm(alias), []).append(r)
    for city in data["cities"]:
        for name in [city["name"], *city.get("aliases", [])]:
            g.cities.setdefault(norm(name), []).append(city)
    return g


@cache
def interests() -> dict[str, dict[str, Any]]:
    """Load interests.json once, keyed by normalised name."""
    rows = json.loads((DATA / "interests.json").read_text(encoding="utf-8"))
    return {norm(r["name"]): r for r in rows}


def interest(name: str) -> dict[str, Any] | None:
    """Return the catalogue row for an interest name (exact, case-insensitive), or None."""
    return interests().get(norm(name))
