"""A short flight's budgets move on value after half of it, not after a week it never has."""

from __future__ import annotations

import pytest

from agents.optimize.decide.decisions import DecisionPolicy
from agents.optimize.decide.hysteresis import move_after_days
from agents.optimize.decide.reallocation import reallocate
from agents.optimize.decide.stats import rng_for
from tests.optimize.optimize_helpers import adset, evidence, stats


def _four_days(ends_in_days: int | None) -> dict:
    """Two ad sets after 4 days: s0 converts at a third of s1's cost, both far from the target."""
    sets = []
    for i, conv in enumerate((36, 12)):
        s = adset(f"s{i}", 10000, stats(40000, 2000, conv, days=4), learning="LEARNING")
        s["recent_stats"] = stats(40000, 2000, conv, days=4)
        s["ends_in_days"] = ends_in_days
        sets.append(s)
    return evidence([], sets)


def _moved(ev: dict, policy: DecisionPolicy | None = None) -> dict[str, int]:
    actions, _ = reallocate(ev, policy or DecisionPolicy(), rng_for("short", ev["now"]))
    return {a["args"]["adset_id"]: a["args"]["daily_budget"] for a in actions}


def test_a_seven_day_flight_moves_money_on_its_fourth_day():
    moved = _moved(_four_days(ends_in_days=3))
    assert moved.get("s0", 0) > 10000 and moved.get("s1", 10**9) < 10000


@pytest.mark.parametrize("ends", [None, 24])
def test_without_an_end_date_or_on_a_long_flight_it_waits_a_week(ends):
    assert _moved(_four_days(ends_in_days=ends)) == {}


def test_the_rule_is_the_policys():
    assert _moved(_four_days(ends_in_days=3), DecisionPolicy(short_flight_share=0)) == {}


@pytest.mark.parametrize(
    "have,ends,need",
    [(4, 3, 4), (2, 8, 5), (1, 6, 4), (2, 2, 3), (5, 23, 7), (3, None, 7)],
)
def test_move_after_days_is_half_the_flight_between_min_days_and_a_week(have, ends, need):
    pool = [{"ends_in_days": ends}, {"ends_in_days": ends if ends is None else ends + 4}]
    assert move_after_days(pool, have, DecisionPolicy()) == need


def test_a_held_move_names_the_days_the_flight_waits():
    from agents.optimize.decide.decisions import decide

    ev = _four_days(ends_in_days=5)  # day 3 of an 8-day flight: moves from day 4
    for s in ev["ad_sets"]:
        s["stats"] = s["recent_stats"] = stats(30000, 1500, s["stats"]["conversions"] * 3 // 4, days=3)
        s["learning"] = "SUCCESS"
    reasons = {v["id"]: " ".join(v["reasons"]) for v in decide(ev)["verdicts"]}
    assert "a raise" in reasons["s0"] and "a cut" in reasons["s1"]
    assert "only after 4 days of data" in reasons["s0"]
