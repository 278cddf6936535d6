"""Each draft field lands in the right plan field, and the plan still validates."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from agents.orchestrator.planning import WHO, PlanDefaults
from agents.orchestrator.planning import llm as llm_planner
from agents.orchestrator.planning.catalog import geo
from state.plan import load_plan
from state.plan_checks import AccountInfo, validate_plan
from tests.llm.scripted import VALID_DRAFT, ad_set, draft, scripted_model

DEFAULTS = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", account_id="act_1",
                        today=date(2026, 3, 1))
# Worldwide reaches the EU: ads there name who pays (the account's advertiser default).
WITH_ADVERTISER = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", account_id="act_1",
                               today=date(2026, 3, 1), advertiser="Trail Co LLC")


def _key(kind: str, name: str) -> str:
    rows = (geo().regions if kind == "region" else geo().cities)[name.lower()]
    return str(rows[0]["key"])


def _place(name: str, country: str = "US") -> dict[str, str]:
    return {"name": name, "country": country}


def _run(d: dict[str, Any], defaults: PlanDefaults = DEFAULTS) -> Any:
    model = scripted_model(d)
    result = llm_planner.plan_brief("a brief", defaults, model=model)
    assert len(model.calls) == 1, result.problems  # nothing here needs a repair
    return result


def _valid(plan: dict[str, Any]) -> list[dict[str, str]]:
    account = AccountInfo(currency="USD", account_id="act_1", page_id="1001", pixel_id="2002")
    return [p.to_dict() for p in validate_plan(load_plan(plan), account).problems]


CASES = [
    # (what the brief says, ad set changes, plan path -> expected value under targeting)
    ("everywhere in the US except California",
     {"excluded_regions": [_place("California")]},
     {"geo_locations": {"countries": ["US"]},
      "excluded_geo_locations": {"regions": [{"key": _key("region", "California"),
                                              "name": "California", "country": "US"}]}}),
    ("North America but not Canada",  # the country leaves the list; nothing left to exclude
     {"countries": ["US", "CA"], "excluded_countries": ["ca"]},
     {"geo_locations": {"countries": ["US"]}}),
    ("worldwide except Canada",
     {"countries": [], "country_groups": ["worldwide"], "excluded_countries": ["ca"]},
     {"excluded_geo_locations": {"countries": ["CA"]}}),
    ("Texas and Ontario",
     {"countries": [], "regions": [_place("Texas"), _place("Ontario", "CA")]},
     {"geo_locations": {"countries": [], "regions": [
         {"key": _key("region", "Texas"), "name": "Texas", "country": "US"},
         {"key": _key("region", "Ontario"), "name": "Ontario", "country": "CA"}]}}),
    ("25 miles around Austin",
     {"countries": [], "cities": [{"name": "Austin", "country": "US", "radius": 25, "unit": "mile"}]},
     {"geo_locations": {"countries": [], "cities": [
         {"key": _key("city", "Austin"), "name": "Austin", "country": "US", "radius": 25,
          "distance_unit": "mile"}]}}),
    ("Texas but not Dallas",
     {"countries": [], "regions": [_place("Texas")], "excluded_cities": [_place("Dallas")]},
     {"excluded_geo_locations": {"cities": [{"key": _key("city", "Dallas"), "name": "Dallas",
                                             "country": "US"}]}}),
    ("worldwide", {"countries": [], "country_groups": ["worldwide"]},
     {"geo_locations": {"countries": [], "country_groups": ["worldwide"]}}),
    ("Spanish and English speakers", {"languages": ["spanish", "english"]},
     {"locales": [1002, 1001]}),
    ("men only", {"genders": "male"}, {"genders": [1]}),
    ("NOT men", {"genders": "female"}, {"genders": [2]}),
    ("Instagram feed and stories only",
     {"platforms": ["instagram"], "instagram_positions": ["stream", "story"]},
     {"publisher_platforms": ["instagram"], "instagram_positions": ["stream", "story"]}),
    ("Facebook reels and Instagram reels (positions name their platforms)",
     {"facebook_positions": ["facebook_reels"], "instagram_positions": ["reels"]},
     {"publisher_platforms": ["facebook", "instagram"], "facebook_positions": ["facebook_reels"],
      "instagram_positions": ["reels"]}),
    ("no ages stated", {"age_min": None, "age_max": None}, {"age_min": 18, "age_max": 65}),
]


@pytest.mark.parametrize(("said", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_ad_set_fields_map_to_targeting(said, changes, expected):
    result = _run(ad_set(VALID_DRAFT, **changes), WITH_ADVERTISER)
    assert result.questions == [] and result.problems == [], said
    targeting = result.plan["ad_sets"][0]["targeting"]
    for key, value in expected.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                assert targeting[key][sub] == v, (said, key, sub)
        else:
            assert targeting[key] == value, (said, key)
    assert _valid(result.plan) == []


def test_several_age_ranges_are_one_ad_set_each():
    d = draft()
    young = copy.deepcopy(d["ad_sets"][0]) | {"name": "18-24", "age_min": 18, "age_max": 24}
    older = copy.deepcopy(d["ad_sets"][0]) | {"name": "25-34", "age_min": 25, "age_max": 34}
    d["ad_sets"] = [young, older]
    plan = _run(d).plan
    assert [(s["targeting"]["age_min"], s["targeting"]["age_max"]) for s in plan["ad_sets"]] == [
        (18, 24), (25, 34)]
    assert _valid(plan) == []


def test_go_live_reaches_the_plan():
    assert _run(draft(go_live=True)).plan["go_live"] is True
    assert load_plan(_run(draft(go_live=True)).plan).go_live is True
    assert "go_live" not in _run(draft(go_live=False)).plan
    # the model's field says only "go live"; "keep it paused" is read from the brief's words
    paused = llm_planner.plan_brief("sneakers, keep it paused until I check it", DEFAULTS,
                                    model=scripted_model(draft(go_live=False)))
    assert paused.plan["go_live"] is False and load_plan(paused.plan).go_live is False


def test_eu_region_needs_the_advertiser_like_an_eu_country():
    d = ad_set(VALID_DRAFT, countries=[], regions=[_place("Bavaria", "DE")])
    result = llm_planner.plan_brief("sneakers in Bavaria", DEFAULTS, model=scripted_model(d))
    assert [q["field"] for q in result.questions] == ["dsa_payor"]


@pytest.mark.parametrize(("field", "place"), [
    ("regions", _place("Atlantis")),
    ("excluded_regions", _place("Narnia")),
    ("excluded_cities", _place("Gotham")),
    ("regions", _place("California", "GB")),  # a real name in the wrong country
])
def test_a_place_adpilot_cannot_find_is_asked_about_not_dropped(field, place):
    result = _run(ad_set(VALID_DRAFT, **{field: [place]}))
    assert [(q["kind"], q["phrase"], q["affects"]) for q in result.questions] == [
        ("not_understood", place["name"], WHO)]
    assert place["name"] in result.questions[0]["question"]


def test_a_city_adpilot_cannot_find_is_asked_about():
    city = {"name": "Springfield Heights", "country": "US", "radius": 20, "unit": "mile"}
    result = _run(ad_set(VALID_DRAFT, cities=[city]))
    assert [q["phrase"] for q in result.questions] == ["Springfield Heights"]
    assert "cities" not in result.plan["ad_sets"][0]["targeting"]["geo_locations"]


def test_two_places_by_one_name_in_one_country_are_ambiguous():
    def search(kind, name, country):
        return [{"key": "1", "name": "Portland, Oregon", "country": "US"},
                {"key": "2", "name": "Portland, Maine", "country": "US"}]

    d = ad_set(VALID_DRAFT, countries=[], cities=[
        {"name": "Portland", "country": "US", "radius": 20, "unit": "mile"}])
    result = llm_planner.plan_brief("sell in portland", DEFAULTS, model=scripted_model(d),
                              search_places=search)
    assert [(q["kind"], q["phrase"]) for q in result.questions] == [("ambiguous", "Portland")]
    assert "Oregon" in result.questions[0]["question"] and "Maine" in result.questions[0]["question"]


def test_excluded_interests_and_the_optimisation_event_reach_the_plan():
    """The draft can say what the rules planner says: 'but not hunters', 'optimise for ATC'."""
    from agents.orchestrator.planning.llm.draft import DraftPlan
    from agents.orchestrator.planning.llm.draft_plan import draft_to_plan

    d = draft(optimise_for="add_to_cart")
    d["ad_sets"][0]["excluded_interests"] = ["Hunting"]
    out = draft_to_plan(DraftPlan.model_validate(d), currency="USD", today=date(2026, 3, 2),
                        page_id="1", pixel_id="2")
    ad_set = out.plan["ad_sets"][0]
    assert ad_set["targeting"]["exclusions"] == {"interests": [{"name": "Hunting"}]}
    assert ad_set["promoted_object"]["custom_event_type"] == "ADD_TO_CART"
    assert out.flags == []
    bad = draft_to_plan(DraftPlan.model_validate(draft(optimise_for="app_installs")),
                        currency="USD", today=date(2026, 3, 2), page_id="1", pixel_id="2")
    assert [(q.kind, q.affects) for q in bad.flags] == [("conflict", "what is optimised")]
