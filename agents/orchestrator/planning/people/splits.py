"""Splits a brief asks for: one ad set per country or per gender, without an A/B test.

"one ad set per country", "separate ad sets for each market", "split by country", "one ad set
for the US and one for Canada", "split evenly between the US and Canada", "US and Canada, one ad
set each" → by place; "women and men separately", "one ad set for women
and one for men", "separate ad sets for men and women", "split by gender" → by gender. The
rules planner makes the ad sets (`structure.ad_set_variants`) and asks about a split it cannot
make (by city or region, one place only) — a split request is never planned as one ad set
without a word (`rules.build_plan`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_G = r"(?:wom[ae]n|females?|ladies|m[ae]n|males?|guys)"
_PLACE = (r"(?P<what>countr(?:y|ies)|markets?|cit(?:y|ies)|regions?|states?|provinces?|"
          r"locations?|geos?)")
_ANY = _PLACE.replace("?P<what>", "?:")
_EACH = (r"(?:(?:one|an?|their\s+own)\s+ad\s*sets?\s+(?:per|for\s+each|each|by)|separate\s+ad\s*"
         r"sets?\s+(?:by|per|for(?:\s+each)?)|ad\s*sets?\s+(?:per|by)|(?:split|broken|break)\s+"
         r"(?:it\s+|them\s+)?(?:up\s+)?(?:out\s+)?by)")
GENDER = re.compile(
    rf"\b{_G}\s+(?:and|&|\+|/)\s+{_G}\s+(?:separately|apart|in\s+(?:separate|their\s+own|two)\s+"
    rf"ad\s*sets?)\b|\bseparate(?:ly)?\s+(?:ad\s*sets?\s+)?(?:for\s+)?{_G}\s+(?:and|&)\s+{_G}\b|"
    rf"\b{_EACH}\s+(?:the\s+)?(?:gender|sex)\b|\bone\s+ad\s*set\s+for\s+{_G}\s+and\s+(?:one|"
    rf"another)\s+(?:for\s+)?{_G}\b", re.I)
PLACE = re.compile(rf"\b{_EACH}\s+(?:the\s+)?{_PLACE}\b|\b(?:each|every)\s+{_ANY}\s+(?:gets?\s+"
                   rf"|in\s+|with\s+)?(?:separately|(?:its|their)\s+own\s+ad\s*set)\b|\b"
                   rf"(?:countries|markets)\s+separately\b", re.I)
# "split evenly between", "divided equally across", "50/50 between": one ad set each, the budget
# shared equally (a share other than equal, "70/30", is asked: one budget per ad set cannot say it)
_EVEN = (r"(?:split|divided|divide|spread|shared?)\s+(?:it\s+|them\s+)?(?:evenly|equally|50\s*/\s*50|"
         r"fifty[- ]fifty|in\s+half)\s+(?:between|across|among|over)\s+(?:the\s+)?")
EVEN_GENDER = re.compile(rf"\b{_EVEN}{_G}\s+(?:and|&|\+|/)\s+{_G}\b", re.I)
EVEN_PLACE = re.compile(rf"\b{_EVEN}(?!\d|{_G}\b|(?:two|three|four|\d+)\s+(?:ads?|images?|"
                        r"creatives?|videos?|headlines?|ad\s*sets?)\b)", re.I)
# "US and Canada, one ad set each", "separate ad sets for the US and Canada": by place, unless
# the words before it are genders ("women and men, one ad set each")
EACH_BARE = re.compile(rf"\b(?:one|an?)\s+ad\s*set\s+each\b|\bseparate\s+ad\s*sets\s+for\s+"
                       rf"(?!each\b|the\s+(?:gender|sex)|{_G}\b)(?:the\s+)?(?=[a-z])", re.I)
GENDER_BEFORE = re.compile(rf"\b{_G}\s+(?:and|&|\+|/)\s+{_G}\W{{0,3}}$", re.I)
# "one ad set for the US and one for Canada": the places are the brief's (geo reads them)
ONE_EACH = re.compile(r"\bone\s+ad\s*set\s+for\s+(?:the\s+)?[\w .'-]{2,30}?\s+and\s+(?:one|"
                      r"another)\s+for\s+(?:the\s+)?[\w.'-]+(?:\s+[A-Z][\w.'-]*)?", re.I)


# Meta has no budget on an ad: "$20 a day per ad" is asked (`rules.build_plan`).
PER_AD = re.compile(r"^\s*(?:/\s*day|per\s+day|a\s+day|daily)?\s*(?:per|for\s+each|each|/|an?)\s+"
                    r"(?:ad(?!\s*-?\s*sets?)|creatives?|images?|videos?|photos?|visuals?|"
                    r"variations?)\b", re.I)
COUNTRY_WORDS = ("country", "countries", "market", "markets", "geo", "geos", "location",
                 "locations")


@dataclass
class Split:
    """The split asked for: by "gender" or "place" (`what`: country, city …), and its phrase."""

    by: str | None = None
    what: str = ""
    phrase: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)


def find_split(text: str) -> Split:
    """Return the ad-set split the brief asks for (by None when it asks for none)."""
    for by, pat in (("gender", GENDER), ("gender", EVEN_GENDER), ("place", PLACE),
                    ("place", ONE_EACH), ("place", EVEN_PLACE), ("place", EACH_BARE)):
        if m := pat.search(text):
            what = (m.groupdict().get("what") or "country").lower()
            if pat is EACH_BARE and GENDER_BEFORE.search(text, max(0, m.start() - 30), m.start()):
                by = "gender"  # "women and men, one ad set each"
            return Split(by, what, m.group(0).strip(), [m.span()])
    return Split()


def per_ad(text: str, end: int) -> int | None:
    """Return where a "per ad" after a money amount ending at `end` ends (None: there is none)."""
    m = PER_AD.match(text[end:end + 40])
    return end + m.end() if m else None
