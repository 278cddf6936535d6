"""The two ways a notification leaves: a webhook POST (Slack-compatible JSON) and SMTP e-mail.

Each channel is configured from the environment (docs/notifications.md) and sends one body,
raising `Unreachable` for what may pass (no connection, a timeout, HTTP 408/429/5xx, an SMTP 4xx)
and `Refused` for what will not (any other 4xx, a redirect, an SMTP 5xx, a bad login).
`deliver` retries the first kind with tenacity (short exponential backoff with jitter) and
returns the outcome; nothing here raises to the caller.

The webhook URL is itself a secret (a Slack incoming-webhook URL lets anyone post to the
channel), so it is registered with `state.secrets` like the SMTP password: logs and errors name
the receiver by its host only, and `scrub()` would remove the URL wherever it appeared.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from state.secrets import read_secret, register_secret, scrub
from tools.notify.message import email_text

log = logging.getLogger("adpilot.notify")

WEBHOOK_ENV = "ADPILOT_NOTIFY_WEBHOOK"
EMAIL_TO_ENV = "ADPILOT_NOTIFY_EMAIL_TO"
EMAIL_FROM_ENV = "ADPILOT_NOTIFY_EMAIL_FROM"
SMTP_HOST_ENV = "ADPILOT_SMTP_HOST"
SMTP_PORT_ENV = "ADPILOT_SMTP_PORT"
SMTP_SECURITY_ENV = "ADPILOT_SMTP_SECURITY"
SMTP_USER_ENV = "ADPILOT_SMTP_USER"
SMTP_PASSWORD_ENV = "ADPILOT_SMTP_PASSWORD"
TIMEOUT_ENV = "ADPILOT_NOTIFY_TIMEOUT"
_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class Unreachable(Exception):
    """The receiver could not take it now (retry later)."""


class Refused(Exception):
    """The receiver refused it; sending the same again will not help."""


class ChannelConfigError(ValueError):
    """A notification setting that cannot work; the message names the variable and the fix."""


class Channel(Protocol):
    """Something that sends one notification body."""

    @property
    def name(self) -> str:
        """The channel's name in the outbox: `webhook` or `email`."""

    def label(self) -> str:
        """Where it goes, safe to log (a host, never a URL or password)."""

    def send(self, body: Mapping[str, Any]) -> None:
        """Send once; raise `Unreachable` or `Refused`."""


def _timeout() -> float:
    try:
        return max(0.5, float(os.environ.get(TIMEOUT_ENV) or 5))
    except ValueError:
        return 5.0


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


@dataclass(frozen=True)
class Webhook:
    """POST the body as JSON (Slack incoming webhooks read its `text` and ignore the rest)."""

    url: str = field(repr=False)
    name: str = "webhook"

    def label(self) -> str:
        """Return the receiver's host (and port), never its path: the path is the secret."""
        parts = urlsplit(self.url)
        return parts.netloc.rsplit("@", 1)[-1]

    def send(self, body: Mapping[str, Any]) -> None:
        """POST once; 2xx is delivered."""
        try:
            response = httpx.post(self.url, json=dict(body), timeout=httpx.Timeout(_timeout(), connect=3.0),
                                  follow_redirects=False,
                                  headers={"User-Agent": "adpilot-notify/1",
                                           "X-Adpilot-Notification": str(body.get("id", ""))})
        except httpx.TimeoutException:
            raise Unreachable("timed out") from None
        except httpx.TransportError as exc:
            raise Unreachable(scrub(f"{type(exc).__name__}: {exc}")) from None
        status = response.status_code
        if 200 <= status < 300:
            return
        said = scrub(response.text[:120].strip().replace("\n", " "))
        if status in (408, 425, 429) or status >= 500:
            raise Unreachable(f"HTTP {status}" + (f": {said}" if said else ""))
        if 300 <= status < 400:
            raise Refused(f"HTTP {status} redirect: point {WEBHOOK_ENV} at the final URL")
        raise Refused(f"HTTP {status}" + (f": {said}" if said else "")
                      + f" — check {WEBHOOK_ENV}")


@dataclass(frozen=True)
class Email:
    """Send the notification as a plain-text e-mail through an SMTP server."""

    host: str
    port: int
    security: str
    sender: str
    to: tuple[str, ...]
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    name: str = "email"

    def label(self) -> str:
        """Return the SMTP server's host and port."""
        return f"{self.host}:{self.port}"

    def message(self, body: Mapping[str, Any]) -> EmailMessage:
        """Build the e-mail for a notification body."""
        msg = EmailMessage()
        msg["Subject"] = f"[adpilot] {body.get('title', 'a thread waits for you')} · {body.get('thread_id')}"
        msg["From"] = self.sender
        msg["To"] = ", ".join(self.to)
        msg["Message-ID"] = make_msgid(idstring=str(body.get("id", "")), domain="adpilot.local")
        msg["X-Adpilot-Thread"] = str(body.get("thread_id", ""))
        msg.set_content(email_text(body))
        return msg

    def send(self, body: Mapping[str, Any]) -> None:
        """Hand the e-mail to the SMTP server once."""
        msg = self.message(body)
        timeout = _timeout()
        try:
            smtp: smtplib.SMTP
            if self.security == "ssl":
                smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=timeout)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _ in exc.recipients.values()}
            what = f"recipients refused ({', '.join(map(str, sorted(codes)))}) — check {EMAIL_TO_ENV}"
            raise (Unreachable(what) if all(400 <= c < 500 for c in codes) else Refused(what)) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise Refused(f"SMTP login refused ({exc.smtp_code}) — check {SMTP_USER_ENV} and "
                          f"{SMTP_PASSWORD_ENV}") from None
        except smtplib.SMTPResponseException as exc:
            what = scrub(f"SMTP {exc.smtp_code}: {exc.smtp_error[:120]!r}")
            raise (Unreachable(what) if 400 <= exc.smtp_code < 500 else Refused(what)) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise Unreachable(scrub(f"{type(exc).__name__}: {exc}")) from None


