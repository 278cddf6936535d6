"""Budget requests, experiments, fatigue, judging past actions, and the approval policy."""

from __future__ import annotations

import pytest

from agents.optimize.budget_requests import (
    BudgetRequestError,
    check_budget_request,
    parse_budget_request,
)
from agents.optimize.cycle import auto_approvable
from agents.optimize.decide.decisions import DecisionPolicy, decide
from agents.optimize.decide.rules import fatigue_of, judge_effect
from agents.optimize.experiments import evaluate, stopping_rule
from state.context import Policy
from tests.optimize.optimize_helpers import GOOD, ad, adset, evidence, stats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("raise the budget of Spring Sale to $80 a day", {"target": "Spring Sale", "amount_minor": 8000}),
        ("Set Ages 25-34 budget to 45.50 USD per day", {"target": "Ages 25-34", "amount_minor": 4550}),
        ("increase Ages 18-24 by 20%", {"target": "Ages 18-24", "change_pct": 0.2}),
        ("cut the budget for “Ages 45-65” by 10 percent", {"target": "Ages 45-65", "change_pct": -0.1}),
    ],
)
def test_budget_requests_in_plain_words_are_parsed(text, expected):
    parsed = parse_budget_request(text, "USD")
    for key, value in expected.items():
        assert parsed[key] == pytest.approx(value) if isinstance(value, float) else parsed[key] == value


def test_budget_request_in_another_currency_is_refused():
    with pytest.raises(BudgetRequestError, match="never guesses exchange rates"):
        parse_budget_request("raise the budget of Spring Sale to €80 a day", "USD")
    with pytest.raises(BudgetRequestError, match="give an amount"):
        parse_budget_request("raise the budget of Spring Sale to a lot", "USD")


def _ev(**kw):
    sets = [adset("s1", 5000, stats(**GOOD)), adset("s2", 5000, stats(**GOOD), learning="LEARNING")]
    sets[0]["name"], sets[1]["name"] = "Ages 18-24 [ap:1234abcd]", "Ages 25-34 [ap:99998888]"
    return evidence([], sets, **kw)


def test_budget_request_is_checked_and_becomes_a_reviewed_action():
    action = check_budget_request(parse_budget_request("raise ages 18-24 to $60 a day", "USD"), _ev())
    assert action["name"] == "set_adset_budget" and action["args"] == {"adset_id": "s1", "daily_budget": 6000}
    assert action["risk"] == "high" and action["requires_review"]
    assert not auto_approvable(action, Policy(auto_approve=frozenset({"set_budget", "pause"})))


def test_budget_request_checks_minimum_cap_cbo_and_learning():
    below = parse_budget_request("set Ages 18-24 budget to $0.50 a day", "USD")
    with pytest.raises(BudgetRequestError, match="minimum"):
        check_budget_request(below, _ev(min_daily_budget_minor=100))
    big = parse_budget_request("raise Ages 18-24 to $600 a day", "USD")
    with pytest.raises(BudgetRequestError, match="spend cap"):
        check_budget_request(big, _ev(spend_cap_remaining_minor=20_000))
    with pytest.raises(BudgetRequestError, match="campaign's budget"):
        check_budget_request(big, _ev(budget_level="campaign"))
    learning = parse_budget_request("raise Ages 25-34 to $90 a day", "USD")
    with pytest.raises(BudgetRequestError, match="still learning"):
        check_budget_request(learning, _ev())
    small = parse_budget_request("raise Ages 25-34 to $55 a day", "USD")
    assert check_budget_request(small, _ev())["args"]["daily_budget"] == 5500
    with pytest.raises(BudgetRequestError, match="no campaign or ad set"):
        check_budget_request(parse_budget_request("raise Winter Promo to $50 a day", "USD"), _ev())


def test_stopping_rule_declared_up_front_is_read():
    assert stopping_rule({"probability": 0.9, "min_days": 5, "max_days": 14})["min_days"] == 5
    rule = stopping_rule("stop when P(best) >= 0.9 after 5 days, at most 14 days")
    assert (rule["probability"], rule["min_days"], rule["max_days"]) == (0.9, 5, 14)
    with pytest.raises(ValueError, match="probability"):
        stopping_rule({"probability": 1.5})


EXP = {"rule": {"probability": 0.95, "min_days": 7, "max_days": 14, "min_conversions": 0}, "metric": "cpa"}


def test_experiment_stops_early_only_by_its_rule():
    a, b = stats(20000, 1000, 45), stats(20000, 1000, 10)
    early = evaluate(EXP, {"A": a, "B": b}, days_run=3, kpi="conversions")
    assert early["status"] == "running" and early["p_best"]["A"] > 0.95  # clear, but too early
    done = evaluate(EXP, {"A": a, "B": b}, days_run=7, kpi="conversions")
    assert done["status"] == "winner" and done["winner"] == "A" and done["confidence"] >= 0.95


