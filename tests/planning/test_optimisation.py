"""What the ad sets optimise for: named events are used, impossible ones and two at once asked."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from state.meta_tree import to_meta_tree
from state.plan import load_plan

D = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 3, 2))
BASE = "Sales for our hiking boots, $70/day, US, https://trailgrip.example.com, boots.jpg. {}"


@pytest.mark.parametrize(("said", "goal", "event"), [
    ("Optimize for add to cart.", "OFFSITE_CONVERSIONS", "ADD_TO_CART"),
    ("optimise for ATCs", "OFFSITE_CONVERSIONS", "ADD_TO_CART"),
    ("Optimisation event: initiated checkout", "OFFSITE_CONVERSIONS", "INITIATED_CHECKOUT"),
    ("optimize for landing page views", "LANDING_PAGE_VIEWS", None),
    ("opt for link clicks", "LINK_CLICKS", None),
    ("optimise for value please", "VALUE", "PURCHASE"),
    ("optimise for purchases", "OFFSITE_CONVERSIONS", "PURCHASE"),
])
def test_a_named_optimisation_is_planned(said, goal, event):
    r = plan_brief(BASE.format(said), D)
    assert not r.questions and not r.not_understood, (r.questions, r.not_understood)
    ad_set = r.plan["ad_sets"][0]
    assert ad_set["optimization_goal"] == goal
    assert (ad_set.get("promoted_object") or {}).get("custom_event_type") == event


@pytest.mark.parametrize(("said", "kind"), [
    ("optimise for installs", "conflict"),  # a sales campaign on the web cannot
    ("optimise for ATC and purchases", "conflict"),  # two events: which one?
    ("optimise for happiness", "not_understood"),
])
def test_an_optimisation_the_plan_cannot_use_is_asked(said, kind):
    r = plan_brief(BASE.format(said), D)
    assert [q["kind"] for q in r.questions] == [kind]
    assert r.questions[0]["affects"] == "what is optimised"


def test_the_card_names_the_event(tmp_path):
    from agents.orchestrator.card import render_card

    r = plan_brief(BASE.format("Optimize for add to cart."), D)
    assert "(ADD_TO_CART events)" in render_card(r.plan)


def test_an_add_to_cart_plan_launches_in_the_sandbox(sandbox, launch_kit):
    d = PlanDefaults(currency="USD", page_id=launch_kit.page, pixel_id=launch_kit.pixel,
                     today=date.today())
    plan = load_plan(plan_brief(BASE.format("Optimize for add to cart."), d).plan)
    tree = to_meta_tree(plan, account_id=sandbox.account_id, page_id=launch_kit.page,
                        image_hashes={a.ref: launch_kit.image_hash for s in plan.ad_sets
                                      for ad in s.ads for a in ad.creative.assets}, video_ids={})
    camp = launch_kit.account.create_campaign(params=tree["campaign"]["params"])
    ad_set = launch_kit.account.create_ad_set(
        params={**tree["ad_sets"][0]["params"], "campaign_id": camp["id"]})
    assert ad_set["id"]
