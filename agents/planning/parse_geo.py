"""Find locations in a brief: countries, regions, cities with a radius, groups, exclusions.

Countries by name, alias, ISO code or demonym; groups such as "the EU", "DACH", "Nordics",
"LATAM"; exclusions such as "except France".

Conservative on purpose: names that are also everyday words ("Nice", "Turkey", "Jordan",
"Split") count only when capitalised and introduced by a place cue ("in", "around", "near"),
and a demonym counts only as a plural ("Germans") or before a people noun ("German shoppers").
When a city or region lies in a named country, the narrower location wins (Meta refuses
overlapping locations). A city without a radius gets 25 miles (US/UK) or 40 km elsewhere;
radii outside Meta's 10–50 mi / 17–80 km are clamped with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from agents.planning.catalog import geo, norm
from state import rules

GROUPS: dict[str, list[str]] = {
    "eu": sorted(rules.EU_COUNTRIES), "european union": sorted(rules.EU_COUNTRIES),
    "eea": sorted(rules.EEA_COUNTRIES), "dach": ["DE", "AT", "CH"],
    "nordics": ["SE", "NO", "DK", "FI", "IS"], "nordic countries": ["SE", "NO", "DK", "FI", "IS"],
    "scandinavia": ["SE", "NO", "DK"], "benelux": ["BE", "NL", "LU"],
    "latam": ["MX", "BR", "AR", "CO", "CL", "PE"], "latin america": ["MX", "BR", "AR", "CO", "CL", "PE"],
    "north america": ["US", "CA"], "anz": ["AU", "NZ"], "gcc": ["AE", "SA", "QA", "KW", "BH", "OM"],
    "gulf": ["AE", "SA", "QA", "KW", "BH", "OM"], "the gulf": ["AE", "SA", "QA", "KW", "BH", "OM"],
    "southeast asia": ["SG", "MY", "ID", "TH", "VN", "PH"], "sea": ["SG", "MY", "ID", "TH", "VN", "PH"],
    "uk and ireland": ["GB", "IE"], "iberia": ["ES", "PT"], "baltics": ["EE", "LV", "LT"],
}
META_GROUPS = {"worldwide": "worldwide", "globally": "worldwide", "global": "worldwide",
               "everywhere": "worldwide", "europe": "europe", "asia": "asia", "africa": "africa"}
CASE_SENSITIVE = {"eu", "eea", "dach", "sea", "gcc", "anz", "latam"}
AMBIGUOUS = {"nice", "split", "victoria", "hamilton", "florence", "sofia", "phoenix", "salvador",
             "santiago", "lima", "cali", "kobe", "bali", "darwin", "wellington", "cologne", "porto",
             "cork", "turkey", "jordan", "china", "chile", "panama", "richmond", "durham",
             "cambridge", "oxford", "madison", "buffalo", "rochester", "charleston", "providence",
             "reading", "georgia", "newcastle", "bern", "medellín", "mobile",
             "oz", "independence", "santa fe", "salzburg", "washington",
             "chester", "lagos", "jersey city", "valencia",
             "granada", "cusco", "cordoba", "córdoba", "rosario", "mendoza", "penang", "bergen"}
PLACE_CUE = re.compile(r"(?:\b(?:in|around|near|across|within|to|of|target(?:ing)?|and|or|"
                       r"from|outside|except|excluding|both|plus)|\+|&|,|:|/)\s*$", re.I)
PEOPLE = re.compile(r"^[\s-]*(?:\w+\s+)?(?:customers?|users?|people|audiences?|shoppers?|"
                    r"consumers?|market|residents?|buyers?|moms?|mums?|dads?|parents?|women|men|"
                    r"millennials|gen\s?z|students?|travell?ers?|homeowners?|expats?|citizens?|"
                    r"businesses|compan(?:y|ies)|smbs?|founders?|families|teens?|adults?|"
                    r"retirees|seniors|drivers?|gamers?|fans?|professionals?|owners?)\b", re.I)
EXCLUDE_CUE = re.compile(r"\b(?:except(?:\s+for)?|excluding|exclude|not\s+in|but\s+not|outside"
                         r"(?:\s+of)?|minus|without)\s+(?:[\w .'-]+(?:,|\s+and|\s+or)\s+)*$", re.I)
RADIUS_BEFORE = re.compile(r"(?P<r>\d+(?:\.\d+)?)\s*-?\s*(?P<u>miles?|mi|kms?|kilomet(?:er|re)s?)"
                           r"\s*(?:radius\s*)?(?:of|around|from|near|round)\s+(?:downtown\s+|"
                           r"central\s+|greater\s+)?$", re.I)
RADIUS_AFTER = re.compile(r"^\s*(?:\(|,|\+|-|and)?\s*(?:\+\s*)?(?:within\s+|a\s+)?(?P<r>\d+(?:\.\d+)?)"
                          r"\s*-?\s*(?P<u>miles?|mi|kms?|kilomet(?:er|re)s?)\b(?:\s*radius|\s*around"
                          r"(?:\s+it)?)?\)?", re.I)
LOOSE_RADIUS = re.compile(r"\bwithin\s+(?:a\s+)?(?P<r>\d+(?:\.\d+)?)\s*-?\s*(?P<u>miles?|mi|kms?|"
                          r"kilomet(?:er|re)s?)\b", re.I)
STATE_ABBR = re.compile(r"^,?\s*(?:[A-Z]{2}|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b(?=[\s,.;)]|$)")
ISO_CODE = re.compile(r"(?<![\w$@/.-])([A-Z]{2})(?![\w/@.-])")
CODE_STOP = {"IN", "IT", "AM", "PM", "ID", "OK", "TV", "PR", "AD", "AI", "CV", "PS", "IG", "FB",
             "AB", "VS", "UP", "LA", "SF", "DC", "NY", "TX", "FL", "GA", "MA", "PA", "VA", "WA",
             "NC", "SC", "OR", "MI", "MN", "IL", "OH", "EU", "ST", "RE", "HI", "GO", "SO", "DO",
             "TO", "AS", "AN", "BY", "ON", "OF", "US", "UK"}


@dataclass
class GeoResult:
    """Locations found in the brief, as Meta's geo_locations pieces, plus notes."""

    countries: list[str] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    cities: list[dict[str, Any]] = field(default_factory=list)
    country_groups: list[str] = field(default_factory=list)
    excluded_countries: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def geo_locations(self) -> dict[str, Any]:
        """Return Meta's geo_locations dict (empty lists dropped)."""
        out: dict[str, Any] = {"countries": self.countries, "regions": self.regions,
                               "cities": self.cities}
        if self.country_groups:
            out["country_groups"] = self.country_groups
        return {k: v for k, v in out.items() if v}

    def all_countries(self) -> set[str]:
        """Countries targeted directly or through a region or city."""
        return set(self.countries) | {r["country"] for r in self.regions} | \
            {c["country"] for c in self.cities}


