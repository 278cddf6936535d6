"""The dashboard's report: interactive charts from the PNGs' own series, and its downloads.

The store is filled with Meta-shaped insights rows as the report tests fill it
(`tests/reporting/test_report_readable.py`); the series come from the report itself
(`reporting.report_contents`), and the figures are checked as the JSON the browser is given.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import matplotlib.pyplot as plt
import pytest

from agents.insights import charts
from agents.insights.interactive import figures, web_report
from agents.insights.reporting import report_contents
from agents.insights.timeline import action_marks, budget_lines, daily_budgets
from state.insights_store import InsightsStore
from state.secrets import register_secret
from tests.reporting.test_report_readable import (
    AB_PLAN,
    ACTIONS,
    ADS,
    CREATED,
    DAYS,
    PLAN,
    SETS,
    budget_action,
    fill,
)

NAMES = {"s1": "US 18-24", "s2": "US 25-34"}


def _state(**extra: Any) -> dict[str, Any]:
    return {"plan": PLAN, "created": CREATED, "applied_actions": ACTIONS, "optimize": {},
            **extra}


@pytest.fixture
def store(tmp_path: Path) -> InsightsStore:
    s = InsightsStore(tmp_path / "home")
    fill(s, SETS, ADS)
    return s


def _figures(state: dict[str, Any], store: InsightsStore) -> dict[str, dict[str, Any]]:
    c = report_contents(state, store)
    return {f["id"]: f for f in figures(c["series"], c["view"])}


def _trace(fig: dict[str, Any], name: str, axis: str = "") -> dict[str, Any]:
    return next(t for t in fig["data"] if t["name"] == name and t.get("yaxis", "y") in (
        f"y{axis}", "y2") and t.get("xaxis", "x") == f"x{axis}")


# -- actions marked ---------------------------------------------------------------------------


def test_each_applied_action_is_a_dotted_line_labelled_as_the_pngs_label_it(store):
    figs = _figures(_state(), store)
    marks = action_marks(ACTIONS)
    assert [m["label"] for m in marks] == ["budget ↑, budget ↓", "pause ad"]
    for key in ("spend", "cost_per_result"):
        layout = figs[key]["figure"]["layout"]
        assert [(a["text"], a["x"]) for a in layout["annotations"]] == [
            (m["label"], m["date"]) for m in marks]
        assert [(s["x0"], s["x1"], s["line"]["dash"]) for s in layout["shapes"]] == [
            (m["date"], m["date"], "dot") for m in marks]
        assert {(a["xref"], a["yref"]) for a in layout["annotations"]} == {("x", "y domain")}
        # hovering a label says what was done that day, on what
        assert layout["annotations"][0]["hovertext"] == (
            "<b>Mar 06</b><br>budget USD 40.00 → USD 46.00 — US 18-24<br>"
            "budget USD 40.00 → USD 34.00 — US 25-34")
        assert layout["annotations"][1]["hovertext"].endswith(
            "pause ad — Image 2 (ad set US 25-34)")
        assert "(dotted lines: adpilot's actions)" in figs[key]["title"]


def test_each_ad_sets_panel_marks_only_its_own_actions(store):
    layout = _figures(_state(), store)["ad_set_spend"]["figure"]["layout"]
    panels = {"x": "s1", "x2": "s2"}  # ad sets in id order, as the PNG's panels
    for xref, sid in panels.items():
        mine = [(a["text"], a["x"]) for a in layout["annotations"] if a["xref"] == xref]
        assert mine == [(m["label"], m["date"]) for m in action_marks(ACTIONS, sid)]
        assert all(s["yref"] == f"y{xref[1:]} domain" for s in layout["shapes"]
                   if s["xref"] == xref)
    assert [a["text"] for a in layout["annotations"]] == ["budget ↑", "budget ↓", "pause ad"]


def test_a_campaign_with_no_actions_has_no_marks(store):
    figs = _figures(_state(applied_actions=[]), store)
    assert set(figs) == {"spend", "cost_per_result", "ad_set_spend", "winning"}
    for f in figs.values():
        assert f["figure"]["layout"]["shapes"] == [] and f["figure"]["layout"]["annotations"] == []
        assert "dotted lines" not in f["title"]


def test_a_mark_after_the_last_day_of_data_is_inside_the_chart(store):
    late = [budget_action("s1", "US 18-24", "2026-03-12", 4000, 5000)]
    layout = _figures(_state(applied_actions=late), store)["spend"]["figure"]["layout"]
    start, end = layout["xaxis"]["range"]
    assert start == DAYS[0] and start <= "2026-03-12" < end
    assert layout["annotations"][0]["xanchor"] == "right"  # at the right edge: set to its left


# -- the same series as the PNGs --------------------------------------------------------------


def test_the_budget_step_line_is_the_reports_budget_lines(store):
    fig = _figures(_state(), store)["spend"]["figure"]
    total = budget_lines(PLAN, CREATED, ACTIONS, DAYS)["total"]
    line = _trace(fig, "daily budget")
    assert line["line"]["shape"] == "hv" and line["x"] == [*DAYS, "2026-03-10"]
    assert line["y"] == [v / 100 for v in total] + [total[-1] / 100]
    assert line["y"][:-1] == [80.0] * 7  # USD: 40 + 40, then 46 + 34
    spend = _trace(fig, "spend (USD)")
    assert spend["x"] == DAYS and spend["y"] == [80.0] * 7
    assert _trace(fig, "purchases")["yaxis"] == "y2"
    assert _trace(fig, "purchases")["y"] == [3.0] * 7
    assert fig["layout"]["yaxis"]["title"]["text"] == "spend per day (USD)"
    panels = _figures(_state(), store)["ad_set_spend"]["figure"]
    budgets = daily_budgets(PLAN, CREATED, ACTIONS, DAYS)
    for axis, sid in (("", "s1"), ("2", "s2")):
        step = _trace(panels, "daily budget", axis)
        assert step["y"][:-1] == [v / 100 for v in budgets[sid]]
    assert _trace(panels, "daily budget", "2")["y"][:-1] == [40.0] * 3 + [34.0] * 4


def test_the_web_charts_draw_the_pngs_own_lines(store):
    c = report_contents(_state(), store)
    s = c["series"]
    web = {f["id"]: f["figure"] for f in figures(s, c["view"])}
    png = charts.spend_figure(s["campaign_rows"], "USD", s["label"], s["budget"], s["marks"],
                              s["budget_label"])
    drawn = next(ln for ln in png.axes[0].get_lines() if ln.get_label() == "daily budget")
    assert list(drawn.get_ydata()) == _trace(web["spend"], "daily budget")["y"]
    plt.close(png)
    png = charts.cost_figure(s["ad_set_rows"], s["names"], "USD", s["label"], s["target_minor"],
                             s["marks"], s["window"])
    for name in NAMES.values():
        drawn = next(ln for ln in png.axes[0].get_lines() if ln.get_label() == name)
        ours = _trace(web["cost_per_result"], name)["y"]
        assert [None if math.isnan(y) else pytest.approx(y) for y in drawn.get_ydata()] == ours
    plt.close(png)


def test_the_target_is_a_line_at_the_target_in_major_units(store):
    fig = _figures(_state(), store)["cost_per_result"]["figure"]
    target = _trace(fig, "target")
    assert target["y"] == [40.0, 40.0] and target["text"][-1] == "target"  # USD 40.00
    assert target["x"] == fig["layout"]["xaxis"]["range"]  # across the whole chart
    assert fig["layout"]["yaxis"]["title"]["text"] == "USD per purchase (3-day)"
    no_target = {**_state(), "plan": {**PLAN, "targets": {}}}
    assert "target" not in [t["name"] for t in _figures(no_target, store)["cost_per_result"][
        "figure"]["data"]]


def test_days_without_results_are_gaps_marked_below_zero(tmp_path):
    s = InsightsStore(tmp_path / "gaps")
    dry = [(30.0, 2), (30.0, 0), (30.0, 0), (30.0, 0), (30.0, 0), (30.0, 3), (30.0, 1)]
    fill(s, {"s1": ("Dry", dry), "s2": ("Wet", [(30.0, 2)] * 7)}, {})
    fig = _figures(_state(applied_actions=[]), s)["cost_per_result"]["figure"]
    ys = _trace(fig, "Dry")["y"]
    assert [y is None for y in ys] == [False, False, False, True, True, False, False]
    gaps = [t for t in fig["data"] if t["name"] == "no purchases in 3 days"]
    assert len(gaps) == 1 and gaps[0]["x"] == DAYS[3:5] and gaps[0]["marker"]["symbol"] == "x"
    assert all(y < 0 for y in gaps[0]["y"]) and fig["layout"]["yaxis"]["range"][0] < 0
    assert min(fig["layout"]["yaxis"]["tickvals"]) == 0  # no negative cost on the axis


def test_a_zero_decimal_currency_is_not_divided_by_100(tmp_path):
    s = InsightsStore(tmp_path / "jpy")
    fill(s, {"s1": ("JP 18-24", [(8000.0, 2)] * 7), "s2": ("JP 25-34", [(6000.0, 1)] * 7)},
         ADS, currency="JPY")
    moves = [budget_action("s1", "JP 18-24", DAYS[3], 8000, 9200),
             budget_action("s2", "JP 25-34", DAYS[3], 8000, 6800)]
    figs = _figures({**_state(applied_actions=moves), "plan": {**PLAN, "currency": "JPY"}}, s)
    spend = figs["spend"]["figure"]
    assert _trace(spend, "spend (JPY)")["y"] == [14000.0] * 7  # yen, not hundreds of yen
    assert _trace(spend, "daily budget")["y"] == [16000.0] * 8
    assert "%{y:,.0f} JPY" in _trace(spend, "spend (JPY)")["hovertemplate"]  # no decimals
    assert spend["layout"]["yaxis"]["title"]["text"] == "spend per day (JPY)"
    assert "budget JPY 8,000 → JPY 9,200 — JP 18-24" in spend["layout"]["annotations"][0][
        "hovertext"]
    cost = figs["cost_per_result"]["figure"]
    assert _trace(cost, "target")["y"] == [4000.0, 4000.0]  # the plan's cpa_minor 4000 is ¥4,000
    assert _trace(cost, "JP 18-24")["y"] == [4000.0] * 7  # ¥24,000 for 6 purchases, 3 days
    panels = figs["ad_set_spend"]["figure"]
    assert _trace(panels, "JP 18-24")["y"] == [8000.0] * 7
    assert _trace(panels, "daily budget")["y"][:-1] == [8000.0] * 3 + [9200.0] * 4


def test_which_is_winning_is_each_ones_chance_in_percent(tmp_path):
    s = InsightsStore(tmp_path / "ab")
    fill(s, {"s1": ("US 18-24", [(40.0, 1)] * 5), "s2": ("US 25-34", [(40.0, 2)] * 5)}, ADS)
    state = {**_state(applied_actions=[]), "plan": AB_PLAN}
    c = report_contents(state, s)
    view = c["view"]
    entry = next(f for f in figures(c["series"], view) if f["id"] == "winning")
    bars = entry["figure"]["data"][0]
    assert bars["y"] == ["A: US 18-24", "B: US 25-34"]  # the leader on top
    p_b = view["p_best"]["B"]
    assert bars["x"] == [round(100 * view["p_best"]["A"], 2), round(100 * p_b, 2)]
    assert bars["text"][1] == f"{100 * p_b:.0f}%" and p_b > 0.5
    threshold = entry["figure"]["data"][1]
    assert threshold["x"] == [95.0, 95.0] and threshold["text"][-1] == "decides at 95%"
    assert entry["title"].startswith(view["headline"]) and "Wait about" in entry["title"]


def test_figures_are_plain_json(store):
    c = report_contents(_state(), store)
    made = figures(c["series"], c["view"])
    assert [f["id"] for f in made] == ["spend", "cost_per_result", "ad_set_spend", "winning"]
    text = json.dumps(made, allow_nan=False)  # no NaN, no dates, no numpy
    assert json.loads(text) == made
    for f in made:
        assert set(f) == {"id", "title", "note", "figure"}
        assert {"data", "layout"} <= set(f["figure"])


def test_nothing_to_draw_without_delivery(tmp_path):
    empty = InsightsStore(tmp_path / "empty")
    assert _figures(_state(), empty) == {}


# -- the page's report ----------------------------------------------------------------------


class Runner:
    """What `web_report` reads of a runner: a thread's state (no Meta client)."""

    def __init__(self, threads: dict[str, dict[str, Any]]) -> None:
        self.threads = threads

    def status(self, thread_id: str) -> Any:
        return SimpleNamespace(values=self.threads[thread_id])


