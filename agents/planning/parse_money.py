"""Find the budget in a brief: amount, currency and whether it is per day or in total.

Handles "$60/day", "60 USD a day", "€1,500 total over two weeks", "¥8000 per day", "1.2k",
"£45 daily", "budget: 2.000 €", "R$ 150 por dia"-style symbols, weekly and monthly rates (turned
into daily with a warning). Bare "$" means the account's currency when that is a dollar
currency (a Canadian marketer's "$50" is CAD), else USD. Amounts in price/discount context
("from $19", "20% off", "orders over $50") are not budgets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from state import rules

DOLLAR_CURRENCIES = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"}
PESO_CURRENCIES = {"MXN", "COP", "CLP", "ARS", "PHP", "UYU"}
NORDIC_KRONA = {"SEK", "NOK", "DKK", "ISK"}
PREFIX_SYMBOLS = {
    "us$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "nz$": "NZD",
    "s$": "SGD", "sg$": "SGD", "hk$": "HKD", "r$": "BRL", "mx$": "MXN", "nt$": "TWD",
    "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₺": "TRY", "₱": "PHP", "₫": "VND",
    "rs.": "INR", "rs": "INR", "chf": "CHF", "fr.": "CHF",
}
WORDS = {
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "pound": "GBP", "pounds": "GBP", "quid": "GBP",
    "sterling": "GBP", "yen": "JPY", "won": "KRW", "rupee": "INR", "rupees": "INR",
    "reais": "BRL", "real": "BRL", "franc": "CHF", "francs": "CHF", "kronor": "SEK",
    "zloty": "PLN", "złoty": "PLN", "zł": "PLN", "lira": "TRY", "rand": "ZAR", "ringgit": "MYR",
    "baht": "THB", "dong": "VND", "dirham": "AED", "dirhams": "AED", "riyal": "SAR",
    "riyals": "SAR", "forint": "HUF", "yuan": "CNY", "rmb": "CNY", "rupiah": "IDR",
    "shekel": "ILS", "shekels": "ILS", "naira": "NGN",
}
_NUM = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d+)?")
_PRE = (r"(?:us\$|a\$|au\$|c\$|ca\$|nz\$|s\$|sg\$|hk\$|r\$|mx\$|nt\$|\$|€|£|¥|₹|₩|₺|₱|₫|"
        r"rs\.?|chf|fr\.|[a-z]{3})")
_POST = r"(?:[a-z]{3,9}\b|€|£|¥|\$|zł|kr\.?)"
AMOUNT = re.compile(
    rf"(?P<pre>{_PRE})?\s?(?P<num>{_NUM})\s?(?P<mult>k|thousand|grand|m|mm|million)?\b\s?"
    rf"(?P<post>{_POST})?", re.IGNORECASE)

DAILY_AFTER = re.compile(r"^\s*(?:/\s*|per\s+|a\s+|an\s+|each\s+|every\s+)(?:day|d)\b|^\s*daily\b|"
                         r"^\s*(?:por\s+d[ií]a|al\s+d[ií]a|pro\s+tag|am\s+tag|par\s+jour)|"
                         r"^\s*(?:/|per|a)\s*24\s*h", re.I)
WEEKLY_AFTER = re.compile(r"^\s*(?:/\s*|per\s+|a\s+|each\s+|every\s+)(?:week|wk)\b|^\s*weekly\b",
                          re.I)
MONTHLY_AFTER = re.compile(r"^\s*(?:/\s*|per\s+|a\s+|each\s+|every\s+)(?:month|mo)\b|"
                           r"^\s*monthly\b", re.I)
TOTAL_AFTER = re.compile(r"^\s*(?:in\s+)?(?:total|overall|lifetime|all[- ]in|flat)\b|"
                         r"^[\s,]*(?:budget\s+)?(?:over|across|for)\s+(?:the\s+)?(?:next\s+|whole\s+|"
                         r"entire\s+|full\s+)?(?:\d+|one|two|three|four|five|six|seven|eight|nine|"
                         r"ten|a|an|couple)\b[\w\s-]{0,12}?(?:days?|weeks?|months?|fortnight)|"
                         r"^[\s,]*(?:for|over)\s+(?:the\s+)?(?:whole\s+|entire\s+|next\s+)?(?:campaign|run|"
                         r"flight|period|month|week|fortnight|weekend|promo|sale|launch)", re.I)
DAILY_BEFORE = re.compile(r"(?:daily|per[- ]day|/day|a day)\s*(?:budget|spend|cap)?\s*(?:of|is|"
                          r"at|:|=|-|around|about|~)?\s*$", re.I)
TOTAL_BEFORE = re.compile(r"(?:total|lifetime|overall|whole)\s*(?:budget|spend)?\s*(?:of|is|:|=|"
                          r"-)?\s*$", re.I)
BUDGET_BEFORE = re.compile(r"(?:budget|spend|spending|invest|allocate|put|cap|with|got|have|"
                           r"use|max(?:imum)?|run\s+it\s+at)\b[^.\n]{0,20}$", re.I)
NOT_BUDGET_BEFORE = re.compile(r"(?:from|save|only|just|priced|price|prices|costs?|under|"
                               r"orders?\s+over|over|worth|starting\s+at|retails?\s+(?:at|for)|"
                               r"sells?\s+for|plans?\s+from|at)\s*$", re.I)
NOT_BUDGET_AFTER = re.compile(r"^\s*(?:off|discount|value|gift|coupon|voucher|each\s+item|"
                              r"per\s+(?:item|unit|pair|person|ticket|month\s+subscription)|%|"
                              r"miles?|mi\b|km|kilomet|years?|yrs?|yo\b|days?\b|weeks?\b|"
                              r"months?\b|x\b|px|mb|gb|am\b|pm\b)", re.I)
PER_AD_SET = re.compile(r"^\s*(?:/\s*day\s*|per\s+day\s*|a\s+day\s*|daily\s*)?(?:each|per\s+"
                        r"(?:ad\s*set|audience|variant|group|city|country))\b", re.I)


@dataclass
class Money:
    """A budget found in the brief (amount in major units of `currency`)."""

    amount: float
    currency: str | None
    kind: str | None  # daily | lifetime | None (not stated)
    start: int
    end: int
    per_ad_set: bool = False
    converted_from: str | None = None  # weekly | monthly, when turned into daily

    def amount_minor(self) -> int:
        """Return the amount in minor units of its currency."""
        return rules.to_minor(self.amount, self.currency or "USD")


def parse_number(text: str) -> float:
    """Parse "1,500", "1.500", "1.500,50", "60,50", "1.2" into a float."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", text):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(",", "."))


