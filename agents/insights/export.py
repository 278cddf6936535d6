"""Writers of the performance report: markdown tables and file, CSV exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from state.insights_store import InsightsStore
from state.provenance import display_name
from state.rules import format_money

COLUMNS = (
    "name",
    "spend_minor",
    "impressions",
    "clicks",
    "conversions",
    "conversion_value_minor",
    "ctr",
    "cpc_minor",
    "cpm_minor",
    "cpa_minor",
    "roas",
    "frequency",
    "conversion_rate",
)


def _fmt(value: Any, key: str, currency: str) -> str:
    if value is None:
        return "—"
    if key.endswith("_minor"):
        return format_money(int(round(float(value))), currency)
    if key in ("ctr", "conversion_rate"):
        return f"{float(value) * (1 if key == 'ctr' else 100):.2f}%"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(rows: dict[str, dict[str, Any]], currency: str) -> list[str]:
    """Render a markdown table of per-entity totals.

    "results" are each ad set's own result (leads, conversations started, purchases: see
    "Results by goal"), and "cost/result" its cost per that result.
    """
    head = [
        "name",
        "spend",
        "impr.",
        "clicks",
        "results",
        "value",
        "CTR",
        "CPC",
        "CPM",
        "cost/result",
        "ROAS",
        "freq.",
        "CVR",
    ]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in sorted(rows.values(), key=lambda x: -float(x.get("spend_minor") or 0)):
        out.append("| " + " | ".join(_fmt(r.get(c), c, currency) for c in COLUMNS) + " |")
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


def write_csvs(
    out: Path,
    store: InsightsStore,
    cid: str,
    sets: dict[str, Any],
    ads: dict[str, Any],
    actions: list[dict[str, Any]],
    goals: list[dict[str, Any]] | None = None,
    assets: list[dict[str, Any]] | None = None,
) -> list[str]:
    """Write daily.csv, ad_sets.csv (with each one's result), ads.csv, actions.csv, assets.csv.

    `assets.csv` (the dynamic creative's assets, ranked) only when there are any.
    """
    written = []
    daily = [r for lvl in ("campaign", "adset", "ad") for r in store.daily(cid, lvl)]
    by_goal = {str(g["id"]): g for g in goals or []}
    result_keys = ("optimised_for", "result", "results", "cost_per_result_minor")
    files: list[tuple[str, list[dict[str, Any]]]] = [
        ("daily.csv", daily),
        ("ad_sets.csv", [{"id": k, **v, **{f: by_goal[str(k)].get(f) for f in result_keys
                                           if str(k) in by_goal}} for k, v in sets.items()]),
        ("ads.csv", [{"id": k, **v} for k, v in ads.items()]),
        (
            "actions.csv",
            [{**a, "judgement": (a.get("judgement") or {}).get("judgement")} for a in actions],
        ),
    ]
    if assets:
        files.append(("assets.csv", assets))
    for name, rows in files:
        path = out / name
        keys = sorted({k for r in rows for k in r}) or ["empty"]
        with path.open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=keys)
            writer.writeheader()
            for r in rows:
                writer.writerow(
                    {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in r.items()}
                )
        written.append(str(path))
    return written


def write_md(
    out: Path,
    f: dict[str, Any],
    summary: str,
    sets: dict[str, Any],
    ads: dict[str, Any],
    actions: list[dict[str, Any]],
    currency: str,
    pngs: list[str],
    extra: list[str] | None = None,
) -> Path:
    """Write report.md (summary, tables, actions with judgements, chart links).

    `extra` (results by goal, the dynamic creative's assets) follows the ad and ad set tables.
    """
    lines = [
        f"# Performance report — {f['campaign']}",
        "",
        *([f"Ad account {f['account']}.", ""] if f.get("account") else []),
        "## Executive summary",
        "",
        summary,
        "",
        "## Ad sets",
        "",
        *table(sets, currency),
        "",
        "## Ads",
        "",
        *table(ads, currency),
        "",
        *(extra or []),
        "## Actions taken and their judged effect",
        "",
    ]
    if actions:
        lines += [
            "| applied | action | on | why | approved by | judged |",
            "|---|---|---|---|---|---|",
        ]
        for a in actions:
            j = a.get("judgement") or {}
            verdict = j.get("judgement") or "not judged yet"
            if j.get("p_improved") is not None:
                verdict += f" (P(improved) {j['p_improved']:.0%})"
            why = "; ".join(a.get("reasons") or [])[:160].replace("|", "/")
            lines.append(
                f"| {a.get('applied_date')} | `{a['name']}` | {display_name((a.get('target') or {}).get('name', ''))} "
                f"| {why} | {a.get('approved_by') or ''} | {verdict} |"
            )
    else:
        lines.append("No actions were applied.")
    lines += ["", "## Charts", ""] + [f"![{Path(p).stem}]({Path(p).name})" for p in pngs]
    lines += [
        "",
        "Frequency is impressions ÷ the sum of daily reach: a lower bound of Meta's figure over "
        "several days (reach is not additive). Conversions count each purchase once "
        "(pixel, `purchase` and `omni_purchase` report the same event), and each lead once "
        "(`onsite_conversion.lead_grouped` and `lead` report the same form leads).",
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
