"""Thread control: who is advancing a thread (a lease) and which threads the kill switch stopped.

Longer than 300 lines because leases and stop records share one store and its two backends
(SQLite and PostgreSQL).

Both live in the same store as the checkpoints — the SQLite file in ADPILOT_HOME
(`checkpoints.sqlite`), or the PostgreSQL database of `ADPILOT_CHECKPOINT_URL` — so every
process and server worker that can advance a thread sees them.

**Leases.** One thread, one runner. A process takes the thread's lease before it reads the
thread's pending step and keeps it until it has stopped advancing it (`ThreadControl.lease`).
A second process waits briefly (`ADPILOT_LEASE_WAIT` seconds, default 15) and then gets
`ThreadBusy`, which names the holder ("`adpilot approve` (pid 4242 on host, since 12:00:03)").
A lease expires `ADPILOT_LEASE_TTL` seconds (default 60) after it was last renewed; a holder
renews it from a background thread while it works, so only a holder that died or hung loses
it. A holder on this host whose process is gone (killed, crashed) is replaced at once.
Leases are re-entrant within a process.

**Facts.** `remember(key, value)` keeps facts about the home, e.g. that it has had a ledger
(so a lost ledger is noticed instead of silently recreated empty).

**Stops.** `stop(thread_ids)` records that the kill switch stopped a thread (kept until
cleared by hand). Every write node checks it before any write that could spend, and the
Meta client refuses such writes of a stopped thread (`ThreadStopped`), so resume, tick and
retries of a stopped thread never create or activate anything.
"""

from __future__ import annotations

import atexit
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from state.database import (
    CHECKPOINT_URL_ENV,
    SQLITE_FILENAME,
    CheckpointerConfigError,
    checkpoint_backend,
    sqlite_file,
)
from state.storage import StorageError, guarded

# Where the checkpoints live decides where everything else does (`state/database.py`).
__all__ = ["CHECKPOINT_URL_ENV", "SQLITE_FILENAME", "CheckpointerConfigError", "LeaseLost",
           "ThreadBusy", "ThreadControl", "ThreadStopped", "checkpoint_backend", "control_for",
           "lease_lost", "sqlite_file", "stopped_at"]

LEASE_TTL_ENV = "ADPILOT_LEASE_TTL"
LEASE_WAIT_ENV = "ADPILOT_LEASE_WAIT"
DEFAULT_TTL_S = 60.0
DEFAULT_WAIT_S = 15.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS adpilot_leases (thread_id TEXT PRIMARY KEY, token TEXT NOT NULL, "
    "pid INTEGER, host TEXT, proc_start TEXT, command TEXT, acquired_at DOUBLE PRECISION, "
    "expires_at DOUBLE PRECISION)",
    "CREATE TABLE IF NOT EXISTS adpilot_stops (thread_id TEXT PRIMARY KEY, at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS adpilot_facts (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: give a number of seconds, e.g. {name}={int(default)}"
                         ) from None
    low = 1 if name == LEASE_TTL_ENV else 0  # a lease must outlive at least one renewal
    if not low <= value <= 86400 or value != value:
        raise ValueError(f"{name}={raw!r}: give a number of seconds between {low} and 86400")
    return value


def _host() -> str:
    """Name this machine and PID namespace (pids compare only between processes sharing both)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").split("[")[-1].rstrip("]")
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}/pidns {namespace}"


_LOST: set[str] = set()
_RENEWED: dict[str, tuple[float, float]] = {}  # thread id → (last renewal, wall time; lifetime)


def lease_lost(thread_id: str | None) -> bool:
    """Tell whether this process lost the thread's lease while holding it (see `_renew`).

    Lost when another process took it over, or when no renewal succeeded for longer than the
    lease's lifetime (the process was suspended, or the store unreachable): another process
    may have taken it by now.
    """
    if not thread_id:
        return False
    renewed = _RENEWED.get(thread_id)
    return thread_id in _LOST or (renewed is not None and time.time() - renewed[0] > renewed[1])


def _proc_start(pid: int) -> str | None:
    """Return the start time of process `pid` (from /proc), so a reused pid is not mistaken for it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[-1].split()
    if fields and fields[0] == "Z":
        return None  # a zombie: the process is gone, only its exit status waits to be read
    return fields[19] if len(fields) > 19 else None


def _alive(pid: int | None, proc_start: str | None) -> bool:
    """Tell whether process `pid` (started at `proc_start`) still runs on this host."""
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    now = _proc_start(int(pid))
    if now is None:
        return not Path("/proc").is_dir()  # no /proc: trust kill(0)
    return proc_start is None or now == proc_start


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a thread's lease."""

    pid: int
    host: str
    command: str
    acquired_at: float
    expires_at: float

    def describe(self) -> str:
        """`adpilot approve` (pid 4242 on host, since 12:00:03 UTC)."""
        since = datetime.fromtimestamp(self.acquired_at, UTC).strftime("%H:%M:%S UTC")
        return f"`{self.command}` (pid {self.pid} on {self.host}, since {since})"


