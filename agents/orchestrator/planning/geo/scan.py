"""Find the place names in a brief: each mention with every catalogue place it could be.

`scan(text)` returns `Mention`s in order of appearance; nothing is decided yet beyond what the
words themselves say. Conservative on purpose:

- Names that are also everyday words ("Nice", "Turkey", "Reading", "Mobile") count only when
  capitalised and introduced by a place cue ("in", "around", "near", a list comma) or followed
  by a radius ("Phoenix +25 mi", "Nice (20 km)"); names that
  are also first names ("Georgia", "Victoria") need a cue or a capital.
- Two- and three-letter names and codes ("US", "LA", "TX", "NSW") count only in capitals;
  a state or province code counts on its own only when it is no country code and no English
  word ("TX", "NSW" yes; "CA", "OR", "IN" only after a city: "Portland, OR").
- A demonym counts only as a plural ("Germans") or before a people noun ("German shoppers").
- What is not a place to target is never read: quoted copy, company names ("Röstwerk Hamburg
  GmbH"), postal addresses and what follows a sign-off ("Best, ... Leeds LS1 6DT"), and a
  currency written with a country prefix ("US$50", "CA$40").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from agents.orchestrator.planning.catalog import geo, norm
from agents.orchestrator.planning.geo.groups import CASE_SENSITIVE, GROUPS
from state import rules

# The plan fields every geo module asks or notes about.
GEO = "ad_sets[0].targeting.geo_locations"
EXCLUDED = "ad_sets[0].targeting.excluded_geo_locations"


@dataclass(frozen=True)
class Cand:
    """One place a name may be: a country (key = ISO code), region, city or group."""

    kind: str  # "country" | "region" | "city" | "group"
    key: str
    name: str
    country: str = ""  # ISO code of the country it lies in ("" for a group)
    region: str | None = None  # a city's region name

    def inside(self, outer: Cand) -> bool:
        """Whether this place lies inside `outer`.

        A city lies in its region and country, a region in its country, a country in a group.
        """
        if outer.kind == "country":
            return self.kind in ("region", "city") and self.country == outer.key
        if outer.kind == "region":
            return self.kind == "city" and self.country == outer.country and \
                self.region == outer.name
        if outer.kind == "group" and self.kind != "group":
            group = GROUPS[outer.key]
            if not group.regions:
                return self.country in group.members
            named = {(c, r) for c, r in group.regions}
            return (self.country, self.name if self.kind == "region" else self.region) in named
        return False


@dataclass
class Mention:
    """A place name as written, the places it could be, and what the brief does with it."""

    start: int
    end: int
    raw: str
    cands: list[Cand]
    via: str = "name"  # "name" | "code" (a region code) | "iso" (a country code)
    role: str = "include"  # "include" | "exclude" | "qualifier"
    home: str = ""  # where the business is: "strong" ("we're in Tampa"), "weak" ("our Tampa shop")
    example: bool = False  # "especially Savannah": a part of a wider area named beside it
    part: str = ""  # "Southern California": only part of the place is meant
    tentative: bool = False  # "Phoenix", "Nice" with no place cue: a place only if qualified
    coverage: bool = False  # "all of", "everywhere in", "-wide": the whole place
    kind_hint: str | None = None  # "city" | "region" | "country" from words around it
    chosen: Cand | None = None
    qualified_by: list[Mention] = field(default_factory=list)

    @property
    def span(self) -> tuple[int, int]:
        """The characters of the brief this mention used."""
        return self.start, self.end


# Everyday words and names that are also places: capital + place cue.
WORDLIKE = {"nice", "split", "reading", "mobile", "bath", "buffalo", "independence", "providence",
            "phoenix", "cologne", "porto", "oz", "darwin", "chester", "turkey", "jordan", "china",
            "chile", "panama", "cork", "kobe", "oxford", "cali", "wellington", "hamilton",
            "valencia", "salvador", "florence", "sofia", "madison", "charleston", "durham",
            "lima", "bali", "bern", "bergen", "rochester", "richmond"}
# Names that are also first names or common nouns in lower case: need a cue unless capitalised.
NAMELIKE = {"georgia", "victoria", "santiago", "cambridge", "newcastle", "washington", "lagos",
            "santa fe", "granada", "cusco", "cordoba", "córdoba", "rosario", "mendoza", "penang",
            "salzburg", "jersey city"}
PLACE_CUE = re.compile(r"(?:\b(?:in|around|near|across|within|to|of|target(?:ing)?|and|or|from|"
                       r"outside|except|excluding|exclude|both|plus|not|no|minus|skip|without)|"
                       r"\+|&|,|:|/|\()\s*(?:the\s+)?$", re.I)
# A radius right after a name makes it a place ("Phoenix +25 mi", "Phoenix (25 mi radius)")
RADIUS_AFTER = re.compile(r"^\s*(?:[,(]\s*)?(?:\+\s*)?\d+(?:\.\d+)?\s*-?\s*(?:miles?|mi|kms?|"
                          r"kilomet(?:er|re)s?)\b", re.I)
PEOPLE = re.compile(r"^[\s-]*(?:\w+\s+)?(?:customers?|users?|people|audiences?|shoppers?|"
                    r"consumers?|market|residents?|buyers?|moms?|mums?|dads?|parents?|women|men|"
                    r"millennials|gen\s?z|students?|travell?ers?|homeowners?|expats?|citizens?|"
                    r"businesses|compan(?:y|ies)|smbs?|founders?|families|teens?|adults?|"
                    r"retirees|seniors|drivers?|gamers?|fans?|professionals?|owners?)\b", re.I)
SPEAKING = re.compile(r"^[\s-]*(?:speaking|speakers?|language)", re.I)
ISO_CODE = re.compile(r"(?<![\w$@/.-])([A-Z]{2})(?![\w/@.$-])")
CODE_LIST = re.compile(r"(?<![\w$@/.-])[a-z]{2}(?:\s*[,/]\s*[a-z]{2}){2,}(?![\w/@.$-])", re.I)
# Capital pairs that are words, abbreviations or currencies far more often than places.
CODE_STOP = {"IN", "IT", "AM", "PM", "ID", "OK", "TV", "PR", "AD", "AI", "CV", "PS", "IG", "FB",
             "AB", "VS", "UP", "LA", "SF", "DC", "NY", "TX", "FL", "GA", "MA", "PA", "VA", "WA",
             "NC", "SC", "OR", "MI", "MN", "IL", "OH", "EU", "ST", "RE", "HI", "GO", "SO", "DO",
             "TO", "AS", "AN", "BY", "ON", "OF", "US", "UK"}
# Region codes that are English words: only ever read right after a city ("Portland, OR").
CODE_WORDS = {"IN", "OR", "ME", "OK", "HI", "ON", "AB", "ID", "DE", "AS", "PE", "NL", "SK",
              "MA", "PA", "CO", "AR", "GA", "IL", "TN", "MT", "SC", "NE", "AL", "AZ", "CA",
              "SA", "VA", "MS", "ACT", "NS", "NB"}
COPY_LABEL = re.compile(r"\b(?:headlines?|copy|text|description|tagline|slogan|caption|"
                        r"says?|reads?)\b[^\"“„«\n]{0,30}$", re.I)
QUOTED = re.compile(r"[\"“„«]([^\"”“»\n]{1,200})[\"”“»]|(?<!\w)[‘']([^'’\n]{2,125})['’](?!\w)")
COMPANY = re.compile(r"(?:[A-ZÀ-Ý][\w&'’.-]*\s+){1,4}(?:GmbH|Ltd\.?|LLC|Inc\.?|B\.?V\.?|N\.?V\.?|"
                     r"S\.?L\.?|SAS|SARL|S\.?r\.?l\.?|AG|AB|AS|ASA|A/S|ApS|Oy|Lda|Pty|Plc|PLC|"
                     r"OÜ|KG|LLP|SpA|S\.p\.A\.|Co\.?|Corp\.?|Company)(?![\w])")
SIGN_OFF = re.compile(r"^\s*(?:best(?:\s+regards)?|regards|kind\s+regards|cheers|thanks|"
                      r"thank\s+you|many\s+thanks|sincerely|br|ta)\s*[,.!]?\s*$", re.I | re.M)
STREET = re.compile(r"\b\d+[A-Za-z]?\s+(?:[A-Z][\w'’-]*\s+){1,3}(?:Street|St\.?|Lane|Ln\.?|Road|"
                    r"Rd\.?|Avenue|Ave\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Way|Place|Pl\.?|Square|"
                    r"Court|Ct\.?|Terrace|Close|Row|Straße|Strasse|Weg|Platz)\b,?\s*$")
POSTCODE = re.compile(r"^,?\s*(?:[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}|[A-Z]{2}\s+\d{5}(?:-\d{4})?|"
                      r"\d{5}(?:-\d{4})?)\b")


def mask_non_targets(text: str) -> str:
    """Blank out quoted copy, company names and signatures: their places are not targets."""
    spans: list[tuple[int, int]] = []
    for m in QUOTED.finditer(text):
        inner = m.group(1) or m.group(2) or ""
        if len(inner.split()) >= 3 or COPY_LABEL.search(text[max(0, m.start() - 40):m.start()]):
            spans.append(m.span())
    for m in COMPANY.finditer(text):
        words = m.group(0).split()[:-1]
        if not all(_is_place(w) for w in words):  # "Calgary AB" is a place, not a company
            spans.append(m.span())
    if sign_off := SIGN_OFF.search(text):
        if len(text) - sign_off.start() < 400:
            spans.append((sign_off.start(), len(text)))
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def _is_place(word: str) -> bool:
    key = norm(word.strip(",."))
    return key in name_table()[1]


@cache
def name_table() -> tuple[re.Pattern[str], dict[str, list[Cand]]]:
    """Return the name pattern and the name → places table (catalogue and groups)."""
    g = geo()
    table: dict[str, list[Cand]] = {}

    def add(name: str, c: Cand) -> None:
        rows = table.setdefault(name, [])
        if c not in rows:
            rows.append(c)

    for name, code in g.country_names.items():
        add(name, country_cand(code))
    for name, rows in g.regions.items():
        for r in rows:
            add(name, _region(r))
    for name, rows in g.region_codes.items():
        for r in rows:
            add(name, _region(r))
    for name, rows in g.cities.items():
        for c in rows:
            add(name, Cand("city", str(c["key"]), c["name"], c["country_code"], c.get("region")))
    for name in GROUPS:
        add(name, Cand("group", name, GROUPS[name].label))
    demonyms = {name: code for name, code in g.demonyms.items() if name not in table}
    for name, code in demonyms.items():
        add(name, Cand("country", code, "demonym", code))
    alts = "|".join(re.escape(n) for n in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w$])(?:{alts})(?![\w$])", re.I), table


def country_cand(code: str) -> Cand:
    """Return the place of a country code."""
    return Cand("country", code, str(geo().countries[code]["name"]).removesuffix(" (country)"),
                code)


def _region(r: dict[str, Any]) -> Cand:
    return Cand("region", str(r["key"]), r["name"], r["country_code"])


def is_region_code(raw: str) -> bool:
    """Whether `raw` is written as a state/province code ("TX", "NSW")."""
    return raw.isupper() and norm(raw) in geo().region_codes


def scan(text: str) -> list[Mention]:
    """Return every place mention in `text` (see the module docstring for what counts)."""
    pattern, table = name_table()
    out: list[Mention] = []
    for m in pattern.finditer(text):
        raw, key = m.group(0), norm(m.group(0))
        cands = list(table.get(key, []))
        before = text[max(0, m.start() - 40):m.start()]
        after = text[m.end():m.end() + 40]
        if key in geo().region_codes:
            if not raw.isupper():
                cands = [c for c in cands if not (c.kind == "region" and _coded(c, key))]
            elif raw in rules.ISO_COUNTRIES and raw in geo().countries:
                cands.append(country_cand(raw))  # "CA": California after a city, else Canada
        if not cands:
            continue
        if key == "rio" and not raw[0].isupper():
            continue  # "o rio", "el río": a river
        if ((len(raw) <= 3 and key != "rio") or key in CASE_SENSITIVE) and \
                raw != raw.upper() and raw != "Oz":
            continue  # short names ("US", "LA", "EU") only in capitals
        tentative = (key in WORDLIKE and not (raw[0].isupper() and (PLACE_CUE.search(before) or
                                                                    RADIUS_AFTER.match(after)))) \
            or (key in NAMELIKE and not (raw[0].isupper() or PLACE_CUE.search(before)))
        if tentative and not raw[0].isupper():
            continue
        if STREET.search(before) or POSTCODE.match(after):
            continue  # part of a postal address
        if re.match(r"^-(?!wide\b|based\b)[a-z]+", after):
            continue  # "Paris-inspired perfume": an adjective, not a place to target
        if all(c.name == "demonym" for c in cands):
            if SPEAKING.match(after):
                continue  # "Spanish-speaking" is a language, not a country
            plural = raw.lower().endswith(("s", "kiwis", "brits"))
            if not (plural and not re.match(r"^\s*(?:football|cuisine|food)", after, re.I)) \
                    and not PEOPLE.match(after):
                continue
            cands = [country_cand(cands[0].key)]
        cands = [c for c in cands if c.name != "demonym"]
        via = "code" if is_region_code(raw) else "name"
        out.append(Mention(m.start(), m.end(), raw, cands, via=via, tentative=tentative))
    out += _iso_codes(text, out)
    out.sort(key=lambda x: x.start)
    return out


def _coded(c: Cand, key: str) -> bool:
    return any(r["key"] == c.key for r in geo().region_codes.get(key, []))


def _iso_codes(text: str, found: list[Mention]) -> list[Mention]:
    """Country codes: "FR and BE" (capitals after a place cue) and "mx, co, cl" (a list)."""
    taken = [m.span for m in found]
    out: list[Mention] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    for m in CODE_LIST.finditer(text):
        codes = re.findall(r"[a-z]{2}", m.group(0), re.I)
        if all(c.upper() in geo().countries for c in codes):
            for c in re.finditer(r"[a-z]{2}", m.group(0), re.I):
                s, e = m.start() + c.start(), m.start() + c.end()
                if free(s, e):
                    out.append(Mention(s, e, c.group(0), [country_cand(c.group(0).upper())],
                                       via="iso"))
                    taken.append((s, e))
    for m in ISO_CODE.finditer(text):
        code = m.group(1)
        if code in CODE_STOP or code not in rules.ISO_COUNTRIES or code not in geo().countries:
            continue
        if free(*m.span()) and PLACE_CUE.search(text[max(0, m.start() - 12):m.start()]):
            out.append(Mention(m.start(), m.end(), code, [country_cand(code)], via="iso"))
            taken.append(m.span())
    return out


def standalone_code_ok(m: Mention) -> bool:
    """Whether a state/province code may stand for its region without a city before it."""
    return m.raw not in CODE_WORDS and not (m.raw in rules.ISO_COUNTRIES and
                                            m.raw in geo().countries)
