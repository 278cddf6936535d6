"""The one storage seam: where adpilot's own tables live, and the SQL that works in both places.

Longer than 300 lines because choosing the backend and both dialects (SQLite, and PostgreSQL
with its pool) must change together: a store written against one is written against both.

The checkpoints decide. With `ADPILOT_CHECKPOINT_URL` unset (or a `sqlite:///` URL) every store
is a SQLite file in ADPILOT_HOME — `ledger.db`, `insights.db`, `assets.db` — the embedded
default for one person on one machine. With a `postgresql://` URL the ledger, the insights
history and the asset cache live in **that** PostgreSQL database, beside the checkpoints,
leases and stop records, so every process and server replica that can resume a thread also
sees its ledger (the undo source and the kill switch's list) and its numbers. SQLite files on
shared storage are not a substitute: SQLite's locking is not reliable over NFS/SMB, and a
torn write there breaks the ledger's chain for everyone.

Each store is written once, against `Database`, in a small common SQL: `?` placeholders,
`CREATE TABLE IF NOT EXISTS`, `INSERT … ON CONFLICT … DO UPDATE`, `x IS ?` for a comparison
that matches NULL. The two backends differ only in what this module translates:

| | SQLite | PostgreSQL |
| --- | --- | --- |
| placeholders | `?` | `%s` (a literal `%` doubled) |
| null-safe `IS ?` | as written | `IS NOT DISTINCT FROM %s` |
| `int` / `float` columns | INTEGER / REAL | BIGINT / DOUBLE PRECISION |
| an exclusive transaction (`transaction(lock=…)`) | `BEGIN IMMEDIATE` (the whole file) | `BEGIN` + `pg_advisory_xact_lock(lock)` |
| connections | one per store, shared by its threads under a lock | a small pool per URL per process (psycopg_pool), one connection per transaction |

Every call runs under `guarded(where)`, so a full disk, a damaged file or an unreachable
server is a `StorageError` naming the store and the fix, never a driver traceback (and never
the URL's password).
"""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from state.storage import StorageError, guarded

CHECKPOINT_URL_ENV = "ADPILOT_CHECKPOINT_URL"
SQLITE_FILENAME = "checkpoints.sqlite"
_POSTGRES_SCHEMES = ("postgres", "postgresql")
_TYPES = {"sqlite": {str: "TEXT", int: "INTEGER", float: "REAL"},
          "postgres": {str: "TEXT", int: "BIGINT", float: "DOUBLE PRECISION"}}


class CheckpointerConfigError(ValueError):
    """The checkpoint URL cannot be used; the message names the variable and the fix."""


def configured_url(url: str | None = None) -> str | None:
    """`url`, else ADPILOT_CHECKPOINT_URL (None when neither is set)."""
    return url if url is not None else os.environ.get(CHECKPOINT_URL_ENV) or None


def checkpoint_backend(url: str | None = None) -> str:
    """Return `"sqlite"` or `"postgres"` for `url` (or ADPILOT_CHECKPOINT_URL when None)."""
    url = configured_url(url)
    if not url:
        return "sqlite"
    scheme = urlsplit(url).scheme.split("+", 1)[0].lower()
    if scheme in _POSTGRES_SCHEMES:
        return "postgres"
    if scheme == "sqlite":
        return "sqlite"
    raise CheckpointerConfigError(
        f"{CHECKPOINT_URL_ENV}: unsupported scheme {scheme!r}; use postgresql://user@host:port/db "
        "for PostgreSQL, sqlite:///path/to/file.sqlite, or leave it unset for "
        f"<ADPILOT_HOME>/{SQLITE_FILENAME}"
    )


def is_postgres_url(location: object) -> bool:
    """Tell whether `location` (a path or a URL) names a PostgreSQL database."""
    return isinstance(location, str) and urlsplit(location).scheme.split("+", 1)[0].lower() in (
        _POSTGRES_SCHEMES)


def sqlite_file(home: str | os.PathLike[str], url: str | None = None) -> Path:
    """Return the SQLite checkpoint file: `url`'s path for a sqlite:/// URL, else `<home>/checkpoints.sqlite`."""
    if url and urlsplit(url).scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////abs/path.db, as SQLAlchemy writes them.
        path = url.split("://", 1)[1]
        return Path(path[1:] if path.startswith("/") else path)
    return Path(home) / SQLITE_FILENAME


