"""The `rule` of website and engagement custom audiences: parse, check, infer the subtype.

Shape (docs/facts-audiences.md §2, §4)::

    {"inclusions": {"operator": "or", "rules": [
        {"event_sources": [{"id": "<pixel|page|ig|video id>", "type": "pixel"}],
         "retention_seconds": 2592000,
         "filter": {"operator": "and", "filters": [
             {"field": "url", "operator": "i_contains", "value": "/pricing"}]}}]},
     "exclusions": {...same...}}

Meta infers WEBSITE from `pixel` sources and ENGAGEMENT from `page`, `ig_business` and `lead`
sources; video viewers are the one engagement audience still sent with `subtype=VIDEO` (its
sources are `video`). A rule may also be a bare list of rules (taken as the inclusions, joined
by "or"). Every check raises Meta's code-100 error naming `rule` and the fix.
"""

from __future__ import annotations

from typing import Any

from sandbox.audiences_size import ENGAGEMENT_MAX_DAYS, WEBSITE_MAX_DAYS
from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid

MAX_RULES = 10
MAX_FILTERS = 100
WEBSITE_SOURCES = {"pixel"}
ENGAGEMENT_SOURCES = {"page", "ig_business", "lead"}
VIDEO_SOURCES = {"video"}
FILTER_OPERATORS = {
    "eq", "neq", "=", "!=", "i_contains", "i_not_contains", "contains", "not_contains",
    "i_starts_with", "starts_with", "regex_match", ">", ">=", "<", "<=", "in", "not_in",
}


def bad_rule(msg: str) -> GraphError:
    """Code 100 blaming `rule`."""
    return invalid(msg, fields=["rule"], title="Invalid Rule")


def too_long(days: float, limit: int, kind: str) -> GraphError:
    """Code 100: a look-back beyond what Meta keeps for this kind of audience."""
    return invalid(
        f"The retention of {days:g} days is longer than the {limit} days Meta keeps for "
        f"{kind} audiences; use at most {limit} days ({limit * 86400} retention_seconds).",
        fields=["rule"],
        title="Invalid Retention",
    )


def _rule_set(value: Any, where: str) -> dict[str, Any]:
    if isinstance(value, list):
        value = {"operator": "or", "rules": value}
    if not isinstance(value, dict) or not isinstance(value.get("rules"), list):
        raise bad_rule(f"rule.{where} must be {{'operator': 'or'|'and', 'rules': [...]}}.")
    op = str(value.get("operator", "or")).lower()
    if op not in ("or", "and"):
        raise bad_rule(f"rule.{where}.operator must be 'or' or 'and' (got {op!r}).")
    if not value["rules"]:
        raise bad_rule(f"rule.{where}.rules is empty; give at least one rule.")
    return {"operator": op, "rules": value["rules"]}


def parse_rule(raw: Any) -> dict[str, Any]:
    """Return `{inclusions, exclusions?}` from the decoded `rule` parameter."""
    if isinstance(raw, str):
        raise bad_rule("The parameter rule must be a JSON object such as "
                       '{"inclusions": {"operator": "or", "rules": [...]}}.')
    if isinstance(raw, list):
        raw = {"inclusions": raw}
    if not isinstance(raw, dict) or "inclusions" not in raw:
        raise bad_rule("rule needs inclusions: {'operator': 'or', 'rules': [{'event_sources': "
                       "[...], 'retention_seconds': N}]}.")
    out = {"inclusions": _rule_set(raw["inclusions"], "inclusions")}
    if raw.get("exclusions") is not None:
        out["exclusions"] = _rule_set(raw["exclusions"], "exclusions")
    extra = set(raw) - {"inclusions", "exclusions"}
    if extra:
        raise bad_rule(f"rule has unknown keys {sorted(extra)}; use inclusions and exclusions.")
    count = sum(len(s["rules"]) for s in out.values())
    if count > MAX_RULES:
        raise bad_rule(f"An audience may hold at most {MAX_RULES} rules (inclusions and "
                       f"exclusions together); this one has {count}.")
    return out


def _check_filter(spec: Any) -> None:
    if spec is None:
        return
    if not isinstance(spec, dict) or not isinstance(spec.get("filters"), list):
        raise bad_rule("A rule's filter must be {'operator': 'and'|'or', 'filters': [...]}.")
    leaves = 0
    for f in spec["filters"]:
        if isinstance(f, dict) and "filters" in f:
            _check_filter(f)
            continue
        if not isinstance(f, dict) or not f.get("field") or "value" not in f:
            raise bad_rule("Each filter needs field, operator and value, e.g. "
                           "{'field': 'url', 'operator': 'i_contains', 'value': '/pricing'}.")
        if str(f.get("operator", "eq")) not in FILTER_OPERATORS:
            raise bad_rule(f"Filter operator {f.get('operator')!r} is not supported; use one of "
                           f"{sorted(FILTER_OPERATORS)}.")
        leaves += 1
    if leaves > MAX_FILTERS:
        raise bad_rule(f"A rule may hold at most {MAX_FILTERS} filters (got {leaves}).")


