"""What changed when: the report's action marks and daily budgets, from the plan and the actions.

The charts put cause beside effect: each applied action is marked on the day it was applied
(`action_marks`, a short label per day, and per ad set on that ad set's panel), and each ad set's
daily budget is drawn beside its spend (`daily_budgets`); under a campaign budget (CBO) the
campaign's daily budget is drawn beside its total spend instead (`campaign_budget`), and the ad
sets, which hold no budget of their own, have no budget line.

Budgets are the plan's (an ad set's own budget, or its equal share of an ad-set-level budget:
`agents.orchestrator.card.ad_set_budgets`) until an applied `set_adset_budget` wrote another;
each write's `before` (read back from Meta before it) corrects the plan's figure, and its `after`
holds from its day on. The plan's ad sets are matched to the launched ones by the keys the
launch used (`results.ad_set_ids`): a launch the loop never touched still has its budget
lines. A paused ad set (`pause_adset`) has no budget to spend from that day. A lifetime budget
is not a daily one: such ad sets have no budget line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from agents.insights.results import ad_set_ids
from state.rules import currency_offset, format_money

# Short words for each action a chart marks (the tool's name otherwise, in words).
SHORT = {
    "pause_ad": "pause ad",
    "pause_adset": "pause ad set",
    "set_adset_budget": "budget",
    "set_campaign_budget": "campaign budget",
    "set_adset_spend_limits": "spend limits",
    "refresh_creative": "new ads",
    "activate": "start",
}


def applied(actions: Sequence[Mapping[str, Any]] | None) -> list[Mapping[str, Any]]:
    """Return the actions that changed something on Meta (not advice merely noted), with a day."""
    return [a for a in actions or [] if a.get("status") == "applied" and a.get("applied_date")]


def _target(a: Mapping[str, Any]) -> Mapping[str, Any]:
    return a.get("target") or {}


def ad_set_of(a: Mapping[str, Any]) -> str | None:
    """Return the ad set an action touched: its target when an ad set, else its target's parent."""
    t = _target(a)
    if t.get("level") == "adset":
        return str(t.get("id"))
    if t.get("level") == "ad":
        return str(t.get("parent_id") or "") or None
    return None


