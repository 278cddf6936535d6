"""Reports from a real optimise run on the sandbox: markdown, charts, CSV and JSON."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from PIL import Image

from agents.insights.reporting import build_report, narrative
from bench.campaign_tree import launch
from bench.optimizer import BenchContext, _client, _targets, adpilot_step
from sandbox.scenario import load_scenario
from state.context import Policy
from state.insights_store import InsightsStore
from tests.conftest import make_api


@pytest.fixture(scope="module")
def ran(sandbox_module, tmp_path_factory):
    sc = load_scenario("ecommerce_usd")
    home = tmp_path_factory.mktemp("home")
    client = _client(sandbox_module, sc)
    created = launch(client, sc, n_adsets=3, n_ads=2)
    state = {"created": created, "applied_actions": [], "plan": {"name": "Spring Sale", "objective": sc.objective,
             "start_time": sc.start.isoformat()}, "optimize": {"targets": _targets(sc)}}
    store = InsightsStore(home)
    ctx = BenchContext(home=str(home), policy=Policy())
    for _ in range(8):
        sandbox_module.admin("POST", "/__sandbox__/clock/advance", {"days": 1})
        adpilot_step(client, sc, state, ctx, store)
    return state, store, client


def test_markdown_report_has_summary_tables_actions_and_four_charts(ran, tmp_path):
    state, store, _ = ran
    out = build_report(state, store, tmp_path, "md")
    text = Path(out["report"]).read_text()
    for heading in ("## Executive summary", "## Ad sets", "## Ads", "## Actions taken and their judged effect"):
        assert heading in text
    assert "[ap:" not in text  # provenance tags are for machines
    assert len(out["charts"]) >= 3
    for png in out["charts"]:
        with Image.open(png) as im:
            assert im.format == "PNG" and im.size[0] >= 600
        assert f"]({Path(png).name})" in text
    if state["applied_actions"]:
        assert state["applied_actions"][0]["name"] in text


def test_report_figures_are_sums_from_the_store(ran, tmp_path):
    state, store, _ = ran
    data = json.loads(Path(build_report(state, store, tmp_path, "json")["report"]).read_text())
    cid = state["created"]["campaign"]
    spend = sum(r["spend_minor"] for r in store.daily(cid, "campaign"))
    assert data["totals"]["spend_minor"] == spend
    assert sum(s["spend_minor"] for s in data["ad_sets"].values()) == pytest.approx(spend, abs=5)
    assert data["summary"] and data["facts"]["actions_applied"] == len(
        [a for a in state["applied_actions"] if a["status"] in ("applied", "noted")])


def _minor_fields(value, path=""):
    """Yield (path, value) of every field named *_minor anywhere in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            if str(k).endswith("_minor"):
                yield f"{path}.{k}", v
            yield from _minor_fields(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _minor_fields(v, f"{path}[{i}]")


def test_every_minor_unit_figure_in_the_json_report_is_an_integer(ran, tmp_path):
    state, store, _ = ran
    assert state["applied_actions"]  # the loop's evidence and judgements are in the report too
    data = json.loads(Path(build_report(state, store, tmp_path, "json")["report"]).read_text())
    fields = list(_minor_fields(data))
    assert len(fields) > 50
    flat = [(p, x) for p, v in fields for x in (v if isinstance(v, list) else [v])]
    assert [(p, x) for p, x in flat if x is not None and type(x) is not int] == []
    # rounded half up from the store's exact ratio, not truncated
    cid = state["created"]["campaign"]
    cpm = next(iter(store.totals(cid, "campaign").values()))["cpm_minor"]
    assert data["totals"]["cpm_minor"] == int(Decimal(repr(cpm)).quantize(1, ROUND_HALF_UP))


def test_csv_exports(ran, tmp_path):
    state, store, _ = ran
    files = build_report(state, store, tmp_path, "csv")["csv"]
    assert {Path(f).name for f in files} == {"daily.csv", "ad_sets.csv", "ads.csv", "actions.csv"}
    with open(tmp_path / "daily.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["level"] for r in rows} == {"campaign", "adset", "ad"}


def test_template_narrative_without_a_model_and_bad_format(ran, tmp_path):
    state, store, _ = ran
    text = narrative({"days": 3, "campaign": "X", "spend": "USD 1.00", "results": 2.0, "kpi": "conversions",
                      "cost_per_result": "USD 0.50", "best_ad_set": "A", "worst_ad_set": "B",
                      "actions_applied": 1, "judged": {"improved": 1}}, model="rules")
    assert "USD 1.00" in text and "“A”" in text and "1 improved" in text
    with pytest.raises(ValueError, match="md, csv or json"):
        build_report(state, store, tmp_path, "pdf")


def test_report_uses_the_plans_target_when_the_thread_has_none(ran, tmp_path):
    # A plan's `targets` (parsed from "target CPA $40") must reach the report, not only the loop.
    state, store, _ = ran
    from_plan = {**state, "optimize": {}, "plan": {**state["plan"], "targets": {"cpa_minor": 4000}}}
    data = json.loads(Path(build_report(from_plan, store, tmp_path, "json")["report"]).read_text())
    assert data["facts"]["target_cpa_minor"] == 4000 and data["facts"]["target_cpa"] == "USD 40.00"


def test_a_campaign_paused_on_meta_is_reported_as_paused(ran, sandbox_module, tmp_path):
    # The report reads the campaign's status from Meta (the sandbox, over HTTP) when it can.
    from facebook_business.adobjects.campaign import Campaign

    state, store, client = ran  # the client reads the campaign's status from Meta
    live = json.loads(Path(build_report(state, store, tmp_path, "json", client=client)["report"])
                      .read_text())
    assert live["facts"]["delivery"]["state"] == "live"
    assert live["summary"].startswith("Over 8 days") and "creative fatigue" in live["summary"]
    campaign = Campaign(state["created"]["campaign"], api=make_api(sandbox_module.url))
    campaign.api_update(params={"status": "PAUSED"})
    try:
        data = json.loads(Path(build_report(state, store, tmp_path, "json", client=client)[
            "report"]).read_text())
    finally:
        campaign.api_update(params={"status": "ACTIVE"})
    assert data["facts"]["delivery"]["state"] == "paused"
    assert data["summary"].startswith("“Spring Sale” is paused: nothing is being spent. Over its 8 "
                                      "days of delivery")
    assert "fatigue" not in data["summary"]
