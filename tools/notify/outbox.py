"""The outbox: one row per notification and channel, in `ADPILOT_HOME/notifications.sqlite`.

It makes notifications exactly-once where it can and never silent where it cannot:

- a row's key is the notification id (thread, interrupt, card digest), so a node re-run after a
  crash finds its row and sends nothing twice (`add` returns False);
- a sender *claims* a row for a while before sending (`claim`), so `adpilot tick` in another
  process does not send what a living process is still sending;
- the outcome stays: `delivered` (when), `failed` (given up: the receiver refused it, or it is
  older than `GIVE_UP_AFTER`), or `pending` with the attempts so far and the last error —
  what `retry_pending` picks up later.

The row keeps the body it sends (already scrubbed of tokens) and never the webhook URL or SMTP
password: those are read from the environment when sending.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

FILE = "notifications.sqlite"
GIVE_UP_AFTER = timedelta(days=3)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS notifications (
    id TEXT NOT NULL,
    channel TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    delivered_at TEXT,
    claimed_until REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (id, channel)
)
"""
_lock = threading.Lock()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Row:
    """One notification on one channel, as stored."""

    id: str
    channel: str
    thread_id: str
    kind: str
    body: dict[str, Any]
    status: str
    attempts: int
    last_error: str | None
    created_at: str
    delivered_at: str | None


class Outbox:
    """The notification outbox of one ADPILOT_HOME (a short-lived connection per call)."""

    def __init__(self, home: str | Path) -> None:
        self.path = Path(home) / FILE

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            yield conn
        finally:
            conn.close()

    def add(self, notification_id: str, channel: str, body: dict[str, Any], *, lease_s: float) -> bool:
        """Record a new notification, claimed by the caller; False when it was recorded before."""
        now = _now()
        with _lock, self._db() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO notifications (id, channel, thread_id, kind, body, "
                "created_at, updated_at, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (notification_id, channel, str(body.get("thread_id") or ""),
                 str(body.get("kind") or ""), json.dumps(body, ensure_ascii=False), now, now,
                 time.time() + lease_s))
            return cur.rowcount == 1

    def claim_due(self, *, lease_s: float) -> list[Row]:
        """Claim every pending row no process is sending now; return them."""
        now = time.time()
        with _lock, self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            rows = db.execute("SELECT * FROM notifications WHERE status = 'pending' AND "
                              "claimed_until < ? ORDER BY created_at", (now,)).fetchall()
            keys = [(r[0], r[1]) for r in rows]
            db.executemany("UPDATE notifications SET claimed_until = ? WHERE id = ? AND channel = ?",
                           [(now + lease_s, k, c) for k, c in keys])
            db.execute("COMMIT")
            names = [d[0] for d in db.execute("SELECT * FROM notifications LIMIT 0").description]
        return [_row(dict(zip(names, r, strict=True))) for r in rows]

    def attempted(self, notification_id: str, channel: str, *, attempts: int, error: str | None,
                  status: str) -> None:
        """Record a delivery round: `delivered`, `failed` (given up) or still `pending`."""
        now = _now()
        with _lock, self._db() as db:
            db.execute(
                "UPDATE notifications SET status = ?, attempts = attempts + ?, last_error = ?, "
                "updated_at = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at "
                "END, claimed_until = 0 WHERE id = ? AND channel = ?",
                (status, attempts, error, now, status, now, notification_id, channel))

    def release(self, keys: list[tuple[str, str]]) -> None:
        """Give up the claims of rows this process will not finish (it is exiting)."""
        with _lock, self._db() as db:
            db.executemany("UPDATE notifications SET claimed_until = 0 WHERE id = ? AND channel = ? "
                           "AND status = 'pending'", keys)

    def rows(self, thread_id: str | None = None) -> list[Row]:
        """Every row (of one thread), oldest first."""
        if not self.path.exists():
            return []
        with _lock, self._db() as db:
            cur = db.execute("SELECT * FROM notifications" + (" WHERE thread_id = ?" if thread_id else "")
                             + " ORDER BY created_at, id, channel", (thread_id,) if thread_id else ())
            names = [d[0] for d in cur.description]
            return [_row(dict(zip(names, r, strict=True))) for r in cur.fetchall()]


def too_old(row: Row) -> bool:
    """Return True when a row has waited longer than GIVE_UP_AFTER: stop retrying it."""
    created = datetime.fromisoformat(row.created_at)
    return datetime.now(UTC) - created > GIVE_UP_AFTER


def _row(d: dict[str, Any]) -> Row:
    return Row(id=d["id"], channel=d["channel"], thread_id=d["thread_id"], kind=d["kind"],
               body=json.loads(d["body"]), status=d["status"], attempts=d["attempts"],
               last_error=d["last_error"], created_at=d["created_at"], delivered_at=d["delivered_at"])
