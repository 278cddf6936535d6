"""Read one date: the grammar of dates in briefs and how each resolves against today.

Forms: ISO ("2026-04-15", "2026/04/15"), month names ("April 15th", "Apr 15, 2026", "15th of
April", "Monday, March 16", "15 Apr '26"), numeric dates ("15/04/2026", "15.04.2026",
"15-04-26", "03/04"), relative words ("today", "tomorrow", "next week", "next month", "end of
the month", "month-end", "end of next month", "end of February"), weekdays ("Monday", "next
Friday"), a weekday with its day of the month ("Sunday the 22nd", "Mon 16th": the day
decides, a weekday that does not fall on it is reported) and shopping holidays ("Black Friday",
"Cyber Monday", "the day after Thanksgiving", "Christmas Eve": US Thanksgiving).

Numeric dates follow the account's country: month first for USD, PHP and the East-Asian
currencies (JPY, CNY, KRW, TWD), day first elsewhere; a number over 12 settles it either way;
CAD (Canada writes both) is asked when both readings are real dates. A date without a year is
its next occurrence — unless it was at most three months ago ("Feb 20" on March 2): that is a
date in the past, and the planner asks instead of moving it a year. Impossible dates ("Feb 30",
"31/02/2026") are reported, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
MONTH_WORD = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WD = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_YEAR = r"(?:\d{4}|'\d{2})"
_DAY = r"(?P<P_d>\d{1,2}(?:st|nd|rd|th)?)"
_WDP = r"(?:(?P<P_wdp>" + _WD + r")\.?,?\s+(?:the\s+)?)?"
DATE_MD = _WDP + r"(?P<P_m>" + MONTH_WORD + r")\s+" + _DAY + r"\b(?:,?\s+(?P<P_y>" + _YEAR + r"))?"
DATE_DM = _WDP.replace("P_wdp", "P_wdq") + _DAY.replace("P_d", "P_dd") + \
    r"\s+(?:of\s+)?(?P<P_dm>" + MONTH_WORD + r")(?:,?\s+(?P<P_dy>" + _YEAR + r"))?"
ISO = r"(?P<P_iso>\d{4}[-/]\d{1,2}[-/]\d{1,2})"
NUMERIC = (r"\b(?P<P_n1>\d{1,2})(?P<P_sep>[/.-])(?P<P_n2>\d{1,2})(?P=P_sep)(?P<P_ny>\d{4}|\d{2})\b"
           r"|\b(?P<P_s1>\d{1,2})/(?P<P_s2>\d{1,2})\b(?![/.]?\d)"  # no year: slashes,
           r"|\b(?P<P_t1>\d{1,2})\.(?P<P_t2>\d{1,2})\.(?![\d.])")  # or "15.04." with its dot
REL = (r"(?P<P_rel>today|tomorrow|tmrw|tmr|tmw|2morrow|tomm?orr?ow|yesterday|now|asap|right away|immediately|next week|next month|"
       r"(?:the\s+)?end of next month|(?:the\s+)?end of (?:the\s+|this\s+)?month|month[- ]end|"
       r"(?:the\s+)?end of (?:the\s+|this\s+)?week)")
EOM = r"(?P<P_eomx>(?:the\s+)?end\s+of\s+(?P<P_eom>" + MONTH_WORD + r")(?:\s+(?P<P_eomy>\d{4}))?)"
RELWD = r"(?P<P_next>next\s+|this\s+|coming\s+|last\s+)?(?P<P_wd>" + _WD + r")\b"
# "the 20th": the next such day of a month (only after a start/end cue or in a range)
ORDINAL = (r"(?:the\s+)?(?P<P_od>\d{1,2})(?:st|nd|rd|th)(?:(?:\s+of)?\s+(?P<P_onx>next|this|the\s+"
           r"following)\s+month\b)?(?=\s*(?:[,.;:!?)\-–—\n]|$|and\b|to\b|through\b|thru\b|"
           r"until\b|till\b|for\b|please\b|pls\b|then\b|at\b|with\b|but\b|if\b|so\b))")
# "sunday the 22nd", "Mon 16th": the day of the month decides, the weekday is checked against it
WD_ORD = (r"(?P<P_owd>" + _WD + r")\.?,?\s+(?:the\s+)?(?P<P_wod>\d{1,2}(?:st|nd|rd|th))\b"
          r"(?:(?:\s+of)?\s+(?P<P_wonx>next|this|the\s+following)\s+month\b)?")
# Shopping holidays: "through Black Friday", "the day after Thanksgiving" (US Thanksgiving).
HOLIDAY = (r"(?P<P_hoff>(?:the\s+)?day\s+(?:after|before)\s+)?(?P<P_hol>black\s+friday|cyber\s+monday|"
           r"thanksgiving(?:\s+day)?|christmas\s+eve|christmas(?:\s+day)?|xmas(?:\s+eve|\s+day)?|"
           r"boxing\s+day|new\s+year'?s\s+eve|new\s+year'?s(?:\s+day)?|halloween|"
           r"valentine'?s(?:\s+day)?)\b")
IN_N = r"in\s+(?P<P_inn>\d+|an?|one|two|three|four)\s+(?P<P_inu>days?|weeks?)\b"
# "through April", "from June": the month's last day as an end, its first as a start
MONTH_ONLY = (r"(?P<P_mo>january|february|march|april|may|june|july|august|september|october|"
              r"november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?"
              r"(?:\s+(?P<P_moy>\d{4}))?(?=\s*(?:[,.;:!?)\n]|$|and\b|to\b|through\b|thru\b|"
              r"until\b|till\b|for\b|[-–—]\s*\D))")
IMMEDIATE = {"today", "now", "asap", "right away", "immediately"}
PAST_WINDOW = 92  # a yearless date at most this many days ago is a past date, not next year's


def date_order(currency: str) -> str:
    """Return how numeric dates are read in an account: "mdy", "dmy", or "ask" (both in use)."""
    cur = currency.upper()
    if cur in {"USD", "PHP", "JPY", "CNY", "KRW", "TWD"}:
        return "mdy"
    return "ask" if cur == "CAD" else "dmy"


def date_alts(p: str) -> str:
    """Return the regex alternatives of one date, its groups prefixed with `p`."""
    return "|".join(x.replace("P_", p) for x in (ISO, DATE_MD, DATE_DM, NUMERIC, EOM, REL, WD_ORD,
                                                 HOLIDAY, RELWD, ORDINAL, IN_N, MONTH_ONLY))


@dataclass
class DateRead:
    """One date as the brief states it: its value, or why it has none."""

    value: date | None
    phrase: str
    problem: str | None = None  # "is not a date", "is a Tuesday, not a Monday"
    readings: tuple[date, date] | None = None  # an ambiguous numeric date's two readings
    year_given: bool = False
    immediate: bool = False  # today / now / asap

    def past(self, today: date) -> bool:
        """Tell whether the date is before today."""
        return self.value is not None and self.value < today


def next_weekday(today: date, name: str, strict: bool = True) -> date:
    """Return the next date with the weekday `name` (today itself too unless `strict`)."""
    idx = next(i for i, w in enumerate(WEEKDAYS) if w.startswith(name.lower()[:3]))
    delta = (idx - today.weekday()) % 7
    return today + timedelta(days=delta or (7 if strict else 0))


def _year(raw: str) -> int:
    y = int(raw.lstrip("'"))
    return y + 2000 if y < 100 else y


def _yearless(today: date, month: int, day: int) -> date | str:
    """Return the next such date, or this year's when it was at most `PAST_WINDOW` days ago."""
    try:
        d = date(today.year, month, day)
    except ValueError:
        try:  # Feb 29: the next leap year's
            return date(today.year + 1, month, day) if (today.year + 1) % 4 == 0 else \
                f"{MONTH_NAMES[month - 1]} has no day {day}"
        except ValueError:
            return f"{MONTH_NAMES[month - 1]} has no day {day}"
    if d >= today or (today - d).days <= PAST_WINDOW:
        return d
    try:
        return d.replace(year=today.year + 1)
    except ValueError:
        return f"{MONTH_NAMES[month - 1]} {day} does not exist next year"


