"""Custom audiences: `POST /<ca_id>` (edit) and `DELETE /<ca_id>` (docs/facts-audiences.md §1, §2).

Name and description change on every audience; rule-based (website, engagement, video)
audiences also take a new `rule` or `retention_days`, which re-checks and re-sizes them.
What an audience is (subtype, seed, lookalike spec, customer file source, pixel) is fixed.
Deleting is refused while an ACTIVE ad set targets or excludes the audience.
"""

from __future__ import annotations

from typing import Any

from sandbox.audiences import get_audience, seed
from sandbox.audiences_rules import check_rule, longest_days, parse_rule
from sandbox.audiences_size import count_fields, rule_size
from sandbox.context import RequestContext
from sandbox.errors import invalid
from sandbox.params import get_dict, get_json, get_str, validate_only

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
