"""Audit the write ledger: hash chain intact, every write a legal status history.

`audit_verify(home)` is what `adpilot audit verify` prints; `unresolved_writes(rows)` splits
writes without an outcome into those a later identical write confirmed and those still open.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from state.ledger import STATUSES, TERMINAL, Ledger


def audit_verify(home: str | Path, checkpoint_ids: Mapping[str, Iterable[str]] | None = None
                 ) -> dict[str, Any]:
    """Verify the ledger in `home`: hash chain intact, every write a legal status sequence.

    `checkpoint_ids` (thread → Meta ids its checkpoint says it created) are cross-checked:
    an id the ledger has no create for means the ledger was lost, replaced or cut short, so a
    recreated, empty ledger is never called intact while checkpoints reference writes.
    """
    path = Path(home) / "ledger.db"
    if not path.exists():
        raise FileNotFoundError(f"no ledger at {path}: set ADPILOT_HOME to the directory of a run")
    ledger = Ledger(path)
    try:
        ok, problems = ledger.verify()
        recorded = {str(r["meta_id"]) for r in ledger.rows() if r.get("meta_id")}
        for thread_id, ids in (checkpoint_ids or {}).items():
            missing = sorted({str(i) for i in ids} - recorded)
            if missing:
                problems.append(
                    f"thread {thread_id}: its checkpoint holds {len(missing)} Meta object(s) the "
                    f"ledger never recorded ({', '.join(missing[:3])}): the ledger was lost, "
                    "replaced or cut short — restore it from a backup")
        histories: dict[str, list[str]] = {}
        for event in ledger.events():
            histories.setdefault(event["write_id"], []).append(event["status"])
        for write_id, seq in histories.items():
            problems.extend(_sequence_problems(write_id, seq))
        current = ledger.rows()
        counts = {s: sum(1 for r in current if r["status"] == s) for s in STATUSES}
        loose = unresolved_writes(current)
        return {
            "ok": not problems,
            "problems": problems,
            "rows": len(ledger.events()),
            "writes": len(histories),
            "by_status": counts,
            "head": ledger.head(),
            "superseded": loose["superseded"],
            "unresolved": loose["unresolved"],
            "checked_at": datetime.now(UTC).isoformat(),
        }
    finally:
        ledger.close()


def unresolved_writes(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Split writes without an outcome into `superseded` and `unresolved` (write ids).

    A write left `intent` / `sent` / `unknown` (a crash or a lost response) is *superseded*
    when a later write of the same thread, plan key, operation and request digest is `done`:
    the same absolute values were set again and Meta confirmed them, so the object's state is
    known even though that attempt's own outcome is not. Anything else is *unresolved*.
    """
    rows = list(rows)
    done = {
        (r.get("thread_id"), r.get("plan_key"), r["op"], r.get("request_digest"))
        for r in rows
        if r["status"] == "done"
    }
    out: dict[str, list[str]] = {"superseded": [], "unresolved": []}
    for r in rows:
        if r["status"] in TERMINAL:
            continue
        key = (r.get("thread_id"), r.get("plan_key"), r["op"], r.get("request_digest"))
        out["superseded" if key in done else "unresolved"].append(r["write_id"])
    return out


def _sequence_problems(write_id: str, seq: Iterable[str]) -> list[str]:
    seq = list(seq)
    if seq == ["refused"]:
        return []  # the money gate refused it: one row, never sent
    problems = []
    if "refused" in seq:
        problems.append(f"write {write_id}: a refused write has rows besides its refusal")
    if not seq or seq[0] != "intent":
        problems.append(f"write {write_id}: does not start with an intent row")
    terminal = [s for s in seq if s in ("done", "failed")]
    if len(terminal) > 1:
        problems.append(f"write {write_id}: more than one outcome ({', '.join(terminal)})")
    if terminal and seq[-1] not in ("done", "failed"):
        problems.append(f"write {write_id}: rows after its outcome")
    return problems
