"""'pause all the ads in X' pauses X's ads; only a word of quality or a threshold makes it a rule.

"pause all the ads in Spring Sale" named no rule and got the policy's default one (a CPA
threshold): some ads paused, most left running, while the person asked for all of them. A
request with no threshold and no word of quality ("weak", "losers", "underperforming", "the
sweep") now pauses each active ad (or ad set) of what it names, and the card lists them.
The world is the router evals' (evals/datasets/request_world.json).
"""

from __future__ import annotations

import pytest

from tests.routing.conftest import ask

SPRING_SALE_ACTIVE_ADS = {"120332000001111", "120332000001112", "120332000001121",
                          "120332000001122", "120332000001131", "120332000001132"}
SPRING_SALE_ACTIVE_ADSETS = {"120331000000111", "120331000000112", "120331000000113"}


@pytest.mark.parametrize("request_", [
    "pause all the ads in Spring Sale",
    "pause all ads in Spring Sale",
    "turn off every ad in Spring Sale",
    "pause the ads in Spring Sale",
    "kill all the ads in Spring Sale please",
    "can you pause every single ad in Spring Sale?",
])
def test_all_the_ads_of_a_campaign_are_paused(request_):
    i = ask(request_)
    assert i.route == "status" and i.params["to"] == "PAUSED", (i.route, i.params)
    assert {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS


def test_all_the_ad_sets_of_a_campaign_are_paused():
    i = ask("pause all ad sets in Spring Sale")
    assert i.route == "status" and i.params["to"] == "PAUSED"
    assert {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADSETS


def test_all_the_ads_of_an_ad_set_are_paused():
    i = ask("pause all the ads in Add to Cart 14d")
    assert i.route == "status"
    assert {e.id for e in i.entities} == {"120332000001221", "120332000001222"}


def test_ads_paused_already_are_still_a_pause_with_nothing_to_change():
    i = ask("pause all the ads in Black Friday 2025")  # paused campaign, paused ad
    assert i.route == "status" and {e.id for e in i.entities} == {"120332000001711"}


def test_the_ads_of_a_campaign_said_with_its_name():
    i = ask("pause Spring Sale's ads")  # it paused the campaign: not what was said
    assert i.route == "status" and {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS


def test_an_exception_still_leaves_its_ad_running():
    i = ask("pause all the ads in Spring Sale apart from Carousel B")
    assert i.route == "status"
    assert {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS - {"120332000001122"}


@pytest.mark.parametrize("request_", [
    "pause the weak ads in Spring Sale",
    "turn off the losers in Spring Sale",
    "pause the underperforming ads in Spring Sale",
    "run the underperformer sweep on Spring Sale",
])
def test_a_word_of_quality_keeps_the_default_rule(request_):
    i = ask(request_)
    assert i.route == "pause_underperformers" and i.params["metric"] is None


def test_a_threshold_keeps_the_rule():
    i = ask("pause all the ads in Spring Sale with CPA over $40")
    assert i.route == "pause_underperformers" and i.params["metric"] == "cpa"


@pytest.mark.parametrize("request_", ["pls pause ad set 120331000000113", "pause the ad set Broad US in Spring Sale"])
def test_a_kind_that_labels_the_name_is_that_object(request_):
    i = ask(request_)
    assert i.route == "status" and [e.id for e in i.entities] == ["120331000000113"]


@pytest.mark.parametrize("request_", [
    "ROAS must not drop below 2.5 on Spring Sale",
    "Spring Sale's CTR must not drop under 0.8",
    "make sure Spring Sale's frequency doesn't go over 3",
])
def test_a_ratio_metrics_number_is_never_a_budget(request_):
    # 'drop … 2.5' set Spring Sale's budget to $2.50 a day: the ROAS's number read as money
    i = ask(request_)
    assert i.route != "budget", (i.route, i.params)


def test_a_bare_number_after_a_budget_verb_is_still_money():
    i = ask("drop Spring Sale to 40")
    assert i.route == "budget" and i.params["change"]["to_minor"] == 4000
