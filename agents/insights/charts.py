"""The report's time charts (matplotlib, Agg backend — no display needed).

Each `*_figure` function builds a Figure from plain rows of the insights store (tests read its
artists); the function of the chart's name writes it as a PNG and returns the path, or None
when there is nothing to draw. Every time chart marks the days actions were applied (a dotted
line with a short label, `timeline.action_marks`), so cause sits beside effect:

- `spend_and_conversions`: daily spend (bars) beside the daily budget (a step line) and the
  daily results (a line);
- `cost_per_result`: each ad set's cost per result over a trailing window; a window with spend
  and no result has no cost to draw, so it is a gap in the line marked "no <results>" — never
  hidden;
- `ad_set_spend`: one panel per ad set, its daily spend beside its daily budget, with the
  actions on that ad set or its ads.

A day's figures are drawn across that day (bars and points at noon); an action is marked at
the start of the account's day it was applied on (the loop applies just after midnight).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from agents.insights.timeline import ad_set_daily_spend, cost_series  # noqa: E402
from state.rules import currency_offset  # noqa: E402

DPI = 110
MARK_COLOUR = "0.3"
MARK_ROWS = 4  # rows of action labels at the top of a chart before they may overlap


def day_x(day: str) -> Any:
    """Return the x of a day's figures: noon of that day."""
    return np.datetime64(day) + np.timedelta64(12, "h")


def mark_x(day: str) -> Any:
    """Return the x of an action mark: the start of the day it was applied on."""
    return np.datetime64(day, "h")


def save(fig: Figure | None, path: Path) -> Path | None:
    """Write `fig` as a PNG at `path` and close it; None when there is no figure."""
    if fig is None:
        return None
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _dates(ax: Any) -> None:
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=4, maxticks=9))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))


def mark_actions(ax: Any, marks: list[dict[str, Any]], *, labels: bool = True) -> None:
    """Draw each action mark on `ax`: a dotted vertical line, its label at the top beside it.

    Call it once the figure is laid out: labels are placed in rows so none covers another
    (a label that would leave the axes on the right is set to the left of its line).
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    top = blended_transform_factory(ax.transData, ax.transAxes)
    rows: list[list[Any]] = []
    for m in marks:
        x = mark_x(m["date"])
        ax.axvline(x, color=MARK_COLOUR, linestyle=":", linewidth=1.2, zorder=1)
        if not labels:
            continue
        for row in range(MARK_ROWS):
            text = ax.text(x, 0.985 - 0.08 * row, f" {m['label']} ", transform=top, ha="left",
                           va="top", fontsize=7, color="0.15", zorder=6,
                           bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": MARK_COLOUR,
                                 "lw": 0.5, "alpha": 0.85})
            box = text.get_window_extent(renderer)
            if box.x1 > frame.x1:
                text.set_horizontalalignment("right")
                box = text.get_window_extent(renderer)
            taken = rows[row] if row < len(rows) else []
            if row < MARK_ROWS - 1 and any(box.overlaps(b) for b in taken):
                text.remove()
                continue
            rows.extend([] for _ in range(row + 1 - len(rows)))
            rows[row].append(box)
            break


def marks_note(marks: Any) -> str:
    """Return the title's " (dotted lines: adpilot's actions)" when the chart has any, else "".

    A chart of a campaign adpilot never changed has no dotted line to explain.
    """
    any_mark = any(marks.values()) if isinstance(marks, dict) else bool(marks)
    return " (dotted lines: adpilot's actions)" if any_mark else ""


def _step(ax: Any, days: list[str], values: list[float | None], off: int, **kw: Any) -> None:
    """Draw a daily budget as a step line across each whole day (a gap where there is none)."""
    xs = [np.datetime64(d, "h") for d in days] + [np.datetime64(days[-1], "h") + 24]
    ys = [math.nan if v is None else v / off for v in values]
    ax.step(xs, [*ys, ys[-1]], where="post", **kw)


def headroom(marks: list[dict[str, Any]] | None) -> float:
    """Return how far above the data a chart's y axis reaches, to keep the action labels clear."""
    return 1.1 / (1 - 0.085 * min(len(marks or []), MARK_ROWS))


def _finish(fig: Figure, axes: list[Any], marks: list[list[dict[str, Any]]]) -> Figure:
    """Lay the figure out, then mark the actions on each axes (labels need the final layout)."""
    for ax in axes:
        _dates(ax)
    fig.autofmt_xdate()
    fig.tight_layout()
    for ax, m in zip(axes, marks, strict=True):
        mark_actions(ax, m)
    return fig


