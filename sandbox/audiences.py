"""Custom audiences: `POST/GET /act_<id>/customaudiences`, `GET/POST/DELETE /<ca_id>` (docs/facts-audiences.md).

Four kinds are served, stored as objects of type `customaudience` (account_id = the ad
account's digits) with Meta's field names:

- customer list: `subtype=CUSTOM` + `customer_file_source`; people arrive by
  `POST /<ca_id>/users` (`sandbox/audiences_users.py`);
- website: a `rule` whose event sources are the account's pixels (Meta infers WEBSITE);
- engagement: a `rule` over a page, Instagram account or lead forms (Meta infers
  ENGAGEMENT), or over videos with `subtype=VIDEO`;
- lookalike: `subtype=LOOKALIKE`, `origin_audience_id` and a `lookalike_spec` JSON string.

Sizes come from `sandbox/audiences_size.py`; every audience is ready at once (no 1–6 h
population). Deleted audiences answer like missing ones. Refusals carry Meta's codes where a
source gives one (200/1870034 terms, 2654/1713007 duplicate lookalike), else code 100 or
2654 with a message naming the field and the fix.
"""

from __future__ import annotations

from typing import Any

from sandbox.audiences_lookalike import lookalike_fields
from sandbox.audiences_rules import check_rule, longest_days, parse_rule
from sandbox.audiences_size import count_fields, rule_size
from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid, not_found, required
from sandbox.fields import select
from sandbox.paging import paginate
from sandbox.params import get_dict, get_fields, get_json, get_list, get_str, validate_only
from sandbox.scenario import account_scenario

TYPE = "customaudience"
SUBTYPES = frozenset({
    "APP", "BAG_OF_ACCOUNTS", "BIDDING", "CLAIM", "CUSTOM", "ENGAGEMENT", "EXCLUSION", "FOX",
    "LOOKALIKE", "MANAGED", "MEASUREMENT", "MESSENGER_SUBSCRIBER_LIST", "OFFLINE_CONVERSION",
    "PARTNER", "PRIMARY", "REGULATED_CATEGORIES_AUDIENCE", "STUDY_RULE_AUDIENCE", "VIDEO",
    "WEBSITE",
})
SERVED = ("CUSTOM", "WEBSITE", "ENGAGEMENT", "VIDEO", "LOOKALIKE")
FILE_SOURCES = ("USER_PROVIDED_ONLY", "PARTNER_PROVIDED_ONLY", "BOTH_USER_AND_PARTNER_PROVIDED")
DATA_SOURCE = {
    "CUSTOM": {"type": "FILE_IMPORTED", "sub_type": "HASHES_OR_USER_IDS"},
    "WEBSITE": {"type": "EVENT_BASED", "sub_type": "WEB_PIXEL_HITS"},
    "ENGAGEMENT": {"type": "EVENT_BASED", "sub_type": "ENGAGEMENT_EVENTS"},
    "VIDEO": {"type": "EVENT_BASED", "sub_type": "ENGAGEMENT_EVENT_USERS"},
    "LOOKALIKE": {"type": "UNKNOWN", "sub_type": "LOOKALIKE_PLATFORM"},
}
NORMAL = {"code": 200, "description": "Normal"}


def terms_not_accepted() -> GraphError:
    """200 / 1870034: the ad account has not accepted the Custom Audience Terms."""
    return GraphError(
        200,
        "(#200) You must accept the Custom Audiences terms of service before creating a "
        "custom audience.",
        subcode=1870034,
        type="OAuthException",
        user_title="Custom Audience Terms Not Accepted",
        user_msg="Accept the Custom Audience Terms for this ad account in Ads Manager "
        "(https://www.facebook.com/ads/manage/customaudiences/tos.php), then try again.",
    )


def failed(msg: str, field: str, subcode: int | None = None, title: str = "") -> GraphError:
    """Code 2654: Meta's "Failed to create custom audience" family."""
    return GraphError(
        2654,
        "(#2654) Failed to create custom audience",
        subcode=subcode,
        user_title=title or "Failed to Create Custom Audience",
        user_msg=msg,
        blame_field_specs=[[field]],
    )


def seed(ctx: RequestContext) -> int:
    """Return the truth seed of the request's ad account (sizes are deterministic in it)."""
    return account_scenario(ctx.store, ctx.account_id)[1]


def get_audience(ctx: RequestContext, oid: str, method: str = "get") -> dict[str, Any]:
    """Return the stored audience, or raise Meta's not-found error (deleted audiences are gone)."""
    doc = ctx.store.get_object(oid, TYPE)
    if doc is None or doc.get("_deleted"):
        raise not_found(oid, method)
    return doc


