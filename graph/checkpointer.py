"""Open the checkpointer a run uses: SQLite in ADPILOT_HOME by default, PostgreSQL on request.

`ADPILOT_CHECKPOINT_URL` (or the `url` argument) picks the backend:

- unset, or a `sqlite:///path` URL → `SqliteSaver` (default file `<home>/checkpoints.sqlite`);
- `postgres://…` / `postgresql://…` → `PostgresSaver` (langgraph-checkpoint-postgres), with its
  tables created on first use, so several processes or LangGraph Server workers can share
  one database (see docs/scale-out.md). The ledger, the insights history and the asset cache
  follow the checkpoints into that database (`state/database.py`).

Both are used the same way::

    with open_checkpointer(home) as saver:
        graph = build_graph(checkpointer=saver)
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from state.control import (
    CHECKPOINT_URL_ENV,
    SQLITE_FILENAME,
    CheckpointerConfigError,
    checkpoint_backend,
)
from state.control import sqlite_file as _sqlite_file
from state.database import describe_url
from state.storage import guarded

__all__ = ["CHECKPOINT_URL_ENV", "SQLITE_FILENAME", "CheckpointerConfigError", "checkpoint_backend",
           "checkpoint_path", "describe_checkpointer", "open_checkpointer"]



def checkpoint_path(home: str | os.PathLike[str]) -> Path:
    """Return the default SQLite checkpoint file inside `home` (ADPILOT_HOME)."""
    return Path(home) / SQLITE_FILENAME


def describe_checkpointer(home: str | os.PathLike[str], url: str | None = None) -> str:
    """Say where checkpoints live, without the password of a database URL."""
    url = url if url is not None else os.environ.get(CHECKPOINT_URL_ENV) or None
    if checkpoint_backend(url) == "postgres":
        assert url is not None
        return describe_url(url)
    return str(_sqlite_file(home, url))


@contextmanager
def open_checkpointer(
    home: str | os.PathLike[str], url: str | None = None
) -> Iterator[BaseCheckpointSaver]:
    """Open the configured checkpointer for the duration of a `with` block.

    `url` overrides ADPILOT_CHECKPOINT_URL. The SQLite file's folder is created if missing
    and the database runs in WAL mode so a `status` in one process can read while a run in
    another writes. PostgreSQL tables are created (idempotently) on open.
    """
    url = url if url is not None else os.environ.get(CHECKPOINT_URL_ENV) or None
    if checkpoint_backend(url) == "postgres":
        assert url is not None
        with _open_postgres(url) as saver:
            yield guard_saver(saver, "the PostgreSQL checkpoint database")
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = _sqlite_file(home, url)
    path.parent.mkdir(parents=True, exist_ok=True)
    # check_same_thread=False: LangGraph runs sync nodes on worker threads.
    where = f"the checkpoints {path}"
    with guarded(where):
        conn = sqlite3.connect(str(path), check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA journal_mode=WAL")
        saver = SqliteSaver(conn)
        saver.setup()
    try:
        yield guard_saver(saver, where)
    finally:
        conn.close()


_SAVER_CALLS = ("get_tuple", "put", "put_writes", "delete_thread")


def guard_saver(saver: BaseCheckpointSaver, where: str) -> BaseCheckpointSaver:
    """Make the saver's storage errors `StorageError`s naming `where` (and nothing else's).

    Only the checkpointer's own calls are wrapped, so an error a node raises about another
    file keeps its own message.
    """
    def wrap(fn: Any) -> Any:
        @functools.wraps(fn)
        def call(*args: Any, **kw: Any) -> Any:
            with guarded(where):
                return fn(*args, **kw)
        return call

    def wrap_list(fn: Any) -> Any:
        @functools.wraps(fn)
        def listing(*args: Any, **kw: Any) -> Iterator[Any]:
            with guarded(where):
                yield from fn(*args, **kw)
        return listing

    for name in _SAVER_CALLS:
        setattr(saver, name, wrap(getattr(saver, name)))
    saver.list = wrap_list(saver.list)  # type: ignore[method-assign]
    return saver


@contextmanager
def _open_postgres(url: str) -> Iterator[BaseCheckpointSaver]:
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg import Error as OperationalError
    except ImportError as exc:  # pragma: no cover - both are declared dependencies
        raise CheckpointerConfigError(
            f"{CHECKPOINT_URL_ENV} is a PostgreSQL URL but langgraph-checkpoint-postgres is not "
            "installed; run `make install` (or pip install 'langgraph-checkpoint-postgres' "
            "'psycopg[binary]')"
        ) from exc
    with ExitStack() as stack:
        try:
            saver = stack.enter_context(PostgresSaver.from_conn_string(url))
        except OperationalError as exc:
            where = describe_checkpointer(".", url)
            # `from None`: the driver's message and traceback can quote the URL's password.
            raise CheckpointerConfigError(
                f"{CHECKPOINT_URL_ENV}: cannot connect to {where} ({type(exc).__name__}); check "
                "that the server is running and the user, password and database are right"
            ) from None
        saver.setup()
        yield saver
