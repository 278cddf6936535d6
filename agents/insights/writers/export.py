"""The report's writers: markdown a person reads and JSON's money units (CSV: `sheets.py`).

Markdown tables name what each row is (an ad's ad set beside the ad: several ad sets often hold
ads of the same name) and cut nothing that matters: the actions table gives each action's
reason in short, whole words with a pointer to "Why each action was taken" below it, where
every reason is written out in full. Money is in the account currency with its code.

JSON is read by programs: money stays in exact integer minor units, each field named `*_minor`
(`whole_minor` rounds the store's derived ratios half up), and the report's `money` block says
so (`money_note`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from agents.insights.timeline import ad_set_of, applied, change_words
from state.provenance import display_name
from state.rules import currency_offset, format_money

COLUMNS = (
    "name", "spend_minor", "impressions", "clicks", "link_clicks", "conversions",
    "conversion_value_minor", "ctr", "cpc_minor", "cpm_minor", "cpa_minor", "roas", "frequency",
    "conversion_rate",
)
# The store's conversion rate is results per link click (per click where none was counted):
# the column says so and the link clicks sit beside the clicks, so 11 results on 569 clicks
# reading 2.53% is not a puzzle.
HEAD = ("name", "spend", "impr.", "clicks", "link clicks", "results", "value", "CTR", "CPC",
        "CPM", "cost/result", "ROAS", "freq.", "CVR (per link click)")
NO_DELIVERY = "No delivery yet: nothing to tabulate."
# The JSON's rates as percentages, by name (the store's CTRs are one already, CVR a fraction).
RATE_PCT = {"ctr": 1, "link_ctr": 1, "conversion_rate": 100}
SHORT_WHY = 90  # characters of a reason in the actions table (whole words; the rest below it)


def cell(value: Any, key: str, currency: str) -> str:
    """One table cell: money with its currency, ratios as percentages, counts without noise."""
    if value is None:
        return "—"
    if key.endswith("_minor"):
        return format_money(int(round(float(value))), currency)
    if key in ("ctr", "conversion_rate"):  # the store's CTR is a percentage; CVR a fraction
        return f"{float(value) * (1 if key == 'ctr' else 100):.2f}%"
    if key == "conversions":
        return f"{float(value):,.4g}" if float(value) != int(value) else f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else _safe(str(value))


def _safe(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def table(rows: dict[str, dict[str, Any]], currency: str,
          ad_set_names: dict[str, str] | None = None) -> list[str]:
    """Render a markdown table of per-entity totals, most spend first.

    With `ad_set_names` (an ad's ad set name by ad id) the first column names each ad's ad set
    and rows are grouped by it. "results" are each one's own result ("Results by goal").
    """
    if not rows:  # a campaign with no delivery yet (paused, not started): no empty headers
        return [NO_DELIVERY]
    head = (("ad set",) if ad_set_names is not None else ()) + HEAD
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def order(item: tuple[str, dict[str, Any]]) -> tuple[str, float]:
        group = (ad_set_names or {}).get(item[0], "")
        return group, -float(item[1].get("spend_minor") or 0)

    for eid, r in sorted(rows.items(), key=order):
        cells = [cell(r.get(c), c, currency) for c in COLUMNS]
        if ad_set_names is not None:
            cells.insert(0, _safe(ad_set_names.get(eid) or "—"))
        out.append("| " + " | ".join(cells) + " |")
    return out


def goal_lines(goals: list[dict[str, Any]], currency: str) -> list[str]:
    """Markdown table: each ad set's result in words and its cost per result (ROAS for value)."""
    if not goals:
        return []
    out = ["## Results by goal", "", "| ad set | optimised for | results | cost per result |",
           "|---|---|---|---|"]
    for g in goals:
        if g["result"] == "purchase value":
            got = f"{format_money(int(g['results']), currency)} purchase value"
            per = f"ROAS {g['roas']:.2f}x" if g.get("roas") is not None else "—"
        else:
            got = f"{g['results']:g} {g['result']}"
            per = (format_money(g["cost_per_result_minor"], currency)
                   if g.get("cost_per_result_minor") is not None else "no result yet")
        out.append(f"| {display_name(g['name'])} | {g.get('optimised_for') or '—'} | {got} "
                   f"| {per} |")
    return out + [""]


def short(text: str, limit: int = SHORT_WHY) -> str:
    """`text` cut to whole words within `limit` characters, "…" when something was left out."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + " …"


def _on(a: dict[str, Any], names: dict[str, str]) -> str:
    t = a.get("target") or {}
    name = display_name(t.get("name", "")) or str(t.get("id") or "")
    parent = ad_set_of(a)
    if t.get("level") == "ad" and parent and names.get(parent):
        return f"{name} (ad set {names[parent]})"
    return name


def judged_effect(a: dict[str, Any]) -> str:
    """Say an action's judged effect: "improved (81% likely it helped)", "undone 2026-03-07"."""
    j = a.get("judgement") or {}
    verdict = j.get("judgement") or "not judged yet"
    if j.get("p_improved") is not None:
        verdict += f" ({j['p_improved']:.0%} likely it helped)"
    if a.get("undone_at"):  # `adpilot undo` took it back (agents/optimize/history.py)
        judged = j.get("judgement") not in (None, "pending", "undone")
        verdict = (f"undone {str(a['undone_at'])[:10]}"
                   + (f" (judged {verdict} before)" if judged else ""))
    return verdict


def action_lines(actions: list[dict[str, Any]], currency: str, names: dict[str, str]) -> list[str]:
    """Render the actions table (short reasons in whole words) and every reason in full below it."""
    if not actions:
        return ["No actions were applied."]
    lines = ["| # | applied | change | on | why (in short) | approved by | judged |",
             "|---|---|---|---|---|---|---|"]
    details = ["", "### Why each action was taken", ""]
    for i, a in enumerate(actions, 1):
        verdict = judged_effect(a)
        reasons = [" ".join(str(r).split()) for r in a.get("reasons") or []]
        why = short(reasons[0]) if reasons else "—"
        if len(reasons) > 1 or (reasons and why != reasons[0]):
            why += f" (see {i} below)"
        change = change_words(a, currency)
        lines.append(f"| {i} | {a.get('applied_date') or ''} | {_safe(change)} | "
                     f"{_safe(_on(a, names))} | {_safe(why)} | {a.get('approved_by') or ''} | "
                     f"{verdict} |")
        details.append(f"{i}. **{change}** on {_on(a, names)}, {a.get('applied_date') or ''} "
                       f"(`{a['name']}`, {a.get('status')}): " + ("; ".join(reasons) or "—") + ".")
    return lines + details


# What each chart shows, by its file's name (`reporting._charts`, `experiment_chart`).
CHARTS = {
    "daily_spend_results": "daily spend beside the daily budget, with results",
    "cost_per_result": "cost per result by ad set",
    "spend_by_ad_set": "daily spend and budget by ad set",
    "which_is_winning": "which ad set or variant is winning",
}
NUMBERS = ("No", "One", "Two", "Three", "Four", "Five", "Six")


def charts_intro(pngs: list[str], marked: bool = True) -> str:
    """Say how many charts follow and what each shows: those drawn, not those that could be.

    A chart with nothing to draw is not written (no comparison with a single ad set, no time
    chart before any delivery), so the count is of the files given. The dotted lines are
    explained only when `marked` (adpilot applied an action): otherwise there are none.
    """
    n = len(pngs)
    if not n:
        return "No charts: nothing has been delivered yet."
    count = NUMBERS[n] if n < len(NUMBERS) else str(n)
    what = "; ".join(CHARTS.get(Path(p).stem, Path(p).stem.replace("_", " ")) for p in pngs)
    return (f"{count} chart{'s' if n > 1 else ''}: {what}."
            + (" Dotted lines on the time charts mark the days adpilot's actions were applied."
               if marked else ""))


def write_md(out: Path, f: dict[str, Any], summary: str, sets: dict[str, Any],
             ads: dict[str, Any], ad_set_of_ad: dict[str, str], actions: list[dict[str, Any]],
             currency: str, pngs: list[str], extra: list[str] | None = None) -> Path:
    """Write report.md (summary, tables, actions with judgements and reasons, charts).

    `ad_set_of_ad` names each ad's ad set by ad id; `extra` (results by goal, the dynamic
    creative's assets) follows the ad and ad set tables.
    """
    names = {k: v["name"] for k, v in sets.items()}
    lines = [
        f"# Performance report — {f['campaign']}", "",
        *([f"Ad account {f['account']}. Money is in {currency}.", ""] if f.get("account")
          else [f"Money is in {currency}.", ""]),
        "## Executive summary", "", summary, "",
        "## Ad sets", "", *table(sets, currency), "",
        "## Ads", "", *table(ads, currency, ad_set_of_ad), "",
        *(extra or []),
        "## Actions taken and their judged effect", "",
        *action_lines(actions, currency, names),
        "", "## Charts", "", charts_intro(pngs, marked=bool(applied(actions))), "",
        *[f"![{Path(p).stem}]({Path(p).name})" for p in pngs],
        "",
        "Frequency is impressions ÷ the sum of daily reach: a lower bound of Meta's figure over "
        "several days (reach is not additive). Conversions count each purchase once "
        "(pixel, `purchase` and `omni_purchase` report the same event), and each lead once "
        "(`onsite_conversion.lead_grouped` and `lead` report the same form leads). CVR is "
        "results per link click (per click where Meta counted no link click).",
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def whole(amount: Any) -> int | None:
    """Round an amount of minor units to a whole one, half up (12.5 → 13); None if not a number.

    The store derives CPC, CPM and CPA by dividing sums, and the loop's evidence holds float
    sums; a program reading `*_minor` is promised integers (`money_note`).
    """
    if amount is None or isinstance(amount, bool):
        return None
    try:
        exact = Decimal(repr(amount) if isinstance(amount, float) else str(amount))
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (InvalidOperation, ValueError):  # NaN, infinity, words
        return None


def whole_minor(value: Any, minor: bool = False) -> Any:
    """Return `value` (a JSON document) with every field named `*_minor` a whole number.

    Lists under such a name (a budget line, one figure per day) are rounded item by item.
    """
    if isinstance(value, dict):
        return {k: whole_minor(v, str(k).endswith("_minor")) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [whole_minor(v, minor) for v in value]
    return whole(value) if minor else value


def with_pct(row: dict[str, Any]) -> dict[str, Any]:
    """Return `row` plus `ctr_pct`, `link_ctr_pct` and `conversion_rate_pct`: each a percentage.

    The store keeps CTR as a percentage but conversion rate as a fraction; the `*_pct` fields
    say their unit in their name. The old fields stay: programs read them (`money_note`).
    """
    out = dict(row)
    for key, scale in RATE_PCT.items():
        if key in row:
            out[f"{key}_pct"] = None if row[key] is None else round(float(row[key]) * scale, 4)
    return out


def money_note(currency: str) -> dict[str, Any]:
    """Return the JSON report's statement of its units (money, and the rates beside it)."""
    off = currency_offset(currency)
    return {"currency": currency, "units": "minor", "minor_per_major": off,
            "note": f"every field named *_minor is an integer amount of {currency}'s minor units"
                    f" ({off} to one {currency}), rounded half up; comparison.ranges and "
                    "comparison.target are in major units, as the chart draws them; other money "
                    "fields are already in words",
            "rates": "ctr_pct, link_ctr_pct and conversion_rate_pct are percentages (1.17 is "
                     "1.17%); conversion_rate_pct is results per link click (per click where "
                     "none was counted). The older ctr and link_ctr are percentages too, "
                     "conversion_rate a fraction (0.0117)"}


__all__ = ["action_lines", "cell", "charts_intro", "goal_lines", "judged_effect", "money_note",
           "short", "table", "whole", "whole_minor", "with_pct", "write_md"]