@cache
def _names() -> tuple[re.Pattern[str], dict[str, list[tuple[str, Any]]]]:
    g = geo()
    table: dict[str, list[tuple[str, Any]]] = {}
    for name, code in g.country_names.items():
        table.setdefault(name, []).append(("country", code))
    for name, code in g.demonyms.items():
        table.setdefault(name, []).append(("demonym", code))
    for name, rows in g.regions.items():
        table.setdefault(name, []).extend(("region", r) for r in rows)
    for name, rows in g.cities.items():
        table.setdefault(name, []).extend(("city", c) for c in rows)
    for name in [*GROUPS, *META_GROUPS]:
        table.setdefault(name, []).append(("group", name))
    alts = "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w$])(?:{alts})(?![\w])", re.I), table


def _radius(before: str, after: str, country: str) -> tuple[float, str, bool]:
    m = RADIUS_BEFORE.search(before) or RADIUS_AFTER.match(after)
    if not m:
        return (25, "mile", False) if country in ("US", "GB") else (40, "kilometer", False)
    unit = "mile" if m.group("u").lower().startswith("mi") else "kilometer"
    return float(m.group("r")), unit, True


def _pick_city(rows: list[Any], hint: set[str], currency: str) -> Any:
    for pred in (lambda r: r["country_code"] in hint,
                 lambda r: geo().countries.get(r["country_code"], {}).get("currency") == currency):
        hits = [r for r in rows if pred(r)]
        if hits:
            return hits[0]
    return rows[0]


