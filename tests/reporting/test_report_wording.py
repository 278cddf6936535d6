"""The report says what its figures are: CVR's denominator, rates' units, no empty tables.

Found by a review: the CVR column divided by link clicks while the table showed clicks (11
results on 569 clicks read 2.53%); in JSON `ctr` was a percentage and `conversion_rate` a
fraction with nothing saying so; a paused campaign's report printed bare table headers; charts
of a campaign adpilot never changed explained "dotted lines" there were none of; and an
`actions.csv` with no actions held the single word `empty`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from agents.insights import charts
from agents.insights.reporting import build_report
from agents.insights.writers.export import NO_DELIVERY, charts_intro, table, with_pct
from state.insights_store import InsightsStore, derive
from tests.reporting.test_reporting import ran  # noqa: F401 - a module fixture

ROW = derive({"name": "Image 1", "impressions": 48_000, "clicks": 569, "link_clicks": 435,
              "conversions": 11, "spend_minor": 70_000, "reach": 30_000})


def test_the_cvr_column_says_its_denominator_and_link_clicks_are_shown():
    head, _rule, row = table({"a1": ROW}, "USD")
    cells = [c.strip() for c in row.strip("|").split("|")]
    named = dict(zip([c.strip() for c in head.strip("|").split("|")], cells, strict=True))
    assert named["clicks"] == "569" and named["link clicks"] == "435"
    assert named["CVR (per link click)"] == "2.53%"  # 11 ÷ 435, as the column now says


def test_json_rates_are_percentages_named_so_beside_the_old_keys():
    rated = with_pct(ROW)
    assert rated["ctr_pct"] == round(ROW["ctr"], 4) and rated["link_ctr_pct"] == round(ROW["link_ctr"], 4)
    assert rated["conversion_rate_pct"] == 2.5287 and rated["conversion_rate"] == ROW["conversion_rate"]


def test_charts_explain_dotted_lines_only_when_there_are_some():
    rows = [{"date": f"2026-03-0{d}", "spend_minor": 1000 * d, "kpi": d} for d in (1, 2, 3)]
    bare = charts.spend_figure(rows, "USD", "purchases")
    assert "dotted" not in bare._suptitle.get_text()
    marked = charts.spend_figure(rows, "USD", "purchases", marks=[
        {"date": "2026-03-02", "label": "pause ad", "count": 1}])
    assert "(dotted lines: adpilot's actions)" in marked._suptitle.get_text()
    assert "Dotted" not in charts_intro(["daily_spend_results.png"], marked=False)
    assert "Dotted lines" in charts_intro(["daily_spend_results.png"])


def test_a_campaign_with_no_delivery_says_so_and_its_csvs_hold_header_rows(tmp_path):
    state = {"created": {"campaign": "120001"}, "applied_actions": [],
             "plan": {"name": "Paused promo", "currency": "USD"}}
    store = InsightsStore(tmp_path / "home")
    text = Path(build_report(state, store, tmp_path / "md", "md")["report"]).read_text()
    assert text.count(NO_DELIVERY) == 2 and "| name |" not in text
    build_report(state, store, tmp_path / "csv", "csv")
    with open(tmp_path / "csv" / "actions.csv") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 1 and {"action", "applied_date", "why", "currency"} <= set(rows[0])
    for name in ("ads.csv", "ad_sets.csv", "daily.csv"):
        with open(tmp_path / "csv" / name) as fh:
            assert "spend" in next(csv.reader(fh)), name


def test_the_json_report_has_pct_rates_and_says_its_units(ran, tmp_path):  # noqa: F811
    state, store, _client = ran
    data = json.loads(Path(build_report(state, store, tmp_path, "json")["report"]).read_text())
    assert "conversion_rate_pct" in data["money"]["rates"]
    for row in [data["totals"], *data["ad_sets"].values(), *data["ads"].values()]:
        assert row["ctr_pct"] == round(row["ctr"], 4)
        if row["conversion_rate"] is not None:
            assert row["conversion_rate_pct"] == round(row["conversion_rate"] * 100, 4)
    md = Path(build_report(state, store, tmp_path, "md")["report"]).read_text()
    assert "| link clicks |" in md and "CVR (per link click)" in md
