"""SQLite persistence for the sandbox: every object Meta would hold, the clock and settings.

One `Store` per sandbox database. Objects (campaigns, ad sets, creatives, ads, images,
videos, report runs, ...) live in one `objects` table as JSON documents keyed by id, with
their type, account and parent ids lifted into columns for listing. Other modules keep their
own tables (delivery rows, rate-limit counters) through `store.db`, a `sqlite_utils.Database`.

The store is shared by the server's request threads; every access holds `store.lock`
(a re-entrant lock), so a handler that reads, validates and writes can do it atomically by
wrapping the work in `with store.lock:`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

FIRST_ID = 120_210_000_000_000_000


class Store:
    """Thread-safe persistence for one sandbox."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        with self.lock:
            if self.path != ":memory:":
                self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._ensure_schema()

    def _ensure_schema(self) -> None:
        if "objects" not in self.db.table_names():
            self.db.table("objects").create(
                {
                    "id": str,
                    "type": str,
                    "account_id": str,
                    "parent_id": str,
                    "seq": int,
                    "data": str,
                },
                pk="id",
            )
            self.db.table("objects").create_index(["type", "account_id"])
            self.db.table("objects").create_index(["parent_id"])
        if "settings" not in self.db.table_names():
            self.db.table("settings").create({"key": str, "value": str}, pk="key")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and run the body in one SQLite transaction."""
        with self.lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- settings -----------------------------------------------------------------------
    def get_setting(self, key: str, default: Any = None) -> Any:
        """Return a JSON setting, or `default` when unset."""
        with self.lock:
            rows = list(self.db.query("select value from settings where key = ?", [key]))
        return json.loads(rows[0]["value"]) if rows else default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable setting."""
        with self.lock:
            self.db.table("settings").upsert({"key": key, "value": json.dumps(value)}, pk="key")

    def delete_setting(self, key: str) -> None:
        """Remove a setting (its default applies again)."""
        with self.lock:
            self.db.execute("delete from settings where key = ?", [key])

    # -- ids ----------------------------------------------------------------------------
    def next_id(self) -> str:
        """Return a fresh numeric id as Meta writes them (a decimal string)."""
        with self.lock:
            n = int(self.get_setting("next_id", FIRST_ID)) + 1
            self.set_setting("next_id", n)
            return str(n)

    def next_seq(self) -> int:
        """Return a monotonically increasing creation sequence number."""
        with self.lock:
            n = int(self.get_setting("next_seq", 0)) + 1
            self.set_setting("next_seq", n)
            return n

    # -- objects ------------------------------------------------------------------------
    def insert_object(
        self,
        type_: str,
        data: dict[str, Any],
        *,
        account_id: str = "",
        parent_id: str = "",
        id_: str | None = None,
    ) -> dict[str, Any]:
        """Insert an object; `data` gets an `id` when it has none. Returns the stored doc."""
        with self.lock:
            oid = id_ or data.get("id") or self.next_id()
            doc = {**data, "id": str(oid)}
            self.db.table("objects").insert(
                {
                    "id": str(oid),
                    "type": type_,
                    "account_id": account_id,
                    "parent_id": parent_id,
                    "seq": self.next_seq(),
                    "data": json.dumps(doc),
                },
                replace=True,
            )
            return doc

    def get_object(self, oid: str, type_: str | None = None) -> dict[str, Any] | None:
        """Return the stored doc with `_type`, `_account_id`, `_parent_id` keys, or None."""
        with self.lock:
            rows = list(self.db.query("select * from objects where id = ?", [str(oid)]))
        if not rows:
            return None
        row = rows[0]
        if type_ is not None and row["type"] != type_:
            return None
        return self._doc(row)

    def update_object(self, oid: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge `changes` into the stored doc and return the new doc."""
        with self.lock:
            row = self.db.table("objects").get(str(oid))
            doc = json.loads(row["data"])
            doc.update(changes)
            self.db.table("objects").update(str(oid), {"data": json.dumps(doc)})
            return doc

    def list_objects(
        self,
        type_: str,
        *,
        account_id: str | None = None,
        parent_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """List objects of a type (optionally under an account or parent), oldest first."""
        sql = "select * from objects where type = ?"
        args: list[Any] = [type_]
        if account_id is not None:
            sql += " and account_id = ?"
            args.append(account_id)
        if parent_id is not None:
            sql += " and parent_id = ?"
            args.append(parent_id)
        sql += " order by seq"
        with self.lock:
            rows = list(self.db.query(sql, args))
        return [self._doc(r) for r in rows]

    @staticmethod
    def _doc(row: dict[str, Any]) -> dict[str, Any]:
        doc = json.loads(row["data"])
        doc["_type"] = row["type"]
        doc["_account_id"] = row["account_id"]
        doc["_parent_id"] = row["parent_id"]
        return doc

    def close(self) -> None:
        """Close the underlying connection."""
        with self.lock:
            self.db.conn.close()
