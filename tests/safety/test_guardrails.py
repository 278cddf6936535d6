"""The money gate (pure): each cap refuses, names the cap, the numbers and the setting to change.

Also the typed `MoneyAction` (read strictly from approved / edited actions), the gate pass
(covers exactly one request), the request classification the client enforces, and the
per-launch sanity check's words.
"""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from state.context import Policy
from state.guardrails import (
    GatePass,
    MoneyAction,
    MoneyActionError,
    action_kind,
    campaign_daily_budget,
    daily_exposure,
    gate,
    parse_time,
    spend_reason,
    spend_sanity,
)

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def snapshot(**extra):
    objects = [
        {"id": "c1", "type": "campaign", "status": "ACTIVE"},
        {"id": "s1", "campaign_id": "c1", "status": "ACTIVE", "daily_budget": "20000"},
        {"id": "s2", "campaign_id": "c1", "status": "ACTIVE", "daily_budget": "10000"},
        {"id": "s3", "campaign_id": "c1", "status": "PAUSED", "daily_budget": "15000"},
    ]
    return {"now": NOW.isoformat(), "currency": "USD", "objects": objects, **extra}


def act(name, **args):
    return MoneyAction.from_action(name, args)


def test_exposure_counts_live_daily_budgets_with_metas_overspend():
    # 20000 + 10000 live; Meta may spend 75 % over a daily budget on one day.
    assert daily_exposure(snapshot()["objects"], NOW) == 52500


def test_exposure_spreads_lifetime_budget_over_remaining_days():
    objs = [
        {"id": "c", "type": "campaign", "status": "ACTIVE"},
        {"id": "s", "campaign_id": "c", "status": "ACTIVE", "lifetime_budget": "100000",
         "budget_remaining": "40000",
         "end_time": (NOW + timedelta(days=3, hours=12)).strftime("%Y-%m-%dT%H:%M:%S+0000")},
    ]
    assert daily_exposure(objs, NOW) == 10000  # 40000 left over 4 started days


def test_a_campaign_lifetime_budget_is_spread_over_its_ad_sets_days_not_from_its_creation():
    # Meta stamps a campaign's start_time with its creation; its ad sets start a week later and
    # run 3 days: USD 3,000 is USD 1,000 a day then, not 3,000 over the ten days from today.
    def t(days):
        return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    objs = [
        {"id": "c", "type": "campaign", "status": "ACTIVE", "lifetime_budget": "300000",
         "start_time": t(0), "stop_time": t(10)},
        {"id": "s", "type": "adset", "campaign_id": "c", "status": "ACTIVE",
         "start_time": t(7), "end_time": t(10)},
        {"id": "s2", "type": "adset", "campaign_id": "c", "status": "ACTIVE",
         "start_time": t(8), "end_time": t(9)},
    ]
    assert campaign_daily_budget(objs, "c", NOW) == 100000
    assert daily_exposure(objs, NOW) == 100000
    # an ad set that starts at once (no start_time) spends from today: ten days again
    objs[2].pop("start_time")
    assert campaign_daily_budget(objs, "c", NOW) == 30000
    # an ad set's lifetime budget is spent inside its campaign's schedule
    objs = [
        {"id": "c", "type": "campaign", "status": "ACTIVE", "start_time": t(5)},
        {"id": "s", "type": "adset", "campaign_id": "c", "status": "ACTIVE",
         "lifetime_budget": "60000", "end_time": t(8)},
    ]
    assert campaign_daily_budget(objs, "c", NOW) == 20000


def test_exposure_ignores_children_of_paused_campaigns_and_ended_objects():
    objs = [
        {"id": "c", "type": "campaign", "status": "PAUSED"},
        {"id": "s", "campaign_id": "c", "status": "ACTIVE", "daily_budget": 5000},
        {"id": "t", "type": "campaign", "status": "ACTIVE", "daily_budget": 7000,
         "stop_time": "2026-03-01T00:00:00+0000"},
    ]
    assert daily_exposure(objs, NOW) == 0


