"""Kill switch, undo, audit and launch compensation — the paths that take money off the table.

Longer than 300 lines because stop, undo and launch compensation share one walk over what a
thread wrote (the ledger widened by provenance lookups) and must agree on it.

* `stop(thread_id | None, ...)` pauses everything adpilot created or activated (one thread,
  or every thread with `None`), campaigns first so spend stops at the top within one write.
  The list comes from the ledger, widened by a provenance lookup (ad label, or the name tag
  of an object from an earlier version) for creates whose outcome the ledger does not know (a crash between Meta committing and the ledger hearing
  back). It needs no approval: it can only reduce spend. Every pause is itself ledgered
  (receipt `kill-switch`).
  The thread is marked stopped first (the stop records beside the checkpoints,
  `state/control.py`): the Meta client then refuses its writes that could spend, its launch
  steps end instead of writing, its later optimise cycles hold back every activation and
  budget increase, and `adpilot status` shows it as stopped.
* `undo(thread_id, action_id, ...)` (`tools/undo.py`) restores the before-values of one
  applied write; a restore that would raise spend goes through approval, and every restore
  touching money through the money gate.
* `audit_verify(home)` (`tools/audit.py`) checks the ledger's hash chain and that every
  write's history is a legal status sequence; `reconcile(thread_id | None, ...)` settles the
  writes without an outcome against Meta (`adpilot audit reconcile`).
* `compensate(thread_id, ...)`: the saga step of a launch that cannot complete — pause (or
  delete) what was already created, newest first, and report exactly what exists.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from state.control import control_for
from state.guardrails import action_kind
from state.ledger import CREATE_OPS, Ledger
from tools.errors import MetaError, UnknownOutcomeError

KILL_RECEIPT = "kill-switch"
COMPENSATE_RECEIPT = "saga-compensation"
# Pause top-down: a paused campaign stops its whole tree with one write.
_ORDER = {"campaign": 0, "adset": 1, "ad": 2}
_OFF = {"PAUSED", "ARCHIVED", "DELETED"}


class Client(Protocol):
    """The part of `tools.meta_client.MetaClient` this module uses."""

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]: ...

    def write(self, op: str, path: str, params: Mapping[str, Any], **kw: Any) -> dict[str, Any]: ...

    def find_created(self, edge: str, plan_key: str) -> Any: ...


ClientFor = Callable[[str | None], Client]


def _kind(object_type: str | None) -> str:
    t = (object_type or "").lower().replace("_", "")
    return {"campaign": "campaign", "adset": "adset", "ad": "ad"}.get(t, t)


@dataclass
class Target:
    """One object the kill switch or compensation acts on."""

    id: str
    object_type: str
    thread_id: str | None
    plan_key: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form for reports."""
        return {"id": self.id, "object_type": self.object_type, "thread_id": self.thread_id}


