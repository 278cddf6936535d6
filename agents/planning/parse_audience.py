"""Ages, genders, languages and placements in a brief.

Age phrases: "25-45", "25–45", "25 to 45", "aged 25 through 45", "between 25 and 45", "18+",
"21 and up", "over 30" (marketing usage: 30+), "older than 30" (31+), "under 35" (up to 34),
"up to 35", "in their 30s", "30s and 40s", "65+". Generations (documented mapping, birth years
per Pew Research; ages computed from `today` and clamped to Meta's 18–65):

| phrase | birth years | ages in 2026 |
| --- | --- | --- |
| gen z / zoomers | 1997–2012 | 18–29 (adults only) |
| millennials / gen y | 1981–1996 | 30–45 |
| gen x | 1965–1980 | 46–61 |
| boomers / baby boomers | 1946–1964 | 62–65+ |

Also "students" → 18–24, "seniors" / "retirees" → 65+ (age_min 65), "teens" → 13–17.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

GENERATIONS = {"gen z": (1997, 2012), "genz": (1997, 2012), "generation z": (1997, 2012),
               "zoomers": (1997, 2012), "millennials": (1981, 1996), "millenials": (1981, 1996),
               "gen y": (1981, 1996), "gen x": (1965, 1980), "generation x": (1965, 1980),
               "gen xers": (1965, 1980), "boomers": (1946, 1964), "baby boomers": (1946, 1964)}
GEN_RE = re.compile(r"\b(" + "|".join(sorted(GENERATIONS, key=len, reverse=True)) + r")\b", re.I)
_A = r"(\d{2})"
AGE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:ages?d?\s+|between\s+(?:the\s+ages\s+of\s+)?)?{_A}\s*(?:-|–|—|to|through|"
                rf"thru|and)\s*{_A}\+?(?:\s*(?:years?\s*old|y/?o|yrs?|year[- ]olds?))?\b", re.I),
     "range"),
    (re.compile(rf"\b{_A}\s*\+|\b{_A}\s+(?:and|&)\s+(?:up|over|older|above)\b|"
                rf"\b(?:at\s+least|minimum\s+age\s+(?:of\s+)?){_A}\b", re.I), "min"),
    (re.compile(rf"\b(?:over|above)\s+(?:the\s+age\s+of\s+)?{_A}\b", re.I), "over"),
    (re.compile(rf"\bolder\s+than\s+{_A}\b", re.I), "older"),
    (re.compile(rf"\b(?:under|below|younger\s+than)\s+{_A}\b", re.I), "under"),
    (re.compile(rf"\bup\s+to\s+(?:age\s+)?{_A}\b(?!\s*(?:%|days|miles|km))", re.I), "upto"),
    (re.compile(r"\bin\s+their\s+(\d)0s(?:\s+(?:and|&|or|to)\s+(\d)0s)?\b", re.I), "decade"),
    (re.compile(r"\b(\d)0s\s+(?:and|&|to)\s+(\d)0s\b", re.I), "decade"),
]
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6}
DECADE_WORD_RE = re.compile(r"\b(?:in\s+their\s+)?(twenties|thirties|forties|fifties|sixties)"
                            r"(?:\s+(?:and|&|to)\s+(twenties|thirties|forties|fifties|sixties))?\b",
                            re.I)
PERSONAS = [(re.compile(r"\b(?:college|university|uni)\s+students\b|\bstudents\b", re.I), (18, 24)),
            (re.compile(r"\b(?:seniors|retirees|pensioners)\b", re.I), (65, 65)),
            (re.compile(r"\bteens|teenagers\b", re.I), (13, 17)),
            (re.compile(r"\byoung\s+adults\b", re.I), (18, 24))]

WOMEN = re.compile(r"\b(?:women|woman|female|females|ladies|moms|mums|mothers|girls|"
                   r"gals|wives|brides)\b(?!['’])", re.I)
MEN = re.compile(r"\b(?:men|man|male|males|guys|dads|fathers|boys|husbands|grooms|gents)\b"
                 r"(?!['’])", re.I)
ALL_GENDERS = re.compile(r"\b(?:all\s+genders|men\s+and\s+women|women\s+and\s+men|both\s+genders|"
                         r"everyone|any\s+gender)\b", re.I)

# Meta adlocale keys (GET /search?type=adlocale): "(All)" keys for the big languages.
LOCALES = {"english": 1001, "spanish": 1002, "french": 1003, "chinese": 1004,
           "portuguese": 1005, "german": 5, "italian": 10, "dutch": 14, "japanese": 11,
           "korean": 12, "polish": 15, "russian": 17, "turkish": 19, "arabic": 28, "hindi": 46,
           "swedish": 8, "danish": 2, "norwegian": 36, "finnish": 13, "greek": 40,
           "hebrew": 39, "indonesian": 25, "thai": 52, "vietnamese": 27, "tagalog": 26,
           "czech": 32, "romanian": 34, "hungarian": 30, "ukrainian": 52 + 200}
LANG_RE = re.compile(r"\b(" + "|".join(LOCALES) + r")(?:[- ]speaking|\s+speakers?|\s+language"
                     r"(?:\s+speakers)?)\b|\b(?:language|languages|locale)s?\s*[:=]?\s*(" +
                     "|".join(LOCALES) + r")\b|\b(?:speak|speaks)\s+(" + "|".join(LOCALES) + r")\b",
                     re.I)


SPLIT_RE = re.compile(r"\b(?:(?:one|an|a\s+separate)\s+ad\s*set\s+(?:per|for\s+each|each)|"
                      r"separate\s+ad\s*sets\s+(?:per|for(?:\s+each)?)|ad\s*sets?\s+per)\s+"
                      r"(?:age\s+)?(?:group|band|bracket|range|audience)s?\b", re.I)
TEST_RE = re.compile(r"\bvs\.?\b|\bversus\b|a/b|split[- ]test|\btest(?:ing)?\b", re.I)


@dataclass
class Audience:
    """Demographics and placements found in the brief."""

    age_min: int | None = None
    age_max: int | None = None
    genders: list[int] | None = None
    locales: list[int] = field(default_factory=list)
    age_variants: list[tuple[int, int]] = field(default_factory=list)  # "25-34 vs 35-44"
    split_only: bool = False  # "one ad set per age group": separate ad sets, no A/B test
    spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _gen_ages(name: str, today: date) -> tuple[int, int]:
    born_from, born_to = GENERATIONS[name.lower()]
    lo, hi = today.year - born_to, today.year - born_from
    return max(18, lo), min(65, hi)


def find_ages(text: str, today: date) -> Audience:
    """Return ages (and A/B age variants) and genders stated in `text`."""
    a = Audience()
    ranges: list[tuple[int, int, tuple[int, int]]] = []
    for pat, kind in AGE_PATTERNS:
        for m in pat.finditer(text):
            if any(s <= m.start() < e for s, e in a.spans):
                continue
            nums = [int(g) for g in m.groups() if g]
            if not nums:
                continue
            if kind == "range":
                lo, hi = nums[0], nums[1]
                if not (10 <= lo <= 99 and 10 <= hi <= 99) or hi < lo:
                    continue
                tail = text[m.end():m.end() + 12].lower()
                if re.match(r"\s*(?:%|days|miles|mi\b|km|usd|eur|\$|am|pm)", tail):
                    continue
                ranges.append((lo, hi, m.span()))
            elif kind == "min":
                ranges.append((nums[0], 65, m.span()))
            elif kind == "over":
                ranges.append((nums[0], 65, m.span()))
            elif kind == "older":
                ranges.append((nums[0] + 1, 65, m.span()))
            elif kind == "under":
                ranges.append((-1, nums[0] - 1, m.span()))
            elif kind == "upto":
                ranges.append((-1, nums[0], m.span()))
            elif kind == "decade":
                lo = nums[0] * 10
                hi = (nums[1] if len(nums) > 1 else nums[0]) * 10 + 9
                ranges.append((lo, hi, m.span()))
            a.spans.append(m.span())
    for m in DECADE_WORD_RE.finditer(text):
        lo = DECADE_WORDS[m.group(1).lower()] * 10
        hi = DECADE_WORDS[(m.group(2) or m.group(1)).lower()] * 10 + 9
        ranges.append((lo, hi, m.span()))
        a.spans.append(m.span())
    for m in GEN_RE.finditer(text):
        lo, hi = _gen_ages(m.group(1), today)
        ranges.append((lo, hi, m.span()))
        a.spans.append(m.span())
        a.notes.append(f"{m.group(1)} read as ages {lo}-{hi}")
    if not ranges:
        for pat, (lo, hi) in PERSONAS:
            if hit := pat.search(text):
                ranges.append((lo, hi, hit.span()))
                a.spans.append(hit.span())
                break
    full = [(lo, hi) for lo, hi, _ in ranges if lo >= 0]
    split = SPLIT_RE.search(text)
    if split:
        a.spans.append(split.span())
    if len(full) >= 2 and split and not TEST_RE.search(text):
        # Separate audiences the loop may move budget between, without an experiment.
        a.age_variants = [(lo, min(hi, 65)) for lo, hi in full]
        a.split_only = True
        a.age_min = min(lo for lo, _ in full)
        a.age_max = min(65, max(hi for _, hi in full))
    elif len(full) >= 2 and re.search(r"\bvs\.?\b|\bversus\b|\bagainst\b|a/b|split[- ]test|"
                                    r"\btest\b", text, re.I):
        a.age_variants = [(lo, min(hi, 65)) for lo, hi in full]
        a.age_min = min(lo for lo, _ in full)
        a.age_max = min(65, max(hi for _, hi in full))
    elif ranges:
        los = [lo for lo, _, _ in ranges if lo >= 0]
        his = [hi for lo, hi, _ in ranges if hi >= 0]
        a.age_min = min(los) if los else None
        a.age_max = min(65, max(his)) if his else None
        if a.age_min is not None and a.age_max is not None and a.age_max < a.age_min:
            a.age_max = None
    a.genders = find_genders(text)
    return a


def find_genders(text: str) -> list[int] | None:
    """Return [1] (men), [2] (women) or None (all) from the brief."""
    if ALL_GENDERS.search(text):
        return None
    women, men = bool(WOMEN.search(text)), bool(MEN.search(text))
    if women and not men:
        return [2]
    if men and not women:
        return [1]
    return None


def find_locales(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Return Meta locale keys for languages named as audience languages, and spans."""
    keys: list[int] = []
    spans = []
    for m in LANG_RE.finditer(text):
        lang = next(g for g in m.groups() if g).lower()
        if LOCALES[lang] not in keys:
            keys.append(LOCALES[lang])
        spans.append(m.span())
    return keys, spans


