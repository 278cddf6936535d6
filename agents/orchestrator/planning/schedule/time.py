"""Find the schedule in a brief: start date, end date (exclusive) and duration, or what to ask.

Relative to `today`: "for two weeks", "14-day", "20 days," as a list item, "from March 3 to March
17", "Mar 3-17", "3–17 March", "Apr 15 – May 3", "starting next Monday", "until end of month",
"until the end of February", "through Dec 24", "this weekend", "for the month of April", "for
the rest of March", ISO
and numeric dates (`parse_dates`: the order follows the account's country). End dates are
inclusive in speech ("until the 17th" runs through the 17th), so the end returned is the
following midnight. With a duration or an end but no start, the campaign starts tomorrow.

What it cannot plan it asks (`flags`), never corrects: an impossible date, a date in the past,
an end before the start, a numeric date both ways possible, two different start or end dates,
a duration that disagrees with the dates ("for 2 weeks, until March 31"). A later date with a
correction cue ("actually start March 10", an appended "start date: March 10" answer) replaces
the earlier one, and the card says so (`adjustments`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from agents.orchestrator.planning import Adjustment
from agents.orchestrator.planning.cues import CORRECTION_CUE
from agents.orchestrator.planning.schedule.checks import (
    Findings,
    Said,
    check,
    flag,
    one_duration,
    pick,
)
from agents.orchestrator.planning.schedule.dates import (
    MONTH_WORD,
    MONTHS,
    DateRead,
    date_alts,
    month_day,
    month_end,
    next_weekday,
    resolve,
)
from agents.orchestrator.planning.schedule.unread import unread_starts

NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "sixty": 60,
                "ninety": 90, "couple": 2, "a couple of": 2, "couple of": 2}
_NW = r"(?:\d+|a couple of|couple of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|" \
      r"twelve|fourteen|fifteen|twenty|thirty|sixty|ninety)"
UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "fortnight": 14}

# What a start verb acts on: "start it tomorrow", "launch the ads on the 20th".
OBJECT = r"(?:it|them|this|these|that|everything|(?:the|our|my|this|these|those)\s+(?:whole\s+)?" \
         r"(?:ads?|campaigns?|ad\s+sets?|promo(?:tion)?s?|sale|thing|push|flight))"
START_CUE = rf"(?:(?:start|launch|go[- ]live|live|kick[- ]?off)\s+(?:date|day)(?:\s+(?:is|will\s+be|" \
            rf"should\s+be|of))?|(?:(?:start|begin|launch|run)(?:s|es|ning|ing)?\s+{OBJECT}" \
            rf"|kick(?:s|ing)?\s+{OBJECT}\s+off|(?:start|begin)(?:s|ning|ing)?\s+(?:running|" \
            rf"delivering|serving|showing)(?:\s+{OBJECT})?)(?:\s+(?:up|running|live))?(?:\s+on)?|" \
            r"start(?:s|ing)?(?:\s+on)?|from|beginning|begin(?:ning)?|launch(?:ing)?(?:\s+on)?|" \
            r"go(?:es|ing)?\s+live(?:\s+on)?|kick(?:ing)?\s+off(?:\s+on)?|live\s+from|as\s+of|w/c|" \
            r"week\s+(?:commencing|of))"
# What ends the ads: "until", "ends on", and the verbs people use ("wrap up on the 30th",
# "finish on Nov 20", "switch it off on the 28th", "take it down Dec 1", "last day is the 22nd").
_END_OBJ = r"(?:\s+(?:it|them|this|things|everything|the\s+(?:ads?|campaign|promo|sale)))?"
END_CUE = r"(?:until|till|til|through|thru|to|ending(?:\s+on)?|ends?(?:\s+on)?|end\s+date|" \
          r"stop(?:ping)?(?:\s+on)?|up\s+to|by|" \
          rf"(?:end|stop|finish|pull|kill)(?:s|es|ing|ping)?{_END_OBJ}(?:\s+up)?(?:\s+on)?|" \
          rf"wrap(?:s|ping)?{_END_OBJ}\s+up(?:\s+on)?|clos(?:e|es|ing){_END_OBJ}\s+out(?:\s+on)?|" \
          rf"(?:switch|turn|shut)(?:s|es|ing)?{_END_OBJ}\s+off(?:\s+on)?|" \
          rf"tak(?:e|es|ing){_END_OBJ}\s+down(?:\s+on)?|last\s+day(?:\s+(?:is|will\s+be))?|" \
          r"(?:run|running|runs|live)\s+(?:up\s+)?(?:until|till|til|through|thru|to))"
RANGE = re.compile(rf"(?:{START_CUE}\s+|between\s+)?(?:the\s+)?(?:{date_alts('a')})\s*(?:-|–|—|to|"
                   rf"until|till|through|thru|and)\s*(?:the\s+)?(?:{date_alts('b')})", re.I)
SHORT_RANGE_MD = re.compile(rf"(?P<m>{MONTH_WORD})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to|"
                            rf"through|until)\s*(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*[/:])",
                            re.I)
SHORT_RANGE_DM = re.compile(rf"\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to)\s*(?P<d2>\d{{1,2}})"
                            rf"(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH_WORD})", re.I)
START = re.compile(rf"{START_CUE}\s*[:=]?\s+(?:on\s+)?(?:the\s+)?(?:{date_alts('a')})", re.I)
END = re.compile(rf"{END_CUE}\s*[:=]?\s+(?:and\s+including\s+|the\s+)?(?:{date_alts('a')})",
                 re.I)
DURATION = re.compile(rf"(?:\b(?:for|over|across|during|lasting|runs?|running|run\s+it|"
                      rf"flight\s+of)\s+(?:the\s+)?(?:next\s+|first\s+|whole\s+|full\s+)?"
                      rf"(?P<n>{_NW})[\s-]+(?P<u>day|week|wk|month|fortnight)s?\b"
                      rf"|\b(?P<n2>\d+|two|three|four|six|ten|fourteen|thirty)[\s-]+(?P<u2>day|"
                      rf"week|month)s?[\s-]+(?:campaign|run|flight|promo|push|sprint|test|burst|"
                      rf"sale|blitz|window|schedule)\b"
                      rf"|(?:^|(?<=[,;\n•(])|(?<=[.!]\s))\s*(?P<n3>\d+|two|three|four|five|six|seven|ten|"
                      rf"fourteen|thirty)[\s-]+(?P<u3>day|week|month)s?(?=\s*(?:[,;.)\n]|$)|\s+(?:long\s+)?"
                      rf"(?:starting|from|beginning|commencing|kicking\s+off|as\s+of)\b))"
                      rf"(?!\s+(?:of\s+)?(?:free|trial|return))", re.I)
FORTNIGHT = re.compile(r"\b(?:for|over)\s+(?:a|the\s+next)\s+fortnight\b", re.I)
NEXT_PERIOD = re.compile(r"\b(?P<arel>next\s+(?:week|month))\b", re.I)
WEEKEND = re.compile(r"\b(?P<w>this|next|over\s+the|for\s+the)\s+weekend\b", re.I)
WHOLE_MONTH = re.compile(rf"\b(?:(?:for|during|throughout|over|in)\s+the\s+(?:whole\s+|entire\s+)?"
                         rf"month\s+of|(?:for|during|throughout)(?:\s+all\s+of)?|all(?:\s+of)?)"
                         rf"\s+(?P<m>{MONTH_WORD})(?!\s*\d)\b", re.I)
# "for the rest of March", "the remainder of the month", "rest of this week": an end.
REST = re.compile(rf"\b(?:for\s+|through\s+|thru\s+|over\s+)?(?:the\s+)?(?:rest|remainder|balance)\s+"
                  rf"of\s+(?:the\s+|this\s+)?(?:(?P<u>month|week|year)|(?P<m>{MONTH_WORD}))\b", re.I)
OPEN = re.compile(r"\b(?:ongoing|evergreen|always[- ]on|no\s+end\s+date|indefinitely|"
                  r"open[- ]ended|until\s+(?:further\s+notice|i\s+stop\s+it|paused))\b", re.I)
CUE_BEFORE = re.compile(rf"(?:{CORRECTION_CUE}|\n\s*(?:start|end)(?:\s+date)?\s*[:=])"
                        r"[^.\n]{0,25}$", re.I)
LONGEST_WRAP = 183  # a yearless end before its start is next year's only within half a year


@dataclass
class Schedule(Findings):
    """What the brief says about timing, and what it could not settle (`flags`, `adjustments`)."""

    start: date | None = None
    end: date | None = None  # exclusive
    days: int | None = None
    open_ended: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)


def _n(text: str) -> int:
    t = text.lower().strip()
    return int(t) if t.isdigit() else NUMBER_WORDS.get(t, 0)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _end_after(m: re.Match[str], p: str, start: date | None, today: date,
               order: str) -> DateRead | None:
    """Resolve an end date: a yearless end is the first such day on or after the start."""
    end = resolve(m, p, today, order, end=True)
    if end is None or start is None or end.value is None:
        return end
    if not end.year_given:
        again = resolve(m, p, start, order, end=True)
        if again is not None and again.value is not None:
            end = again
        wrapped = _in_year(end.value, end.value.year + 1) if end.value else None
        if end.value is not None and wrapped and end.value < start and \
                (wrapped - start).days <= LONGEST_WRAP:
            end.value = wrapped
    return end


def _in_year(d: date, year: int) -> date | None:
    try:
        return d.replace(year=year)
    except ValueError:  # February 29
        return None


def _start_in_end_year(start: DateRead, end: DateRead) -> None:
    """"between March 1 and March 10 2027": a yearless start takes the end's year."""
    if start.value and end.value and end.year_given and not start.year_given:
        moved = _in_year(start.value, end.value.year)
        if moved is not None and moved > end.value:
            moved = _in_year(moved, moved.year - 1)
        start.value = moved or start.value