def source_kinds(rule: dict[str, Any]) -> set[str]:
    """Return the event-source types a parsed rule names."""
    kinds = set()
    for rule_set in rule.values():
        for r in rule_set["rules"]:
            for s in r.get("event_sources") or [] if isinstance(r, dict) else []:
                kinds.add(str(s.get("type")) if isinstance(s, dict) else "")
    return kinds


def check_rule(ctx: RequestContext, rule: dict[str, Any], subtype: str | None) -> str:
    """Check every rule of a parsed `rule` against the account; return the subtype Meta infers."""
    kinds = source_kinds(rule)
    if not kinds or "" in kinds:
        raise bad_rule("Each rule needs event_sources: [{'id': '<id>', 'type': 'pixel' | "
                       "'page' | 'ig_business' | 'lead' | 'video'}].")
    families = [f for f in (WEBSITE_SOURCES, ENGAGEMENT_SOURCES, VIDEO_SOURCES) if kinds & f]
    unknown = kinds - WEBSITE_SOURCES - ENGAGEMENT_SOURCES - VIDEO_SOURCES
    if unknown:
        raise bad_rule(f"event_sources type {sorted(unknown)} is not served by this sandbox; use "
                       "pixel (website), page, ig_business or lead (engagement), or video.")
    if len(families) > 1:
        raise bad_rule("One audience cannot mix website (pixel), engagement (page, "
                       "ig_business, lead) and video sources; create one audience per kind.")
    inferred = (
        "WEBSITE" if kinds & WEBSITE_SOURCES else "VIDEO" if kinds & VIDEO_SOURCES else "ENGAGEMENT"
    )
    if inferred == "VIDEO" and subtype != "VIDEO":
        raise invalid("Video viewer audiences are created with subtype=VIDEO.",
                      fields=["subtype"], title="Subtype Required")
    if subtype == "VIDEO" and inferred != "VIDEO":
        raise bad_rule("subtype VIDEO needs rules whose event_sources are videos "
                       "({'type': 'video', 'id': '<video id>'}).")
    limit = WEBSITE_MAX_DAYS if inferred == "WEBSITE" else ENGAGEMENT_MAX_DAYS
    for rule_set in rule.values():
        for r in rule_set["rules"]:
            _check_one(ctx, r, inferred, limit)
    return inferred


def _check_one(ctx: RequestContext, r: Any, kind: str, limit: int) -> None:
    if not isinstance(r, dict) or not r.get("event_sources") or not isinstance(
        r["event_sources"], list
    ):
        raise bad_rule("Each rule must be an object with event_sources and retention_seconds.")
    seconds = r.get("retention_seconds")
    if isinstance(seconds, str) and seconds.strip().isdigit():
        seconds = r["retention_seconds"] = int(seconds)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1:
        raise bad_rule("Each rule needs retention_seconds, a whole number of seconds "
                       "(30 days = 2592000).")
    if seconds > limit * 86400:
        raise too_long(seconds / 86400, limit, kind.lower())
    _check_filter(r.get("filter"))
    for source in r["event_sources"]:
        ids = source.get("id")
        for sid in ids if isinstance(ids, list) else [ids]:
            _check_source(ctx, str(source["type"]), str(sid or ""))


def _check_source(ctx: RequestContext, kind: str, sid: str) -> None:
    store = ctx.store
    if kind == "pixel":
        doc = store.get_object(sid, "adspixel")
        if doc is None or doc.get("_account_id") != ctx.account_id:
            raise bad_rule(f"The pixel {sid} is not a pixel of this ad account; use one listed "
                           f"by GET /act_{ctx.account_id}/adspixels.")
    elif kind in ("page", "lead"):
        if store.get_object(sid, "page") is None and store.get_object(sid, "leadgen_form") is None:
            raise bad_rule(f"The page {sid} is not one you manage; use a page listed by "
                           "GET /me/accounts.")
    elif kind == "ig_business":
        linked = {
            str((p.get("instagram_business_account") or {}).get("id"))
            for p in store.list_objects("page")
        }
        if sid not in linked:
            raise bad_rule(f"The Instagram account {sid} is not linked to a page you manage; "
                           "read it from GET /<page_id>?fields=instagram_business_account.")
    elif kind == "video":
        doc = store.get_object(sid, "advideo")
        if doc is None or doc.get("_account_id") != ctx.account_id:
            raise bad_rule(f"The video {sid} is not a video of this ad account; upload it to "
                           f"/act_{ctx.account_id}/advideos first.")


def longest_days(rule: dict[str, Any]) -> int:
    """Return the longest inclusion look-back of a parsed rule, in whole days (Meta's retention_days)."""
    seconds = [int(r.get("retention_seconds") or 0) for r in rule["inclusions"]["rules"]]
    return max(1, round(max(seconds, default=0) / 86400))
