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


def test_a_currency_change_is_said_and_each_side_s_money_is_in_its_own_currency():
    """Found by a review: USD → EUR printed "daily budget EUR 0.80 → EUR 60.00"."""
    before = plan_brief(f"Sell TrailBlaze running shoes in the US. Use image a.png. {TAIL}").plan
    before["budget"]["amount_minor"] = 80
    before["ad_sets"][0]["bid_amount"] = 150
    edited = copy.deepcopy(before)
    edited.update(currency="EUR", budget={**before["budget"], "amount_minor": 6000})
    lines = edit_changes(before, edited)
    assert lines[:2] == ["currency USD → EUR", "daily budget USD 0.80 → EUR 60.00"]
    assert "also changed: currency" not in " ".join(lines)
    # The same amounts in another currency are still another budget, and say so.
    same = {**copy.deepcopy(before), "currency": "EUR"}
    assert edit_changes(before, same) == ["currency USD → EUR", "daily budget USD 0.80 → EUR 0.80"]


def test_an_asset_changed_on_disk_says_which_file_launches():
    from agents.orchestrator.card_diff import asset_lines

    card = plan_brief(f"Sell TrailBlaze running shoes in the US. Use image a.png. {TAIL}").plan
    ref = card["ad_sets"][0]["ads"][0]["creative"]["assets"][0]
    ref.update(path="/brief/a.png", name="a.png", sha256="a" * 64, cache="assets/a.png")
    ad = card["ad_sets"][0]["ads"][0]["name"]
    changed = [{"field": "ad_sets[0].ads[0].creative.assets[0]", "name": "a.png",
                "path": "/brief/a.png", "pinned": "a" * 64, "now": "b" * 64}]
    assert asset_lines(card, copy.deepcopy(card), changed) == [
        f"ad “{ad}”: image a.png changed on disk since the card (now sha256 bbbbbbbbbbbb); the "
        "card's copy (sha256 aaaaaaaaaaaa) still launches — to launch the new file, remove its "
        "\"sha256\" from the plan and edit again"]
    repinned = copy.deepcopy(card)
    repinned["ad_sets"][0]["ads"][0]["creative"]["assets"][0]["sha256"] = "b" * 64
    assert asset_lines(card, repinned, []) == [
        f"ad “{ad}”: image a.png changed on disk since the card: the new file (sha256 "
        "bbbbbbbbbbbb) will launch, not the card's copy (sha256 aaaaaaaaaaaa)"]
    assert asset_lines(card, copy.deepcopy(card), []) == []
