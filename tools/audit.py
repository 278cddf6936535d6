"""Audit the write ledger: hash chain intact, every write a legal status history.

`audit_verify(home)` is what `adpilot audit verify` prints; `unresolved_writes(rows)` splits
writes without an outcome into those a later identical write confirmed and those still open.
`reconcile(thread, ...)` is `adpilot audit reconcile`: it settles every write without an
outcome against Meta (a create by its provenance label or name tag, an update by reading the
object back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from state.ledger import CREATE_OPS, STATUSES, TERMINAL, Ledger, describe_ledger, ledger_exists
from state.provenance import label_for, marked, tag_for
from tools.errors import MetaError
from tools.fields import BOOKKEEPING, compare_fields


def audit_verify(home: str | Path, checkpoint_ids: Mapping[str, Iterable[str]] | None = None,
                 url: str | None = None) -> dict[str, Any]:
    """Verify the ledger in `home`: hash chain intact, every write a legal status sequence.

    `url` overrides ADPILOT_CHECKPOINT_URL (the ledger is in PostgreSQL when the checkpoints
    are). `checkpoint_ids` (thread → Meta ids its checkpoint says it created) are cross-checked:
    an id the ledger has no create for means the ledger was lost, replaced or cut short, so a
    recreated, empty ledger is never called intact while checkpoints reference writes.
    """
    if not ledger_exists(home, url):
        # absolute: a relative `.adpilot/ledger.db` does not say which folder was read
        raise FileNotFoundError(f"no ledger at {describe_ledger(Path(home).resolve(), url)}: set ADPILOT_HOME to "
                                "the directory of a run")
    ledger = Ledger.in_home(home, url)
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


# -- reconcile: settle writes without an outcome against Meta --------------------------------

OPEN = ("intent", "sent", "unknown")


def reconcile(thread_id: str | None, *, ledger: Ledger,
              client_for: Callable[[str | None], Any],
              busy: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settle every write without an outcome (`intent` / `sent` / `unknown`) against Meta.

    * A create (create / copy / upload) is looked up by its provenance label or name tag under
      the edge it was sent to: found → `done` with the Meta id; not found → `failed` (it
      never landed).
    * An update (update / status / delete) reads the object and compares it with the values
      the write asked for (stored as its intent's after-values): Meta holds them → `done`,
      else → `failed` (not applied). A later identical write that is `done` confirms it
      without a read.

    What cannot be settled stays as it is, with the reason (`resolved: false`): Meta could
    not be read, a create carries no provenance label or tag, an update has no recorded values (a
    ledger from before they were stored) or fields that cannot be compared, or a later,
    different write changed the object since, so this one's effect can no longer be read
    back. `busy` (thread → why) names threads a run is advancing now: their writes may be in
    flight, so they are left as they are, with that reason. Returns `{"ok": every write
    resolved, "writes": [...]}`; each entry has `write_id`, `thread_id`, `op`, `object_type`,
    `object`, `was`, `now`, `meta_id`, `resolved`, `reason`.
    """
    rows = ledger.rows(thread_id)
    out = []
    for row in rows:
        if row["status"] not in OPEN:
            continue
        client = client_for(row.get("thread_id"))
        try:
            if row.get("thread_id") in (busy or {}):
                verdict = _Verdict(None, (busy or {})[row["thread_id"]])
            elif row["op"] in CREATE_OPS:
                verdict = _settle_create(row, client)
            else:
                verdict = _settle_update(row, rows, client)
        except MetaError as exc:
            verdict = _Verdict(None, f"Meta could not be read ({exc}); run this again later")
        now = row["status"]
        if verdict.status is not None:
            with ledger.transaction():
                current = ledger.get(row["write_id"]) or row
                if current["status"] in OPEN:
                    ledger.mark(row["write_id"], verdict.status, meta_id=verdict.meta_id,
                                after=verdict.after, error=verdict.error)
                    now = verdict.status
                else:  # another process settled it meanwhile
                    now, verdict = current["status"], _Verdict(None, "settled meanwhile")
        out.append({
            "write_id": row["write_id"], "thread_id": row.get("thread_id"), "op": row["op"],
            "object_type": row.get("object_type"),
            "object": verdict.meta_id or row.get("meta_id") or row.get("path"),
            "was": row["status"], "now": now, "meta_id": verdict.meta_id,
            "resolved": now not in OPEN, "reason": verdict.reason,
        })
    return {"ok": all(w["resolved"] for w in out), "writes": out}


