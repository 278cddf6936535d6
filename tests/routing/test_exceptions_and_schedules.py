"""Requests that leave something out, wait for a later time, or state two rules.

Each of these did something other than asked without saying so: "pause Spring Sale but keep
Carousel B running" paused the whole campaign (Carousel B too); "bump X's budget 20% from
Friday" changed it now; "pause X until Monday" paused it with no word that it would not come
back on Monday; "CPA over $40 or CTR below 0.5%" dropped the CTR rule; "spent over $100
without a single purchase" fell back to the default rule. The sentences are written for these
tests; the world is the router evals' (evals/datasets/request_world.json).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

SPRING_SALE_ACTIVE_ADS = {"120332000001111", "120332000001112", "120332000001121",
                          "120332000001122", "120332000001131", "120332000001132"}


@pytest.mark.parametrize("request_", [
    "pause Spring Sale but keep Carousel B running",
    "pause everything in Spring Sale except Carousel B",
    "turn off all the ads in Spring Sale apart from Carousel B",
    "pause all Spring Sale ads other than Carousel B",
])
def test_an_exception_is_left_running(request_):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS - {"120332000001122"}


def test_an_exception_whose_name_is_shared_is_read_inside_the_container():
    i = ask("pause everything in Spring Sale except Carousel A")  # also in the Retargeting campaign
    assert i.route == "status"
    assert {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS - {"120332000001112"}


def test_an_exception_in_a_budget_change_leaves_that_ad_set_alone():
    i = ask("raise every ad set in Trail Shoes - Prospecting by 20% except Lookalike 3%")
    assert i.route == "budget" and i.params["change"]["pct"] == 20
    assert {e.id for e in i.entities} == {"120331000000131", "120331000000132"}


def test_an_exception_adpilot_cannot_place_is_asked_naming_it():
    i = ask("pause ads in Spring Sale with CPA over $40 except Carousel B")
    assert i.route == "clarify" and "Carousel B" in i.params["why"]


@pytest.mark.parametrize("request_", [
    "bump Spring Sale's budget 20% starting Friday",
    "raise Brand Awareness to $80 a day from next Monday",
    "cut Add to Cart 14d by $10 a day tomorrow",
])
def test_a_budget_change_at_a_later_time_is_refused_not_made_now(request_):
    i = ask(request_)
    assert i.route == "unsupported", (i.route, i.params)


@pytest.mark.parametrize("request_", [
    "pause Spring Sale until Monday, we're restocking",
    "switch off Brand Awareness for 3 days",
])  # "for the weekend" said on a Wednesday (TODAY) is days away: tests/routing/test_weekend_ahead.py
def test_a_pause_for_a_while_pauses_now_and_says_it_will_not_resume(request_):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert [a.route for a in i.also] == ["unsupported"]
    assert any("resume" in n.lower() for n in i.notes), i.notes


def test_two_rules_joined_by_or_are_both_proposed():
    i = ask("Spring Sale: pause any ad with a CPA over $40 or a CTR below 0.5%")
    assert i.route == "pause_underperformers" and i.params["metric"] == "cpa"
    assert [(a.route, a.params["metric"], a.params["op"], a.params["threshold"]) for a in i.also] == \
        [("pause_underperformers", "ctr", "<", 0.5)]


@pytest.mark.parametrize("request_", [
    "Spring Sale — kill any ad that's spent over $100 without a single purchase",
    "pause the ads in Spring Sale that have spent $100 and not made one purchase",
])
def test_no_purchase_after_a_spend_is_a_zero_results_rule(request_):
    i = ask(request_)
    assert i.route == "pause_underperformers"
    assert (i.params["metric"], i.params["op"], i.params["threshold"]) == ("results", "==", 0)
    assert i.params["min_spend_minor"] == 10000


@pytest.mark.parametrize("request_,first,second", [
    ("lower Spring Sale to $120 and Brand Awareness to $40",
     ("Spring Sale", {"to_minor": 12000}), ("Brand Awareness", {"to_minor": 4000})),
    ("double Spring Sale, halve Brand Awareness",
     ("Spring Sale", {"factor": 2}), ("Brand Awareness", {"factor": 0.5})),
    ("cut Spring Sale by 20% and Brand Awareness by 10%",
     ("Spring Sale", {"pct": -20}), ("Brand Awareness", {"pct": -10})),
])
def test_two_objects_with_their_own_amounts_each_get_their_own(request_, first, second):
    # one amount was applied to both ("Brand Awareness to $40" set it to $120; "halve" halved both)
    i = ask(request_)
    got = [(i.entities[0].name, i.params["change"])] + \
        [(a.entities[0].name, a.params["change"]) for a in i.also]
    assert len(i.entities) == 1 and i.route == "budget"
    assert [(n, {k: v for k, v in ch.items() if v is not None}) for n, ch in got] == [first, second]


def test_one_amount_for_two_objects_is_both():
    i = ask("set Spring Sale and Brand Awareness to $100 a day")
    assert i.route == "budget" and {e.name for e in i.entities} == {"Spring Sale", "Brand Awareness"}
    assert i.params["change"]["to_minor"] == 10000


@pytest.mark.parametrize("request_", [
    "pause the 2 worst ads in Spring Sale by CPA",
    "pause the bottom 3 ads in Spring Sale",
    "kill Spring Sale's ads with a high CPA",
])
def test_a_rule_adpilot_cannot_read_is_asked_not_replaced_by_the_default(request_):
    # it proposed the policy's default rule, not the ranking or the metric the request named
    i = ask(request_)
    assert i.route == "clarify", (i.route, i.params)


@pytest.mark.parametrize("request_", [
    "pause the weak ads in Spring Sale, default rule",
    "run the underperformer sweep on Spring Sale",
])
def test_the_default_rule_when_the_request_names_none(request_):
    i = ask(request_)
    assert i.route == "pause_underperformers" and i.params["metric"] is None


@pytest.mark.parametrize("request_", [
    "pause Spring Sale ads with cpc > $2.50 that spent at least $50",
    "pause Spring Sale ads with cost per click over $2.50 that have spent $50",
])
def test_a_threshold_followed_by_a_minimum_spend_keeps_both(request_):
    # "$2.50 that spent" read the $2.50 as the spend: the CPC rule was lost (the default rule ran)
    i = ask(request_)
    assert i.route == "pause_underperformers"
    assert (i.params["metric"], i.params["op"], i.params["threshold"], i.params["min_spend_minor"]) \
        == ("cpc", ">", 250, 5000)
