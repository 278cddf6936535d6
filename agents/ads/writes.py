"""Creating creatives and ads beside existing ones: ledgered, exactly once, switched on gated.

Shared by the A/B variant (`agents/ads/variant_apply.py`) and the creative refresh
(`agents/ads/refresh_apply.py`):

- `existing(client, plan_key, op, edge)` — the Meta id an earlier attempt of this write made:
  the ledger's `done` row, else the object found by its provenance (ad label, or the name tag
  of an earlier version's object) under `edge` (`MetaClient.find_created`), which also
  settles an open ledger row (a lost response or a
  crash); None when nothing was made.
- `upload_once(client, image, plan_key)` — upload a checked image file (`{"path", "name",
  "sha256"}`) once; a file that changed since the card showed its digest is refused.
- `create_creative(client, account_id, params, plan_key)` and `create_paused_ad(...)` — create
  PAUSED with the ad label (`state/provenance.py`; the name suffix only with
  `ADPILOT_NAME_TAGS=on`), or adopt.
- `activate_ads(client, ad_ids, policy, receipt, now)` — switch ads on through the money gate
  (`tools.money.clear` on `tools.common.activation`), ledgered; returns the gate's refusals.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from agents.assets.nodes import file_digest
from state.guardrails import MoneyAction
from state.provenance import visible_name, with_label, with_tag
from tools.common import activation
from tools.launch import NAME_MAX
from tools.money import account_state, apply_update, clear


class WriteError(RuntimeError):
    """An approved object cannot be written as approved; the message names why and the fix."""


def existing(client: Any, plan_key: str, op: str, edge: str | None) -> str | None:
    """Return the Meta id of an object this spec already created (ledger, else its provenance)."""
    ledger = getattr(client, "ledger", None)
    rec = ledger.find(plan_key, op, getattr(client, "thread_id", None)) if ledger else None
    if rec and rec["status"] == "done" and rec["meta_id"]:
        return str(rec["meta_id"])
    found = client.find_created(edge, plan_key, fields="id,name") if edge else None
    pending = rec if rec is not None and rec["status"] in ("unknown", "intent", "sent") else None
    if found:
        if pending is not None and ledger is not None:
            ledger.mark(pending["write_id"], "done", meta_id=str(found["id"]),
                        after={"id": str(found["id"]), "reconciled": True})
        return str(found["id"])
    if pending is not None and ledger is not None:
        ledger.mark(pending["write_id"], "failed", error="reconciled: not found under its parent")
    return None


def upload_once(client: Any, image: dict[str, Any], plan_key: str) -> str:
    """Upload the checked image file once (ledger-idempotent); return its hash."""
    ledger = getattr(client, "ledger", None)
    rec = ledger.find(plan_key, "upload", getattr(client, "thread_id", None)) if ledger else None
    if rec and rec["status"] == "done" and rec["meta_id"]:
        return str(rec["meta_id"])
    path = Path(str(image["path"]))
    if not path.is_file() or file_digest(path) != image["sha256"]:
        raise WriteError(f"{path} changed or disappeared since the card showed it; nothing "
                         "more was written. Propose it again to check the new file.")
    result = client.upload_image(path, with_tag(path.name, plan_key, NAME_MAX["image"]),
                                 plan_key=plan_key)
    if not result.get("hash"):
        raise WriteError(f"Meta returned no image hash for {path.name}")
    return str(result["hash"])


def create_creative(client: Any, account_id: str, params: dict[str, Any], plan_key: str) -> str:
    """Create the creative `params` (labelled), or adopt the one an earlier attempt made."""
    found = existing(client, plan_key, "create", f"{account_id}/adcreatives")
    if found:
        return found
    params = {**with_label(params, plan_key),
              "name": visible_name(str(params.get("name") or "Creative"), plan_key,
                                   NAME_MAX["creative"])}
    result = client.write("create", f"{account_id}/adcreatives", params, plan_key=plan_key,
                          object_type="creative")
    return str(result["id"])


def create_paused_ad(client: Any, account_id: str, name: str, adset_id: str, creative_id: str,
                     plan_key: str, receipt: str | None) -> str:
    """Create a PAUSED ad (with its ad label) in `adset_id`, or adopt an earlier one."""
    found = existing(client, plan_key, "create", f"{adset_id}/ads")
    if found:
        return found
    params = with_label({"name": visible_name(name, plan_key, NAME_MAX["ad"]),
                         "adset_id": adset_id, "creative": {"creative_id": creative_id},
                         "status": "PAUSED"}, plan_key)
    result = client.write("create", f"{account_id}/ads", params, plan_key=plan_key,
                          object_type="ad", receipt=receipt)
    return str(result["id"])


def activation_preview(policy: Any, snapshot: dict[str, Any], n: int) -> list[Any]:
    """Return the gate's refusals for switching on `n` new ads (placeholder ids: not made yet).

    Ads hold no budget, so the caps judge the kind (`allowed_actions`/`forbidden_actions`);
    asked before anything is created, a policy that forbids activations writes nothing.
    """
    from state.guardrails import gate

    actions: list[MoneyAction] = [activation("ad", f"new-ad-{i}") for i in range(n)]
    return list(gate(actions, policy, snapshot).refusals) if actions else []


def activate_ads(client: Any, ad_ids: list[str], policy: Any, receipt: str | None,
                 now: datetime) -> list[dict[str, Any]]:
    """Set ACTIVE the ads not yet active, each through the money gate; return its refusals."""
    if not ad_ids:
        return []
    states = {i: str(client.get(i, {"fields": "status"}).get("status")) for i in ad_ids}
    todo: list[MoneyAction] = [activation("ad", i) for i in ad_ids if states[i] != "ACTIVE"]
    if not todo:
        return []
    verdict = clear(client, todo, policy, state=account_state(client, now=now), receipt=receipt)
    for action, gate_pass in zip(todo, verdict.passes, strict=True):
        if gate_pass is not None:
            apply_update(client, action, gate_pass, receipt=receipt,
                         plan_key=f"{action.object_id}:activate")
    return [r.as_dict() for r in verdict.refusals]