def describe_url(url: str) -> str:
    """`postgresql://host:port/db`: a database URL without its user and password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{host}{port}{parts.path}"


def state_location(home: str | os.PathLike[str], name: str, url: str | None = None) -> str:
    """Where the store `name` (`ledger`, `insights`, `assets`) of `home` lives: a file or a URL.

    The PostgreSQL URL of the checkpoints when they are in PostgreSQL, else
    `<home>/<name>.db`.
    """
    url = configured_url(url)
    if checkpoint_backend(url) == "postgres":
        assert url is not None
        return url
    return str(Path(home) / f"{name}.db")


def open_database(location: str | os.PathLike[str], *, what: str = "the database",
                  synchronous: str = "NORMAL") -> Database:
    """Open a SQLite file (or `:memory:`) or a PostgreSQL URL as a `Database`.

    `what` names the store in error messages ("the ledger"); `synchronous` is SQLite's
    durability setting (the ledger asks for FULL).
    """
    if is_postgres_url(location):
        return PostgresDatabase(str(location), what)
    return SQLiteDatabase(str(location), what, synchronous=synchronous)


@lru_cache(maxsize=512)
def _to_postgres(sql: str) -> str:
    sql = sql.replace("%", "%%")
    sql = re.sub(r"\bIS \?", "IS NOT DISTINCT FROM ?", sql)
    return sql.replace("?", "%s")


def _lock_key(name: str) -> int:
    """Return a stable signed 64-bit key for `pg_advisory_xact_lock` from a lock's name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class Database:
    """A store's tables on one backend (see the module docstring); subclasses differ only in dialect."""

    backend: str
    where: str  # the store, for error messages ("the ledger /home/me/.adpilot/ledger.db")
    path: str  # the file, or the URL without its password

    # -- the dialect: what a subclass provides -----------------------------------------------

    def _run(self, sql: str, args: Sequence[Any], many: bool) -> tuple[list[dict[str, Any]], int]:
        raise NotImplementedError

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[None]:
        """Run the block in one exclusive transaction; every process's writes serialise on `lock`.

        Re-entrant: a nested block joins the outer transaction. On SQLite the whole file is
        locked (`BEGIN IMMEDIATE`); on PostgreSQL the named advisory lock is held until commit.
        """
        raise NotImplementedError
        yield  # pragma: no cover

    def has_table(self, name: str) -> bool:
        """Tell whether table `name` exists."""
        raise NotImplementedError

    def columns(self, table: str) -> list[str]:
        """Return the column names of `table`, in order."""
        raise NotImplementedError

    def has_index(self, name: str) -> bool:
        """Tell whether index `name` exists."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the store (its connection, or its share of the URL's pool)."""
        raise NotImplementedError

    # -- common SQL ------------------------------------------------------------------------

    def query(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a statement and return its rows as dicts."""
        with guarded(self.where):
            return self._run(sql, tuple(args), False)[0]

    def execute(self, sql: str, args: Sequence[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        with guarded(self.where):
            return self._run(sql, tuple(args), False)[1]

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run a statement once per parameter row."""
        rows = [tuple(r) for r in rows]
        if rows:
            with guarded(self.where):
                self._run(sql, rows, True)

    def type_of(self, kind: type) -> str:
        """Return the column type for a Python type (`str`, `int`, `float`) on this backend."""
        return _TYPES[self.backend][kind]

    def ensure_table(self, name: str, columns: Mapping[str, type], pk: Sequence[str],
                     indexes: Sequence[Sequence[str]] = (),
                     unique: Sequence[Sequence[str]] = ()) -> None:
        """Create the table and its indexes unless they exist; add columns it lacks.

        Index names follow sqlite-utils (`idx_<table>_<columns>`), so files it created keep
        theirs. A `unique` index is not added to an older table that already holds duplicates
        of its columns (its readers report them, e.g. `Ledger.verify`).
        """
        names = [f"idx_{name}_{'_'.join(i)}" for i in (*indexes, *unique)]
        complete = self.has_table(name) and set(columns) <= set(self.columns(name))
        if complete and all(self.has_index(n) for n in names):
            return  # nothing to change: no write lock (a read-only file still opens)
        try:
            self._create(name, columns, pk, indexes, unique)
        except StorageError as exc:
            # Only an index is missing and the file is read-only: it still opens for
            # reading (audit, the kill switch); the next writable open adds the index.
            if not (complete and exc.kind == "read-only"):
                raise

    def _create(self, name: str, columns: Mapping[str, type], pk: Sequence[str],
                indexes: Sequence[Sequence[str]], unique: Sequence[Sequence[str]]) -> None:
        cols = ", ".join(f"{c} {self.type_of(t)}" for c, t in columns.items())
        with self.transaction(lock=f"adpilot-ddl {name}"):
            if not self.has_table(name):
                self.execute(f"CREATE TABLE IF NOT EXISTS {name} ({cols}, "
                             f"PRIMARY KEY ({', '.join(pk)}))")
            else:
                have = set(self.columns(name))
                for col, kind in columns.items():
                    if col not in have:
                        self.execute(f"ALTER TABLE {name} ADD COLUMN {col} {self.type_of(kind)}")
            for index in indexes:
                self.execute(f"CREATE INDEX IF NOT EXISTS idx_{name}_{'_'.join(index)} "
                             f"ON {name} ({', '.join(index)})")
            for index in unique:
                cols = ", ".join(index)
                if not self.query(f"SELECT 1 FROM {name} GROUP BY {cols} HAVING COUNT(*) > 1 "
                                  "LIMIT 1"):
                    self.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS "
                                 f"idx_{name}_{'_'.join(index)} ON {name} ({cols})")

    def insert(self, table: str, row: Mapping[str, Any]) -> None:
        """Insert one row."""
        marks = ", ".join("?" for _ in row)
        self.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", list(row.values()))

    def upsert(self, table: str, rows: Iterable[Mapping[str, Any]], pk: Sequence[str]) -> int:
        """Insert rows, replacing the non-key columns of rows whose key exists; returns the count."""
        rows = list(rows)
        if not rows:
            return 0
        names: list[str] = []
        for row in rows:
            names += [k for k in row if k not in names]
        update = [c for c in names if c not in pk]
        action = ("DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in update)
                  if update else "DO NOTHING")
        sql = (f"INSERT INTO {table} ({', '.join(names)}) VALUES "
               f"({', '.join('?' for _ in names)}) ON CONFLICT ({', '.join(pk)}) {action}")
        self.executemany(sql, ([row.get(c) for c in names] for row in rows))
        return len(rows)


