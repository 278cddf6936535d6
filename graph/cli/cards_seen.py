"""Which approval card the command line last showed for each thread (`ADPILOT_HOME/cards.db`).

An approval applies only to the card the person saw. When `adpilot run`, `approve`, `resume`,
`status` or `tick` prints an approval card, it records the card's interrupt id and receipt
here; `adpilot approve THREAD` then answers *that* card by its id. If the pending card is
another one — edited elsewhere after it was shown, or never shown here — `approve` shows the
current card and refuses, so nobody approves a card they have not read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _table(home: str | Path) -> Any:
    import sqlite_utils  # here, not at the top: every command imports this module at start-up

    Path(home).mkdir(parents=True, exist_ok=True)
    return sqlite_utils.Database(Path(home) / "cards.db")["shown"]


def record_shown(home: str | Path, thread_id: str, interrupt_id: str | None,
                 payload: dict[str, Any]) -> None:
    """Remember that the approval card `interrupt_id` of `thread_id` was shown."""
    if not interrupt_id or payload.get("kind") != "approval":
        return
    _table(home).upsert({"thread_id": thread_id, "interrupt_id": interrupt_id,
                         "receipt": payload.get("receipt"),
                         "shown_at": datetime.now(UTC).isoformat()}, pk="thread_id")


def last_shown(home: str | Path, thread_id: str) -> dict[str, Any] | None:
    """Return the last approval card shown for `thread_id` (`interrupt_id`, `receipt`), or None."""
    if not (Path(home) / "cards.db").exists():
        return None
    table = _table(home)
    if not table.exists():
        return None
    rows = list(table.rows_where("thread_id = ?", [thread_id]))
    return rows[0] if rows else None