def month_day(today: date, month: int, day: int, phrase: str) -> DateRead:
    """Read a yearless month and day ("Mar 3" of "Mar 3-17") as `resolve` would."""
    out = _ymd(None, month, day, today)
    if isinstance(out, str):
        return DateRead(None, phrase, f"‘{phrase}’ is not a date: {out}")
    return DateRead(out, phrase)


def _ymd(year: int | None, month: int, day: int, today: date) -> date | str:
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year is None:
        return _yearless(today, month, day)
    try:
        return date(year, month, day)
    except ValueError:
        return f"{MONTH_NAMES[month - 1]} {year} has no day {day}"


def resolve(m: re.Match[str], p: str, today: date, order: str, *,
            end: bool = False) -> DateRead | None:
    """Resolve the date whose groups start with `p` in `m` (None when that part is absent).

    `end`: the date ends the campaign (a month alone is then its last day, else its first).
    """
    g = {k[len(p):]: v for k, v in m.groupdict().items() if k.startswith(p) and v}
    for short, alias in (("d", "dd"), ("m", "dm"), ("y", "dy"), ("wdp", "wdq"), ("n1", "s1"),
                         ("n2", "s2"), ("n1", "t1"), ("n2", "t2"), ("od", "wod"),
                         ("onx", "wonx")):  # each form names its groups
        if alias in g:
            g[short] = g.pop(alias)
    if g.get("mo") == "may" or g.get("mo", "").lower() == "mar" and "moy" not in g:
        return None  # "may" the verb, "mar" the word
    if "hol" in g:
        day = holiday(g["hol"], today) + timedelta(days=(g.get("hoff", "").lower().count("after")
                                                         - g.get("hoff", "").lower().count("before")))
        return DateRead(day, _phrase(m, p))
    if "od" in g or "inn" in g or "mo" in g:
        if "od" in g:  # "16th" of "Mon 16th"
            g["od"] = g["od"].rstrip("stndrh")
        loose = _loose(g, _phrase(m, p), today, end)
        if loose and loose.value and "owd" in g and \
                not WEEKDAYS[loose.value.weekday()].startswith(g["owd"].lower()[:3]):
            loose.problem = (f"‘{loose.phrase}’: {loose.value:%B} {loose.value.day}, "
                             f"{loose.value.year} is a {WEEKDAYS[loose.value.weekday()].title()}")
        return loose
    phrase = _phrase(m, p)
    out: date | str | None = None
    readings = None
    if "iso" in g:
        y, mo, d = (int(x) for x in re.split(r"[-/]", g["iso"]))
        out = _ymd(y, mo, d, today)
    elif "m" in g and "d" in g:
        out = _ymd(_year(g["y"]) if "y" in g else None, MONTHS[g["m"].lower()[:3]],
                   int(g["d"].rstrip("stndrh")), today)
    elif "n1" in g:
        a, b = int(g["n1"]), int(g["n2"])
        year = _year(g["ny"]) if "ny" in g else None
        if a > 12 or (order == "dmy" and b <= 12):
            out = _ymd(year, b, a, today)
        elif b > 12 or order == "mdy" or a == b:
            out = _ymd(year, a, b, today)
        else:  # Canada: 03/04 is 3 April or March 4
            dm, md = _ymd(year, b, a, today), _ymd(year, a, b, today)
            if isinstance(dm, date) and isinstance(md, date):
                readings = (dm, md)
            out = dm if isinstance(dm, date) else md
    elif "eom" in g:
        month = MONTHS[g["eom"].lower()[:3]]
        first = _ymd(int(g["eomy"]) if "eomy" in g else None, month, 1, today)
        if isinstance(first, date):
            out = month_end(first)
    elif "rel" in g:
        out = _relative(g["rel"].lower(), today)
    elif "wd" in g and g.get("next", "").strip().lower() == "last":
        out = next_weekday(today, g["wd"], strict=False) - timedelta(days=7)  # in the past
    elif "wd" in g:
        out = next_weekday(today, g["wd"])
    if out is None:
        return None
    if isinstance(out, str):
        return DateRead(None, phrase, f"‘{phrase}’ is not a date: {out}")
    read = DateRead(out, phrase, readings=readings,
                    year_given=any(k in g for k in ("y", "ny", "iso", "eomy")),
                    immediate="rel" in g and g["rel"].lower() in IMMEDIATE)
    if "wdp" in g and not WEEKDAYS[out.weekday()].startswith(g["wdp"].lower()[:3]):
        read.problem = (f"‘{phrase}’: {out:%B} {out.day}, {out.year} is a "
                        f"{WEEKDAYS[out.weekday()].title()}")
    return read


