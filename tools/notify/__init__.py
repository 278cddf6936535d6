"""Tell a person when a thread starts waiting for them: webhook (Slack-compatible) and e-mail.

Ad accounts spend around the clock and the person who approves is not at the terminal, so a
card nobody hears about is a card nobody answers. `agents/common/ask.py` calls
`notify_waiting` at the one place threads suspend for a person (an approval, a question, an
alert — any interrupt but a `wait` timer), only when `interrupt()` actually suspends.

The rules it keeps:

- **Exactly once per card where it can.** The outbox (`outbox.py`, in ADPILOT_HOME) keys each
  notification by thread, interrupt and card digest; a node re-run after a crash finds the row
  and sends nothing again. A refused answer asked again (`reask`) is the same card: not sent.
- **Never blocks the thread.** Delivery runs on a background thread with short retries
  (`channels.deliver`); a CLI process about to exit waits at most `ADPILOT_NOTIFY_WAIT`
  seconds (default 5) for what is still in flight, then leaves it in the outbox.
- **Never silent.** Each failed attempt is logged (the receiver by host only), a row not
  delivered stays `pending` and `retry_pending(home)` — which `adpilot tick` calls — sends it
  later; a receiver that refuses (4xx) marks it `failed` with the reason.
- **Never a token.** The body is scrubbed by `state.secrets` (the Meta token and app secret
  from the environment are registered first), and so is every log line.

Channels are configured from the environment: `ADPILOT_NOTIFY_WEBHOOK`,
`ADPILOT_NOTIFY_EMAIL_TO` with `ADPILOT_SMTP_*`; `ADPILOT_SERVER_URL` adds a LangGraph Studio
link (docs/notifications.md).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from state.secrets import SECRET_ENV, TOKEN_ENV, register_secret, scrub_obj
from tools.notify import channels as _channels
from tools.notify.channels import Channel, deliver
from tools.notify.message import Where, build, is_reask, waits_for_person
from tools.notify.outbox import Outbox, Row, too_old

__all__ = ["Where", "answered", "answered_here", "drain", "notify_waiting", "pending_deliveries",
           "retry_pending", "rows", "waits_for_person", "where_from_env"]

log = logging.getLogger("adpilot.notify")

WAIT_ENV = "ADPILOT_NOTIFY_WAIT"
SERVER_URL_ENV = "ADPILOT_SERVER_URL"
STUDIO_URL_ENV = "ADPILOT_STUDIO_URL"
# A claim outlives one delivery round (4 attempts × the timeout, plus backoff).
LEASE_S = 120.0

_inflight: dict[tuple[str, str], tuple[Outbox, threading.Thread]] = {}
_inflight_lock = threading.Lock()
_atexit_registered = False
# `answered_here`: kinds this process answers itself (--yes), and the cards held meanwhile.
_here_kinds: set[str] = set()
_held: dict[tuple[str, str | None], tuple[Mapping[str, Any], Where]] = {}
_held_lock = threading.Lock()


def _register_env_secrets() -> None:
    # The client registers the token when it is built; a card could be built in a process
    # (or before the moment) where it was not, so register what the environment holds too.
    register_secret(os.environ.get(TOKEN_ENV), os.environ.get(SECRET_ENV))


def where_from_env(thread_id: str, **fields: Any) -> Where:
    """Return a `Where` with the server URL and Studio origin from the environment."""
    server = (os.environ.get(SERVER_URL_ENV) or "").strip() or None
    studio = (os.environ.get(STUDIO_URL_ENV) or "").strip() or "https://smith.langchain.com"
    return Where(thread_id=thread_id, server_url=server, studio_origin=studio, **fields)


def notify_waiting(payload: Mapping[str, Any], where: Where) -> str | None:
    """Queue the notification that `payload` waits for a person; return its id (None: none sent).

    Returns at once: delivery runs on a background thread. Nothing is sent for a timer, a
    re-asked card, a card already notified, or when no channel is configured.
    """
    if not waits_for_person(payload) or is_reask(payload):
        return None
    with _held_lock:
        if payload.get("kind") in _here_kinds:
            _held[(where.thread_id, where.interrupt_id)] = (payload, where)
            return None
    found = _channels.configured()
    if not found:
        return None
    _register_env_secrets()
    body = scrub_obj(build(payload, where))
    assert isinstance(body, dict)
    box = Outbox(Path(where.home).resolve())
    for channel in found:
        if box.add(body["id"], channel.name, body, lease_s=LEASE_S):
            _start(box, channel, body)
        else:
            log.info("notification %s (%s, thread %s) was already recorded for %s; not sent again",
                     body["id"][:12], body["kind"], where.thread_id, channel.name)
    return str(body["id"])


@contextmanager
def answered_here(*kinds: str) -> Iterator[None]:
    """Hold back cards of `kinds` that this process answers itself (`--yes`).

    A card the CLI approves a moment later is not waiting for anyone, and a message saying it
    is would send a person to a card that is gone. Each card held is released with
    `answered(thread_id, interrupt_id)` once answered; any still held when the block ends (the
    CLI stopped at it: a budget to confirm, a refused answer) is notified then.
    """
    with _held_lock:
        before = set(_here_kinds)
        _here_kinds.update(kinds)
    try:
        yield
    finally:
        with _held_lock:
            _here_kinds.clear()
            _here_kinds.update(before)
            left = [v for v in _held.values() if v[0].get("kind") not in before]
            for _payload, where in left:
                _held.pop((where.thread_id, where.interrupt_id), None)
        for payload, where in left:
            notify_waiting(payload, where)


def answered(thread_id: str, interrupt_id: str | None) -> None:
    """Forget a held card: this process answered it (see `answered_here`)."""
    with _held_lock:
        _held.pop((thread_id, interrupt_id), None)


def _start(box: Outbox, channel: Channel, body: dict[str, Any]) -> None:
    global _atexit_registered
    key = (str(body["id"]), channel.name)
    thread = threading.Thread(target=_deliver, args=(box, channel, body),
                              name=f"adpilot-notify-{key[0][:8]}-{channel.name}", daemon=True)
    with _inflight_lock:
        _inflight[key] = (box, thread)
        if not _atexit_registered:
            atexit.register(_at_exit)
            _atexit_registered = True
    thread.start()


def _deliver(box: Outbox, channel: Channel, body: dict[str, Any], *, attempts: int = 4) -> str:
    key = (str(body["id"]), channel.name)
    try:
        outcome = deliver(channel, body, attempts=attempts)
        box.attempted(key[0], channel.name, attempts=outcome.attempts, error=outcome.error,
                      status=outcome.status)
        if outcome.status == "delivered":
            log.info("notified %s %s: %s, thread %s (notification %s)", channel.name,
                     channel.label(), body.get("kind"), body.get("thread_id"), key[0][:12])
        elif outcome.status == "failed":
            log.warning("notification %s (%s, thread %s) refused by %s %s: %s; not retried",
                        key[0][:12], body.get("kind"), body.get("thread_id"), channel.name,
                        channel.label(), outcome.error)
        else:
            log.warning("notification %s (%s, thread %s) not delivered to %s %s after %d "
                        "attempts: %s; it stays in %s and `adpilot tick` retries it",
                        key[0][:12], body.get("kind"), body.get("thread_id"), channel.name,
                        channel.label(), outcome.attempts, outcome.error, box.path)
        return outcome.status
    except Exception as exc:  # noqa: BLE001 - an outbox fault must not go unseen, nor raise
        log.warning("notification %s (%s, thread %s) to %s: %s: %s", key[0][:12], body.get("kind"),
                    body.get("thread_id"), channel.name, type(exc).__name__, exc)
        return "pending"
    finally:
        with _inflight_lock:
            _inflight.pop(key, None)


def pending_deliveries() -> int:
    """How many deliveries this process still has in flight."""
    with _inflight_lock:
        return len(_inflight)


def drain(timeout: float) -> int:
    """Wait up to `timeout` seconds for this process's deliveries; return how many are left."""
    deadline = time.monotonic() + max(0.0, timeout)
    while True:
        with _inflight_lock:
            threads = [t for _box, t in _inflight.values()]
        if not threads:
            return 0
        left = deadline - time.monotonic()
        if left <= 0:
            return len(threads)
        threads[0].join(min(left, 0.2))