def test_a_campaign_budget_is_bounded_by_spend_caps_on_all_its_live_ad_sets():
    objs = [
        {"id": "c", "type": "campaign", "status": "ACTIVE", "daily_budget": 30000},
        {"id": "a", "campaign_id": "c", "status": "ACTIVE", "daily_spend_cap": 5000},
        {"id": "b", "campaign_id": "c", "status": "ACTIVE", "daily_spend_cap": 5000},
    ]
    assert daily_exposure(objs, NOW) == 17500  # (5000 + 5000) × 1.75, not 30000 × 1.75
    objs[2]["daily_spend_cap"] = 0  # one ad set uncapped: the campaign budget binds
    assert daily_exposure(objs, NOW) == 52500


def test_campaign_daily_budget_sums_ad_sets_live_or_paused():
    assert campaign_daily_budget(snapshot()["objects"], "c1", NOW) == 45000


def test_exposure_cap_refuses_an_activation_and_says_how_to_allow_it():
    pol = Policy(max_daily_exposure_minor=70000)
    result = gate([act("activate_ad_set", adset_id="s3")], pol, snapshot())
    (refusal,) = result.refusals
    assert refusal.cap == "max_daily_exposure_minor" and refusal.value == 78750
    assert "USD 525.00 to USD 787.50" in refusal.message  # before and after, in money
    assert "max_daily_exposure_minor = 70000 (USD 700.00)" in refusal.message
    assert '"max_daily_exposure_minor": 78750 (or more)' in refusal.message
    assert "policy file" in refusal.message and "adpilot's or not" in refusal.message
    assert result.passes == (None,) and not result.ok


def test_the_refusal_names_the_policy_file_in_force(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"max_daily_exposure_minor": 60000}')
    result = gate([act("activate_ad_set", adset_id="s3")], Policy.from_file(path), snapshot())
    assert str(path) in result.refusals[0].message


def test_reductions_make_room_whatever_the_order_and_always_pass():
    pol = Policy(max_daily_exposure_minor=52500)
    actions = [act("set_adset_budget", adset_id="s1", daily_budget=24000),
               act("pause_ad_set", adset_id="s2")]
    assert gate(actions, pol, snapshot()).ok
    assert [r.index for r in gate(actions[:1], pol, snapshot()).refusals] == [0]
    assert gate([act("pause_campaign", campaign_id="c1")], Policy(max_daily_exposure_minor=1),
                snapshot()).ok


def test_max_budget_change_per_step_refuses_large_moves_both_ways():
    pol = Policy(max_budget_change_pct=0.2)
    for new in (24001, 15000):
        (refusal,) = gate([act("set_adset_budget", adset_id="s1", daily_budget=new)], pol,
                          snapshot()).refusals
        assert refusal.cap == "max_budget_change_pct"
    assert gate([act("set_adset_budget", adset_id="s1", daily_budget=24000)], pol, snapshot()).ok


def test_cooldown_between_budget_edits_of_one_object():
    edits = {"s1": [(NOW - timedelta(hours=5)).isoformat()]}
    action = [act("set_adset_budget", adset_id="s1", daily_budget=21000)]
    (refusal,) = gate(action, Policy(budget_cooldown_hours=24), snapshot(budget_edits=edits)).refusals
    assert refusal.cap == "budget_cooldown_hours" and "5.0 h" in refusal.message
    # when to ask again, and a fix a policy can hold (never "0 (or less)": no negative hours)
    assert "Ask again after 2026-03-11 07:00 UTC (19.0 h from now); to allow it sooner, a " \
        'person sets "budget_cooldown_hours": 5 in' in refusal.message
    minutes = {"s1": [(NOW - timedelta(minutes=6)).isoformat()]}
    (soon,) = gate(action, Policy(budget_cooldown_hours=24), snapshot(budget_edits=minutes)
                   ).refusals
    assert '"budget_cooldown_hours": 0 in' in soon.message and "or less" not in soon.message
    assert gate(action, Policy(budget_cooldown_hours=4), snapshot(budget_edits=edits)).ok
    other = [act("set_adset_budget", adset_id="s2", daily_budget=11000)]
    assert gate(other, Policy(), snapshot(budget_edits=edits)).ok


def test_an_undo_that_lowers_a_budget_skips_the_step_and_the_cooldown():
    edits = {"s1": [(NOW - timedelta(hours=1)).isoformat()]}
    restore = MoneyAction(kind="set_budget", name="undo_budget", policy_kind="set_budget",
                          object_id="s1", object_type="adset", daily_budget=5000, restore=True)
    assert gate([restore], Policy(), snapshot(budget_edits=edits)).ok


