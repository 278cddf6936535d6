"""Delivery: retries against a real receiver, refusals, the outbox, retry_pending, SMTP e-mail."""

import logging
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from state.hitl import approval_payload, clarify_payload
from tests.notify.receiver import Receiver
from tools import notify
from tools.notify import Where

TOKEN = "EAAB-notify-test-token-0123456789"
CARD = approval_payload(
    [{"name": "launch_campaign", "args": {"plan": {"name": "Trail"}}}],
    description=f"## Launch “Trail”\n\nDebug: https://graph.example/act_1?access_token={TOKEN}")


def where(home, thread="t-1", interrupt="i-1"):
    return Where(thread_id=thread, interrupt_id=interrupt, account_id="act_1", home=str(home))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sent(rows):
    return [(r.channel, r.status, r.attempts) for r in rows]


def test_500_twice_then_200_is_delivered_once_after_retries(tmp_path, monkeypatch, caplog):
    with Receiver(statuses=[500, 500]) as rx:
        monkeypatch.setenv("ADPILOT_NOTIFY_WEBHOOK", rx.url)
        caplog.set_level(logging.INFO, logger="adpilot.notify")
        started = time.monotonic()
        nid = notify.notify_waiting(CARD, where(tmp_path))
        assert time.monotonic() - started < 0.5  # queued; the thread does not wait for it
        assert notify.drain(20) == 0
    assert [p["status"] for p in rx.posts] == [500, 500, 200]
    assert len(rx.delivered) == 1 and rx.delivered[0]["id"] == nid
    assert sent(notify.rows(tmp_path)) == [("webhook", "delivered", 3)]
    logged = caplog.text
    assert "attempt 1 of 4" in logged and "attempt 2 of 4" in logged and "HTTP 500" in logged
    assert f"127.0.0.1:{rx.server.server_address[1]}" in logged
    assert "secret-path" not in logged  # the webhook's path is its secret: host only


def test_a_refusal_is_not_retried_and_is_recorded_as_failed(tmp_path, monkeypatch, caplog):
    with Receiver(statuses=[404]) as rx:
        monkeypatch.setenv("ADPILOT_NOTIFY_WEBHOOK", rx.url)
        notify.notify_waiting(CARD, where(tmp_path))
        assert notify.drain(20) == 0
    assert [p["status"] for p in rx.posts] == [404]
    (row,) = notify.rows(tmp_path)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "HTTP 404" in row.last_error and "ADPILOT_NOTIFY_WEBHOOK" in row.last_error
    assert "refused by webhook" in caplog.text and "secret-path" not in caplog.text
    assert notify.retry_pending(tmp_path) == {"delivered": 0, "pending": 0, "failed": 0}


def test_the_same_card_again_is_not_sent_twice(tmp_path, receiver):
    first = notify.notify_waiting(CARD, where(tmp_path))
    again = notify.notify_waiting(CARD, where(tmp_path))  # a node re-run after a crash
    other = notify.notify_waiting(CARD, where(tmp_path, interrupt="i-2"))  # a new card
    assert notify.drain(20) == 0
    assert first == again != other
    assert sorted(b["id"] for b in receiver.delivered) == sorted([first, other])


def test_no_token_in_what_the_receiver_gets_or_the_outbox(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)
    notify.notify_waiting(CARD, where(tmp_path))
    assert notify.drain(20) == 0
    (post,) = receiver.posts
    assert TOKEN not in post["raw"] and TOKEN not in str(post["headers"])
    assert "access_token=[REDACTED]" in post["body"]["card"]
    assert TOKEN.encode() not in (tmp_path / "notifications.sqlite").read_bytes()


