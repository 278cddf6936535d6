from collections.abc import Iterator

import pytest

from tests.notify.receiver import Receiver

NOTIFY_VARS = ("ADPILOT_NOTIFY_WEBHOOK", "ADPILOT_NOTIFY_EMAIL_TO", "ADPILOT_NOTIFY_EMAIL_FROM",
               "ADPILOT_SMTP_HOST", "ADPILOT_SMTP_PORT", "ADPILOT_SMTP_SECURITY",
               "ADPILOT_SMTP_USER", "ADPILOT_SMTP_PASSWORD", "ADPILOT_NOTIFY_WAIT",
               "ADPILOT_NOTIFY_TIMEOUT", "ADPILOT_SERVER_URL", "ADPILOT_STUDIO_URL")


@pytest.fixture(autouse=True)
def no_notify_settings(monkeypatch):
    """Every test starts with no notification channel configured."""
    for name in NOTIFY_VARS:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def receiver(monkeypatch) -> Iterator[Receiver]:
    """A webhook receiver on loopback; ADPILOT_NOTIFY_WEBHOOK points at it."""
    with Receiver() as rx:
        monkeypatch.setenv("ADPILOT_NOTIFY_WEBHOOK", rx.url)
        yield rx
