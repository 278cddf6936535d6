"""The rules planner end to end: brief → PlannerResult (plan dict, questions, not_understood)."""

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief
from state import rules
from state.plan import load_plan

D = PlanDefaults(currency="USD", page_id="100", pixel_id="200", today=date(2026, 3, 2))
BASE = "Sell lamps in the US, $60/day, https://lumen.example.com, lamp.jpg. "


def run(brief, d=D):
    return plan_brief(brief, d)


def test_a_complete_brief_plans_without_questions():
    r = run("Sell our new trail running shoes to runners in the US aged 25-45, $60/day for two "
            "weeks starting next Monday. Landing page https://shop.trailco.com/shoes. Use "
            "hero.jpg and alt.png. CTA: Shop Now")
    assert r.questions == [] and r.problems == [] and r.not_understood == []
    p = r.plan
    assert p["objective"] == "OUTCOME_SALES"
    assert p["budget"] == {"kind": "daily", "amount_minor": 6000, "level": "campaign"}
    assert p["start_time"].startswith("2026-03-09") and p["end_time"].startswith("2026-03-23")
    s = p["ad_sets"][0]
    assert s["promoted_object"] == {"pixel_id": "200", "custom_event_type": "PURCHASE"}
    assert s["targeting"]["flexible_spec"][0]["interests"][0]["name"] == "Running"
    assert [a["creative"]["assets"][0]["path"] for a in s["ads"]] == ["hero.jpg", "alt.png"]
    assert all(a["creative"]["call_to_action"] == "SHOP_NOW" for a in s["ads"])
    assert load_plan(p).key == p["key"]  # the dict carries the keys it would get again


def test_the_brief_from_the_readme_names_the_product_not_the_campaign():
    r = run("launch a sales campaign for our trail shoes in the US and Canada, $60 a day, "
            "women 25–45 who run, https://shop.example.com/trail, hero.jpg")
    s = r.plan["ad_sets"][0]
    creative = s["ads"][0]["creative"]
    assert "trail shoes" in creative["primary_text"] and "sales campaign" not in creative["primary_text"]
    assert s["targeting"]["flexible_spec"][0]["interests"][0]["name"] == "Running"
    assert s["targeting"]["genders"] == [2] and (s["targeting"]["age_min"], s["targeting"]["age_max"]) == (25, 45)


def test_planning_is_deterministic():
    brief = BASE + "women 25-45 who love yoga"
    assert run(brief).to_dict() == run(brief).to_dict()


@pytest.mark.parametrize("brief,defaults,fields", [
    ("Sell lamps in the US, $60/day, lamp.jpg", D, ["landing_url"]),
    ("Sell lamps in the US, https://lumen.example.com, lamp.jpg", D, ["budget"]),
    ("Sell lamps, $60/day, https://lumen.example.com, lamp.jpg", D, ["country"]),
    (BASE, PlanDefaults(currency="USD", page_id="100", today=D.today), ["pixel_id"]),
    (BASE, PlanDefaults(currency="USD", pixel_id="200", today=D.today), ["page_id"]),
    ("Sell lamps in the US, budget $500, https://lumen.example.com, lamp.jpg", D, ["budget"]),
    ("Sell bikes in the Netherlands, €50/day, https://fiets.example.nl, bike.jpg",
     PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=D.today), ["dsa_payor"]),
    ("need sales asap", D, ["landing_url", "assets", "budget", "country"]),
    ("Sell lamps in the US, $60/day, https://lumen.example.com", D, ["assets"]),
])
def test_missing_facts_become_questions_never_guesses(brief, defaults, fields):
    r = run(brief, defaults)
    assert [q["field"] for q in r.questions] == fields
    assert all(q["question"].endswith("?") or "?" in q["question"] for q in r.questions)


def test_an_ambiguous_budget_with_a_schedule_is_a_total():
    r = run("Sell lamps in the US, budget $500 for 10 days, https://lumen.example.com, lamp.jpg")
    assert r.questions == [] and r.plan["budget"]["kind"] == "lifetime"