def test_campaign_cap_refuses_a_raise_that_lifts_the_campaigns_daily_budget_over_it():
    pol = Policy(max_budget_change_pct=1)
    (refusal,) = gate([act("set_adset_budget", adset_id="s2", daily_budget=16000)], pol,
                      snapshot()).refusals
    assert refusal.cap == "max_campaign_daily_budget_minor" and refusal.value == 51000
    assert "USD 510.00" in refusal.message and "USD 500.00" in refusal.message
    assert '"max_campaign_daily_budget_minor": 51000 (or more)' in refusal.message


def test_a_launch_is_judged_with_its_budgets_and_counted_live_when_it_goes_live():
    camp = MoneyAction.create("campaign", "k1", {"name": "Socks", "daily_budget": 500_000_000},
                              account_id="act_1", live=True)
    result = gate([camp], Policy(), snapshot())
    caps = {r.cap for r in result.refusals}
    assert caps == {"max_daily_exposure_minor"}  # the exposure breaks first
    assert "USD 5,000,000.00" in result.refusals[0].message
    paused = MoneyAction.create("campaign", "k1", {"name": "Socks", "daily_budget": 500_000_000},
                                account_id="act_1")
    (refusal,) = gate([paused], Policy(), snapshot()).refusals
    assert refusal.cap == "max_campaign_daily_budget_minor"
    small = [MoneyAction.create("campaign", "k2", {"name": "x"}, account_id="act_1", live=True),
             MoneyAction.create("adset", "k3", {"name": "y", "daily_budget": 3000},
                                account_id="act_1", parent_id="k2", live=True)]
    result = gate(small, Policy(), snapshot())
    assert result.ok and set(result.passes_by_key()) == {"k2", "k3"}
    assert result.exposure_after == 52500 + 5250


@pytest.mark.parametrize("name", ["delete_ad", "archive_campaign", "edit_targeting", "set_bid_cap"])
def test_forbidden_kinds_are_refused_by_default(name):
    (refusal,) = gate([act(name, object_id="a1")], None, snapshot()).refusals
    assert refusal.cap == "forbidden_actions"


def test_unknown_objects_cannot_raise_spend_but_may_be_paused():
    (refusal,) = gate([act("set_adset_budget", adset_id="ghost", daily_budget=100)], None,
                      snapshot()).refusals
    assert "not among the account's campaigns and ad sets" in refusal.message
    assert gate([act("pause_ad_set", adset_id="ghost")], None, snapshot()).ok
    assert gate([act("activate_ad", ad_id="a9")], None, snapshot()).ok  # ads hold no budget


@pytest.mark.parametrize(("args", "field", "words"), [
    ({"object_id": "s3", "adset_id": "s1", "daily_budget": 1_000_000}, "object_id",
     "names 2 different objects (object_id=s3 and adset_id=s1)"),
    ({"adset_id": "s1", "daily_budget": 5000, "bid": 3}, "bid", "unknown field(s) bid"),
    ({"adset_id": "s1", "daily_budget": 50.5}, "daily_budget", "whole, non-negative"),
    ({"adset_id": "s1", "daily_budget": -1}, "daily_budget", "whole, non-negative"),
    ({"adset_id": "s1", "daily_budget": "5000"}, "daily_budget", "whole, non-negative"),
    ({"adset_id": "s1", "daily_budget": True}, "daily_budget", "whole, non-negative"),
    ({"daily_budget": 5000}, "args", "names no object"),
    ({"campaign_id": "c1", "daily_budget": 5000}, "campaign_id", "name the adset"),
    ({"adset_id": "s1", "daily_budget": 5000, "lifetime_budget": 9}, "daily_budget",
     "exactly one of daily_budget or lifetime_budget"),
])
def test_an_action_is_read_strictly_and_the_error_names_the_field(args, field, words):
    with pytest.raises(MoneyActionError) as info:
        MoneyAction.from_action("set_adset_budget", args)
    assert info.value.field == field and words in str(info.value)


