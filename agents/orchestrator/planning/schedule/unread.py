"""Start and end phrases the schedule could not read: asked, never ignored.

"start it after Easter", "go live sometime mid-April", "launch the ads for the new collection on
the 20th", "start it at 9am": a start word ("start", "begin", "launch", "go live", "kick off",
"commence") and, in the same clause a few words on, a date-ish word ("Easter", "the 20th",
"next week", "9am", a weekday, a month) that no date pattern took. The plan would start on
approval while the person asked for a date, so the phrase is asked about, naming it. A date-ish
word must follow the verb or its object directly, or a preposition ("on", "in", "after" …), so
"the launch of our March collection" is no start date. End words ("wrap it up sometime after
thanksgiving", "stop it mid-December") are read the same way and asked as the end date.
"""

from __future__ import annotations

import re

from agents.orchestrator.planning import Question
from agents.orchestrator.planning.schedule.checks import flag
from agents.orchestrator.planning.schedule.dates import MONTH_WORD

START_WORD = re.compile(r"\b(?:start(?:s|ed|ing)?|begin(?:s|ning)?|launch(?:es|ed|ing)?|"
                        r"go(?:es|ing)?\s+live|kick(?:s|ed|ing)?|commenc(?:e|es|ing))\b", re.I)
# The same for the end: "wrap it up sometime after thanksgiving", "stop it mid-December".
END_WORD = re.compile(r"\b(?:end(?:s|ing)?|stop(?:s|ping)?|finish(?:es|ing)?|wrap(?:s|ping)?|"
                      r"clos(?:e|es|ing)|switch(?:es|ing)?\s+(?:it\s+|them\s+)?off|turn(?:s|ing)?\s+"
                      r"(?:it\s+|them\s+)?off|tak(?:e|es|ing)\s+(?:it|them)\s+down|pull(?:s|ing)?|"
                      r"pause(?:s|ing)?|kill(?:s|ing)?|run(?:s|ning)?\s+(?:it\s+)?(?:until|till|til|"
                      r"through|thru))\b", re.I)
_ASK = {"start_date": "When should the ads start? (e.g. 'start date: March 20')",
        "end_date": "When should the ads stop? (e.g. 'end date: March 31')"}
_OBJ = (r"it|them|this|these|that|everything|off|up|running|(?:(?:the|our|my|this|these|those)"
        r"\s+)?(?:whole\s+)?(?:ads?|campaigns?|ad\s+sets?|promo(?:tion)?s?|thing)")
# A date-ish word: what a person writes when they mean a day or a time.
DATEISH = re.compile(
    rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)\b|\b(?:the\s+)?(?:day|week|month)\s+after\s+(?:next|"
    rf"tomorrow)\b|\b(?:today|tonight|tomorrow|tmrw|yesterday|noon|midnight|asap|"
    rf"(?:mon|tues|wednes|thurs|fri|satur|sun)days?|weekend|{MONTH_WORD}|"
    rf"easter|christmas|xmas|thanksgiving|black\s+friday|cyber\s+monday|new\s+year'?s?|"
    rf"(?:memorial|labou?r|valentine'?s|mother'?s|father'?s|boxing|independence)\s+day|"
    rf"(?:next|this|coming|following)\s+(?:week|month|year|spring|summer|fall|autumn|winter)|"
    rf"q[1-4]|(?:mid|early|late)[- ]\w+|end\s+of\s+\w+)\b"
    rf"|\b\d{{1,2}}(?::\d{{2}})?\s*(?:am|pm)\b|\b\d{{1,2}}[/.-]\d{{1,2}}\b|"
    rf"\bin\s+(?:\d+|an?|one|two|three|four|a\s+few|a\s+couple\s+of)\s+(?:days?|weeks?|months?)\b",
    re.I)
LEAD = re.compile(rf"^(?:\s+(?:{_OBJ}))*\s*$|\b(?:on|in|at|from|by|around|after|before|"
                  r"about|once|sometime|some\s+time|starting|approx(?:imately)?|roughly|say|"
                  r"maybe|probably|until|til|till)\s+$|\b(?:date|day)\s*(?:(?:is|will\s+be|should"
                  r"\s+be|of)\s+|[:=]\s*)$", re.I)
CLAUSE_END = re.compile(r"[.;!?\n,]|\s[-–—]\s")


def unread_starts(text: str, read: list[tuple[int, int]]) -> tuple[list[Question],
                                                                      list[tuple[int, int]]]:
    """Return a question for each start phrase whose date no pattern read, and its span."""
    flags: list[Question] = []
    spans: list[tuple[int, int]] = []
    words = [(m, "start_date") for m in START_WORD.finditer(text)]
    words += [(m, "end_date") for m in END_WORD.finditer(text)]
    for m, field_ in words:
        stop = CLAUSE_END.search(text, m.end())
        clause = text[m.end():stop.start() if stop else len(text)]
        d = next((d for d in DATEISH.finditer(clause) if len(clause[:d.start()].split()) <= 7
                  and LEAD.search(clause[:d.start()])), None)
        if d is None or (d.group(0).lower() == "may" and d.group(0) != "May"):
            continue  # "may" the verb
        a, b = m.end() + d.start(), m.end() + d.end()
        if any(s < b and a < e for s, e in [*read, *spans]):
            continue  # read as a date (or asked already)
        phrase = text[m.start():b].strip()
        which = field_.split("_")[0]
        flags.append(flag(field_, f"‘{phrase}’: adpilot could not read this {which} date. "
                          + _ASK[field_], "not_understood", phrase))
        spans.append((m.start(), b))
    return flags, spans
