"""Where adpilot keeps its state (ADPILOT_HOME, the checkpoint store), found without creating it.

Reading commands (`adpilot status`) look here first: when there is no checkpoint store there
is no thread, and they say where they looked instead of creating an empty `.adpilot` in the
wrong folder. Nothing here imports LangGraph or the Meta client.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from state.database import (
    CHECKPOINT_URL_ENV,
    checkpoint_backend,
    describe_url,
    sqlite_file,
    state_location,
)


def adpilot_home() -> Path:
    """ADPILOT_HOME, default `./.adpilot` (created by the commands that write, not here)."""
    return Path(os.environ.get("ADPILOT_HOME") or ".adpilot")


def checkpoint_store(home: Path) -> tuple[str, Path | None]:
    """Return where the checkpoints live, said for a person, and the SQLite file (None: PostgreSQL)."""
    url = os.environ.get(CHECKPOINT_URL_ENV) or None
    if checkpoint_backend(url) == "postgres":
        assert url is not None
        return describe_url(url), None
    path = sqlite_file(home, url)
    return str(path), path


def holds_threads(home: Path) -> bool | None:
    """Tell whether the checkpoint store holds a thread, reading only (None: cannot tell here).

    False when the SQLite file does not exist or has no checkpoint; None for PostgreSQL or a
    file this quick read cannot open (the caller then opens the store properly).
    """
    _where, path = checkpoint_store(home)
    if path is None:
        return None
    return _read_one(path, "SELECT 1 FROM checkpoints LIMIT 1", ())


def knows_thread(home: Path, thread_id: str) -> bool | None:
    """Tell whether the checkpoints or the ledger of `home` hold `thread_id`, reading only.

    The ledger counts too: a thread LangGraph Server ran has its Meta writes ledgered here and
    no checkpoint (`adpilot stop` and `undo` still act on it). None: cannot tell here
    (PostgreSQL, or a file this quick read cannot open) — the command opens its stores and
    says what it finds.
    """
    _where, path = checkpoint_store(home)
    if path is None:
        return None
    ledger = Path(state_location(home, "ledger"))  # beside SQLite checkpoints: a file
    found = [_read_one(path, "SELECT 1 FROM checkpoints WHERE thread_id = ? LIMIT 1", (thread_id,)),
             _read_one(ledger, "SELECT 1 FROM writes WHERE thread_id = ? LIMIT 1", (thread_id,))]
    return True if True in found else None if None in found else False


def unknown_thread(home: Path, thread_id: str) -> str | None:
    """Say why `thread_id` is not under `home` and how to reach it (None: it is, or cannot tell).

    The home is named by its absolute path: a relative `.adpilot` means a different folder in
    every shell, and the usual cause is a command typed in another folder than the run's.
    """
    known = knows_thread(home, thread_id)
    if known is not False:
        return None
    where = home.resolve()
    has_state = holds_threads(home) is not False
    how = ("ADPILOT_HOME" if os.environ.get("ADPILOT_HOME")
           else "ADPILOT_HOME unset: ./.adpilot of this folder")
    what = "other threads only" if has_state else "no threads"
    return (f"no thread {thread_id!r} under {where} ({how}), which holds {what}; nothing was "
            "created or changed. Run the command from the folder where the thread was started, "
            "or set ADPILOT_HOME=/absolute/path/of/its/.adpilot (`adpilot status` lists the "
            "threads of a home)")


def _read_one(path: Path, sql: str, params: tuple[str, ...]) -> bool | None:
    """Tell whether `sql` finds a row in the SQLite file `path`, opened read-only (never created).

    False when the file or its table does not exist; None when it cannot be read here.
    """
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return conn.execute(sql, params).fetchone() is not None
    except sqlite3.OperationalError as exc:
        # no such table: a store created but never written to
        return False if "no such table" in str(exc) else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
