"""Where adpilot keeps its state (ADPILOT_HOME, the checkpoint store), found without creating it.

Reading commands (`adpilot status`) look here first: when there is no checkpoint store there
is no thread, and they say where they looked instead of creating an empty `.adpilot` in the
wrong folder. Nothing here imports LangGraph or the Meta client.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from state.database import CHECKPOINT_URL_ENV, checkpoint_backend, describe_url, sqlite_file


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
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        return conn.execute("SELECT 1 FROM checkpoints LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError as exc:
        # no such table: a store created but never written to
        return False if "no such table" in str(exc) else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
