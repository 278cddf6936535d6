"""Lists, events, corrections and languages that unseen briefs (fresh batch 4) read wrong."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.geo.parse import find_geo
from agents.orchestrator.planning.normalise import detect_language, normalise
from agents.orchestrator.planning.people.interests import find_interests
from agents.orchestrator.planning.rules import plan_brief

USD = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 3, 2))
EUR = PlanDefaults(currency="EUR", page_id="1", pixel_id="2", today=date(2026, 3, 2),
                   advertiser="Acme GmbH")


@pytest.mark.parametrize(("text", "read"), [
    ("need emergancy plumbing leeds asap", "leads"), ("get roofing leeds", "leads"),
    ("need ads in leeds", "leeds"), ("ads for our leeds shop", "leeds"),
    ("want to reach leeds", "leeds"),
])
def test_a_goal_word_after_a_trade_is_the_goal_not_the_city(text, read):
    assert read in normalise(text, USD).text.split()


def test_a_correction_turns_to_the_place_later_in_its_sentence():
    r = plan_brief("need more leads. target all of Texas-- no wait sorry, we're only licensed in "
                   "Oklahoma. $45 a day, https://a.example.com, van.jpg", USD)
    assert [g["name"] for g in r.plan["ad_sets"][0]["targeting"]["geo_locations"]["regions"]] \
        == ["Oklahoma"]
    assert r.plan["objective"] == "OUTCOME_LEADS"
    assert any(a["path"].endswith("geo_locations") for a in r.adjustments)


def test_a_correction_no_parser_applied_is_asked():
    r = plan_brief("Sales, $70/day, US, https://a.example.com, a.jpg. Hmm no wait, let me check "
                   "with the boss about that.", USD)
    assert [q["phrase"] for q in r.questions] == ["Hmm no wait"]


@pytest.mark.parametrize(("text", "names"), [
    ("camping and hiking fans", ["Camping", "Hiking"]),
    ("yoga, pilates and running fans", ["Yoga", "Pilates", "Running"]),
    ("women and running fans", ["Running"]),
])
def test_a_list_before_a_fan_noun_is_every_interest(text, names):
    assert [h["name"] for h in find_interests(text).found] == names


def test_an_optimisation_with_the_rejected_one_named_is_read_whole():
    r = plan_brief("Sales, $70/day, US, https://a.example.com, a.jpg. optimise for add to cart, "
                   "not purchases, our pixel is flaky", USD)
    assert r.questions == []
    assert [u["phrase"] for u in r.not_understood] == ["pixel is flaky"]  # a reason: shown
    po = r.plan["ad_sets"][0]["promoted_object"]
    assert po["custom_event_type"] == "ADD_TO_CART"


@pytest.mark.parametrize(("brief", "objective", "goal"), [
    ("Objectif : du trafic vers https://cafe.example.fr, optimisez pour les vues de la page de "
     "destination. Paris, 30 € par jour, brunch.jpg.", "OUTCOME_TRAFFIC", "LANDING_PAGE_VIEWS"),
    ("Verkauf von Schuhen in Deutschland, 40 € pro Tag, optimieren auf Landingpage-Aufrufe, "
     "https://a.example.de, a.jpg.", "OUTCOME_SALES", "LANDING_PAGE_VIEWS"),
    ("Shoes in Germany, €40/day, optimise for landing page views, https://a.example.de, a.jpg.",
     "OUTCOME_TRAFFIC", "LANDING_PAGE_VIEWS"),
])
def test_optimisation_in_other_languages_and_the_goal_it_implies(brief, objective, goal):
    r = plan_brief(brief, EUR)
    assert (r.plan["objective"], r.plan["ad_sets"][0]["optimization_goal"]) == (objective, goal)
    assert not [q for q in r.questions if q.get("affects") == "what is optimised"]


@pytest.mark.parametrize(("text", "regions", "cities"), [
    ("Geo: India -- Maharashtra, Karnataka, Telangana", ["Maharashtra", "Karnataka", "Telangana"],
     []),
    ("Japan: Kyoto, Osaka and Hyogo prefectures.", ["Kyoto", "Osaka", "Hyogo"], []),
    ("Tokyo and Osaka prefectures", ["Tokyo", "Osaka"], []),
    ("US (Texas and Ohio)", ["Texas", "Ohio"], []),
])
def test_a_country_heading_its_places_and_a_kind_after_a_list(text, regions, cities):
    g = find_geo(text)
    assert g.countries == [] and g.flags == []
    assert [r["name"] for r in g.regions] == regions and [c["name"] for c in g.cities] == cities


def test_a_country_beside_a_place_inside_it_is_still_asked():
    assert [q.kind for q in find_geo("US and Texas").flags] == ["ambiguous"]


@pytest.mark.parametrize(("text", "lang"), [
    ("Sales, $60 per day per ad set, two ad sets: runners and hikers, US", "en"),
    ("Women only. Men 30-50.\njust men", "en"),
    ("Verkauf von Schuhen in Deutschland, 40 € pro Tag", "de"),
    ("Per la nostra pizzeria a Milano, 20 € al giorno, persone 25-45", "it"),
])
def test_words_english_shares_do_not_make_a_brief_foreign(text, lang):
    assert detect_language(text)[0] == lang


def test_until_further_notice_in_french_is_no_end_date():
    r = plan_brief("Trafic vers https://cafe.example.fr, Paris, 30 € par jour jusqu'à nouvel "
                   "ordre, brunch.jpg.", EUR)
    assert r.plan.get("end_time") is None and r.questions == []


@pytest.mark.parametrize(("who", "field"), [("to our newsletter subscribers", "customer_list"),
                                            ("to our existing customers", "customer_list"),
                                            ("Target our Instagram followers", "audiences")])
def test_reaching_the_people_you_already_have_asks_which_list_or_audience(who, field):
    # Issue 15: custom audiences are plans now; with no file or source named, the planner asks
    # for the one field it needs, quoting the words, instead of calling the ask unsupported.
    r = plan_brief(f"Sell our wool hats {who} in the US, $40/day, https://hats.example.com, "
                   "hat.jpg", USD)
    assert [q["field"] for q in r.questions] == [field]
    assert r.questions[0]["phrase"].lower() in who.lower()


def test_customers_in_a_brand_story_are_no_audience():
    r = plan_brief("Sales, US, $40/day, https://hats.example.com, hat.jpg. Our customers love "
                   "these hats.", USD)
    assert r.questions == []
