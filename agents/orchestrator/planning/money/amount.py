"""Read one money amount: the number in any local format, its multiplier and its currency.

Numbers: "1,500", "1.500", "1.234,56", "1 234,56" (space or narrow no-break space thousands),
"1'200" (Swiss), "1,50,000" (Indian groups), "60,50", "1.5". A single separator followed by
exactly three digits groups thousands (no currency adpilot supports has three decimals); one
or two digits after it are decimals, whatever the locale. Multipliers: k / thousand / grand,
M / MM / Mio / million (only with a stated currency: "5M" alone may be anything), lakh (1e5;
"L" only beside rupees: "1.5L INR", "₹2L"),
crore (1e7), and "mil" — a thousand in Spanish and Portuguese ("R$ 5 mil", "5 mil pesos"), a
million in English slang ("$2 mil"), told apart by the currency.

Currencies: symbols before or after the number ("R$ 150", "15.000 ₹", "CHF 1'200", "USD60"),
ISO codes and words ("euros", "quid", "bucks"). Bare "$" is the account's currency when that is a
dollar currency (a Canadian's "$50" is CAD), else USD; "¥" is CNY in a CNY account, else JPY.
"""

from __future__ import annotations

import re

from state import rules

# Where "$" is the account's own money (Latin American pesos write "$" too).
DOLLAR_CURRENCIES = {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "ARS", "CLP", "COP",
                     "UYU"}
PESO_CURRENCIES = {"MXN", "COP", "CLP", "ARS", "PHP", "UYU"}
NORDIC_KRONA = {"SEK", "NOK", "DKK", "ISK"}
# Where "mil" is a thousand: currencies of Spanish- and Portuguese-speaking accounts.
MIL_THOUSAND = {"BRL", "ARS", "MXN", "COP", "CLP", "PEN", "UYU", "PYG", "BOB", "CRC", "EUR",
                "GTQ", "HNL", "NIO", "DOP", "VES"}
PREFIX_SYMBOLS = {
    "us$": "USD", "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "nz$": "NZD",
    "s$": "SGD", "sg$": "SGD", "hk$": "HKD", "r$": "BRL", "mx$": "MXN", "nt$": "TWD",
    "€": "EUR", "£": "GBP", "₹": "INR", "₩": "KRW", "₺": "TRY", "₱": "PHP", "₫": "VND",
    "rs.": "INR", "rs": "INR", "chf": "CHF", "fr.": "CHF", "zł": "PLN",
}
WORDS = {
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "pound": "GBP", "pounds": "GBP", "quid": "GBP",
    "sterling": "GBP", "yen": "JPY", "won": "KRW", "rupee": "INR", "rupees": "INR",
    "reais": "BRL", "real": "BRL", "franc": "CHF", "francs": "CHF", "kronor": "SEK",
    "zloty": "PLN", "złoty": "PLN", "lira": "TRY", "rand": "ZAR", "ringgit": "MYR",
    "baht": "THB", "dong": "VND", "dirham": "AED", "dirhams": "AED", "riyal": "SAR",
    "riyals": "SAR", "forint": "HUF", "yuan": "CNY", "rmb": "CNY", "rupiah": "IDR",
    "shekel": "ILS", "shekels": "ILS", "naira": "NGN",
}
_SPACE = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space
_NUM = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"          # 1,234,567.89
        r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"         # 1.234.567,89
        r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?"   # 1,50,000 (Indian lakh groups)
        r"|\d{1,3}(?:['’]\d{3})+(?:[.,]\d+)?"    # 1'234.50 (Swiss)
        rf"|\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:,\d+)?(?![\d.])"  # 1 234,56
        r"|\d+(?:[.,]\d+)?")
_PRE = (r"(?:us\$|a\$|au\$|c\$|ca\$|nz\$|s\$|sg\$|hk\$|r\$|mx\$|nt\$|\$|€|£|¥|₹|₩|₺|₱|₫|"
        r"rs\.?|chf|fr\.|[a-z]{3})")
_POST = r"(?:[a-z]{3,9}\b|€|£|¥|\$|₹|₩|₺|₱|₫|zł|kr\.?|r\$|chf\b)"
_MULT = (r"k|thousand|grand|mm|mn|mio\.?|million|mil|m|lakhs?|lacs?|lakh|crores?|cr|bn|billion|"
         r"mrd\.?|l")  # "l": a lakh, only beside rupees ("1.5L INR", "₹2L"; "1.5L" alone is litres)
# A period or a currency glued to the number ("60pd", "60/d", "1.5k/mo", "50USD") ends it as a
# word boundary would.
_GLUED = "|".join(sorted({c.lower() for c in rules.SUPPORTED_CURRENCIES} | set(WORDS) | {
    "dollars?", "bucks"}, key=len, reverse=True))
AMOUNT = re.compile(
    rf"(?P<pre>{_PRE})?{_SPACE}?(?P<num>{_NUM})(?:{_SPACE}?(?P<mult>{_MULT}))?"
    rf"(?:\b|(?<=\.)|(?=pd\b|p/[dwm]\b|/|(?:{_GLUED})\b))(?:{_SPACE}?(?P<post>{_POST}))?",
    re.IGNORECASE)
NEEDS_CURRENCY = {"m", "mm", "mn"}  # "5M" without a currency may be reach, views, anything


def parse_number(text: str) -> float:
    """Parse a number in any local format ("1,500", "1.234,56", "1 234,56", "1'200", "60,50")."""
    t = re.sub(rf"{_SPACE}|['’]", "", text)
    commas, dots = t.count(","), t.count(".")
    if commas and dots:  # the later separator is the decimal one
        dec = "," if t.rfind(",") > t.rfind(".") else "."
        thou = "." if dec == "," else ","
        return float(t.replace(thou, "").replace(dec, "."))
    sep = "," if commas else "." if dots else ""
    if not sep:
        return float(t)
    if t.count(sep) > 1 or re.fullmatch(rf"[1-9]\d{{0,2}}\{sep}\d{{3}}", t):
        return float(t.replace(sep, ""))  # digit groups: "1,50,000", "1.500"
    return float(t.replace(sep, "."))


# Currencies written with a decimal point ("$1.50"): there "1.500" may be 1,500 or 1.50.
DOT_DECIMAL = frozenset({"USD", "GBP", "CAD", "AUD", "NZD", "JPY", "CNY", "HKD", "SGD", "INR",
                         "MXN", "PHP", "MYR", "THB", "KRW", "TWD", "ILS", "NGN", "KES", "ZAR",
                         "AED", "SAR", "CHF"})


def ambiguous_number(text: str, currency: str | None) -> bool:
    """Whether "1.500" could be a thousand and a half or one and a half in this currency."""
    t = re.sub(rf"{_SPACE}|['’]", "", text)
    return (currency or "").upper() in DOT_DECIMAL and bool(re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", t))


def multiplier(word: str | None, currency: str | None) -> float:
    """Return the value of a multiplier word; "mil" depends on the currency (see module doc)."""
    w = (word or "").lower().rstrip(".")
    if not w:
        return 1
    if w == "mil":
        return 1e3 if currency in MIL_THOUSAND else 1e6
    if w.startswith(("lakh", "lac")) or w == "l":
        return 1e5
    if w.startswith("cr"):
        return 1e7
    if w in ("bn", "billion", "mrd"):
        return 1e9
    if w in ("m", "mm", "mn", "mio", "million"):
        return 1e6
    return 1e3


def currency_of(pre: str | None, post: str | None, account: str) -> tuple[str | None, bool]:
    """Return (currency, explicit) from the symbols or words around a number."""
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
