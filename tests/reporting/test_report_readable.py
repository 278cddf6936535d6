"""Reports a marketer reads: summaries without empty templates, tables that say which ad set,
reasons in full, money in major units with its currency, a campaign's state said, and charts
that put adpilot's actions beside their effect (markers, budgets, gaps with no results, an
experiment read in words).

The store is filled with Meta-shaped insights rows (`state.insights_store.parse_row`); the
charts are checked on the figures the report code builds (their artists), not their pixels.
"""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pytest

from agents.insights import charts
from agents.insights.experiment_chart import comparison_figure
from agents.insights.experiment_view import comparison, days_to_decide
from agents.insights.report_text import delivery, template_summary
from agents.insights.reporting import build_report
from agents.insights.timeline import action_marks, campaign_budget, daily_budgets, total_budget
from agents.optimize.schedule import Flight
from state.insights_store import InsightsStore, parse_row

DAYS = [f"2026-03-{d:02d}" for d in range(3, 10)]  # seven days of delivery
LONG_WHY = ("its marginal cost per conversion is about USD 68.59 (2× its estimated average of "
            "USD 34.30 under adpilot's response model; USD 35.92 as counted over the last week: "
            "extra money buys dearer results), higher than about USD 46.96 in the ad sets the "
            "money goes to: the same total budget buys more conversions")


def _raw(level: str, eid: str, name: str, day: str, spend: float, buys: int,
         adset: str = "") -> dict[str, Any]:
    return {"campaign_id": "c1", f"{level}_id": eid, f"{level}_name": name, "adset_id": adset,
            "date_start": day, "date_stop": day, "impressions": str(int(spend * 90)),
            "clicks": str(int(spend)), "inline_link_clicks": str(int(spend * 0.8)),
            "spend": f"{spend:.2f}",
            "actions": [{"action_type": "purchase", "value": str(buys)}] if buys else [],
            "action_values": [{"action_type": "purchase", "value": str(buys * 60)}] if buys else []}


