"""Separate audiences without an A/B test: one ad set each, ad-set budgets, no experiment."""

from __future__ import annotations

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from graph.cli.demo import DEMO_BRIEF

D = PlanDefaults(currency="USD", page_id="1", pixel_id="2")
BASE = ("Sell our trail shoes to runners in the US, $160/day for 21 days. {ages}. "
        "Landing page https://shop.example.com/trail. Image hero.jpg. Shop now.")


@pytest.mark.parametrize(("ages", "n_sets", "experiment"), [
    ("One ad set per age group: 18-24, 25-34, 35-44 and 45-54", 4, False),
    ("Separate ad sets per age band: 25-34 and 35-44", 2, False),
    ("Test ages 25-34 vs 35-44", 2, True),
    ("Ages 25-44", 1, False),
])
def test_audiences_split_into_ad_sets_and_only_a_test_is_an_experiment(ages, n_sets, experiment):
    result = plan_brief(BASE.format(ages=ages), D)
    plan = result.plan
    assert plan is not None and not result.problems and not result.not_understood
    assert len(plan["ad_sets"]) == n_sets
    assert ("experiment" in plan) is experiment
    assert all(("variant" in s) is experiment for s in plan["ad_sets"]) or n_sets == 1
    if n_sets > 1:
        # budgets live on the ad sets so the optimise loop can move money between audiences
        assert plan["budget"]["level"] == "ad_set"
        names = [s["name"] for s in plan["ad_sets"]]
        assert len(set(names)) == n_sets and all(n.count("-") == 1 for n in names)


def test_demo_brief_plans_four_audiences_three_ads_each_with_a_target_cpa():
    images = "/tmp/a.png, /tmp/b.png, /tmp/c.png"
    plan = plan_brief(DEMO_BRIEF.format(images=images), D).plan
    assert plan is not None and "experiment" not in plan
    assert [len(s["ads"]) for s in plan["ad_sets"]] == [3, 3, 3, 3]
    assert plan["targets"] == {"cpa_minor": 4000} and plan["objective"] == "OUTCOME_SALES"
