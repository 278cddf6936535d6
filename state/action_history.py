"""Every optimise action a thread applied, kept outside its checkpoint (beside its insights).

Why: a checkpoint is the thread's whole state, written again at every step and read at every
resume, so anything in it that grows per cycle makes a long loop slower and bigger without
bound (90 daily cycles held some 250 applied actions, 300 kB, in every checkpoint). The
thread keeps only its working set in `state["applied_actions"]` — what is still to be judged
and the newest judged actions the card shows (`agents/optimize/history.py`) — and every
entry, with its judgement once it has one, is recorded here, beside the insights it was
judged on: table `applied_actions` of the insights database, through the one storage seam
(`state/database.py`: `ADPILOT_HOME/insights.db`, or the checkpoints' PostgreSQL, so every
replica that can resume the thread sees its history). Reports read the whole history from
here; undo and audit read the ledger, which has every write anyway.

Undos are recorded here too (table `undone_writes`, `record_undo` / `undos`): `adpilot undo`
runs outside the graph, between cycles, so it cannot edit the checkpoint's entries; it records
which ledger write it undid, under which receipt, on which objects and when (the account's
clock), and the next cycle's judging and the report mark the applied actions that write
belonged to (`agents/optimize/history.py::mark_undone`) — an undone change judged as if it
still ran would be judged on what no longer runs. Undoing the undo itself (putting the change
back) records the write as redone, no longer undone.

Recording is idempotent: an entry's id is a digest of what identifies it (action, arguments,
target, when it was applied, the receipt it ran under), so a node that re-runs after a crash
records the same rows again, and a later record of the same entry (now judged, or the
checkpoint's compact copy) updates it key by key. The order of first recording is kept
(`seq`, per thread).

    ActionHistory(home).record(thread_id, entries)
    ActionHistory(home).entries(thread_id)          -> list[dict], in applied order
    ActionHistory(home).record_undo(thread_id, mark) / .undos(thread_id) -> list[dict]
    entry_id(entry)                                  -> str
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from state.database import Database, is_postgres_url, open_database, state_location

TABLE = "applied_actions"
_COLUMNS: dict[str, type] = {"id": str, "thread_id": str, "seq": int, "applied_at": str,
                             "entry": str}
UNDOS = "undone_writes"
# `mark`: {"receipt", "object_ids", "undone_at", "undone_by", "redone"} of one undone write.
_UNDO_COLUMNS: dict[str, type] = {"write_id": str, "thread_id": str, "mark": str}


def entry_id(entry: Mapping[str, Any]) -> str:
    """Return a stable id for one applied action (the same entry, judged or not, has the same id)."""
    ident = {k: entry.get(k) for k in ("name", "args", "applied_at", "receipt")}
    ident["target"] = (entry.get("target") or {}).get("id")
    text = json.dumps(ident, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class ActionHistory:
    """The applied-action history of every thread in one ADPILOT_HOME (or its PostgreSQL)."""

    def __init__(self, home: str | os.PathLike[str]) -> None:
        """Open the history of `home` (ADPILOT_HOME), or a `.db` file, or a PostgreSQL URL."""
        if is_postgres_url(home) or Path(home).suffix == ".db":
            self.location = str(home)
        else:
            Path(home).mkdir(parents=True, exist_ok=True)
            self.location = state_location(home, "insights")  # beside the insights it judged

    @contextmanager
    def _db(self) -> Iterator[Database]:
        db = open_database(self.location, what="the action history")
        try:
            db.ensure_table(TABLE, _COLUMNS, pk=("id",), indexes=(("thread_id", "seq"),))
            db.ensure_table(UNDOS, _UNDO_COLUMNS, pk=("write_id",), indexes=(("thread_id",),))
            yield db
        finally:
            db.close()

    def record(self, thread_id: str, entries: Iterable[Mapping[str, Any]]) -> int:
        """Record (or update) `entries` of `thread_id`; returns how many were written.

        An entry already recorded is updated key by key: a compact copy (the checkpoint keeps
        judged entries without their evidence) brings its judgement and loses nothing. A new
        entry comes after every entry recorded before it.
        """
        new = {entry_id(e): dict(e) for e in entries}
        if not new:
            return 0
        with self._db() as db, db.transaction(lock=f"{TABLE} {thread_id}"):
            ids, known = list(new), {}
            for at in range(0, len(ids), 500):  # well under any bound-parameter limit
                chunk = ids[at:at + 500]
                known.update({r["id"]: r for r in db.query(
                    f"SELECT id, seq, entry FROM {TABLE} WHERE id IN "
                    f"({','.join('?' * len(chunk))})", chunk)})
            top = db.query(f"SELECT MAX(seq) AS top FROM {TABLE} WHERE thread_id = ?",
                           [str(thread_id)])[0]["top"] or 0
            rows = []
            for i, entry in new.items():
                if i in known:
                    seq, entry = known[i]["seq"], {**json.loads(known[i]["entry"]), **entry}
                else:
                    top += 1
                    seq = top
                rows.append({"id": i, "thread_id": str(thread_id), "seq": int(seq),
                             "applied_at": str(entry.get("applied_at") or ""),
                             "entry": json.dumps(entry, sort_keys=True, default=str)})
            return db.upsert(TABLE, rows, pk=("id",))

    def entries(self, thread_id: str) -> list[dict[str, Any]]:
        """Every recorded entry of `thread_id`, in the order they were applied."""
        if not is_postgres_url(self.location) and not Path(self.location).exists():
            return []
        with self._db() as db:
            found = db.query(f"SELECT entry FROM {TABLE} WHERE thread_id = ? ORDER BY seq",
                             [str(thread_id)])
        return [json.loads(row["entry"]) for row in found]

    def record_undo(self, thread_id: str, write_id: str, mark: Mapping[str, Any]) -> None:
        """Record that ledger write `write_id` of `thread_id` was undone (or, `redone`, put back).

        `mark`: `receipt` and `object_ids` (what the write belonged to), `undone_at` (the
        account's clock), `undone_by` (the undo's own write ids), `redone` (True when an undo
        of the undo put the change back).
        """
        with self._db() as db:
            db.upsert(UNDOS, [{"write_id": str(write_id), "thread_id": str(thread_id),
                               "mark": json.dumps(dict(mark), sort_keys=True, default=str)}],
                      pk=("write_id",))

    def undos(self, thread_id: str) -> list[dict[str, Any]]:
        """Every write of `thread_id` recorded undone (and not put back), with its mark."""
        if not is_postgres_url(self.location) and not Path(self.location).exists():
            return []
        with self._db() as db:
            found = db.query(f"SELECT write_id, mark FROM {UNDOS} WHERE thread_id = ?",
                             [str(thread_id)])
        marks = [{"write_id": r["write_id"], **json.loads(r["mark"])} for r in found]
        return [m for m in marks if not m.get("redone")]