class SQLiteDatabase(Database):
    """A SQLite file (or `:memory:`): one connection, shared by this process's threads."""

    backend = "sqlite"

    def __init__(self, path: str, what: str, *, synchronous: str = "NORMAL") -> None:
        self.path = path
        self.where = f"{what} {path}"
        self._lock = threading.RLock()
        self._depth = 0
        with guarded(self.where):
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Autocommit; `transaction()` takes BEGIN IMMEDIATE so concurrent processes
            # serialise their writes instead of failing on a stale read.
            self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                        timeout=30)
            self.conn.row_factory = sqlite3.Row
            if path != ":memory:":
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute(f"PRAGMA synchronous={synchronous}")

    def _run(self, sql: str, args: Sequence[Any], many: bool) -> tuple[list[dict[str, Any]], int]:
        with self._lock:
            cur = self.conn.executemany(sql, args) if many else self.conn.execute(sql, args)
            rows = [dict(r) for r in cur.fetchall()] if cur.description else []
            return rows, cur.rowcount

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[None]:  # noqa: D102 - see base
        with self._lock, guarded(self.where):
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def has_table(self, name: str) -> bool:  # noqa: D102 - see base
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (name,)))

    def columns(self, table: str) -> list[str]:  # noqa: D102 - see base
        return [r["name"] for r in self.query(f"PRAGMA table_info({table})")]

    def has_index(self, name: str) -> bool:  # noqa: D102 - see base
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                               (name,)))

    def close(self) -> None:  # noqa: D102 - see base
        with self._lock:
            self.conn.close()


