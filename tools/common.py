"""Helpers shared by the `@tool` modules: ledgered updates with before-values, status changes.

Writes that can raise spend need a gate pass (`tools/meta_client.py`): the plain functions take
`gate_pass`, and the `@tool` wrappers get one from `gated()` — the money gate on the account's
live state with the run's policy — or return the refusal instead of writing (`gated_write`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain.tools import ToolRuntime

    from state.guardrails import GatePass, MoneyAction
    from tools.meta_client import MetaClient

STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "DELETED")
# Keys adpilot adds to a ledger row's after-values that are not object fields.
BOOKKEEPING = ("id", "success", "video_id", "confirmed_by", "reconciled")
_TIMES = ("start_time", "end_time", "stop_time")


def compare_fields(wanted: Mapping[str, Any], current: Mapping[str, Any]
                   ) -> tuple[list[str], list[str]]:
    """Compare values an update sets with the object as read from Meta.

    Returns (fields whose value differs, fields that cannot be compared here). Meta answers
    numbers as strings (`"5000"`), times as `+0000` offsets and an unset spend limit as
    absent; all three compare equal to what was sent. Nested values (targeting, creative
    specs) are normalised by Meta, so they are reported as not comparable rather than
    guessed.
    """
    from state.exposure import as_int, parse_time
    from state.money import SPEND_LIMIT_KEYS

    differ: list[str] = []
    unknown: list[str] = []
    for key, value in wanted.items():
        if key in BOOKKEEPING:
            continue
        have = current.get(key)
        if isinstance(value, dict | list) or isinstance(have, dict | list):
            unknown.append(key)
        else:
            read = as_int if key in SPEND_LIMIT_KEYS else parse_time if key in _TIMES else None
            try:
                same = read(have) == read(value) if read is not None else (
                    (have is None) == (value is None) and str(have) == str(value))
            except (TypeError, ValueError):
                same = str(have) == str(value)
            if not same:
                differ.append(key)
    return differ, unknown


def update_object(client: MetaClient, object_id: str, params: dict[str, Any], *,
                  object_type: str | None, receipt: str | None = None, plan_key: str | None = None,
                  op: str = "update", gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Update `object_id` with `params`, recording the current values as `before` (for undo).

    A retry (an earlier attempt has no known outcome, or the node re-ran after a crash) keeps
    the value read before the first attempt: the object may already hold the new values, and
    those are not what the write changed (`tools.meta_client.first_before`).
    """
    if not params:
        raise ValueError("nothing to update: pass at least one field to change")
    read = client.get(str(object_id), {"fields": ",".join(sorted(params))})
    before = client.retry_before(op, str(object_id), params, {k: read.get(k) for k in params})
    client.write(op, str(object_id), params, plan_key=plan_key, object_type=object_type,
                 receipt=receipt, before=before, gate_pass=gate_pass)
    return {"id": str(object_id), "before": before, "after": dict(params)}


def set_status(client: MetaClient, object_id: str, status: str, *, object_type: str,
               receipt: str | None = None, plan_key: str | None = None,
               gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Set `status` (ACTIVE, PAUSED, ARCHIVED, DELETED) on a campaign, ad set or ad."""
    status = str(status).upper()
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {status!r}")
    return update_object(client, object_id, {"status": status}, object_type=object_type,
                         receipt=receipt, plan_key=plan_key, op="status", gate_pass=gate_pass)


def gated(runtime: ToolRuntime[Any, Any], client: MetaClient, action: MoneyAction
          ) -> tuple[GatePass | None, dict[str, Any] | None]:
    """Run the money gate for a tool's write: (its pass, None) or (None, the refusal to return)."""
    from tools.money import clear

    verdict = clear(client, [action], getattr(runtime.context, "policy", None))
    if verdict.ok:
        return verdict.passes[0], None
    refusal = verdict.refusals[0]
    return None, {"refused": True, "cap": refusal.cap, "message": refusal.message}


def gated_write(runtime: ToolRuntime[Any, Any], client: MetaClient,
                action: MoneyAction | Callable[[], MoneyAction] | None,
                write: Callable[[GatePass | None], dict[str, Any]]) -> dict[str, Any]:
    """Gate a tool's write, then make it: `write(pass)`, or the tool's error / refusal result.

    `action` is the typed write (or a function building it: an argument it cannot read is the
    tool's `{"error": ...}`), or None when the write cannot raise spend (no pass needed).
    """
    from state.money import MoneyActionError

    gate_pass = None
    if action is not None:
        try:
            typed = action() if callable(action) else action
        except MoneyActionError as exc:
            return {"error": str(exc)}
        gate_pass, refusal = gated(runtime, client, typed)
        if refusal:
            return refusal
    return write(gate_pass)


def activation(object_type: str, object_id: str) -> MoneyAction:
    """Build the typed activation of one object (for a tool setting status ACTIVE)."""
    from state.guardrails import MoneyAction

    return MoneyAction.model_validate({
        "kind": "activate", "name": f"activate_{object_type}", "policy_kind": "activate",
        "object_id": str(object_id), "object_type": object_type, "status": "ACTIVE"})


def compact(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Keep only `keys` that are present (tool results stay small for the model)."""
    return {k: obj[k] for k in keys if k in obj and obj[k] is not None}
