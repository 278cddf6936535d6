"""Campaigns, ad sets, ad creatives and ads: reads and lists.

Stored docs are what Meta returns (money as strings of minor units, ids as strings, times as
ISO-8601 with `-0700` offsets) plus private `_` keys (`_review_until`, `_budget_edits`, ...).
Their effective status comes from `sandbox.status`, an ad set's `learning_stage_info` from the
delivery model. Create / update / delete live in `sandbox/writes.py`.
"""

from __future__ import annotations

from typing import Any

from sandbox.context import RequestContext
from sandbox.delivery import learning_stage_info
from sandbox.enums import EFFECTIVE_STATUSES
from sandbox.errors import invalid, not_found
from sandbox.fields import base_name, check_fields, select
from sandbox.media import viewing_urls
from sandbox.paging import paginate
from sandbox.params import get_fields, get_list, split_fields
from sandbox.status import HIDDEN_BY_DEFAULT, effective_status, incident_of
from sandbox.tracking import tracking_specs


def render(
    ctx: RequestContext,
    doc: dict[str, Any],
    params: dict[str, Any],
    fields: list[str] | None = None,
) -> dict[str, Any]:
    """Return the doc as Meta shows it for `fields` (default: `id`), with computed fields."""
    type_ = str(doc.get("_type"))
    if fields is None:
        fields = get_fields(params)
    if fields is None:
        return {"id": doc["id"]}
    check_fields(type_, fields)
    now = ctx.now()
    refs = {"campaign": doc.get("campaign_id"), "adset": doc.get("adset_id")}
    if type_ == "ad":
        refs["creative"] = (doc.get("creative") or {}).get("id")
    computed: dict[str, Any] = {
        "effective_status": lambda: effective_status(ctx.store, doc, now),
        "configured_status": lambda: doc.get("status"),
    }
    if type_ == "adset":
        computed["learning_stage_info"] = lambda: learning_stage_info(ctx.store, doc)
    if type_ == "adcreative":
        computed["image_urls_for_viewing"] = lambda: viewing_urls(ctx.store, doc)
    if type_ == "ad":
        reviewed = float(doc.get("_review_until", 0) or 0) <= now.timestamp()
        computed["tracking_specs"] = lambda: tracking_specs(ctx.store, doc)
        computed["ad_review_feedback"] = lambda: (
            doc.get("_feedback") or (incident_of(doc, now) or {}).get("feedback")
        ) if reviewed else None
    # a scenario incident's delivery problem (sandbox/incidents.py); Meta omits an empty list
    computed["issues_info"] = lambda: (incident_of(doc, now) or {}).get("issues")
    plain: list[str] = []
    nested: dict[str, Any] = {}
    for f in fields:
        name = base_name(f)
        if name in refs and refs[name]:
            sub = split_fields(f[len(name) + 1 : -1]) if "{" in f else ["id"]
            child = ctx.store.get_object(str(refs[name]))
            nested[name] = render(ctx, child, {}, sub) if child else {"id": refs[name]}
        else:
            plain.append(f)
    out = select(doc, type_, params, computed, fields=plain)
    out.update(nested)
    return out