def spend_figure(
    rows: list[dict[str, Any]],
    currency: str,
    kpi_label: str,
    budget: list[float | None] | None = None,
    marks: list[dict[str, Any]] | None = None,
    budget_label: str = "daily budget",
) -> Figure | None:
    """Daily spend (bars), the daily budget (step line) and daily results (line) of the campaign.

    `budget` is in minor units, one value per day of `rows` (sorted), None where unknown;
    `budget_label` names it ("campaign daily budget" under a campaign budget).
    """
    if not rows:
        return None
    off = currency_offset(currency)
    by_day: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        by_day[r["date"]][0] += r["spend_minor"] / off
        by_day[r["date"]][1] += r["kpi"]
    days = sorted(by_day)
    fig, ax = plt.subplots(figsize=(8, 4.4))
    ax.bar([day_x(d) for d in days], [by_day[d][0] for d in days], width=0.8, color="#9ecae1",
           label=f"spend ({currency})", zorder=2)
    top = max(v[0] for v in by_day.values())
    if budget and any(b is not None for b in budget):
        _step(ax, days, budget, off, color="#08519c", linewidth=1.6, label=budget_label, zorder=3)
        top = max(top, max(b / off for b in budget if b is not None))
    ax.set_ylabel(f"spend per day ({currency})")
    ax2 = ax.twinx()
    ax2.plot([day_x(d) for d in days], [by_day[d][1] for d in days], color="#d62728",
             marker="o", label=kpi_label, zorder=4)
    ax2.set_ylabel(f"{kpi_label} per day")
    room = headroom(marks)  # both axes: the action labels sit above the data
    ax.set_ylim(0, room * max(top, 1e-9))
    ax2.set_ylim(0, room * max(max(v[1] for v in by_day.values()), 1.0))
    fig.suptitle(f"Daily spend, budget and {kpi_label}{marks_note(marks)}",
                 fontsize=11)
    lines, lines2 = ax.get_legend_handles_labels(), ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower left", ncol=3, fontsize=8,
              bbox_to_anchor=(0, 1.0), frameon=False)
    _dates(ax)
    return _finish(fig, [ax2], [marks or []])  # on the top axes: labels above the results line


def spend_and_conversions(rows: list[dict[str, Any]], currency: str, kpi_label: str, path: Path,
                          budget: list[float | None] | None = None,
                          marks: list[dict[str, Any]] | None = None,
                          budget_label: str = "daily budget") -> Path | None:
    """Write `spend_figure` as a PNG."""
    return save(spend_figure(rows, currency, kpi_label, budget, marks, budget_label), path)


def cost_figure(
    rows: list[dict[str, Any]],
    names: dict[str, str],
    currency: str,
    kpi_label: str,
    target_minor: float | None,
    marks: list[dict[str, Any]] | None = None,
    window: int = 3,
) -> Figure | None:
    """Cost per result per ad set over a trailing window, with its gaps shown, not hidden.

    A window that spent and brought no result has no cost: the line breaks there, and a strip
    below zero marks each such day ✕ in the ad set's colour, labelled "no <results>".
    """
    if not rows:
        return None
    off = currency_offset(currency)
    one = kpi_label.rstrip("s")
    fig, ax = plt.subplots(figsize=(8, 4.4))
    series = sorted(cost_series(rows, window).items())
    highest = target_minor / off if target_minor else 0.0
    gaps: list[tuple[str, list[Any]]] = []
    for i, (eid, points) in enumerate(series):
        colour = f"C{i % 10}"
        xs = [day_x(d) for d, _ in points]
        ys = [math.nan if c is None else c / off for _, c in points]
        ax.plot(xs, ys, marker=".", color=colour, label=names.get(eid, eid)[:28])
        highest = max([highest, *(y for y in ys if not math.isnan(y))])
        if missing := [x for x, y in zip(xs, ys, strict=True) if math.isnan(y)]:
            gaps.append((colour, missing))
    top = headroom(marks) * max(highest, 1e-9)
    row = 0.07 * top
    for k, (colour, missing) in enumerate(gaps):
        ax.plot(missing, [-(k + 0.8) * row] * len(missing), linestyle="none", marker="X",
                markersize=7, color=colour)
    if gaps:
        bottom = -(len(gaps) + 0.3) * row
        ax.axhspan(bottom, 0, color="0.93", zorder=0)
        left = blended_transform_factory(ax.transAxes, ax.transData)
        ax.text(0.005, bottom / 2, f"no {kpi_label} →", transform=left, fontsize=7, va="center",
                color="0.2")
        ax.plot([], [], linestyle="none", marker="X", color="0.4",
                label=f"no {kpi_label} in {window} days")
    if target_minor:
        ax.axhline(target_minor / off, color="black", linestyle="--", label="target")
    ax.set_ylim(-(len(gaps) + 0.3) * row if gaps else 0, top)
    ax.set_yticks([t for t in ax.get_yticks() if 0 <= t <= top])
    ax.set_ylabel(f"{currency} per {one} ({window}-day)")
    fig.suptitle(f"Cost per {one} by ad set, lower is better{marks_note(marks)}",
                 fontsize=11)
    ax.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, frameon=False)
    return _finish(fig, [ax], [marks or []])


