"""Create an approved A/B variant: B's ad set, creative and ads beside A, exactly once, gated.

`apply_variant(client, action_args, *, policy, receipt, now)` takes the args of an approved
`create_ab_variant` action (`agents/ads/variants.py::propose_variant`) and writes:

1. **The money gate first.** A's budget cut (or CBO spend limits) and B's ad set create —
   with its budget, counted live when it is created ACTIVE — are judged together by
   `tools.money.clear` on the account's live state. A refusal (a cap the test would break) is
   returned naming the cap, ledgered as `refused`, and nothing is written.
2. A's cut (`tools.money.apply_update`, with its pass; skipped when A already holds its half).
3. B's ad set (`client.write`, with its pass), then B's image (uploaded once, checked against
   the digest the card showed), creative (the control's with the one change) and ads — all
   created PAUSED with provenance tags (`state/provenance.py`), then the ads the control runs
   ACTIVE are switched on through the gate (`tools.common.activation`).

Every write is ledgered (`GraphClient.write`). **Idempotent**: each object has its own plan
key derived from the spec's key; before creating, a `done` ledger row is reused and otherwise
the object's tag is looked up under its parent edge (`find_by_tag`), so a re-run after a lost
response or a crash adopts what exists (and settles its open ledger rows) instead of creating
it twice. Returns `{"status", "created": {"adset_id", "creative_id", "ad_id", "ad_ids"},
"experiment": {... B's ids and start_time filled}, "refusals", "budgets"}`.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from agents.ads.variants import IMAGE, adset_params, money_actions, object_key
from agents.assets.nodes import file_digest
from state.exposure import as_int
from state.guardrails import GatePass, MoneyAction
from state.provenance import label_for, tag_for, with_tag
from tools.common import activation
from tools.launch import NAME_MAX
from tools.money import account_state, apply_update, clear


class VariantError(RuntimeError):
    """The approved variant cannot be written as approved; the message names why and the fix."""


def _existing(client: Any, plan_key: str, op: str, edge: str | None) -> str | None:
    """Return the Meta id of an object this spec already created (ledger, else its tag)."""
    ledger = getattr(client, "ledger", None)
    rec = ledger.find(plan_key, op, getattr(client, "thread_id", None)) if ledger else None
    if rec and rec["status"] == "done" and rec["meta_id"]:
        return str(rec["meta_id"])
    found = client.find_by_tag(edge, tag_for(plan_key), fields="id,name") if edge else None
    pending = rec if rec is not None and rec["status"] in ("unknown", "intent", "sent") else None
    if found:
        if pending is not None and ledger is not None:
            ledger.mark(pending["write_id"], "done", meta_id=str(found["id"]),
                        after={"id": str(found["id"]), "reconciled": True})
        return str(found["id"])
    if pending is not None and ledger is not None:
        ledger.mark(pending["write_id"], "failed", error="reconciled: not found under its parent")
    return None


def _holds(client: Any, control: dict[str, Any]) -> bool:
    """Tell whether A already holds the values of its cut (an earlier apply made it)."""
    values = {k: v for k, v in control.items() if k != "adset_id"}
    now = client.get(str(control["adset_id"]), {"fields": ",".join(values)})
    return all(as_int(now.get(k)) == v for k, v in values.items())


def _upload(client: Any, image: dict[str, Any], plan_key: str) -> str:
    ledger = getattr(client, "ledger", None)
    rec = ledger.find(plan_key, "upload", getattr(client, "thread_id", None)) if ledger else None
    if rec and rec["status"] == "done" and rec["meta_id"]:
        return str(rec["meta_id"])
    path = Path(str(image["path"]))
    if not path.is_file() or file_digest(path) != image["sha256"]:
        raise VariantError(f"{path} changed or disappeared since the card showed it; nothing "
                           "more was written. Propose the test again to check the new file.")
    result = client.upload_image(path, with_tag(path.name, plan_key, NAME_MAX["image"]),
                                 plan_key=plan_key)
    if not result.get("hash"):
        raise VariantError(f"Meta returned no image hash for {path.name}")
    return str(result["hash"])


def _creative(client: Any, args: dict[str, Any], image_hash: str | None, plan_key: str) -> str:
    act = str(args["account_id"])
    found = _existing(client, plan_key, "create", f"{act}/adcreatives")
    if found:
        return found
    text = json.dumps(args["creative"])
    if image_hash is not None:
        text = text.replace(json.dumps(IMAGE)[1:-1], image_hash)
    params = json.loads(text)
    params["name"] = with_tag(str(params.get("name") or "Creative B"), plan_key,
                              NAME_MAX["creative"])
    result = client.write("create", f"{act}/adcreatives", params, plan_key=plan_key,
                          object_type="creative")
    return str(result["id"])


def _ad(client: Any, args: dict[str, Any], ad: dict[str, Any], adset_id: str, creative_id: str,
        plan_key: str, receipt: str | None) -> str:
    found = _existing(client, plan_key, "create", f"{adset_id}/ads")
    if found:
        return found
    params = {"name": with_tag(str(ad["name"]), plan_key, NAME_MAX["ad"]), "adset_id": adset_id,
              "creative": {"creative_id": creative_id}, "status": "PAUSED",
              "adlabels": [{"name": label_for(plan_key)}]}
    result = client.write("create", f"{args['account_id']}/ads", params, plan_key=plan_key,
                          object_type="ad", receipt=receipt)
    return str(result["id"])


def _refused(args: dict[str, Any], refusals: list[dict[str, Any]], created: dict[str, Any],
             status: str = "refused") -> dict[str, Any]:
    return {"status": status, "created": created, "experiment": args["experiment"],
            "refusals": refusals, "budgets": None}


def apply_variant(client: Any, action_args: dict[str, Any], *, policy: Any,
                  receipt: str | None, now: datetime) -> dict[str, Any]:
    """Create B beside A as approved (see the module docstring); gated, ledgered, idempotent."""
    args = copy.deepcopy(action_args)
    key, act, campaign = str(args["key"]), str(args["account_id"]), str(args["campaign_id"])
    adset_key = object_key(key, "adset")
    adset_id = _existing(client, adset_key, "create", f"{campaign}/adsets")
    control = args.get("control_budget") or None
    if control and _holds(client, control):
        control = None
    typed = money_actions({**args, "control_budget": control})
    todo = [a for a in typed if a.kind != "create_adset" or adset_id is None]
    passes: dict[str, GatePass] = {}
    if todo:
        verdict = clear(client, todo, policy, state=account_state(client, now=now),
                        receipt=receipt)
        if not verdict.ok:
            return _refused(args, [r.as_dict() for r in verdict.refusals], {})
        passes = {a.kind: p for a, p in zip(todo, verdict.passes, strict=True) if p is not None}
    cut = next((a for a in todo if a.kind != "create_adset"), None)
    if cut is not None:  # spend cut first: B's half is never added before A gave it up
        apply_update(client, cut, passes[cut.kind], receipt=receipt,
                     plan_key=object_key(key, "control_budget"))
    if adset_id is None:
        result = client.write("create", f"{act}/adsets", adset_params(args), plan_key=adset_key,
                              object_type="adset", receipt=receipt,
                              gate_pass=passes["create_adset"])
        adset_id = str(result["id"])
    image_hash = (_upload(client, args["image"], object_key(key, "image"))
                  if args.get("image") else None)
    creative_id = (_creative(client, args, image_hash, object_key(key, "creative"))
                   if args.get("creative") else None)
    ad_ids = []
    for i, ad in enumerate(args["ads"]):
        ad_creative = ad.get("creative_id") or creative_id
        if not ad_creative:
            raise VariantError(f"B's ad {ad['name']!r} has no creative in the approved spec")
        ad_ids.append(_ad(client, args, ad, adset_id, str(ad_creative),
                          object_key(key, f"ad{i}"), receipt))
    created = {"adset_id": adset_id, "creative_id": creative_id,
               "ad_id": ad_ids[0] if ad_ids else None, "ad_ids": ad_ids}
    refusals = _switch_on(client, args, ad_ids, policy, receipt, now)
    exp = args["experiment"]
    exp["variants"]["B"] = {"adset_ids": [adset_id], "ad_ids": ad_ids}
    exp["variant_ids"] = [*exp["variants"]["A"]["ad_ids"], *ad_ids]
    exp["variant_adset_ids"] = [*exp["variants"]["A"]["adset_ids"], adset_id]
    exp["start_time"] = now.isoformat()
    if refusals:
        return _refused(args, refusals, created, "partial")
    fields = "daily_budget,daily_min_spend_target,daily_spend_cap,status"
    a_now = client.get(str(args["control"]["adset_id"]), {"fields": fields})
    b_now = client.get(adset_id, {"fields": fields})
    return {"status": "applied", "created": created, "experiment": exp, "refusals": [],
            "budgets": {"A": a_now, "B": b_now}}


def _switch_on(client: Any, args: dict[str, Any], ad_ids: list[str], policy: Any,
               receipt: str | None, now: datetime) -> list[dict[str, Any]]:
    """Set ACTIVE the B ads whose control ads run (gated); return the gate's refusals."""
    wanted = [i for ad, i in zip(args["ads"], ad_ids, strict=True) if ad["status"] == "ACTIVE"]
    if not wanted:
        return []
    states = {i: str(client.get(i, {"fields": "status"}).get("status")) for i in wanted}
    todo: list[MoneyAction] = [activation("ad", i) for i in wanted if states[i] != "ACTIVE"]
    if not todo:
        return []
    verdict = clear(client, todo, policy, state=account_state(client, now=now), receipt=receipt)
    for action, gate_pass in zip(todo, verdict.passes, strict=True):
        if gate_pass is not None:
            apply_update(client, action, gate_pass, receipt=receipt,
                         plan_key=f"{action.object_id}:activate")
    return [r.as_dict() for r in verdict.refusals]
