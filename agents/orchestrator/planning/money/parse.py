"""Find the money statements of a brief: every amount, whether it is a budget, and its period.

Handles "$60/day", "60/d", "USD60pd", "$60 p/d", "60 a day", "60 daily", "€1,500 total over two
weeks", "$2K lifetime", "2k total", "1.5k/mo", "£350 a week", "₹1.5 lakh a month", "R$ 5 mil",
"CHF 1'200", "1 234,56 €" (numbers and currencies: `parse_amount`). Weekly, monthly and yearly
rates are spread per day (week = 7 days, month = 30, year = 365): Meta budgets are daily or
lifetime. Amounts in price/discount context ("from $19", "20% off", "orders over $50") and in
quoted ad copy are not budgets.

Each `Money` also says how it relates to the budgets before it: a correction ("actually make
it $70", "no wait, $70", "Budget: $70 a day" on an answer line), an alternative ("or maybe
$100"), a rejected value ("instead of $50"). `agents.orchestrator.planning.money.budget` settles them into one
budget or a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.orchestrator.planning.cues import (
    ALT_PERIOD_AFTER,
    ALTERNATIVE_BEFORE,
    BUDGET_CORRECTION,
    CUE_THEN_NUMBER,
    INSTEAD_AFTER,
    REJECTED_BEFORE,
)
from agents.orchestrator.planning.money.amount import (
    AMOUNT,
    NEEDS_CURRENCY,
    ambiguous_number,
    currency_of,
    multiplier,
    parse_number,
)
from agents.orchestrator.planning.money.context import (
    BETWEEN_AFTER,
    BETWEEN_BEFORE,
    DATE_AFTER,
    DATE_BEFORE,
    NOT_BUDGET_AFTER,
    NOT_BUDGET_BEFORE,
    NOT_OURS_AFTER,
    NOT_OURS_BEFORE,
    PER_RESULT,
    QUOTED_COPY,
    RANGE_AFTER,
    SPENDER_BEFORE,
)
from agents.orchestrator.planning.schedule.dates import MONTH_WORD
from state import rules

_P = r"(?:/\s*|per\s+|a\s+|an\s+|each\s+|every\s+|p/|p\.?\s?)"
PERIOD_AFTER = {  # kind → pattern at the start of the text after the amount
    # "/día", "/jour", "/Tag" in any brief (a short one may not be detected as Spanish...);
    # "dya", "dau": typos of "day" right after a period word
    "daily": re.compile(rf"^\s*(?:{_P}(?:day|d|dy|dya|dau|dday|daay)\b|daily\b|pd\b|p/d\b|"
                        r"/\s*(?:d[ií]a|jour|tag|giorno|dag|dzie[nń]|gün)\b|/\s*24\s*h\b|"
                        r"per\s+24\s*h(?:ours?)?\b|per\s+diem\b|por\s+d[ií]a|al\s+d[ií]a|pro\s+tag|am\s+tag|"
                        r"par\s+jour)", re.I),
    "weekly": re.compile(rf"^\s*(?:{_P}(?:week|wk|w)\b|weekly\b|pw\b|/\s*(?:semana|semaine|"
                         r"woche|settimana)\b)", re.I),
    "monthly": re.compile(rf"^\s*(?:{_P}(?:month|mo|mth|m)\b|monthly\b|pcm\b|/\s*(?:mes|mês|"
                          r"mois|monat|mese|maand)\b)", re.I),
    "yearly": re.compile(rf"^\s*(?:{_P}(?:year|yr|annum)\b|yearly\b|annually\b|p\.a\.)", re.I),
    "lifetime": re.compile(r"^\s*(?:in\s+)?(?:total|overall|lifetime|all[- ]in|flat)\b", re.I),
    # "over 30 days": a total unless period words before the amount say otherwise
    "over": re.compile(
        r"^[\s,]*(?:budget\s+)?(?:over|across|for)\s+(?:the\s+)?(?:next\s+|whole\s+|entire\s+|"
        r"full\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an|couple)\b"
        r"[\w\s-]{0,12}?(?:days?|weeks?|months?|fortnight)\b|"
        r"^[\s,]*(?:for|over|across)\s+(?:the\s+|this\s+|that\s+)?(?:whole\s+|entire\s+|next\s+)?"
        r"(?:campaign|run|flight|period|month|week|fortnight|weekend|promo|sale|launch)\b|"
        rf"^[\s,]*(?:for|in|during|throughout)\s+(?:the\s+month\s+of\s+|all\s+of\s+)?{MONTH_WORD}"
        r"(?!\s*\d)", re.I),
}
PERIOD_BEFORE = {  # kind → pattern at the end of the text before the amount
    "daily": re.compile(r"(?:daily|per[- ]day|/day|a day)\s*(?:budget|spend|cap)?\s*(?:of|is|at|"
                        r":|=|-|around|about|~)?\s*$", re.I),
    "weekly": re.compile(r"(?:weekly|per[- ]week|a week)\s*(?:budget|spend)\s*(?:of|is|:|=|-)?\s*$",
                         re.I),
    "monthly": re.compile(r"(?:monthly|per[- ]month|a month)\s*(?:budget|spend)\s*(?:of|is|:|=|-)?"
                          r"\s*$", re.I),
    "yearly": re.compile(r"(?:annual|yearly|per[- ]year|a year)\s*(?:\w+\s+)?(?:budget|spend)\s*"
                         r"(?:of|is|:|=|-)?\s*$", re.I),
    "lifetime": re.compile(r"(?:total|lifetime|overall|whole)\s*(?:budget|spend)?\s*(?:of|is|:|=|"
                           r"-)?\s*$", re.I),
}
SPREAD_DAYS = {"weekly": 7, "monthly": 30, "yearly": 365}
BUDGET_BEFORE = re.compile(r"(?:(?:budget|spend|spending|invest|allocate|put|cap|with|got|have|"
                           r"use|max(?:imum)?|run\s+it\s+at)\b[^.\n;$€£¥₹\d]{0,20}|"
                           r"\b(?:keep\s+(?:it|spend(?:ing)?|the\s+budget)\s+(?:under|below|at|to)|stay(?:s|ing)?"
                           r"\s+(?:under|below|within)|(?:go|going|goes)\s+(?:over|above|beyond)|exceed(?:s|ing)?"
                           r"|no\s+more\s+than|at\s+most|not\s+(?:more|over)\s+than)\s*)$", re.I)
BUDGET_AFTER = re.compile(r"^\s*(?:budget|spend|ad\s+spend)\b", re.I)
PER_AD_SET = re.compile(r"^\s*(?:/\s*day\s*|per\s+day\s*|a\s+day\s*|daily\s*)?(?:each|per\s+"
                        r"(?:ad\s*set|audience|variant|group|city|country))\b", re.I)
NEGATIVE = re.compile(r"(?:(?<![\w.,)])-|−|\bminus\s+|\bnegative\s+)$", re.I)


@dataclass
class Money:
    """A money amount in the brief (in major units of `currency`), budget or not.

    `amount` is per day when a weekly/monthly/yearly rate was spread (`converted_from`, with
    the brief's own figure in `stated`). `start`/`end` cover the amount and its period words;
    `phrase` is that text. `score` ≥ 1 marks a budget.
    """

    amount: float
    currency: str | None
    kind: str | None  # daily | lifetime | None (not stated)
    start: int
    end: int
    per_ad_set: bool = False
    converted_from: str | None = None  # weekly | monthly | yearly, when spread per day
    stated: float = 0.0
    phrase: str = ""
    score: int = 0
    negative: bool = False
    correction: bool = False  # a correction cue says this replaces the budgets before it
    alternative: bool = False  # "or (maybe) …" after another budget
    rejected: bool = False  # "instead of $50", "not $50"
    kind_clash: str | None = None  # the period words that disagree ("lifetime … a day")
    alt_period: str | None = None  # "… or weekly?" right after it
    ranged: bool = False  # "$50-70 a day"
    amount_text: str = ""  # the amount alone, as written ("$50", "1,5k€")
    over_days: int | None = None  # a total's own span ("$1.5k for the month": 30)
    explicit: bool = False  # a currency symbol or word is written with it
    unclear_number: bool = False  # "$1.500": 1,500 or 1.50 in a dot-decimal currency

    def amount_minor(self) -> int:
        """Return the amount in minor units of its currency."""
        return rules.to_minor(self.amount, self.currency or "USD")

    @property
    def is_budget(self) -> bool:
        """True when the brief states this amount as (a candidate for) the budget."""
        return self.score >= 1


def _period(after: str, before: str) -> tuple[str | None, int, str | None, int]:
    """Return (kind after, its length, kind before, its start offset from the end of `before`)."""
    k_after, n_after = None, 0
    lead = re.match(r"\s*(?:budget|spend)\b", after, re.I)  # "$3k budget total"
    skip = lead.end() if lead else 0
    for kind, pat in PERIOD_AFTER.items():
        if m := pat.search(after[skip:]):
            k_after, n_after = kind, m.end() + skip
            break
    k_before, n_before = None, 0
    for kind, pat in PERIOD_BEFORE.items():
        if m := pat.search(before):
            k_before, n_before = kind, len(before) - m.start()
            break
    if k_after == "over":
        k_after = None if k_before else "lifetime"
    return k_after, n_after, k_before, n_before


def _quoted(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in QUOTED_COPY.finditer(text)]


@dataclass
class _Amount:
    """One number with its currency, before its context is read."""

    value: float
    currency: str
    explicit: bool
    start: int
    end: int
    unclear_number: bool = False  # "$1.500": 1,500 or 1.50? (asked)


def _amount(m: re.Match[str], account: str) -> _Amount | None:
    pre, post = m.group("pre"), m.group("post")
    cur, explicit = currency_of(pre, post, account)
    if pre and not currency_of(pre, None, account)[1]:
        pre = None  # a three-letter word before the number that is no currency
    if post and not currency_of(None, post, account)[1]:
        post = None
    num, num_end, mult = m.group("num"), m.end("num"), m.group("mult")
    grouped = re.search(r"[ \u00a0\u202f]", num)
    if grouped and not explicit and not _period_follows(m.string[num_end:num_end + 30]):
        num = re.split(r"[ \u00a0\u202f]", num)[0]  # "25 100": digit groups need money words
        num_end, mult, post = m.start("num") + len(num), None, None
    if (mult or "").lower() in NEEDS_CURRENCY and not explicit or \
            (mult or "").lower() == "l" and not (explicit and cur == "INR"):
        return None  # "5M" may be views; "1.5L" without rupees is litres
    start = m.start("pre") if pre else m.start("num")
    end = m.end("post") if post else (m.end("mult") if mult else num_end)
    currency = cur if explicit and cur else account
    return _Amount(parse_number(num) * multiplier(mult, currency), currency, explicit, start, end,
                   ambiguous_number(num, currency) and not mult)


SPAN = re.compile(r"\b(?P<n>\d+|an?|one|two|three|four|the|this|that)[\s-]+(?P<u>day|week|month|"
                  r"fortnight)s?\b", re.I)


def _span_days(words: str) -> int | None:
    """Return the days of "over 30 days", "for the month", "for two weeks" (None without)."""
    m = SPAN.search(words)
    if not m:
        return None
    n = m.group("n").lower()
    count = int(n) if n.isdigit() else {"two": 2, "three": 3, "four": 4}.get(n, 1)
    return count * {"day": 1, "week": 7, "month": 30, "fortnight": 14}[m.group("u").lower()]


def _period_follows(after: str) -> bool:
    return any(pat.search(after) for kind, pat in PERIOD_AFTER.items() if kind != "over")


def _not_a_budget(a: _Amount, before: str, after: str) -> bool:
    """Tell a number in a date, time, range or measure (unless a currency makes it money)."""
    if a.explicit:
        return False
    return bool(NOT_BUDGET_AFTER.search(after) or re.search(r"(?:[\d:/.]|\w-)$", before)
                or DATE_BEFORE.search(before) or DATE_AFTER.match(after)
                or re.match(r"^\s?[:/.–-]\s?\d", after)
                or re.match(r"^\s*(?:to|and)\s+\d", after, re.I))


def find_money(text: str, account_currency: str) -> list[Money]:
    """Return every money amount in `text`, in order, each scored and related to the others."""
    account = account_currency.upper()
    quoted = _quoted(text)
    found: list[Money] = []
    for m in AMOUNT.finditer(text):
        if any(s <= m.start() < e for s, e in quoted):
            continue  # a price in the ad's own copy
        a = _amount(m, account)
        if a is None:
            continue
        # context stays on the amount's line ("$50\nTotal budget: …" is two statements)
        before = text[max(0, a.start - 40):a.start].rsplit("\n", 1)[-1]
        after = text[a.end:a.end + 60].split("\n", 1)[0]
        if _not_a_budget(a, before, after):
            continue
        if found and a.start < found[-1].end:
            continue  # the far end of a range ("$50-70 a day") or an amount already read
        ranged = RANGE_AFTER.match(after) if a.explicit else None
        if a.explicit and BETWEEN_BEFORE.search(before):
            ranged = BETWEEN_AFTER.match(after) or ranged
        skip = ranged.end() if ranged else 0  # "$50-70 a day": the period follows the range
        k_after, n_after, k_before, n_before = _period(after[skip:], before)
        n_after += skip if n_after or ranged else 0
        kind = k_after or k_before
        prev = next((x for x in reversed(found) if x.is_budget and not x.rejected), None)
        near, nearer = (max(prev.end, a.start - 40), max(prev.end, a.start - 30)) if prev else (0, 0)
        cue = CUE_THEN_NUMBER.search(text, near, a.start) if prev else None
        alt = ALTERNATIVE_BEFORE.search(text, nearer, a.start) if prev else None
        corrected = BUDGET_CORRECTION.search(text, nearer, a.start) if prev else None
        if prev and corrected is None:
            # "actually scratch that, Jess got more approved, do 85 a day": a cue further back
            # still corrects when nothing else was said with a number in between.
            far = [c for c in BUDGET_CORRECTION.finditer(text, prev.end, a.start)
                   if not re.search(r"\d", text[c.end():a.start])]
            corrected = far[-1] if far else None
        if re.match(r"^[^\n\w]{0,3}\?", text[a.end + n_after:a.end + n_after + 6]):
            # "board minutes say $150/day??": a question about an amount corrects nothing.
            cue = corrected = None
        score = (2 if kind else 0) + (1 if BUDGET_BEFORE.search(before) else 0)
        score += 1 if BUDGET_AFTER.search(after) else 0
        if NOT_BUDGET_BEFORE.search(before) and not BUDGET_BEFORE.search(before[-15:]):
            score -= 3
        if re.match(r"^\s*(?:off|%|discount)", after, re.I):
            score -= 3
        ours_before = NOT_OURS_BEFORE.search(before)
        ours_after = NOT_OURS_AFTER.match(after[n_after:] if n_after else after)
        if ours_before or PER_RESULT.match(after) or ours_after:
            score = min(score, 0)
        if not a.explicit and not kind and not BUDGET_BEFORE.search(before) and not (cue or alt):
            continue
        score = max(score, 1) if cue or alt else score
        span_end = a.end + n_after
        neg = NEGATIVE.search(text[max(0, a.start - 10):a.start])
        first = a.start - (len(neg.group(0)) if neg and not n_before else n_before)
        money = Money(a.value, a.currency, kind, first, span_end, bool(PER_AD_SET.search(after)),
                      None, a.value, text[first:span_end].strip(), score, negative=bool(neg),
                      alternative=bool(alt), ranged=bool(ranged),
                      amount_text=text[a.start:a.end], explicit=a.explicit,
                      unclear_number=a.unclear_number)
        if k_after and k_before and k_after != k_before:
            money.kind_clash = money.phrase
        money.correction = prev is not None and (
            corrected is not None or cue is not None or
            bool(INSTEAD_AFTER.match(text[span_end:span_end + 20])))
        money.rejected = bool(REJECTED_BEFORE.search(before))
        if said := cue or alt or corrected:  # "no wait," / "or maybe" / "actually" are read too
            money.start = min(money.start, said.start())
        # Someone else's money ("our competitors spend $20k a month") is read, as not ours.
        if ours_before and money.score <= 0:
            money.start = min(money.start, a.start - len(before) + ours_before.start())
        if ours_after and money.score <= 0:
            money.end = max(money.end, span_end + ours_after.end())
            if who := SPENDER_BEFORE.search(before):
                money.start = min(money.start, a.start - len(before) + who.start())
        if kind == "lifetime":
            money.over_days = _span_days(after[:n_after])
        if kind in SPREAD_DAYS:
            money.kind, money.converted_from = "daily", kind
            money.amount = a.value / SPREAD_DAYS[kind]
        if alt_m := ALT_PERIOD_AFTER.match(text[span_end:span_end + 40]):
            money.alt_period = alt_m.group("p")
            money.end = span_end + alt_m.end()
        found.append(money)
    return found


def find_budget(text: str, account_currency: str) -> tuple[Money | None, list[Money]]:
    """Return the most budget-like amount (or None) and every amount seen.

    The planner settles several budget statements with `agents.orchestrator.planning.money.budget.read_budget`;
    this is the single best guess, kept for callers that want just one.
    """
    seen = find_money(text, account_currency)
    candidates = [mo for mo in seen if mo.is_budget and not mo.rejected]
    if not candidates:
        return None, seen
    best = max(candidates, key=lambda mo: (mo.score, -mo.start))
    return best, seen



__all__ = ["AMOUNT", "Money", "find_budget", "find_money", "parse_number"]