def _loose(g: dict[str, str], phrase: str, today: date, end: bool) -> DateRead | None:
    """Resolve a day of the month alone ("the 20th"), "in two weeks", a month alone ("April")."""
    if "od" in g:
        day = int(g["od"])
        if not 1 <= day <= 31:
            return DateRead(None, phrase, f"‘{phrase}’ is not a date: no month has day {day}")
        # The next such day on the account's clock: this month's, else next month's ("of
        # next month": next month's). A month without that day is asked, never skipped.
        first = today.replace(day=1)
        if g.get("onx", "this").lower() != "this" or ("onx" not in g and day < today.day):
            first = (first + timedelta(days=31)).replace(day=1)
        try:
            d = first.replace(day=day)
        except ValueError:
            return DateRead(None, phrase, f"‘{phrase}’: {first:%B} has no day {day}")
        return DateRead(d, phrase)
    if "inn" in g:
        n = int(g["inn"]) if g["inn"].isdigit() else \
            {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}[g["inn"].lower()]
        return DateRead(today + timedelta(days=n * (7 if g["inu"].startswith("w") else 1)), phrase)
    month = MONTHS[g["mo"].lower()[:3]]
    opening = _ymd(int(g["moy"]) if "moy" in g else None, month, 1, today)
    if not isinstance(opening, date):
        return None
    if "moy" not in g and month_end(opening) < today:
        opening = opening.replace(year=opening.year + 1)
    last = month_end(opening)
    if end:
        return DateRead(last, phrase, year_given="moy" in g)
    if opening < today <= last:  # "from March" in March: from now
        return DateRead(today, phrase, immediate=True)
    return DateRead(opening, phrase, year_given="moy" in g)