def test_experiment_is_inconclusive_at_the_deadline_without_a_clear_winner():
    a, b = stats(20000, 1000, 20), stats(20000, 1000, 19)
    mid = evaluate(EXP, {"A": a, "B": b}, days_run=10, kpi="conversions")
    assert mid["status"] == "running"
    end = evaluate(EXP, {"A": a, "B": b}, days_run=14, kpi="conversions")
    assert end["status"] == "inconclusive" and end["winner"] is None
    assert abs(sum(end["p_best"].values()) - 1) < 0.01


def _week(imps, reach, clicks):
    return {"impressions": imps, "reach": reach, "clicks": clicks}


def test_creative_fatigue_needs_rising_frequency_and_falling_ctr():
    pol = DecisionPolicy()
    tired = [_week(20000, 10000, 300), _week(20000, 6000, 180)]
    assert fatigue_of(tired, pol)["frequency_after"] > fatigue_of(tired, pol)["frequency_before"]
    assert fatigue_of([_week(20000, 10000, 300), _week(20000, 6000, 300)], pol) is None  # CTR held
    assert fatigue_of([_week(20000, 13000, 300), _week(20000, 13000, 180)], pol) is None  # new people

    ev = evidence([ad("a1", "s1", stats(**GOOD, days=14), weeks=tired),
                   ad("a2", "s1", stats(**GOOD))],
                  [adset("s1", 10000, stats(**GOOD))])
    refresh = [a for a in decide(ev)["actions"] if a["name"] == "refresh_creative"]
    assert [a["args"]["ad_id"] for a in refresh] == ["a1"]
    # a proposal to approve (new ads are written on approval), no longer advice only
    assert not refresh[0].get("advice") and refresh[0]["requires_review"]


def test_past_actions_are_judged_improved_regressed_or_inconclusive():
    action = {"expected_effect": {"direction": "up"}}
    before = stats(30000, 1500, 10)
    assert judge_effect(action, before, stats(30000, 1500, 30))["judgement"] == "improved"
    assert judge_effect(action, before, stats(30000, 1500, 2))["judgement"] == "regressed"
    assert judge_effect(action, before, stats(30000, 1500, 11))["judgement"] == "inconclusive"
    assert judge_effect(action, before, {"spend_minor": 0, "days": 0})["judgement"] == "pending"


def test_policy_never_auto_applies_spend_increases_or_activations():
    pol = Policy(auto_approve=frozenset({"pause", "set_budget", "activate"}))
    pause = {"name": "pause_ad", "risk": "low", "requires_review": False}
    assert auto_approvable(pause, pol)
    assert not auto_approvable({**pause, "requires_review": True}, pol)  # manual review flag
    assert not auto_approvable(pause, Policy())  # nothing is auto-approved by default
    assert not auto_approvable({"name": "activate_ad", "risk": "low"}, pol)
    assert not auto_approvable({"name": "set_adset_budget", "risk": "low"}, pol)


def test_two_ad_sets_of_one_name_are_told_apart_and_a_request_on_the_name_asks_which():
    # Found by a review: one card paused "Ages 25-34" and raised "Ages 25-34" (two ad sets).
    from agents.optimize.observed import distinct_name

    raw = [{"id": "120210000000000085", "name": "Ages 25-34"},
           {"id": "120210000000000015", "name": "Ages 25-34 [ap:1234abcd]"},
           {"id": "120210000000000022", "name": "Ages 35-44"}]
    assert [distinct_name(s, raw) for s in raw] == [
        "Ages 25-34 (id …000085)", "Ages 25-34 (id …000015)", "Ages 35-44"]
    sets = [adset("s1", 5000, stats(**GOOD)), adset("s2", 5000, stats(**GOOD))]
    sets[0]["name"], sets[1]["name"] = "Ages 25-34 (id …000085)", "Ages 25-34 (id …000015)"
    with pytest.raises(BudgetRequestError, match="'Ages 25-34' names 2 ad sets .*say which"):
        check_budget_request(parse_budget_request("raise Ages 25-34 to $55 a day", "USD"),
                             evidence([], sets))
    picked = check_budget_request(
        parse_budget_request("raise Ages 25-34 (id …000015) to $55 a day", "USD"),
        evidence([], sets))
    assert picked["args"]["adset_id"] == "s2"


def test_fatigue_at_a_high_level_frequency_and_only_when_the_ctr_fell_clearly():
    """A small audience: frequency levels off at 2.5 a week while the ad keeps tiring."""
    pol = DecisionPolicy()
    flat_high = [_week(20000, 8000, 300), _week(20000, 8000, 180)]  # 2.5 a week, CTR -40 %
    ev = fatigue_of(flat_high, pol)
    assert ev is not None and ev["frequency_rising"] is False
    assert fatigue_of([_week(20000, 11000, 300), _week(20000, 11000, 180)], pol) is None  # 1.8
    assert fatigue_of([_week(20000, 6000, 300), _week(20000, 9000, 180)], pol) is None  # falling
    # -40 % on a handful of clicks is counting noise, however steep the frequency rise.
    assert fatigue_of([_week(1500, 1000, 5), _week(1500, 500, 3)], pol) is None
    assert fatigue_of([_week(1500, 1000, 50), _week(1500, 500, 30)], pol) is not None