def find_geo(text: str, currency: str = "USD") -> GeoResult:
    """Return every location the brief names (see the module docstring for the rules)."""
    pattern, table = _names()
    res = GeoResult()
    matches = []
    for m in pattern.finditer(text):
        raw, key = m.group(0), norm(m.group(0))
        entries = table.get(key, [])
        if ((len(raw) <= 3 and key not in ("rio",)) or key in CASE_SENSITIVE) and \
                raw != raw.upper() and raw != "Oz":
            continue  # short aliases ("US", "LA", "EU") only in capitals
        if key == "sea" and raw != "SEA":
            continue
        before = text[max(0, m.start() - 40):m.start()]
        if key in AMBIGUOUS and not (raw[0].isupper() and PLACE_CUE.search(before)):
            continue
        matches.append((m, entries, before))
    mentioned = {e[1] for _, es, _ in matches for e in es if e[0] == "country"}
    cities: list[tuple[int, dict[str, Any]]] = []
    explicit_keys: set[str] = set()
    for m, entries, before in matches:
        kinds = {e[0] for e in entries}
        after = text[m.end():m.end() + 40]
        excluded = bool(EXCLUDE_CUE.search(before))
        if "demonym" in kinds and re.match(r"^[\s-]*(?:speaking|speakers?|language)", after, re.I):
            continue  # "Spanish-speaking" is a language, not a country
        if "demonym" in kinds and not ({"country", "city", "region"} & kinds):
            code = next(e[1] for e in entries if e[0] == "demonym")
            plural = m.group(0).lower().endswith(("s", "kiwis", "brits"))
            if not (plural and not re.match(r"^\s*(?:football|cuisine|food)", after, re.I)) and \
                    not PEOPLE.match(after):
                continue
            entries = [("country", code)]
            kinds = {"country"}
        res.spans.append(m.span())
        if "group" in kinds:
            name = norm(m.group(0))
            if name in META_GROUPS:
                res.country_groups.append(META_GROUPS[name])
            else:
                res.countries.extend(c for c in GROUPS[name] if c not in res.countries)
            continue
        if "country" in kinds and "region" in kinds and norm(m.group(0)) != norm(
                geo().countries[next(e[1] for e in entries if e[0] == "country")]["name"]):
            kinds.discard("country")  # "Scotland", "England": a region, not all of the UK
        if "city" in kinds and "country" in kinds:
            kinds.discard("city")  # "Singapore", "Hong Kong": the country
        if "city" in kinds and not (re.match(r"^\s+(?:state|province)\b", after, re.I) and
                                    "region" in kinds) and not (
                norm(m.group(0)) in ("washington", "georgia") and "region" in kinds):
            city = _pick_city([e[1] for e in entries if e[0] == "city"], mentioned, currency)
            radius, unit, explicit = _radius(before, after, city["country_code"])
            lo, hi = rules.CITY_RADIUS[unit]
            if not lo <= radius <= hi:
                clamped = min(max(radius, lo), hi)
                res.warnings.append(f"{city['name']}: radius {radius:g} {unit}s is outside Meta's "
                                    f"{lo}-{hi} range; using {clamped:g}")
                radius = clamped
            if abs_end := STATE_ABBR.match(after):
                res.spans.append((m.end(), m.end() + abs_end.end()))
            entry = {"key": city["key"], "name": city["name"], "country": city["country_code"],
                     "radius": int(radius) if float(radius).is_integer() else radius,
                     "distance_unit": unit}
            if explicit:
                explicit_keys.add(entry["key"])
            same = [c for c in cities if c[1]["key"] == entry["key"]]
            if not same:
                cities.append((m.start(), entry))
            elif explicit:  # "our Berlin café ... within 10 km of Berlin": the radius wins
                same[0][1].update(radius=entry["radius"], distance_unit=unit)
            continue
        if "region" in kinds and ("country" not in kinds or norm(m.group(0)) == "georgia"):
            rows = [e[1] for e in entries if e[0] == "region"]
            r = _pick_city(rows, mentioned, currency)
            if not any(x["key"] == r["key"] for x in res.regions):
                res.regions.append({"key": r["key"], "name": r["name"], "country": r["country_code"]})
            continue
        code = next(e[1] for e in entries if e[0] == "country")
        target = res.excluded_countries if excluded else res.countries
        if code not in target:
            target.append(code)
    for m in ISO_CODE.finditer(text):
        code = m.group(1)
        if code in CODE_STOP or code not in rules.ISO_COUNTRIES or code not in geo().countries:
            continue
        if any(a <= m.start() < b for a, b in res.spans):
            continue  # already read as part of a place ("Austin, TX")
        if code not in res.countries and PLACE_CUE.search(text[max(0, m.start() - 12):m.start()]):
            res.countries.append(code)
            res.spans.append(m.span())
    res.cities = [c for _, c in sorted(cities, key=lambda x: x[0])]
    loose = list(LOOSE_RADIUS.finditer(text))
    if len(res.cities) == 1 and len(loose) == 1 and res.cities[0]["key"] not in explicit_keys:
        m = loose[0]
        unit = "mile" if m.group("u").lower().startswith("mi") else "kilometer"
        lo, hi = rules.CITY_RADIUS[unit]
        radius = float(min(max(float(m.group("r")), lo), hi))
        res.cities[0].update(radius=int(radius) if radius.is_integer() else radius,
                             distance_unit=unit)
        res.spans.append(m.span())
    _narrow(res)
    return res


def _narrow(res: GeoResult) -> None:
    """Drop countries/regions that contain a named city or region (Meta rejects overlaps)."""
    city_countries = {c["country"] for c in res.cities}
    region_names = {c.get("name") for c in res.regions}
    city_regions = {geo_city_region(c["key"]) for c in res.cities}
    res.regions = [r for r in res.regions if r["name"] not in city_regions]
    narrowed = city_countries | {r["country"] for r in res.regions}
    res.countries = [c for c in res.countries if c not in narrowed]
    res.countries = [c for c in res.countries if c not in res.excluded_countries]
    del region_names


def geo_city_region(key: str) -> str | None:
    """Return the region name of a catalogue city key."""
    for rows in geo().cities.values():
        for c in rows:
            if c["key"] == key:
                return c.get("region")
    return None
