"""Money said aloud, once its number words are digits: "a buck 20", "2 pounds 50", "2 50 a day".

A spoken price names its cents as a second number: "a buck twenty" is $1.20, "two pounds fifty"
£2.50, "three dollars and fifty cents" $3.50. Converted word by word they read "a buck 20" and
"2 pounds 50", and a parser takes the 20 or the 50 for the amount. With a unit between them
the two numbers are one amount (`cents_edits` rewrites it as "1.20 buck"). Without one ("two
fifty a day", "twelve fifty per lead") the words may be 2.50 or 250: `bare_pairs` finds them in a
money context, and the normaliser asks which, naming the words (answered by a later line).

Both work on the normalised text; `spoken(start, end)` tells whether a span of it came from
number words (digits a person typed, "40 bucks 10 days", are never joined).
"""

from __future__ import annotations

import re
from collections.abc import Callable

UNIT = r"dollars?|bucks?|quid|pounds?|euros?"
CENTS = r"cents?|pence|p\b|c\b"
# After the cents: the end of the amount (a period, a cap's result, a separator), never a noun
# the number counts ("forty bucks ten days").
AMOUNT_END = (r"(?=\s*(?:$|[,.;:!?)/\n–—-]|(?:a|an|per|each|every)\s+\w|daily\b|weekly\b|"
              r"monthly\b|total\b|in\s+total\b|lifetime\b|max\b|cap\b|bid\b|or\b|and\b|for\b))")
WITH_UNIT = re.compile(
    rf"\b(?P<whole>\d+|an?|one|two)\s+(?P<unit>{UNIT})\s+(?:and\s+)?(?P<cents>\d{{1,2}})"
    rf"(?:\s*(?P<cents_word>{CENTS}))?{AMOUNT_END}", re.I)
PAIR = re.compile(r"\b(?P<a>[1-9]\d?)\s+(?P<b>[1-9]\d)\b(?!\s*(?:%|[.,]\d|-?\s*years?\b|y/?o\b))")
# What says a bare pair is money: a money word just before it, or a period / result after it.
MONEY_BEFORE = re.compile(r"(?:\b(?:budget|spend|spending|cap|bid|cost|cpa|cpc|cpl|cpm|at|of|"
                          r"for|max(?:imum)?|under|about|around)|[$€£¥₹])\s*(?::\s*)?$", re.I)
MONEY_AFTER = re.compile(rf"^\s*(?:(?:{UNIT})\b|(?:a|an|per|each|every|/)\s*(?:day|d|week|wk|month|"
                         r"mo|click|lead|purchase|sale|result|install|conversion|signup|sign-up)s?\b|"
                         r"daily\b|weekly\b|monthly\b|total\b|in\s+total\b|lifetime\b)", re.I)


def cents_edits(text: str, spoken: Callable[[int, int], bool]) -> list[tuple[int, int, str]]:
    """Edits that join "<whole> <unit> [and] <cents> [cents]" into "<whole>.<cents> <unit>"."""
    edits = []
    for m in WITH_UNIT.finditer(text):
        if not spoken(*m.span("cents")):
            continue
        whole = m.group("whole").lower()
        whole = {"a": "1", "an": "1", "one": "1", "two": "2"}.get(whole, whole)  # kept as words
        cents = int(m.group("cents"))
        unit = "bucks" if m.group("unit").lower() == "buck" else m.group("unit")  # a money word
        edits.append((m.start(), m.end(), f"{whole}.{cents:02d} {unit}"))
    return edits


def bare_pairs(text: str, spoken: Callable[[int, int], bool]
               ) -> list[tuple[int, int, str, str, str]]:
    """Spans of "<a> <b>" said as one price in a money context.

    Each is (start, end, "a.b", "a·100+b", field): `bid_amount` after a cap or bid word, else
    `budget`.
    """
    out = []
    for m in PAIR.finditer(text):
        if not (spoken(*m.span("a")) and spoken(*m.span("b"))):
            continue
        lo = max(text.rfind(c, 0, m.start()) for c in ".;\n!?") + 1
        before = text[max(lo, m.start() - 24):m.start()]
        if not (MONEY_BEFORE.search(before) or MONEY_AFTER.match(text[m.end():m.end() + 24])):
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        field = "bid_amount" if re.search(r"\b(?:cap|bid|cpa|cpc|cpl)\b", before, re.I) else "budget"
        out.append((m.start(), m.end(), f"{a}.{b:02d}", f"{a * 100 + b:,}", field))
    return out
