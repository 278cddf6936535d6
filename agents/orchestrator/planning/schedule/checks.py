"""Checks on the dates a brief states: pick one of several, and ask about the ones that cannot be.

Used by `parse_time.find_schedule`: a later date with a correction cue replaces an earlier one
(an `Adjustment` says so), two different dates are a conflict question, and impossible, past or
ambiguous dates are invalid or ambiguous questions naming the phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from agents.orchestrator.planning import SPEND, Adjustment, Question
from agents.orchestrator.planning.schedule.dates import DateRead


@dataclass
class Findings:
    """What a parser could not settle (asked) and what it changed on its own (shown)."""

    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


@dataclass
class Said:
    """One start or end date as stated, with where it stood in the brief."""

    read: DateRead
    pos: int
    cue: bool = False
    match: re.Match[str] | None = None  # an end's match, read again from the start's date


def flag(field_: str, question: str, kind: str, phrase: str) -> Question:
    """Return a question about the schedule (it changes what is spent)."""
    return Question(field_, question, kind, phrase, SPEND)  # type: ignore[arg-type]


def pick(said: list[Said], what: str, s: Findings) -> Said | None:
    """Pick one date from several: a corrected one wins; two different ones are asked."""
    strong = [x for x in said if not x.read.immediate] or said
    standing: list[Said] = []
    for x in strong:
        if x.cue and standing and not any(_same(x.read, o.read) for o in standing):
            was = " and ".join(f"‘{o.read.phrase}’" for o in standing)
            s.adjustments.append(Adjustment(
                f"{what}_time", " / ".join(o.read.phrase for o in standing), x.read.phrase,
                f"later ‘{x.read.phrase}’ overrides earlier {was}"))
            standing = [x]
        elif not any(_same(x.read, o.read) for o in standing):
            standing.append(x)
    if len(standing) > 1:
        a, b = standing[0].read, standing[1].read
        s.flags.append(flag(f"{what}_date", f"The brief gives two {what} dates, ‘{a.phrase}’ and "
                             f"‘{b.phrase}’ — which one? (e.g. '{what} date: {b.phrase}')",
                             "conflict", f"{a.phrase} … {b.phrase}"))
        return None
    return standing[0] if standing else None


def _same(a: DateRead, b: DateRead) -> bool:
    return a.value == b.value and a.readings == b.readings and a.problem == b.problem


def check(read: DateRead | None, what: str, today: date, s: Findings) -> date | None:
    """Return the date's value, or None with an invalid/ambiguous flag."""
    if read is None:
        return None
    if read.problem:
        s.flags.append(flag(f"{what}_date", f"{read.problem} — which {what} date did you mean?",
                             "invalid", read.phrase))
        return None
    if read.readings:
        future = [d for d in read.readings if d >= today]
        if len(future) != 1:
            one, two = read.readings
            s.flags.append(flag(f"{what}_date", f"Is ‘{read.phrase}’ {one:%-d %B} or {two:%B %-d}? "
                                 f"(e.g. '{what} date: {one:%-d %B %Y}')", "ambiguous", read.phrase))
            return None
        read.value = future[0]
    if read.past(today) and not (what == "start" and read.immediate):
        s.flags.append(flag(f"{what}_date", f"‘{read.phrase}’ is in the past (today is "
                             f"{today:%-d %B %Y}) — when should the campaign {what}? (e.g. "
                             f"'{what} date: {today + timedelta(days=7):%B %-d}')", "invalid",
                             read.phrase))
    return read.value


def one_duration(durations: list[tuple[int, str]], s: Findings) -> int | None:
    """Return the one duration the brief states (None when none, or two that differ: asked)."""
    values = list(dict.fromkeys(d for d, _ in durations))
    if len(values) > 1:
        a = next(p for d, p in durations if d == values[0])
        b = next(p for d, p in durations if d == values[1])
        s.flags.append(flag("end_date", f"The brief gives two durations, ‘{a}’ and ‘{b}’ — "
                             "which one?", "conflict", f"{a} … {b}"))
        return None
    return values[0] if values else None
