"""Find the schedule in a brief: start date, end date (exclusive) and duration.

Relative to `today`: "for two weeks", "14-day", "from March 3 to March 17", "Mar 3-17",
"3–17 March", "starting next Monday", "until end of month", "through Dec 24", "this weekend",
ISO dates and numeric dates (month/day for USD accounts, day/month otherwise, unless the first
number is over 12). A date without a year is the next such date on or after today. End dates
are inclusive in speech ("until the 17th" runs through the 17th), so the end returned is the
following midnight. With a duration or an end but no start, the campaign starts tomorrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WD = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60,
                "ninety": 90, "couple": 2, "a couple of": 2, "couple of": 2}
_NW = r"(?:\d+|a couple of|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|" \
      r"twelve|fourteen|fifteen|twenty|thirty|sixty|ninety)"
UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "fortnight": 14}

_DAY = r"(?P<P_d>\d{1,2})(?:st|nd|rd|th)?"
DATE_MD = r"(?P<P_m>" + _MON + r")\s+" + _DAY + r"(?:,?\s+(?P<P_y>\d{4}))?"
DATE_DM = _DAY.replace("P_d", "P_dd") + r"\s+(?:of\s+)?(?P<P_dm>" + _MON + \
    r")(?:,?\s+(?P<P_dy>\d{4}))?"
ISO = r"(?P<P_iso>\d{4}-\d{2}-\d{2})"
NUMERIC = r"(?P<P_n1>\d{1,2})/(?P<P_n2>\d{1,2})(?:/(?P<P_ny>\d{2,4}))?"
RELWD = r"(?P<P_next>next\s+|this\s+|coming\s+)?(?P<P_wd>" + _WD + r")\b"
REL = r"(?P<P_rel>today|tomorrow|now|asap|right away|immediately|next week|next month|" \
      r"(?:the\s+)?end of (?:the\s+|this\s+)?month|(?:the\s+)?end of (?:the\s+|this\s+)?week)"


def _date_alts(p: str) -> str:
    return "|".join(x.replace("P_", p) for x in (ISO, DATE_MD, DATE_DM, NUMERIC, REL, RELWD))


START_CUE = r"(?:start\s+date|start(?:s|ing)?(?:\s+on)?|from|beginning|begin(?:ning)?|launch(?:ing)?(?:\s+on)?|" \
            r"go(?:ing)?\s+live(?:\s+on)?|kick(?:ing)?\s+off(?:\s+on)?|live\s+from|as\s+of)"
END_CUE = r"(?:until|till|til|through|thru|to|ending(?:\s+on)?|ends?(?:\s+on)?|end\s+date|" \
          r"stop(?:ping)?(?:\s+on)?|up\s+to|by)"
RANGE = re.compile(rf"(?:{START_CUE}\s+|between\s+)?(?:{_date_alts('a')})\s*(?:-|–|—|to|until|till|"
                   rf"through|thru|and)\s*(?:{_date_alts('b')})", re.I)
SHORT_RANGE_MD = re.compile(rf"(?P<m>{_MON})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to|"
                            rf"through|until)\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[/:])",
                            re.I)
SHORT_RANGE_DM = re.compile(rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to)\s*(?P<d2>\d{{1,2}})"
                            rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MON})", re.I)
START = re.compile(rf"{START_CUE}\s*[:=]?\s+(?:on\s+)?(?:{_date_alts('a')})", re.I)
END = re.compile(rf"{END_CUE}\s*[:=]?\s+(?:and\s+including\s+|the\s+)?(?:{_date_alts('a')})",
                 re.I)
DURATION = re.compile(rf"(?:\b(?:for|over|across|during|lasting|runs?|running|run\s+it|"
                      rf"flight\s+of)\s+(?:the\s+)?(?:next\s+|first\s+|whole\s+|full\s+)?"
                      rf"(?P<n>{_NW})[\s-]+(?P<u>day|week|wk|month|fortnight)s?\b"
                      rf"|\b(?P<n2>\d+|two|three|four|six|ten|fourteen|thirty)[\s-]+(?P<u2>day|"
                      rf"week|month)s?[\s-]+(?:campaign|run|flight|promo|push|sprint|test|burst|"
                      rf"sale|blitz|window|schedule)\b)(?!\s+(?:of\s+)?(?:free|trial|return))",
                      re.I)
FORTNIGHT = re.compile(r"\b(?:for|over)\s+(?:a|the\s+next)\s+fortnight\b", re.I)
NEXT_PERIOD = re.compile(r"\b(?P<arel>next\s+(?:week|month))\b", re.I)
WEEKEND = re.compile(r"\b(?:this|next|over\s+the|for\s+the)\s+weekend\b", re.I)
OPEN = re.compile(r"\b(?:ongoing|evergreen|always[- ]on|no\s+end\s+date|indefinitely|"
                  r"open[- ]ended|until\s+(?:further\s+notice|i\s+stop\s+it|paused))\b", re.I)


@dataclass
class Schedule:
    """What the brief says about timing."""

    start: date | None = None
    end: date | None = None  # exclusive
    days: int | None = None
    open_ended: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)


def _n(text: str) -> int:
    t = text.lower().strip()
    return int(t) if t.isdigit() else NUMBER_WORDS.get(t, 0)


def _next_weekday(today: date, name: str, strict: bool = True) -> date:
    idx = next(i for i, w in enumerate(WEEKDAYS) if w.startswith(name.lower()[:3]))
    delta = (idx - today.weekday()) % 7
    return today + timedelta(days=delta or (7 if strict else 0))


def _resolve(m: re.Match[str], p: str, today: date, us: bool, is_end: bool) -> date | None:
    g = {k[len(p):]: v for k, v in m.groupdict().items() if k.startswith(p) and v}
    for short in ("d", "m", "y"):  # day-month dates use their own group names
        if f"d{short}" in g:
            g[short] = g.pop(f"d{short}")
    if "iso" in g:
        return date.fromisoformat(g["iso"])
    if "m" in g and "d" in g:
        month = MONTHS[g["m"].lower()[:3]]
        year = int(g["y"]) if "y" in g else today.year
        try:
            d = date(year, month, int(g["d"]))
        except ValueError:
            return None
        return d if "y" in g or d >= today else d.replace(year=year + 1)
    if "n1" in g:
        a, b = int(g["n1"]), int(g["n2"])
        month, day = (a, b) if (us and a <= 12) or b > 12 else (b, a)
        year = int(g["ny"]) if "ny" in g else today.year
        year += 2000 if year < 100 else 0
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        return d if "ny" in g or d >= today else d.replace(year=year + 1)
    if "rel" in g:
        rel = g["rel"].lower()
        if rel in ("today", "now", "asap", "right away", "immediately"):
            return today
        if rel == "tomorrow":
            return today + timedelta(days=1)
        if rel == "next week":
            return _next_weekday(today, "monday")
        if rel == "next month":
            return (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        if "month" in rel:
            return (today.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return _next_weekday(today, "sunday", strict=False)
    if "wd" in g:
        return _next_weekday(today, g["wd"])
    return None


def find_schedule(text: str, today: date, *, us_dates: bool = True) -> Schedule:
    """Return the schedule stated in `text` (all fields None when it says nothing)."""
    s = Schedule()
    start = end = None
    if m := RANGE.search(text):
        start = _resolve(m, "a", today, us_dates, False)
        end = _resolve(m, "b", today, us_dates, True)
        if start and end and end < start and end.replace(year=end.year + 1) >= start:
            end = end.replace(year=end.year + 1)
        s.spans.append(m.span())
    elif m := SHORT_RANGE_MD.search(text) or SHORT_RANGE_DM.search(text):
        month = MONTHS[m.group("m").lower()[:3]]
        start = _resolve_simple(today, month, int(m.group("d1")))
        end = _resolve_simple(start or today, month, int(m.group("d2")))
        s.spans.append(m.span())
    else:
        if m := START.search(text):
            start = _resolve(m, "a", today, us_dates, False)
            s.spans.append(m.span())
        if m := END.search(text):
            end = _resolve(m, "a", start or today, us_dates, True)
            s.spans.append(m.span())
    if start is None and (m := NEXT_PERIOD.search(text)):
        start = _resolve(m, "a", today, us_dates, False)
        s.spans.append(m.span())
    if m := WEEKEND.search(text):
        if start is None:
            start = _next_weekday(today, "saturday", strict=False)
            end = start + timedelta(days=1)
        s.spans.append(m.span())
    if start is None and end is None or (start is not None and end is None):
        days = None
        if m := FORTNIGHT.search(text):
            days = 14
            s.spans.append(m.span())
        elif m := DURATION.search(text):
            n, unit = (m.group("n"), m.group("u")) if m.group("n") else (m.group("n2"), m.group("u2"))
            days = _n(n) * UNIT_DAYS[unit.lower()]
            s.spans.append(m.span())
        if days:
            start = start or today + timedelta(days=1)
            end = start + timedelta(days=days - 1)
    if OPEN.search(text):
        s.open_ended = True
    if end is not None and start is None:
        start = today + timedelta(days=1)
    if start is not None and start == today:
        start = None if end is None else today
    s.start = start
    s.end = end + timedelta(days=1) if end is not None else None
    if s.start and s.end:
        s.days = (s.end - s.start).days
    return s


def _resolve_simple(today: date, month: int, day: int) -> date | None:
    try:
        d = date(today.year, month, day)
    except ValueError:
        return None
    return d if d >= today else d.replace(year=today.year + 1)