def test_a_receiver_that_is_down_leaves_the_row_pending_and_tick_sends_it_later(tmp_path, monkeypatch):
    port = free_port()  # nobody listens there
    monkeypatch.setenv("ADPILOT_NOTIFY_WEBHOOK", f"http://127.0.0.1:{port}/hook")
    notify.notify_waiting(CARD, where(tmp_path))
    assert notify.drain(20) == 0
    (row,) = notify.rows(tmp_path)
    assert (row.status, row.attempts) == ("pending", 4) and "ConnectError" in row.last_error
    with Receiver(port=port) as rx:
        assert notify.retry_pending(tmp_path) == {"delivered": 1, "pending": 0, "failed": 0}
        assert notify.retry_pending(tmp_path) == {"delivered": 0, "pending": 0, "failed": 0}
    assert len(rx.delivered) == 1 and rx.delivered[0]["thread_id"] == "t-1"
    assert sent(notify.rows(tmp_path)) == [("webhook", "delivered", 5)]


def test_timers_reasks_and_unconfigured_channels_send_nothing(tmp_path, receiver, monkeypatch):
    from state.hitl import reask, wait_payload

    assert notify.notify_waiting(wait_payload("2030-01-01T00:00:00+00:00", "data"), where(tmp_path)) is None
    assert notify.notify_waiting(reask(CARD, {"x": 1}, "bad"), where(tmp_path)) is None
    monkeypatch.delenv("ADPILOT_NOTIFY_WEBHOOK")
    assert notify.notify_waiting(CARD, where(tmp_path)) is None
    assert receiver.posts == [] and notify.rows(tmp_path) == []


def test_a_bad_setting_is_logged_and_the_card_still_waits(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("ADPILOT_NOTIFY_WEBHOOK", "hooks.slack.com/services/x")
    monkeypatch.setenv("ADPILOT_NOTIFY_EMAIL_TO", "ops@example.com")
    assert notify.notify_waiting(CARD, where(tmp_path)) is None
    assert "ADPILOT_NOTIFY_WEBHOOK is not an http(s) URL" in caplog.text
    assert "ADPILOT_SMTP_HOST is not" in caplog.text


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        for name, value in {"ADPILOT_NOTIFY_EMAIL_TO": "ops@example.com, lead@example.com",
                            "ADPILOT_NOTIFY_EMAIL_FROM": "adpilot@example.com",
                            "ADPILOT_SMTP_HOST": "127.0.0.1", "ADPILOT_SMTP_PORT": str(port),
                            "ADPILOT_SMTP_SECURITY": "none"}.items():
            monkeypatch.setenv(name, value)
        yield inbox
    finally:
        controller.stop()


def test_email_by_smtp_as_a_second_channel(tmp_path, receiver, smtp_server, monkeypatch):
    monkeypatch.setenv("META_ACCESS_TOKEN", TOKEN)
    question = clarify_payload([{"field": "landing_url", "question": "Which page?"}])
    notify.notify_waiting(question, where(tmp_path, thread="c-1"))
    assert notify.drain(20) == 0
    assert len(receiver.delivered) == 1
    ((sender, to, text),) = smtp_server.messages
    assert sender == "adpilot@example.com" and to == ["ops@example.com", "lead@example.com"]
    assert "Subject: [adpilot] a question needs an answer about the brief" in text
    assert "adpilot resume c-1 --answer 'your answer'" in text and "Which page?" in text
    assert TOKEN not in text
    assert sorted(sent(notify.rows(tmp_path))) == [("email", "delivered", 1), ("webhook", "delivered", 1)]


def test_smtp_password_over_cleartext_to_a_remote_host_is_refused(tmp_path, monkeypatch, caplog):
    for name, value in {"ADPILOT_NOTIFY_EMAIL_TO": "ops@example.com", "ADPILOT_SMTP_HOST": "mail.example.com",
                        "ADPILOT_SMTP_SECURITY": "none", "ADPILOT_SMTP_USER": "bot",
                        "ADPILOT_SMTP_PASSWORD": "hunter2-long-password"}.items():
        monkeypatch.setenv(name, value)
    assert notify.notify_waiting(CARD, where(tmp_path)) is None
    assert "clear text" in caplog.text and "hunter2-long-password" not in caplog.text
