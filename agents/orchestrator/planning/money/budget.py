"""Settle a brief's money statements into one budget, or a question naming the phrases.

- A later statement with a correction cue replaces the earlier budgets ("$50/day — actually make
  it $70", "scratch that, 70 a day", an appended "Budget: $75 a day" answer line); the card
  says so with an `Adjustment` ("later ‘$70’ overrides earlier ‘$50/day’"). A bare corrected
  amount keeps the earlier period ("$50/day, no wait $70" is $70 a day).
- Two different budgets with no such cue are a conflict ("$75 a day or $2000 total"), except a
  daily budget and a total that agree over the stated schedule ("$50/day, $1,500 total over 30
  days": the daily budget is kept, the schedule's end date carries the total).
- A yearly budget next to a campaign budget is context ("our annual budget is 1.2 crore but
  for this one it's ₹60,000 a month").
- Impossible values are asked, never corrected: negative or zero money, a budget range, period
  words that disagree ("lifetime budget of $60 a day"), a period left open ("… or weekly?").
- A weekly, monthly or yearly budget becomes daily with an `Adjustment` saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agents.orchestrator.planning import SPEND, Adjustment, Question
from agents.orchestrator.planning.money.parse import SPREAD_DAYS, Money, find_money
from state import rules

SPREAD_WHY = {"weekly": "a weekly budget, spread per day", "monthly": "a monthly budget, spread "
              "per day (30 days a month)", "yearly": "a yearly budget, spread per day (365 days)"}


@dataclass
class BudgetRead:
    """The budget a brief states (or None), every amount seen, and what to ask or show."""

    money: Money | None = None
    seen: list[Money] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)


def _q(question: str, kind: str, phrase: str) -> Question:
    return Question("budget", question, kind, phrase, SPEND)  # type: ignore[arg-type]


def _strong(m: Money) -> bool:
    """Tell a stated budget (a period, a currency, a cue) from a bare number near "budget"."""
    return bool(m.kind or m.explicit or m.correction or m.alternative or m.ranged)


def _same(a: Money, b: Money) -> bool:
    return a.currency == b.currency and abs(a.amount - b.amount) < 0.005 and \
        (a.kind == b.kind or a.kind is None or b.kind is None)


def _overrides(budgets: list[Money]) -> tuple[list[Money], list[Adjustment]]:
    """Apply correction cues in order: return the budgets still standing and what was replaced."""
    standing: list[Money] = []
    adjustments: list[Adjustment] = []
    for m in budgets:
        if m.correction and standing:
            earlier = standing[-1]
            kept = ""
            if m.kind is None:  # "$50/day, no wait $70": the period stays
                m.kind, m.converted_from = earlier.kind, earlier.converted_from
                if earlier.converted_from:
                    m.amount = m.stated / SPREAD_DAYS[earlier.converted_from]
                kept = f" ({_period_word(earlier)}, as before)"
            replaced = [e for e in standing if not _same(m, e)]
            if replaced:
                was = " and ".join(f"‘{e.phrase}’" for e in replaced)
                adjustments.append(Adjustment(
                    "budget.amount_minor", " / ".join(e.phrase for e in replaced), m.phrase,
                    f"later ‘{m.phrase}’{kept} overrides earlier {was}"))
            standing = [m]
        else:
            if m.alternative and m.kind is None and standing:
                m.kind = standing[-1].kind  # "25 a day or maybe 100": both are daily
            standing.append(m)
    return standing, adjustments


def _distinct(budgets: list[Money]) -> list[Money]:
    out: list[Money] = []
    for m in budgets:
        twin = next((o for o in out if _same(o, m)), None)
        if twin is None:
            out.append(m)
        elif twin.kind is None and m.kind is not None:
            out[out.index(twin)] = m
    return out


def _agree(daily: Money, total: Money, days: int | None) -> bool:
    """Tell whether a daily budget over the schedule's days spends the stated total (±2%)."""
    days = days or total.over_days
    if not days or daily.currency != total.currency:
        return False
    return abs(daily.amount * days - total.amount) <= 0.02 * total.amount


