"""What an edit changed, in words (`agents/orchestrator/card_diff.py`): plain functions."""

from __future__ import annotations

import copy

from agents.orchestrator.card_diff import edit_changes
from agents.orchestrator.planning.names.rederive import rederive_names
from agents.orchestrator.planning.rules import plan_brief

TAIL = ("Budget $60/day for 14 days starting tomorrow. Landing page "
        "https://shop.example.com/trail. Shop now.")


def test_an_audience_test_edit_says_each_arm_and_not_the_arms_following_their_names():
    before = plan_brief(f"Sell TrailBlaze running shoes in the US. A/B test women vs men. "
                        f"Use image a.png. {TAIL}").plan
    edited = copy.deepcopy(before)
    edited["ad_sets"][1]["targeting"].update(age_min=30)
    edited["budget"] = {"kind": "lifetime", "amount_minor": 50000, "level": "campaign"}
    after, renames = rederive_names(before, edited)
    assert edit_changes(before, after, renames) == [
        "budget daily USD 60.00 across the ad sets → lifetime USD 500.00 on the campaign",
        "ad set “US 18-65 men” → “US 30-65 men” (renamed for the edited content): ages 18–65 "
        "→ 30–65",
    ]


def test_ads_added_or_removed_and_a_name_typed_by_the_person_are_said():
    before = plan_brief(f"Sell TrailBlaze running shoes in the US. Use images a.png, b.png. "
                        f"{TAIL}").plan
    edited = copy.deepcopy(before)
    dropped = edited["ad_sets"][0]["ads"].pop()
    edited["ad_sets"][0]["name"] = "Core runners"
    edited["ad_sets"][0]["targeting"]["genders"] = [2]
    assert edit_changes(before, edited) == [
        "ad set “US 18-65” → “Core runners”: people all genders → women; "
        f"ad “{dropped['name']}” removed"]
    assert edit_changes(before, copy.deepcopy(before)) == []
