"""A person's answer to a clarifying question settles it: it is not asked again, and the card
says what it replaced (the orchestrator appends answers as "Answer: …", a correction cue)."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.answers import merge_answer
from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.rules import plan_brief

D = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=date(2026, 3, 2))
SHOP = "Sales for boots, $70/day, {geo}, https://a.example.com, boots.jpg. {more}"


def run(text: str):
    return plan_brief(text, D)


def brief(geo: str = "US", more: str = "") -> str:
    return SHOP.format(geo=geo, more=more)


@pytest.mark.parametrize(("answer", "genders"), [
    ("women", [2]), ("everyone", None), ("just men", [1]), ({"answers": {"genders": "women"}}, [2]),
])
def test_a_gender_answer_settles_the_conflict(answer, genders):
    text = brief(more="Women only. Men 30-50.")
    assert [q["kind"] for q in run(text).questions] == ["conflict"]
    r = run(merge_answer(text, answer))
    assert r.questions == [] and r.not_understood == []
    assert r.plan["ad_sets"][0]["targeting"].get("genders") == genders


def test_an_age_answer_settles_the_conflict_and_is_shown():
    text = brief(more="Ages 25-34. Also 45+.")
    assert [q["field"] for q in run(text).questions] == ["age"]
    r = run(merge_answer(text, "25-40"))
    t = r.plan["ad_sets"][0]["targeting"]
    assert r.questions == [] and (t["age_min"], t["age_max"]) == (25, 40)
    assert any(a["to"] == "25-40" for a in r.adjustments)


def test_only_one_of_the_places_named_is_asked():
    r = run(brief("US and Canada", "Only the US."))
    assert [(q["kind"], q["phrase"]) for q in r.questions] == [("conflict", "the US")]


@pytest.mark.parametrize(("answer", "countries"), [
    ("US only", ["US"]), ("just Canada", ["CA"]), ("all of them", ["US", "CA"]),
    ({"answers": {"geo_locations": "both countries"}}, ["US", "CA"]),
])
def test_a_place_answer_settles_only_or_all(answer, countries):
    r = run(merge_answer(brief("US and Canada", "Only the US."), answer))
    assert r.questions == [] and r.not_understood == []
    assert r.plan["ad_sets"][0]["targeting"]["geo_locations"]["countries"] == countries


@pytest.mark.parametrize("said", ["only the US and Canada", "just Texas and Ohio",
                                  "Texas, but only Austin"])
def test_only_over_a_list_or_a_narrower_place_is_no_conflict(said):
    assert run(brief(said)).questions == []


def test_an_answer_naming_one_place_replaces_only_that_name():
    r = run(merge_answer(brief("Portland and Seattle"), "Portland, Maine"))
    cities = r.plan["ad_sets"][0]["targeting"]["geo_locations"]["cities"]
    # Seattle (Meta's key), Portland ME (a sandbox-only key: sandbox/data/README.md)
    assert sorted(c["key"] for c in cities) == ["2542527", "9202470047"]


def test_a_corrected_landing_page_wins_and_the_old_one_is_listed():
    r = run(brief(more="No wait, use https://b.example.com/sale"))
    assert r.plan["landing_url"] == "https://b.example.com/sale" and r.questions == []
    assert [a["path"] for a in r.adjustments] == ["landing_url"]
    assert "web page not linked to: https://a.example.com" in [u["phrase"] for u in r.not_understood]


def test_two_landing_pages_are_asked_and_an_answer_picks_one():
    text = brief(more="Also https://c.example.com")
    [q] = run(text).questions
    assert (q["field"], q["kind"]) == ("landing_url", "ambiguous")
    r = run(merge_answer(text, {"answers": {"landing_url": "https://c.example.com"}}))
    assert r.questions == [] and r.plan["landing_url"] == "https://c.example.com"


@pytest.mark.parametrize("more", ["Our instagram: https://instagram.com/boots",
                                  "Style like https://competitor.example.com"])
def test_a_reference_page_is_listed_not_asked(more):
    r = run(brief(more=more))
    assert r.questions == [] and r.plan["landing_url"] == "https://a.example.com"
    assert any(u["phrase"].startswith("web page not linked to") for u in r.not_understood)


def test_a_typed_answer_says_a_bare_budget_is_daily():
    text = "sales in the US, budget $45, https://shop.example.com, a.jpg"
    r = run(merge_answer(text, "per day"))
    assert r.questions == [] and r.plan["budget"]["kind"] == "daily"