def settle(statements: list[Money], days: int | None) -> BudgetRead:
    """Pick the budget from the money statements (see the module docstring)."""
    out = BudgetRead(seen=statements)
    budgets = [m for m in statements if m.is_budget and not m.rejected]
    if any(_strong(m) for m in budgets):  # "test with 2 options … $100/day"
        budgets = [m for m in budgets if _strong(m)]
    if any(m.converted_from != "yearly" for m in budgets):
        budgets = [m for m in budgets if m.converted_from != "yearly"]  # company context
    standing, out.adjustments = _overrides(budgets)
    for m in standing:
        if m.kind_clash:
            out.flags.append(_q(f"‘{m.kind_clash}’ names two periods — is {m.amount_text} a day or "
                                f"in total? (e.g. 'Budget: {m.amount_text} a day')", "conflict",
                                m.kind_clash))
        elif m.alt_period:
            out.flags.append(_q(f"Is ‘{m.phrase}’ {_period_word(m)} or {m.alt_period}? (e.g. "
                                f"'Budget: {m.amount_text} {_period_word(m)}')", "conflict",
                                m.phrase))
        elif m.ranged:
            out.flags.append(_q(f"‘{m.phrase}’ is a range — which budget exactly? (e.g. "
                                f"'Budget: {m.amount_text}{_per(m)}')", "ambiguous", m.phrase))
    distinct = _distinct(standing)
    if len(distinct) == 2 and {m.kind for m in distinct} == {"daily", "lifetime"}:
        daily = next(m for m in distinct if m.kind == "daily")
        total = next(m for m in distinct if m.kind == "lifetime")
        if _agree(daily, total, days):
            distinct = [daily]
    if len(distinct) > 1:
        a, b = distinct[0], distinct[1]
        out.flags.append(_q(f"The brief gives two budgets, ‘{a.phrase}’ and ‘{b.phrase}’ — which "
                            f"one should the campaign spend{_lasts(a, b, days)}? (e.g. "
                            f"'Budget: {a.amount_text}{_per(a)}')", "conflict",
                            f"{a.phrase} … {b.phrase}"))
        return out
    if not distinct:
        return out
    money = distinct[0]
    if money.unclear_number:
        whole = rules.format_money(rules.to_minor(money.amount, money.currency or "USD"),
                                   money.currency or "USD")
        small = rules.format_money(rules.to_minor(money.amount / 1000, money.currency or "USD"),
                                   money.currency or "USD")
        out.flags.append(_q(f"Is ‘{money.phrase}’ {whole} or {small}? In "
                            f"{money.currency} a point marks decimals, not thousands. (e.g. "
                            f"'Budget: {whole}{_per(money)}')", "ambiguous", money.phrase))
        return out
    if money.negative:
        out.flags.append(_q(f"‘{money.phrase}’ is a negative budget — how much should the "
                            f"campaign spend? (e.g. 'Budget: {money.amount_text}{_per(money)}')",
                            "invalid", money.phrase))
        return out
    if money.amount <= 0:
        example = rules.format_money(rules.to_minor(50, money.currency or "USD"),
                                     money.currency or "USD")
        out.flags.append(_q(f"‘{money.phrase}’ is a budget of zero — Meta needs money to show "
                            "ads. How much should the campaign spend? (e.g. 'Budget: "
                            f"{example} a day')", "invalid", money.phrase))
        return out
    if any(q.kind in ("conflict", "ambiguous") for q in out.flags):
        return out
    out.money = money
    if money.converted_from:
        after = money.amount_minor()
        out.adjustments.append(Adjustment(
            "budget.amount_minor", money.phrase, after,
            f"{SPREAD_WHY[money.converted_from]}: Meta budgets are daily or lifetime "
            f"({rules.format_money(after, money.currency or 'USD')} a day)"))
    return out


def _per(m: Money) -> str:
    return {"weekly": " a week", "monthly": " a month", "yearly": " a year"}.get(
        m.converted_from or "", {"daily": " a day", "lifetime": " in total"}.get(m.kind or "", ""))


def _period_word(m: Money) -> str:
    return {"weekly": "per week", "monthly": "per month", "yearly": "per year"}.get(
        m.converted_from or "", {"daily": "per day", "lifetime": "in total"}.get(m.kind or "",
                                                                                  "the budget"))


def _lasts(a: Money, b: Money, days: int | None) -> str:
    """"; $1,500 at $50/day lasts 30 days — say the dates to keep both", when it is whole days."""
    if days or {a.kind, b.kind} != {"daily", "lifetime"} or a.currency != b.currency or \
            a.over_days or b.over_days:
        return ""
    daily, total = (a, b) if a.kind == "daily" else (b, a)
    n = total.amount / daily.amount if daily.amount > 0 else 0
    if n < 1 or abs(n - round(n)) > 1e-6:
        return ""
    return f" (at ‘{daily.phrase}’, ‘{total.phrase}’ lasts {round(n)} days: give the dates to keep both)"


# The answer to "is it a daily budget or the total?", appended as "Answer: Budget: per day"
# (or "Answer: per day" when typed).
KIND_ANSWER = re.compile(r"^\s*(?:answer\s*:\s*(?:budget\s*[:=]\s*)?|budget\s*[:=]\s*)(?:(?P<d>daily|per\s+day|a\s+day|/\s*day|each\s+day)|"
                         r"(?P<t>total|in\s+total|lifetime|overall|for\s+the\s+whole\s+campaign))"
                         r"\s*[.!]?\s*$", re.I | re.M)


def read_budget(text: str, account_currency: str, days: int | None) -> BudgetRead:
    """Find and settle the budget of `text` (`days`: the schedule's length, when stated)."""
    read = settle(find_money(text, account_currency), days)
    answers = list(KIND_ANSWER.finditer(text))
    answer = answers[-1] if answers else None  # the last answer counts
    if answer and read.money is not None and read.money.kind is None:
        read.money.kind = "daily" if answer.group("d") else "lifetime"
    return read


# Money the person must restate whatever else is asked: shown beside the questions, not after.
ALWAYS_SHOWN = {"budget_minimum", "currency"}


def money_problems(found: list[Any], money: Money | None, seen: list[Money], account: str, *,
                   all_rules: bool) -> list[dict[str, str]]:
    """Return `validate_plan`'s problems to report: all, or (while questions are open) money's.

    A budget or currency problem names the brief's phrase ("‘€40/day’"), so the person knows
    which words to change; it stays one message (the validator's), never a second question.
    """
    out = []
    for p in found:
        if not all_rules and p.rule not in ALWAYS_SHOWN:
            continue
        item = p.to_dict()
        phrase = None
        if p.rule == "budget_minimum" and money is not None:
            phrase = money.phrase
        elif p.rule == "currency":
            other = [m.phrase for m in seen if m.currency and m.currency != account.upper()]
            phrase = " … ".join(dict.fromkeys(other)) or None
        if phrase:
            item["message"] += f" (the brief says ‘{phrase}’)"
        out.append(item)
    return out
