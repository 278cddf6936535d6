"""Numbers in a request: money, percentages, multiples ("2x") and budget factors.

Money is read with the planner's amount reader (`agents.orchestrator.planning.money.amount`:
"$1.2k", "12,50 €", "USD 35", "250$", "40 bucks", "3,5", "1'200"), so both read amounts the
same way; number words become digits first ("fifty bucks", "two and a half grand"). An
amount with no currency is in the account's currency; one with another currency keeps it
(the router asks, it never converts). Factors: double, triple, halve, "cut by a third".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from agents.orchestrator.planning.money.amount import AMOUNT, currency_of, multiplier, parse_number
from state import rules

SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "half a": 0.5, "a couple": 2,
         "a couple of": 2, "a few": 3}
HALF_GRAND = re.compile(r"\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+and\s+a\s+"
                        r"half\s+(grand|k|thousand)\b", re.I)
HALF_A = re.compile(r"\bhalf\s+a\s+(grand|k|thousand)\b", re.I)
WORD_GRAND = re.compile(r"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|a\s+couple(?:\s+of)?)"
                        r"\s+(grand|thousand|hundred)\b", re.I)
PERCENT_AFTER = re.compile(r"^\s?(?:%|percent\b|pct\b|per\s?cent\b|prozent\b|por\s+ciento\b|"
                           r"pour\s?cent\b|por\s+cento\b)", re.I)
TIMES_AFTER = re.compile(r"^\s?(?:x|×)(?![a-z])", re.I)
DATE_LIKE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
                       r"(?:\s*[–-]\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?\b)?|"
                       r"\b\d{1,2}\.\d{1,2}\.?\s*[–—-]\s*\d{1,2}\.\d{1,2}\.?(?:\d{2,4})?|"
                       r"\b\d{2}\.\d{2}\.(?:\d{2,4})?|"
                       r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|uhr)\b|\b\d{1,2}:\d{2}\b", re.I)
# "women 45+", "ages 18-24", "aged 35 to 44": an audience's ages, never an amount
AGE_LIKE = re.compile(r"(?<![$€£\d.,])\b\d{2}\s?\+(?!\s?\d)|\b(?:ages?|aged|women|men|people|adults|"
                      r"users)\s+\d{2}(?:\s*(?:-|–|to)\s*\d{2}|\s?\+)?\b(?!\s*[%$€£])", re.I)
TIMES = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s?[x×](?![a-z])|(?<!\w)[x×]\s?(\d+(?:[.,]\d+)?)(?![\w.,%])",
                   re.I)  # "2x", "2.5 x", "x2"
FACTORS: list[tuple[str, float]] = [
    (r"(?:cut|reduce|lower|drop|trim|decrease)\s+(?:it\s+|\S+\s+){0,6}?by\s+(?:a\s+|one\s+|1\s+)?(?:third|3rd)",
     float(round(Fraction(2, 3), 4))),
    (r"(?:cut|reduce|lower|drop|trim|decrease)\s+(?:it\s+|\S+\s+){0,6}?by\s+(?:a\s+|one\s+)?quarter",
     0.75),
    (r"(?:cut|reduce|lower|drop|trim|decrease)\s+(?:it\s+|\S+\s+){0,6}?(?:by|in)\s+half", 0.5),
    (r"(?:raise|increase|boost|bump|grow)\s+(?:it\s+|\S+\s+){0,6}?by\s+(?:a\s+|one\s+|1\s+)?(?:third|3rd)",
     float(round(Fraction(4, 3), 4))),
    (r"(?:raise|increase|boost|bump|grow)\s+(?:it\s+|\S+\s+){0,6}?by\s+half", 1.5),
    (r"\bhalve[sd]?\b|\bhalf\s+(?:the|its|of)\b|\bhalbieren\b", 0.5),
    (r"\bdouble[sd]?\b|\bdoubling\b|\bverdoppeln\b|\bx\s?2\b|\b2\s?x\s+(?:the\s+)?budget", 2.0),
    (r"\btriple[sd]?\b|\btripling\b|\bx\s?3\b", 3.0),
    (r"\bquadruple[sd]?\b", 4.0),
]
FACTOR_RES = [(re.compile(p, re.I), f) for p, f in FACTORS]


@dataclass
class Amount:
    """A number in the request: money (major units), a percentage, a multiple, or plain."""

    value: float
    start: int
    end: int
    text: str
    currency: str | None = None  # the currency it is in (the account's when none is written)
    explicit: bool = False  # a currency symbol or word is written with it
    percent: bool = False
    times: bool = False  # "2x", "2.5x"

    @property
    def money(self) -> bool:
        """True when a currency is written with it."""
        return self.explicit

    def minor(self, currency: str | None = None) -> int:
        """Return the amount in minor units of its currency (or `currency`)."""
        return rules.to_minor(self.value, self.currency or currency or "USD")


def _grand(m: re.Match[str]) -> str:
    count = SMALL[re.sub(r"\s+", " ", m.group(1).lower())]
    return f"{count * (100 if m.group(2).lower() == 'hundred' else 1000):g}"


def words_to_digits(text: str) -> str:
    """Return `text` with number words as digits ("fifty" → 50, "two and a half grand" → 2500)."""
    text = HALF_GRAND.sub(lambda m: f"{SMALL[m.group(1).lower()] + 0.5:g}k", text)
    text = HALF_A.sub("0.5k", text)
    text = WORD_GRAND.sub(_grand, text)
    try:
        from text_to_num import alpha2digit

        return str(alpha2digit(text, "en"))
    except Exception:  # text2num is optional for reading; the digits above already cover money
        return text


def find_amounts(text: str, account_currency: str | None) -> list[Amount]:
    """Return every number of `text` outside dates and times, in order."""
    account = (account_currency or "USD").upper()
    masked = DATE_LIKE.sub(lambda m: " " * len(m.group(0)), text)
    masked = AGE_LIKE.sub(lambda m: " " * len(m.group(0)), masked)
    out: list[Amount] = []
    for t in TIMES.finditer(masked):
        out.append(Amount(float((t.group(1) or t.group(2)).replace(",", ".")), t.start(), t.end(), t.group(0),
                          account, False, False, True))
        masked = masked[:t.start()] + " " * (t.end() - t.start()) + masked[t.end():]
    for m in AMOUNT.finditer(masked):
        pre, post, num, mult = m.group("pre"), m.group("post"), m.group("num"), m.group("mult")
        if pre and not currency_of(pre, None, account)[1]:
            pre = None
        if post and not currency_of(None, post, account)[1]:
            post = None
        if mult and mult.lower() in ("m", "mm", "mn", "mil") and not (pre or post):
            mult = None
        cur, explicit = currency_of(pre, post, account)
        start = m.start("pre") if pre else m.start("num")
        end = m.end("post") if post else (m.end("mult") if mult else m.end("num"))
        if re.match(r"[\w]", masked[end:end + 1] or " ") and not mult:
            continue  # "30d", "14d": part of a word
        try:
            value = parse_number(num) * multiplier(mult, cur or account)
        except ValueError:
            continue
        rest = masked[end:end + 12]
        pct = PERCENT_AFTER.match(rest)
        times = TIMES_AFTER.match(rest)
        if pct or times:
            end += (pct or times).end()  # type: ignore[union-attr]
        neg = re.search(r"(?:^|[\s(])([-−+])\s?$", masked[max(0, start - 2):start])
        if neg and neg.group(1) in "-−":
            value = -value
        out.append(Amount(value, start, end, text[start:end], cur if explicit else account,
                          explicit, bool(pct), bool(times)))
    return sorted(out, key=lambda a: a.start)


def money_minor(text: str, currency: str) -> tuple[int, str] | None:
    """Return the first positive amount of money in `text` in minor units, with its currency.

    An amount with no currency written is in `currency` (the account's). Callers compare the
    currency with the account's: money is never converted.
    """
    for a in find_amounts(text, currency):
        if not a.percent and not a.times and a.value > 0:
            cur = (a.currency or currency).upper()
            return rules.to_minor(a.value, cur), cur
    return None


def find_factor(text: str) -> float | None:
    """Return the budget factor a phrase states ("double" 2, "cut by a third" 0.6667), or None."""
    for pat, factor in FACTOR_RES:
        if pat.search(text):
            return factor
    return None


__all__ = ["Amount", "find_amounts", "find_factor", "words_to_digits"]