class ThreadBusy(RuntimeError):
    """Another process is advancing the thread; `holder` says who."""

    def __init__(self, thread_id: str, holder: Holder | None, waited_s: float) -> None:
        self.thread_id = thread_id
        self.holder = holder
        who = holder.describe() if holder is not None else "another process"
        super().__init__(
            f"thread {thread_id!r} is being advanced by {who}; waited {waited_s:.0f} s. Nothing "
            f"was done here: run the command again when it has finished (see `adpilot status "
            f"{thread_id}`); if that process is hung, end it and its lease is freed at once")


class ThreadStopped(RuntimeError):
    """A write that could spend, for a thread the kill switch stopped; nothing was sent."""

    def __init__(self, thread_id: str, at: str, what: str = "this write") -> None:
        self.thread_id = thread_id
        self.at = at
        super().__init__(
            f"thread {thread_id!r} was stopped by the kill switch at {at}: {what} was refused "
            "before it was ledgered or sent (a stopped thread never creates or activates "
            "anything). Start a new thread to launch again.")


class LeaseLost(RuntimeError):
    """The lease of a thread was lost mid-run; nothing that could spend is sent from here."""

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id
        super().__init__(
            f"this process lost the lease of thread {thread_id!r} (it was not renewed in time: "
            "the process was suspended or cut off from the checkpoint store), so another "
            "process may be advancing the thread; nothing more that could spend is sent from "
            f"here. See `adpilot status {thread_id}`, then `adpilot resume {thread_id}`.")


def _command() -> str:
    import sys

    prog = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if prog in ("__main__.py", "-m", "-c", ""):
        prog = "python"
    args = [a for a in sys.argv[1:3] if not a.startswith("-")][:1]
    return " ".join([prog, *args])


