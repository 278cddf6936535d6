"""Create, update and delete for campaigns, ad sets, creatives and ads (docs/meta-api-facts.md §2–§5, §11).

One path for create, update and `validate_only`: parse the request into typed values, merge
them over the stored object, validate the result, then persist (unless dry-running).
Status transitions and immutability follow §11: DELETED is final (only `name` may change),
ARCHIVED accepts only `name` and `status=DELETED`, creatives accept only `name`/`status`.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox import adset_budgets, creatives
from sandbox.clock import fmt_time, parse_time
from sandbox.context import RequestContext
from sandbox.enums import CREATIVE_STATUSES
from sandbox.errors import GraphError, invalid, not_found, required
from sandbox.inputs import MONEY, TIMES, parse
from sandbox.objects import render
from sandbox.params import (
    get_fields,
    validate_only,
)
from sandbox.status import effective_status
from sandbox.validation import check_adset, check_budget_edit, check_campaign, started

IMMUTABLE = {
    "campaign": ("buying_type",),
    "adset": ("campaign_id",),
    "ad": ("adset_id",),
}


def _spec_of(doc: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in doc.items() if not k.startswith("_")}
    for key in MONEY:
        if spec.get(key) is not None:
            spec[key] = int(spec[key])
    return spec


def _stored(ctx: RequestContext, spec: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in spec.items() if not k.startswith("_")}
    for key in MONEY:
        if out.get(key) is not None:
            out[key] = str(out[key])
    tz = ctx.tz()
    for key in TIMES:
        if key in out:
            dt = parse_time(out[key])
            if dt is None:
                out.pop(key)
            else:
                out[key] = fmt_time(dt, tz)
    return out


def _parent(ctx: RequestContext, oid: str | None, type_: str, field: str) -> dict[str, Any]:
    if not oid:
        raise required(field)
    doc = ctx.store.get_object(oid, type_)
    if doc is None or doc.get("_account_id") != ctx.account_id:
        raise invalid(f"{field} {oid} does not name a {type_} in this ad account.", fields=[field])
    status = effective_status(ctx.store, doc, ctx.now())
    if status in ("DELETED", "ARCHIVED"):
        raise invalid(
            f"The {type_} {oid} is {status.lower()}; new objects cannot be added to it.",
            fields=[field],
        )
    return doc


def _respond(ctx: RequestContext, doc: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": doc["id"]}
    if get_fields(params):
        out.update(render(ctx, doc, params))
    return out


# -- create --------------------------------------------------------------------------------------
def create(ctx: RequestContext, type_: str, params: dict[str, Any]) -> dict[str, Any]:
    """Validate a new object; persist it unless `validate_only`."""
    spec = parse(type_, params)
    dry = validate_only(params)
    store, now = ctx.store, ctx.now()
    parent_id = ""
    if type_ == "campaign":
        spec.setdefault("status", "ACTIVE")
        check_campaign(ctx, spec, creating=True)
        spec.setdefault("buying_type", "AUCTION")
        if spec.get("daily_budget") or spec.get("lifetime_budget"):
            spec.setdefault("bid_strategy", "LOWEST_COST_WITHOUT_CAP")
            spec["budget_remaining"] = spec.get("daily_budget") or spec.get("lifetime_budget")
        spec.setdefault("start_time", ctx.iso(now))
    elif type_ == "adset":
        campaign = _parent(ctx, spec.get("campaign_id"), "campaign", "campaign_id")
        if len(store.list_objects("adset", parent_id=campaign["id"])) >= 200:
            raise invalid("A campaign can hold at most 200 ad sets.", fields=["campaign_id"])
        spec.setdefault("status", "ACTIVE")
        spec.setdefault("start_time", ctx.iso(now))
        check_adset(ctx, spec, campaign, creating=True)
        if not (campaign.get("daily_budget") or campaign.get("lifetime_budget")):
            spec["bid_strategy"] = spec.pop("_strategy")
            spec["budget_remaining"] = spec.get("daily_budget") or spec.get("lifetime_budget")
        parent_id = campaign["id"]
    elif type_ == "adcreative":
        spec.setdefault("status", "ACTIVE")
        creatives.check_creative(ctx, spec)
        existing = creatives.find_identical(ctx, spec)
        if existing is not None:
            return {"success": True} if dry else {"id": existing}
        content = creatives.content_hash(spec)
        spec.update(creatives.derived_fields(spec))
    elif type_ == "ad":
        adset = _parent(ctx, spec.get("adset_id"), "adset", "adset_id")
        spec.setdefault("status", "ACTIVE")
        creatives.check_ad(ctx, spec, adset)
        if dry:
            _resolve_creative(ctx, spec, dry=True)
            return {"success": True}
        spec["creative"] = {"id": _resolve_creative(ctx, spec, dry=False)}
        spec["campaign_id"] = adset["campaign_id"]
        spec["_review_until"] = now.timestamp() + float(store.get_setting("review_seconds", 300))
        spec.update(creatives.review(ctx, spec["creative"]["id"]))
        parent_id = adset["id"]
    if dry:
        return {"success": True}
    spec["account_id"] = ctx.account_id
    spec["created_time"] = spec["updated_time"] = ctx.iso(now)
    doc = _stored(ctx, spec)
    for key in ("_review_until", "_review", "_feedback"):
        if key in spec:
            doc[key] = spec[key]
    if type_ == "adcreative":
        doc["_content_hash"] = content
    doc["_last_sig_edit"] = now.timestamp()
    saved = store.insert_object(type_, doc, account_id=str(ctx.account_id), parent_id=parent_id)
    saved["_type"] = type_
    return _respond(ctx, saved, params)


def _resolve_creative(ctx: RequestContext, spec: dict[str, Any], dry: bool) -> str:
    """Return the creative id of an ad spec, creating an inline creative when not dry-running."""
    creative = spec["creative"]
    cid = creative.get("creative_id") or creative.get("id")
    if cid or dry:
        return str(cid or "")
    inline = dict(creative)
    inline.setdefault("name", spec.get("name"))
    params = {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in inline.items()}
    return str(create(ctx, "adcreative", params)["id"])


# -- update / delete -----------------------------------------------------------------------------
def update(
    ctx: RequestContext, oid: str, params: dict[str, Any], deleting: bool = False
) -> dict[str, Any]:
    """Apply an update (or deletion) after the §11 transition rules and revalidation."""
    doc = ctx.store.get_object(oid)
    if doc is None:
        raise not_found(oid, "post")
    type_ = str(doc["_type"])
    changes = parse(type_, params)
    dry = validate_only(params)
    now = ctx.now()
    _check_transition(type_, doc, changes)
    if type_ == "adcreative":
        extra = set(changes) - {"name", "status", "adlabels"}
        if extra:
            raise invalid(
                f"Ad creatives cannot be changed after creation except name and status "
                f"({', '.join(sorted(extra))} given); create a new creative and point the ad at it.",
                fields=sorted(extra),
            )
        if "status" in changes and changes["status"] not in CREATIVE_STATUSES:
            raise invalid(
                f"A creative's status is one of {', '.join(sorted(CREATIVE_STATUSES))} (got "
                f"{changes['status']!r}): a creative cannot be paused; pause the ads using it.",
                fields=["status"],
            )
        if changes.get("status") == "DELETED":
            creatives.check_creative_deletable(ctx, oid)
    for key in IMMUTABLE.get(type_, ()):
        if key in changes and changes[key] != doc.get(key):
            raise invalid(f"{key} cannot be changed after creation.", fields=[key])
    spec = {**_spec_of(doc), **changes}
    stored_extra: dict[str, Any] = {}
    substantive = set(changes) - {"name", "status", "adlabels"}
    handed_down = adset_budgets.check(ctx, doc, params) if type_ == "campaign" else []
    if type_ == "campaign" and substantive:
        _check_campaign_update(ctx, doc, changes)
        check_campaign(ctx, spec, creating=False)
    elif type_ == "adset" and substantive:
        if (
            "start_time" in changes
            and started(doc, now)
            and changes["start_time"] != doc.get("start_time")
        ):
            raise invalid(
                "start_time cannot be changed after the ad set has started.", fields=["start_time"]
            )
        campaign = ctx.store.get_object(str(doc["campaign_id"])) or {}
        check_adset(ctx, spec, campaign, creating=False)
        spec.pop("_strategy", None)
    elif type_ == "ad" and "creative" in changes:
        creatives.check_ad(ctx, spec, ctx.store.get_object(str(doc["adset_id"])) or {})
        if not dry:
            spec["creative"] = {"id": _resolve_creative(ctx, spec, dry=False)}
            stored_extra["_review_until"] = now.timestamp() + float(
                ctx.store.get_setting("review_seconds", 300)
            )
            stored_extra.update(creatives.review(ctx, spec["creative"]["id"]))
    budget_keys = [
        k
        for k in ("daily_budget", "lifetime_budget")
        if k in changes and str(changes[k]) != str(doc.get(k))
    ]
    if type_ in ("campaign", "adset") and budget_keys:
        stored_extra["_budget_edits"] = check_budget_edit(ctx, doc, spec)
        key = budget_keys[0]
        spent = 0
        if key == "lifetime_budget" and doc.get("lifetime_budget"):
            spent = max(0, int(doc["lifetime_budget"]) - int(doc.get("budget_remaining") or 0))
        spec["budget_remaining"] = max(0, int(spec.get(key) or 0) - spent)
    if dry:
        return {"success": True}
    new = {
        k: v
        for k, v in _stored(ctx, spec).items()
        if k in changes or k in ("budget_remaining", "creative")
    }
    new.update(stored_extra)
    new["updated_time"] = ctx.iso(now)
    if substantive - {"bid_amount", "daily_budget", "lifetime_budget", "end_time"}:
        new["_last_sig_edit"] = now.timestamp()
    ctx.store.update_object(oid, new)
    adset_budgets.apply(ctx, handed_down, new["updated_time"])
    out: dict[str, Any] = {"success": True}
    if get_fields(params) and not deleting:
        fresh = ctx.store.get_object(oid)
        assert fresh is not None
        out.update(render(ctx, fresh, params))
    return out


def delete(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`DELETE /{id}`: status DELETED."""
    return update(ctx, oid, {**params, "status": "DELETED"}, deleting=True)


