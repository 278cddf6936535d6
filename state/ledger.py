"""The write ledger: one logical row per Meta write, stored as a hash-chained event log.

Longer than 300 lines because the hash chain, the write states and the queries over them must
change together.

Every Meta write is recorded *before* it is sent (`intent`), then `sent`, then exactly one
outcome: `done` (with the Meta id and after-values), `failed` (Meta refused; nothing changed)
or `unknown` (timeout / dropped connection / 5xx: the write may have committed — reconcile by
provenance tag before any retry). An `unknown` (or a `sent` left behind by a crash) is later
resolved to `done` (found and adopted) or `failed` (not found, safe to retry).

An intent's `after` holds what the write asks Meta to hold (its compacted params), so a write
whose outcome was lost can be settled by reading the object back (`adpilot audit reconcile`);
`done` replaces it with what Meta confirmed. Rows written before this keep `after` empty until
their outcome (and still verify). **Retries keep the first before-value:** an update sent again
after an unknown outcome (`earlier_attempts`: an earlier `intent` / `sent` / `unknown` row of
the same thread, path, operation and request digest, with no other write to that object since)
records the `before` of the first attempt — the object may already hold the new value, which
is not what the write changed — and once Meta confirms it, `resolve_retried` marks the earlier
attempts `done` (`after.confirmed_by` = the retry). The same goes for a write repeated after
an identical `done` one (a node re-run after a crash repeats the writes it had finished) when
the object still holds its values. Same object and operation with another digest is another
write: nothing is reused.

A write the money gate (`state/guardrails.py`) refused is one row with the terminal status
`refused` (`Ledger.refusal`): never sent, no Meta id, the cap and numbers in `after`, the
message in `error`. Every write the gate passed records the digest of the policy it passed in
`policy_digest` (`Policy.digest()`); the column is hashed into `row_hash` only when set, so
rows written before it existed keep their hashes and `verify()` still holds for old ledgers.

Storage (`state/database.py`, the one storage seam): the SQLite file `ADPILOT_HOME/ledger.db`,
or — when the checkpoints are in PostgreSQL — the table `writes` of that database, shared by
every process and replica. The table `writes` is **append-only**. Each status transition appends a new row carrying the full state of that
write (same `write_id`, next `seq`), so the current state of a write is its latest row and
the history is its rows. Every row stores `prev_hash` (the previous row's `row_hash`) and
`row_hash = sha256(prev_hash + canonical JSON of the row's other columns, including id)`, so
editing, reordering or deleting any past row breaks the chain and `Ledger.verify()` reports
it. (Truncating the newest rows is only detectable against an external copy of the head hash:
`Ledger.head()` gives it, e.g. for a report.)

Appends are serialised across processes and hosts: each runs in one exclusive transaction
(SQLite's `BEGIN IMMEDIATE`; PostgreSQL's `pg_advisory_xact_lock` on the ledger's lock) that
reads the head, checks the write's current status and inserts, so two workers never fork the
chain, reuse an id or append one outcome twice. `(write_id, seq)` is unique as well, so a
duplicate is refused by the database even if that discipline were broken. `intent_many` /
`mark_many` append several rows in one transaction (the batch executor ledgers a whole chunk
per step, so durability costs one fsync per step, not per item).

Tokens never reach the ledger: params are scrubbed (`state.secrets.scrub_obj`) before they
are digested, and `request_digest` is sha256 over the canonical scrubbed params.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from state.database import (
    Database,
    describe_url,
    is_postgres_url,
    open_database,
    state_location,
)
from state.secrets import scrub, scrub_obj

STATUSES = ("intent", "sent", "done", "failed", "unknown", "refused")
TERMINAL = ("done", "failed", "refused")
CREATE_OPS = ("create", "copy", "upload")
GENESIS = "0" * 64
# Columns hashed into row_hash, in a fixed order (row_hash itself excluded).
_HASHED = (
    "id", "write_id", "seq", "thread_id", "plan_key", "op", "object_type", "path",
    "request_digest", "status", "meta_id", "before", "after", "receipt", "error",
    "created_at", "updated_at", "prev_hash",
)
_ALLOWED = {
    "intent": {"sent", "failed", "unknown", "done"},
    "sent": {"done", "failed", "unknown"},
    "unknown": {"done", "failed"},
    "done": set(),
    "failed": set(),
    "refused": set(),
}


def canonical(value: Any) -> str:
    """Canonical JSON (sorted keys, compact) used for digests and hashes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def request_digest(params: Any) -> str:
    """sha256 of the canonical, scrubbed request params."""
    return hashlib.sha256(canonical(scrub_obj(params)).encode()).hexdigest()