PLACEMENT_PATTERNS = [
    ("ig_only", re.compile(r"\b(?:only\s+(?:on\s+)?(?:instagram|ig|insta)|(?:instagram|ig|insta)"
                           r"(?:\s+(?:feeds?|stories|story|reels))?[- ]only|just\s+(?:on\s+)?(?:instagram|insta|ig)|only\s+run\s+on\s+"
                           r"instagram)\b", re.I)),
    ("fb_only", re.compile(r"\b(?:only\s+(?:on\s+)?facebook|facebook[- ]only|just\s+(?:on\s+)?"
                           r"facebook|fb[- ]only)\b", re.I)),
    ("no_an", re.compile(r"\b(?:no|exclude|excluding|without|skip)\s+(?:the\s+)?audience\s+network"
                         r"\b", re.I)),
    ("stories_reels", re.compile(r"\b(?:stories|story)\s+(?:and|&|\+|/)\s+reels\b|\breels\s+(?:and|"
                                 r"&|\+|/)\s+stories\b", re.I)),
    ("reels", re.compile(r"\breels?(?:\s+only|\s+placements?)\b|\bonly\s+(?:on\s+)?reels\b", re.I)),
    ("stories", re.compile(r"\bstories(?:\s+only|\s+placements?)\b|\bonly\s+(?:in\s+)?stories\b|"
                           r"\b(?:instagram|ig|insta)\s+stories\b", re.I)),
    ("feed", re.compile(r"\bfeeds?\s+only\b|\bonly\s+(?:in\s+)?(?:the\s+)?feeds?\b", re.I)),
    ("ig", re.compile(r"\b(?:on|via|through)\s+(?:instagram|insta)\b|\b(?:instagram|insta)\s+ads?\b",
                      re.I)),
    ("fb_ig", re.compile(r"\b(?:facebook|fb)\s+(?:and|&|\+|/)\s+(?:instagram|ig|insta)\b|"
                         r"\b(?:instagram|ig|insta)\s+(?:and|&|\+|/)\s+(?:facebook|fb)\b", re.I)),
    ("mobile", re.compile(r"\bmobile[- ]only\b|\bonly\s+(?:on\s+)?mobile\b", re.I)),
    ("desktop", re.compile(r"\bdesktop[- ]only\b|\bonly\s+(?:on\s+)?desktop\b", re.I)),
]


