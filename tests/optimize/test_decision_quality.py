"""Decision-quality rules of the optimise loop: each test fails if its rule is removed."""

from __future__ import annotations

from agents.optimize.decide.decisions import DecisionPolicy, decide, judge_ads
from agents.optimize.decide.reallocation import reallocate
from agents.optimize.decide.rules import spend_plateau
from agents.optimize.decide.stats import rng_for
from tests.optimize.optimize_helpers import BAD, GOOD, NOW, ad, adset, evidence, stats


def _capped_sets(daily: list[float]) -> list[dict]:
    best = adset("s1", 10000, stats(**GOOD))
    best["daily_spend_minor"] = daily
    return [best, adset("s2", 10000, stats(**GOOD)), adset("s3", 10000, stats(**BAD))]


def _budgets(sets: list[dict], policy: DecisionPolicy | None = None, **kw) -> dict[str, int]:
    actions, _ = reallocate(evidence([], sets, **kw), policy or DecisionPolicy(), rng_for("t"))
    return {a["args"]["adset_id"]: a["args"]["daily_budget"] for a in actions}


def test_a_spend_plateau_below_budget_frees_the_unspent_budget():
    # Three days flat at ~7,000 on a 10,000 budget: the audience absorbs no more.
    new = _budgets(_capped_sets([9000, 9800, 7000, 7100, 7050]))
    assert new["s1"] == 8000  # toward what it spends (7,100 / 0.95), one 20 % step at most
    assert new["s2"] > 10000  # the unspent money goes to the other good ad set
    assert abs(sum(new.get(s, 10000) for s in ("s1", "s2", "s3")) - 30000) <= 3
    # Without the rule the best ad set would be raised into budget it cannot spend.
    off = _budgets(_capped_sets([9000, 9800, 7000, 7100, 7050]), DecisionPolicy(plateau_days=0))
    assert off["s1"] > 10000


def test_a_plateau_seen_across_a_recent_budget_edit_only_holds_the_budget():
    # Edited two days ago: the flat days did not all run on this budget; no raise, no cut.
    edited = {"s1": ["2026-03-18T10:00:00+00:00"]}
    sets = _capped_sets([9000, 9800, 7000, 7100, 7050])
    policy = DecisionPolicy(budget_cooldown_hours=0)
    assert _budgets(sets, policy, budget_edits=edited).get("s1", 10000) == 10000
    assert (
        _budgets(
            sets, DecisionPolicy(budget_cooldown_hours=0, plateau_days=0), budget_edits=edited
        )["s1"]
        > 10000
    )


def test_pacing_noise_is_not_a_plateau():
    ev = evidence([], [])
    policy = DecisionPolicy()
    noisy = {"id": "s1", "daily_budget_minor": 10000, "daily_spend_minor": [9000, 10400, 9700]}
    assert spend_plateau(noisy, ev, policy) is None
    spent = {"id": "s1", "daily_budget_minor": 10000, "daily_spend_minor": [9900, 9950, 9980]}
    assert spend_plateau(spent, ev, policy) is None  # spends its budget
    short = {"id": "s1", "daily_budget_minor": 10000, "daily_spend_minor": [7000, 7050]}
    assert spend_plateau(short, ev, policy) is None  # too few days to tell
    flat = {"id": "s1", "daily_budget_minor": 10000, "daily_spend_minor": [7000, 7100, 7050]}
    assert spend_plateau(flat, ev, policy) == (7100, True)


def _sibling_loser_ads(impressions_a1: float) -> list[dict]:
    # a1: fewer conversions than a2, but Meta gives it most of the ad set's impressions.
    a1 = stats(9000, 600, 4, impressions=impressions_a1)
    a2 = stats(9000, 500, 14, impressions=30000)
    return [ad("a1", "s1", a1), ad("a2", "s1", a2)]


def _paused(ads: list[dict], policy: DecisionPolicy) -> set[str]:
    ev = evidence(ads, [adset("s1", 10000, stats(18000, 1100, 18))], target_cpa_minor=800)
    _, actions, _ = judge_ads(ev, policy, rng_for("fav"))
    return {a["args"]["ad_id"] for a in actions}


def test_the_ad_metas_delivery_favours_is_not_paused_on_thin_evidence():
    assert _paused(_sibling_loser_ads(60000), DecisionPolicy(protect_favoured_ad=False)) == {"a1"}
    assert _paused(_sibling_loser_ads(60000), DecisionPolicy()) == set()
    # Not favoured (fewer impressions than its sibling): the statistical rule pauses it.
    assert _paused(_sibling_loser_ads(20000), DecisionPolicy()) == {"a1"}


def test_an_emergency_pauses_even_the_favoured_ad():
    burning = stats(20000, 900, 0, impressions=90000)  # 8x the target CPA, no conversion
    ads = [ad("a1", "s1", burning), ad("a2", "s1", stats(5000, 300, 6, impressions=20000))]
    proposal = decide(evidence(ads, [adset("s1", 10000, stats(25000, 1200, 6))]))
    paused = [a for a in proposal["actions"] if a["name"] == "pause_ad"]
    assert [a["args"]["ad_id"] for a in paused] == ["a1"]
    assert paused[0]["verdict"] == "EMERGENCY_PAUSE"
    assert NOW.startswith("2026-03-20")


def _near_siblings() -> list[dict]:
    # Both ads beat the target; a1 converts better and Meta gives it more impressions.
    a1 = stats(9000, 500, 14, impressions=40000)
    a2 = stats(9000, 450, 7, impressions=30000)
    return [ad("a1", "s1", a1), ad("a2", "s1", a2)]


def test_an_ad_worse_than_the_sibling_meta_favours_is_paused():
    ev = evidence(_near_siblings(), [adset("s1", 10000, stats(18000, 950, 21))])
    _, actions, _ = judge_ads(ev, DecisionPolicy(), rng_for("fav"))
    assert [a["args"]["ad_id"] for a in actions] == ["a2"]
    assert "favours" in actions[0]["reasons"][-1]
    # Without the rule neither target nor margin test pauses it: both ads beat the target.
    off = DecisionPolicy(favoured_probability=1.01)
    assert judge_ads(ev, off, rng_for("fav"))[1] == []
    # Meta favouring a2 instead: the two reads disagree, and nothing is paused.
    flipped = _near_siblings()
    flipped[1]["stats"] = stats(9000, 450, 7, impressions=50000)
    ev2 = evidence(flipped, [adset("s1", 10000, stats(18000, 950, 21))])
    assert judge_ads(ev2, DecisionPolicy(), rng_for("fav"))[1] == []


def test_the_card_names_the_probability_against_the_ad_meta_favours():
    from prompts.optimize import evidence_text

    text = evidence_text({"spend_minor": 9000, "days": 4, "p_worse_than_favoured": 0.86}, "USD")
    assert "P(worse than the ad Meta delivers most) 86%" in text