def holiday(name: str, today: date) -> date:
    """Return the next date of a shopping holiday ("Black Friday": the day after US Thanksgiving)."""
    key = re.sub(r"\s+", " ", name.lower().replace("'", "").replace("xmas", "christmas"))

    def on(year: int) -> date:
        nov1 = date(year, 11, 1)
        thanksgiving = nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 21)  # 4th Thursday
        fixed = {"christmas eve": (12, 24), "boxing day": (12, 26), "new years eve": (12, 31),
                 "halloween": (10, 31)}
        if key.startswith("thanksgiving"):
            return thanksgiving
        if key == "black friday":
            return thanksgiving + timedelta(days=1)
        if key == "cyber monday":
            return thanksgiving + timedelta(days=4)
        if key.startswith("valentine"):
            return date(year, 2, 14)
        if key.startswith("new year") and key != "new years eve":
            return date(year, 1, 1)
        month, day = fixed.get(key, (12, 25))
        return date(year, month, day)

    this = on(today.year)
    return this if this >= today else on(today.year + 1)


def month_end(d: date) -> date:
    """Return the last day of `d`'s month."""
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _relative(rel: str, today: date) -> date:
    if rel in IMMEDIATE:
        return today
    if rel.startswith(("tm", "2m", "tom")):  # tomorrow, tmrw, 2morrow, tommorow
        return today + timedelta(days=1)
    if rel == "yesterday":
        return today - timedelta(days=1)
    if rel == "next week":
        return next_weekday(today, "monday")
    if rel == "next month":
        return (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    if "next month" in rel:  # "the end of next month"
        return month_end(today.replace(day=1) + timedelta(days=32))
    if "month" in rel:
        return month_end(today)
    return next_weekday(today, "sunday", strict=False)


def _phrase(m: re.Match[str], p: str) -> str:
    spans = [m.span(k) for k, v in m.groupdict().items() if k.startswith(p) and v]
    if not spans:
        return m.group(0).strip()
    return m.string[min(s for s, _ in spans):max(e for _, e in spans)].strip(" ,")
