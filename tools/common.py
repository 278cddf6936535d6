"""Helpers under the money writers: a ledgered update with its before-values, an activation.

Writes that can raise spend need a gate pass (`tools/meta_client.py`), from the money gate
(`tools.money.clear`) run on the typed write — for an activation, `activation(object_type,
object_id)`. `tools/money.py::apply_update` writes through `update_object`;
`tools/launch.py::activate_tree` gates `activation`s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from state.guardrails import GatePass, MoneyAction
    from tools.meta_client import MetaClient


def update_object(client: MetaClient, object_id: str, params: dict[str, Any], *,
                  object_type: str | None, receipt: str | None = None, plan_key: str | None = None,
                  gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Update `object_id` with `params`, recording the current values as `before` (for undo).

    A retry (an earlier attempt has no known outcome, or the node re-ran after a crash) keeps
    the value read before the first attempt: the object may already hold the new values, and
    those are not what the write changed (`tools.ledgered.first_before`).
    """
    if not params:
        raise ValueError("nothing to update: pass at least one field to change")
    read = client.get(str(object_id), {"fields": ",".join(sorted(params))})
    before = client.retry_before("update", str(object_id), params,
                                 {k: read.get(k) for k in params})
    client.write("update", str(object_id), params, plan_key=plan_key, object_type=object_type,
                 receipt=receipt, before=before, gate_pass=gate_pass)
    return {"id": str(object_id), "before": before, "after": dict(params)}


def activation(object_type: str, object_id: str) -> MoneyAction:
    """Build the typed activation of one object (what the gate judges for a status ACTIVE)."""
    from state.guardrails import MoneyAction

    return MoneyAction.model_validate({
        "kind": "activate", "name": f"activate_{object_type}", "policy_kind": "activate",
        "object_id": str(object_id), "object_type": object_type, "status": "ACTIVE"})