@dataclass
class _Verdict:
    status: str | None  # "done" | "failed" | None (cannot be settled)
    reason: str
    meta_id: str | None = None
    after: Any = None
    error: str | None = None


def _settle_create(row: Mapping[str, Any], client: Any) -> _Verdict:
    key = row.get("plan_key")
    if not key:
        return _Verdict(None, "it has no plan key, so no provenance label or tag to look it up "
                              "by; find it in Ads Manager")
    intended = row.get("after")
    name = intended.get("name") if isinstance(intended, dict) else None
    if isinstance(intended, dict) and name is not None and not marked(intended, str(key)):
        return _Verdict(None, f"it was sent without its provenance label or tag (name "
                              f"{name!r}), so it cannot be looked up; find it in Ads Manager")
    edge = str(row.get("path") or "").split("?", 1)[0].strip("/")
    if row["op"] == "copy":  # a copy lands among the account's ads, not under /copies
        edge = f"{client._account()}/ads"
    image = edge.endswith("/adimages")
    fields = "hash,name" if image else "id,name"
    found = client.find_created(edge, str(key), fields=fields)
    if found is None:
        mark = f"{label_for(str(key))} / {tag_for(str(key)).strip()}"
        return _Verdict("failed", f"no object marked {mark} under {edge}: it never landed",
                        error=f"reconciled: no object marked {mark} under {edge}")
    meta_id = str(found.get("hash") if image else found.get("id"))
    return _Verdict("done", f"found under {edge} as {meta_id}", meta_id=meta_id,
                    after={"id": meta_id, "reconciled": True})


def _settle_update(row: Mapping[str, Any], rows: list[dict[str, Any]], client: Any) -> _Verdict:
    later = _later_writes(row, rows)
    if later is not None:
        if later["status"] == "done" and _same_write(later, row):
            return _Verdict("done", f"confirmed by the later identical write "
                                    f"{later['write_id'][:12]}", meta_id=later.get("meta_id"),
                            after={**(later.get("after") or {}),
                                   "confirmed_by": later["write_id"]})
        return _Verdict(None, f"a later write {later['write_id'][:12]} ({later['op']}, "
                              f"{later['status']}) changed the object since, so whether this "
                              "one applied can no longer be read back; the later write's "
                              "before-values describe the object before it")
    wanted = row.get("after")
    if not isinstance(wanted, dict) or not wanted:
        return _Verdict(None, "its ledger row does not record the values it asked for (a "
                              "ledger from before they were stored), so it cannot be compared "
                              "with Meta; check the object in Ads Manager")
    wanted = {k: v for k, v in wanted.items() if k not in BOOKKEEPING}
    path = str(row.get("path") or "").split("?", 1)[0]
    object_id = str(row.get("meta_id") or path.strip("/").split("/")[0])
    current = client.get(object_id, {"fields": ",".join(sorted(wanted))})
    differ, unknown = compare_fields(wanted, current)
    if unknown:
        return _Verdict(None, f"{', '.join(unknown)} cannot be compared automatically; check "
                              f"{object_id} in Ads Manager")
    if not differ:
        held = ", ".join(f"{k} {wanted[k]}" for k in sorted(wanted))
        return _Verdict("done", f"Meta holds {held}", meta_id=object_id,
                        after={**wanted, "reconciled": True})
    holds = ", ".join(f"{k} {current.get(k)!r} (asked {wanted[k]!r})" for k in differ)
    return _Verdict("failed", f"not applied: Meta holds {holds}", meta_id=None,
                    error=f"reconciled: not applied; Meta holds {holds}")


def _same_write(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a["op"] == b["op"] and a.get("request_digest") == b.get("request_digest")


def _later_writes(row: Mapping[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return the next write to the same object after `row` and its identical open retries.

    Rows are in creation order. Failed and refused writes changed nothing and are skipped;
    identical open attempts right after `row` are the same write and are skipped too.
    """
    seen = False
    for r in rows:
        if r["write_id"] == row["write_id"]:
            seen = True
            continue
        if not seen or r.get("path") != row.get("path") or r.get("thread_id") != row.get(
                "thread_id") or r["status"] in ("failed", "refused"):
            continue
        if r["status"] in OPEN and _same_write(r, row):
            continue
        return r
    return None
