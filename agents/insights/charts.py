"""PNG charts of the performance report (matplotlib, Agg backend — no display needed).

Each function takes plain rows from the insights store and writes one PNG; each returns the
path, or None when there is nothing to draw.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from state.rules import currency_offset  # noqa: E402

DPI = 110


def _dates(values: list[str]) -> list[Any]:
    return [np.datetime64(v) for v in values]


def _finish(fig: Any, ax: Any, path: Path) -> Path:
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def spend_and_conversions(
    rows: list[dict[str, Any]], currency: str, kpi_label: str, path: Path
) -> Path | None:
    """Daily spend (bars) and daily results (line) of the whole campaign."""
    if not rows:
        return None
    by_day: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        by_day[r["date"]][0] += r["spend_minor"] / currency_offset(currency)
        by_day[r["date"]][1] += r["kpi"]
    days = sorted(by_day)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(_dates(days), [by_day[d][0] for d in days], color="#9ecae1", label=f"spend ({currency})")
    ax.set_ylabel(f"spend per day ({currency})")
    ax2 = ax.twinx()
    ax2.plot(
        _dates(days), [by_day[d][1] for d in days], color="#d62728", marker="o", label=kpi_label
    )
    ax2.set_ylabel(f"{kpi_label} per day")
    # Headroom on both axes so the legend sits above the data, not on the first bars.
    ax.set_ylim(0, 1.3 * max(max(v[0] for v in by_day.values()), 1e-9))
    ax2.set_ylim(0, 1.3 * max(max(v[1] for v in by_day.values()), 1.0))
    ax.set_title(f"Daily spend and {kpi_label}")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper left", ncol=2)
    return _finish(fig, ax, path)


def cost_per_result(
    rows: list[dict[str, Any]],
    names: dict[str, str],
    currency: str,
    kpi_label: str,
    target_minor: float | None,
    path: Path,
    window: int = 3,
) -> Path | None:
    """Cost per result per ad set, over a trailing window of days (sums, not averages)."""
    if not rows:
        return None
    series: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for r in rows:
        series[r["entity_id"]][r["date"]][0] += r["spend_minor"]
        series[r["entity_id"]][r["date"]][1] += r["kpi"]
    fig, ax = plt.subplots(figsize=(8, 4))
    off = currency_offset(currency)
    for eid, days in series.items():
        keys = sorted(days)
        xs, ys = [], []
        for i, d in enumerate(keys):
            span = keys[max(0, i - window + 1) : i + 1]
            spend = sum(days[k][0] for k in span)
            res = sum(days[k][1] for k in span)
            if res > 0:
                xs.append(np.datetime64(d))
                ys.append(spend / res / off)
        if xs:
            ax.plot(xs, ys, marker=".", label=names.get(eid, eid)[:28])
    if target_minor:
        ax.axhline(target_minor / off, color="black", linestyle="--", label="target")
    ax.set_ylabel(f"{currency} per {kpi_label.rstrip('s')} ({window}-day)")
    ax.set_title(f"Cost per {kpi_label.rstrip('s')} by ad set (lower is better)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    return _finish(fig, ax, path)


def allocation(
    rows: list[dict[str, Any]], names: dict[str, str], currency: str, path: Path
) -> Path | None:
    """Stacked daily spend by ad set: where the money went as the loop reallocated it."""
    if not rows:
        return None
    ids = sorted({r["entity_id"] for r in rows})
    days = sorted({r["date"] for r in rows})
    grid = {(r["entity_id"], r["date"]): r["spend_minor"] / currency_offset(currency) for r in rows}
    stacks = [[grid.get((i, d), 0.0) for d in days] for i in ids]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.stackplot(_dates(days), stacks, labels=[names.get(i, i)[:28] for i in ids], alpha=0.85)
    ax.set_ylabel(f"spend per day ({currency})")
    ax.set_title("Budget allocation over time (daily spend by ad set)")
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, ax, path)


def posteriors(
    p_best: dict[str, float],
    title: str,
    path: Path,
    rates: dict[str, np.ndarray] | None = None,
    rate_label: str = "",
    rates_title: str = "posterior of each variant",
) -> Path | None:
    """P(best) per variant (bars) and, when given, posterior densities of each rate."""
    if not p_best:
        return None
    fig, axes = plt.subplots(1, 2 if rates else 1, figsize=(9 if rates else 6, 4))
    axes = np.atleast_1d(axes)
    labels = [k[:20] for k in p_best]
    # One colour per variant in both panels, so a bar and its posterior read as one thing.
    colour = {k: f"C{i % 10}" for i, k in enumerate(dict.fromkeys([*p_best, *(rates or {})]))}
    axes[0].bar(labels, [100 * v for v in p_best.values()], color=[colour[k] for k in p_best])
    axes[0].set_ylim(0, 112)
    axes[0].set_ylabel("probability of being best (%)")
    axes[0].set_title(title)
    for i, v in enumerate(p_best.values()):
        axes[0].text(i, min(100 * v + 2, 104), f"{v:.0%}", ha="center")
    axes[0].tick_params(axis="x", labelrotation=20)
    if rates:
        for name, draws in rates.items():
            # A light fill plus a solid outline: overlapping posteriors all stay visible.
            axes[1].hist(draws, bins=60, density=True, alpha=0.2, color=colour[name])
            axes[1].hist(
                draws, bins=60, density=True, histtype="step", lw=1.6, color=colour[name],
                label=name[:20],
            )
        axes[1].set_xlabel(rate_label)
        axes[1].set_yticks([])
        axes[1].set_title(rates_title)
        axes[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path