def test_clarify_answers_merged_into_the_brief_are_understood():
    brief = "Sell lamps in the US, lamp.jpg"
    first = run(brief)
    assert {q["field"] for q in first.questions} == {"landing_url", "budget"}
    merged = brief + "\nLanding page: https://lumen.example.com\nBudget: $40/day"
    second = run(merged)
    assert second.questions == [] and second.plan["budget"]["amount_minor"] == 4000
    no_page = PlanDefaults(currency="USD", pixel_id="200", today=D.today)
    assert run(BASE + "\nFacebook page: 424242", no_page).plan["ad_sets"][0]["promoted_object"]
    assert run(BASE + "\nFacebook page: 424242", no_page).questions == []


def test_creative_ab_test_makes_one_ad_per_headline_with_variants():
    r = run(BASE + "A/B test two headlines: 'Light up your desk' vs 'Lamps that last'")
    ads = r.plan["ad_sets"][0]["ads"]
    assert [a["creative"]["headline"] for a in ads] == ["Light up your desk", "Lamps that last"]
    assert [a["variant"] for a in ads] == ["A", "B"]
    exp = r.plan["experiment"]
    assert exp["kind"] == "creative" and len(exp["variants"]) == 2
    assert exp["metric"] == "cost_per_purchase" and exp["stopping_rule"]["probability"] == 0.95


def test_ab_test_without_copy_gets_template_variants_within_guidance():
    r = run(BASE + "A/B test two headlines")
    heads = [a["creative"]["headline"] for a in r.plan["ad_sets"][0]["ads"]]
    assert len(heads) == 2 and heads[0] != heads[1]
    for a in r.plan["ad_sets"][0]["ads"]:
        c = a["creative"]
        assert len(c["headline"]) <= rules.TEXT_GUIDANCE["headline"]
        assert len(c["primary_text"]) <= rules.TEXT_GUIDANCE["primary_text"]
        assert len(c["description"]) <= rules.TEXT_GUIDANCE["description"]


def test_audience_test_makes_one_ad_set_per_variant_with_equal_budgets():
    r = run("test 25-34 vs 35-44, $50/day each, US, https://fresh.example.com, box.jpg, sales")
    sets = r.plan["ad_sets"]
    assert [(s["targeting"]["age_min"], s["targeting"]["age_max"]) for s in sets] == [
        (25, 34), (35, 44)]
    assert r.plan["budget"] == {"kind": "daily", "amount_minor": 10000, "level": "ad_set"}
    assert r.plan["experiment"]["kind"] == "audience"
    assert [s["variant"] for s in sets] == ["A", "B"]


def test_carousel_and_multiple_images():
    r = run(BASE.replace("lamp.jpg", "a.jpg b.jpg c.jpg") + "as a carousel")
    [ad] = r.plan["ad_sets"][0]["ads"]
    assert ad["creative"]["format"] == "carousel" and len(ad["creative"]["cards"]) == 3
    r = run(BASE.replace("lamp.jpg", "a.jpg b.jpg c.jpg"))
    assert len(r.plan["ad_sets"][0]["ads"]) == 3


def test_video_ads():
    r = run(BASE.replace("lamp.jpg", "promo.mp4"))
    c = r.plan["ad_sets"][0]["ads"][0]["creative"]
    assert c["format"] == "video" and c["assets"] == [{"kind": "video", "path": "promo.mp4"}]


@pytest.mark.parametrize("brief,category", [
    ("Apartments for rent in Chicago, leads, women 25-34 who love yoga, $35/day, "
     "https://lake.example.com, lobby.jpg", "HOUSING"),
    ("We're hiring drivers in Dallas, men 21-30, $25/day, https://jobs.example.com, "
     "truck.jpg", "EMPLOYMENT"),
    ("Our new credit card for men over 40 in the US, $200/day, https://bank.example.com, "
     "card.png", "CREDIT"),
])
def test_special_categories_force_broad_targeting(brief, category):
    r = run(brief)
    assert r.plan["special_ad_categories"] == [category]
    t = r.plan["ad_sets"][0]["targeting"]
    assert (t["age_min"], t["age_max"]) == (18, 65)
    assert "genders" not in t and "flexible_spec" not in t
    # each widened value is shown as an adjustment naming the category
    changed = {a["path"].rsplit(".", 1)[-1]: a for a in r.adjustments
               if a["path"].startswith("ad_sets")}
    assert {"age_min", "genders"} <= set(changed)
    assert all(category in a["why"] for a in changed.values()) and changed
    assert r.plan["special_ad_category_country"] == ["US"]
    assert r.problems == []


