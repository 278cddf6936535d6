"""Undo a creative or an image a thread created: pause the new ads that show it.

Meta cannot pause a creative — its status is ACTIVE, IN_PROCESS, WITH_ISSUES or DELETED
(docs/meta-api-facts.md §4.1) — nor an image (addressed by its hash, with no status). What a
person means by `adpilot undo` of a creative refresh's or an A/B variant's new creative (or of
the image uploaded for it) is that the new ads showing it stop delivering; sending
`status=PAUSED` to the creative instead changes nothing that delivers (Meta refuses it; the
sandbox once took it, and `undo` said "Undone" while the new ad kept running).

* `new_ads(client, ledger, row)` — the ads this thread created after `row` that show the
  creative it created, as Meta has them now (each ad's `creative` read back); for an image
  upload, the ads showing a creative this thread created after the upload whose spec holds
  the image's hash. Only the thread's own later creates count: an ad it did not create (a
  refresh's tired ad, A of a test) or made before (with an older creative) is never touched.
* `pause_ads(client, ads, ...)` — pause each one still on, through the money gate (a pause,
  `tools.money.clear`), ledgered, and read it back (`tools.money.apply_update`).
* `named(ads)` — say them as a person knows them: "'Trail A — refresh 1' in ad set 'Trail'
  (id 1202…)", never by id alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from state.guardrails import MoneyAction, Refusal
from state.ledger import Ledger
from state.provenance import display_name
from tools.money import apply_update, clear
from tools.undo_check import adset_name, position

OFF = ("PAUSED", "ARCHIVED", "DELETED")
_CREATIVE_SPEC = "object_story_spec,asset_feed_spec"


@dataclass
class Paused:
    """What pausing a creative's (or an image's) new ads did, ad by ad."""

    # each {"id", "name", "adset", ...}: "before" (paused), "status" (the others)
    paused: list[dict[str, Any]] = field(default_factory=list)
    already_off: list[dict[str, Any]] = field(default_factory=list)
    not_paused: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def _later_creates(ledger: Ledger, row: Mapping[str, Any], object_type: str
                   ) -> list[dict[str, Any]]:
    """Return the thread's `done` creates of `object_type` written after `row`, in order."""
    rows = ledger.rows(row.get("thread_id"))
    at = position(rows, row["write_id"])
    return [r for r in rows[at + 1:] if r["op"] == "create" and r["status"] == "done"
            and r.get("meta_id") and str(r.get("object_type") or "") == object_type]


def _creatives_showing(client: Any, ledger: Ledger, row: Mapping[str, Any]) -> set[str]:
    """Ids of the creatives this thread created after the image upload `row` that use its hash."""
    image_hash = str(row["meta_id"])
    out = set()
    for r in _later_creates(ledger, row, "creative"):
        spec = client.get(str(r["meta_id"]), {"fields": _CREATIVE_SPEC})
        if image_hash in json.dumps({k: spec.get(k) for k in _CREATIVE_SPEC.split(",")}):
            out.add(str(r["meta_id"]))
    return out


def new_ads(client: Any, ledger: Ledger, row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return `{"id", "name", "adset", "status", "plan_key"}` of each ad showing what `row` made."""
    creatives = ({str(row["meta_id"])} if row["op"] == "create"
                 else _creatives_showing(client, ledger, row))
    out, sets = [], {}
    for r in _later_creates(ledger, row, "ad") if creatives else []:
        ad = client.get(str(r["meta_id"]), {"fields": "name,status,creative,adset_id"})
        if str((ad.get("creative") or {}).get("id")) in creatives:
            set_id = str(ad.get("adset_id") or "")
            if set_id and set_id not in sets:
                sets[set_id] = adset_name(client, set_id)
            out.append({"id": str(r["meta_id"]), "name": display_name(ad.get("name")),
                        "adset": sets.get(set_id, ""), "status": str(ad.get("status") or ""),
                        "plan_key": r.get("plan_key")})
    return out


def named(ads: list[dict[str, Any]]) -> str:
    """Say ads by name and ad set: "'A' in ad set 'S' (id 1) and 'B' in ad set 'S' (id 2)"."""
    return " and ".join(f"'{a['name']}'" + (f" in ad set {a['adset']}" if a.get("adset") else "")
                        + f" (id {a['id']})" for a in ads)


def pause_action(object_id: str) -> MoneyAction:
    """Build the typed pause of one ad (what the money gate judges; it never raises spend)."""
    return MoneyAction.model_validate({
        "kind": "pause", "name": "pause", "policy_kind": "pause", "object_id": object_id,
        "object_type": "ad", "status": "PAUSED"})


def pause_ads(client: Any, ads: list[dict[str, Any]], *, policy: Any, receipt: str,
              plan_key: str) -> Paused:
    """Pause every ad of `ads` that is still on, gated and ledgered; read each one back.

    `plan_key` (`undo:<write id>`, `tools/undo_check.py::undo_key`) links each pause in the
    ledger to the write it undoes.
    """
    done = Paused(already_off=[{**_who(a), "status": a["status"]}
                               for a in ads if a["status"] in OFF])
    todo = [a for a in ads if a["status"] not in OFF]
    if not todo:
        return done
    verdict = clear(client, [pause_action(a["id"]) for a in todo], policy, receipt=receipt)
    if not verdict.ok:
        done.refusals = list(verdict.refusals)
        return done
    for ad, action, gate_pass in zip(todo, verdict.actions, verdict.passes, strict=True):
        result = apply_update(client, action, gate_pass, receipt=receipt, plan_key=plan_key)
        now = str(result["after"].get("status") or "")
        if now == "PAUSED":
            done.paused.append({**_who(ad), "before": ad["status"]})
        else:
            done.not_paused.append({**_who(ad), "status": now})
    return done


def _who(ad: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": ad["id"], "name": ad["name"], "adset": ad.get("adset", "")}