def _stated(text: str, today: date, order: str, s: Schedule) -> tuple[list[Said], list[Said]]:
    """Every start and end date the brief states, in order."""
    starts: list[Said] = []
    ends: list[Said] = []
    taken: list[tuple[int, int]] = []
    for m in RANGE.finditer(text):
        a = resolve(m, "a", today, order)
        b = _end_after(m, "b", a.value if a else None, today, order)
        if a and b:
            _start_in_end_year(a, b)
        starts += [Said(a, m.start())] if a else []
        ends += [Said(b, m.start())] if b else []
        taken.append(m.span())
    for pat in (SHORT_RANGE_MD, SHORT_RANGE_DM):
        for m in pat.finditer(text):
            if _inside(m.start(), taken):
                continue
            month = MONTHS[m.group("m").lower()[:3]]
            a = month_day(today, month, int(m.group("d1")), m.group(0))
            starts.append(Said(a, m.start()))
            if a.value:
                ends.append(Said(month_day(a.value, month, int(m.group("d2")), m.group(0)), m.start()))
            taken.append(m.span())
    for m in REST.finditer(text):
        if not _inside(m.start(), taken):
            ends.append(Said(DateRead(_rest_end(m, today), m.group(0).strip()), m.start()))
            s.spans.append(m.span())
    for pat, into in ((START, starts), (END, ends)):
        for m in pat.finditer(text):
            if _inside(m.start(), taken) or _inside(m.end() - 1, taken):
                continue
            read = resolve(m, "a", today, order, end=into is ends)
            if read is not None:
                into.append(Said(read, m.start(), match=m if into is ends else None))
                s.spans.append(m.span())
    s.spans += taken
    for said in starts + ends:
        said.cue = bool(CUE_BEFORE.search(text[max(0, said.pos - 40):said.pos + 12]))
    return sorted(starts, key=lambda x: x.pos), sorted(ends, key=lambda x: x.pos)


