"""What the geo parser found: Meta's geo_locations pieces, plus the notes and questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import Adjustment, Question


@dataclass
class GeoResult:
    """Locations found in the brief, as Meta's geo_locations pieces, plus notes."""

    countries: list[str] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    cities: list[dict[str, Any]] = field(default_factory=list)
    country_groups: list[str] = field(default_factory=list)
    excluded_countries: list[str] = field(default_factory=list)
    excluded_regions: list[dict[str, Any]] = field(default_factory=list)
    excluded_cities: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # place-like names the catalogue lacks

    def geo_locations(self) -> dict[str, Any]:
        """Return Meta's geo_locations dict (empty lists dropped)."""
        out: dict[str, Any] = {"countries": self.countries, "regions": self.regions,
                               "cities": self.cities, "country_groups": self.country_groups}
        return {k: v for k, v in out.items() if v}

    def excluded_geo_locations(self) -> dict[str, Any]:
        """Return Meta's excluded_geo_locations dict (empty when nothing is excluded)."""
        out = {"countries": self.excluded_countries, "regions": self.excluded_regions,
               "cities": self.excluded_cities}
        return {k: v for k, v in out.items() if v}

    def all_countries(self) -> set[str]:
        """Countries targeted directly or through a region or city."""
        return set(self.countries) | {r["country"] for r in self.regions} | \
            {c["country"] for c in self.cities}
