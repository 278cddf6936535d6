"""Issue 16: budget moves explain themselves, hold against noise, and off-target campaigns
are never left silent. Each test fails when its rule is removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from agents.optimize.decide.decisions import DecisionPolicy, decide
from agents.optimize.decide.explain import MoveFacts, marginal_edge
from agents.optimize.decide.hysteresis import direction_probabilities
from agents.optimize.decide.reallocation import reallocate
from agents.optimize.decide.stats import rng_for
from tests.optimize.optimize_helpers import NOW, ad, adset, evidence, stats


def _moves(ev, policy=None):
    actions, _ = reallocate(ev, policy or DecisionPolicy(), rng_for("t", ev["now"]))
    return actions


def _sets(rows, **kw):
    """Ad sets from (spend, clicks, conversions) per week; recent = whole window = `rows`."""
    out = []
    for i, (spend, clicks, conv) in enumerate(rows):
        s = adset(f"s{i}", 10000, stats(spend, clicks, conv))
        s["recent_stats"] = stats(spend, clicks, conv)
        s.update(kw)
        out.append(s)
    return out


# -- the explanation rule -----------------------------------------------------------------


def _random_campaign(rng: np.random.Generator) -> dict:
    n = int(rng.integers(2, 7))
    rows = []
    for _ in range(n):
        spend = float(rng.uniform(20000, 90000))
        clicks = float(rng.uniform(400, 3000))
        cpa = float(rng.uniform(1500, 9000))  # target 2500: many ad sets above it
        rows.append((spend, clicks, float(rng.poisson(spend / cpa))))
    return evidence([], _sets(rows))


def test_no_money_to_an_above_target_ad_set_without_a_marginal_cost_reason():
    raises_above_target = 0
    for k in range(150):
        ev = _random_campaign(np.random.default_rng(k))
        for act in _moves(ev):
            e = act["evidence"]
            if e["after_daily_minor"] <= e["before_daily_minor"]:
                continue
            # every raise names its marginal cost and beats where the money comes from
            assert "marginal cost" in act["reasons"][0]
            others = e["others_marginal_cost_minor"]  # None: nothing came of the money there
            assert others is None or e["marginal_cost_minor"] < others
            if e["average_cost_minor"] > ev["target_cpa_minor"]:
                raises_above_target += 1
                assert "is above the USD 25.00 target, but its marginal cost" in act["reasons"][0]
                assert "as counted over the last week" in act["reasons"][0]
    assert raises_above_target > 0  # the case the rule is about did come up


def test_every_budget_move_states_a_probability_that_points_its_way():
    # A move shows the probability it was made on: the margin test's for a clear move, P(above
    # or below the campaign's average) for the other side of one — never under 50 %.
    other_side = 0
    for k in range(150):
        for act in _moves(_random_campaign(np.random.default_rng(k))):
            if act["reasons"][0].startswith(("paused:", "its spend has stayed flat",
                                             "it did not spend")):
                continue  # said as what it can spend, not as a judgement
            assert act["evidence"]["p_direction"] >= 0.5, act["reasons"][0]
            other_side += "than the campaign's average on its recent days" in act["reasons"][0]
    assert other_side > 0


def test_a_raise_whose_marginal_value_loses_to_its_donors_is_not_made():
    assert marginal_edge(MoveFacts(2.0, 1.0, 0.5, 0.9, 0.8))
    assert not marginal_edge(MoveFacts(1.0, 1.0, 0.5, 0.9, 0.8))
    assert not marginal_edge(MoveFacts(0.9, 1.0, 0.5, 0.9, 0.8))


def test_a_raise_reads_in_the_accounts_money():
    ev = evidence([], _sets([(60000, 3000, 30), (60000, 3000, 8), (60000, 3000, 9)]))
    raise_ = next(a for a in _moves(ev) if a["args"]["daily_budget"] > 10000)
    reason = raise_["reasons"][0]
    assert "marginal cost per conversion is about USD 4" in reason  # 2 × the USD 20 average
    assert "USD 20.00 as counted over the last week" in reason
    assert "2× its estimated average of USD 2" in reason
    assert "the ad sets the money comes from" in reason
    assert raise_["evidence"]["average_cost_minor"] == 2000


# -- hysteresis ---------------------------------------------------------------------------


def test_direction_needs_a_margin_over_the_budget_weighted_average():
    draws = np.array([[1.0] * 10, [1.0] * 10, [1.3] * 10])
    up, down = direction_probabilities(draws, np.array([1.0, 1.0, 1.0]), 0.1)
    assert list(up) == [0.0, 0.0, 1.0] and list(down) == [0.0, 0.0, 0.0]
    up, _ = direction_probabilities(draws, np.array([1.0, 1.0, 1.0]), 0.3)
    assert up[2] == 0.0  # 1.3 is not 30 % over the average of 1.1


def test_a_good_week_against_a_worse_month_is_not_a_trend():
    sets = _sets([(60000, 3000, 50), (60000, 3000, 24), (60000, 3000, 24)])
    assert any(a["args"]["daily_budget"] > 10000 for a in _moves(evidence([], sets)))
    sets[0]["stats"] = stats(240000, 12000, 100)  # the whole window: no better than the rest
    assert _moves(evidence([], sets)) == []


def test_a_budget_raised_recently_is_not_cut_on_ordinary_evidence():
    def cut_s0(conversions: int, moved_at: str | None) -> bool:
        sets = _sets([(60000, 3000, conversions), (60000, 3000, 30), (60000, 3000, 30)])
        if moved_at:
            sets[0].update(last_move=1, moved_at=moved_at)
        return any(a["args"]["adset_id"] == "s0" and a["args"]["daily_budget"] < 10000
                   for a in _moves(evidence([], sets)))

    assert cut_s0(18, None)  # never moved: ordinary evidence (90 %) cuts it
    assert not cut_s0(18, "2026-03-18T10:00:00+00:00")  # raised 2 days ago: held
    assert not cut_s0(10, "2026-03-18T10:00:00+00:00")  # even on strong evidence
    assert not cut_s0(18, "2026-03-14T10:00:00+00:00")  # 6 days on: 90 % < the 95 % needed
    assert cut_s0(10, "2026-03-14T10:00:00+00:00")  # strong evidence (99 %) reverses it


# -- far off target with nothing to move money to ---------------------------------------


def _single(conversions: float, spend: float = 240000, n_ads: int = 1) -> dict:
    s = adset("s1", 10000, stats(spend, 12000, conversions, days=24))
    ads = [ad(f"a{i}", "s1", stats(spend / n_ads, 12000 / n_ads, conversions / n_ads, days=24))
           for i in range(n_ads)]
    return evidence(ads, [s])


def _of(proposal, id_):
    return next(v for v in proposal["verdicts"] if v["id"] == id_)


def test_a_single_ad_set_at_twice_its_target_gets_a_verdict_and_a_budget_cut():
    p = decide(_single(48))  # USD 50 per conversion against USD 25
    verdict = _of(p, "s1")
    assert verdict["verdict"] == "OPTIMIZE"
    assert "USD 50.00 against the USD 25.00 target: 2.0×" in verdict["reasons"][0]
    assert "one active ad set, so moving money cannot fix it" in verdict["reasons"][0]
    cut = next(a for a in p["actions"] if a["name"] == "set_adset_budget")
    assert cut["args"] == {"adset_id": "s1", "daily_budget": 8000}
    assert cut["requires_review"] is True
    refresh = next(a for a in p["actions"] if a["name"] == "refresh_creative")
    assert refresh["args"]["ad_id"] == "a0"  # its single ad: new creative is the lever left


def test_a_single_ad_set_far_past_its_target_is_paused_and_one_on_target_is_left_alone():
    p = decide(_single(16))  # USD 150 per conversion: 6× the target
    pause = next(a for a in p["actions"] if a["name"] == "pause_campaign")
    assert pause["args"] == {"campaign_id": "c1", "status": "PAUSED"}
    assert _of(p, "s1")["verdict"] == "PAUSE"
    calm = decide(_single(104))  # USD 23: on target
    assert not [a for a in calm["actions"] if a.get("group") == "off_target"]
    assert _of(calm, "s1")["verdict"] == "CONTINUE"


def test_off_target_waits_for_the_minimum_data_and_leaves_a_fixable_campaign_to_reallocation():
    young = _single(48)
    young["ad_sets"][0]["stats"] = stats(240000, 12000, 48, days=2)
    assert not [a for a in decide(young)["actions"] if a.get("group") == "off_target"]
    two = evidence([], _sets([(60000, 3000, 12), (60000, 3000, 40)]))
    assert not [a for a in decide(two)["actions"] if a.get("group") == "off_target"]


@pytest.mark.parametrize("kpi,target", [("conversion_value", {"target_roas": 4.0})])
def test_a_single_ad_set_far_under_its_roas_target_is_not_silent(kpi, target):
    ev = _single(48)  # value 6,000 per conversion: ROAS 1.2 against 4.0
    ev.update(kpi=kpi, target_cpa_minor=None, **target)
    p = decide(ev)
    assert _of(p, "s1")["verdict"] in ("OPTIMIZE", "PAUSE")
    assert "ROAS 1.20 against the 4.00 target" in _of(p, "s1")["reasons"][0]
    assert [a for a in p["actions"] if a.get("group") == "off_target" and not a.get("advice")]


def test_lifetime_budgets_move_by_their_daily_equivalent_times_the_days_left():
    sets = _sets([(60000, 3000, 30), (60000, 3000, 8), (60000, 3000, 9)])
    for s in sets:
        s.update(daily_budget_minor=None, lifetime_budget_minor=280000,
                 budget_remaining_minor=200000, days_left=20, daily_equivalent_minor=10000)
    moves = {a["args"]["adset_id"]: a for a in _moves(evidence([], sets))}
    up = moves["s0"]
    assert set(up["args"]) == {"adset_id", "lifetime_budget"}
    step = up["evidence"]["after_daily_minor"] - up["evidence"]["before_daily_minor"]
    assert step > 0 and up["args"]["lifetime_budget"] == 280000 + step * 20
    assert up["evidence"]["before_minor"] == 280000
    assert all("daily_budget" not in a["args"] for a in moves.values())


def test_now_is_the_helpers_clock():
    assert NOW.startswith("2026-03-20")  # the hysteresis dates above count from it


def test_a_held_move_says_why_on_the_ad_sets_verdict():
    sets = _sets([(60000, 3000, 10), (60000, 3000, 30), (60000, 3000, 30)])
    sets[0].update(last_move=1, moved_at="2026-03-18T10:00:00+00:00")
    verdict = _of(decide(evidence([], sets)), "s0")
    assert verdict["verdict"] == "CONTINUE"
    assert "a cut would reverse its last budget move 2 day(s) ago" in verdict["reasons"][0]


def test_a_paused_ad_sets_share_of_the_plans_total_goes_to_the_active_ones_without_edits():
    sets = _sets([(60000, 3000, 36), (60000, 3000, 30)])
    paused = adset("s9", 4150, stats(60000, 3000, 5), status="PAUSED")
    ev = evidence([], sets + [paused], min_daily_budget_minor=4150)
    assert not any(a["args"]["adset_id"] == "s9" for a in _moves(ev))  # idle cut, no parking
    mine = dict(min_daily_budget_minor=4150, planned_daily_minor=24150, loop_paused=["s9"])
    moves = _moves(evidence([], sets + [paused], **mine))
    assert moves and {a["args"]["adset_id"] for a in moves} <= {"s0", "s1"}  # s9 untouched
    assert sum(a["args"]["daily_budget"] - 10000 for a in moves) <= 4150
    assert all(a["evidence"]["parked_minor"] == 4150 for a in moves)  # free in execute_approved
    assert all("money that would otherwise go unspent" in a["reasons"][0] for a in moves)
    # an ad set a person paused keeps its money unspent: their pause saves it
    assert _moves(evidence([], sets + [paused], **{**mine, "loop_paused": []})) == []
    # a budget a person cut is never spent again behind their back
    cut = [dict(x) for x in sets]
    cut[0].update(last_move=-1, moved_at=NOW, moved_by_loop=False)
    assert _moves(evidence([], cut + [paused], **mine)) == []


def test_parked_money_never_raises_an_ad_set_below_the_average():
    sets = _sets([(60000, 3000, 40), (60000, 3000, 38), (60000, 3000, 10)])  # s2: USD 60
    paused = adset("s9", 4150, stats(60000, 3000, 5), status="PAUSED")
    mine = dict(min_daily_budget_minor=4150, planned_daily_minor=34150, loop_paused=["s9"])
    moves = _moves(evidence([], sets + [paused], **mine))
    assert moves and not any(a["args"]["adset_id"] == "s2" and a["args"]["daily_budget"] > 10000
                             for a in moves)


def test_an_ad_set_at_metas_minimum_that_does_clearly_worse_is_paused_when_the_total_is_known():
    rows = [(60000, 3000, 40), (60000, 3000, 40), (60000, 3000, 8)]
    sets = _sets(rows)
    sets[2]["daily_budget_minor"] = 4150
    ev = evidence([], sets, min_daily_budget_minor=4150, planned_daily_minor=24150)
    pause = next(a for a in _moves(ev) if a["name"] == "pause_adset")
    assert pause["args"] == {"adset_id": "s2", "status": "PAUSED"}
    assert "at Meta's minimum daily budget (USD 41.50) it cannot be cut further" in (
        pause["reasons"][0])
    # without the plan's total its money would go unspent: no pause
    ev.pop("planned_daily_minor")
    assert not any(a["name"] == "pause_adset" for a in _moves(ev))


@pytest.mark.parametrize("budget,paused", [(4200, True), (4400, True), (5180, True),
                                           (6000, False)])
def test_an_ad_set_just_above_metas_minimum_is_paused_not_left_there(budget, paused):
    """A cut from just above the minimum to it is under `min_change` or frees too little to
    move the others: never made. Without the pause such an ad set kept its budget for good
    (seen on the minimum-budget regime); one step (20 %) above it, it is cut first."""
    sets = _sets([(60000, 3000, 40), (60000, 3000, 40), (60000, 3000, 8)])
    sets[2]["daily_budget_minor"] = budget
    ev = evidence([], sets, min_daily_budget_minor=4150, planned_daily_minor=20000 + budget)
    moves = {a["args"]["adset_id"]: a for a in _moves(ev)}
    if paused:
        assert moves["s2"]["args"] == {"adset_id": "s2", "status": "PAUSED"}
        assert (f"at USD {budget / 100:.2f}, just above Meta's minimum daily budget (USD 41.50), "
                "it cannot usefully be cut further") in moves["s2"]["reasons"][0]
    else:  # more than a step above it: cut a step first
        assert moves["s2"]["args"] == {"adset_id": "s2", "daily_budget": 4800}


@pytest.mark.parametrize("recent,window,paused", [
    (28, 60, True),  # a month clearly worse, the last week agrees (84 %): paused
    (32, 60, False),  # the last week does not agree (69 %): not yet
    (10, 135, False),  # one bad week against a fair month (window 84 %): not a trend
    (10, 120, True),  # a bad week and a clearly worse month: paused
])
def test_a_floor_pause_is_judged_on_the_window_with_the_recent_days_agreeing(
        recent, window, paused):
    """A week of an ad set at Meta's minimum holds a handful of results: asking that week
    for 95 % left ad sets the whole window showed clearly worse at the minimum for a week and
    more (minimum-budget regime: half the plan's money kept from the best ad set)."""
    sets = _sets([(60000, 3000, 40)] * 3 + [(60000, 3000, recent)])
    for s in sets[:3]:
        s["stats"] = stats(240000, 12000, 160)
    sets[3].update(stats=stats(240000, 12000, window), daily_budget_minor=4150)
    ev = evidence([], sets, min_daily_budget_minor=4150, planned_daily_minor=34150)
    pause = [a for a in _moves(ev) if a["name"] == "pause_adset"]
    assert [a["args"]["adset_id"] for a in pause] == (["s3"] if paused else [])
    if paused:
        reason = pause[0]["reasons"][0]
        assert "probability over its judging window" in reason and "on its recent days" in reason
        assert pause[0]["evidence"]["p_worse"] >= 0.95 > 0.7 <= pause[0]["evidence"][
            "p_worse_recent"]


def test_every_ad_set_far_off_target_is_said_and_advised_not_left_continue():
    sets = [adset(f"s{i}", 10000, stats(240000, 12000, 24, days=24)) for i in range(3)]
    p = decide(evidence([], sets))  # USD 100 per conversion against USD 25, every ad set
    for i in range(3):
        v = _of(p, f"s{i}")
        assert v["verdict"] == "OPTIMIZE"
        assert "all 3 active ad sets are far off target" in v["reasons"][0]
        # a budget move may still favour the least bad one: the words must not deny it
        assert "it only favours the least bad, as any budget move on this card does" in \
            v["reasons"][0] and "cannot fix it" not in v["reasons"][0]
    advice = next(a for a in p["actions"] if a["name"] == "lower_campaign_budget")
    assert advice["advice"] is True and advice["args"] == {"campaign_id": "c1"}


def test_a_refreshs_new_ads_get_a_week_before_the_pause_rules_judge_them():
    ads = [ad("a1", "s1", stats(20000, 1000, 40)), ad("a2", "s1", stats(20000, 1000, 2)),
           ad("a3", "s1", stats(20000, 1000, 40))]
    sets = [adset("s1", 10000, stats(60000, 3000, 82))]
    assert "a2" in [a["args"]["ad_id"] for a in decide(evidence(ads, sets))["actions"]
                    if a["name"] == "pause_ad"]
    fresh = [{"ad_id": "a1", "adset_id": "s1", "date": "2026-03-17", "ad_ids": ["a2"]}]
    p = decide(evidence(ads, sets, refreshes=fresh))
    assert "a2" not in [a["args"].get("ad_id") for a in p["actions"] if a["name"] == "pause_ad"]
    assert "judged after 7 days" in _of(p, "a2")["reasons"][0]
    old = [{**fresh[0], "date": "2026-03-10"}]  # ten days on: judged like any ad
    assert "a2" in [a["args"]["ad_id"] for a in decide(evidence(ads, sets, refreshes=old))[
        "actions"] if a["name"] == "pause_ad"]


def test_a_lifetime_cut_stops_at_what_is_spent_plus_ten_percent():
    sets = _sets([(60000, 3000, 30), (60000, 3000, 8), (60000, 3000, 9)])
    for s in sets:  # 250,000 of 280,000 spent: Meta refuses a lifetime budget under 275,000
        s.update(daily_budget_minor=None, lifetime_budget_minor=280000,
                 budget_remaining_minor=30000, days_left=3, daily_equivalent_minor=10000)
    for act in _moves(evidence([], sets)):
        assert act["args"]["lifetime_budget"] >= 275000
        e = act["evidence"]
        assert (e["after_minor"] < e["before_minor"]) == (e["after_daily_minor"]
                                                          < e["before_daily_minor"])


def test_the_loops_own_edit_is_recognised_on_a_clock_that_stands_still_between_cycles():
    """A cycle reads the budget, then writes, both at the cycle's time (the sandbox clock does
    not move within a cycle): that edit is the loop's, so the money of the ad sets it paused
    still counts as parked — found when the bench's loop left a third of the plan unspent."""
    from datetime import UTC, datetime, timedelta

    from agents.optimize.observed import moved_by_loop, phase_budgets

    day1 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    day2 = day1 + timedelta(days=1)
    tree = {"ad_sets": [{"id": "s0", "daily_budget": "5500"}]}
    known = phase_budgets(tree, None, day1)  # cycle 1 sees 5500 ...
    edits = [day1.isoformat()]  # ... and cuts it in the same cycle, at the same time
    tree["ad_sets"][0]["daily_budget"] = "4400"
    entry = phase_budgets(tree, known, day2)["s0"]  # cycle 2 sees the cut
    assert entry["last_move"] == -1
    assert moved_by_loop(entry, edits) is True
    assert moved_by_loop(entry, []) is False  # nobody's edit of ours: a person's
    assert moved_by_loop(entry, [(day2 + timedelta(hours=1)).isoformat()]) is False  # after
    assert moved_by_loop(entry, [(day1 - timedelta(hours=1)).isoformat()]) is False  # before


def test_a_single_ad_set_off_target_is_cut_at_most_once_a_week_and_its_verdict_says_why():
    now = datetime.fromisoformat(NOW)
    ev = _single(48)
    # Cut 3 days ago (seen on Meta between two cycles, whoever made it), still far off on
    # its whole window: no second cut yet, and the verdict says why.
    ev["ad_sets"][0].update(last_move=-1, moved_after=(now - timedelta(days=3)).isoformat(),
                            moved_at=(now - timedelta(days=2)).isoformat())
    p = decide(ev)
    assert not [a for a in p["actions"] if a["name"] == "set_adset_budget"]
    verdict = _of(p, "s1")
    assert verdict["verdict"] == "OPTIMIZE"
    assert ("its budget was cut 3 days ago: the next cut waits for a week on the lower budget"
            in verdict["reasons"][0])
    assert [a for a in p["actions"] if a["name"] == "refresh_creative"]  # the lever left
    # A raise three days ago is no cut: the cut is proposed at once.
    ev["ad_sets"][0]["last_move"] = 1
    assert [a for a in decide(ev)["actions"] if a["name"] == "set_adset_budget"]
    # A week on the lower budget (less an hour: cycles run at about the same time of day).
    ev["ad_sets"][0].update(last_move=-1, moved_after=(now - timedelta(days=7) + timedelta(
        minutes=30)).isoformat())
    assert [a for a in decide(ev)["actions"] if a["name"] == "set_adset_budget"]


def test_under_a_campaign_budget_the_wait_follows_the_campaigns_own_cut():
    now = datetime.fromisoformat(NOW)
    ev = _single(48)
    ev.update(budget_level="campaign", campaign={**ev["campaign"], "daily_budget_minor": 10000})
    ev["ad_sets"][0]["daily_budget_minor"] = None
    cut_at = (now - timedelta(days=2)).isoformat()
    ev["budget_edits"] = {"s1": [cut_at]}  # the ad set's edits say nothing of the campaign's
    assert [a for a in decide(ev)["actions"] if a["name"] == "set_campaign_budget"]
    ev["budget_edits"] = {"c1": [cut_at]}
    p = decide(ev)
    assert not [a for a in p["actions"] if a["name"] == "set_campaign_budget"]
    assert "the campaign's budget was cut 2 days ago" in _of(p, "s1")["reasons"][0]
    # A person's cut in Ads Manager, seen on Meta between two cycles, starts the wait too.
    ev["budget_edits"] = {}
    ev["campaign"].update(last_move=-1, moved_after=(now - timedelta(days=4)).isoformat(),
                          moved_at=(now - timedelta(days=3)).isoformat())
    p = decide(ev)
    assert not [a for a in p["actions"] if a["name"] == "set_campaign_budget"]
    assert "the campaign's budget was cut 4 days ago" in _of(p, "s1")["reasons"][0]
    ev["campaign"]["last_move"] = 1  # a raise is no cut
    assert [a for a in decide(ev)["actions"] if a["name"] == "set_campaign_budget"]


def test_a_campaign_budget_is_observed_cycle_to_cycle_like_an_ad_sets():
    from agents.optimize.observed import phase_budgets

    day1 = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    tree = {"campaign": {"id": "c1", "daily_budget": "10000"},
            "ad_sets": [{"id": "s0", "daily_budget": None}]}
    known = phase_budgets(tree, None, day1)
    assert "last_move" not in known["campaign:c1"]
    tree["campaign"]["daily_budget"] = "8000"  # cut in Ads Manager between the cycles
    entry = phase_budgets(tree, known, day1 + timedelta(days=1))["campaign:c1"]
    assert (entry["last_move"], entry["moved_after"]) == (-1, day1.isoformat())
    # without a campaign budget (ad set budgets), nothing is kept for the campaign
    tree["campaign"]["daily_budget"] = None
    assert "campaign:c1" not in phase_budgets(tree, None, day1)


def test_a_cut_toward_what_a_good_ad_set_can_spend_says_so_and_not_that_it_does_worse():
    # Found by a review: "its spend has stayed flat …; its marginal cost … higher than … in
    # the ad sets the money goes to (0% probability …)" — a comparison its own numbers deny.
    sets = _sets([(42000, 2000, 30), (70000, 2000, 20), (70000, 2000, 21)])
    sets[0]["daily_spend_minor"] = [6000.0] * 7  # the best ad set, flat at 60 % of its budget
    for s in sets[1:]:
        s["daily_spend_minor"] = [10000.0] * 7
    cut = {a["target"]["id"]: a for a in _moves(evidence([], sets))}["s0"]
    assert cut["evidence"]["after_minor"] < cut["evidence"]["before_minor"]
    reason = cut["reasons"][0]
    assert reason.startswith("its spend has stayed flat under its budget for 3 days: the "
                             "budget comes down toward what it spends")
    assert "not how well it does" in reason and "higher than" not in reason
    # where the comparison agrees (a weak ad set, flat too), it is said as well
    sets = _sets([(70000, 2000, 12), (42000, 2000, 30), (42000, 2000, 31)])
    sets[0]["daily_spend_minor"] = [6000.0] * 7
    for s in sets[1:]:
        s["daily_spend_minor"] = [10000.0] * 7
    weak = {a["target"]["id"]: a for a in _moves(evidence([], sets))}["s0"]["reasons"][0]
    assert weak.startswith("its spend has stayed flat under its budget for 3 days; its "
                           "marginal cost per conversion") and "higher than" in weak


def test_a_move_on_the_other_side_of_a_clear_one_says_what_its_probability_is_of():
    # Found by a review: "(9% probability on the last week …)" on a raise, read as "this
    # probably won't help": such a move follows P(above the average), not the margin test.
    from agents.optimize.decide.explain import move_reason

    facts = MoveFacts(0.0005, 0.0004, 0.5, 0.62, 0.3, 0.0005, 0.0004, other_side=True)
    up = move_reason(facts, True, {"currency": "USD", "kpi": "conversions"})
    assert up.endswith("(62% probability it does better than the campaign's average on its "
                       "recent days; it takes the money a clearly worse ad set gives up)")
    down = move_reason(facts, False, {"currency": "USD", "kpi": "conversions"})
    assert "worse than the campaign's average" in down and "clearly better ad set" in down
    # an estimate far from what was counted says what it leans on
    few = MoveFacts(0.0005, 0.0004, 0.5, 0.9, 0.9, 0.0002, 0.0004)
    assert "leans on its clicks at the campaign's conversion rate" in move_reason(
        few, True, {"currency": "USD", "kpi": "conversions"})


def test_an_ad_set_that_never_reached_its_budget_all_week_gets_no_raise():
    # Found by a review: spend pinned under the budget with one dip day escaped the plateau
    # rule, so the ad set was raised and cut back three days later (raise, then cut).
    sets = _sets([(42000, 2000, 40), (70000, 2000, 20), (70000, 2000, 21)])
    pinned = [9000.0, 9000.0, 7800.0, 9000.0, 9000.0, 7700.0, 9000.0]  # 90 %, dips: no plateau
    sets[0]["daily_spend_minor"] = pinned
    for s in sets[1:]:
        s["daily_spend_minor"] = [10000.0] * 7
    ev = evidence([], sets)
    assert not any(a["target"]["id"] == "s0" and a["evidence"]["after_minor"] > 10000
                   for a in _moves(ev))
    # the same week right after a budget change (it ran on less): the raise is allowed
    sets[0].update(last_move=1, moved_at=ev["now"])
    raised = {a["target"]["id"]: a for a in _moves(evidence([], sets))}
    assert raised["s0"]["evidence"]["after_minor"] > 10000


@pytest.mark.parametrize(("kpi", "words"), [
    ("conversions", "buys more conversions"), ("conversion_value", "buys more purchase value"),
    ("estimated_ad_recallers", "buys more ad recall")])
def test_a_budget_moves_expected_effect_names_the_campaigns_goal(kpi, words):
    # Found by a review: every move said "buys more conversions", for ROAS and ad recall too.
    from agents.optimize.decide.budgets import budget_action

    act = budget_action({"id": "s1", "name": "A"}, 4000, 4400, 0.9, {"kpi": kpi})
    assert words in act["expected_effect"]["text"]


def _lifetime(st, status="ACTIVE", id_="s0"):
    s = adset(id_, 10000, st, status=status)
    s.update(daily_budget_minor=None, lifetime_budget_minor=280000, budget_remaining_minor=200000,
             days_left=20, daily_equivalent_minor=10000, recent_stats=st)
    return s


def test_a_paused_ad_sets_remaining_lifetime_budget_goes_to_the_active_ones():
    sets = [_lifetime(stats(60000, 3000, 36)), _lifetime(stats(60000, 3000, 30), id_="s1")]
    paused = _lifetime(stats(60000, 3000, 5), status="PAUSED", id_="s9")
    mine = dict(planned_lifetime_minor=840000, loop_paused=["s9"])
    moves = _moves(evidence([], sets + [paused], **mine))
    assert moves and {a["args"]["adset_id"] for a in moves} <= {"s0", "s1"}
    raised = sum(a["args"]["lifetime_budget"] - 280000 for a in moves)
    assert 0 < raised <= 200000  # at most what the paused ad set still holds
    assert all(a["evidence"]["parked_minor"] == 10000 for a in moves)  # per day left
    # without the plan's flight total, or for a person's pause, the money stays where it is
    assert _moves(evidence([], sets + [paused], loop_paused=["s9"])) == []
    assert _moves(evidence([], sets + [paused], **{**mine, "loop_paused": []})) == []
    # once the active ad sets hold it, nothing is parked twice
    for s in sets:
        s.update(lifetime_budget_minor=380000, budget_remaining_minor=300000,
                 daily_equivalent_minor=15000)
    assert _moves(evidence([], sets + [paused], **mine)) == []
