"""Requests whose wrong reading is a silent different write are settled by the rules, model or not.

The rules router learnt to read "X to $120 and Y to $40", "+20% starting Friday", "pause X but
keep Y running", "CPA over $40 or CTR below 0.5%", "pause X until Monday" and "pause all the
ads in X"; with a model set, the LLM router read them alone, and a model that reads them the
easy way (both to $120, the budget changed now, the whole campaign paused, the CTR rule dropped,
no word that X stays paused, the default rule) wrote something else than asked, silently. Each
model below answers that easy way; the rules' reading must win, saying so in a note.
"""

from __future__ import annotations

from tests.llm.scripted import scripted_model
from tests.routing.conftest import ask
from tests.routing.test_llm_router import draft_ask

SPRING_SALE_ACTIVE_ADS = {"120332000001111", "120332000001112", "120332000001121",
                          "120332000001122", "120332000001131", "120332000001132"}


def _settled(i):
    assert i.source == "rules", i
    assert any("rules" in n for n in i.notes), i.notes


def test_two_objects_with_their_own_amounts_keep_them():
    model = scripted_model({"asks": [draft_ask("budget", "Spring Sale", "Brand Awareness",
                                               budget_to=120.0, period="daily", currency="USD")]})
    i = ask("lower Spring Sale to $120 and Brand Awareness to $40", model=model)
    _settled(i)
    assert i.route == "budget" and i.params["change"]["to_minor"] == 12000
    assert [e.name for e in i.entities] == ["Spring Sale"]
    assert [(a.entities[0].name, a.params["change"]["to_minor"]) for a in i.also] == \
        [("Brand Awareness", 4000)]


def test_a_budget_change_at_a_later_time_is_not_made_now():
    model = scripted_model({"asks": [draft_ask("budget", "Spring Sale", budget_pct=20.0)]})
    i = ask("bump Spring Sale's budget +20% starting Friday", model=model)
    _settled(i)
    assert i.route == "unsupported"


def test_an_exception_is_left_running():
    model = scripted_model({"asks": [draft_ask("status", "Spring Sale", status_to="PAUSED")]})
    i = ask("pause Spring Sale but keep Carousel B running", model=model)
    _settled(i)
    assert i.route == "status"
    assert {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS - {"120332000001122"}


def test_two_rules_joined_by_or_are_both_proposed():
    model = scripted_model({"asks": [draft_ask("pause_underperformers", "Spring Sale",
                                               threshold={"metric": "cpa", "op": ">", "value": 40.0},
                                               currency="USD")]})
    i = ask("pause ads in Spring Sale with CPA over $40 or CTR below 0.5%", model=model)
    _settled(i)
    assert i.params["metric"] == "cpa" and [a.params["metric"] for a in i.also] == ["ctr"]


def test_two_conditions_joined_by_and_are_asked():
    model = scripted_model({"asks": [draft_ask("pause_underperformers", "Spring Sale",
                                               threshold={"metric": "cpa", "op": ">", "value": 40.0},
                                               currency="USD")]})
    i = ask("pause ads in Spring Sale with CPA over $40 and CTR below 0.5%", model=model)
    _settled(i)
    assert i.route == "clarify"


def test_a_pause_for_a_while_says_it_will_not_resume():
    model = scripted_model({"asks": [draft_ask("status", "Spring Sale", status_to="PAUSED")]})
    i = ask("pause Spring Sale until Monday", model=model)
    _settled(i)
    assert i.route == "status" and [a.route for a in i.also] == ["unsupported"]


def test_all_the_ads_of_a_campaign_are_paused_not_the_default_rule():
    model = scripted_model({"asks": [draft_ask("pause_underperformers", "Spring Sale")]})
    i = ask("pause all the ads in Spring Sale", model=model)
    _settled(i)
    assert i.route == "status" and {e.id for e in i.entities} == SPRING_SALE_ACTIVE_ADS


def test_other_requests_are_still_the_models():
    model = scripted_model({"asks": [draft_ask("status", "Spring Sale", status_to="PAUSED")]})
    i = ask("pause Spring Sale", model=model)
    assert i.source == "llm" and i.route == "status"