def fill(store: InsightsStore, sets: dict[str, tuple[str, list[tuple[float, int]]]],
         ads: dict[str, tuple[str, str]], currency: str = "USD") -> None:
    """Write daily rows: ad sets (name, per-day (spend, purchases)), their ads, the campaign."""
    days = DAYS[: len(next(iter(sets.values()))[1])]
    rows: dict[str, list[dict[str, Any]]] = {"campaign": [], "adset": [], "ad": []}
    for i, day in enumerate(days):
        spend = sum(v[1][i][0] for v in sets.values())
        buys = sum(v[1][i][1] for v in sets.values())
        rows["campaign"].append(_raw("campaign", "c1", "Spring", day, spend, buys))
        for sid, (name, per_day) in sets.items():
            rows["adset"].append(_raw("adset", sid, name, day, *per_day[i], adset=sid))
            mine = [a for a, (s, _) in ads.items() if s == sid]
            for aid in mine:  # the ad set's figures split evenly between its ads
                s, b = per_day[i]
                rows["ad"].append(_raw("ad", aid, ads[aid][1], day, s / len(mine),
                                       b // len(mine), adset=sid))
    for level, raws in rows.items():
        store.replace_window("c1", level, days[0], days[-1],
                             [parse_row(r, level=level, currency=currency) for r in raws])


def budget_action(sid: str, name: str, day: str, before: int, after: int,
                  why: str = LONG_WHY) -> dict[str, Any]:
    return {"name": "set_adset_budget", "args": {"adset_id": sid, "daily_budget": after},
            "target": {"id": sid, "level": "adset", "name": name, "parent_id": "c1"},
            "before": {"daily_budget": str(before)}, "after": {"daily_budget": str(after)},
            "reasons": [why, "20% probability it is the campaign's best ad set"],
            "status": "applied", "applied_date": day, "applied_at": f"{day}T08:00:02+00:00",
            "approved_by": "human", "judgement": {"judgement": "improved", "p_improved": 0.81}}


def pause_ad(aid: str, name: str, sid: str, day: str) -> dict[str, Any]:
    return {"name": "pause_ad", "args": {"ad_id": aid, "status": "PAUSED"},
            "target": {"id": aid, "level": "ad", "name": name, "parent_id": sid},
            "before": {"status": "ACTIVE"}, "after": {"status": "PAUSED"},
            "reasons": ["99% probability it is worse than the target"], "status": "applied",
            "applied_date": day, "applied_at": f"{day}T08:00:03+00:00", "approved_by": "human"}


PLAN = {"name": "Spring", "objective": "OUTCOME_SALES", "currency": "USD",
        "budget": {"kind": "daily", "amount_minor": 8000, "level": "ad_set"},
        "targets": {"cpa_minor": 4000},
        "ad_sets": [{"key": "a", "name": "US 18-24", "ads": [{"key": "a1", "name": "Image 2"}]},
                    {"key": "b", "name": "US 25-34", "ads": [{"key": "b1", "name": "Image 2"}]}]}
CREATED = {"campaign": "c1", "ad_sets": {"a": "s1", "b": "s2"}, "ads": {"a1": "ad1", "b1": "ad2"}}
SETS = {"s1": ("US 18-24", [(40.0, 2)] * 7), "s2": ("US 25-34", [(40.0, 1)] * 7)}
ADS = {"ad1": ("s1", "Image 2"), "ad2": ("s2", "Image 2")}
ACTIONS = [budget_action("s1", "US 18-24", DAYS[3], 4000, 4600),
           budget_action("s2", "US 25-34", DAYS[3], 4000, 3400),
           pause_ad("ad2", "Image 2", "s2", DAYS[5])]


@pytest.fixture
def store(tmp_path: Path) -> InsightsStore:
    s = InsightsStore(tmp_path / "home")
    fill(s, SETS, ADS)
    return s


def _state(**extra: Any) -> dict[str, Any]:
    return {"plan": PLAN, "created": CREATED, "applied_actions": ACTIONS, "optimize": {},
            **extra}


def _texts(fig: Any) -> list[str]:
    return [t.get_text() for t in fig.findobj(plt.Text)]


# -- summaries ------------------------------------------------------------------------------


AB_PLAN = {**PLAN, "experiment": {"kind": "audience", "metric": "cpa",
                                   "stopping_rule": {"probability": 0.95, "min_days": 7,
                                                     "max_days": 21}},
           "ad_sets": [{**PLAN["ad_sets"][0], "variant": "A"},
                       {**PLAN["ad_sets"][1], "variant": "B"}]}


def test_an_ab_threads_summary_says_who_leads_and_how_long_to_wait(tmp_path):
    s = InsightsStore(tmp_path / "ab")
    fill(s, {"s1": ("US 18-24", [(40.0, 1)] * 5), "s2": ("US 25-34", [(40.0, 2)] * 5)}, ADS)
    state = {**_state(applied_actions=[]), "plan": AB_PLAN}
    data = json.loads(Path(build_report(state, s, tmp_path, "json")["report"]).read_text())
    summary, exp = data["summary"], data["facts"]["experiment"]
    assert "None" not in summary and " — ." not in summary  # no empty template
    assert exp["headline"].startswith("B: US 25-34 is ") and "likely to be better than A: US 18-24" \
        in exp["headline"]
    assert f"Experiment: {exp['headline']}." in summary
    # five days of data, the rule wants seven: the wait is derived, and at least the two days
    assert exp["wait"]["more_days"] >= 2 and f"Wait about {exp['wait']['more_days']} more days" \
        in summary
    fig = comparison_figure(data["comparison"])
    title = fig._suptitle.get_text().replace("\n", " ")
    assert exp["headline"] in title and "Wait about" in title and "decides at 95%" in title
    assert not any("P(" in t or "posterior" in t.lower() for t in _texts(fig))
    plt.close(fig)


@pytest.mark.parametrize(("p", "days", "rule", "fewest", "want"), [
    # z(0.87)=1.13, z(0.95)=1.64: the evidence must grow 2.13×, so 7 days become 15: 8 more
    (0.87, 7, {"min_days": 7, "max_days": 21}, 5, {"now": False, "more_days": 8, "past_max": False}),
    (0.97, 5, {"min_days": 7, "max_days": 21}, 5, {"now": False, "more_days": 2, "past_max": False}),
    (0.97, 8, {"min_days": 7, "max_days": 21}, 5, {"now": True, "more_days": 0, "past_max": False}),
    # a 60% lead grows slowly: z(0.6)=0.25, (1.64 / 0.25)² = 42 times the ten days
    (0.60, 10, {"min_days": 7, "max_days": 21}, 5, {"now": False, "more_days": 412, "past_max": True}),
    (0.50, 10, {"min_days": 7, "max_days": 21}, 5, {"now": False, "more_days": None, "past_max": False}),
    # ten results wanted per variant, five in five days: five more days at least
    (0.99, 8, {"min_days": 7, "max_days": 21, "min_conversions": 10}, 5,
     {"now": False, "more_days": 8, "past_max": False}),
])
def test_the_wait_is_derived_from_the_data(p, days, rule, fewest, want):
    assert days_to_decide(p, 0.95, days, rule, fewest) == want


def test_a_paused_or_not_started_campaign_is_described_as_such(tmp_path):
    empty = InsightsStore(tmp_path / "empty")
    paused = {**_state(applied_actions=[]), "phase": "launched_paused"}
    summary = json.loads(Path(build_report(paused, empty, tmp_path, "json")["report"])
                         .read_text())["summary"]
    assert summary.startswith("“Spring” is paused (created paused and never activated)")
    assert "0 day" not in summary and "fatigue" not in summary
    now = datetime(2026, 3, 1, tzinfo=UTC)
    later = Flight(created=now, start=now + timedelta(days=9), end=None, status="ACTIVE")
    f = {"campaign": "Spring", "days": 0, "spend": "USD 0.00", "results": 0.0,
         "kpi": "purchases", "actions_applied": 0, "delivery": delivery({}, None, None, later, now)}
    assert template_summary(f) == "“Spring” has not started yet: it starts on Mar 10."


def test_a_live_campaign_says_its_days_and_what_to_watch(store, tmp_path):
    data = json.loads(Path(build_report(_state(), store, tmp_path, "json")["report"]).read_text())
    assert data["summary"].startswith("Over 7 days (Mar 03 – Mar 09) “Spring” spent USD 560.00 ")
    assert "adpilot applied 3 actions — judged 2 improved." in data["summary"]
    assert data["summary"].endswith("as the campaign ages.")


# -- tables ---------------------------------------------------------------------------------


def test_the_ads_table_names_each_ads_ad_set(store, tmp_path):
    md = Path(build_report(_state(), store, tmp_path, "md")["report"]).read_text()
    ads = md.split("## Ads")[1].split("##")[0]
    assert "| ad set | name | spend |" in ads
    assert "| US 18-24 | Image 2 | USD 280.00 |" in ads
    assert "| US 25-34 | Image 2 | USD 280.00 |" in ads


def test_reasons_are_never_cut_mid_word(store, tmp_path):
    md = Path(build_report(_state(), store, tmp_path, "md")["report"]).read_text()
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    why = row.split(" | ")[4]
    assert why.endswith("… (see 1 below)")
    shown = why.removesuffix(" … (see 1 below)")
    assert LONG_WHY.startswith(shown) and LONG_WHY[len(shown)] == " "  # whole words only
    assert "| budget USD 40.00 → USD 46.00 | US 18-24 |" in row
    assert "### Why each action was taken" in md and LONG_WHY in md  # every reason in full
    assert "Image 2 (ad set US 25-34)" in md


def _moved(sid: str, name: str, day: str, before: int, after: int, **evidence: Any):
    return {**budget_action(sid, name, day, before, after), "evidence": evidence}


def test_a_cut_to_the_ad_set_called_best_is_explained_by_its_marginal_cost(store, tmp_path):
    # US 18-24 leads on average (USD 20.00 a purchase) yet the loop cut it: at the margin an
    # extra purchase there cost more than in US 25-34, where the money went.
    cut = [_moved("s1", "US 18-24 [ap:1a2b3c4d]", DAYS[3], 4000, 3400, marginal_cost_minor=5200,
                  others_marginal_cost_minor=3900, average_cost_minor=2600, days=7),
           _moved("s2", "US 25-34", DAYS[3], 4000, 4600, marginal_cost_minor=3900)]
    data = json.loads(Path(build_report(_state(applied_actions=cut), store, tmp_path, "json")[
        "report"]).read_text())
    note = data["comparison"]["note"]
    assert note == (
        "Why adpilot cut US 18-24 although it leads on average cost per purchase (USD 20.00 over "
        "this report): adpilot moves money by what the next USD 1.00 buys, and extra money buys "
        "dearer results. When it cut the budget on Mar 6, one more purchase there was estimated "
        "to cost about USD 52.00 at the margin (its last 7 days had averaged USD 26.00), against "
        "about USD 39.00 in US 25-34, so adpilot moved money to US 25-34.")
    assert note in data["summary"]
    fig = comparison_figure(data["comparison"])
    assert any(t.startswith("Why adpilot cut US 18-24") for t in _texts(fig))  # under the chart
    plt.close(fig)


@pytest.mark.parametrize("moves", [
    ACTIONS,  # the leader's budget was raised: the loop agrees with the chart
    [budget_action("s2", "US 25-34", DAYS[3], 4000, 3400)],  # only the runner-up was cut
    [_moved("s1", "US 18-24", DAYS[2], 4000, 3400, marginal_cost_minor=5200,
            others_marginal_cost_minor=3900),  # cut, then given more: its last move agrees
     _moved("s1", "US 18-24", DAYS[5], 3400, 4200, marginal_cost_minor=3000)],
    [],
])
def test_no_note_when_the_loop_did_not_cut_the_ad_set_called_best(store, tmp_path, moves):
    data = json.loads(Path(build_report(_state(applied_actions=moves), store, tmp_path, "json")[
        "report"]).read_text())
    assert data["comparison"]["leader"] == "s1" and data["comparison"]["note"] is None
    assert "Why adpilot cut" not in data["summary"]


# -- money ----------------------------------------------------------------------------------


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path) as fh:
        return list(csv.DictReader(fh))


def test_csv_money_is_in_major_units_with_its_currency(store, tmp_path):
    build_report(_state(), store, tmp_path, "csv")
    for name in ("daily.csv", "ad_sets.csv", "ads.csv", "actions.csv"):
        rows = _csv(tmp_path / name)
        assert rows and all(r["currency"] == "USD" for r in rows), name
        assert not [k for k in rows[0] if k.endswith("_minor")], name
    sets = {r["id"]: r for r in _csv(tmp_path / "ad_sets.csv")}
    assert (sets["s1"]["spend"], sets["s1"]["cpa"], sets["s1"]["cost_per_result"]) == (
        "280.00", "20.00", "20.00")
    assert {r["ad_set"] for r in _csv(tmp_path / "ads.csv")} == {"US 18-24", "US 25-34"}
    budget = _csv(tmp_path / "actions.csv")[0]
    assert (budget["budget_before"], budget["budget_after"], budget["why"]) == (
        "40.00", "46.00", LONG_WHY + "; 20% probability it is the campaign's best ad set")
    assert budget["p_improved_pct"] == "81.00" and "p_improved" not in budget  # a percentage
    data = json.loads(Path(build_report(_state(), store, tmp_path, "json")["report"]).read_text())
    assert data["money"]["units"] == "minor" and data["money"]["minor_per_major"] == 100
    assert data["ad_sets"]["s1"]["spend_minor"] == 28000


def test_a_zero_decimal_currency_has_no_decimals(tmp_path):
    s = InsightsStore(tmp_path / "jpy")
    fill(s, {"s1": ("JP", [(8000.0, 2)] * 2)}, {"ad1": ("s1", "Image")}, currency="JPY")
    build_report({"plan": {**PLAN, "currency": "JPY"}, "created": CREATED}, s, tmp_path, "csv")
    assert _csv(tmp_path / "ad_sets.csv")[0]["spend"] == "16000"


# -- charts ---------------------------------------------------------------------------------


def _rows(level: str, store: InsightsStore) -> list[dict[str, Any]]:
    return [{**r, "kpi": r["conversions"]} for r in store.daily("c1", level)]


def test_time_charts_mark_applied_actions_with_a_short_label(store):
    marks = action_marks(ACTIONS)
    assert marks == [{"date": DAYS[3], "count": 2, "label": "budget ↑, budget ↓"},
                     {"date": DAYS[5], "count": 1, "label": "pause ad"}]
    names = {"s1": "US 18-24", "s2": "US 25-34"}
    figs = [charts.spend_figure(_rows("campaign", store), "USD", "purchases", None, marks),
            charts.cost_figure(_rows("adset", store), names, "USD", "purchases", 4000, marks)]
    for fig in figs:
        ax = fig.axes[-1] if len(fig.axes) > 1 else fig.axes[0]  # the spend chart's top axes
        at = {np.datetime64(line.get_xdata()[0], "h") for line in ax.get_lines()
              if line.get_linestyle() == ":"}
        assert at == {np.datetime64(DAYS[3], "h"), np.datetime64(DAYS[5], "h")}
        assert {"budget ↑, budget ↓", "pause ad"} <= {t.strip() for t in _texts(fig)}
        plt.close(fig)
    panels = charts.ad_set_figure(_rows("adset", store), names, "USD", None,
                                  {i: action_marks(ACTIONS, i) for i in names})
    assert [sorted(t.get_text().strip() for t in ax.texts) for ax in panels.axes] == [
        ["budget ↑"], ["budget ↓", "pause ad"]]
    plt.close(panels)


def test_daily_budgets_are_drawn_beside_spend(store):
    days = sorted({r["date"] for r in store.daily("c1", "adset")})
    budgets = daily_budgets(PLAN, CREATED, ACTIONS, days)
    assert budgets["s1"] == [4000.0] * 3 + [4600.0] * 4  # the plan's half, then the action's
    fig = charts.spend_figure(_rows("campaign", store), "USD", "purchases",
                              total_budget(budgets, len(days)), [])
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == "daily budget")
    assert list(line.get_ydata()[:-1]) == [80.0] * 7  # USD: 46 + 34 from the fourth day too
    plt.close(fig)
    panels = charts.ad_set_figure(_rows("adset", store), {}, "USD", budgets)
    steps = [next(ln for ln in ax.get_lines() if ln.get_label() == "daily budget")
             for ax in panels.axes]
    assert list(steps[1].get_ydata()[:-1]) == [40.0] * 3 + [34.0] * 4
    plt.close(panels)


