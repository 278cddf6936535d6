"""The launch card shows a planned A/B test, and reads as plain words (issue 18).

Plans come from the offline rules planner, as `adpilot run` makes them; the card is rendered
as the approval interrupt carries it.
"""

from __future__ import annotations

from agents.orchestrator.card import render_card
from agents.orchestrator.planning.rules import plan_brief

TAIL = ("Budget $60/day for 14 days starting tomorrow. Landing page "
        "https://shop.example.com/trail. Shop now.")


def _section(card: str) -> str:
    """The card's A/B test section, lines joined."""
    start = card.index("### A/B test")
    return card[start:card.index("###", start + 3)]


def test_an_audience_test_says_what_differs_the_arms_the_even_split_and_the_stopping_rule():
    plan = plan_brief("Sell TrailBlaze running shoes in the US. A/B test ages 18-24 vs 25-34. "
                      f"Use images a.png, b.png. {TAIL}").plan
    assert plan["experiment"]["kind"] == "audience"
    said = _section(render_card(plan))
    assert "which audience does better (each arm is an ad set)" in said
    assert "**Tested:** ages — everything else is the same" in said
    assert "A “US 18-24” (ages 18–24) · B “US 25-34” (ages 25–34)" in said
    assert "even: each arm's ad set gets USD 30.00 daily" in said
    assert "cost per purchase (lower wins)" in said
    assert ("at least 95% likely to be best, after at least 4 days; after 14 days with no such "
            "arm the test is inconclusive") in said


def test_a_creative_test_names_the_ads_and_says_meta_shares_the_ad_sets_budget():
    plan = plan_brief("Sell TrailBlaze running shoes in the US, ages 25-45. A/B test the two "
                      f"images a.png and b.png. {TAIL}").plan
    assert plan["experiment"]["kind"] == "creative"
    said = _section(render_card(plan))
    assert "which ad does better (each arm is an ad)" in said
    assert "A “Image 1: a.png” (a.png) · B “Image 2: b.png” (b.png)" in said
    assert "**Tested:** image or video" in said
    assert "share its budget (Meta's delivery decides how much each gets)" in said


def test_a_plan_without_a_test_has_no_test_section():
    plan = plan_brief(f"Sell TrailBlaze running shoes in the US. Use image a.png. {TAIL}").plan
    assert "experiment" not in plan and "A/B test" not in render_card(plan)


def test_card_wording_has_no_empty_bullet_parts_and_counts_agree():
    plan = plan_brief(f"Sell TrailBlaze running shoes in the US. Use image a.png. {TAIL}").plan
    one = render_card(plan, validation={"ok": True, "checked": 1, "deferred": 1},
                      reading={"not_understood": [{"phrase": "asap"}]})
    assert "(1 object checked; 1 needs its parent or video first and is checked at launch)" in one
    assert "- not used: ‘asap’ (changes nothing in the plan)" in one
    assert "- · " not in one
    two = render_card(plan, validation={"ok": True, "checked": 4, "deferred": 2})
    assert "(4 objects checked; 2 need their parent or video first and are checked at launch)" in two


def test_the_card_reads_the_stopping_rule_as_the_loop_applies_it():
    """Aliases the loop reads (`threshold`, `days`) are what the card says, not the defaults."""
    from state.stopping_rule import stopping_rule

    plan = plan_brief("Sell TrailBlaze running shoes in the US. A/B test ages 18-24 vs 25-34. "
                      f"Use images a.png, b.png. {TAIL}").plan
    declared = {"threshold": 0.9, "minimum_days": 5, "days": 12}
    plan["experiment"]["stopping_rule"] = declared
    assert stopping_rule(declared) == {"probability": 0.9, "min_days": 5.0, "max_days": 12.0,
                                       "min_conversions": 0}
    said = _section(render_card(plan))
    assert ("at least 90% likely to be best, after at least 5 days; after 12 days with no such "
            "arm the test is inconclusive") in said
    plan["experiment"]["stopping_rule"] = {"probability": 1.5}
    assert ("the stopping rule cannot be applied: experiment.stopping_rule.probability must be "
            "in [0.5, 1), e.g. 0.95") in _section(render_card(plan))