def cost_per_result(rows: list[dict[str, Any]], names: dict[str, str], currency: str,
                    kpi_label: str, target_minor: float | None, path: Path,
                    marks: list[dict[str, Any]] | None = None, window: int = 3) -> Path | None:
    """Write `cost_figure` as a PNG."""
    return save(cost_figure(rows, names, currency, kpi_label, target_minor, marks, window), path)


def ad_set_figure(
    rows: list[dict[str, Any]],
    names: dict[str, str],
    currency: str,
    budgets: dict[str, list[float | None]] | None = None,
    marks: dict[str, list[dict[str, Any]]] | None = None,
) -> Figure | None:
    """One panel per ad set: daily spend (bars) beside its daily budget, with its actions.

    `budgets` and `marks` are by ad set id (`timeline.daily_budgets`, `timeline.action_marks`);
    budget values are minor units, one per day of all `rows`.
    """
    if not rows:
        return None
    off = currency_offset(currency)
    ids, days, spend = ad_set_daily_spend(rows, currency)
    cols = 1 if len(ids) == 1 else 2
    n_rows = math.ceil(len(ids) / cols)
    fig, grid = plt.subplots(n_rows, cols, figsize=(9, 1.2 + 2.4 * n_rows), sharex=True,
                             sharey=True, squeeze=False)
    axes = list(grid.flat)
    drawn = False
    for ax, (i, eid) in zip(axes, enumerate(ids), strict=False):
        ax.bar([day_x(d) for d in days], [spend.get((eid, d), 0.0) for d in days], width=0.8,
               color=f"C{i % 10}", alpha=0.75, label="spend")
        if (budget := (budgets or {}).get(eid)) and any(b is not None for b in budget):
            _step(ax, days, budget, off, color="black", linestyle="--", linewidth=1.3,
                  label="daily budget")
            drawn = True
        ax.set_title(names.get(eid, eid)[:40], fontsize=9)
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    most = max(len((marks or {}).get(i, [])) for i in ids)
    top = max([*spend.values(), *(b / off for v in (budgets or {}).values() for b in v if b)])
    axes[0].set_ylim(0, headroom([{}] * most) * max(top, 1e-9))
    for ax in grid[:, 0]:
        ax.set_ylabel(f"{currency} per day")
    axes[0].legend(fontsize=7, loc="lower left", bbox_to_anchor=(0, 1.12), ncol=2,
                   frameon=False)
    # Ad sets under a campaign budget (or a lifetime one) hold no daily budget to draw.
    what = "Daily spend and budget by ad set" if drawn else "Daily spend by ad set"
    fig.suptitle(f"{what}{marks_note(marks)}", fontsize=11)
    return _finish(fig, axes[:len(ids)], [(marks or {}).get(i, []) for i in ids])


def ad_set_spend(rows: list[dict[str, Any]], names: dict[str, str], currency: str, path: Path,
                 budgets: dict[str, list[float | None]] | None = None,
                 marks: dict[str, list[dict[str, Any]]] | None = None) -> Path | None:
    """Write `ad_set_figure` as a PNG."""
    return save(ad_set_figure(rows, names, currency, budgets, marks), path)


__all__ = ["ad_set_figure", "ad_set_spend", "cost_figure", "cost_per_result", "cost_series",
           "day_x", "mark_actions", "mark_x", "save", "spend_and_conversions", "spend_figure"]