def _exit_wait() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV) or 5))
    except ValueError:
        return 5.0


def _at_exit() -> None:
    """Before the process ends: wait a bounded time, then leave the rest to `retry_pending`."""
    if drain(_exit_wait()) == 0:
        return
    with _inflight_lock:
        left = dict(_inflight)
    by_box: dict[Path, tuple[Outbox, list[tuple[str, str]]]] = {}
    for key, (box, _thread) in left.items():
        by_box.setdefault(box.path, (box, []))[1].append(key)
    for box, keys in by_box.values():
        try:
            box.release(keys)  # this process will not finish them: `adpilot tick` may, at once
        except Exception as exc:  # noqa: BLE001 - exiting anyway; the claim expires by itself
            log.warning("notifications: could not release %d claim(s) in %s: %s", len(keys),
                        box.path, exc)
        log.warning("%d notification(s) not delivered before exit (the receiver is slow or "
                    "down); they stay in %s and `adpilot tick` retries them", len(keys), box.path)


def retry_pending(home: str | Path, *, attempts: int = 2) -> dict[str, int]:
    """Send again every notification of `home` still pending; return counts by new status.

    For `adpilot tick`. Rows another process is sending now are left to it; rows older than
    `outbox.GIVE_UP_AFTER` are marked `failed`. Synchronous, a few seconds per row at most.
    """
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    box = Outbox(Path(home).resolve())
    if not box.path.exists():
        return counts
    found = {c.name: c for c in _channels.configured()}
    for row in box.claim_due(lease_s=LEASE_S):
        status = _retry_row(box, row, found.get(row.channel), attempts)
        counts[status] += 1
    return counts


def _retry_row(box: Outbox, row: Row, channel: Channel | None, attempts: int) -> str:
    if too_old(row):
        box.attempted(row.id, row.channel, attempts=0, status="failed",
                      error=f"given up: not delivered since {row.created_at} ({row.last_error})")
        log.warning("notification %s (%s, thread %s) given up after %d attempts since %s: %s",
                    row.id[:12], row.kind, row.thread_id, row.attempts, row.created_at,
                    row.last_error)
        return "failed"
    if channel is None:
        box.attempted(row.id, row.channel, attempts=0, status="pending",
                      error=f"the {row.channel} channel is not configured in this process")
        log.warning("notification %s (%s, thread %s) waits for the %s channel, which this "
                    "process has no settings for", row.id[:12], row.kind, row.thread_id,
                    row.channel)
        return "pending"
    return _deliver(box, channel, row.body, attempts=attempts)


def rows(home: str | Path, thread_id: str | None = None) -> list[Row]:
    """Return the outbox rows of `home` (of one thread): what was sent, when, and what failed."""
    return Outbox(Path(home).resolve()).rows(thread_id)
