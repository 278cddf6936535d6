"""Age statements in a brief, each with its words, before they are settled into ages.

`age_statements(text, today)` returns every phrase that says something about ages, in order:

| kind | examples | bounds |
| --- | --- | --- |
| range | "25-45", "aged 25 to 45", "between 30 and 50", "in their 30s", "30s and 40s" | both |
| min | "18+", "21 and up", "over 30" (30+), "older than 30" (31+), "at least 25" | lower |
| max | "under 35" (up to 34), "younger than 35", "up to 35", "50 or younger" | upper |
| word | "students" 18–24, "young adults" 18–24, "teens" 13–17, "seniors"/"retirees" 65+, | both |
|      | generations (birth years per Pew Research, ages from `today`, clamped to 18–65): | |
|      | gen z 1997–2012, millennials 1981–1996, gen x 1965–1980, boomers 1946–1964 | |

A negation before the phrase turns it around: "nobody under 21" is a lower bound of 21, "no
one older than 40" an upper bound of 40, "not teens" a lower bound of 18 (see `_negate`).
An inverted range ("aged 70-12") is kept with `inverted` set when an age word stands next to
it, so the planner can ask instead of guessing. A gender word right before or after a phrase
("women 18-24", "18-24 year old men") is kept as its `gender`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

GENERATIONS = {"gen z": (1997, 2012), "genz": (1997, 2012), "generation z": (1997, 2012),
               "zoomers": (1997, 2012), "millennials": (1981, 1996), "millenials": (1981, 1996),
               "gen y": (1981, 1996), "gen x": (1965, 1980), "generation x": (1965, 1980),
               "gen xers": (1965, 1980), "boomers": (1946, 1964), "baby boomers": (1946, 1964)}
GEN_RE = re.compile(r"\b(" + "|".join(sorted(GENERATIONS, key=len, reverse=True)) + r")\b", re.I)
# Words that stand for an age group. `lifestyle` words (students, retirees) are not ages: as
# an audience they map to the ages most of them have, but "except students" cannot be said
# in ages, so a negated one is asked about rather than mapped.
PERSONAS: list[tuple[re.Pattern[str], tuple[int, int], bool]] = [
    (re.compile(r"\b(?:(?:college|university|uni|grad)\s+)?students\b|\bcollege\s+kids\b", re.I),
     (18, 24), True),
    (re.compile(r"\b(?:retirees|pensioners)\b", re.I), (65, 65), True),
    (re.compile(r"\b(?:seniors|senior\s+citizens|over[- ]65s)\b", re.I), (65, 65), False),
    (re.compile(r"\b(?:teens|teenagers)\b", re.I), (13, 17), False),
    (re.compile(r"\byoung\s+adults\b", re.I), (18, 24), False),
    (re.compile(r"\b(?:kids|children|minors|under[- ]?18s|under[- ]?age)\b", re.I), (13, 17), False),
]
# "kids" as an audience usually means their parents ("toys for kids"): only a negated
# "no kids" / "no minors" is read (as 18+).
NEGATED_ONLY = {"kids", "children", "minors", "under18s", "under-18s", "under 18s", "underage",
                "under-age"}

_A = r"(\d{2,3})"
_DEC = r"(?:(early|mid|late)[- ]?)?(\d)0['’]?s"  # "late 20s": 27-29
PART = {"early": (0, 3), "mid": (4, 6), "late": (7, 9), None: (0, 9)}
_YO = r"(?:\s*(?:years?[- ]old|y/?o|yrs?(?:\s+old)?|year[- ]olds?))?"
PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b(?:ages?d?\s+(?:of\s+|from\s+|between\s+)?|between\s+(?:the\s+ages\s+of\s+)?"
                rf"|from\s+)?(\d{{1,3}})\s*(?:-|–|—|to|through|thru)\s*{_A}\+?{_YO}(?![\d%])", re.I),
     "range"),
    (re.compile(rf"\bbetween\s+(?:the\s+ages\s+of\s+)?{_A}\s+and\s+{_A}{_YO}\b", re.I), "range"),
    (re.compile(rf"\b(?:ages?d?\s+)?{_A}\s*\+|\b(?:ages?d?\s+)?{_A}{_YO}\s+(?:and|&|or)\s+"
                rf"(?:up|over|older|above)\b|\b(?:at\s+least|minimum\s+age\s+(?:of\s+)?|aged?\s+"
                rf"{_A}\s+plus\b|min(?:imum)?\.?\s+age\s*:?\s*){_A}\b", re.I), "min"),
    (re.compile(rf"\b(?:over|above)(?:\s+|-)(?:the\s+age\s+of\s+|age\s+)?{_A}(?:['’]?s)?\b"
                r"(?!\s*(?:%|k\b))", re.I), "over"),
    (re.compile(rf"\bolder\s+than\s+{_A}\b", re.I), "older"),
    (re.compile(rf"\b(?:under|below|younger\s+than)(?:\s+|-)(?:the\s+age\s+of\s+|age\s+)?{_A}"
                r"(?:['’]?s)?\b"
                r"(?!\s*(?:%|k\b|bucks|dollars|euros|pounds|minutes|mins|seconds|km|miles))",
                re.I), "under"),
    (re.compile(rf"\b{_A}{_YO}\s+(?:or|and)\s+(?:younger|under|below)\b", re.I), "upto"),
    (re.compile(rf"\bup\s+to\s+(?:age\s+|the\s+age\s+of\s+)?{_A}\b(?!\s*(?:%|days|miles|km|"
                r"mi\b|k\b|ads|hours|weeks))", re.I), "upto"),
    (re.compile(rf"\b(?:in\s+their\s+)?{_DEC}\s+(?:and|&|to|or|-|through)\s+{_DEC}\b", re.I),
     "decade"),
    (re.compile(rf"\bin\s+their\s+{_DEC}\b|\b(?:(\d)0[- ]somethings?)\b", re.I), "decade"),
]
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6}
_DW = r"(?:(early|mid|late)[- ]?)?(twenties|thirties|forties|fifties|sixties)"  # "late twenties"
DECADE_WORD_RE = re.compile(rf"\b(?:in\s+their\s+)?{_DW}(?:\s+(?:and|&|to|or|-|through)\s+{_DW})?\b"
                            r"|\b(twenty|thirty|forty|fifty|sixty)[- ]?somethings?\b", re.I)
SOMETHING = {"twenty": "twenties", "thirty": "thirties", "forty": "forties", "fifty": "fifties",
             "sixty": "sixties"}
# Words next to a bare number range that make it an age ("kids 10-17", "aged 70-12").
AGE_CUE_BEFORE = re.compile(r"\b(?:ages?d?|between|people|women|men|females?|males?|adults|"
                            r"folks|kids|children|teens|teenagers|users|audience|demo(?:graphic)?|"
                            r"guys|girls|boys|moms|dads|parents|customers|buyers)\W{0,3}$", re.I)
AGE_CUE_AFTER = re.compile(r"^\W{0,2}(?:years?|yrs?|y/?o\b|year[- ]olds?)", re.I)
NOT_AN_AGE_AFTER = re.compile(r"^\s*(?:%|percent|days?|weeks?|months?|hours?|hrs?\b|h\b|mins?|"
                              r"minutes?|miles?|mi\b|km|kms|usd|eur|gbp|\$|€|£|am\b|pm\b|k\b|"
                              r"x\b|[ap]\.m\.|cm\b|mm\b|kg\b|lbs?\b|inch|in\.|ft\b|sq|gb\b|"
                              r"tb\b|pcs|pieces|units|items|guests|seats|people\b|persons|"
                              r"employees|staff|rooms)", re.I)
NOT_AN_AGE_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:usd|eur|gbp|cad|aud)\s?)$|\b(?:jan|feb|mar|"
                               r"apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$|"
                               r"\b(?:sizes?|size\s+range|pages?|models?|nos?\.|"
                               r"numbers?|rooms?|bedrooms?|chapters?|episodes?|seats?|#)\s*:?\s*$",
                               re.I)
# A plural noun after a bound counts things ("over 50 stores"); these words still mean people.
COUNTED = re.compile(r"\s+(?!(?:years|yrs|olds|and|or|only|in|who|please|pls|across|near|with|"
                     r"from|women|men|guys|girls|boys|folks|adults|moms|dads|parents|ladies|"
                     r"gents|customers|users|shoppers|buyers|homeowners|professionals|singles|"
                     r"couples|students|seniors)\b)[a-z]{3,}s\b", re.I)
# A negation reaching the age phrase: "nobody under 21", "no one older than 40", "not for
# anyone under 18", "don't show it to people over 60", "exclude teens", "except students".
NEGATION = re.compile(
    r"(?:\b(?:no|not|nobody|none|never|exclude|excluding|excluded|except|without|minus|skip|"
    r"avoid|no[- ]one|not\s+for|but\s+not|other\s+than|aside\s+from|leave\s+out|keep\s+out)"
    r"|\b(?:don'?t|do\s+not|dont|won'?t)\s+(?:show|target|want|include|reach|serve)"
    r"(?:\s+(?:it|this|them|ads?|the\s+ads?))?(?:\s+to)?)"
    r"(?:\s+(?:anyone|anybody|one|people|folks|users|those|customers|the|any|ads?|to|for|"
    r"who(?:'s|\s+is|\s+are)?|that(?:'s|\s+is|\s+are)?|is|are|aged?|showing|shown|targeting|"
    r"of))*\s*:?\s*$", re.I)  # "actually no, men": a "no," is an answer, not a negation
NEGATED_LIST = re.compile(r"\s*(?:,|/|&|\bor\b|\bnor\b|\band\b)\s*(?:(?:or|and|no|any|the)\s+)*",
                          re.I)
GENDER_WORD = re.compile(r"\b(women|woman|females?|ladies|girls|moms|mums|mothers|men|man|"
                         r"males?|guys|boys|dads|fathers|gents)\b(?!['’])", re.I)
WOMEN_WORDS = {"women", "woman", "female", "females", "ladies", "girls", "moms", "mums",
               "mothers"}


@dataclass
class AgeStatement:
    """One phrase about ages: its bounds (None = not said), where it is, and how it reads."""

    lo: int | None
    hi: int | None
    start: int
    end: int
    phrase: str
    kind: str  # range, min, max, word, generation
    negated: bool = False
    inverted: bool = False  # "aged 70-12": an age phrase whose range runs backwards
    lifestyle: bool = False  # "students", "retirees": a group, not an age
    gender: int | None = None  # "women 18-24" → 2
    how: str = ""  # the pattern that read it: over, older, under, upto, plus, ...

    @property
    def full(self) -> bool:
        """Whether the phrase names both ends (a range an ad set can target on its own)."""
        return self.lo is not None and self.hi is not None and not self.negated


def _gen_ages(name: str, today: date) -> tuple[int, int]:
    born_from, born_to = GENERATIONS[name.lower()]
    lo, hi = today.year - born_to, today.year - born_from
    return max(18, lo), min(65, hi)


def _negated(text: str, start: int) -> int | None:
    """Return where a negation reaching `start` begins, or None."""
    m = NEGATION.search(text[max(0, start - 45):start])
    return max(0, start - 45) + m.start() if m else None


def _gender_near(text: str, start: int, end: int) -> int | None:
    before = re.search(r"\b(\w+)\s*(?:aged?\s+|ages\s+)?$", text[max(0, start - 16):start])
    after = re.match(r"^\s*(?:years?[- ]old\s+|year[- ]olds?\s+|y/?o\s+)?(\w+)", text[end:end + 20])
    for m in (before, after):
        if m and (g := GENDER_WORD.fullmatch(m.group(1))):
            return 2 if g.group(1).lower() in WOMEN_WORDS else 1
    return None


def _numeric(text: str) -> list[AgeStatement]:
    out: list[AgeStatement] = []
    taken: list[tuple[int, int]] = []
    for pat, kind in PATTERNS:
        for m in pat.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            nums = [int(g) for g in m.groups() if g and g.isdigit()]
            if not nums or any(n > 120 for n in nums):
                continue
            after, before = text[m.end():m.end() + 12], text[max(0, m.start() - 12):m.start()]
            if NOT_AN_AGE_AFTER.match(after) or NOT_AN_AGE_BEFORE.search(before):
                continue
            if kind not in ("range", "decade") and COUNTED.match(text[m.end():m.end() + 25]):
                continue  # "over 50 stores", "20+ flavours": a count, not an age
            cue = bool(AGE_CUE_BEFORE.search(text[max(0, m.start() - 20):m.start()]) or
                       AGE_CUE_AFTER.match(after) or re.match(r"(?i)ages?d?\b|between",
                                                               m.group(0)))
            phrase = m.group(0).strip()
            if kind == "range":
                lo, hi = nums[0], nums[1]
                if (hi < lo or lo < 13) and not cue:
                    continue  # "10-12", "45-30" with no age word next to them: not ages
                if lo < 10 and not cue:
                    continue
                st = AgeStatement(lo, hi, *m.span(), phrase, "range", inverted=hi < lo)
            elif kind == "decade":
                g = [x.lower() if x and not x.isdigit() else x for x in m.groups()]
                if len(g) == 3:  # "in their late 20s" / "30-somethings"
                    g = [g[0], g[1] or g[2], None, None]
                first, last = (g[0], g[1]), (g[2], g[3]) if g[3] else (g[0], g[1])
                lo = int(first[1]) * 10 + PART[first[0]][0]
                hi = int(last[1]) * 10 + PART[last[0]][1]
                st = AgeStatement(lo, hi, *m.span(), phrase, "range")
            elif kind in ("min", "over", "older"):
                n = nums[0] + (1 if kind == "older" else 0)
                if n < 13 and not cue:
                    continue
                st = AgeStatement(n, None, *m.span(), phrase, "min", how=kind)
            else:
                n = nums[0] - (1 if kind == "under" else 0)
                if n < 13 and not cue:
                    continue
                st = AgeStatement(None, n, *m.span(), phrase, "max", how=kind)
            taken.append(m.span())
            out.append(st)
    for m in DECADE_WORD_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        p1, d1, p2, d2, some = (g.lower() if g else None for g in m.groups())
        d1 = d1 or SOMETHING[some or ""]
        lo = DECADE_WORDS[d1] * 10 + PART[p1][0]
        hi = DECADE_WORDS[d2 or d1] * 10 + PART[p2 if d2 else p1][1]
        out.append(AgeStatement(lo, hi, *m.span(), m.group(0).strip(), "range"))
    return out


def _negate(st: AgeStatement) -> AgeStatement | None:
    """Turn an excluded phrase into the bound it leaves; None when it leaves a hole."""
    lo, hi = st.lo, st.hi
    if st.kind == "min" and lo is not None:
        # "no one over 50" keeps 50 (marketing "over 50" is 50+, the speaker means "not past
        # 50"); "no one older than 40" (read as 41+) and "not 65+" keep up to one below.
        keep = lo if st.how == "over" else lo - 1
        return AgeStatement(None, keep, st.start, st.end, st.phrase, "max", negated=True)
    if st.kind == "max" and hi is not None:  # "nobody under 21" → 21+
        return AgeStatement(hi + 1, None, st.start, st.end, st.phrase, "min", negated=True)
    if lo is not None and hi is not None:
        if lo <= 18:  # "not teens", "no 18-24s": everyone older
            return AgeStatement(max(hi + 1, 18), None, st.start, st.end, st.phrase, "min",
                                negated=True)
        if hi >= 65:  # "no retirees 65+": everyone younger
            return AgeStatement(None, lo - 1, st.start, st.end, st.phrase, "max", negated=True)
    return None


def age_statements(text: str, today: date) -> tuple[list[AgeStatement], list[AgeStatement]]:
    """Return (statements in order, negated phrases that leave a hole and cannot be targeted).

    A negated statement's span starts at its negation ("nobody under 21"), so the negation
    words are understood with it.
    """
    found = _numeric(text)
    taken = [(s.start, s.end) for s in found]
    for m in GEN_RE.finditer(text):
        lo, hi = _gen_ages(m.group(1), today)
        found.append(AgeStatement(lo, hi, *m.span(), m.group(0), "generation"))
    for pat, (lo, hi), lifestyle in PERSONAS:
        for m in pat.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            word = re.sub(r"\s+", " ", m.group(0).lower())
            if word in NEGATED_ONLY and _negated(text, m.start()) is None:
                continue
            found.append(AgeStatement(lo, hi, *m.span(), m.group(0), "word",
                                      lifestyle=lifestyle))
    out: list[AgeStatement] = []
    holes: list[AgeStatement] = []
    prev_negated_end: int | None = None
    for st in sorted(found, key=lambda s: s.start):
        st.gender = _gender_near(text, st.start, st.end)
        neg_at = _negated(text, st.start)
        if neg_at is None and prev_negated_end is not None and \
                NEGATED_LIST.fullmatch(text[prev_negated_end:st.start]):
            neg_at = st.start  # "no teens or seniors": the negation reaches the whole list
        if neg_at is None:
            out.append(st)
            prev_negated_end = None
            continue
        st.start = neg_at
        st.phrase = text[neg_at:st.end].strip()
        turned = None if st.lifestyle else _negate(st)
        (out if turned else holes).append(turned or st)
        prev_negated_end = st.end
    return out, holes
