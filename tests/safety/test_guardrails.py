"""Each guardrail cap refuses, names the cap, and tells a person how to change the policy."""

from datetime import UTC, datetime, timedelta

import pytest

from state.guardrails import Limits, action_kind, check_actions, daily_exposure, parse_time

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def snapshot(**extra):
    objects = [
        {"id": "c1", "status": "ACTIVE"},
        {"id": "s1", "campaign_id": "c1", "status": "ACTIVE", "daily_budget": "20000"},
        {"id": "s2", "campaign_id": "c1", "status": "ACTIVE", "daily_budget": "10000"},
        {"id": "s3", "campaign_id": "c1", "status": "PAUSED", "daily_budget": "30000"},
        {"id": "a1", "adset_id": "s1", "status": "ACTIVE"},
    ]
    return {"now": NOW.isoformat(), "objects": objects, **extra}


def test_exposure_counts_live_daily_budgets_only():
    assert daily_exposure(snapshot()["objects"], NOW) == 30000


def test_exposure_spreads_lifetime_budget_over_remaining_days():
    objs = [
        {"id": "c", "status": "ACTIVE"},
        {
            "id": "s",
            "campaign_id": "c",
            "status": "ACTIVE",
            "lifetime_budget": "100000",
            "budget_remaining": "40000",
            "end_time": (NOW + timedelta(days=3, hours=12)).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        },
    ]
    assert daily_exposure(objs, NOW) == 10000  # 40000 left over 4 started days


def test_exposure_ignores_children_of_paused_campaign_and_ended_objects():
    objs = [
        {"id": "c", "status": "PAUSED"},
        {"id": "s", "campaign_id": "c", "status": "ACTIVE", "daily_budget": 5000},
        {"id": "t", "status": "ACTIVE", "daily_budget": 7000, "end_time": "2026-03-01T00:00:00+0000"},
    ]
    assert daily_exposure(objs, NOW) == 0


def test_exposure_cap_refuses_an_activation_that_breaks_it():
    refusals = check_actions(
        [{"name": "activate_ad_set", "args": {"adset_id": "s3"}}],
        Limits(max_daily_exposure_minor=50000),
        snapshot(),
    )
    assert [r.cap for r in refusals] == ["max_daily_exposure_minor"]
    assert "60000" in refusals[0].message and "50000" in refusals[0].message
    assert "max_daily_exposure_minor" in refusals[0].message and "Policy" in refusals[0].message


def test_exposure_cap_lets_reductions_make_room_whatever_the_order():
    actions = [
        {"name": "increase_budget", "args": {"adset_id": "s1", "daily_budget": 24000}},
        {"name": "pause_ad_set", "args": {"adset_id": "s2"}},
    ]
    assert check_actions(actions, Limits(max_daily_exposure_minor=30000), snapshot()) == []
    # Without the pause, the same increase is refused.
    refused = check_actions(actions[:1], Limits(max_daily_exposure_minor=30000), snapshot())
    assert [r.index for r in refused] == [0]


def test_reductions_always_pass_even_over_the_cap():
    actions = [{"name": "pause_campaign", "args": {"campaign_id": "c1"}}]
    assert check_actions(actions, Limits(max_daily_exposure_minor=1), snapshot()) == []


def test_max_budget_change_per_cycle_refuses_large_moves_both_ways():
    limits = Limits(max_budget_change_pct=0.2)
    up = [{"name": "set_budget", "args": {"object_id": "s1", "daily_budget_minor": 24001}}]
    down = [{"name": "set_budget", "args": {"object_id": "s1", "daily_budget_minor": 15000}}]
    ok = [{"name": "set_budget", "args": {"object_id": "s1", "daily_budget_minor": 24000}}]
    assert [r.cap for r in check_actions(up, limits, snapshot())] == ["max_budget_change_pct"]
    assert [r.cap for r in check_actions(down, limits, snapshot())] == ["max_budget_change_pct"]
    assert check_actions(ok, limits, snapshot()) == []


def test_shift_budget_checks_both_sides():
    action = {"name": "shift_budget", "args": {"from_id": "s1", "to_id": "s2", "amount_minor": 8000}}
    refusals = check_actions([action], Limits(max_budget_change_pct=0.5), snapshot())
    assert [r.cap for r in refusals] == ["max_budget_change_pct"]  # s2: 10000 -> 18000 = 80 %
    assert check_actions([action], Limits(max_budget_change_pct=0.8), snapshot()) == []


def test_cooldown_between_budget_edits_of_one_object():
    edits = {"s1": [(NOW - timedelta(hours=5)).isoformat()]}
    action = [{"name": "set_budget", "args": {"object_id": "s1", "daily_budget": 21000}}]
    refusals = check_actions(action, Limits(budget_cooldown_hours=24), snapshot(budget_edits=edits))
    assert [r.cap for r in refusals] == ["budget_cooldown_hours"]
    assert "5.0 h" in refusals[0].message
    assert check_actions(action, Limits(budget_cooldown_hours=4), snapshot(budget_edits=edits)) == []
    # Another object is not cooling down.
    other = [{"name": "set_budget", "args": {"object_id": "s2", "daily_budget": 11000}}]
    assert check_actions(other, Limits(), snapshot(budget_edits=edits)) == []


@pytest.mark.parametrize("name", ["delete_ad", "archive_campaign", "edit_targeting", "set_bid_cap"])
def test_forbidden_kinds_are_refused_by_default(name):
    refusals = check_actions([{"name": name, "args": {"object_id": "a1"}}], None, snapshot())
    assert [r.cap for r in refusals] == ["forbidden_actions"]


def test_forbidden_wins_over_allowed_and_unknown_kinds_are_not_allowed():
    limits = Limits(allowed_actions=frozenset({"pause", "delete"}))
    refusals = check_actions(
        [{"name": "delete_ad", "args": {"ad_id": "a1"}}, {"name": "launch_rocket", "args": {}}],
        limits,
        snapshot(),
    )
    assert [(r.index, r.cap) for r in refusals] == [(0, "forbidden_actions"), (1, "allowed_actions")]


def test_policy_mapping_and_object_are_read():
    class Policy:
        max_daily_exposure_minor = 10
        forbidden_actions = ["pause"]

    assert Limits.from_policy(Policy()).max_daily_exposure_minor == 10
    assert Limits.from_policy(Policy()).forbidden_actions == frozenset({"pause"})
    assert Limits.from_policy({"budget_cooldown_hours": 1}).budget_cooldown_hours == 1
    assert Limits.from_policy(None) == Limits()


def test_action_kinds_and_times():
    assert action_kind("pause_ad") == "pause"
    assert action_kind("resume_adset") == "activate"
    assert action_kind("decrease_budget") == "set_budget"
    assert action_kind("reallocate_budget") == "shift_budget"
    assert parse_time("2026-03-10T12:00:00+0000") == NOW
    with pytest.raises(ValueError, match="now"):
        check_actions([], None, {"objects": []})


def test_budget_change_of_an_object_missing_from_the_snapshot_is_refused():
    action = [{"name": "set_adset_budget", "args": {"adset_id": "ghost", "daily_budget": 100}}]
    (refusal,) = check_actions(action, Limits(), snapshot())
    assert refusal.cap == "max_budget_change_pct" and "not in the account snapshot" in refusal.message


def test_unreadable_spend_raising_actions_are_refused():
    actions = [{"name": "set_adset_budget", "args": {"adset_id": "s1"}},
               {"name": "activate_ad", "args": {}},
               {"name": "pause_ad", "args": {"ad_id": "a1"}}]
    assert [r.index for r in check_actions(actions, Limits(), snapshot())] == [0, 1]
