"""The optimiser bench runs any scenario file in the documented schema, not only the bundled ones."""

from __future__ import annotations

import json

from bench.campaign_tree import build_tree
from bench.optimizer import main
from sandbox.scenario import SCENARIO_DIR, load_scenario


def _custom(tmp_path):
    """A GBP shop of our own: different seed, account, currency, targets and a short horizon."""
    data = json.loads((SCENARIO_DIR / "ecommerce_usd.json").read_text())
    data.update(
        name="homeware_gbp",
        description="A UK homeware shop, written for this test.",
        seed=99,
        currency="GBP",
        timezone="Europe/London",
        countries=["GB"],
        days=7,
    )
    data["account"].update(id="act_4242424242", name="Homeware Ltd")
    data["targets"].update(cpa_minor=1800, daily_budget_minor=24000)
    path = tmp_path / "homeware_gbp.json"
    path.write_text(json.dumps(data))
    return path


def test_bench_runs_a_custom_scenario_file_with_every_strategy_under_the_spend_cap(
    tmp_path, capsys
):
    path = _custom(tmp_path)
    assert main(["--scenario", str(path), "--seeds", "1", "--json", "--procs", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    [scenario] = report["scenarios"]
    assert scenario["name"] == "homeware_gbp" and scenario["seeds"] == [1]
    assert set(scenario["mean"]) == set(report["mean"]) == {
        "adpilot", "launch_and_leave", "threshold_rules"
    }
    for strategy, fraction in scenario["mean"].items():
        assert 0.05 < fraction <= 1.05, (strategy, fraction)
        assert 0 < scenario["spend_fraction"][strategy] <= 1.0
    assert report["spend_capped"] is True
    assert set(report["floor"]) >= {"met", "adpilot_mean", "ahead_of_threshold_rules"}


def test_the_bench_campaign_caps_its_lifetime_spend_at_the_planned_money(tmp_path):
    sc = load_scenario(str(_custom(tmp_path)))
    capped = build_tree(sc, spend_cap=True)
    daily = sum(a["params"]["daily_budget"] for a in capped["ad_sets"])
    assert capped["campaign"]["params"]["spend_cap"] == daily * 7
    assert "spend_cap" not in build_tree(sc)["campaign"]["params"]
