"""The money side of an undo: whether a restore could raise spend, and its typed money action.

Why a module of its own: `tools/undo.py` asks a person before a restore that could raise
spend (`raises_spend`: re-activating, a higher budget or bid), and sends every restore that
touches money as a typed `MoneyAction` the money gate judges (`money_action`); both read only
the restore and the object's current values, not the ledger or the messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from state.guardrails import SPEND_LIMIT_KEYS, MoneyAction


def raises_spend(action: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Tell whether applying `action` to an object now in `current` state could raise spend."""
    args = action["args"]
    if args.get("status") == "ACTIVE" and current.get("status") != "ACTIVE":
        return True
    return any(
        k in args and int(args[k] or 0) > int(current.get(k) or 0)
        for k in ("daily_budget", "lifetime_budget", "bid_amount")
    )


def money_action(row: Mapping[str, Any], action: Mapping[str, Any]) -> MoneyAction | None:
    """Return the typed money action of a restore (None: it restores a name or a bid)."""
    args = action["args"]
    kind_type = str(row.get("object_type") or "").replace("_", "") or None
    object_type = kind_type if kind_type in ("campaign", "adset", "ad") else None
    values: dict[str, Any] = {}
    for key in ("daily_budget", "lifetime_budget", *SPEND_LIMIT_KEYS):
        if key in args:
            values[key] = int(float(args[key] or 0))
    if args.get("end_time"):
        values["end_time"] = str(args["end_time"])
    status = args.get("status")
    kinds = [k for k, on in (("status", status in ("ACTIVE", "PAUSED")),
                             ("budget", any(k in values for k in ("daily_budget", "lifetime_budget"))),
                             ("limits", any(k in values for k in SPEND_LIMIT_KEYS)),
                             ("schedule", "end_time" in values)) if on]
    if not kinds:
        return None
    if len(kinds) > 1:
        raise ValueError(f"undo: write {row['write_id']} restores {' and '.join(kinds)} at once; "
                         "restore it by hand in Ads Manager")
    kind, policy_kind = {
        "status": ("activate" if status == "ACTIVE" else "pause",
                   "activate" if status == "ACTIVE" else "pause"),
        "budget": ("set_budget", "set_budget"),
        "limits": ("set_spend_limits", "shift_budget"),
        "schedule": ("set_schedule", "set_budget"),
    }[kinds[0]]
    if kind in ("activate", "pause"):
        values["status"] = status
    return MoneyAction.model_validate({
        "kind": kind, "name": str(action["name"]), "policy_kind": policy_kind,
        "object_id": str(args["object_id"]), "object_type": object_type, "restore": True,
        **values})