# -- create --------------------------------------------------------------------------------------
def create(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`POST /act_<id>/customaudiences`: validate; store unless `validate_only`."""
    name = get_str(params, "name")
    if not name or not name.strip():
        raise required("name", "give the audience a name")
    subtype = (get_str(params, "subtype") or "").upper() or None
    if subtype is not None and subtype not in SUBTYPES:
        raise invalid(
            f"Param subtype must be one of {{{', '.join(sorted(SUBTYPES))}}} - got {subtype!r}.",
            fields=["subtype"],
            message=f"(#100) Param subtype must be one of {{{', '.join(sorted(SUBTYPES))}}}",
        )
    if subtype is not None and subtype not in SERVED:
        raise invalid(
            f"subtype {subtype} is not served by this sandbox; it serves customer lists "
            "(CUSTOM), website and engagement audiences (from rule), VIDEO and LOOKALIKE.",
            fields=["subtype"],
        )
    acct = ctx.account() or {}
    if "custom_audience_tos" not in (acct.get("tos_accepted") or {"custom_audience_tos": 1}):
        raise terms_not_accepted()
    raw_rule = get_json(params, "rule")
    doc: dict[str, Any] = {"name": name.strip()}
    if subtype == "LOOKALIKE":
        if raw_rule is not None:
            raise invalid("A lookalike takes no rule; give origin_audience_id and "
                          "lookalike_spec.", fields=["rule"])
        doc.update(lookalike_fields(ctx, params))
    elif raw_rule is not None:
        rule = parse_rule(raw_rule)
        if subtype == "CUSTOM":
            raise invalid("subtype CUSTOM is for customer lists, which take no rule; leave "
                          "subtype out for website and engagement audiences (Meta infers it).",
                          fields=["subtype"])
        inferred = check_rule(ctx, rule, subtype)
        doc.update({
            "subtype": inferred,
            "rule": rule,
            "retention_days": longest_days(rule),
            **count_fields(rule_size(seed(ctx), rule, engagement=inferred != "WEBSITE")),
        })
        if inferred == "WEBSITE":
            doc["pixel_id"] = str(rule["inclusions"]["rules"][0]["event_sources"][0]["id"])
        if get_str(params, "prefill") is not None:
            doc["prefill"] = str(params["prefill"]).lower() in ("1", "true")
    elif subtype in ("WEBSITE", "ENGAGEMENT", "VIDEO"):
        raise required("rule", f"a {subtype.lower()} audience is defined by its rule")
    else:
        source = get_str(params, "customer_file_source")
        if source is None:
            raise required("customer_file_source", "say where the customer list comes from: "
                           + ", ".join(FILE_SOURCES))
        if source not in FILE_SOURCES:
            raise invalid(f"customer_file_source must be one of {', '.join(FILE_SOURCES)}.",
                          fields=["customer_file_source"])
        doc.update({"subtype": "CUSTOM", "customer_file_source": source, **count_fields(0)})
    description = get_str(params, "description")
    if description:
        doc["description"] = description
    if validate_only(params):
        return {"success": True}
    now = ctx.now()
    doc.update({
        "account_id": ctx.account_id,
        "data_source": DATA_SOURCE[doc["subtype"]],
        "operation_status": NORMAL,
        "time_created": int(now.timestamp()),
        "time_updated": int(now.timestamp()),
    })
    saved = ctx.store.insert_object(
        TYPE, doc, account_id=str(ctx.account_id), parent_id=f"act_{ctx.account_id}"
    )
    saved["_type"] = TYPE
    out: dict[str, Any] = {"id": saved["id"]}
    if get_fields(params):
        out.update(render(ctx, saved, params))
    return out


# -- read / list ---------------------------------------------------------------------------------
def render(ctx: RequestContext, doc: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """Return the audience as Meta shows it for `fields` (default: `id`)."""
    oid = str(doc["id"])
    computed = {
        "lookalike_audience_ids": lambda: [
            d["id"] for d in ctx.store.list_objects(TYPE, account_id=doc.get("_account_id"))
            if d.get("origin_audience_id") == oid and not d.get("_deleted")
        ] or None,
        "permission_for_actions": lambda: {
            "can_edit": True, "can_see_insight": "True", "can_share": "True",
            "subtype_supports_lookalike": doc.get("subtype") != "LOOKALIKE",
            "supports_recipient_lookalike": False,
        },
        "is_value_based": lambda: bool(doc.get("is_value_based", False)),
    }
    return select(doc, TYPE, params, computed)


def read(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /<ca_id>`."""
    return render(ctx, get_audience(ctx, oid), params)


def list_audiences(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /act_<id>/customaudiences`: newest first, `fields`, `filtering` on name/subtype/id."""
    docs = [d for d in ctx.store.list_objects(TYPE, account_id=ctx.account_id)
            if not d.get("_deleted")]
    rules = [r for r in (get_list(params, "filtering") or []) if isinstance(r, dict)]
    rows = [d for d in reversed(docs) if all(_matches(d, r) for r in rules)]
    fields = get_fields(params)
    if fields is not None:
        select({"id": "0"}, TYPE, params)  # unknown fields fail before paging
    page = paginate(ctx, rows, params)
    page["data"] = [render(ctx, d, params) for d in page["data"]]
    return page


def _matches(doc: dict[str, Any], rule: dict[str, Any]) -> bool:
    field = str(rule.get("field", ""))
    if field not in ("name", "subtype", "id", "customer_file_source"):
        raise invalid(f"filtering on {field!r} is not supported here; filter on name, "
                      "subtype or id.", fields=["filtering"])
    op = str(rule.get("operator", "EQUAL")).upper()
    value = rule.get("value")
    text = str(doc.get(field, ""))
    values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    checks = {
        "EQUAL": lambda: text == str(value),
        "NOT_EQUAL": lambda: text != str(value),
        "IN": lambda: text in values,
        "NOT_IN": lambda: text not in values,
        "CONTAIN": lambda: str(value).lower() in text.lower(),
        "NOT_CONTAIN": lambda: str(value).lower() not in text.lower(),
    }
    if op not in checks:
        raise invalid(f"filtering operator {op!r} is not supported here; use "
                      f"{', '.join(checks)}.", fields=["filtering"])
    return bool(checks[op]())


# -- update / delete -----------------------------------------------------------------------------
FIXED = ("subtype", "lookalike_spec", "origin_audience_id", "customer_file_source", "pixel_id")


def update(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`POST /<ca_id>`: name, description and (rule-based audiences) rule / retention."""
    doc = get_audience(ctx, oid, "post")
    fixed = [k for k in FIXED if k in params]
    if fixed:
        raise invalid(f"{', '.join(fixed)} cannot be changed after creation; create a new "
                      "audience instead.", fields=fixed)
    changes: dict[str, Any] = {}
    name = get_str(params, "name")
    if name is not None:
        changes["name"] = name.strip()
    if "description" in params:
        changes["description"] = get_str(params, "description") or ""
    rule = get_dict(params, "rule") if "rule" in params else None
    days = get_json(params, "retention_days")
    if (rule is not None or days is not None) and not doc.get("rule"):
        raise invalid("Only website and engagement audiences have a rule or retention to "
                      "change.", fields=["rule" if rule is not None else "retention_days"])
    if days is not None and rule is None:
        rule = _with_retention(doc["rule"], days)
    if rule is not None:
        parsed = parse_rule(rule)
        kind = check_rule(ctx, parsed, doc["subtype"] if doc["subtype"] == "VIDEO" else None)
        if kind != doc["subtype"]:
            raise invalid(f"This is a {doc['subtype']} audience; its rule cannot turn it into "
                          f"a {kind} audience.", fields=["rule"])
        changes.update({"rule": parsed, "retention_days": longest_days(parsed),
                        **count_fields(rule_size(seed(ctx), parsed, kind != "WEBSITE"))})
    if validate_only(params):
        return {"success": True}
    changes["time_updated"] = int(ctx.now().timestamp())
    ctx.store.update_object(oid, changes)
    return {"success": True}


def _with_retention(rule: dict[str, Any], days: Any) -> dict[str, Any]:
    try:
        seconds = int(str(days)) * 86400
    except ValueError as exc:
        raise invalid("retention_days must be a whole number of days.",
                      fields=["retention_days"]) from exc
    out = {k: {**v, "rules": [{**r, "retention_seconds": seconds} for r in v["rules"]]}
           for k, v in rule.items()}
    return out


def delete(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`DELETE /<ca_id>`: refused while an active ad set targets or excludes the audience."""
    doc = get_audience(ctx, oid, "delete")
    for adset in ctx.store.list_objects("adset", account_id=doc.get("_account_id")):
        if adset.get("status") != "ACTIVE":
            continue
        t = adset.get("targeting") or {}
        used = {str(a.get("id")) for key in ("custom_audiences", "excluded_custom_audiences")
                for a in t.get(key) or [] if isinstance(a, dict)}
        if oid in used:
            raise invalid(
                f"The audience is used by the active ad set {adset['id']}; pause that ad set or "
                "remove the audience from its targeting before deleting it.",
                fields=["id"], title="Audience In Use",
            )
    if validate_only(params):
        return {"success": True}
    ctx.store.update_object(oid, {"_deleted": int(ctx.now().timestamp())})
    return {"success": True}