@dataclass
class SafetyReport:
    """What a kill switch or compensation did, object by object."""

    paused: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    already_off: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    read_back: dict[str, str | None] = field(default_factory=dict)  # id → status after

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failed

    def then(self, later: SafetyReport) -> SafetyReport:
        """Combine a first pass with a later one over the same objects (the later one wins).

        Paused is what either pass paused; already-off, failures and read-back are the later
        pass's (an object the first pass paused is not "already off").
        """
        paused = {p["id"]: p for p in [*self.paused, *later.paused]}
        seen = {o["id"] for o in [*later.paused, *later.already_off, *later.failed]} | set(
            later.read_back)
        # A failure of the first pass stands unless the later pass dealt with that object
        # (it may not have seen it: a lookup Meta throttled finds nothing).
        kept = [f for f in self.failed if f["id"] not in seen]
        return SafetyReport(
            paused=list(paused.values()),
            deleted=[*self.deleted, *later.deleted],
            already_off=[o for o in later.already_off if o["id"] not in paused],
            failed=[*kept, *later.failed],
            read_back={**self.read_back, **later.read_back},
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the CLI and state."""
        return {
            "ok": self.ok,
            "paused": self.paused,
            "deleted": self.deleted,
            "already_off": self.already_off,
            "failed": self.failed,
            "read_back": self.read_back,
        }


def targets(ledger: Ledger, thread_id: str | None, client: Client | None = None) -> list[Target]:
    """Every campaign, ad set and ad the thread (or all threads) created or activated.

    Creates whose outcome is not `done` (a crash or lost response) are looked up by their
    provenance (label or name tag) under the edge they were sent to, so an object Meta
    committed without the ledger hearing back is still found.
    """
    found: dict[str, Target] = {}
    for row in ledger.rows(thread_id):
        kind = _kind(row.get("object_type"))
        if kind not in _ORDER:
            continue
        after = row.get("after") or {}
        activated = isinstance(after, dict) and after.get("status") == "ACTIVE"
        if (
            row["status"] in ("done", "unknown")
            and row.get("meta_id")
            and (row["op"] in CREATE_OPS or activated)
        ):
            found.setdefault(
                str(row["meta_id"]),
                Target(str(row["meta_id"]), kind, row.get("thread_id"), row.get("plan_key")),
            )
        elif (
            row["op"] in CREATE_OPS
            and row["status"] not in ("failed", "refused")  # refused: never sent
            and row.get("plan_key")
            and client is not None
            and row.get("path")
        ):
            for obj in _lookup(client, row["path"], row["plan_key"]):
                found.setdefault(obj, Target(obj, kind, row.get("thread_id"), row.get("plan_key")))
    return sorted(found.values(), key=lambda t: _ORDER[t.object_type])


def _lookup(client: Client, path: str, plan_key: str) -> list[str]:
    edge = path.split("?", 1)[0].strip("/")
    try:
        hit = client.find_created(edge, plan_key)
    except MetaError:
        return []
    hits = hit if isinstance(hit, list) else [hit] if hit else []
    return [str(h["id"] if isinstance(h, Mapping) else h) for h in hits]


def _status(client: Client, object_id: str) -> str | None:
    try:
        return str(client.get(object_id, {"fields": "status"}).get("status") or "") or None
    except MetaError:
        return None


def _pause(client: Client, t: Target, receipt: str, report: SafetyReport) -> None:
    before = _status(client, t.id)
    if before in _OFF:
        report.already_off.append({**t.as_dict(), "status": before})
        return
    for _attempt in range(3):
        try:
            client.write(
                "update",
                t.id,
                {"status": "PAUSED"},
                plan_key=t.plan_key,
                object_type=t.object_type,
                receipt=receipt,
                before={"status": before},
            )
            report.paused.append({**t.as_dict(), "before": before})
            return
        except UnknownOutcomeError:
            # The pause may have landed; read before trying again (pausing twice is harmless).
            if _status(client, t.id) == "PAUSED":
                report.paused.append({**t.as_dict(), "before": before})
                return
        except MetaError as err:
            report.failed.append({**t.as_dict(), "error": err.to_dict()})
            return
    report.failed.append({**t.as_dict(), "error": {"message": "outcome unknown after 3 tries"}})


def stop(thread_id: str | None, *, ledger: Ledger | None, client_for: ClientFor,
         home: str | Path | None = None, known: list[Target] | None = None,
         threads: list[str] | None = None, mark: bool = True) -> SafetyReport:
    """Kill switch: pause everything adpilot created or activated (approval-free).

    The stop record is written first (`state.control`, beside `home`; `mark=False` when the
    caller wrote it already), so a process advancing the thread meanwhile has every later
    write that could spend refused. What is paused is the union of
    what the ledger knows (`targets`) and `known` — the objects the threads' checkpoints
    hold, so a lost or damaged ledger (`ledger=None`) still stops them. Every object is read
    back from Meta afterwards: one that is not off is reported as failed. `threads` names
    the threads `None` (--all) means when the ledger cannot say.
    """
    report = SafetyReport()
    home = home if home is not None else (ledger.home if ledger is not None else None)
    ledgered = sorted({str(r["thread_id"]) for r in ledger.rows(None) if r.get("thread_id")}
                      ) if ledger is not None and thread_id is None else []
    stopping = [thread_id] if thread_id else sorted({*ledgered, *(threads or [])})
    if home is not None and mark:
        mark_stopped(home, stopping)
    lookup = client_for(thread_id)
    found: dict[str, Target] = {}
    if ledger is not None:
        found.update({t.id: t for t in targets(ledger, thread_id, lookup)})
    for t in known or []:
        found.setdefault(t.id, t)
    ordered = sorted(found.values(), key=lambda t: _ORDER.get(t.object_type, 3))
    for t in ordered:
        _pause(client_for(t.thread_id), t, KILL_RECEIPT, report)
    _read_back(lookup, ordered, report)
    return report


def _read_back(client: Client, stopped: list[Target], report: SafetyReport) -> None:
    """Read every object's status from Meta after the pauses; one still on is a failure."""
    failed = {f["id"] for f in report.failed}
    for t in stopped:
        now = _status(client, t.id)
        report.read_back[t.id] = now
        if t.id not in failed and now not in _OFF:
            why = "could not be read back" if now is None else f"is still {now} after the pause"
            report.failed.append({**t.as_dict(), "error": {"message": f"{t.object_type} {t.id} "
                                                           f"{why}; run `adpilot stop` again"}})


# -- stopped threads (the stop records in the checkpoint store, state/control.py) ---------------


def mark_stopped(home: str | Path, thread_ids: list[str]) -> None:
    """Record that the kill switch stopped these threads (kept until cleared by hand)."""
    control_for(home).stop(thread_ids)


def stopped_threads(home: str | Path) -> dict[str, str]:
    """Thread id → when `adpilot stop` stopped it (UTC ISO time), earlier versions' stops too."""
    return control_for(home).stops()


def raises_spend(action: Mapping[str, Any]) -> bool:
    """Tell whether this optimise action turns something on or raises a budget."""
    kind = action_kind(str(action.get("name")))
    if kind == "activate" or (action.get("name") == "refresh_creative"
                              and not action.get("advice")):
        return True  # a creative refresh switches new ads on
    if kind not in ("set_budget", "shift_budget"):
        return False
    new = (action.get("args") or {}).get("daily_budget")
    before = (action.get("evidence") or {}).get("before_minor")
    return new is None or before is None or int(new) > int(before)


def hold_back_for_stop(actions: list[dict[str, Any]], stopped_at: str | None
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split actions into (allowed, held back): a stopped thread never turns spend back on."""
    if not stopped_at:
        return actions, []
    held = [a for a in actions if raises_spend(a)]
    return [a for a in actions if not raises_spend(a)], held


def compensate(
    thread_id: str, *, ledger: Ledger, client_for: ClientFor, mode: str = "pause"
) -> SafetyReport:
    """Saga compensation: pause (or delete) what a failed launch created, newest first."""
    if mode not in ("pause", "delete"):
        raise ValueError(f"compensate: mode must be 'pause' or 'delete', got {mode!r}")
    client = client_for(thread_id)
    report = SafetyReport()
    for t in reversed(targets(ledger, thread_id, client)):
        if mode == "pause":
            _pause(client, t, COMPENSATE_RECEIPT, report)
            continue
        before = _status(client, t.id)
        if before == "DELETED":
            report.already_off.append({**t.as_dict(), "status": before})
            continue
        try:
            client.write(
                "delete",
                t.id,
                {"status": "DELETED"},
                plan_key=t.plan_key,
                object_type=t.object_type,
                receipt=COMPENSATE_RECEIPT,
                before={"status": before},
            )
            report.deleted.append(t.as_dict())
        except UnknownOutcomeError:
            # Deleting twice is harmless: read back rather than guess.
            if _status(client, t.id) == "DELETED":
                report.deleted.append(t.as_dict())
            else:
                report.failed.append({**t.as_dict(), "error": {"message": "outcome unknown"}})
        except MetaError as err:
            report.failed.append({**t.as_dict(), "error": err.to_dict()})
    return report


def existing(thread_id: str, *, ledger: Ledger, client: Client) -> list[dict[str, Any]]:
    """List what the thread's launch left at Meta: id, type and current status of each object."""
    out = []
    for t in targets(ledger, thread_id, client):
        out.append({**t.as_dict(), "status": _status(client, t.id)})
    return out



__all__ = [
    "KILL_RECEIPT",
    "SafetyReport",
    "compensate",
    "existing",
    "hold_back_for_stop",
    "mark_stopped",
    "raises_spend",
    "stop",
    "stopped_threads",
    "targets",
]