def find_placements(text: str) -> tuple[dict[str, list[str]], list[tuple[int, int]]]:
    """Return Meta placement keys (publisher_platforms, *_positions, device_platforms)."""
    hits = {name: m for name, pat in PLACEMENT_PATTERNS if (m := pat.search(text))}
    out: dict[str, list[str]] = {}
    platforms: list[str] | None = None
    if "ig_only" in hits or ("ig" in hits and "fb_ig" not in hits and "fb_only" not in hits):
        platforms = ["instagram"]
    elif "fb_only" in hits:
        platforms = ["facebook"]
    elif "fb_ig" in hits or "no_an" in hits:
        platforms = ["facebook", "instagram"]
    positions: dict[str, list[str]] = {}
    if "stories_reels" in hits or ("stories" in hits and "reels" in hits):
        positions = {"facebook_positions": ["story", "facebook_reels"],
                     "instagram_positions": ["story", "reels"]}
    elif "reels" in hits:
        positions = {"facebook_positions": ["facebook_reels"], "instagram_positions": ["reels"]}
    elif "stories" in hits:
        positions = {"facebook_positions": ["story"], "instagram_positions": ["story"]}
    elif "feed" in hits:
        positions = {"facebook_positions": ["feed"], "instagram_positions": ["stream"]}
    if positions:
        platforms = platforms or ["facebook", "instagram"]
        for key, values in positions.items():
            if key.split("_")[0] in platforms:
                out[key] = values
    if platforms:
        out["publisher_platforms"] = platforms
    if "mobile" in hits:
        out["device_platforms"] = ["mobile"]
    elif "desktop" in hits:
        out["device_platforms"] = ["desktop"]
    return out, [m.span() for m in hits.values()]
