"""Helpers shared by the `@tool` modules: ledgered updates with before-values, status changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

STATUSES = ("ACTIVE", "PAUSED", "ARCHIVED", "DELETED")


def update_object(client: MetaClient, object_id: str, params: dict[str, Any], *,
                  object_type: str, receipt: str | None = None, plan_key: str | None = None,
                  op: str = "update") -> dict[str, Any]:
    """Update `object_id` with `params`, recording the current values as `before` (for undo)."""
    if not params:
        raise ValueError("nothing to update: pass at least one field to change")
    before = client.get(str(object_id), {"fields": ",".join(sorted(params))})
    before = {k: before.get(k) for k in params}
    client.write(op, str(object_id), params, plan_key=plan_key, object_type=object_type,
                 receipt=receipt, before=before)
    return {"id": str(object_id), "before": before, "after": dict(params)}


def set_status(client: MetaClient, object_id: str, status: str, *, object_type: str,
               receipt: str | None = None, plan_key: str | None = None) -> dict[str, Any]:
    """Set `status` (ACTIVE, PAUSED, ARCHIVED, DELETED) on a campaign, ad set or ad."""
    status = str(status).upper()
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {status!r}")
    return update_object(client, object_id, {"status": status}, object_type=object_type,
                         receipt=receipt, plan_key=plan_key, op="status")


def compact(obj: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Keep only `keys` that are present (tool results stay small for the model)."""
    return {k: obj[k] for k in keys if k in obj and obj[k] is not None}