def _currency(pre: str | None, post: str | None, account: str) -> tuple[str | None, bool]:
    """Return (currency, explicit) from the symbols around a number."""
    for raw in (pre, post):
        if not raw:
            continue
        tok = raw.strip().lower()
        if tok in PREFIX_SYMBOLS:
            return PREFIX_SYMBOLS[tok], True
        if tok in ("$", "dollar", "dollars", "bucks", "usd$"):
            return (account if account in DOLLAR_CURRENCIES else "USD"), True
        if tok == "¥":
            return ("CNY" if account == "CNY" else "JPY"), True
        if tok in ("kr", "kr."):
            return (account if account in NORDIC_KRONA else None), True
        if tok in ("peso", "pesos"):
            return (account if account in PESO_CURRENCIES else "MXN"), True
        if tok in ("kroner", "krone"):
            return (account if account in {"DKK", "NOK"} else "NOK"), True
        if tok in WORDS:
            return WORDS[tok], True
        if tok.upper() in rules.SUPPORTED_CURRENCIES and (raw.strip().isupper() or len(tok) == 3):
            return tok.upper(), True
    return None, False


def find_budget(text: str, account_currency: str) -> tuple[Money | None, list[Money]]:
    """Return the budget the brief states (or None) and every money amount seen."""
    account = account_currency.upper()
    found: list[tuple[int, Money]] = []
    for m in AMOUNT.finditer(text):
        pre, post = m.group("pre"), m.group("post")
        cur, explicit = _currency(pre, post, account)
        if pre and not explicit:
            pre = None  # a three-letter word before the number that is no currency
        if post and not _currency(None, post, account)[1]:
            post = None
        start = m.start("pre") if pre else m.start("num")
        end = m.end("post") if post else (m.end("mult") if m.group("mult") else m.end("num"))
        before, after = text[max(0, start - 40):start], text[end:end + 60]
        mult = (m.group("mult") or "").lower()
        if mult in ("m", "mm", "million") and not explicit:
            continue
        value = parse_number(m.group("num")) * {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6,
                                               "mm": 1e6, "million": 1e6}.get(mult, 1)
        kind, conv = None, None
        if DAILY_AFTER.search(after) or DAILY_BEFORE.search(before):
            kind = "daily"
        elif WEEKLY_AFTER.search(after):
            kind, conv, value = "daily", "weekly", value / 7
        elif MONTHLY_AFTER.search(after):
            kind, conv, value = "daily", "monthly", value / 30
        elif TOTAL_AFTER.search(after) or TOTAL_BEFORE.search(before):
            kind = "lifetime"
        score = (2 if kind else 0) + (1 if BUDGET_BEFORE.search(before) else 0)
        if NOT_BUDGET_BEFORE.search(before) and not BUDGET_BEFORE.search(before[-15:]):
            score -= 3
        if NOT_BUDGET_AFTER.search(after) and not explicit:
            continue
        if NOT_BUDGET_AFTER.search(after) and re.match(r"^\s*(?:off|%|discount)", after, re.I):
            score -= 3
        if not explicit and not kind and not BUDGET_BEFORE.search(before):
            continue
        if not explicit and (re.search(r"[\d:/.-]$", before) or re.match(r"^[:/]\d", after)):
            continue  # part of a date, time or range
        money = Money(value, cur if explicit else account, kind, start, end,
                      bool(PER_AD_SET.search(after)), conv)
        found.append((score, money))
    candidates = [(s, mo) for s, mo in found if s >= 1]
    if not candidates:
        return None, [mo for _, mo in found]
    best = max(candidates, key=lambda sm: (sm[0], -sm[1].start))[1]
    return best, [mo for _, mo in found]
