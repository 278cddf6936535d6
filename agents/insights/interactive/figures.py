"""The report's charts as Plotly figures: the PNGs' series, for the browser to draw.

`figures(series, view)` turns `reporting.chart_series` (the dict the PNGs are drawn from) and
`experiment_view.comparison` into a list of `{"id", "title", "note", "figure"}`, each figure a
plain `{"data", "layout", "config"}` dict for plotly.js (`Plotly.newPlot(div, figure)`;
`title` is for the page to show above it, `note` a sentence for below it or None). Each is
there only when it has something to draw, as with the PNGs:

- `spend`: daily spend (bars) and the daily budget (a step line) in the currency's major units,
  results per day on a second y axis;
- `cost_per_result`: each ad set's cost per result over the series' trailing window, gaps
  (spend, no result) left as gaps and marked ✕ below zero, the target as a dashed line
  labelled "target";
- `ad_set_spend`: one panel per ad set, its daily spend beside its daily budget;
- `winning`: each variant's (or ad set's) chance of being the best, in percent — for two,
  the chance B beats A — with the test's decision threshold.

The time charts mark every applied action (`marks.mark_layers`): a dotted line at the start
of its day, labelled with `timeline.action_marks`' label; a day's figures sit across that day
(`xperiod`: a bar at its day's middle). Everything is JSON: dates are ISO strings, money is
in major units (JPY and KRW have no minor unit: `state.rules.currency_offset`), a gap is null.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from agents.insights.charts import headroom, marks_note
from agents.insights.experiment_chart import amount_text
from agents.insights.interactive.marks import PLOT_PX, mark_layers, nice_day, safe, x_range
from agents.insights.timeline import ad_set_daily_spend, cost_series
from state.rules import currency_offset

DAY_MS = 86_400_000
# matplotlib's default colours ("C0".."C9"), so a web chart's ad sets match the PNG's
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
CONFIG = {"displaylogo": False, "responsive": True}


def _major(minor: float | None, off: int) -> float | None:
    return None if minor is None or math.isnan(minor) else round(minor / off, 4)


def _fmt(currency: str) -> str:
    """Return the d3 format of an amount in `currency`: no decimals where it has no minor unit."""
    return ",.2f" if currency_offset(currency) > 1 else ",.0f"


def _after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _daily(trace: dict[str, Any]) -> dict[str, Any]:
    """Draw a trace's points across their day: at its middle, the hover saying which day."""
    return {**trace, "xperiod": DAY_MS, "xperiodalignment": "middle",
            "customdata": [nice_day(d) for d in trace["x"]]}


def _step(days: list[str], values: list[float | None], off: int) -> tuple[list[str], list[Any]]:
    """Return a daily budget's step line across each whole day (the PNG's `charts._step`)."""
    ys = [_major(v, off) for v in values][: len(days)]
    return [*days, _after(days[-1])], [*ys, ys[-1]]


LEGEND = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"}  # above, as in the PNGs


def _x(span: list[str], **more: Any) -> dict[str, Any]:
    return {"type": "date", "tickformat": "%b %d", "range": span, **more}


def _layout(marks: list[dict[str, Any]], days: list[str], s: dict[str, Any],
            **axes: Any) -> dict[str, Any]:
    span = x_range(days, marks)
    shapes, notes = mark_layers(marks, span, s["actions"], s["currency"], s["names"])
    return {"xaxis": _x(span), **axes, "shapes": shapes, "annotations": notes,
            "hovermode": "closest", "height": 440, "legend": LEGEND,
            "margin": {"l": 60, "r": 60, "t": 40, "b": 40}}


def _entry(key: str, title: str, figure: dict[str, Any], note: str | None = None
           ) -> dict[str, Any]:
    return {"id": key, "title": title, "note": note, "figure": {**figure, "config": CONFIG}}