def test_status_must_match_the_kind_and_pauses_carry_no_money():
    assert act("pause_ad", ad_id="1", status="PAUSED").status == "PAUSED"
    with pytest.raises(MoneyActionError, match="status must be PAUSED"):
        act("pause_ad", ad_id="1", status="ACTIVE")
    with pytest.raises(MoneyActionError, match="changes status only"):
        act("pause_ad_set", adset_id="1", daily_budget=5)
    with pytest.raises(ValidationError):  # frozen: an approved action cannot be changed
        a = act("pause_ad", ad_id="1")
        a.object_id = "2"  # type: ignore[misc]


def test_a_pass_covers_exactly_its_request_and_cannot_be_forged():
    action = act("set_adset_budget", adset_id="s1", daily_budget=21000)
    (gate_pass,) = gate([action], None, snapshot()).passes
    assert gate_pass.covers("s1", {"daily_budget": 21000, "name": "any non-money field"})
    assert not gate_pass.covers("s1", {"daily_budget": 21001})
    assert not gate_pass.covers("s2", {"daily_budget": 21000})
    forged = GatePass(gate_pass.request_digest, gate_pass.policy_digest, "0" * 64)
    assert not forged.covers("s1", {"daily_budget": 21000})
    assert gate_pass.policy_digest == Policy().digest()


@pytest.mark.parametrize(("method", "path", "params", "raises"), [
    ("POST", "act_1/campaigns", {"name": "x", "status": "PAUSED"}, False),
    ("POST", "act_1/campaigns", {"name": "x", "daily_budget": 100}, True),
    ("POST", "act_1/adsets", {"status": "ACTIVE"}, True),
    ("POST", "act_1/ads", {"status": "PAUSED"}, False),
    ("POST", "act_1/ads", {"status": "ACTIVE"}, True),
    ("POST", "123", {"status": "PAUSED"}, False),
    ("POST", "123", {"status": "active"}, True),
    ("POST", "123", {"daily_budget": 1}, True),
    ("POST", "123", {"daily_spend_cap": 0}, True),
    ("POST", "123", {"end_time": "2030-01-01"}, True),
    ("POST", "act_1", {"spend_cap": 10}, True),
    ("POST", "123/copies", {"status_option": "PAUSED"}, True),
    ("POST", "act_1/adsets", {"daily_budget": 1, "execution_options": ["validate_only"]}, False),
    ("POST", "act_1/adimages", {"bytes": "..."}, False),
    ("DELETE", "123", {}, False),
    ("GET", "123", {"daily_budget": 1}, False),
])
def test_which_requests_need_a_pass(method, path, params, raises):
    assert (spend_reason(method, path, params) is not None) is raises


def test_the_launch_sanity_check_says_it_in_words():
    check = spend_sanity(500_000_000, 60_000, "USD")
    assert check["text"] == ("This plan spends USD 5,000,000.00 a day, 8,333× the most this "
                             "account has spent in a day in the last 30 days (USD 600.00).")
    assert spend_sanity(600_000, 60_000, "USD") is None  # 10× is not above 10×
    assert spend_sanity(600_001, 0, "USD") is None  # an account that never spent


def test_action_kinds_and_times():
    assert action_kind("pause_ad") == "pause"
    assert action_kind("resume_adset") == "activate"
    assert action_kind("decrease_budget") == "set_budget"
    assert action_kind("set_adset_spend_limits") == "shift_budget"
    assert parse_time("2026-03-10T12:00:00+0000") == NOW
    with pytest.raises(ValueError, match="now"):
        gate([], None, {"objects": []})


def test_two_budget_edits_of_one_object_in_one_batch_are_not_two_steps_at_once():
    """Each edit is judged against today's budget, so two in a batch would skip the cooldown
    (and could stack steps): the second one is refused, whatever its size."""
    pol = Policy(max_budget_change_pct=0.2, budget_cooldown_hours=4)
    first = act("set_adset_budget", adset_id="s1", daily_budget=24000)
    second = act("set_adset_budget", adset_id="s1", daily_budget=22000)
    result = gate([first, second], pol, snapshot())
    assert [r.index for r in result.refusals] == [1]
    assert result.refusals[0].cap == "budget_cooldown_hours"
    assert "action #1" in result.refusals[0].message
    other = act("set_adset_budget", adset_id="s2", daily_budget=9600)
    assert gate([first, other], pol, snapshot()).ok
