"""Named groups of places a brief may use: "the EU", "DACH", "LATAM", "the lower 48", "worldwide".

"mainland Spain" / "mainland UK" / "mainland US" and the like are the country less its islands.

Every group is an explicit list of catalogue countries (or US/Canadian regions), so the plan
and the card show exactly which countries are meant and an exclusion ("Europe minus France")
takes one out. Only "worldwide", "Asia" and "Africa" stay Meta `country_groups`: the catalogue
does not list those continents' countries, and Meta reads the group itself.

Definitions (all as marketers use the words; a brief that defines a group itself — "by
Europe we mean the EU plus the UK", "LATAM (MX, CO, CL)" — wins, see `parse_geo`):

- EU: the 27 member states; EEA: the EU plus Iceland, Liechtenstein and Norway.
- Europe: the EEA, the UK, Switzerland, Serbia and Ukraine — every European country in the
  catalogue. Meta has a `europe` country group (docs/meta-api-facts.md §3.6), but the facts do not say which
  countries it holds, so adpilot does not send it: an explicit list is what the card can show
  and what an exclusion ("Europe minus France") can edit.
- LATAM / Latin America: Mexico, Central and South America and the Dominican Republic, as far
  as the catalogue lists them (Puerto Rico is a US territory and is left to be named).
- North America: the US and Canada (name Mexico to add it). Nordics: SE NO DK FI IS;
  Scandinavia: SE NO DK. SEA / Southeast Asia / ASEAN: the catalogue's ASEAN members.
- US and Canadian regions: the lower 48 (the US without Alaska and Hawaii), New England,
  the West Coast, the Pacific Northwest, the Midwest (US Census), the Maritimes, Atlantic
  Canada, the Prairies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from state import rules


@dataclass(frozen=True)
class Group:
    """What a group name means: countries, or regions (as (country, region name) pairs)."""

    label: str
    countries: tuple[str, ...] = ()
    regions: tuple[tuple[str, str], ...] = ()
    excluded_regions: tuple[tuple[str, str], ...] = ()
    meta_group: str | None = None  # a Meta country_group ("worldwide", "asia", "africa")
    members: frozenset[str] = field(default=frozenset())  # countries inside (for checks)

    def __post_init__(self) -> None:
        inside = set(self.countries) | {c for c, _ in self.regions}
        object.__setattr__(self, "members", frozenset(inside))


def _g(label: str, countries: list[str] | set[str] | frozenset[str]) -> Group:
    return Group(label, tuple(sorted(countries)) if isinstance(countries, (set, frozenset))
                 else tuple(countries))


def _us(label: str, states: str) -> Group:
    return Group(label, regions=tuple(("US", s.strip()) for s in states.split(",")))


def _ca(label: str, provinces: str) -> Group:
    return Group(label, regions=tuple(("CA", s.strip()) for s in provinces.split(",")))


EUROPE = rules.EEA_COUNTRIES | {"GB", "CH", "RS", "UA"}
LATAM = ["MX", "GT", "CR", "PA", "DO", "CO", "VE", "EC", "PE", "BR", "UY", "AR", "CL"]
NORDICS = ["SE", "NO", "DK", "FI", "IS"]
GCC = ["AE", "SA", "QA", "KW", "BH", "OM"]
ASEAN = ["SG", "MY", "ID", "TH", "VN", "PH", "KH"]
MIDWEST = ("Illinois, Indiana, Iowa, Kansas, Michigan, Minnesota, Missouri, Nebraska, "
           "North Dakota, Ohio, South Dakota, Wisconsin")
_EU, _EEA, _EUROPE = _g("the EU", rules.EU_COUNTRIES), _g("the EEA", rules.EEA_COUNTRIES), \
    _g("Europe", EUROPE)
_LATAM, _NORDICS, _GCC, _SEA = _g("Latin America", LATAM), _g("the Nordics", NORDICS), \
    _g("the GCC", GCC), _g("Southeast Asia", ASEAN)
_LOWER48 = Group("the lower 48", ("US",), excluded_regions=(("US", "Alaska"), ("US", "Hawaii")))
_WORLD = Group("worldwide", meta_group="worldwide")


def _mainland(label: str, country: str, islands: str) -> Group:
    """"mainland Spain": the country less its regions off the mainland (as the catalogue has them)."""
    return Group(label, (country,), excluded_regions=tuple((country, r.strip())
                                                           for r in islands.split(",")))


_MAINLAND_ES = _mainland("mainland Spain", "ES", "Canary Islands, Balearic Islands")
_MAINLAND = {
    "mainland spain": _MAINLAND_ES, "peninsular spain": _MAINLAND_ES,
    "mainland uk": _mainland("mainland UK", "GB", "Northern Ireland"),
    "mainland britain": _mainland("mainland UK", "GB", "Northern Ireland"),
    "mainland italy": _mainland("mainland Italy", "IT", "Sicily, Sardinia"),
    "mainland france": _mainland("mainland France", "FR", "Corsica"),
    "mainland australia": _mainland("mainland Australia", "AU", "Tasmania"),
    "mainland us": _LOWER48, "mainland usa": _LOWER48, "mainland united states": _LOWER48,
}

GROUPS: dict[str, Group] = {
    "eu": _EU, "the eu": _EU, "eu27": _EU, "eu-27": _EU, "european union": _EU,
    "eea": _EEA, "european economic area": _EEA,
    "europe": _EUROPE, "all of europe": _EUROPE,
    "dach": _g("DACH", ["DE", "AT", "CH"]), "d-a-ch": _g("DACH", ["DE", "AT", "CH"]),
    "nordics": _NORDICS, "the nordics": _NORDICS, "nordic countries": _NORDICS,
    "nordic region": _NORDICS,
    "scandinavia": _g("Scandinavia", ["SE", "NO", "DK"]),
    "benelux": _g("Benelux", ["BE", "NL", "LU"]),
    "baltics": _g("the Baltics", ["EE", "LV", "LT"]),
    "baltic states": _g("the Baltics", ["EE", "LV", "LT"]),
    "iberia": _g("Iberia", ["ES", "PT"]), "iberian peninsula": _g("Iberia", ["ES", "PT"]),
    "uk and ireland": _g("the UK and Ireland", ["GB", "IE"]),
    "uk & ireland": _g("the UK and Ireland", ["GB", "IE"]),
    "british isles": _g("the British Isles", ["GB", "IE"]),
    "latam": _LATAM, "latin america": _LATAM,
    "south america": _g("South America", ["CO", "VE", "EC", "PE", "BR", "UY", "AR", "CL"]),
    "central america": _g("Central America", ["GT", "CR", "PA"]),
    "north america": _g("North America", ["US", "CA"]),
    "anz": _g("ANZ", ["AU", "NZ"]), "australia and new zealand": _g("ANZ", ["AU", "NZ"]),
    "gcc": _GCC, "gulf states": _GCC, "the gulf": _GCC, "gulf countries": _GCC,
    "southeast asia": _SEA, "south east asia": _SEA, "south-east asia": _SEA, "sea": _SEA,
    "asean": _SEA,
    "all 50 states": _g("the United States", ["US"]), "the 50 states": _g("the United States",
                                                                           ["US"]),
    "lower 48": _LOWER48, "the lower 48": _LOWER48, "contiguous us": _LOWER48,
    "continental us": _LOWER48, "contiguous united states": _LOWER48,
    "new england": _us("New England", "Maine, New Hampshire, Vermont, Massachusetts, "
                       "Rhode Island, Connecticut"),
    "west coast": _us("the West Coast", "California, Oregon, Washington"),
    "pacific northwest": _us("the Pacific Northwest", "Washington, Oregon"),
    "pnw": _us("the Pacific Northwest", "Washington, Oregon"),
    "midwest": _us("the Midwest", MIDWEST),
    "the maritimes": _ca("the Maritimes", "New Brunswick, Nova Scotia, Prince Edward Island"),
    "maritime provinces": _ca("the Maritimes", "New Brunswick, Nova Scotia, "
                              "Prince Edward Island"),
    "atlantic canada": _ca("Atlantic Canada", "New Brunswick, Nova Scotia, Prince Edward Island, "
                           "Newfoundland and Labrador"),
    "the prairies": _ca("the Prairies", "Alberta, Saskatchewan, Manitoba"),
    "prairie provinces": _ca("the Prairies", "Alberta, Saskatchewan, Manitoba"),
    "asia": Group("Asia", meta_group="asia"), "africa": Group("Africa", meta_group="africa"),
    **_MAINLAND,
}
# Group names that are also everyday words or other languages' words: capitals only.
CASE_SENSITIVE = frozenset({"eu", "eea", "sea", "gcc", "anz", "pnw"})

# The whole world. Strong words always mean it; weak ones ("everywhere", "global") only when
# the brief names no other place, and never when a place follows ("everywhere in the US").
WORLD_STRONG = re.compile(r"\b(?:world[- ]?wide|globally|(?:the\s+)?(?:whole|entire)\s+world|"
                          r"all\s+over\s+the\s+world|around\s+the\s+world|all\s+countries|"
                          r"every\s+country|(?:everyone|everybody|anyone|people)\s+in\s+the\s+"
                          r"world)\b", re.I)
WORLD_WEAK = re.compile(r"\b(?:everywhere|anywhere|global)\b", re.I)
WORLD = _WORLD

# "by Europe we mean ...", "Europe = ...", "LATAM (MX, CO, CL)": the brief defines the group.
DEFINED_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
WE_MEAN = re.compile(r"^\s+(?:we|i)\s+mean\b", re.I)

# US Census divisions: places named together are usually near each other, so "Portland and
# Seattle" is Portland, Oregon (both Pacific) and "Portland and Boston" Portland, Maine.
US_DIVISIONS = {
    "New England": "Connecticut, Maine, Massachusetts, New Hampshire, Rhode Island, Vermont",
    "Middle Atlantic": "New Jersey, New York, Pennsylvania",
    "East North Central": "Illinois, Indiana, Michigan, Ohio, Wisconsin",
    "West North Central": "Iowa, Kansas, Minnesota, Missouri, Nebraska, North Dakota, "
                          "South Dakota",
    "South Atlantic": "Delaware, Washington D.C., Florida, Georgia, Maryland, North Carolina, "
                      "South Carolina, Virginia, West Virginia",
    "East South Central": "Alabama, Kentucky, Mississippi, Tennessee",
    "West South Central": "Arkansas, Louisiana, Oklahoma, Texas",
    "Mountain": "Arizona, Colorado, Idaho, Montana, Nevada, New Mexico, Utah, Wyoming",
    "Pacific": "Alaska, California, Hawaii, Oregon, Washington",
}
_DIVISION = {state.strip(): name for name, states in US_DIVISIONS.items()
             for state in states.split(",")}


def division(country: str, region: str | None) -> str | None:
    """Return the US Census division of a US state ("Oregon" → "Pacific"), else None."""
    return _DIVISION.get(region or "") if country == "US" else None
