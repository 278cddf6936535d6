"""Agent Inbox's and agent-chat-ui's answers map onto adpilot's decisions, or are refused by name."""

import json

import pytest

from state.hitl import ResumeError, answer_text, approval_payload, parse_decisions

PLAN = {"name": "Trail", "ad_sets": [{"name": "US"}], "budget": {"amount_minor": 6000}}


def _card(n: int = 1) -> dict:
    actions = [{"name": "launch_campaign", "args": {"plan": PLAN, "go_live": False},
                "description": "## Launch “Trail”\n- **Spend:** USD 60.00 a day"}]
    actions += [{"name": "pause_ad", "args": {"object_id": str(i)}, "description": f"pause {i}"}
                for i in range(1, n)]
    return approval_payload(actions, description="card")


def test_agent_inbox_accept_with_null_args_approves() -> None:
    assert [d.type for d in parse_decisions([{"type": "accept", "args": None}], _card())] == ["approve"]
    assert [d.type for d in parse_decisions([{"type": "approve", "args": None}], _card())] == ["approve"]


def test_agent_inbox_reject_and_response_carry_the_message_and_ignore_rejects() -> None:
    got = parse_decisions([{"type": "reject", "args": "too expensive"}], _card())[0]
    assert (got.type, got.message) == ("reject", "too expensive")
    got = parse_decisions([{"type": "response", "args": "target women only"}], _card())[0]
    assert (got.type, got.message) == ("reject", "target women only")
    got = parse_decisions([{"type": "ignore", "args": None}], _card())[0]
    assert (got.type, got.message) == ("reject", "ignored")


def test_agent_inbox_edit_maps_action_and_args() -> None:
    plan = {**PLAN, "name": "Trail 2"}
    got = parse_decisions([{"type": "edit", "args": {"action": "launch_campaign",
                                                     "args": {"plan": plan, "go_live": True}}}], _card())[0]
    assert got.type == "edit"
    assert got.edited_action == {"name": "launch_campaign", "args": {"plan": plan, "go_live": True}}


def test_agent_chat_ui_nested_args_as_json_text_are_decoded() -> None:
    plan = {**PLAN, "name": "Trail 3"}
    value = {"decisions": [{"type": "edit", "edited_action": {
        "name": "launch_campaign", "args": {"plan": json.dumps(plan), "go_live": "true"}}}]}
    got = parse_decisions(value, _card())[0]
    assert got.edited_action["args"] == {"plan": plan, "go_live": True}


def test_json_text_that_is_not_json_or_changes_type_is_refused_by_field() -> None:
    bad = {"decisions": [{"type": "edit", "edited_action": {
        "name": "launch_campaign", "args": {"plan": "{not json", "go_live": False}}}]}
    with pytest.raises(ResumeError, match=r"decisions\[0\]\.edited_action\.args\.plan.*not JSON"):
        parse_decisions(bad, _card())
    wrong = {"decisions": [{"type": "edit", "edited_action": {
        "name": "launch_campaign", "args": {"plan": "[1, 2]", "go_live": False}}}]}
    with pytest.raises(ResumeError, match=r"args\.plan.*send a dict"):
        parse_decisions(wrong, _card())


def test_accept_with_changed_args_is_refused_not_run() -> None:
    with pytest.raises(ResumeError, match=r"decisions\[0\].*carries no args.*edit"):
        parse_decisions([{"type": "accept", "args": {"action": "launch_campaign",
                                                     "args": {"plan": {}, "go_live": True}}}], _card())


def test_multi_action_cards_answer_per_action_in_the_inbox_shape() -> None:
    got = parse_decisions([{"type": "accept", "args": None}, {"type": "ignore", "args": None},
                           {"type": "response", "args": "keep it"}], _card(3))
    assert [d.type for d in got] == ["approve", "reject", "reject"]
    with pytest.raises(ResumeError, match="got 1 for 3"):
        parse_decisions([{"type": "accept", "args": None}], _card(3))


def test_unknown_ui_types_and_extra_keys_are_still_refused() -> None:
    with pytest.raises(ResumeError, match=r"decisions\["):
        parse_decisions([{"type": "maybe", "args": None}], _card())
    with pytest.raises(ResumeError, match=r"decisions\["):
        parse_decisions([{"type": "accept", "args": None, "force": True}], _card())


def test_a_revised_card_still_needs_its_receipt_to_run_but_not_to_reject() -> None:
    card = _card()
    with pytest.raises(ResumeError, match="receipt"):
        parse_decisions([{"type": "accept", "args": None}], card, require_receipt=True)
    assert parse_decisions([{"type": "reject", "args": "no"}], card, require_receipt=True)[0].type == "reject"
    ok = parse_decisions({"decisions": [{"type": "accept", "args": None}], "receipt": card["receipt"]},
                         card, require_receipt=True)
    assert ok[0].type == "approve"


def test_answer_text_unwraps_a_ui_response_only() -> None:
    assert answer_text([{"type": "response", "args": "$50 a day"}]) == "$50 a day"
    assert answer_text({"type": "respond", "args": "yes"}) == "yes"
    assert answer_text({"answers": {"budget": "50"}}) == {"answers": {"budget": "50"}}
    assert answer_text([{"type": "accept", "args": None}]) == [{"type": "accept", "args": None}]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "5e9", "60.5"])
def test_money_sent_as_text_decodes_only_to_a_whole_number(text) -> None:
    card = approval_payload([{"name": "set_adset_budget",
                              "args": {"object_id": "1", "daily_budget_minor": 6000}}], description="c")
    edit = {"decisions": [{"type": "edit", "edited_action": {
        "name": "set_adset_budget", "args": {"object_id": "1", "daily_budget_minor": text}}}]}
    with pytest.raises(ResumeError, match=r"args\.daily_budget_minor"):
        parse_decisions(edit, card)
    ok = {"decisions": [{"type": "edit", "edited_action": {
        "name": "set_adset_budget", "args": {"object_id": "1", "daily_budget_minor": "7000"}}}]}
    assert parse_decisions(ok, card)[0].edited_action["args"]["daily_budget_minor"] == 7000
