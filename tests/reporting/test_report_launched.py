"""Reports of campaigns launched through the real graph on the sandbox, that the loop never touched.

Each campaign is planned by hand (two ad sets), approved and launched by the compiled graph with
no optimise cycle (`max_cycles=0`), then delivers for a few simulated days; its insights are
collected from the sandbox over HTTP into the store the report reads. No action ever wrote a
budget, so every budget the report draws comes from the plan itself.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langgraph.types import Command

from agents.insights.assets_report import dynamic_ads
from agents.insights.collect import collect
from agents.insights.reporting import build_report
from graph.builder import build_graph
from graph.checkpointer import open_checkpointer
from graph.environment import SANDBOX_TOKEN
from state.insights_store import InsightsStore
from tests.launchkit import APPROVE, context_for, images, plan_for
from tools.meta_client import MetaClient

DAYS = 5  # days of delivery collected
DYNAMIC = ('Dynamic creative for trail shoes: headlines "Grip that lasts" and "Made for mud", '
           "images {img} and {img2}; let Meta mix them. Sales in the US, $70/day for 14 days "
           "from tomorrow, https://shop.example.com/trail.")


def _plan(ctx: Any, folder: Path, level: str, start: datetime) -> dict[str, Any]:
    """Two ad sets (25-34, 35-45) sharing USD 60.00 a day, at `level` (ad_set or campaign)."""
    plan = plan_for(ctx, images(folder), salt=level)
    plan.update(name=f"Trail shoes ({level})", start_time=start.isoformat(),
                end_time=(start + timedelta(days=14)).isoformat())
    plan["budget"] = {"kind": "daily", "amount_minor": 6000, "level": level}
    young = plan["ad_sets"][0]
    older = copy.deepcopy(young)
    young["name"], young["targeting"]["age_max"] = "US 25-34", 34
    older["name"], older["targeting"]["age_min"] = "US 35-45", 35
    plan["ad_sets"].append(older)
    return plan


@pytest.fixture(scope="module")
def launched(sandbox_module, tmp_path_factory) -> dict[str, Any]:
    """Launch an ad-set-budget campaign and a campaign-budget (CBO) one; collect their days."""
    tmp = tmp_path_factory.mktemp("launched")
    ctx = context_for(sandbox_module.url, tmp / "home")
    ctx = dataclasses.replace(ctx, max_cycles=0,
                              policy=dataclasses.replace(ctx.policy, go_live=True))
    now = datetime.fromisoformat(sandbox_module.admin("GET", "/__sandbox__/clock")["now"])
    start = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    states = {}
    with open_checkpointer(tmp / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        for level in ("ad_set", "campaign"):
            cfg = {"configurable": {"thread_id": level}}
            graph.invoke({"brief": "Trail shoes", "plan": _plan(ctx, tmp / level, level, start)},
                         cfg, context=ctx)
            graph.invoke(Command(resume=APPROVE), cfg, context=ctx)
            states[level] = dict(graph.get_state(cfg).values)
            assert states[level]["phase"] == "live" and not states[level].get("applied_actions")
        # A dynamic creative, planned from a brief: the report reads its assets' breakdowns.
        cfg = {"configurable": {"thread_id": "dynamic"}}
        img, img2 = images(tmp / "dynamic")
        graph.invoke({"brief": DYNAMIC.format(img=img, img2=img2)}, cfg, context=ctx)
        graph.invoke(Command(resume=APPROVE), cfg, context=ctx)
        states["dynamic"] = dict(graph.get_state(cfg).values)
    sandbox_module.admin("POST", "/__sandbox__/clock/advance", {"days": DAYS + 1})
    today = sandbox_module.admin("GET", "/__sandbox__/clock")["now_local"][:10]
    client = MetaClient(ctx.meta, token=SANDBOX_TOKEN)
    store = InsightsStore(tmp / "home")
    for state in (states["ad_set"], states["campaign"]):
        collect(client, store, campaign_id=state["created"]["campaign"],
                start=start.date().isoformat(), today=today, currency="USD", n_ads=4, n_adsets=2)
    return {"states": states, "store": store}


def _json(launched: dict[str, Any], level: str, out: Path) -> dict[str, Any]:
    report = build_report(launched["states"][level], launched["store"], out, "json")["report"]
    return json.loads(Path(report).read_text())


def test_untouched_ad_sets_draw_their_planned_budgets_and_say_what_they_optimise_for(
    launched, tmp_path
):
    data = _json(launched, "ad_set", tmp_path)
    lines = data["daily_budgets"]
    assert len(lines["days"]) == DAYS and lines["level"] == "ad_set"
    # USD 60.00 a day shared equally: each ad set's line is its USD 30.00 on every day
    for day in lines["days"]:
        assert {a["id"]: a["daily_budget_minor"] for a in day["ad_sets"]} == dict.fromkeys(
            data["ad_sets"], 3000)
        assert day["total_minor"] == 6000
    assert [g["optimised_for"] for g in data["results_by_goal"]] == ["website purchases"] * 2
    md = Path(build_report(launched["states"]["ad_set"], launched["store"], tmp_path, "md")[
        "report"]).read_text()
    assert "| US 25-34 | website purchases |" in md and "| — |" not in md.split(
        "## Results by goal")[1].split("##")[0]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh))


def test_csv_rates_are_labelled_percentages_figures_rounded_and_names_untagged(launched, tmp_path):
    files = build_report(launched["states"]["ad_set"], launched["store"], tmp_path, "csv")["csv"]
    assert "[ap:" not in "".join(Path(f).read_text() for f in files)  # names as people gave them
    assert "US 25-34 [" not in Path(files[0]).read_text()
    for name in ("ad_sets.csv", "ads.csv"):
        rows = _csv(tmp_path / name)
        assert {"ctr_pct", "link_ctr_pct", "conversion_rate_pct"} <= set(rows[0]), name
        assert not {"ctr", "link_ctr", "conversion_rate"} & set(rows[0]), name
        for r in rows:  # each rate in percent, from the sums
            assert r["ctr_pct"] == f"{100 * int(r['clicks']) / int(r['impressions']):.2f}"
            assert r["conversion_rate_pct"] == (
                f"{100 * float(r['conversions']) / int(r['link_clicks']):.2f}")
    for f in files:  # money to the cent, rates and ratios to two decimals: nothing longer
        for r in _csv(Path(f)):
            long = {k: v for k, v in r.items() if k not in ("pulled_at", "applied_at", "date")
                    and re.fullmatch(r"-?\d+\.\d{3,}", v or "")}
            assert not long, (Path(f).name, long)


def test_a_campaign_budget_is_drawn_beside_spend_and_its_ad_sets_have_none(launched, tmp_path):
    data = _json(launched, "campaign", tmp_path)
    lines = data["daily_budgets"]
    assert lines["level"] == "campaign" and len(lines["days"]) == DAYS
    assert [d["total_minor"] for d in lines["days"]] == [6000] * DAYS  # the campaign's USD 60.00
    assert [d["ad_sets"] for d in lines["days"]] == [[]] * DAYS  # ad sets hold no budget of their own


def test_a_launched_dynamic_creative_is_found_for_its_asset_breakdowns(launched):
    state = launched["states"]["dynamic"]
    created = state["created"]
    assert [s.get("is_dynamic_creative") for s in state["plan"]["ad_sets"]] == [True]
    ads = dynamic_ads(state["plan"], created)
    assert list(ads) == list(created["ads"].values())  # its one ad, by the id Meta gave it
    assert [a["adset_id"] for a in ads.values()] == list(created["ad_sets"].values())
