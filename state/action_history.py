"""Every optimise action a thread applied, kept outside its checkpoint (ADPILOT_HOME/insights.db).

Why: a checkpoint is the thread's whole state, written again at every step and read at every
resume, so anything in it that grows per cycle makes a long loop slower and bigger without
bound (90 daily cycles held some 250 applied actions, 300 kB, in every checkpoint). The
thread keeps only its working set in `state["applied_actions"]` — what is still to be judged
and the newest judged actions the card shows (`agents/optimize/history.py`) — and every
entry, with its judgement once it has one, is recorded here, beside the insights it was
judged on (table `applied_actions` of the insights database). Reports read the whole history
from here; undo and audit read the ledger, which has every write anyway.

Recording is idempotent: an entry's id is a digest of what identifies it (action, arguments,
target, when it was applied, the receipt it ran under), so a node that re-runs after a crash
records the same rows again, and a later record of the same entry (now judged, or the
checkpoint's compact copy) updates it key by key. The order of first recording is kept.

    ActionHistory(home).record(thread_id, entries)
    ActionHistory(home).entries(thread_id)          -> list[dict], in applied order
    entry_id(entry)                                  -> str
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

TABLE = "applied_actions"


def entry_id(entry: Mapping[str, Any]) -> str:
    """Return a stable id for one applied action (the same entry, judged or not, has the same id)."""
    ident = {k: entry.get(k) for k in ("name", "args", "applied_at", "receipt")}
    ident["target"] = (entry.get("target") or {}).get("id")
    text = json.dumps(ident, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ActionHistory:
    """The applied-action history of every thread in one ADPILOT_HOME."""

    def __init__(self, home: str | Path) -> None:
        path = Path(home)
        if path.suffix != ".db":
            path.mkdir(parents=True, exist_ok=True)
            path = path / "insights.db"
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(str(self.path), timeout=30)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id TEXT PRIMARY KEY, thread_id TEXT "
                     "NOT NULL, applied_at TEXT, entry TEXT NOT NULL)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_thread ON {TABLE} (thread_id)")
        return conn

    def record(self, thread_id: str, entries: Iterable[Mapping[str, Any]]) -> int:
        """Record (or update) `entries` of `thread_id`; returns how many were written.

        An entry already recorded is updated key by key: a compact copy (the checkpoint keeps
        judged entries without their evidence) brings its judgement and loses nothing.
        """
        new = {entry_id(e): dict(e) for e in entries}
        if not new:
            return 0
        with closing(self._connect()) as conn, conn:
            ids, known = list(new), {}
            for at in range(0, len(ids), 500):  # well under SQLite's bound-parameter limit
                chunk = ids[at:at + 500]
                known.update({row[0]: json.loads(row[1]) for row in conn.execute(
                    f"SELECT id, entry FROM {TABLE} WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk)})
            rows = [(i, str(thread_id), str(e.get("applied_at") or ""),
                     json.dumps({**known.get(i, {}), **e}, sort_keys=True, default=str))
                    for i, e in new.items()]
            # An upsert keeps the row (and so the order of first recording) of a known entry.
            conn.executemany(f"INSERT INTO {TABLE} (id, thread_id, applied_at, entry) "
                             "VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                             "entry = excluded.entry", rows)
        return len(rows)

    def entries(self, thread_id: str) -> list[dict[str, Any]]:
        """Every recorded entry of `thread_id`, in the order they were applied."""
        if not self.path.exists():
            return []
        with closing(self._connect()) as conn:
            found = conn.execute(f"SELECT entry FROM {TABLE} WHERE thread_id = ? "
                                 "ORDER BY applied_at, rowid", (str(thread_id),)).fetchall()
        return [json.loads(row[0]) for row in found]
