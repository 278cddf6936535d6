"""Storage faults as clear errors: which file, what is wrong with it, and the fix.

A full disk, a read-only or damaged file under ADPILOT_HOME must never surface as a
traceback, and never leave a thread looking finished. The ledger and the runner wrap every
SQLite (and PostgreSQL) call in `guarded(where)`, which turns a storage exception into
`StorageError` naming the file; the CLI prints it and exits 1. Nothing about the thread is
lost: the last completed step stays saved and `adpilot resume THREAD` continues from it once
the cause is fixed.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

# (kind, words in SQLite's message or errno values, what to do)
_KINDS: tuple[tuple[str, tuple[str, ...], tuple[int, ...], str], ...] = (
    ("full", ("disk is full", "database or disk is full", "no space"),
     (errno.ENOSPC, errno.EDQUOT),
     "the disk is full: free space on it, then run the same command again (`adpilot resume "
     "THREAD` continues from the last step that was saved)"),
    ("read-only", ("readonly", "read-only"), (errno.EROFS, errno.EACCES, errno.EPERM),
     "it is read-only: make the file and its folder writable (or point ADPILOT_HOME at a "
     "writable folder), then run the command again"),
    ("damaged", ("malformed", "not a database", "encrypted", "corrupt"), (),
     "it is damaged: move it aside and restore it from a backup (`adpilot stop --all` still "
     "stops spend from the checkpoints or the ledger, whichever is intact)"),
    ("missing", ("missing", "no such file"), (errno.ENOENT,),
     "restore it from a backup (see the detail for what else still works)"),
    ("unreachable", ("cannot connect",), (),
     "the database server cannot be reached: check that it runs and the URL is right"),
    ("locked", ("database is locked", "database table is locked"), (),
     "another process kept it locked too long: run the command again"),
    ("unreadable", ("unable to open", "disk i/o error", "i/o error"), (errno.EIO,),
     "it cannot be opened or read: check that its folder exists and the disk is healthy"),
)


class StorageError(RuntimeError):
    """A storage fault in one file (or database); the message names it, the cause and the fix."""

    def __init__(self, where: str, exc: BaseException) -> None:
        self.where = where
        self.kind, fix = classify(exc)
        detail = str(exc).strip() or type(exc).__name__
        super().__init__(f"storage error in {where} ({self.kind}: {detail}); {fix}")


def classify(exc: BaseException) -> tuple[str, str]:
    """Return (kind, fix) for a storage exception."""
    text = str(exc).lower()
    code = getattr(exc, "errno", None) or getattr(exc, "sqlite_errorcode", None)
    for kind, words, codes, fix in _KINDS:
        if any(w in text for w in words) or (isinstance(exc, OSError) and code in codes):
            return kind, fix
    return "storage fault", "check the file and the disk, then run the command again"


def _database_errors() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [sqlite3.DatabaseError]
    try:
        import psycopg

        types.append(psycopg.OperationalError)
    except ImportError:  # pragma: no cover - psycopg is a dependency
        pass
    return tuple(types)


@contextmanager
def guarded(where: str) -> Iterator[None]:
    """Turn a database error raised in the block into `StorageError` naming `where`.

    Only database errors (SQLite, PostgreSQL) are converted: an OSError in the block may be
    about another file (an image the brief names) and keeps its own message.
    """
    try:
        yield
    except StorageError:
        raise
    except _database_errors() as exc:
        raise StorageError(where, exc) from None