def test_politics_keeps_its_targeting_but_is_categorised():
    r = run("Vote Lopez for council! women 30-60 in Phoenix, $25/day, "
            "https://lopez.example.com, maria.jpg")
    assert r.plan["special_ad_categories"] == ["ISSUES_ELECTIONS_POLITICS"]
    assert r.plan["ad_sets"][0]["targeting"]["genders"] == [2]


def test_invalid_inputs_become_named_problems():
    assert "age" in {p["rule"] for p in run(BASE + "kids aged 12-17").problems}
    assert "budget_minimum" in {p["rule"] for p in run(BASE.replace("$60", "$0.50")).problems}
    carousel = run(BASE + "carousel").problems
    assert any(p["rule"] == "carousel" and p["path"].endswith("cards") for p in carousel)
    euro = run(BASE.replace("$60", "€60"))
    assert [p["rule"] for p in euro.problems] == ["currency"] and euro.plan["currency"] == "EUR"
    assert run("   ").problems[0]["path"] == "brief" and run("   ").plan is None


def test_unknown_places_and_phrases_are_reported():
    r = run("Sell lamps in Wakanda, $20/day, https://lumen.example.com, lamp.jpg")
    assert r.questions[0]["field"] == "country" and "Wakanda" in r.questions[0]["question"]
    r = run(BASE + "Please exclude anyone who visited the checkout page recently")
    # an audience the readers could not pin down (which page? how far back?) is asked, naming it
    assert any(q["field"] == "audiences" and "visited" in q["phrase"] for q in r.questions)
    r = run(BASE + "people interested in underwater basket weaving")
    assert "interest not in the catalogue: underwater basket weaving" in [u["phrase"] for u in r.not_understood]


def test_copy_makes_no_claims_and_uses_the_brand():
    r = run("Sell handmade candles in the US, $30/day, https://shop.waxwick.com, c.jpg")
    c = r.plan["ad_sets"][0]["ads"][0]["creative"]
    assert "Waxwick" in c["primary_text"] + c["headline"] + c["description"]
    assert "free" not in (c["primary_text"] + c["description"]).lower()


def test_a_named_thumbnail_rides_with_the_video():
    r = run(BASE.replace("lamp.jpg", "media/reel.mp4 and thumbnail media/reel_thumb.jpg"))
    [ad] = r.plan["ad_sets"][0]["ads"]
    assert ad["creative"]["format"] == "video"
    assert [a["kind"] for a in ad["creative"]["assets"]] == ["video", "image"]


def test_a_total_without_an_end_date_asks_for_one():
    r = run("Awareness in the US, $800 total, https://lumen.example.com, lamp.jpg")
    assert [q["field"] for q in r.questions] == ["end_date"]
    answered = run("Awareness in the US, $800 total, https://lumen.example.com, lamp.jpg\n"
                   "end date: March 31")
    assert answered.questions == [] and answered.plan["end_time"].startswith("2026-04-01")


def test_next_month_starts_on_the_first():
    r = run(BASE + "launching next month")
    assert r.plan["start_time"].startswith("2026-04-01")


def test_interest_audience_test_splits_ad_sets_by_interest():
    r = run("Compare two audiences: cyclists vs runners, $30/day each, US, "
            "https://hydro.example.com, bottle.jpg, sales")
    sets = r.plan["ad_sets"]
    names = [s["targeting"]["flexible_spec"][0]["interests"][0]["name"] for s in sets]
    assert names == ["Cycling", "Running"] and r.plan["budget"]["amount_minor"] == 6000
    assert r.plan["experiment"]["kind"] == "audience"


def test_an_email_address_is_not_the_landing_page_it_is_asked_for():
    r = plan_brief("get leads for our roofing company in Florida, $40 a day, send the leads to "
                   "info@acme-roofing.com, image a.jpg", PlanDefaults(page_id="1", pixel_id="2"))
    assert r.plan.get("landing_url") is None
    assert "landing_url" in [q["field"] for q in r.questions]
    assert "roofing.com" not in str(r.plan)
