"""The pieces of a question about existing campaigns: its dates, its result, one row's numbers.

`agents/insights/answer.py` asks Meta and writes the answer; this module holds what it needs
that does not talk to Meta:

- `resolve_range(date_range, today)` → `(since, until, preset)`: Meta's `date_preset`
  meanings on the account-local `today` (presets exclude today except `today`,
  `this_week_*_today`, `this_month`, `this_quarter`, `this_year` and `maximum`, whose start
  Meta decides: `since` is None); `previous_range` is the equal-length period just before;
  `range_words` says a range in words ("last week (9–15 March)");
- `result_event(objective, adsets)`: what counts as a result (the ad sets' promoted event, else
  the optimisation goal's, else the objective's): `PURCHASE`, `LEAD`, `LANDING_PAGE_VIEW`,
  `LINK_CLICK`, ... or `RECALLERS` / `REACH`, which are not actions;
- `row_metrics(raw, ...)`: one Graph insights row → the question's metrics, through
  `state.insights_store.parse_row` and `derive` (ratios from sums): money in minor units,
  `ctr` in percent, `cpa` None when there are no results, `roas` = purchase value / spend;
- `money_words`, `metric_words`: numbers as a person reads them.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from state.insights_store import GOAL_RESULTS, conversions_of, currency_factor, derive, parse_row
from state.intent import DateRange
from state.rules import currency_offset, format_money

MONEY_METRICS = frozenset({"spend", "cpc", "cpm", "cpa", "revenue"})
ALL_METRICS = ("spend", "impressions", "reach", "frequency", "clicks", "ctr", "cpc", "cpm",
               "results", "cpa", "roas", "revenue")
NOT_ACTIONS = frozenset({"RECALLERS", "REACH"})
GOAL_EVENTS = {
    "LANDING_PAGE_VIEWS": "LANDING_PAGE_VIEW", "LINK_CLICKS": "LINK_CLICK",
    **GOAL_RESULTS, "AD_RECALL_LIFT": "RECALLERS",
    "REACH": "REACH", "POST_ENGAGEMENT": "POST_ENGAGEMENT", "APP_INSTALLS": "MOBILE_APP_INSTALL",
}
OBJECTIVE_EVENTS = {
    "OUTCOME_SALES": "PURCHASE", "OUTCOME_LEADS": "LEAD", "OUTCOME_TRAFFIC": "LANDING_PAGE_VIEW",
    "OUTCOME_AWARENESS": "RECALLERS", "OUTCOME_ENGAGEMENT": "POST_ENGAGEMENT",
    "OUTCOME_APP_PROMOTION": "MOBILE_APP_INSTALL",
}
RESULT_WORDS = {  # (one, many)
    "PURCHASE": ("purchase", "purchases"), "LEAD": ("lead", "leads"),
    "LEAD_FORM": ("lead", "leads"),
    "CONVERSATIONS": ("conversation started", "conversations started"),
    "LANDING_PAGE_VIEW": ("landing page view", "landing page views"),
    "LINK_CLICK": ("link click", "link clicks"), "RECALLERS": ("ad recaller", "ad recallers"),
    "REACH": ("person reached", "people reached"),
    "COMPLETE_REGISTRATION": ("registration", "registrations"),
    "ADD_TO_CART": ("add to cart", "adds to cart"),
    "INITIATED_CHECKOUT": ("checkout", "checkouts"),
    "POST_ENGAGEMENT": ("post engagement", "post engagements"),
    "MOBILE_APP_INSTALL": ("app install", "app installs"),
}
PRESET_WORDS = {
    "today": "today", "yesterday": "yesterday", "this_month": "this month",
    "last_month": "last month", "this_quarter": "this quarter", "last_quarter": "last quarter",
    "this_year": "this year", "last_year": "last year", "maximum": "since launch",
    "data_maximum": "since launch", "last_week_mon_sun": "last week",
    "last_week_sun_sat": "last week", "this_week_mon_today": "this week",
    "this_week_sun_today": "this week",
}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}
DEFAULT_RANGE = DateRange(preset="last_7d")


def _quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def resolve_range(date_range: DateRange | None, today: date) -> tuple[str | None, str, str | None]:
    """Return `(since, until, preset)` of a question's dates (ISO; since None for `maximum`)."""
    dr = date_range or DEFAULT_RANGE
    if not dr.preset:
        until = str(dr.until)
        return (dr.since or None), until, None
    preset = dr.preset
    days = re.fullmatch(r"last_(\d+)d", preset)
    mon = today - timedelta(days=today.weekday())
    sun = today - timedelta(days=(today.weekday() + 1) % 7)
    first = today.replace(day=1)
    prev_end = first - timedelta(days=1)
    quarter = _quarter_start(today)
    table: dict[str, tuple[date | None, date]] = {
        "today": (today, today),
        "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "this_month": (first, today),
        "last_month": (prev_end.replace(day=1), prev_end),
        "this_quarter": (quarter, today),
        "last_quarter": (_quarter_start(quarter - timedelta(days=1)), quarter - timedelta(days=1)),
        "this_year": (date(today.year, 1, 1), today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        "last_week_mon_sun": (mon - timedelta(days=7), mon - timedelta(days=1)),
        "last_week_sun_sat": (sun - timedelta(days=7), sun - timedelta(days=1)),
        "this_week_mon_today": (mon, today),
        "this_week_sun_today": (sun, today),
        "maximum": (None, today),
        "data_maximum": (None, today),
    }
    since: date | None
    if days:
        since, end = today - timedelta(days=int(days.group(1))), today - timedelta(days=1)
    elif preset in table:
        since, end = table[preset]
    else:
        raise ValueError(f"date preset {preset!r} is not one of Meta's (e.g. last_7d, last_month)")
    return (since.isoformat() if since else None), end.isoformat(), preset


def previous_range(since: str, until: str) -> tuple[str, str]:
    """Return the equal-length period just before `[since, until]`."""
    start, end = date.fromisoformat(since), date.fromisoformat(until)
    prev_end = start - timedelta(days=1)
    return (prev_end - (end - start)).isoformat(), prev_end.isoformat()


def iso_weeks(since: str, until: str) -> list[tuple[str, str]]:
    """Cut `[since, until]` at Mondays: one `(since, until)` per ISO week (ends clipped)."""
    start, end = date.fromisoformat(since), date.fromisoformat(until)
    out = []
    while start <= end:
        stop = min(end, start + timedelta(days=6 - start.weekday()))
        out.append((start.isoformat(), stop.isoformat()))
        start = stop + timedelta(days=1)
    return out


def span_words(since: str | None, until: str, today: date | None = None) -> str:
    """Say a span of days: "17 March", "9–15 March", "28 February – 6 March 2026"."""
    end = date.fromisoformat(until)
    year = (today or end).year

    def day(d: date, with_month: bool = True) -> str:
        text = f"{d.day} {d:%B}" if with_month else str(d.day)
        return f"{text} {d.year}" if with_month and d.year != year else text

    if since is None:
        return f"until {day(end)}"
    start = date.fromisoformat(since)
    if start == end:
        return day(end)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{day(end)}"
    if start.year == end.year and end.year == year:
        return f"{day(start)} – {day(end)}"
    return f"{start.day} {start:%B} {start.year} – {end.day} {end:%B} {end.year}"


def range_words(since: str | None, until: str, preset: str | None, today: date) -> str:
    """Say a resolved range: "last week (9–15 March)", "the last 7 days (11–17 March)"."""
    span = span_words(since, until, today)
    days = re.fullmatch(r"last_(\d+)d", preset or "")
    if days:
        return f"in the last {days.group(1)} days ({span})"
    if preset in ("maximum", "data_maximum"):
        start = date.fromisoformat(since) if since else None
        return f"since launch ({start.day} {start:%B})" if start else "since launch"
    if preset in PRESET_WORDS:
        return f"{PRESET_WORDS[preset]} ({span})"
    return f"on {span}" if since == until else f"over {span}"


def result_event(objective: str | None, adsets: list[dict[str, Any]] | None = None) -> str:
    """Return what counts as a result: the promoted event, the goal's, else the objective's."""
    for s in adsets or []:
        event = str((s.get("promoted_object") or {}).get("custom_event_type") or "").upper()
        if event and event != "OTHER":
            return event
    goals = {str(s.get("optimization_goal") or "") for s in adsets or []} - {""}
    for goal in sorted(goals):
        if goal in GOAL_EVENTS:
            return GOAL_EVENTS[goal]
    return OBJECTIVE_EVENTS.get(str(objective or ""), "PURCHASE")


def result_words(event: str, n: float | None = None) -> str:
    """Name a result in words, singular when `n` is 1 ("purchase", "leads")."""
    one, many = RESULT_WORDS.get(event, (event.lower().replace("_", " "),
                                        event.lower().replace("_", " ") + "s"))
    return one if n == 1 else many


def row_metrics(raw: dict[str, Any], *, level: str, currency: str, event: str,
                dims: tuple[str, ...] = ()) -> dict[str, Any]:
    """One Graph insights row → every question metric (money in minor units, CTR in %)."""
    parsed = parse_row(raw, level=level, currency=currency,
                       conversion_event="PURCHASE" if event in NOT_ACTIONS else event, dims=dims)
    if event == "RECALLERS":
        results: float = float(parsed["recallers"])
    elif event == "REACH":
        results = float(parsed["reach"])
    else:
        results = float(parsed["conversions"])
    value = round(conversions_of(raw.get("action_values"), "PURCHASE") * currency_factor(currency))
    sums = {k: parsed[k] for k in ("impressions", "reach", "clicks", "link_clicks", "spend_minor")}
    d = derive({**sums, "conversions": results, "conversion_value_minor": value})
    return {
        "spend": parsed["spend_minor"], "impressions": parsed["impressions"],
        "reach": parsed["reach"], "frequency": d["frequency"], "clicks": parsed["clicks"],
        "ctr": d["ctr"], "cpc": d["cpc_minor"], "cpm": d["cpm_minor"], "results": results,
        "cpa": d["cpa_minor"], "roas": d["roas"], "revenue": value,
    }


def money_words(minor: float | None, currency: str) -> str:
    """Say minor units of money: "$1,234.56", "€40.00", "JPY 8,000" ("—" when unknown)."""
    if minor is None:
        return "—"
    symbol = SYMBOLS.get(currency.upper())
    if symbol is None:
        return format_money(int(round(minor)), currency)
    off = currency_offset(currency)
    return f"{symbol}{minor:,.0f}" if off == 1 else f"{symbol}{minor / off:,.2f}"


def count_words(n: float | None) -> str:
    """Say a count: whole numbers with separators, fractions (modelled conversions) to 1 dp."""
    if n is None:
        return "—"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


def metric_words(metric: str, value: float | None, currency: str, *, no_result: str) -> str:
    """Say one metric's value as the table and the sentence show it."""
    if value is None:
        return no_result if metric in ("cpa", "roas") else "—"
    if metric in MONEY_METRICS:
        return money_words(value, currency)
    if metric == "ctr":
        return f"{value:.2f}%"
    if metric == "roas":
        return f"{value:.2f}"
    if metric == "frequency":
        return f"{value:.2f}"
    return count_words(value)


def change_pct(now: float | None, before: float | None) -> float | None:
    """Return the % change from `before` to `now` (None when either is missing or before is 0)."""
    if now is None or before is None or before == 0:
        return None
    return (now - before) / abs(before) * 100.0