def read_node(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{id}` for campaigns, ad sets, ads and creatives (deleted ones too)."""
    doc = ctx.store.get_object(oid)
    if doc is None:
        raise not_found(oid)
    return render(ctx, doc, params)


def read_ids(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /?ids=a,b&fields=...` → `{id: node}`."""
    from sandbox import accounts, audiences, videos

    out: dict[str, Any] = {}
    for oid in [i.strip() for i in str(params["ids"]).split(",") if i.strip()]:
        doc = ctx.store.get_object(oid)
        if doc is None:
            raise not_found(oid)
        type_ = doc["_type"]
        if type_ in ("campaign", "adset", "ad", "adcreative"):
            out[oid] = render(ctx, doc, params)
        elif type_ == "advideo":
            out[oid] = videos.read_video(ctx, oid, params)
        elif type_ == "adaccount":
            out[oid] = accounts.read_account(ctx, oid, params)
        elif type_ == "customaudience":
            out[oid] = audiences.read(ctx, oid, params)
        else:
            out[oid] = accounts.read_simple(ctx, oid, params)
    return out


# -- lists --------------------------------------------------------------------------------
def list_edge(
    ctx: RequestContext, type_: str, params: dict[str, Any], account: str
) -> dict[str, Any]:
    """`GET /act_<id>/{campaigns,adsets,ads,adcreatives}`."""
    docs = ctx.store.list_objects(type_, account_id=account[4:])
    return _list(ctx, type_, docs, params)


def list_children(
    ctx: RequestContext, child: str, parent_type: str, parent_id: str, params: dict[str, Any]
) -> dict[str, Any]:
    """`GET /{campaign}/adsets|ads`, `/{adset}/ads|adcreatives`, `/{ad}/adcreatives`."""
    store = ctx.store
    if child == "adcreative":
        ads = (
            [store.get_object(parent_id)]
            if parent_type == "ad"
            else store.list_objects("ad", parent_id=parent_id)
        )
        ids = {str((a or {}).get("creative", {}).get("id")) for a in ads}
        docs = [
            d for d in store.list_objects("adcreative", account_id=ctx.account_id) if d["id"] in ids
        ]
    elif parent_type == "campaign" and child == "ad":
        docs = [
            d
            for d in store.list_objects("ad", account_id=ctx.account_id)
            if d.get("campaign_id") == parent_id
        ]
    else:
        docs = store.list_objects(child, parent_id=parent_id)
    return _list(ctx, child, docs, params)


def _list(
    ctx: RequestContext, type_: str, docs: list[dict[str, Any]], params: dict[str, Any]
) -> dict[str, Any]:
    now = ctx.now()
    wanted = _status_filter(params)
    raw_rules = get_list(params, "filtering") or []
    if not all(isinstance(r, dict) and r.get("field") for r in raw_rules):
        raise invalid("Each filtering rule is an object with field, operator and value, e.g. "
                      "[{'field':'name','operator':'CONTAIN','value':'Sale'}].",
                      fields=["filtering"])
    rules = list(raw_rules)
    rows = []
    for doc in reversed(docs):  # Meta lists newest first
        status = effective_status(ctx.store, doc, now)
        if wanted is None:
            if status in HIDDEN_BY_DEFAULT:
                continue
        elif status not in wanted:
            continue
        if all(
            _matches(doc, status, r, type_)
            for r in rules
            if _rule_field(r, type_) != "effective_status"
        ):
            rows.append(doc)
    fields = get_fields(params)
    if fields is not None:
        check_fields(type_, fields)
    page = paginate(ctx, rows, params)
    page["data"] = [render(ctx, d, params) for d in page["data"]]
    return page


def _rule_field(rule: dict[str, Any], type_: str) -> str:
    field = str(rule.get("field", ""))
    prefix = {"adset": "adset.", "ad": "ad.", "campaign": "campaign.", "adcreative": "creative."}[
        type_
    ]
    return field[len(prefix) :] if field.startswith(prefix) else field


def _status_filter(params: dict[str, Any]) -> set[str] | None:
    wanted: set[str] | None = None
    direct = get_list(params, "effective_status")
    if direct:
        wanted = {str(v) for v in direct}
    for rule in get_list(params, "filtering") or []:
        if isinstance(rule, dict) and str(rule.get("field", "")).endswith("effective_status"):
            value = rule.get("value")
            wanted = {str(v) for v in (value if isinstance(value, list) else [value])}
    unknown = sorted(v for v in (wanted or ()) if v not in EFFECTIVE_STATUSES)
    if unknown:
        raise invalid(f"effective_status must be a list of "
                      f"{', '.join(sorted(EFFECTIVE_STATUSES))}; "
                      f"{unknown[0]!r} is not one.", fields=["effective_status"])
    if wanted and "DELETED" in wanted:
        raise invalid(
            "Deleted objects are not listed by edges; read them by id instead.",
            fields=["filtering"],
        )
    return wanted


def _matches(doc: dict[str, Any], status: str, rule: dict[str, Any], type_: str) -> bool:
    field = _rule_field(rule, type_)
    op = str(rule.get("operator", "EQUAL")).upper()
    value = rule.get("value")
    parent = {"campaign.id": "campaign_id", "adset.id": "adset_id"}.get(
        str(rule.get("field")), None
    )
    actual = doc.get(parent) if parent else doc.get(field)
    text = str(actual) if actual is not None else ""
    values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    try:
        checks = {
            "EQUAL": lambda: text == str(value),
            "NOT_EQUAL": lambda: text != str(value),
            "IN": lambda: text in values,
            "NOT_IN": lambda: text not in values,
            "CONTAIN": lambda: str(value).lower() in text.lower(),
            "NOT_CONTAIN": lambda: str(value).lower() not in text.lower(),
            "STARTS_WITH": lambda: text.startswith(str(value)),
            "GREATER_THAN": lambda: float(text or 0) > float(str(value)),
            "LESS_THAN": lambda: float(text or 0) < float(str(value)),
        }
        return bool(checks[op]())
    except KeyError as exc:
        raise invalid(
            f"filtering operator {op!r} is not supported here.", fields=["filtering"]
        ) from exc
    except (TypeError, ValueError) as exc:
        raise invalid(
            f"filtering value for {field} is not comparable.", fields=["filtering"]
        ) from exc