class _Pool:
    """One URL's connection pool in this process, shared by every store on it."""

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        try:  # once directly: a refused connection fails now, not after the pool's retries
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error:
            raise ConnectionError(
                f"cannot connect to {describe_url(url)}; check {CHECKPOINT_URL_ENV}, that the "
                "server runs, and the user, password and database") from None
        self.users = 0
        self.local = threading.local()  # the connection of this thread's open transaction
        self.pool = ConnectionPool(
            url, min_size=1, max_size=4, open=False, timeout=15, num_workers=1,
            kwargs={"autocommit": True, "row_factory": dict_row, "connect_timeout": 10},
            check=ConnectionPool.check_connection, name="adpilot-state")
        try:
            self.pool.open(wait=True, timeout=15)
        except Exception:  # noqa: BLE001 - reported below without the driver's text
            self.pool.close()
            # `from None`, not the driver's message: it can quote the URL's password.
            raise ConnectionError(
                f"cannot connect to {describe_url(url)}; check {CHECKPOINT_URL_ENV}, that the "
                "server runs, and the user, password and database") from None


_POOLS: dict[str, _Pool] = {}
_POOLS_LOCK = threading.Lock()


@atexit.register
def close_all() -> None:
    """Close every PostgreSQL pool of this process (at exit; tests before dropping a database)."""
    with _POOLS_LOCK:
        for shared in _POOLS.values():
            shared.pool.close()
        _POOLS.clear()


class PostgresDatabase(Database):
    """The PostgreSQL database of a URL, through this process's pool for it."""

    backend = "postgres"

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        self.path = describe_url(url)
        self.where = f"{what} in {self.path}"
        with _POOLS_LOCK:
            shared = _POOLS.get(url)
            if shared is None:
                try:
                    shared = _POOLS[url] = _Pool(url)
                except ConnectionError as exc:
                    raise StorageError(self.where, exc) from None
            shared.users += 1
        self._shared: _Pool | None = shared

    @property
    def _pool(self) -> _Pool:
        if self._shared is None:
            raise StorageError(self.where, RuntimeError("closed: open the store again"))
        return self._shared

    @contextmanager
    def _connection(self) -> Iterator[Any]:
        conn = getattr(self._pool.local, "conn", None)
        if conn is not None:  # inside this thread's transaction
            yield conn
            return
        with self._pool.pool.connection() as conn:
            yield conn

    def _run(self, sql: str, args: Sequence[Any], many: bool) -> tuple[list[dict[str, Any]], int]:
        with self._connection() as conn, conn.cursor() as cur:
            if many:
                cur.executemany(_to_postgres(sql), args)
            else:
                cur.execute(_to_postgres(sql), args)
            rows = list(cur.fetchall()) if cur.description else []
            return rows, cur.rowcount

    @contextmanager
    def transaction(self, lock: str | None = None) -> Iterator[None]:  # noqa: D102 - see base
        local = self._pool.local
        with guarded(self.where):
            conn = getattr(local, "conn", None)
            if conn is not None:  # nested: join it, taking `lock` too if it is a new one
                if lock is not None and lock not in local.locks:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(lock),))
                    local.locks.add(lock)
                yield
                return
            with self._pool.pool.connection() as conn, conn.transaction():
                if lock is not None:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(lock),))
                local.conn, local.locks = conn, {lock}
                try:
                    yield
                finally:
                    local.conn, local.locks = None, set()

    def has_table(self, name: str) -> bool:  # noqa: D102 - see base
        return bool(self.query(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_name = ?", (name,)))

    def columns(self, table: str) -> list[str]:  # noqa: D102 - see base
        return [r["column_name"] for r in self.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? ORDER BY ordinal_position", (table,))]

    def has_index(self, name: str) -> bool:  # noqa: D102 - see base
        return bool(self.query("SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() "
                               "AND indexname = ?", (name,)))

    def close(self) -> None:  # noqa: D102 - see base
        shared, self._shared = self._shared, None
        if shared is None:
            return
        with _POOLS_LOCK:
            shared.users -= 1
            if shared.users <= 0 and _POOLS.get(self.url) is shared:
                del _POOLS[self.url]
                shared.pool.close()
