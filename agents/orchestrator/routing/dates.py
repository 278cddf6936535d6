"""Date phrases of a question → a `DateRange` (a Meta preset or since/until) and a comparison.

evals/README.md "Units and words": "last week" = `last_week_mon_sun`; "last/past 7 days",
"past week", "week over week" = `last_7d`; "past fortnight" = `last_14d`; "this week", "since
Monday" = `this_week_mon_today`; the current month's name or "this month" = `this_month`; the
month before or "last month" = `last_month`; "since launch", "lifetime" = `maximum`; "the
weekend" = the last Saturday–Sunday; anything else (other "last N days", other months, "3/1-3/14",
"01.03.–14.03.", "March 1-14", "first two weeks of March", ISO ranges) is `since`/`until`.
A comparison ("vs the previous 7", "vs the day before", "vs the same days last week") sets
`compare_previous` and its own dates are not the range.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS |= {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
MONTHS |= {"sept": 9, "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6,
           "juli": 7, "oktober": 10, "dezember": 12, "janvier": 1, "février": 2, "fevrier": 2,
           "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8, "septembre": 9,
           "octobre": 10, "novembre": 11, "décembre": 12, "enero": 1, "febrero": 2, "marzo": 3,
           "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9,
           "octubre": 10, "noviembre": 11, "diciembre": 12, "março": 3, "fevereiro": 2,
           "janeiro": 1, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "dezembro": 12,
           "maio": 5, "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
           "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
           "settembre": 9, "ottobre": 10, "dicembre": 12}
MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
NUM = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1}

COMPARE = re.compile(
    r"\b(?:vs\.?|versus|compar(?:ed?|es|ing)\s+(?:to|with)|against|relative\s+to|than|side\s+by\s+"
    r"side\s+with|next\s+to|alongside)\s+(?:the\s+|that\s+)?"
    r"(?:previous|prior|preceding|last|same|day\s+before|week\s+before|period\s+before|one\s+before|"
    r"before|earlier)\b[^,.;?!—]*|"
    r"\b(?:week|day|month)[- ]over[- ](?:week|day|month)\b|\bwow\b|\bdod\b|\bmom\b|"
    r"\bvs\.?\s+(?:last|previous|prior)\s+(?:week|month|period)\b|"
    r"\b(?:vorher(?:ige[nr]?)?|vorwoche|précédente?|anterior)\b", re.I)
PRESETS: list[tuple[str, str]] = [
    ("maximum", r"since\s+(?:it\s+)?(?:launch(?:ed)?|(?:it\s+)?(?:started|began|went\s+live))|"
                r"since\s+the\s+start|lifetime|all[- ]time|ever\b|since\s+day\s+one"),
    ("this_week_mon_today", r"this\s+week|since\s+monday|week\s+to\s+date|wtd|so\s+far\s+this\s+week"),
    ("this_month", r"this\s+month|month\s+to\s+date|mtd|so\s+far\s+this\s+month"),
    ("last_month", r"last\s+month|previous\s+month|past\s+calendar\s+month"),
    ("last_30d", r"(?:last|past|previous)\s+(?:30|thirty)\s+days|last\s+30d|l30d|past\s+month"),
    ("last_week_mon_sun", r"last\s+week|previous\s+week|the\s+week\s+before\s+this"),
    ("last_14d", r"(?:last|past|previous)\s+(?:14\s+days|fortnight|two\s+weeks|2\s+weeks)|"
                 r"last\s+14d"),
    ("last_7d", r"(?:last|past|previous)\s+(?:7|seven)\s+days|past\s+week|last\s+7d|l7d|"
                r"week[- ]over[- ]week|\bwow\b"),
    ("last_3d", r"(?:last|past|previous)\s+(?:3|three)\s+days|last\s+3d"),
    ("last_28d", r"(?:last|past|previous)\s+28\s+days|last\s+28d"),
    ("yesterday", r"yesterday"),
    ("today", r"today|so\s+far\s+today"),
]
PRESET_RES = [(p, re.compile(rf"\b(?:{r})\b", re.I)) for p, r in PRESETS]
LAST_N = re.compile(r"\b(?:last|past|previous)\s+(\d+|two|three|four|five|six)\s*(days?|d|weeks?)\b",
                    re.I)
WEEKEND = re.compile(r"\b(?:the|this|last|over\s+the)\s+weekend\b|\bweekend\b", re.I)
ISO_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*(?:to|until|till|through|-|–|—|and)\s*"
                       r"(\d{4}-\d{2}-\d{2})", re.I)
SLASH_RANGE = re.compile(r"\b(\d{1,2})/(\d{1,2})\s*(?:-|–|to|until|through)\s*(\d{1,2})/(\d{1,2})\b")
DOT_RANGE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.?\s*(?:-|–|—|to|bis|au|al)\s*(\d{1,2})\.(\d{1,2})\.?")
MONTH_DAYS = re.compile(rf"\b({MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to|until|till|"
                        rf"through|and)\s*(?:the\s+)?"
                        rf"(?:({MONTH})\.?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b", re.I)
DAYS_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th|\.)?\s*(?:-|–|—|to|until|till|through|bis|au|al|"
                        rf"and|y|e|et|und|en|a|t/m)\s*(?:the\s+|el\s+|le\s+|il\s+|o\s+|den\s+|dem\s+)?"
                        rf"(\d{{1,2}})(?:st|nd|rd|th|\.|er|º)?\s+(?:of\s+|de\s+|di\s+)?({MONTH})\b", re.I)
SINCE_DAY = re.compile(r"\bsince\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[a-z]{3})",
                       re.I)
_DAY = r"(\d{1,2})(?:st|nd|rd|th|\.)?"
_ON = rf"(?:{_DAY}\s+(?:of\s+)?({MONTH})|({MONTH})\.?\s+{_DAY})"  # 12 March | March 12
DATE_TO_DATE = re.compile(rf"\b{_DAY}\s+(?:of\s+)?({MONTH})\.?\s*(?:-|–|—|to|until|till|through|"
                          rf"and|bis)\s*(?:the\s+)?{_DAY}\s+(?:of\s+)?({MONTH})\b", re.I)
SINCE_DATE = re.compile(rf"\b(?:since|from|starting|after)\s+(?:the\s+)?{_ON}\b", re.I)
ON_DATE = re.compile(rf"\b(?:on|for)\s+(?:the\s+)?{_ON}\b", re.I)
FIRST_WEEKS = re.compile(rf"\bfirst\s+(\w+)\s+weeks?\s+of\s+({MONTH})\b", re.I)
MONTH_ALONE = re.compile(rf"\b(?:in\s+|for\s+|during\s+)?({MONTH})\b(?!\s*\d)", re.I)


def _iso(d: date) -> str:
    return d.isoformat()


def _year(month: int, today: date) -> int:
    return today.year if month <= today.month else today.year - 1


def _month_range(month: int, today: date) -> dict[str, Any]:
    if month == today.month:
        return {"preset": "this_month"}
    if month == (today.month - 2) % 12 + 1:
        return {"preset": "last_month"}
    y = _year(month, today)
    return {"since": _iso(date(y, month, 1)),
            "until": _iso(date(y, month, calendar.monthrange(y, month)[1]))}


def _span(m1: int, d1: int, m2: int, d2: int, today: date) -> dict[str, Any] | None:
    try:
        y = _year(m1, today)
        return {"since": _iso(date(y, m1, d1)), "until": _iso(date(_year(m2, today), m2, d2))}
    except ValueError:
        return None


def _one_day(m: re.Match[str], today: date) -> str | None:
    """Return the ISO date of an `_ON` match (day and month in either order), or None."""
    day, month = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
    try:
        mo = MONTHS[month.lower()]
        return _iso(date(_year(mo, today), mo, int(day)))
    except (KeyError, ValueError):
        return None


def _explicit(text: str, today: date) -> dict[str, Any] | None:
    if m := ISO_RANGE.search(text):
        return {"since": m.group(1), "until": m.group(2)}
    if m := SLASH_RANGE.search(text):  # US month/day
        return _span(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)), today)
    if m := DOT_RANGE.search(text):  # European day.month.
        return _span(int(m.group(2)), int(m.group(1)), int(m.group(4)), int(m.group(3)), today)
    if m := DATE_TO_DATE.search(text):  # 3 March to 10 March
        return _span(MONTHS[m.group(2).lower()], int(m.group(1)), MONTHS[m.group(4).lower()],
                     int(m.group(3)), today)
    if m := MONTH_DAYS.search(text):
        m1 = MONTHS[m.group(1).lower()]
        m2 = MONTHS[m.group(3).lower()] if m.group(3) else m1
        return _span(m1, int(m.group(2)), m2, int(m.group(4)), today)
    if m := DAYS_MONTH.search(text):
        mo = MONTHS[m.group(3).lower()]
        return _span(mo, int(m.group(1)), mo, int(m.group(2)), today)
    if m := SINCE_DATE.search(text):  # since 10 March: through today
        found = _one_day(m, today)
        return {"since": found, "until": _iso(today)} if found else None
    if m := ON_DATE.search(text):  # on 12 March: that day
        found = _one_day(m, today)
        return {"since": found, "until": found} if found else None
    if re.search(r"\b(?:ytd|year\s+to\s+date|this\s+year|so\s+far\s+this\s+year)\b", text, re.I):
        return {"since": _iso(today.replace(month=1, day=1)), "until": _iso(today)}
    if (m := SINCE_DAY.search(text)) and 1 <= int(m.group(1)) <= today.day:
        return {"since": _iso(today.replace(day=int(m.group(1)))), "until": _iso(today)}
    if m := FIRST_WEEKS.search(text):
        n = NUM.get(m.group(1).lower()) or (int(m.group(1)) if m.group(1).isdigit() else 1)
        mo = MONTHS[m.group(2).lower()]
        return _span(mo, 1, mo, min(7 * n, calendar.monthrange(_year(mo, today), mo)[1]), today)
    return None


def read_dates(text: str, today: date) -> tuple[dict[str, Any] | None, bool]:
    """Return (the `date_range` dict or None when no period is named, compare_previous)."""
    compare = bool(COMPARE.search(text))
    rest = COMPARE.sub(" ", text)
    if compare and re.search(r"\bweek[- ]over[- ]week\b|\bwow\b", text, re.I):
        return {"preset": "last_7d"}, True
    if found := _explicit(rest, today):
        return found, compare
    hits = [(m.start(), p) for p, pat in PRESET_RES if (m := pat.search(rest))]
    if m := LAST_N.search(rest):
        n = NUM.get(m.group(1).lower()) or int(m.group(1)) if not m.group(1).isdigit() \
            else int(m.group(1))
        days = n * (7 if m.group(2).lower().startswith("w") else 1)
        preset = {3: "last_3d", 7: "last_7d", 14: "last_14d", 28: "last_28d", 30: "last_30d"}.get(days)
        if preset is None:
            return {"since": _iso(today - timedelta(days=days)),
                    "until": _iso(today - timedelta(days=1))}, compare
        hits.append((m.start(), preset))
    if hits:
        return {"preset": min(hits)[1]}, compare
    if WEEKEND.search(rest):
        sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)
        return {"since": _iso(sunday - timedelta(days=1)), "until": _iso(sunday)}, compare
    if m := MONTH_ALONE.search(rest):
        word = m.group(1).lower()
        if word not in ("may", "mar", "jun", "jan", "dec", "sep", "oct", "nov", "aug", "apr",
                        "feb", "jul") or m.group(0)[:1].isupper() or m.group(0).lower().startswith(("in ", "for ", "during ")):
            return _month_range(MONTHS[word], today), compare
    return None, compare


__all__ = ["read_dates"]