def webhook_from_env(env: Mapping[str, str]) -> Webhook | None:
    """Return the webhook channel, when ADPILOT_NOTIFY_WEBHOOK is set."""
    url = env.get(WEBHOOK_ENV) or ""
    register_secret(url.strip())
    if not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ChannelConfigError(f"{WEBHOOK_ENV} is not an http(s) URL: set it to the receiver's "
                                 "URL, e.g. a Slack incoming webhook https://hooks.slack.com/services/…")
    return Webhook(url.strip())


def email_from_env(env: Mapping[str, str]) -> Email | None:
    """Return the e-mail channel, when ADPILOT_NOTIFY_EMAIL_TO is set (it then needs ADPILOT_SMTP_HOST)."""
    to = tuple(a.strip() for a in (env.get(EMAIL_TO_ENV) or "").split(",") if a.strip())
    if not to:
        return None
    host = (env.get(SMTP_HOST_ENV) or "").strip()
    if not host:
        raise ChannelConfigError(f"{EMAIL_TO_ENV} is set but {SMTP_HOST_ENV} is not: name the "
                                 "SMTP server that sends the e-mail")
    security = (env.get(SMTP_SECURITY_ENV) or "starttls").strip().lower()
    if security not in _PORTS:
        raise ChannelConfigError(f"{SMTP_SECURITY_ENV}={security!r}: use starttls, ssl or none")
    try:
        port = int(env.get(SMTP_PORT_ENV) or _PORTS[security])
    except ValueError:
        raise ChannelConfigError(f"{SMTP_PORT_ENV} must be a port number, e.g. 587") from None
    user = (env.get(SMTP_USER_ENV) or "").strip() or None
    password = env.get(SMTP_PASSWORD_ENV)
    register_secret(password)
    if user and security == "none" and not _loopback(host):
        raise ChannelConfigError(f"{SMTP_SECURITY_ENV}=none would send the SMTP password in clear "
                                 f"text to {host}: use starttls or ssl")
    sender = (env.get(EMAIL_FROM_ENV) or "").strip() or (user if user and "@" in user else
                                                          "adpilot@localhost")
    return Email(host=host, port=port, security=security, sender=sender, to=to, user=user,
                 password=password or None)


def configured(env: Mapping[str, str] | None = None) -> list[Channel]:
    """Every channel the environment turns on; a broken setting is logged and skipped."""
    if env is None:
        for name in (WEBHOOK_ENV, SMTP_PASSWORD_ENV):
            read_secret(name)  # reads `.env` too, as the Meta settings are read
        env = os.environ
    found: list[Channel] = []
    for make in (webhook_from_env, email_from_env):
        try:
            channel = make(env)
        except ChannelConfigError as exc:
            log.warning("notifications: %s", exc)
            continue
        if channel is not None:
            found.append(channel)
    return found


@dataclass(frozen=True)
class Outcome:
    """What one delivery round did: attempts made, the last error, the row's new status."""

    attempts: int
    status: str  # delivered | pending | failed
    error: str | None = None


def deliver(channel: Channel, body: Mapping[str, Any], *, attempts: int = 4,
            max_wait_s: float = 4.0) -> Outcome:
    """Send with retries on `Unreachable`; never raises."""
    made = 0

    def count(_state: RetryCallState) -> None:
        nonlocal made
        made += 1

    def warn(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning("notification %s (%s, thread %s) to %s %s failed (attempt %d of %d): %s; "
                    "retrying", str(body.get("id", ""))[:12], body.get("kind"),
                    body.get("thread_id"), channel.name, channel.label(), state.attempt_number,
                    attempts, exc)

    retrying = Retrying(stop=stop_after_attempt(attempts),
                        wait=wait_exponential_jitter(multiplier=0.3, max=max_wait_s, jitter=0.3),
                        retry=retry_if_exception_type(Unreachable), before=count,
                        before_sleep=warn, reraise=True)
    try:
        retrying(channel.send, body)
    except Unreachable as exc:
        return Outcome(made, "pending", str(exc))
    except Refused as exc:
        return Outcome(made, "failed", str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in a channel must not block the thread
        return Outcome(made, "pending", scrub(f"{type(exc).__name__}: {exc}"))
    return Outcome(made, "delivered")
