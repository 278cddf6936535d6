"""The report's CSV files: figures a person reads in a spreadsheet, each in the unit its name says.

- **Money** is in the account currency's major units, to its decimals (`spend` 12.34 for USD,
  16000 for JPY; rounded half up from minor units), with a `currency` column on every row.
- **Rates are percentages, and their names say so**: `ctr_pct`, `link_ctr_pct`,
  `conversion_rate_pct` and the judgement's `p_improved_pct` (1.17 is 1.17%), two decimals.
  The store keeps CTR as a percentage but conversion rate as a fraction; a spreadsheet beside
  one must not have to guess which is which.
- **Other numbers** (ROAS, frequency, fractional results) to two decimals; whole counts without
  a decimal point (9 conversations, not 9.0).
- **Names** are the ones people gave, without adpilot's ` [ap:…]` provenance tag
  (`state.provenance.display_name`).

Files: daily.csv (every stored daily row), ad_sets.csv (with each one's result by its goal),
ads.csv, actions.csv and, for dynamic creative, assets.csv.
"""

from __future__ import annotations

import csv
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from agents.insights.timeline import ad_set_of, change_words
from agents.insights.writers.export import RATE_PCT, whole
from state.insights_store import InsightsStore
from state.provenance import display_name
from state.rules import currency_offset

# Rate columns, and what turns each into a percentage (the store's CTRs are one already).
PERCENT = {**RATE_PCT, "p_improved": 100}
NAMES = ("name", "ad_name", "ad_set", "target")  # columns holding names people read
# The header row of a file with no rows, as a file with rows would have it.
_SUMS = ("clicks", "conversions", "impressions", "link_clicks", "reach", "recallers")
_RATES = ("cpa", "cpc", "cpm", "conversion_rate_pct", "conversion_value", "ctr_pct", "frequency",
          "link_ctr_pct", "roas", "spend")
HEADERS = {
    "actions.csv": sorted(("applied_date", "applied_at", "action", "change", "level", "target_id",
                           "target", "ad_set_id", "budget_before", "budget_after", "currency",
                           "why", "approved_by", "status", "judgement", "p_improved_pct")),
    "ad_sets.csv": sorted(("id", "name", "days", "currency", "attribution_setting", *_SUMS,
                           *_RATES, "optimised_for", "result", "results", "cost_per_result")),
    "ads.csv": sorted(("id", "name", "days", "currency", "attribution_setting", "adset_id",
                       "ad_set", *_SUMS, *_RATES)),
    "daily.csv": sorted(("ad_id", "adset_id", "attribution_setting", "breakdown", "campaign_id",
                         "conversion_event", "conversion_value", "currency", "date", "dims",
                         "entity_id", "level", "name", "pulled_at", "spend",
                         *_SUMS)),
}
PLACES = 2  # decimals of percentages, ratios and fractional counts


def major(amount_minor: Any, currency: str) -> str:
    """Minor units as a major-unit decimal for a spreadsheet ("12.34"; "8000" for JPY).

    Rounded half up to a whole minor unit first, so the figure has the currency's decimals.
    """
    off = currency_offset(currency)
    places = len(str(off)) - 1
    value = Decimal(whole(amount_minor) or 0) / off
    return f"{value:.{places}f}"


def number(value: Any) -> Any:
    """Return a count or ratio for a cell: whole numbers bare, others to `PLACES` decimals."""
    if not isinstance(value, float):
        return value
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() else f"{value:.{PLACES}f}"


def sheet_row(row: dict[str, Any], currency: str) -> dict[str, Any]:
    """`row` for a spreadsheet (see the module docstring): each cell in the unit its name says."""
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k.endswith("_minor"):
            out[k.removesuffix("_minor")] = None if v is None else major(v, currency)
        elif k in PERCENT:
            out[f"{k}_pct"] = None if v is None else f"{float(v) * PERCENT[k]:.{PLACES}f}"
        elif k in NAMES and isinstance(v, str):
            out[k] = display_name(v)
        else:
            out[k] = number(v)
    out["currency"] = row.get("currency") or currency
    return out


def action_row(a: dict[str, Any], currency: str) -> dict[str, Any]:
    """One applied action for a spreadsheet: what changed in words, budgets in minor units."""
    t = a.get("target") or {}
    before = (a.get("before") or {}).get("daily_budget")
    after = (a.get("after") or {}).get("daily_budget")
    j = a.get("judgement") or {}
    return {
        "applied_date": a.get("applied_date"), "applied_at": a.get("applied_at"),
        "action": a.get("name"), "change": change_words(a, currency),
        "level": t.get("level"), "target_id": t.get("id"), "target": t.get("name"),
        "ad_set_id": ad_set_of(a),
        "budget_before_minor": before if before not in (None, "") else None,
        "budget_after_minor": after if after not in (None, "") else None,
        "currency": currency, "why": "; ".join(a.get("reasons") or []),
        "approved_by": a.get("approved_by"), "status": a.get("status"),
        "judgement": j.get("judgement"), "p_improved": j.get("p_improved"),
    }


def _result(goal: dict[str, Any]) -> dict[str, Any]:
    """Return an ad set's result columns (a purchase value is money: `results` in major units)."""
    out = {f: goal.get(f) for f in ("optimised_for", "result", "cost_per_result_minor")}
    key = "results_minor" if goal.get("result") == "purchase value" else "results"
    return {**out, key: goal.get("results")}


def write_csvs(
    out: Path,
    store: InsightsStore,
    cid: str,
    sets: dict[str, Any],
    ads: dict[str, Any],
    actions: list[dict[str, Any]],
    currency: str,
    goals: list[dict[str, Any]] | None = None,
    assets: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Write daily.csv, ad_sets.csv (with each one's result), ads.csv, actions.csv, assets.csv.

    `ads` carry `adset_id` and `ad_set` (its name); `assets.csv` (the dynamic creative's
    assets, ranked) only when there are any.
    """
    written = []
    daily = [r for lvl in ("campaign", "adset", "ad") for r in store.daily(cid, lvl)]
    by_goal = {str(g["id"]): g for g in goals or []}
    files: list[tuple[str, list[dict[str, Any]]]] = [
        ("daily.csv", daily),
        ("ad_sets.csv", [{"id": k, **v, **(_result(by_goal[str(k)]) if str(k) in by_goal else {})}
                         for k, v in sets.items()]),
        ("ads.csv", [{"id": k, **v} for k, v in ads.items()]),
        ("actions.csv", [action_row(a, currency) for a in actions]),
    ]
    if assets:
        files.append(("assets.csv", assets))
    for name, rows in files:
        rows = [sheet_row(r, currency) for r in rows]
        path = out / name
        # No rows (no action applied, no delivery yet): the header row alone, never a bare word.
        keys = sorted({k for r in rows for k in r}) or HEADERS.get(name, ["currency"])
        with path.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=keys)
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in r.items()}
                )
        written.append(str(path))
    return written


__all__ = ["NAMES", "PERCENT", "action_row", "major", "number", "sheet_row", "write_csvs"]