def spend_chart(s: dict[str, Any]) -> dict[str, Any] | None:
    """Daily spend, the daily budget and results per day (`charts.spend_figure`'s series).

    Like each chart here, returns `{"id", "title", "note", "figure"}`, or None with nothing to
    draw.
    """
    rows, cur, label, marks = s["campaign_rows"], s["currency"], s["label"], s["marks"]
    if not rows:
        return None
    off, money = currency_offset(cur), _fmt(cur)
    by_day: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        by_day[r["date"]][0] += r["spend_minor"] / off
        by_day[r["date"]][1] += r["kpi"]
    days = sorted(by_day)
    spend = [round(by_day[d][0], 4) for d in days]
    results = [round(by_day[d][1], 4) for d in days]
    data = [_daily({"type": "bar", "x": days, "y": spend, "name": f"spend ({cur})",
                    "marker": {"color": "#9ecae1"},
                    "hovertemplate": f"%{{customdata}}: %{{y:{money}}} {cur} spent<extra></extra>"})]
    top = max(spend)
    budget = s["budget"]
    if budget and any(b is not None for b in budget):
        xs, ys = _step(days, budget, off)
        data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys,
                     "name": s["budget_label"], "line": {"shape": "hv", "color": "#08519c",
                                                         "width": 1.6},
                     "hovertemplate": f"{s['budget_label']}: %{{y:{money}}} {cur}<extra></extra>"})
        top = max(top, max(y for y in ys if y is not None))
    data.append(_daily({"type": "scatter", "mode": "lines+markers", "x": days, "y": results,
                        "yaxis": "y2", "name": safe(label), "line": {"color": "#d62728"},
                        "hovertemplate": f"%{{customdata}}: %{{y:,.4~f}} {safe(label)}"
                                         "<extra></extra>"}))
    room = headroom(marks)  # both axes: the action labels sit above the data
    title = f"Daily spend, budget and {label}{marks_note(marks)}"
    return _entry("spend", title, {"data": data, "layout": _layout(
        marks, days, s,
        yaxis={"title": {"text": f"spend per day ({cur})"}, "range": [0, room * max(top, 1e-9)],
               "tickformat": ","},
        yaxis2={"title": {"text": f"{safe(label)} per day"}, "overlaying": "y", "side": "right",
                "range": [0, room * max(max(results), 1.0)], "showgrid": False,
                "tickmode": "auto"})})  # its own round ticks, not the spend axis's


def _ticks(top: float) -> list[float]:
    """Return round ticks from 0 to `top` (the gaps' strip below zero has none)."""
    raw = max(top, 1e-9) / 5
    scale = 10 ** math.floor(math.log10(raw))
    step = min(m * scale for m in (1, 2, 5, 10) if m * scale >= raw)
    return [round(i * step, 10) for i in range(int(top / step) + 1)]