def test_the_json_report_carries_the_budget_lines_its_charts_draw(store, tmp_path):
    data = json.loads(Path(build_report(_state(), store, tmp_path, "json")["report"]).read_text())
    lines = data["daily_budgets"]
    assert [d["date"] for d in lines["days"]] == DAYS and lines["level"] == "ad_set"
    assert [[(a["id"], a["daily_budget_minor"]) for a in d["ad_sets"]] for d in lines["days"]] == (
        [[("s1", 4000), ("s2", 4000)]] * 3 + [[("s1", 4600), ("s2", 3400)]] * 4)
    assert [d["total_minor"] for d in lines["days"]] == [8000] * 7


def test_a_campaign_budget_steps_with_the_loops_writes_to_it():
    cbo = {**PLAN, "budget": {"kind": "daily", "amount_minor": 8000, "level": "campaign"}}
    write = {**budget_action("c1", "Spring", DAYS[2], 7500, 9000), "name": "set_campaign_budget",
             "target": {"id": "c1", "level": "campaign", "name": "Spring"}}
    assert campaign_budget(cbo, [write], DAYS) == [7500.0] * 2 + [9000.0] * 5  # Meta's, then ours
    assert campaign_budget(PLAN, ACTIONS, DAYS) is None  # ad-set budgets: their sum is drawn
    assert daily_budgets(cbo, CREATED, [write], DAYS) == {}