_COLUMNS: dict[str, type] = {
    "id": int, "write_id": str, "seq": int, "thread_id": str, "plan_key": str, "op": str,
    "object_type": str, "path": str, "request_digest": str, "status": str, "meta_id": str,
    "before": str, "after": str, "receipt": str, "error": str, "created_at": str,
    "updated_at": str, "prev_hash": str, "row_hash": str, "policy_digest": str,
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _json_or_none(value: Any) -> str | None:
    return None if value is None else canonical(scrub_obj(value))


def _row_hash(row: dict[str, Any]) -> str:
    values: list[Any] = [row.get(k) for k in _HASHED]
    if row.get("policy_digest") is not None:  # hashed only when set: old rows keep their hash
        values.append(["policy_digest", row["policy_digest"]])
    body = canonical(values)
    return hashlib.sha256(f"{row['prev_hash']}{body}".encode()).hexdigest()


def ledger_location(home: str | os.PathLike[str], url: str | None = None) -> str:
    """Where the ledger of `home` lives: `<home>/ledger.db`, or the checkpoints' PostgreSQL URL."""
    return state_location(home, "ledger", url)


def describe_ledger(home: str | os.PathLike[str], url: str | None = None) -> str:
    """Name the ledger of `home` for messages: its file, or its database without the password."""
    location = ledger_location(home, url)
    return f"{describe_url(location)} (table `writes`)" if is_postgres_url(
        location) else location


def ledger_exists(home: str | os.PathLike[str], url: str | None = None) -> bool:
    """Tell whether `home` has a ledger (its file, or the table in PostgreSQL); creates nothing."""
    location = ledger_location(home, url)
    if not is_postgres_url(location):
        return Path(location).exists()
    db = open_database(location, what="the ledger")
    try:
        return db.has_table("writes")
    finally:
        db.close()


class LedgerError(RuntimeError):
    """An impossible ledger operation (unknown write id, illegal status transition)."""


class Ledger:
    """Append-only, hash-chained log of Meta writes (see the module docstring)."""

    LOCK = "adpilot-ledger"  # the advisory lock every append takes (PostgreSQL)

    def __init__(self, location: str | os.PathLike[str] | Database, *,
                 home: str | os.PathLike[str] | None = None) -> None:
        """Open the ledger at `location`: a SQLite file, `:memory:`, a PostgreSQL URL or a `Database`.

        `home` is the ADPILOT_HOME it serves (the kill switch records stops beside it); by
        default the folder of a SQLite file.
        """
        if isinstance(location, Database):
            self.db = location
        else:
            self.db = open_database(location, what="the ledger", synchronous="FULL")
        self.path = str(getattr(self.db, "path", location))
        is_file = self.db.backend == "sqlite" and self.path != ":memory:"
        self.home: Path | None = Path(home) if home is not None else (
            Path(self.path).parent if is_file else None)
        # One row per (write, step): the database refuses a second outcome for one step.
        self.db.ensure_table("writes", _COLUMNS, pk=("id",), indexes=(
            ("write_id",), ("thread_id",), ("plan_key", "op")), unique=(("write_id", "seq"),))

    @classmethod
    def in_home(cls, home: str | os.PathLike[str], url: str | None = None) -> Ledger:
        """Open the ledger of `home`: `<home>/ledger.db`, or PostgreSQL beside the checkpoints."""
        return cls(state_location(home, "ledger", url), home=home)

    @property
    def shared(self) -> bool:
        """True when the ledger lives in a database shared by every worker (PostgreSQL)."""
        return self.db.backend == "postgres"

    # -- writing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group appends into one exclusive transaction (re-entrant; one fsync at the end)."""
        with self.db.transaction(lock=self.LOCK):
            yield

    def _append(self, fields: dict[str, Any], *, stamp: bool = True) -> dict[str, Any]:
        with self.transaction():
            found = self.db.query("SELECT id, row_hash FROM writes ORDER BY id DESC LIMIT 1")
            last = (found[0]["id"], found[0]["row_hash"]) if found else None
            row: dict[str, Any] = {k: None for k in _HASHED}
            row.update(fields)
            if row.get("policy_digest") is None:
                row.pop("policy_digest", None)  # the column stays NULL (and unhashed)
            row["id"], row["prev_hash"] = ((last[0] + 1), last[1]) if last else (1, GENESIS)
            # Stamp inside the lock so timestamps never disagree with row order (parallel
            # uploads used to get an intent time earlier than the row before it).
            if stamp:
                row["updated_at"] = _now()
                if row.get("status") == "intent":
                    row["created_at"] = row["updated_at"]
            row["row_hash"] = _row_hash(row)
            self.db.insert("writes", row)
        return row

    def adopt(self, other: Ledger) -> int:
        """Append the rows of `other` this ledger lacks, in their order; returns how many.

        For moving a home's ledger into the shared one (PostgreSQL): `other`'s chain must
        verify first — a tampered history is refused, not laundered into a new chain. Each row
        keeps its write, step, content and timestamps and is chained here under a new id.
        Rows already here (same write and step) are skipped, so adopting again adds nothing.
        """
        ok, problems = other.verify()
        if not ok:
            raise LedgerError(
                f"the ledger {other.path} does not verify ({'; '.join(problems[:3])}); nothing "
                "was copied from it. Check it with `adpilot audit verify` (ADPILOT_CHECKPOINT_URL "
                "unset) and restore it from a backup")
        added = 0
        with self.transaction():
            have = {(str(r["write_id"]), int(r["seq"]))
                    for r in self.db.query("SELECT write_id, seq FROM writes")}
            for row in other.db.query("SELECT * FROM writes ORDER BY id"):
                if (str(row["write_id"]), int(row["seq"])) in have:
                    continue
                fields = {k: row[k] for k in _HASHED if k not in ("id", "prev_hash")}
                fields["policy_digest"] = row.get("policy_digest")
                self._append(fields, stamp=False)
                added += 1
        return added

    def intent(
        self,
        *,
        op: str,
        path: str,
        params: Any,
        plan_key: str | None = None,
        object_type: str | None = None,
        thread_id: str | None = None,
        receipt: str | None = None,
        before: Any = None,
        policy_digest: str | None = None,
        after: Any = None,
    ) -> str:
        """Record that a write is about to be sent; returns its `write_id`.

        `after` here is what the write asks Meta to hold (the compacted params): it lets a
        write whose outcome is lost be reconciled by reading the object back. `done` replaces
        it with what Meta confirmed.
        """
        return self._first_row(
            "intent", op=op, path=path, params=params, plan_key=plan_key,
            object_type=object_type, thread_id=thread_id, receipt=receipt,
            policy_digest=policy_digest, before=_json_or_none(before),
            after=_json_or_none(after))

    def _first_row(self, status: str, *, op: str, path: str, params: Any, plan_key: str | None,
                   object_type: str | None, thread_id: str | None, receipt: str | None,
                   policy_digest: str | None, **columns: Any) -> str:
        """Append the first row of a new write (`intent`, or `refused` for one never sent)."""
        write_id = uuid.uuid4().hex
        self._append({
            "write_id": write_id, "seq": 0, "thread_id": thread_id, "plan_key": plan_key,
            "op": op, "object_type": object_type, "path": scrub(path),
            "request_digest": request_digest(params), "status": status, "receipt": receipt,
            "policy_digest": policy_digest, **columns,
        })
        return write_id

    def refusal(
        self,
        *,
        op: str,
        path: str,
        params: Any,
        message: str,
        verdict: Any,
        plan_key: str | None = None,
        object_type: str | None = None,
        thread_id: str | None = None,
        receipt: str | None = None,
        policy_digest: str | None = None,
    ) -> str:
        """Record a write the money gate refused (never sent); returns its `write_id`."""
        return self._first_row(
            "refused", op=op, path=path, params=params, plan_key=plan_key,
            object_type=object_type, thread_id=thread_id, receipt=receipt,
            policy_digest=policy_digest, after=_json_or_none(verdict),
            error=scrub(message)[:2000])

    def intent_many(self, entries: list[dict[str, Any]]) -> list[str]:
        """Record several intents (keyword dicts as for `intent`) in one transaction."""
        with self.transaction():
            return [self.intent(**e) for e in entries]

    def mark(
        self,
        write_id: str,
        status: str,
        *,
        meta_id: str | None = None,
        after: Any = None,
        error: str | None = None,
    ) -> dict[str, Any]:
        """Append a status transition for `write_id` (keeping its other columns).

        The current status is read inside the append's transaction, so two processes marking
        one write cannot both pass the check on a stale read. A legitimate repeat — the write
        already has this status (and this Meta id) — appends nothing and returns it.
        """
        with self.transaction():
            current = self.get(write_id)
            if (current is not None and current["status"] == status and status != "intent"
                    and (meta_id is None or str(meta_id) == str(current.get("meta_id")))):
                return current
            fields = self._transition(write_id, status, meta_id=meta_id, after=after,
                                      error=error, current=current)
            return self._decode(self._append(fields))

    def mark_many(self, updates: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
        """Apply `(write_id, status, {meta_id, after, error})` transitions in one transaction.

        Each goes through `mark()` (so anything observing `mark` sees every transition).
        """
        with self.transaction():
            return [self.mark(wid, status, **(extra or {})) for wid, status, extra in updates]

    def resolve_retried(self, write_ids: list[str], by: str, *, meta_id: str | None,
                        after: Any) -> list[dict[str, Any]]:
        """Settle earlier attempts of a write that `by` (an identical retry) got confirmed.

        The same absolute values were sent again and Meta confirmed them, so whatever became
        of each earlier attempt, the object holds its values: each one still open is marked
        `done` with `by`'s Meta id and after-values plus `confirmed_by`. Keeps their `before`
        (the value read before the first attempt — what undo restores).
        """
        out = []
        with self.transaction():
            for wid in write_ids:
                current = self.get(wid)
                if current is None or current["status"] in TERMINAL:
                    continue  # settled meanwhile (e.g. by `adpilot audit reconcile`)
                merged = {**after, "confirmed_by": by} if isinstance(after, dict) else {
                    "value": after, "confirmed_by": by}
                out.append(self.mark(wid, "done", meta_id=meta_id, after=merged))
        return out

    def _transition(self, write_id: str, status: str, *, meta_id: str | None = None,
                    after: Any = None, error: str | None = None,
                    current: dict[str, Any] | None = None) -> dict[str, Any]:
        if status not in STATUSES:
            raise LedgerError(f"status must be one of {STATUSES}, got {status!r}")
        current = current if current is not None else self.get(write_id)
        if current is None:
            raise LedgerError(f"no ledger write with id {write_id!r}")
        if status not in _ALLOWED[current["status"]]:
            raise LedgerError(
                f"write {write_id} is {current['status']!r}; cannot become {status!r}"
            )
        fields = {k: current[k] for k in _HASHED if k not in ("id", "prev_hash", "updated_at")}
        fields["policy_digest"] = current.get("policy_digest")
        # get() decoded before/after into objects; store them as JSON text again.
        fields.update(before=_json_or_none(current["before"]), after=_json_or_none(current["after"]))
        fields.update(seq=current["seq"] + 1, status=status)
        if meta_id is not None:
            fields["meta_id"] = str(meta_id)
        if after is not None:
            fields["after"] = _json_or_none(after)
        if error is not None:
            fields["error"] = scrub(error)[:2000]
        return fields

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def _decode(row: dict[str, Any]) -> dict[str, Any]:
        out = dict(row)
        for key in ("before", "after"):
            if out.get(key) is not None:
                out[key] = json.loads(out[key])
        return out

    def _current(self, where: str = "1=1", args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        # `where` may only name columns that never change within a write (write_id,
        # thread_id, plan_key, op), so filtering before grouping is exact — and indexed.
        sql = (
            "SELECT w.* FROM writes w JOIN (SELECT write_id, MAX(seq) AS seq, MIN(id) AS first "
            f"FROM writes WHERE {where} GROUP BY write_id) l "
            "ON w.write_id = l.write_id AND w.seq = l.seq ORDER BY l.first"
        )
        return [self._decode(r) for r in self.db.query(sql, args)]

    def get(self, write_id: str) -> dict[str, Any] | None:
        """Return the current state of one write, or None."""
        rows = self._current("write_id = ?", (write_id,))
        return rows[0] if rows else None

    def rows(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """Return the current state of every write (optionally of one thread), oldest first."""
        if thread_id is None:
            return self._current()
        return self._current("thread_id = ?", (thread_id,))

    def events(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """Every appended row (the full history), in chain order."""
        sql, args = "SELECT * FROM writes ORDER BY id", cast(tuple[str, ...], ())
        if thread_id is not None:
            sql, args = "SELECT * FROM writes WHERE thread_id = ? ORDER BY id", (thread_id,)
        return [self._decode(r) for r in self.db.query(sql, args)]

    def find(self, plan_key: str, op: str, thread_id: str | None = None) -> dict[str, Any] | None:
        """Return the most recent write for (plan_key, op), preferring a `done` one; or None."""
        where, args = "plan_key = ? AND op = ?", cast(tuple[str, ...], (plan_key, op))
        if thread_id is not None:
            where, args = where + " AND thread_id = ?", (*args, thread_id)
        rows = self._current(where, args)
        done = [r for r in rows if r["status"] == "done"]
        if done:
            return done[-1]
        return rows[-1] if rows else None

    def created_objects(self, thread_id: str | None) -> list[dict[str, Any]]:
        """Objects this thread created (done creates/copies with a Meta id), oldest first."""
        rows = self.rows(thread_id) if thread_id is not None else self.rows()
        return [
            {"object_type": r["object_type"], "meta_id": r["meta_id"], "plan_key": r["plan_key"],
             "op": r["op"], "write_id": r["write_id"]}
            for r in rows
            if r["op"] in CREATE_OPS and r["status"] == "done" and r["meta_id"]
        ]

    def earlier_attempts(self, *, thread_id: str | None, path: str, op: str,
                         params: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Earlier attempts of this exact write: (those with no known outcome, the done one).

        The same write is the same thread, object path, operation and request digest. Walking
        the thread's writes to `path` back from the newest: `failed` and `refused` rows changed
        nothing and are skipped; identical rows still `intent` / `sent` / `unknown` are
        collected (oldest first) — a retry after a crash or a lost response; the first other
        row ends the walk, and is returned second when it is an identical `done` write (the
        node that sent it ran again). Any other write to the object since (another digest or
        operation) means the object moved on: nothing before it is this write's to claim.
        Creates are never matched: they are reconciled by provenance tag (`tools/launch.py`).
        """
        if op in CREATE_OPS:
            return [], None
        digest = request_digest(params)
        found: list[dict[str, Any]] = []
        for row in reversed(self._current("thread_id IS ? AND path = ?",
                                          (thread_id, scrub(path)))):
            if row["status"] in ("failed", "refused"):
                continue
            same = row["op"] == op and row["request_digest"] == digest
            if same and row["status"] not in TERMINAL:
                found.append(row)
                continue
            return found[::-1], (row if same and row["status"] == "done" else None)
        return found[::-1], None

    def pending_unknown(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        """Return writes whose outcome is not known: `unknown`, or `intent`/`sent` left by a crash."""
        rows = self.rows(thread_id) if thread_id is not None else self.rows()
        return [r for r in rows if r["status"] not in TERMINAL]

    def head(self) -> str:
        """Return the newest row's hash (GENESIS for an empty ledger)."""
        rows = self.db.query("SELECT row_hash FROM writes ORDER BY id DESC LIMIT 1")
        return str(rows[0]["row_hash"]) if rows else GENESIS

    def verify(self) -> tuple[bool, list[str]]:
        """Walk the chain; returns (ok, problems) naming every row that does not check out."""
        problems: list[str] = []
        prev = GENESIS
        expected_id = 1
        steps: set[tuple[str, int]] = set()
        for row in self.db.query("SELECT * FROM writes ORDER BY id"):
            step = (str(row["write_id"]), int(row["seq"]))
            if step in steps:
                problems.append(f"row {row['id']}: step {step[1]} of write {step[0]} appears "
                                "twice (two processes appended one outcome)")
            steps.add(step)
            if row["id"] != expected_id:
                problems.append(f"row {row['id']}: expected id {expected_id} (a row was removed)")
            if row["prev_hash"] != prev:
                problems.append(f"row {row['id']}: prev_hash does not match the previous row")
            if _row_hash(row) != row["row_hash"]:
                problems.append(f"row {row['id']}: content does not match its row_hash")
            if row["status"] not in STATUSES:
                problems.append(f"row {row['id']}: unknown status {row['status']!r}")
            prev = row["row_hash"]
            expected_id = row["id"] + 1
        return (not problems, problems)

    def close(self) -> None:
        """Close the underlying connection (or this ledger's share of the URL's pool)."""
        self.db.close()