def cost_chart(s: dict[str, Any]) -> dict[str, Any] | None:
    """Cost per result by ad set over a trailing window, gaps shown (`charts.cost_figure`)."""
    rows, cur, label, marks = s["ad_set_rows"], s["currency"], s["label"], s["marks"]
    if not rows:
        return None
    off, money, window, one = currency_offset(cur), _fmt(cur), s["window"], label.rstrip("s")
    target = s["target_minor"]
    series = sorted(cost_series(rows, window).items())
    days = sorted({r["date"] for r in rows})
    highest = target / off if target else 0.0
    data, gaps = [], []
    for i, (eid, points) in enumerate(series):
        name, colour = safe(s["names"].get(eid, eid)[:28]), PALETTE[i % 10]
        xs, ys = [d for d, _ in points], [_major(c, off) for _, c in points]
        data.append(_daily({"type": "scatter", "mode": "lines+markers", "x": xs, "y": ys,
                            "name": name, "line": {"color": colour}, "connectgaps": False,
                            "legendgroup": eid, "hovertemplate": f"%{{customdata}}: %{{y:{money}}}"
                            f" {cur} per {safe(one)} ({window} days)<extra>{name}</extra>"}))
        highest = max([highest, *(y for y in ys if y is not None)])
        if missing := [x for x, y in zip(xs, ys, strict=True) if y is None]:
            gaps.append((eid, name, colour, missing))
    top = headroom(marks) * max(highest, 1e-9)
    row = 0.07 * top
    for k, (eid, name, colour, missing) in enumerate(gaps):
        data.append(_daily({"type": "scatter", "mode": "markers", "x": missing,
                            "y": [-(k + 0.8) * row] * len(missing), "legendgroup": eid,
                            "name": f"no {safe(label)} in {window} days", "showlegend": k == 0,
                            "marker": {"symbol": "x", "size": 9, "color": colour},
                            "hovertemplate": f"%{{customdata}}: no {safe(label)} in the "
                            f"{window} days to this day<extra>{name}</extra>"}))
    if target:  # across the whole chart
        line = _major(target, off)
        data.append({"type": "scatter", "mode": "lines+text", "x": x_range(days, marks),
                     "y": [line, line], "name": "target", "text": ["", "target"],
                     "textposition": "top left", "line": {"color": "black", "dash": "dash"},
                     "hovertemplate": f"target: %{{y:{money}}} {cur}<extra></extra>"})
    bottom = -(len(gaps) + 0.3) * row if gaps else 0
    title = f"Cost per {one} by ad set, lower is better{marks_note(marks)}"
    return _entry("cost_per_result", title, {"data": data, "layout": _layout(
        marks, days, s, yaxis={"title": {"text": f"{cur} per {safe(one)} ({window}-day)"},
                               "range": [bottom, top], "tickmode": "array",
                               "tickvals": _ticks(top), "tickformat": ",", "zeroline": True})})


def ad_set_chart(s: dict[str, Any]) -> dict[str, Any] | None:
    """One panel per ad set: daily spend beside its daily budget (`charts.ad_set_figure`)."""
    rows, cur = s["ad_set_rows"], s["currency"]
    budgets, marks = s["ad_set_budgets"] or {}, s["ad_set_marks"] or {}
    if not rows:
        return None
    off, money = currency_offset(cur), _fmt(cur)
    ids, days, spend = ad_set_daily_spend(rows, cur)  # the PNG's own table
    cols = 1 if len(ids) == 1 else 2
    n_rows = math.ceil(len(ids) / cols)
    layout: dict[str, Any] = {"grid": {"rows": n_rows, "columns": cols, "pattern": "independent"},
                              "shapes": [], "annotations": [], "hovermode": "closest",
                              "height": 140 + 240 * n_rows, "showlegend": True,
                              "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
                              "legend": LEGEND}
    span = x_range(days, [m for v in marks.values() for m in v])  # the panels share their x
    data: list[dict[str, Any]] = []
    drawn = False
    for i, eid in enumerate(ids):
        n = "" if i == 0 else str(i + 1)
        name = safe(s["names"].get(eid, eid)[:40])
        data.append(_daily({"type": "bar", "x": days, "y": [round(spend.get((eid, d), 0.0), 4)
                                                             for d in days],
                            "xaxis": f"x{n}", "yaxis": f"y{n}", "name": name, "opacity": 0.75,
                            "marker": {"color": PALETTE[i % 10]},
                            "hovertemplate": f"%{{customdata}}: %{{y:{money}}} {cur} spent"
                                             f"<extra>{name}</extra>"}))
        if (budget := budgets.get(eid)) and any(b is not None for b in budget):
            xs, ys = _step(days, budget, off)
            data.append({"type": "scatter", "mode": "lines", "x": xs, "y": ys,
                         "xaxis": f"x{n}", "yaxis": f"y{n}", "name": "daily budget",
                         "legendgroup": "budget", "showlegend": not drawn,
                         "line": {"shape": "hv", "color": "black", "dash": "dash", "width": 1.3},
                         "hovertemplate": f"daily budget: %{{y:{money}}} {cur}"
                                          f"<extra>{name}</extra>"})
            drawn = True
        layout[f"xaxis{n}"] = _x(span, title={"text": name}, **({"matches": "x"} if n else {}))
        layout[f"yaxis{n}"] = {**({"title": {"text": f"{cur} per day"}} if i % cols == 0
                                  else {}), **({"matches": "y"} if n else {})}
        shapes, notes = mark_layers(marks.get(eid, []), span, s["actions"], cur, s["names"],
                                    axis=n, ad_set=eid, width_px=PLOT_PX / cols)
        layout["shapes"] += shapes
        layout["annotations"] += notes
    most = max(len(marks.get(i, [])) for i in ids)
    top = max([*spend.values(), *(b / off for v in budgets.values() for b in v if b)])
    layout["yaxis"].update(range=[0, headroom([{}] * most) * max(top, 1e-9)], tickformat=",")
    # Ad sets under a campaign budget (or a lifetime one) hold no daily budget to draw.
    what = "Daily spend and budget by ad set" if drawn else "Daily spend by ad set"
    return _entry("ad_set_spend", f"{what}{marks_note(marks)}", {"data": data, "layout": layout})


