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


# "each", "separately", "one ad set for X and one for Y" were dropped: one ad set for every
# country and gender, the budget as if for one. Now split as asked, or asked.
LANDING = "https://example.com/t, image a.jpg"


def _sets(plan):
    return [(s["targeting"]["geo_locations"]["countries"], s["targeting"].get("genders"))
            for s in plan["ad_sets"]]


def test_a_budget_each_over_several_countries_is_one_ad_set_per_country():
    r = plan_brief(f"sales for shoes in the US and UK and Australia, $50 a day each, {LANDING}", D)
    assert r.questions == [] and "experiment" not in r.plan
    assert _sets(r.plan) == [(["US"], None), (["GB"], None), (["AU"], None)]
    assert r.plan["budget"] == {"kind": "daily", "amount_minor": 15000, "level": "ad_set"}
    assert [s["name"] for s in r.plan["ad_sets"]] == ["US 18-65", "GB 18-65", "AU 18-65"]


@pytest.mark.parametrize("said", ["one ad set per country", "separate ad sets for each country",
                                  "split by country", "one ad set for the US and one for Canada"])
def test_a_split_by_country_is_one_ad_set_per_country(said):
    r = plan_brief(f"sales for shoes in the US and Canada, $50 a day, {said}, {LANDING}", D)
    assert r.questions == [] and "experiment" not in r.plan
    assert _sets(r.plan) == [(["US"], None), (["CA"], None)]
    assert r.plan["budget"]["amount_minor"] == 5000  # $50 in all, shared by the two


@pytest.mark.parametrize("said", ["women and men separately", "one ad set for women and one "
                                  "for men", "separate ad sets for men and women",
                                  "split by gender"])
def test_a_split_by_gender_is_one_ad_set_per_gender(said):
    r = plan_brief(f"sales for shoes in the US, $50 a day, {said}, {LANDING}", D)
    assert r.questions == [] and "experiment" not in r.plan
    assert sorted(_sets(r.plan)) == [(["US"], [1]), (["US"], [2])]


@pytest.mark.parametrize(("said", "phrase"), [
    ("$20 a day per ad, images a.jpg b.jpg", "$20 a day per ad"),
    ("$20 a day for each creative, images a.jpg b.jpg", "$20 a day for each creative"),
])
def test_a_budget_per_ad_is_asked(said, phrase):
    r = plan_brief(f"sales for shoes in the US, {said}, https://example.com/t", D)
    [q] = r.questions
    assert q["field"] == "budget" and q["phrase"] == phrase and "ad set" in q["question"]
    assert "$40 a day in total" in q["question"]  # the sum for its 2 ads, as an example


@pytest.mark.parametrize(("brief", "phrase"), [
    ("sales for shoes in the US, $50 a day each", "$50 a day each"),
    ("sales for shoes in Austin and Dallas, $30 a day each", "$30 a day each"),
    ("sales for shoes in Austin and Dallas, $30 a day, one ad set per city",
     "one ad set per city"),
])
def test_a_split_adpilot_cannot_make_is_asked(brief, phrase):
    r = plan_brief(f"{brief}, {LANDING}", D)
    assert phrase in [q["phrase"] for q in r.questions], r.questions


# "split evenly between", "one ad set each", "separate ad sets for the US and Canada" were not
# read as splits: one ad set for every place and gender, launchable, saying nothing.
@pytest.mark.parametrize("said", ["$50 a day split evenly between the US and Canada",
                                  "$50 a day, US and Canada, one ad set each",
                                  "$50 a day, separate ad sets for the US and Canada",
                                  "$50 a day divided equally across the US and Canada"])
def test_an_even_split_between_places_is_one_ad_set_each(said):
    r = plan_brief(f"sales for shoes, {said}, {LANDING}", D)
    assert r.questions == [] and "experiment" not in r.plan
    assert _sets(r.plan) == [(["US"], None), (["CA"], None)]
    assert r.plan["budget"] == {"kind": "daily", "amount_minor": 5000, "level": "ad_set"}


@pytest.mark.parametrize("said", ["$50 a day split evenly between men and women",
                                  "$50 a day split 50/50 between women and men"])
def test_an_even_split_between_genders_is_one_ad_set_each(said):
    r = plan_brief(f"sales for shoes in the US, {said}, {LANDING}", D)
    assert r.questions == [] and "experiment" not in r.plan
    assert sorted(_sets(r.plan)) == [(["US"], [1]), (["US"], [2])]


def test_an_uneven_split_is_asked():
    r = plan_brief(f"sales for shoes, $100 a day split 70/30 between the US and Canada, {LANDING}", D)
    assert r.questions and "70/30" in " ".join(q.get("phrase", "") for q in r.questions)