def test_web_report_writes_the_downloads_and_lists_them(store, tmp_path):
    home = tmp_path / "home"
    secret = "EAAB" + "x7" * 20
    register_secret(secret)
    leaky = [{**ACTIONS[0], "reasons": [f"read with access_token={secret}"]}, *ACTIONS[1:]]
    out = web_report("t1", runner=Runner({"t1": _state(applied_actions=leaky)}), home=home)
    folder = home / "reports" / "t1"
    assert out["downloads"] == {"json": "report.json", "csv": [
        "daily.csv", "ad_sets.csv", "ads.csv", "actions.csv"]}
    data = json.loads((folder / "report.json").read_text())
    assert out["facts"] == data["facts"] and out["summary"] == data["summary"]
    assert out["summary"].startswith("Over 7 days (Mar 03 – Mar 09) “Spring” spent USD 560.00 ")
    for name in out["downloads"]["csv"]:
        with (folder / name).open() as fh:
            assert next(csv.reader(fh))  # a header row at least
    assert (out["campaign_id"], out["currency"]) == ("c1", "USD")
    assert [f["id"] for f in out["figures"]] == ["spend", "cost_per_result", "ad_set_spend",
                                                  "winning"]
    assert out["actions"][0] == {
        "date": DAYS[3], "kind": "set_adset_budget", "label": "budget USD 40.00 → USD 46.00",
        "target": "US 18-24", "ad_set": None, "status": "applied",
        "effect": "improved (81% likely it helped)", "why": "read with access_token=[REDACTED]"}
    assert out["actions"][2]["ad_set"] == "US 25-34" and out["actions"][2]["effect"] == (
        "not judged yet")
    text = json.dumps(out, allow_nan=False)
    assert secret not in text and "[ap:" not in text


def test_web_report_of_a_thread_with_no_campaign_says_why(tmp_path):
    runner = Runner({"draft": {"plan": PLAN, "applied_actions": []}})
    with pytest.raises(ValueError, match="no launched campaign yet"):
        web_report("draft", runner=runner, home=tmp_path)
    assert not (tmp_path / "reports").exists()  # nothing written
    with pytest.raises(ValueError, match="not a thread id"):
        web_report("../draft", runner=runner, home=tmp_path)
