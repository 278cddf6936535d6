"""What a notification says: the line, the card, the command that answers it, the Studio link."""

import shlex

from state.hitl import approval_payload, clarify_payload, reask, wait_payload
from tools.notify.message import (
    Where,
    build,
    card_digest,
    notification_id,
    waits_for_person,
)

LAUNCH = approval_payload(
    [{"name": "launch_campaign", "args": {"plan": {"name": "Spring & <Sale>"}},
      "description": "Create it on Meta (paused)"}],
    description="## Launch “Spring & <Sale>”\n\n- **Spend:** USD 60.00 a day")
WHERE = Where(thread_id="t-1", interrupt_id="i-1", account_id="act_42", home="/srv/ads home")


def test_timers_are_not_for_a_person_but_every_other_kind_is():
    assert not waits_for_person(wait_payload("2030-01-01T00:00:00+00:00", "data"))
    assert waits_for_person(LAUNCH)
    assert waits_for_person(clarify_payload(["landing_url"]))
    assert waits_for_person({"kind": "alert", "description": "CPA 2x target"})
    assert not waits_for_person("not a card")


def test_an_approval_names_the_campaign_and_the_exact_command_with_the_receipt():
    body = build(LAUNCH, WHERE)
    command = body["answer"]["command"]
    assert shlex.split(command) == ["ADPILOT_HOME=/srv/ads home", "adpilot", "approve", "t-1",
                                    "--receipt", LAUNCH["receipt"][:12]]
    assert shlex.split(body["answer"]["reject"])[-2:] == ["--reject", "the reason"]
    assert body["kind"] == "approval" and body["thread_id"] == "t-1"
    assert body["account_id"] == "act_42" and body["receipt"] == LAUNCH["receipt"]
    assert body["card"] == LAUNCH["description"]
    # Slack mrkdwn: &, < and > escaped in the line; the campaign and thread are in it
    assert "Spring &amp; &lt;Sale&gt;" in body["text"] and "<Sale>" not in body["text"]
    assert "thread t-1" in body["text"] and "act_42" in body["text"]
    assert body["answer"]["studio_url"] is None


def test_a_question_is_answered_with_resume_and_its_first_question_is_in_the_line():
    payload = clarify_payload([{"field": "landing_url", "question": "Which page?"},
                               {"field": "budget", "question": "How much?"}], brief="shoes")
    body = build(payload, Where(thread_id="c-1"))
    assert body["answer"]["command"] == "adpilot resume c-1 --answer 'your answer'"
    assert "Which page? (+1 more)" in body["text"] and "about the brief" in body["title"]
    assert body["questions"] == ["Which page?", "How much?"]
    assert "ADPILOT_HOME" not in body["answer"]["command"]  # the default home needs no prefix


def test_an_alert_card_shaped_like_an_approval_is_answered_with_approve():
    alert = {**approval_payload([{"name": "pause_campaign", "args": {"campaign_id": "120"}}],
                                description="## CPA at 2× target\n\nPause it?"), "kind": "alert"}
    body = build(alert, WHERE)
    assert "approve" in body["answer"]["command"] and "alert needs a decision" in body["text"]
    assert "campaign 120" in body["title"]


def test_studio_link_when_the_server_url_is_set():
    body = build(LAUNCH, Where(thread_id="t 1", server_url="https://ads.example.com:8123/"))
    assert body["answer"]["studio_url"] == (
        "https://smith.langchain.com/studio/thread/t%201"
        "?baseUrl=https%3A%2F%2Fads.example.com%3A8123")
    assert f"<{body['answer']['studio_url']}|LangGraph Studio>" in body["text"]


def test_the_id_is_per_thread_interrupt_and_card_and_a_reask_is_the_same_card():
    again = reask(LAUNCH, {"bad": 1}, "unknown decision")
    assert card_digest(again) == card_digest(LAUNCH)
    assert notification_id(LAUNCH, WHERE) == notification_id(LAUNCH, WHERE)
    other_interrupt = Where(thread_id="t-1", interrupt_id="i-2")
    other_thread = Where(thread_id="t-2", interrupt_id="i-1")
    ids = {notification_id(LAUNCH, w) for w in (WHERE, other_interrupt, other_thread)}
    assert len(ids) == 3
    edited = {**LAUNCH, "description": LAUNCH["description"] + " (edited)"}
    assert notification_id(edited, WHERE) != notification_id(LAUNCH, WHERE)


def test_a_huge_card_is_cut_and_says_so():
    big = {**LAUNCH, "description": "x" * 50_000}
    card = build(big, WHERE)["card"]
    assert len(card) < 31_000 and card.endswith("(cut; the whole card is in `adpilot status`)")