def winning_chart(view: dict[str, Any] | None) -> dict[str, Any] | None:
    """Each one's chance of being the best, in percent (`experiment_chart`'s left panel)."""
    if not view:
        return None
    keys = sorted(view["p_best"], key=lambda k: view["p_best"][k])  # the leader on top
    colour = {k: PALETTE[i % 10] for i, k in enumerate(sorted(view["p_best"]))}
    chances = [round(100 * float(view["p_best"][k]), 2) for k in keys]
    ranges = [[amount_text(float(v), view["unit"]) for v in view["ranges"][k]] for k in keys]
    data: list[dict[str, Any]] = [{
        "type": "bar", "orientation": "h", "x": chances,
        "y": [safe(textwrap.shorten(view["labels"][k], 30, placeholder="…")) for k in keys],
        # beside the bar, or inside its end when it is long
        "text": [f"{c:.0f}%" for c in chances], "cliponaxis": False,
        "textposition": ["inside" if c > 80 else "outside" for c in chances],
        "insidetextanchor": "end", "textangle": 0,
        "marker": {"color": [colour[k] for k in keys]}, "showlegend": False,
        "customdata": [[safe(view["labels"][k]), *r] for k, r in zip(keys, ranges, strict=True)],
        "hovertemplate": "%{customdata[0]}<br>%{x:.0f}% chance of being the best<br>likely "
                         f"{safe(view['measure'])}: %{{customdata[1]}} – %{{customdata[3]}} "
                         "(most likely %{customdata[2]})<extra></extra>"}]
    if view.get("threshold"):
        t = round(100 * float(view["threshold"]), 2)
        data.append({"type": "scatter", "mode": "lines+text", "x": [t, t], "y": [0, 1],
                     "yaxis": "y2", "text": ["", f"decides at {t:.0f}%"],
                     "textposition": "top left", "line": {"color": "black", "dash": "dash"},
                     "name": f"decides at {t:.0f}%", "showlegend": False,
                     "hovertemplate": f"the test decides at {t:.0f}%<extra></extra>"})
    title = view["headline"] + (f". {view['advice']}" if view.get("advice") else ".")
    return _entry("winning", title, {"data": data, "layout": {
        "xaxis": {"title": {"text": "chance of being the best (%)"}, "range": [0, 100]},
        "yaxis": {"automargin": True},
        "yaxis2": {"overlaying": "y", "range": [0, 1.08], "visible": False},
        "height": 220 + 45 * len(keys), "margin": {"l": 20, "r": 20, "t": 30, "b": 50},
        "shapes": [], "annotations": []}}, view.get("note"))


def figures(series: dict[str, Any], view: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return the report's interactive charts that have something to draw (module docstring)."""
    made = (spend_chart(series), cost_chart(series), ad_set_chart(series), winning_chart(view))
    return [f for f in made if f is not None]


__all__ = ["ad_set_chart", "cost_chart", "figures", "spend_chart", "winning_chart"]
