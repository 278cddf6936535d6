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
   created PAUSED with their provenance ad labels (`state/provenance.py`), then the ads the
   control runs ACTIVE are switched on through the gate (`tools.common.activation`).

Every write is ledgered (`GraphClient.write`). **Idempotent**: each object has its own plan
key derived from the spec's key; before creating, a `done` ledger row is reused and otherwise
the object's label (or an earlier version's name tag) is looked up under its parent edge
(`find_created`), so a re-run after a lost response or a crash adopts what exists (and
settles its open ledger rows) instead of creating it twice (`agents/ads/writes.py`, shared
with the creative refresh). Returns `{"status", "created": {"adset_id", "creative_id",
"ad_id", "ad_ids"}, "experiment": {... B's ids and start_time filled}, "refusals", "budgets"}`.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any

from agents.ads.variants import IMAGE, adset_params, money_actions, object_key
from agents.ads.writes import (
    WriteError,
    activate_ads,
    create_creative,
    create_paused_ad,
    existing,
    upload_once,
)
from state.exposure import as_int
from state.guardrails import GatePass
from tools.money import account_state, apply_update, clear

VariantError = WriteError  # the approved variant cannot be written as approved (names why)


def _holds(client: Any, control: dict[str, Any]) -> bool:
    """Tell whether A already holds the values of its cut (an earlier apply made it)."""
    values = {k: v for k, v in control.items() if k != "adset_id"}
    now = client.get(str(control["adset_id"]), {"fields": ",".join(values)})
    return all(as_int(now.get(k)) == v for k, v in values.items())


def _creative(client: Any, args: dict[str, Any], image_hash: str | None, plan_key: str) -> str:
    text = json.dumps(args["creative"])
    if image_hash is not None:
        text = text.replace(json.dumps(IMAGE)[1:-1], image_hash)
    params = json.loads(text)
    params["name"] = str(params.get("name") or "Creative B")
    return create_creative(client, str(args["account_id"]), params, plan_key)


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
    adset_id = existing(client, adset_key, "create", f"{campaign}/adsets")
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
    image_hash = (upload_once(client, args["image"], object_key(key, "image"))
                  if args.get("image") else None)
    creative_id = (_creative(client, args, image_hash, object_key(key, "creative"))
                   if args.get("creative") else None)
    ad_ids = []
    for i, ad in enumerate(args["ads"]):
        ad_creative = ad.get("creative_id") or creative_id
        if not ad_creative:
            raise VariantError(f"B's ad {ad['name']!r} has no creative in the approved spec")
        ad_ids.append(create_paused_ad(client, act, str(ad["name"]), adset_id,
                                       str(ad_creative), object_key(key, f"ad{i}"), receipt))
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
    return activate_ads(client, wanted, policy, receipt, now)
