"""Names after an edit (issue 18): what the planner made of the old content follows the new one.

Plans come from the offline rules planner; the edit is made on a copy, as a person edits the
exported JSON. A name the person wrote is kept as written.
"""

from __future__ import annotations

import copy

from agents.orchestrator.planning.names.rederive import rederive_names
from agents.orchestrator.planning.rules import plan_brief

TAIL = ("Budget $60/day for 14 days starting tomorrow. Landing page "
        "https://shop.example.com/trail. Shop now.")


def _plan(brief: str) -> dict:
    return plan_brief(f"Sell TrailBlaze running shoes {brief} {TAIL}").plan


def test_an_ad_set_named_after_its_audience_follows_the_edited_audience():
    before = _plan("in the US, ages 25-45. Use images a.png, b.png.")
    assert before["ad_sets"][0]["name"] == "US 25-45"
    edited = copy.deepcopy(before)
    edited["ad_sets"][0]["targeting"].update(age_min=30, age_max=50)
    edited["ad_sets"][0]["targeting"]["geo_locations"]["countries"] = ["US", "CA"]
    after, renames = rederive_names(before, edited)
    assert after["ad_sets"][0]["name"] == "US, CA 30-50"
    assert renames == [{"path": "ad_sets[0].name", "from": "US 25-45", "to": "US, CA 30-50"}]
    assert edited["ad_sets"][0]["name"] == "US 25-45"  # the edit given is not changed


def test_a_name_the_person_wrote_or_the_planner_did_not_make_is_kept():
    before = _plan("in the US, ages 25-45. Use image a.png.")
    edited = copy.deepcopy(before)
    edited["ad_sets"][0]["targeting"]["age_min"] = 30
    edited["ad_sets"][0]["name"] = "Core runners"  # renamed in the file
    assert rederive_names(before, edited) == (edited, [])
    typed = copy.deepcopy(before)
    typed["ad_sets"][0]["name"] = "Spring runners"  # e.g. an LLM plan's name
    edited = copy.deepcopy(typed)
    edited["ad_sets"][0]["targeting"]["age_min"] = 30
    assert rederive_names(typed, edited) == (edited, [])


def test_a_label_word_drawn_from_the_audience_follows_it_and_the_experiment_arm_too():
    before = _plan("in the US. A/B test women vs men. Use image a.png.")
    assert [s["name"] for s in before["ad_sets"]] == ["US 18-65 women", "US 18-65 men"]
    edited = copy.deepcopy(before)
    edited["ad_sets"][0]["targeting"].update(age_min=25, age_max=40)
    edited["ad_sets"][1]["targeting"].pop("genders")  # all genders: the word goes
    after, _ = rederive_names(before, edited)
    assert [s["name"] for s in after["ad_sets"]] == ["US 25-40 women", "US 18-65"]
    assert [v["ad_set"] for v in after["experiment"]["variants"]] == ["US 25-40 women",
                                                                      "US 18-65"]


def test_ad_names_follow_an_edited_headline_or_file_and_the_campaign_its_goal_and_month():
    before = _plan("in the US. A/B test two headlines: 'Run far' vs 'Run fast'. Use image a.png.")
    edited = copy.deepcopy(before)
    edited["ad_sets"][0]["ads"][1]["creative"]["headline"] = "Run free"
    edited["objective"] = "OUTCOME_TRAFFIC"
    edited["start_time"] = "2027-02-01T00:00:00-08:00"
    after, _ = rederive_names(before, edited)
    assert [a["name"] for a in after["ad_sets"][0]["ads"]] == ["Variant A: Run far",
                                                               "Variant B: Run free"]
    assert after["experiment"]["variants"][1]["ad"] == "Variant B: Run free"
    assert after["name"] == "TrailBlaze running shoes – Traffic – Feb 2027"

    media = _plan("in the US. Use images a.png, b.png.")
    edited = copy.deepcopy(media)
    edited["ad_sets"][0]["ads"][1]["creative"]["assets"][0]["path"] = "/shots/c.png"
    after, _ = rederive_names(media, edited)
    assert [a["name"] for a in after["ad_sets"][0]["ads"]] == ["Image 1: a.png", "Image 2: c.png"]
