"""A posted card read into the resume value, and the access rules' small parts (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.web.decide import FormProblem, card_identity, decision_value
from graph.web.inbox import card_view, markdown_html, summary_of
from graph.web.security import Guard, Refused, host_name, is_loopback

CARD: dict[str, Any] = {
    "kind": "approval", "receipt": "r" * 64, "description": "## Optimise cycle 2",
    "action_requests": [
        {"name": "pause_ad", "args": {"ad_id": "1", "status": "PAUSED"},
         "description": "**PAUSE** pause_ad on ad “A”: 100% probability it is worse"},
        {"name": "set_adset_budget", "args": {"adset_id": "2", "daily_budget": 4800},
         "description": "**OPTIMIZE** set_adset_budget on adset “B”: its marginal cost"},
    ],
    "review_configs": [{"action_name": "pause_ad", "allowed_decisions": ["approve", "reject"]},
                       {"action_name": "set_adset_budget",
                        "allowed_decisions": ["approve", "edit", "reject"]}],
}


def test_each_action_decided_in_card_order() -> None:
    value = decision_value({"decision-0": "reject", "reason-0": " too early ",
                            "decision-1": "edit", "edit-1": '{"adset_id": "2", "daily_budget": 4500}'},
                           CARD)
    assert value == {"decisions": [
        {"type": "reject", "message": "too early"},
        {"type": "edit", "edited_action": {"name": "set_adset_budget",
                                           "args": {"adset_id": "2", "daily_budget": 4500}}}]}


def test_all_buttons_and_default_reason() -> None:
    assert decision_value({"all": "approve"}, CARD)["decisions"] == [{"type": "approve"}] * 2
    rejected = decision_value({"all": "reject"}, CARD)["decisions"]
    assert [d["message"] for d in rejected] == ["rejected in the web inbox"] * 2


@pytest.mark.parametrize(("form", "field"), [
    ({"decision-0": "approve"}, "decision-1: no decision"),
    ({"decision-0": "edit", "decision-1": "approve"}, "decision-0: 'edit' is not allowed"),
    ({"decision-0": "approve", "decision-1": "edit", "edit-1": "[1]"}, "edit-1: give a JSON object"),
    ({"decision-0": "approve", "decision-1": "edit", "edit-1": ""}, "edit-1: empty"),
    ({"all": "maybe"}, "all: 'maybe'"),
    ({"decision-0": "reject", "reason-0": "x" * 1001, "decision-1": "approve"}, "reason-0: 1001"),
])
def test_a_bad_field_is_named(form: dict[str, str], field: str) -> None:
    with pytest.raises(FormProblem, match=field.replace("[", r"\[").replace("(", r"\(")):
        decision_value(form, CARD)


def test_the_form_must_name_its_card() -> None:
    assert card_identity({"interrupt_id": "abc", "receipt": "r"}) == ("abc", "r")
    with pytest.raises(FormProblem, match="receipt: the form does not say"):
        card_identity({"interrupt_id": "abc"})


def test_card_markdown_never_runs_html() -> None:
    html = markdown_html("## Ad “<script>alert(1)</script>”\n\n| a |\n|---|\n| <b>x</b> |")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<table>" in html
    assert summary_of(CARD["action_requests"][0]["description"]) == "PAUSE pause_ad on ad “A”"
    from graph.web.inbox import budget_change

    assert budget_change("Evidence: spent USD 319.07; budget USD 40.00 → USD 48.00 a day; "
                         "P(best) 53%.") == " — USD 40.00 → USD 48.00 a day"
    assert budget_change("100% probability it is worse than the target") == ""
    named = "**PAUSE** pause_ad on ad “Image 2: trailblaze_2.png” in ad set “US, CA 25-34”: 100%"
    assert summary_of(named) == ("PAUSE pause_ad on ad “Image 2: trailblaze_2.png” in ad set "
                                 "“US, CA 25-34”")


def test_card_view_lists_each_action_with_its_decisions() -> None:
    class Out:
        waiting_for, interrupt_id, interrupt = "approval", "i1", CARD

    view = card_view(Out())
    assert view is not None and view["receipt"] == "r" * 64 and view["interrupt_id"] == "i1"
    assert [a["allowed"] for a in view["actions"]] == [["approve", "reject"],
                                                       ["approve", "edit", "reject"]]
    assert '"daily_budget": 4800' in view["actions"][1]["edit"]


def test_hosts_and_csrf() -> None:
    assert host_name("127.0.0.1:8765") == "127.0.0.1" and host_name("[::1]:80") == "::1"
    assert is_loopback("localhost") and is_loopback("::1") and not is_loopback("10.0.0.2")
    guard = Guard(bind_host="127.0.0.1")
    with pytest.raises(Refused, match="localhost only"):
        guard.check_host("evil.example:8765")
    guard.check_host("localhost:8765")
    sid = guard.open_session()
    assert guard.session(sid) == sid and guard.session("made-up") is None
    guard.check_post(sid, guard.csrf(sid), "http://127.0.0.1:8765", "127.0.0.1:8765")
    with pytest.raises(Refused, match="another site"):
        guard.check_post(sid, guard.csrf(sid), "http://evil.example", "127.0.0.1:8765")
    with pytest.raises(Refused, match="not this session"):
        guard.check_post(sid, guard.csrf(guard.open_session()), None, "127.0.0.1:8765")
    assert Guard(bind_host="127.0.0.1").csrf(sid) != guard.csrf(sid)  # a key per process


def test_short_of_data_names_only_what_is_short() -> None:
    from agents.optimize.decide.decisions import short_of_data

    assert short_of_data({"days": 9, "spend_minor": 7000}, 3, 8000, "USD") == \
        "not enough data yet: USD 70.00 of the USD 80.00 spend it needs"
    assert short_of_data({"days": 1, "spend_minor": 9000}, 3, 8000, "JPY") == \
        "not enough data yet: 1 of the 3 days of data it needs"
