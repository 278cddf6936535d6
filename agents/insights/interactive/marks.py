"""Applied actions on the interactive charts: a dotted line per day, its label, what was done.

Each mark of `timeline.action_marks` becomes a layout `shape` (a dotted vertical line at the
start of the day it was applied, across the whole plot) and a layout `annotation` whose text
is the mark's `label`, exactly, at the top of the plot beside the line; hovering the label
lists what was done that day ("budget USD 40.00 → USD 46.00 — US 18-24"). Shapes and
annotations are used for the marks only, so a campaign adpilot never changed has none.

The browser lays the labels out, so their rows here are worked out from an estimate of each
label's width (characters × a typical glyph width, over a typical plot width): a label that
would cover an earlier one in its row goes to the next of `charts.MARK_ROWS` rows, as in the
PNGs; one that would leave the plot on the right is set to the left of its line.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from agents.insights.charts import MARK_ROWS
from agents.insights.timeline import ad_set_of, applied, change_words
from state.provenance import display_name

MARK_COLOUR = "#4d4d4d"
CHAR_PX = 6.5  # a 10px label's average glyph width
PLOT_PX = 640  # a typical chart's plotting width in the dashboard


def nice_day(day: str) -> str:
    """Return a day as the charts' ticks read it: "Mar 06"."""
    return date.fromisoformat(day[:10]).strftime("%b %d")


def safe(text: Any) -> str:
    """Return a name for a chart's text (plotly reads a little HTML: a name's "<" is kept as text)."""
    return html.escape(str(text), quote=False)


def _on(a: Mapping[str, Any], names: Mapping[str, str]) -> str:
    t = a.get("target") or {}
    name = display_name(t.get("name")) or str(t.get("id") or "")
    parent = ad_set_of(a)
    if t.get("level") == "ad" and parent and names.get(parent):
        return f"{name} (ad set {names[parent]})"
    return name


def mark_hover(day: str, actions: Sequence[Mapping[str, Any]], currency: str,
               names: Mapping[str, str], ad_set: str | None = None) -> str:
    """List what was applied on `day` (on `ad_set` or its ads, when given), one line each."""
    done = [a for a in applied(actions) if str(a["applied_date"])[:10] == day
            and (ad_set is None or ad_set_of(a) == str(ad_set))]
    lines = [f"{change_words(a, currency)} — {_on(a, names)}" for a in done]
    return "<br>".join([f"<b>{nice_day(day)}</b>", *(safe(line) for line in lines)])


def x_range(days: Sequence[str], marks: Sequence[Mapping[str, Any]]) -> list[str]:
    """Return a time chart's x range: its first day's start to its last day's end.

    Wide enough for every mark: an action applied after the last day of data still shows.
    """
    dates = [*days, *(str(m["date"])[:10] for m in marks)]
    last = max(dates)
    end = (date.fromisoformat(last) + timedelta(days=1)).isoformat()
    return [min(dates), end]


def _rows(marks: Sequence[Mapping[str, Any]], span: Sequence[str], width_px: float
          ) -> list[tuple[int, bool]]:
    """Return each mark's label row and whether it sits left of its line (see module docstring)."""
    first = date.fromisoformat(span[0])
    wide_days = float((date.fromisoformat(span[1]) - first).days)
    taken: list[list[tuple[float, float]]] = [[] for _ in range(MARK_ROWS)]
    out = []
    for m in marks:
        x = float((date.fromisoformat(m["date"]) - first).days)
        wide = (len(m["label"]) + 2) * CHAR_PX / width_px * wide_days
        left = x + wide > wide_days
        box = (x - wide, x) if left else (x, x + wide)
        row = next((r for r in range(MARK_ROWS - 1)
                    if not any(a < box[1] and box[0] < b for a, b in taken[r])), MARK_ROWS - 1)
        taken[row].append(box)
        out.append((row, left))
    return out


def mark_layers(marks: Sequence[Mapping[str, Any]], span: Sequence[str],
                actions: Sequence[Mapping[str, Any]], currency: str, names: Mapping[str, str],
                *, axis: str = "", ad_set: str | None = None, width_px: float = PLOT_PX
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (shapes, annotations) marking `marks` on the axes numbered `axis` ("", "2", ...).

    `span` is the chart's x range (`x_range`); `actions` and `names` (ad sets by id) say what
    was done on each marked day, for the hover text.
    """
    if not marks:
        return [], []
    xref, yref = f"x{axis}", f"y{axis} domain"
    shapes, notes = [], []
    for m, (row, left) in zip(marks, _rows(marks, span, width_px), strict=True):
        shapes.append({"type": "line", "xref": xref, "yref": yref, "x0": m["date"],
                       "x1": m["date"], "y0": 0, "y1": 1, "layer": "below",
                       "line": {"color": MARK_COLOUR, "width": 1.2, "dash": "dot"}})
        notes.append({"x": m["date"], "xref": xref, "y": 0.985 - 0.08 * row, "yref": yref,
                      "text": m["label"], "showarrow": False, "xanchor": "right" if left
                      else "left", "yanchor": "top", "font": {"size": 10, "color": "#262626"},
                      "bgcolor": "rgba(255,255,255,0.85)", "bordercolor": MARK_COLOUR,
                      "borderwidth": 0.5, "borderpad": 2,
                      "hovertext": mark_hover(m["date"], actions, currency, names, ad_set)})
    return shapes, notes


__all__ = ["MARK_COLOUR", "mark_hover", "mark_layers", "nice_day", "safe", "x_range"]