def _check_transition(type_: str, doc: dict[str, Any], changes: dict[str, Any]) -> None:
    current = doc.get("status", "ACTIVE")
    target = changes.get("status")
    if target is not None and target not in ("ACTIVE", "PAUSED", "ARCHIVED", "DELETED"):
        raise invalid(
            f"status must be ACTIVE, PAUSED, ARCHIVED or DELETED (got {target!r}).",
            fields=["status"],
        )
    others = set(changes) - {"name", "status"}
    if current == "DELETED":
        if target not in (None, "DELETED") or others:
            raise invalid(
                "This object is deleted; deleted objects cannot be changed (only their name).",
                fields=sorted(others | ({"status"} if target else set())),
                title="Object Deleted",
            )
    elif current == "ARCHIVED":
        if target not in (None, "ARCHIVED", "DELETED") or others:
            raise invalid(
                "This object is archived: only its name can be edited, and its status can only "
                "become DELETED.",
                fields=sorted(others | ({"status"} if target not in (None, "DELETED") else set())),
                subcode=1885088 if type_ == "ad" else None,
                title="Object Archived",
            )


def _check_campaign_update(
    ctx: RequestContext, doc: dict[str, Any], changes: dict[str, Any]
) -> None:
    adsets = [
        a
        for a in ctx.store.list_objects("adset", parent_id=doc["id"])
        if a.get("status") != "DELETED"
    ]
    if "objective" in changes and changes["objective"] != doc.get("objective") and adsets:
        raise invalid(
            "The objective cannot be changed once the campaign has ad sets; create a new campaign.",
            fields=["objective"],
        )
    if (changes.get("daily_budget") or changes.get("lifetime_budget")) and any(
        a.get("daily_budget") or a.get("lifetime_budget") for a in adsets
    ):
        raise GraphError(
            100,
            "(#100) Invalid parameter",
            subcode=1885621,
            user_title="Budget Set at Both Levels",
            user_msg="Its ad sets have their own budgets, so the campaign cannot get a campaign "
            "budget. Remove the ad set budgets first (or use adset_budgets).",
            blame_field_specs=[["daily_budget"]],
        )