def _budget(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def daily_budget(a: Mapping[str, Any], side: str) -> int | None:
    """Return an action's daily budget on `side` ("before" or "after"), minor units, or None."""
    return _budget((a.get(side) or {}).get("daily_budget"))


def change_words(a: Mapping[str, Any], currency: str) -> str:
    """One action in a few words: "budget USD 40.00 → USD 38.70", "pause ad", "new ads"."""
    name = str(a.get("name") or "")
    before = daily_budget(a, "before")
    after = daily_budget(a, "after")
    if name in ("set_adset_budget", "set_campaign_budget") and after is not None:
        was = f"{format_money(before, currency)} → " if before is not None else ""
        return f"{SHORT[name]} {was}{format_money(after, currency)}"
    return SHORT.get(name, name.replace("_", " "))


def _kind(a: Mapping[str, Any]) -> str:
    name = str(a.get("name") or "")
    if name in ("set_adset_budget", "set_campaign_budget"):
        before = daily_budget(a, "before")
        after = daily_budget(a, "after")
        if before is not None and after is not None and before != after:
            return f"{SHORT[name]} {'↑' if after > before else '↓'}"
    return SHORT.get(name, name.replace("_", " "))


def action_marks(
    actions: list[Mapping[str, Any]] | None, ad_set: str | None = None
) -> list[dict[str, Any]]:
    """One mark per day with applied actions: `{"date", "label", "count"}`, oldest first.

    The label counts each kind ("budget ↑, 2× pause ad, new ads"); with `ad_set`, only the
    actions on that ad set or its ads.
    """
    days: dict[str, Counter[str]] = {}
    for a in applied(actions):
        if ad_set is not None and ad_set_of(a) != str(ad_set):
            continue
        days.setdefault(str(a["applied_date"])[:10], Counter())[_kind(a)] += 1
    return [
        {"date": d, "count": sum(c.values()),
         "label": ", ".join(k if n == 1 else f"{n}× {k}" for k, n in c.most_common())}
        for d, c in sorted(days.items())
    ]


def _planned(plan: Mapping[str, Any], created: Mapping[str, Any]) -> dict[str, int]:
    """Each launched ad set's daily budget as planned, by Meta id (none under CBO or lifetime)."""
    from agents.orchestrator.card import ad_set_budgets

    try:
        budgets = ad_set_budgets(dict(plan))
    except ValueError:  # a partial plan (adopted, or a test's): the actions say what they know
        return {}
    out = {}
    for sid, b in zip(ad_set_ids(plan, created), budgets, strict=False):
        if sid and b and b.get("kind") == "daily":
            out[str(sid)] = int(b["amount_minor"])
    return out


def daily_budgets(
    plan: Mapping[str, Any] | None,
    created: Mapping[str, Any] | None,
    actions: list[Mapping[str, Any]] | None,
    days: list[str],
) -> dict[str, list[float | None]]:
    """Each ad set's daily budget (minor units) on each of `days`; None where it had none.

    Ad sets with no known daily budget are left out.
    """
    start = _planned(plan or {}, created or {})
    changes: dict[str, list[tuple[str, int | None]]] = {}
    for a in sorted(applied(actions), key=lambda a: str(a.get("applied_at") or a["applied_date"])):
        sid, day = ad_set_of(a), str(a["applied_date"])[:10]
        if sid is None:
            continue
        if a.get("name") == "set_adset_budget":
            before = daily_budget(a, "before")
            if before is not None and sid not in changes:
                start[sid] = before  # what Meta held before the first write
            changes.setdefault(sid, []).append(
                (day, daily_budget(a, "after")))
        elif a.get("name") == "pause_adset":
            changes.setdefault(sid, []).append((day, None))
    out: dict[str, list[float | None]] = {}
    for sid in sorted(set(start) | set(changes)):
        if sid not in start:
            continue
        value: int | None = start[sid]
        steps = iter(changes.get(sid, []))
        nxt = next(steps, None)
        series: list[float | None] = []
        for d in days:
            while nxt is not None and nxt[0] <= d:
                value, nxt = nxt[1], next(steps, None)
            series.append(None if value is None else float(value))
        out[sid] = series
    return out


def total_budget(budgets: Mapping[str, list[float | None]], n: int) -> list[float | None]:
    """Sum the ad sets' daily budgets on each day (None when none had one)."""
    out: list[float | None] = []
    for i in range(n):
        values = [v[i] for v in budgets.values() if v[i] is not None]
        out.append(float(sum(v for v in values if v is not None)) if values else None)
    return out


def campaign_budget(
    plan: Mapping[str, Any] | None,
    actions: list[Mapping[str, Any]] | None,
    days: list[str],
) -> list[float | None] | None:
    """Return the campaign's own daily budget (minor units) on each of `days` under CBO.

    None when the ad sets hold the budgets (their sum is drawn instead) or no day has a daily
    one (a lifetime campaign budget). The plan's figure holds until an applied
    `set_campaign_budget`; the first write's `before` corrects it, each `after` holds from its day.
    """
    budget = (plan or {}).get("budget") or {}
    writes = sorted((a for a in applied(actions) if a.get("name") == "set_campaign_budget"),
                    key=lambda a: str(a.get("applied_at") or a["applied_date"]))
    if budget.get("level") != "campaign" and not writes:
        return None
    value = _budget(budget.get("amount_minor")) if budget.get("kind") == "daily" else None
    steps: list[tuple[str, int]] = []
    for a in writes:
        after = daily_budget(a, "after")
        if after is None:
            continue  # a lifetime budget's write: no daily figure to draw
        if not steps and (before := daily_budget(a, "before")):
            value = before  # what Meta held before the first write
        steps.append((str(a["applied_date"])[:10], after))
    out: list[float | None] = []
    for d in days:
        while steps and steps[0][0] <= d:
            value = steps.pop(0)[1]
        out.append(None if value is None else float(value))
    return out if any(v is not None for v in out) else None


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def budget_lines(
    plan: Mapping[str, Any] | None,
    created: Mapping[str, Any] | None,
    actions: list[Mapping[str, Any]] | None,
    days: list[str],
) -> dict[str, Any]:
    """Return the daily budget lines the charts draw (minor units, one per day of `days`).

    `total` is the line beside the campaign's spend: the campaign's own daily budget under a
    campaign budget (`campaign_budget`), else the sum of its ad sets'; `by_ad_set` each ad set's
    line (by Meta id; none under a campaign budget, where ad sets hold none); `level` is the
    plan's budget level.
    """
    by_set = daily_budgets(plan, created, actions, days)
    total = campaign_budget(plan, actions, days) or total_budget(by_set, len(days))
    return {"level": ((plan or {}).get("budget") or {}).get("level"), "total": total,
            "by_ad_set": by_set}


def budget_days(lines: Mapping[str, Any], days: list[str]) -> dict[str, Any]:
    """Say `budget_lines` for the JSON report: one record per day, each figure `*_minor`.

    `{"level", "days": [{"date", "total_minor", "ad_sets": [{"id", "daily_budget_minor"}]}]}`.
    """
    return {"level": lines["level"], "days": [
        {"date": d, "total_minor": _int(lines["total"][i]),
         "ad_sets": [{"id": k, "daily_budget_minor": _int(v[i])}
                     for k, v in lines["by_ad_set"].items()]}
        for i, d in enumerate(days)]}


__all__ = ["SHORT", "action_marks", "ad_set_of", "applied", "budget_days", "budget_lines",
           "campaign_budget", "change_words", "daily_budgets", "total_budget"]


def cost_series(
    rows: list[dict[str, Any]], window: int = 3
) -> dict[str, list[tuple[str, float | None]]]:
    """Each entity's cost per result (minor) per day over a trailing window of days (sums).

    A window with spend and no result is None (a gap: "no results"); days with no spend in
    the window are left out (nothing was bought, so there is nothing to say).
    """
    series: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for r in rows:
        series[r["entity_id"]][r["date"]][0] += r["spend_minor"]
        series[r["entity_id"]][r["date"]][1] += r["kpi"]
    out: dict[str, list[tuple[str, float | None]]] = {}
    for eid, days in series.items():
        keys = sorted(days)
        points: list[tuple[str, float | None]] = []
        for i, d in enumerate(keys):
            span = keys[max(0, i - window + 1) : i + 1]
            spend = sum(days[k][0] for k in span)
            res = sum(days[k][1] for k in span)
            if spend > 0:
                points.append((d, spend / res if res > 0 else None))
        out[eid] = points
    return out


def ad_set_daily_spend(rows: list[dict[str, Any]], currency: str
                       ) -> tuple[list[str], list[str], dict[tuple[str, str], float]]:
    """Return (ad set ids, days, (id, day) → spend in major units) of daily ad set rows."""
    off = currency_offset(currency)
    spend: dict[tuple[str, str], float] = defaultdict(float)
    for r in rows:
        spend[(r["entity_id"], r["date"])] += r["spend_minor"] / off
    return sorted({r["entity_id"] for r in rows}), sorted({r["date"] for r in rows}), spend