class ThreadControl:
    """Leases and stop records in the checkpoint store (module docstring)."""

    def __init__(self, connect: Callable[[], Any], dialect: str, where: str) -> None:
        self.dialect = dialect
        self.where = where
        self._connect = connect
        self._conn: Any = None
        self._lock = threading.RLock()
        # thread id → [token, depth, renewer stop event, owning Python thread]
        self._held: dict[str, list[Any]] = {}
        self.ttl_s = _env_seconds(LEASE_TTL_ENV, DEFAULT_TTL_S)
        self.wait_s = _env_seconds(LEASE_WAIT_ENV, DEFAULT_WAIT_S)
        self.host = _host()
        self.legacy: Path | None = None  # ADPILOT_HOME/stopped.db of earlier versions
        self.pid = os.getpid()
        self.proc_start = _proc_start(self.pid)
        self._ready = False

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, home: str | os.PathLike[str], url: str | None = None) -> ThreadControl:
        """Open the control store next to the checkpoints of `home` (or of `url`)."""
        url = url if url is not None else os.environ.get(CHECKPOINT_URL_ENV) or None
        if checkpoint_backend(url) == "postgres":
            assert url is not None

            def connect_pg() -> Any:
                import psycopg

                try:
                    return psycopg.connect(url, autocommit=True, connect_timeout=10)
                except psycopg.Error as exc:
                    # A storage fault (the kill switch goes on from the ledger); `from None` and
                    # not the driver's message, which can quote the URL's password.
                    raise StorageError("the PostgreSQL checkpoint database", ConnectionError(
                        f"cannot connect ({type(exc).__name__}); check {CHECKPOINT_URL_ENV}, "
                        "that the server runs, and the user, password and database")) from None

            control = cls(connect_pg, "postgres", "the PostgreSQL checkpoint database")
            control.legacy = Path(home) / "stopped.db"
            return control
        path = sqlite_file(home, url)

        def connect_sqlite() -> Any:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None,
                                   timeout=30)
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA journal_mode=WAL")
            return conn

        control = cls(connect_sqlite, "sqlite", f"the checkpoints {path}")
        control.legacy = Path(home) / "stopped.db"
        return control

    def _db(self) -> Any:
        with guarded(self.where):
            if self._conn is None:
                self._conn = self._connect()
            if not self._ready:
                for sql in _SCHEMA:
                    try:
                        self._conn.execute(sql)
                    except Exception as exc:  # noqa: BLE001 - see below
                        # Two processes creating a table at once: PostgreSQL reports the loser
                        # as a unique violation on its catalogue; the table exists now.
                        if "unique" not in str(exc).lower() and "exists" not in str(exc).lower():
                            raise
                self._ready = True
        return self._conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgres" else sql

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """Run an exclusive transaction over the lease table (serialises acquisitions)."""
        with self._lock, guarded(self.where):
            conn = self._db()
            if self.dialect == "sqlite":
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            else:
                with conn.transaction():
                    conn.execute("LOCK TABLE adpilot_leases IN SHARE ROW EXCLUSIVE MODE")
                    yield conn

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock, guarded(self.where):
            return list(self._db().execute(self._sql(sql), args).fetchall())

    def close(self) -> None:
        """Release every lease this object holds and close the connection."""
        for thread_id in list(self._held):
            self._release(thread_id, force=True)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
                self._ready = False

    # -- leases ------------------------------------------------------------------------------

    def holder(self, thread_id: str) -> Holder | None:
        """Who holds the thread's lease now (None when nobody, or the lease expired)."""
        rows = self._query("SELECT pid, host, command, acquired_at, expires_at FROM "
                           "adpilot_leases WHERE thread_id = ?", (thread_id,))
        if not rows or float(rows[0][4]) < time.time():
            return None
        pid, host, command, acquired, expires = rows[0]
        return Holder(int(pid or 0), str(host), str(command), float(acquired), float(expires))

    def _try_acquire(self, thread_id: str, token: str, command: str) -> Holder | None:
        """One attempt: take the lease (None) or return who holds it."""
        now = time.time()
        with self._transaction() as conn:
            row = conn.execute(self._sql(
                "SELECT token, pid, host, proc_start, command, acquired_at, expires_at FROM "
                "adpilot_leases WHERE thread_id = ?"), (thread_id,)).fetchone()
            if row is not None and row[0] != token and float(row[6]) > now:
                dead = row[2] == self.host and not _alive(row[1], row[3])
                if not dead:
                    return Holder(int(row[1] or 0), str(row[2]), str(row[4]), float(row[5]),
                                  float(row[6]))
            conn.execute(self._sql(
                "INSERT INTO adpilot_leases (thread_id, token, pid, host, proc_start, command, "
                "acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (thread_id) "
                "DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host, "
                "proc_start = excluded.proc_start, command = excluded.command, "
                "acquired_at = excluded.acquired_at, expires_at = excluded.expires_at"),
                (thread_id, token, self.pid, self.host, self.proc_start, command, now,
                 now + self.ttl_s))
        return None

    def acquire(self, thread_id: str, *, command: str | None = None,
                wait_s: float | None = None) -> None:
        """Take the thread's lease (re-entrant), waiting up to `wait_s`; raises `ThreadBusy`."""
        me = threading.get_ident()
        token = uuid.uuid4().hex
        wait = self.wait_s if wait_s is None else wait_s
        deadline = time.monotonic() + wait
        command = command or _command()
        while True:
            with self._lock:
                held = self._held.get(thread_id)
                if held is not None and held[3] == me:
                    held[1] += 1  # re-entrant for the Python thread that holds it
                    return
                mine = held is not None  # another thread of this process holds it
            holder = self._self_holder(command) if mine else self._try_acquire(
                thread_id, token, command)
            if holder is None:
                break
            if time.monotonic() >= deadline:
                raise ThreadBusy(thread_id, holder, wait)
            time.sleep(min(0.2, max(0.01, deadline - time.monotonic())))
        stop = threading.Event()
        with self._lock:
            self._held[thread_id] = [token, 1, stop, me]
            _LOST.discard(thread_id)
            _RENEWED[thread_id] = (time.time(), self.ttl_s)
        threading.Thread(target=self._renew, args=(thread_id, token, stop), daemon=True,
                         name=f"lease-{thread_id}").start()

    def _self_holder(self, command: str) -> Holder:
        now = time.time()
        return Holder(self.pid, self.host, command, now, now + self.ttl_s)

    def _renew(self, thread_id: str, token: str, stop: threading.Event) -> None:
        """Extend the lease every third of its lifetime; notice when it was lost.

        A failed renewal reconnects next time. When the row no longer carries our token
        (this process was suspended past the lease's lifetime and another took it over),
        the lease is lost: the Meta client of this process then refuses the thread's writes
        that could spend (`lease_lost`).
        """
        while not stop.wait(max(0.5, self.ttl_s / 3)):
            try:
                with self._lock:
                    cursor = self._db().execute(self._sql(
                        "UPDATE adpilot_leases SET expires_at = ? WHERE thread_id = ? AND "
                        "token = ?"), (time.time() + self.ttl_s, thread_id, token))
                    if cursor.rowcount == 0 and not stop.is_set():
                        _LOST.add(thread_id)
                        return
                    if not stop.is_set():
                        _RENEWED[thread_id] = (time.time(), self.ttl_s)
            except Exception:  # noqa: BLE001 - reconnect at the next renewal
                with self._lock:
                    self._conn, self._ready = None, False

    def release(self, thread_id: str) -> None:
        """Give back one level of the thread's lease (the last level frees it)."""
        self._release(thread_id, force=False)

    def _release(self, thread_id: str, *, force: bool) -> None:
        with self._lock:
            held = self._held.get(thread_id)
            if held is None:
                return
            held[1] -= 1
            if held[1] > 0 and not force:
                return
            del self._held[thread_id]
            held[2].set()
            _RENEWED.pop(thread_id, None)
            try:
                self._db().execute(self._sql(
                    "DELETE FROM adpilot_leases WHERE thread_id = ? AND token = ?"),
                    (thread_id, held[0]))
            except Exception:  # noqa: BLE001 - an unreleased lease expires on its own
                pass

    @contextmanager
    def lease(self, thread_id: str, *, command: str | None = None,
              wait_s: float | None = None) -> Iterator[None]:
        """Hold the thread's lease for a `with` block (see `acquire`)."""
        self.acquire(thread_id, command=command, wait_s=wait_s)
        try:
            yield
        finally:
            self.release(thread_id)

    def holds(self, thread_id: str) -> bool:
        """Tell whether this object holds the thread's lease."""
        with self._lock:
            return thread_id in self._held

    # -- stops -------------------------------------------------------------------------------

    def stop(self, thread_ids: list[str], at: str | None = None) -> str:
        """Record that the kill switch stopped these threads; returns the time recorded."""
        at = at or datetime.now(UTC).isoformat()
        with self._lock, guarded(self.where):
            conn = self._db()
            for thread_id in thread_ids:
                conn.execute(self._sql(
                    "INSERT INTO adpilot_stops (thread_id, at) VALUES (?, ?) ON CONFLICT "
                    "(thread_id) DO NOTHING"), (thread_id, at))
        return at

    def stopped(self, thread_id: str) -> str | None:
        """When the kill switch stopped the thread (None when it did not)."""
        rows = self._query("SELECT at FROM adpilot_stops WHERE thread_id = ?", (thread_id,))
        return str(rows[0][0]) if rows else self._legacy().get(thread_id)

    def stops(self) -> dict[str, str]:
        """Every stopped thread → when it was stopped."""
        found = {str(t): str(at) for t, at in self._query("SELECT thread_id, at FROM adpilot_stops")}
        return {**self._legacy(), **found}

    def _legacy(self) -> dict[str, str]:
        """Read the stops an earlier version kept in `ADPILOT_HOME/stopped.db` (still honoured)."""
        if self.legacy is None or not self.legacy.exists():
            return {}
        with guarded(f"the stop records {self.legacy}"):
            conn = sqlite3.connect(self.legacy)
            try:
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
                if "stopped" not in tables:
                    return {}
                return {str(t): str(at) for t, at in conn.execute(
                    "SELECT thread_id, at FROM stopped")}
            finally:
                conn.close()


    # -- facts about the home (e.g. that it has had a ledger) ----------------------------------

    def remember(self, key: str, value: str) -> None:
        """Record a fact about this home once (the first value is kept)."""
        with self._lock, guarded(self.where):
            self._db().execute(self._sql(
                "INSERT INTO adpilot_facts (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
                (key, value))

    def recall(self, key: str) -> str | None:
        """Return a recorded fact (None when never recorded)."""
        rows = self._query("SELECT value FROM adpilot_facts WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None


_OPEN: dict[tuple[str, str | None], ThreadControl] = {}
_OPEN_LOCK = threading.Lock()


@atexit.register
def _close_all() -> None:
    """Close the shared stores at exit (their leases are released, connections closed)."""
    with _OPEN_LOCK:
        for control in _OPEN.values():
            try:
                control.close()
            except Exception:  # noqa: BLE001 - best effort at interpreter exit
                pass
        _OPEN.clear()


def control_for(home: str | os.PathLike[str], url: str | None = None) -> ThreadControl:
    """Return a shared `ThreadControl` for `home` in this process (for checks inside graph nodes)."""
    url = url if url is not None else os.environ.get(CHECKPOINT_URL_ENV) or None
    key = (str(Path(home).resolve()), url)
    with _OPEN_LOCK:
        if key not in _OPEN:
            _OPEN[key] = ThreadControl.open(home, url)
        return _OPEN[key]


def stopped_at(home: str | os.PathLike[str], thread_id: str | None) -> str | None:
    """When the kill switch stopped `thread_id` (None when it did not, or no thread)."""
    if not thread_id:
        return None
    return control_for(home).stopped(thread_id)
