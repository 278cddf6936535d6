"""People in a brief: several age ranges, negations, corrections, impossible ages, languages."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning.people.audience import find_ages
from agents.orchestrator.planning.people.genders import find_gender_result
from agents.orchestrator.planning.people.languages import LOCALES, find_locales
from agents.orchestrator.planning.rules import plan_brief

TODAY = date(2026, 3, 2)
D = PlanDefaults(currency="USD", page_id="1", pixel_id="2", today=TODAY)
BASE = "Sales for our hiking boots, $70/day, US, https://trailgrip.example.com, boots.jpg. {}"


def run(people: str):
    return plan_brief(BASE.format(people), D)


@pytest.mark.parametrize(("people", "ages", "experiment"), [
    ("Reach 21-29 and 50-60.", [(21, 29), (50, 60)], False),
    ("Audiences: 22-30, 31-40 and 41-55", [(22, 30), (31, 40), (41, 55)], False),
    ("For grad students and retirees.", [(18, 24), (65, 65)], False),
    ("Men 20-30 and men 40-50.", [(20, 30), (40, 50)], False),
    ("separate ad sets for under-30s and over-50s", [(18, 29), (50, 65)], False),
    ("18-24 and 35-44, nobody over 40", [(18, 24), (35, 40)], False),
    ("Compare 20-30 vs 40-50.", [(20, 30), (40, 50)], True),
])
def test_several_age_ranges_are_one_ad_set_each(people, ages, experiment):
    r = run(people)
    assert not r.questions and not r.problems
    sets = r.plan["ad_sets"]
    assert [(s["targeting"]["age_min"], s["targeting"]["age_max"]) for s in sets] == ages
    assert ("experiment" in r.plan) is experiment
    assert r.plan["budget"]["level"] == "ad_set"


def test_a_gender_next_to_each_range_goes_to_its_ad_set():
    sets = run("Women 20-30 and men 45-60.").plan["ad_sets"]
    assert [s["targeting"].get("genders") for s in sets] == [[2], [1]]


@pytest.mark.parametrize(("people", "age_min", "age_max"), [
    ("Nobody under 21 please.", 21, 65),
    ("no one under 30", 30, 65),
    ("no-one younger than 25 and no one older than 45", 25, 45),
    ("not older than 50", 18, 50),
    ("no one over 55", 18, 55),
    ("25+ only", 25, 65),
    ("don't show it to anyone under 19", 19, 65),
    ("adults, not teens", 18, 65),
    ("exclude anyone 60+", 18, 59),
    ("no teens or seniors", 18, 64),
    ("exclude under-21s and over-60s", 21, 60),
    ("over 25 and under 40", 25, 39),
    ("30-something professionals", 30, 39),
    ("in their late 20s and early 30s", 27, 33),
])
def test_age_negations(people, age_min, age_max):
    r = run(people)
    t = r.plan["ad_sets"][0]["targeting"]
    assert (t["age_min"], t["age_max"]) == (age_min, age_max)
    assert not r.questions and not r.not_understood


@pytest.mark.parametrize(("people", "genders"), [
    ("NOT men.", [2]), ("no men please", [2]), ("exclude men", [2]), ("not for guys", [2]),
    ("women only", [2]), ("only women", [2]), ("no women (beard oil)", [1]),
    ("without women", [1]), ("hey guys, for women", [2]), ("moms and dads", None),
])
def test_gender_negations(people, genders):
    r = run(people)
    assert r.plan["ad_sets"][0]["targeting"].get("genders") == genders
    assert not r.questions


@pytest.mark.parametrize("people", ["Ages 33-45 but not 38-40.", "Everyone except students.",
                                    "women, but no moms"])
def test_an_exclusion_that_is_not_one_range_is_asked(people):
    r = run(people)
    assert any(q["kind"] == "not_understood" and q["field"] in ("age", "genders")
               for q in r.questions)


@pytest.mark.parametrize(("people", "phrase"), [
    ("People aged 60-20.", "60-20"), ("ages 45-30", "45-30"),
])
def test_inverted_ages_are_asked_never_swapped(people, phrase):
    r = run(people)
    [q] = [q for q in r.questions if q["kind"] == "invalid"]
    assert phrase in q["phrase"] and phrase in q["question"]


@pytest.mark.parametrize(("brief", "rule"), [
    (BASE.format("For kids aged 8-12."), "age"),
    ("Sales of our planners, teens 14-17 in Italy, €20/day, https://x.example.it, p.jpg, "
     "paid for by Carta SRL", "age"),
])
def test_ages_meta_refuses_are_problems_not_widened(brief, rule):
    r = plan_brief(brief, D)
    assert rule in {p["rule"] for p in r.problems}
    assert r.plan["ad_sets"][0]["targeting"]["age_min"] < 18


def test_ages_above_65_become_65_and_say_so():
    r = run("Ages 50 to 75.")
    t = r.plan["ad_sets"][0]["targeting"]
    assert (t["age_min"], t["age_max"]) == (50, 65) and not r.questions
    [a] = r.adjustments
    assert (a["path"], a["from"], a["to"]) == ("ad_sets[0].targeting.age_max", 75, 65)
    assert "65 and older" in a["why"]


def test_generations_are_shown_as_adjustments():
    r = run("Millennials.")
    t = r.plan["ad_sets"][0]["targeting"]
    assert (t["age_min"], t["age_max"]) == (30, 45)
    assert any(a["from"] == "Millennials" and a["to"] == "ages 30-45" for a in r.adjustments)


@pytest.mark.parametrize(("people", "ages", "genders"), [
    ("women 20-40... actually make it 35-55", (35, 55), [2]),
    ("ages 20-30, sorry I meant 40-50", (40, 50), None),
    ("men — sorry, everyone", (18, 65), None),
    ("for women, actually no, men", (18, 65), [1]),
    ("ages 18-34 (edit: 21-34)", (21, 34), None),
])
def test_later_statements_override_earlier_ones_and_say_so(people, ages, genders):
    r = run(people)
    t = r.plan["ad_sets"][0]["targeting"]
    assert (t["age_min"], t["age_max"]) == ages and t.get("genders") == genders
    assert not r.questions and r.adjustments
    assert any("corrects" in a["why"] for a in r.adjustments)


@pytest.mark.parametrize("people", ["Ages 20-30. Target 40-50 year olds.", "Women only. Men 30+."])
def test_two_different_statements_without_a_correction_are_a_conflict(people):
    assert any(q["kind"] == "conflict" for q in run(people).questions)


def test_counts_and_durations_are_not_ages():
    a = find_ages("over 50 stores, under 30 minutes, 20+ flavours, over 10 days", TODAY)
    assert (a.age_min, a.age_max) == (None, None) and not a.flags


def test_everyone_in_passing_changes_nothing():
    assert find_gender_result("women 30+, everyone loves our tea").genders == [2]


@pytest.mark.parametrize(("text", "names"), [
    ("Spanish speakers in Texas", ["spanish"]), ("ads in French only", ["french"]),
    ("language: German", ["german"]), ("Portuguese-speaking families", ["portuguese"]),
    ("English and Spanish speakers", ["english", "spanish"]),
    ("people who speak Swedish", ["swedish"]), ("a pub crawl in Irish pubs", []),
    # "bilingual X and Y" named the languages and none was read (launchable, silent)
    ("bilingual Spanish and English households", ["spanish", "english"]),
    ("bilingual (French/English) parents", ["french", "english"]),
])
def test_languages(text, names):
    keys, _ = find_locales(text)
    assert keys == [LOCALES[n] for n in names]


def test_locale_keys_are_metas():
    # adlocale keys checked against Meta's search results (see parse_languages)
    assert (LOCALES["swedish"], LOCALES["danish"], LOCALES["finnish"], LOCALES["czech"],
            LOCALES["ukrainian"]) == (18, 4, 8, 2, 52)


def test_special_categories_widen_ages_and_genders_and_say_each():
    r = plan_brief("Apartments for rent in Denver, leads, women 25-34 and 35-44, $30/day, "
                   "https://flats.example.com, lobby.jpg", D)
    t = r.plan["ad_sets"][0]["targeting"]
    assert len(r.plan["ad_sets"]) == 1 and (t["age_min"], t["age_max"]) == (18, 65)
    changed = {a["path"]: a for a in r.adjustments}
    assert changed["ad_sets[0].targeting.age_min"]["from"] == 25
    assert changed["ad_sets[0].targeting.age_max"]["from"] == 44
    assert changed["ad_sets[0].targeting.genders"]["from"] == [2]
    assert "one ad set" in changed["ad_sets"]["to"]
    assert all("HOUSING" in a["why"] for a in r.adjustments)


@pytest.mark.parametrize("text", ["sizes 36-42 in stock", "a team of 12-15 people",
                                  "open 10-18h", "rooms 21-30 renovated"])
def test_number_ranges_that_are_not_ages(text):
    a = find_ages(text, TODAY)
    assert (a.age_min, a.age_max, a.flags) == (None, None, [])


@pytest.mark.parametrize(("people", "kept", "left_out"), [
    ("Runners and hikers, but not hunters.", ["Running", "Hiking"], ["Hunting"]),
    ("Runners. Exclude people interested in tennis.", ["Running"], ["Tennis"]),
    ("Runners, hikers, not people into hunting", ["Running", "Hiking"], ["Hunting"]),
])
def test_a_negated_interest_is_left_out_not_targeted(people, kept, left_out):
    r = run(people)
    t = r.plan["ad_sets"][0]["targeting"]
    assert [i["name"] for i in t["flexible_spec"][0]["interests"]] == kept
    assert [i["name"] for i in t["exclusions"]["interests"]] == left_out
    assert not r.questions and not r.not_understood
    from agents.orchestrator.card import _audience
    assert "not people interested in: " + ", ".join(left_out) in _audience(t)


def test_a_negated_language_is_not_targeted():
    r = run("Runners, no French speakers.")
    assert "locales" not in r.plan["ad_sets"][0]["targeting"]
    assert [q["phrase"] for q in r.questions] == ["no French speakers"]


def test_an_asset_the_brief_says_not_to_use_is_not_used():
    r = plan_brief(BASE.format("Don't use hero.jpg."), D)
    assets = [a["path"] for s in r.plan["ad_sets"] for ad in s["ads"]
              for a in ad["creative"]["assets"]]
    assert assets == ["boots.jpg"] and not r.not_understood


@pytest.mark.parametrize("people", ["Not women over 50.", "Everyone except women over 50",
                                    "no men under 25", "exclude men 18-24"])
def test_leaving_out_part_of_a_gender_is_asked(people):
    """One ad set cannot say 'everyone but women over 50': no plan targets the other gender."""
    r = run(people)
    assert [q["kind"] for q in r.questions] == ["not_understood"]
    assert r.questions[0]["phrase"].lower().endswith(people.lower().split(" ", 1)[1].rstrip("."))
    assert r.plan["ad_sets"][0]["targeting"].get("genders") is None


@pytest.mark.parametrize(("people", "genders", "asked"), [
    ("Split the budget 60% women / 40% men", None, True),
    ("target 70% women", None, True),
    ("our buyers are 80% women. Target women.", [2], False),
])
def test_a_share_of_a_gender_is_not_a_gender(people, genders, asked):
    r = run(people)
    assert r.plan["ad_sets"][0]["targeting"].get("genders") == genders
    assert bool(r.questions) is asked


def test_interests_for_minors_are_a_problem_not_a_launch():
    r = run("Ages 13-17, gamers.")
    assert [p["path"] for p in r.problems] == ["ad_sets[0].targeting.flexible_spec"]
    assert "under 18" in r.problems[0]["message"]


def test_the_sandbox_refuses_interests_for_minors_like_meta(sandbox, launch_kit):
    from facebook_business.exceptions import FacebookRequestError

    camp = launch_kit.account.create_campaign(params={
        "name": "teens", "objective": "OUTCOME_TRAFFIC", "special_ad_categories": [],
        "status": "PAUSED", "daily_budget": 5000, "bid_strategy": "LOWEST_COST_WITHOUT_CAP"})
    with pytest.raises(FacebookRequestError) as err:
        launch_kit.account.create_ad_set(params={
            "name": "teens", "campaign_id": camp["id"], "optimization_goal": "LINK_CLICKS",
            "billing_event": "IMPRESSIONS", "destination_type": "WEBSITE", "status": "PAUSED",
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 13, "age_max": 17,
                          "flexible_spec": [{"interests": [{"id": "6003626399463"}]}]}})
    assert err.value.api_error_subcode() == 1870165
