"""Custom audiences: `POST/GET /act_<id>/customaudiences`, `GET /<ca_id>` (docs/facts-audiences.md).

Four kinds are served, stored as objects of type `customaudience` (account_id = the ad
account's digits) with Meta's field names:

- customer list: `subtype=CUSTOM` + `customer_file_source`; people arrive by
  `POST /<ca_id>/users` (`sandbox/audiences_users.py`);
- website: a `rule` whose event sources are the account's pixels (Meta infers WEBSITE);
- engagement: a `rule` over a page, Instagram account or lead forms (Meta infers
  ENGAGEMENT), or over videos with `subtype=VIDEO`;
- lookalike: `subtype=LOOKALIKE`, `origin_audience_id` and a `lookalike_spec` JSON string.

Sizes come from `sandbox/audiences_size.py`; every audience is ready at once (no 1–6 h
population). Edits and deletes are in `sandbox/audiences_edit.py`; deleted audiences (the
store's `_deleted`, as for videos) answer like missing ones. Create parameters the sandbox does
not serve (`inclusions`, `event_sources`, `dataset_id`, ...) are refused, not ignored. Refusals carry Meta's codes where a
source gives one (200/1870034 terms, 2654/1713007 duplicate lookalike), else code 100 or
2654 with a message naming the field and the fix.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.audiences_lookalike import lookalike_fields
from sandbox.audiences_rules import check_rule, longest_days, parse_rule
from sandbox.audiences_size import count_fields, rule_size
from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid, not_found, required
from sandbox.fields import select
from sandbox.paging import paginate
from sandbox.params import get_fields, get_json, get_list, get_str, validate_only
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
# Create parameters of the SDK that change what the audience is and that the sandbox does not
# serve: refused, not ignored. (It serves name, description, subtype, customer_file_source,
# rule, prefill, retention_days, origin_audience_id, lookalike_spec, pixel_id, and stores
# audience_labels, is_value_based, use_in_campaigns and usage_restriction as given.)
NOT_SERVED = frozenset({
    "allowed_domains", "associated_audience_id", "claim_objective", "content_type", "countries", "creation_params", "dataset_id", "event_source_group", "event_sources",
    "exclusions", "facebook_page_id", "inclusionOperator", "inclusions", "is_snapshot",
    "list_of_accounts", "marketing_message_channels", "opt_out_link", "parent_audience_id",
    "partner_reference_key", "product_set_id", "regulated_audience_spec",
    "rev_share_policy_id", "rule_aggregation", "subscription_info", "use_for_products",
    "video_group_ids", "enable_fetch_or_create",
})
STORED = ("audience_labels", "is_value_based", "use_in_campaigns", "usage_restriction")


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
    unserved = sorted(k for k in params if k in NOT_SERVED)
    if unserved:
        raise invalid(f"{', '.join(unserved)} is not served by this sandbox; define website and "
                      "engagement audiences with rule, lookalikes with lookalike_spec.",
                      fields=unserved)
    acct = ctx.account() or {}
    # stores made before accounts carried tos_accepted count as accepted
    if "custom_audience_tos" not in (acct.get("tos_accepted", {"custom_audience_tos": 1}) or {}):
        raise terms_not_accepted()
    raw_rule = get_json(params, "rule")
    if raw_rule is None and params.get("retention_days") not in (None, ""):
        raise invalid("retention_days applies to website and engagement audiences (with a "
                      "rule); customer lists and lookalikes keep people until removed.",
                      fields=["retention_days"])
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
        _retention_days(rule, params)
        inferred = check_rule(ctx, rule, subtype)
        if subtype in ("WEBSITE", "ENGAGEMENT") and subtype != inferred:
            raise invalid(f"subtype {subtype} does not match the rule, which reads "
                          f"{inferred.lower()} sources; leave subtype out (Meta infers it).",
                          fields=["subtype"])
        doc.update({
            "subtype": inferred,
            "rule": rule,
            "retention_days": longest_days(rule),
            **count_fields(rule_size(seed(ctx), rule, engagement=inferred != "WEBSITE")),
        })
        if inferred == "WEBSITE":
            doc["pixel_id"] = str(rule["inclusions"]["rules"][0]["event_sources"][0]["id"])
            given = get_str(params, "pixel_id")
            if given and given != doc["pixel_id"]:
                raise invalid(f"pixel_id {given} is not the pixel the rule reads "
                              f"({doc['pixel_id']}); leave pixel_id out or make them agree.",
                              fields=["pixel_id"])
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
    for key in STORED:
        if params.get(key) not in (None, ""):
            doc[key] = get_json(params, key)
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


def _retention_days(rule: dict[str, Any], params: dict[str, Any]) -> None:
    """Fill rules without `retention_seconds` from `retention_days`; refuse a disagreement."""
    raw = params.get("retention_days")
    if raw in (None, ""):
        return
    if not str(raw).strip().isdigit():
        raise invalid("retention_days must be a whole number of days.", fields=["retention_days"])
    seconds = int(str(raw).strip()) * 86400
    for rule_set in rule.values():
        for r in rule_set["rules"]:
            if not isinstance(r, dict):
                continue
            if r.get("retention_seconds") in (None, ""):
                r["retention_seconds"] = seconds
            elif str(r["retention_seconds"]) != str(seconds):
                raise invalid("retention_days disagrees with a rule's retention_seconds; give "
                              "one of them.", fields=["retention_days"])


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
            "can_edit": True, "can_see_insight": True, "can_share": True,
            "subtype_supports_lookalike": doc.get("subtype") != "LOOKALIKE",
            "supports_recipient_lookalike": False,
        },
        "is_value_based": lambda: bool(doc.get("is_value_based", False)),
        # Meta returns the rule as JSON text (the store keeps it parsed)
        "rule": lambda: json.dumps(doc["rule"]) if doc.get("rule") else None,
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