def test_days_without_conversions_are_visible_gaps(tmp_path):
    s = InsightsStore(tmp_path / "gaps")
    dry = [(30.0, 2), (30.0, 0), (30.0, 0), (30.0, 0), (30.0, 0), (30.0, 3), (30.0, 1)]
    fill(s, {"s1": ("Dry", dry), "s2": ("Wet", [(30.0, 2)] * 7)}, {})
    fig = charts.cost_figure(_rows("adset", s), {"s1": "Dry", "s2": "Wet"}, "USD",
                             "conversions", None)
    ax = fig.axes[0]
    dry_line = next(ln for ln in ax.get_lines() if ln.get_label() == "Dry")
    ys = list(dry_line.get_ydata())
    assert len(ys) == 7 and [math.isnan(y) for y in ys] == [False, False, False, True, True,
                                                           False, False]
    gaps = [ln for ln in ax.get_lines() if ln.get_marker() == "X" and len(ln.get_xdata())]
    assert len(gaps) == 1 and [str(x)[:10] for x in gaps[0].get_xdata()] == DAYS[3:5]
    assert gaps[0].get_ydata()[0] < 0 <= min(y for y in ys if not math.isnan(y))  # below zero
    texts = _texts(fig)
    assert "no conversions →" in texts and "no conversions in 3 days" in texts
    plt.close(fig)


def test_the_report_counts_the_charts_it_drew(tmp_path):
    one = InsightsStore(tmp_path / "one")  # a single ad set: nothing to compare it with
    fill(one, {"s1": SETS["s1"]}, {"ad1": ADS["ad1"]})
    out = build_report({**_state(), "applied_actions": []}, one, tmp_path, "md")
    assert len(out["charts"]) == 3
    text = Path(out["report"]).read_text()
    assert ("Three charts: daily spend beside the daily budget, with results; cost per result "
            "by ad set; daily spend and budget by ad set.") in text
    assert "four" not in text.lower()


def test_the_report_draws_its_four_charts(store, tmp_path):
    out = build_report(_state(), store, tmp_path, "md")
    assert [Path(p).name for p in out["charts"]] == [
        "daily_spend_results.png", "cost_per_result.png", "spend_by_ad_set.png",
        "which_is_winning.png"]
    view = comparison(_state(), store, "c1", "conversions", "USD", "purchases", 4000)
    assert view is not None and view["headline"].startswith("US 18-24 is ")
    assert view["ranges"]["s1"][1] == pytest.approx(20, rel=0.25)  # USD 280 for 14 purchases
