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
    """Render a markdown table of per-entity totals."""
    head = [
        "name",
        "spend",
        "impr.",
        "clicks",
        "conv.",
        "value",
        "CTR",
        "CPC",
        "CPM",
        "CPA",
        "ROAS",
        "freq.",
        "CVR",
    ]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in sorted(rows.values(), key=lambda x: -float(x.get("spend_minor") or 0)):
        out.append("| " + " | ".join(_fmt(r.get(c), c, currency) for c in COLUMNS) + " |")
    return out


def write_csvs(
    out: Path,
    store: InsightsStore,
    cid: str,
    sets: dict[str, Any],
    ads: dict[str, Any],
    actions: list[dict[str, Any]],
) -> list[str]:
    """Write daily.csv, ad_sets.csv, ads.csv and actions.csv; return their paths."""
    written = []
    daily = [r for lvl in ("campaign", "adset", "ad") for r in store.daily(cid, lvl)]
    for name, rows in (
        ("daily.csv", daily),
        ("ad_sets.csv", [{"id": k, **v} for k, v in sets.items()]),
        ("ads.csv", [{"id": k, **v} for k, v in ads.items()]),
        (
            "actions.csv",
            [{**a, "judgement": (a.get("judgement") or {}).get("judgement")} for a in actions],
        ),
    ):
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
) -> Path:
    """Write report.md (summary, tables, actions with judgements, chart links)."""
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
        "(pixel, `purchase` and `omni_purchase` report the same event).",
    ]
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path
