"""Record an applied undo where the optimise loop's judging and the reports will see it.

Why: an undo runs outside the graph (`adpilot undo`, between cycles) and cannot edit the
thread's checkpoint; without a record, the next card judged an undone pause "regressed" and an
undone refresh "pending", and the report listed both as applied — judged on what no longer
runs. `record_undone` writes one mark per undone ledger write into the thread's action
history (`state/action_history.py::record_undo`): the write's receipt and the objects it was
about (its Meta id, and for a creative or an image the new ads the undo paused), when (the
account's clock: a sandbox's simulated day, the day the loop's actions are dated by) and by
which of the undo's own writes (plan key `undo:<write id>`). An undo of an undo puts the
first change back: its write is recorded as redone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from state.action_history import ActionHistory
from state.ledger import Ledger
from tools.undo_check import undo_key, undone_by


def record_undone(history: ActionHistory, thread_id: str, row: Mapping[str, Any], *,
                  result: Any, ledger: Ledger, client: Any) -> None:
    """Record that `row` (a ledger write of `thread_id`) was undone by the applied `result`."""
    done = [r["write_id"] for r in ledger.rows() if r.get("plan_key") == undo_key(row["write_id"])
            and r["status"] == "done"]
    objects = [str(row["meta_id"])]
    for key in ("paused", "already_off"):  # a creative's or an image's new ads
        objects += [str(a["id"]) for a in (result.result or {}).get(key) or []]
    when = client.account_clock().isoformat()
    history.record_undo(thread_id, row["write_id"], {
        "receipt": row.get("receipt"), "object_ids": objects, "undone_at": when,
        "undone_by": done})
    first = undone_by(row)
    if first:  # this undid an undo: the first write's change runs again
        history.record_undo(thread_id, first, {"redone": True, "redone_at": when,
                                               "redone_by": done})