def _rest_end(m: re.Match[str], today: date) -> date:
    """Return the last day of "the rest of" a period: this month, week, year, or a named month."""
    unit = (m.group("u") or "").lower()
    if unit == "week":
        return next_weekday(today, "sunday", strict=False)
    if unit == "year":
        return date(today.year, 12, 31)
    if unit == "month":
        return month_end(today)
    first = date(today.year, MONTHS[m.group("m").lower()[:3]], 1)
    return month_end(first if month_end(first) >= today else first.replace(year=first.year + 1))


def _durations(text: str, s: Schedule) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for m in FORTNIGHT.finditer(text):
        out.append((14, m.group(0).strip()))
        s.spans.append(m.span())
    for m in DURATION.finditer(text):
        n, unit = next((m.group(a), m.group(b)) for a, b in (("n", "u"), ("n2", "u2"), ("n3", "u3"))
                       if m.group(a))
        days = _n(n) * UNIT_DAYS[unit.lower()]
        if days:
            out.append((days, m.group(0).strip(" ,;")))
            s.spans.append(m.span())
    return out


def find_schedule(text: str, today: date, *, us_dates: bool = True,
                  order: str | None = None) -> Schedule:
    """Return the schedule stated in `text` (all fields None when it says nothing).

    `order` is how numeric dates read ("mdy", "dmy", "ask"; see `parse_dates.date_order`);
    without it `us_dates` picks month-first or day-first.
    """
    order = order or ("mdy" if us_dates else "dmy")
    s = Schedule()
    starts, ends = _stated(text, today, order, s)
    start_said, end_said = pick(starts, "start", s), pick(ends, "end", s)
    start_read = start_said.read if start_said else None
    if end_said and end_said.match and start_read and start_read.value:  # "from Dec 20 … until Jan 4"
        end_said.read = _end_after(end_said.match, "a", start_read.value, today, order) or \
            end_said.read
    end_read = end_said.read if end_said else None
    start = check(start_read, "start", today, s)
    end = check(end_read, "end", today, s)
    if start is None and not starts:
        if m := NEXT_PERIOD.search(text):
            start = resolve(m, "a", today, order).value  # type: ignore[union-attr]
            s.spans.append(m.span())
    if m := WHOLE_MONTH.search(text):
        if m.group("m").lower() != "may" or m.group("m") == "May":  # "for may" is a verb
            first = date(today.year, MONTHS[m.group("m").lower()[:3]], 1)
            if month_end(first) < today:
                first = first.replace(year=first.year + 1)
            if start is None and end is None and not starts and not ends:
                start, end = max(first, today), month_end(first)
            s.spans.append(m.span())
    if m := WEEKEND.search(text):
        if start is None and not starts:
            start = next_weekday(today, "saturday", strict=False)
            if m.group("w").lower() == "next":
                start += timedelta(days=7)
            end = end or start + timedelta(days=1)
        s.spans.append(m.span())
    durations = _durations(text, s)
    days = None
    if durations and end is not None and any(x and x.cue for x in (start_said, end_said)):
        # a corrected or answered date ("end date: April 10") settles the length too
        was = " / ".join(dict.fromkeys(p for _, p in durations))
        s.adjustments.append(Adjustment("end_time", was, end_read.phrase if end_read else str(end),
                                        f"the later dates override earlier ‘{was}’"))
    else:
        days = one_duration(durations, s)
    if days and end is None and (start is not None or not starts):  # not when the start is asked
        start = start or today + timedelta(days=1)
        end = start + timedelta(days=days - 1)
    elif days and end is not None and not s.flags:
        first = start or today + timedelta(days=1)
        stated = (end - first).days + 1
        if abs(stated - days) > 1:
            phrase = next(p for d, p in durations if d == days)
            dates = " to ".join(f"‘{r.phrase}’" if r else "tomorrow" for r in (start_read, end_read))
            s.flags.append(flag("end_date", f"‘{phrase}’ is {days} days but {dates} is "
                                 f"{stated} days — which is right? (e.g. 'end date: "
                                 f"{first + timedelta(days=days - 1):%B %-d}')", "conflict",
                                 f"{phrase} … {dates.replace('‘', '').replace('’', '')}"))
    if OPEN.search(text):
        s.open_ended = True
        s.spans += [m.span() for m in OPEN.finditer(text)]
    if end is not None and start is None:
        start = today + timedelta(days=1)
    if start is not None and start == today:
        start = None if end is None else today
    if start is not None and end is not None and end < start and not s.flags:
        s.flags.append(flag("end_date", f"The end ‘{end_read.phrase if end_read else end}’ is "
                             f"before the start ‘{start_read.phrase if start_read else start}’ — "
                             "which dates did you mean?", "invalid",
                             end_read.phrase if end_read else str(end)))
    asked, spans = unread_starts(text, s.spans)  # "start it after Easter": asked, not dropped
    s.flags += asked
    s.spans += spans
    s.start = start
    s.end = end + timedelta(days=1) if end is not None else None
    if s.start and s.end and s.end > s.start:
        s.days = (s.end - s.start).days
    return s
