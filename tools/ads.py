"""Ads: create (PAUSED, tagged and labelled), set status, duplicate through `/copies`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from state.guardrails import MoneyAction
from tools.common import set_status
from tools.errors import PermanentError
from tools.meta_client import label_for, tag_for, with_tag

if TYPE_CHECKING:
    from state.guardrails import GatePass
    from tools.meta_client import MetaClient

AD_FIELDS = "id,name,adset_id,campaign_id,status,effective_status,creative"
UNSERVED_CODES = (3, 100, 2500)  # "unsupported request" / "unknown path"


def create_ad(client: MetaClient, ad_set_id: str, creative_id: str, name: str, *,
              plan_key: str | None = None, receipt: str | None = None,
              extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Create a PAUSED ad in an ad set from a creative; returns `{id, name}`."""
    params: dict[str, Any] = {
        "name": with_tag(name, plan_key, 400) if plan_key else name,
        "adset_id": str(ad_set_id), "creative": {"creative_id": str(creative_id)},
        "status": "PAUSED", **(extra or {}),
    }
    if plan_key:
        params["adlabels"] = [{"name": label_for(plan_key)}]
    body = client.write("create", f"{client._account()}/ads", params, plan_key=plan_key,
                        object_type="ad", receipt=receipt)
    return {"id": str(body["id"]), "name": params["name"]}


def get_ad(client: MetaClient, ad_id: str, fields: str = AD_FIELDS) -> dict[str, Any]:
    """Read one ad."""
    return client.get(str(ad_id), {"fields": fields})


def list_ads(client: MetaClient, ad_set_id: str) -> list[dict[str, Any]]:
    """List the ads of an ad set."""
    return client.get_all(f"{ad_set_id}/ads", {"fields": AD_FIELDS})


def set_ad_status(client: MetaClient, ad_id: str, status: str, *, receipt: str | None = None,
                  gate_pass: GatePass | None = None) -> dict[str, Any]:
    """Set an ad's status (ACTIVE needs `gate_pass`; PAUSED / ARCHIVED / DELETED do not)."""
    return set_status(client, ad_id, status, object_type="ad", receipt=receipt,
                      gate_pass=gate_pass)


def copy_action(ad_id: str, *, ad_set_id: str | None = None, status_option: str = "PAUSED",
                plan_key: str | None = None) -> MoneyAction:
    """Build the typed copy of an ad (what the money gate judges for `duplicate_ad`)."""
    return MoneyAction.model_validate({
        "kind": "copy", "name": "duplicate_ad", "policy_kind": "duplicate_ad",
        "object_id": str(ad_id), "object_type": "ad", "parent_id": ad_set_id, "key": plan_key,
        "status_option": status_option})


def duplicate_ad(client: MetaClient, ad_id: str, *, ad_set_id: str | None = None,
                 status_option: str = "PAUSED", plan_key: str | None = None,
                 receipt: str | None = None, gate_pass: GatePass | None = None
                 ) -> dict[str, Any]:
    """Copy an ad (optionally into another ad set) through `POST /{ad_id}/copies`.

    Every copy needs the `gate_pass` of its `copy_action` (a copy is a new object that can run).
    """
    if status_option not in ("ACTIVE", "PAUSED", "INHERITED_FROM_SOURCE"):
        raise ValueError("status_option must be ACTIVE, PAUSED or INHERITED_FROM_SOURCE")
    params: dict[str, Any] = {"status_option": status_option}
    if ad_set_id:
        params["adset_id"] = str(ad_set_id)
    if plan_key:
        params["rename_options"] = {"rename_suffix": tag_for(plan_key)}
    try:
        body = client.write("copy", f"{ad_id}/copies", params, plan_key=plan_key,
                            object_type="ad", receipt=receipt, gate_pass=gate_pass)
    except PermanentError as exc:
        if exc.code not in UNSERVED_CODES:
            raise
        # An endpoint that does not serve /copies (e.g. an older sandbox): copy by hand —
        # same creative, same or given ad set, PAUSED, with the new provenance tag.
        source = get_ad(client, ad_id, "id,name,adset_id,creative")
        base = re.sub(r" \[ap:[0-9a-f]{8}\]$", "", str(source.get("name", "ad")))
        copy = create_ad(client, ad_set_id or source["adset_id"],
                         str((source.get("creative") or {}).get("id")), f"{base} (copy)",
                         plan_key=plan_key, receipt=receipt)
        return {"id": copy["id"], "source_id": str(ad_id), "via": "create"}
    copied = body.get("copied_ad_id") or body.get("id")
    if not copied:
        for pair in body.get("ad_object_ids") or []:
            if str(pair.get("source_id")) == str(ad_id):
                copied = pair.get("copied_id")
    return {"id": str(copied) if copied else None, "source_id": str(ad_id)}
