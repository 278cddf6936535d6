"""The report's comparison chart: which variant (or ad set) is winning, for a marketer.

Its title says it in a sentence ("B: … is 87% likely to be better than A: …") and what to do
("Wait about 3 more days: the test decides at 95%"), from `experiment_view.comparison`. The left
panel is each one's chance of being the best, with the test's decision threshold; the right
panel its likely cost per result (or ROAS, or CTR): the middle 80% of what the data allow, a
dot at the most likely value, and the target when there is one. When the optimise loop cut
the ad set the chart calls the best, a note beneath says why (`view["note"]`, `margin_note`).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from agents.insights.charts import plt, save
from state.rules import currency_offset


def comparison_figure(view: dict[str, Any] | None) -> Figure | None:
    """Build the comparison chart of `view` (`experiment_view.comparison`); None without one."""
    if not view:
        return None
    keys = sorted(view["p_best"], key=lambda k: view["p_best"][k])  # the leader on top
    labels = [textwrap.shorten(view["labels"][k], 30, placeholder="…") for k in keys]
    colour = {k: f"C{i % 10}" for i, k in enumerate(sorted(view["p_best"]))}
    note = textwrap.wrap(view.get("note") or "", 150)  # why the loop cut the leader
    height = 2.6 + 0.45 * len(keys) + 0.16 * len(note)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, height), sharey=True)
    chances = [100 * view["p_best"][k] for k in keys]
    left.barh(labels, chances, color=[colour[k] for k in keys])
    for y, c in enumerate(chances):  # beside the bar, or inside its end when it is long
        inside = c > 80
        left.text(c - 1.5 if inside else c + 1.5, y, f"{c:.0f}%", va="center", fontsize=9,
                  ha="right" if inside else "left", color="white" if inside else "black")
    left.set_xlim(0, 100)
    left.set_xlabel("chance of being the best (%)")
    if view.get("threshold"):
        t = 100 * view["threshold"]
        left.axvline(t, color="black", linestyle="--", linewidth=1)
        left.text(t, len(keys) - 0.45, f"decides at {t:.0f}%", ha="right", va="bottom", fontsize=8)
    for y, k in enumerate(keys):
        lo, mid, hi = view["ranges"][k]
        right.plot([lo, hi], [y, y], color=colour[k], linewidth=6, alpha=0.45,
                   solid_capstyle="butt")
        right.plot([mid], [y], "o", color=colour[k])
        right.text(mid, y + 0.16, amount_text(mid, view["unit"]), fontsize=8, ha="center",
                   va="bottom")
    if view.get("target") is not None:
        right.axvline(view["target"], color="black", linestyle="--", linewidth=1)
        right.text(view["target"], len(keys) - 0.45, " target", fontsize=8, va="bottom")
    better = "lower" if view["lower_is_better"] else "higher"
    right.set_xlabel(f"{view['measure']} — likely range ({better} is better)")
    right.set_xlim(0, 1.08 * max([view["ranges"][k][2] for k in keys] + [view.get("target") or 0]))
    right.set_ylim(-0.6, len(keys) - 0.1)
    title = view["headline"] + (f".\n{view['advice']}" if view.get("advice") else ".")
    fig.suptitle("\n".join(textwrap.fill(line, 110) for line in title.split("\n")), fontsize=10,
                 fontweight="bold")
    foot = 0.16 * len(note) / height  # the note's share of the figure's height
    if note:
        fig.text(0.01, 0.01 + foot, "\n".join(note), fontsize=8, va="top", color="0.1",
                 bbox={"boxstyle": "round,pad=0.3", "fc": "#fff8e1", "ec": "#e0c060", "lw": 0.6})
    fig.text(0.01, 0.015 + foot + 0.01 * bool(note), "Right: each bar spans the middle 80% of "
             "what the data so far allow; the dot is the most likely value.", fontsize=7,
             color="0.35")
    fig.tight_layout(rect=(0, 0.04 + foot + 0.02 * bool(note), 1, 1))
    return fig


def amount_text(value: float, unit: str) -> str:
    """Say a comparison's value in its unit: "12.50%", "3.20×", "USD 18.40", "JPY 2,400"."""
    if unit == "%":
        return f"{value:.2f}%"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{unit} {value:,.{2 if currency_offset(unit) > 1 else 0}f}"


def comparison_chart(view: dict[str, Any] | None, path: Path) -> Path | None:
    """Write `comparison_figure` as a PNG."""
    return save(comparison_figure(view), path)


__all__ = ["amount_text", "comparison_chart", "comparison_figure"]
