"""The create tree's `audiences` and `lead_form` nodes, and audience references in targeting.

```
"audiences": [{"key", "handle", "kind", "params", "seed_key" | None,
               "customer_list": {"file", "phone_country"} | None, "problem": str | None}],
"lead_form": {"key", "page_id", "params"} | {"key", "form_id"} | None
```

`key` is the provenance key (`state.plan.audience_key` / `lead_form_key`); names always end
with its tag: audiences and lead forms take no ad label, so the tag is their only exact mark
(`state/provenance.py`). Audiences come in dependency order (a lookalike after the
audience it is built on). Where a created object's id goes, the params hold a placeholder the
launcher fills once the object exists: `"{audience:<key>}"` (ad set `custom_audiences` /
`excluded_custom_audiences`, a lookalike's `origin_audience_id`) and `"{lead_form:<key>}"` (a
lead ad's call to action). An audience reference by `name` only must have been resolved to an
id before approval; it stays `{"name": ...}` here and the launcher refuses it.
"""

from __future__ import annotations

from typing import Any

from state.plan import (
    AudiencePlan,
    AudienceRef,
    CampaignPlan,
    audience_key,
    lead_form_key,
    tag,
)

DAY_S = 86_400
PREFILL = True
# Engagement source → Meta's event_sources type and the most inclusive event (facts §4).
ENGAGEMENT = {
    "facebook_page": ("page", "page_engaged"),
    "instagram": ("ig_business", "ig_business_profile_all"),
    "video": ("page", "video_watched"),
    "lead_form": ("lead", "lead_generation_opened"),
}


def placeholder(kind: str, key: str) -> str:
    """Return the placeholder the launcher replaces with the created object's id."""
    return f"{{{kind}:{key}}}"


def _name(base: str, key: str, limit: int = 200) -> str:
    suffix = tag(key)
    return base[: limit - len(suffix)].rstrip() + suffix


def _rule(source: dict[str, Any], seconds: int, filters: list[dict[str, Any]]) -> dict[str, Any]:
    rule: dict[str, Any] = {"event_sources": [source], "retention_seconds": seconds}
    if filters:
        rule["filter"] = {"operator": "and", "filters": filters}
    return {"inclusions": {"operator": "or", "rules": [rule]}}


def _audience_params(p: CampaignPlan, a: AudiencePlan, keys: dict[str, str], *,
                     page_id: str, pixel_id: str | None, instagram_id: str | None = None) -> tuple[dict[str, Any], str | None]:
    """Meta's create params for one audience, and a problem that blocks creating it (or None)."""
    params: dict[str, Any] = {"name": _name(a.name, keys[a.key])}
    if a.description:
        params["description"] = a.description
    days = a.retention_days or 0
    no_days = (f"audience {a.key!r}: a {a.kind} audience needs retention_days (how far back "
               "to look)")
    if a.kind == "website":
        pixel = a.pixel_id or pixel_id
        filters = [{"field": "event", "operator": "eq", "value": a.event or "PageView"}]
        if a.url_contains:
            filters.append({"field": "url", "operator": "i_contains", "value": a.url_contains})
        params.update(rule=_rule({"id": pixel or "", "type": "pixel"}, days * DAY_S, filters),
                      prefill=PREFILL)
        if not pixel:
            return params, (f"audience {a.key!r}: no pixel; set audiences[].pixel_id or the "
                            "account's pixel (META_PIXEL_ID)")
        return params, None if days else no_days
    if a.kind == "engagement":
        source_type, event = ENGAGEMENT[a.source or "facebook_page"]
        source = a.source or "facebook_page"
        ids = a.source_ids or ([page_id] if source == "facebook_page" else
                               [instagram_id] if source == "instagram" and instagram_id else [])
        params.update(rule=_rule({"id": ids[0] if len(ids) == 1 else ids, "type": source_type},
                                 days * DAY_S, [{"field": "event", "operator": "eq",
                                                 "value": a.event or event}]),
                      prefill=PREFILL)
        if a.source == "video":
            params["subtype"] = "VIDEO"  # the one engagement kind that still takes a subtype
        if not ids:
            return params, (f"audience {a.key!r}: engagement source {a.source} needs "
                            "source_ids (the Instagram account, video or form ids)" + (
                                "; the page has no Instagram account linked"
                                if source == "instagram" else ""))
        return params, None if days else no_days
    if a.kind == "customer_list":
        params.update(subtype="CUSTOM", customer_file_source=a.customer_file_source)
        return params, None if a.file else (
            f"audience {a.key!r}: a customer list needs `file` (a CSV of emails/phones)")
    # lookalike
    seed = a.seed
    origin = (placeholder("audience", keys[seed.key]) if seed and seed.key in keys
              else (seed.id if seed else None))
    spec: dict[str, Any] = {"ratio": a.ratio}
    if a.starting_ratio:
        spec["starting_ratio"] = a.starting_ratio
    countries = a.country or []
    if len(countries) == 1:
        spec["country"] = countries[0]
    else:
        spec["location_spec"] = {"geo_locations": {"countries": countries}}
    params.update(subtype="LOOKALIKE", origin_audience_id=origin or "", lookalike_spec=spec)
    problem = None
    if not origin:
        problem = (f"audience {a.key!r}: the lookalike's seed "
                   f"{(seed.name or seed.key) if seed else ''!r} has no id; name an audience "
                   "of the plan by key, or resolve it to an existing id before approval")
    elif a.ratio is None or not countries:
        problem = f"audience {a.key!r}: a lookalike needs ratio and country"
    return params, problem


def _ordered(audiences: list[AudiencePlan]) -> list[AudiencePlan]:
    """Seeds before the lookalikes built on them (a cycle keeps plan order; launch refuses)."""
    by_key = {a.key: a for a in audiences}
    out: list[AudiencePlan] = []
    seen: set[str] = set()

    def visit(a: AudiencePlan, path: tuple[str, ...]) -> None:
        if a.key in seen or a.key in path:
            return
        seed = a.seed.key if a.kind == "lookalike" and a.seed and a.seed.key else None
        if seed in by_key:
            visit(by_key[seed], (*path, a.key))
        seen.add(a.key)
        out.append(a)

    for a in audiences:
        visit(a, ())
    return out


def audience_nodes(p: CampaignPlan, *, page_id: str, pixel_id: str | None,
                   instagram_id: str | None = None) -> list[dict[str, Any]]:
    """Return the tree's `audiences` nodes, seeds first (module docstring).

    `instagram_id` is the page's Instagram account: the default source of an Instagram
    engagement audience that names none.
    """
    keys = {a.key: audience_key(p, a.key) for a in p.audiences}
    nodes = []
    for a in _ordered(p.audiences):
        params, problem = _audience_params(p, a, keys, page_id=page_id, pixel_id=pixel_id,
                                           instagram_id=instagram_id)
        seed = a.seed.key if a.kind == "lookalike" and a.seed and a.seed.key else None
        nodes.append({
            "key": keys[a.key], "handle": a.key, "kind": a.kind, "params": params,
            "seed_key": keys.get(seed) if seed else None,
            "customer_list": ({"file": a.file, "phone_country": a.phone_country}
                              if a.kind == "customer_list" else None),
            "problem": problem})
    return nodes


def lead_form_node(p: CampaignPlan, *, page_id: str) -> dict[str, Any] | None:
    """Return the tree's `lead_form` node (a form to create on the page, or one to reuse)."""
    form = p.lead_form
    if form is None:
        return None
    key = lead_form_key(p)
    if form.form_id:
        return {"key": key, "form_id": form.form_id}
    params: dict[str, Any] = {
        "name": _name(form.name, key),
        "questions": [q.model_dump(mode="json", exclude_none=True) for q in form.questions],
    }
    if form.privacy_policy is not None:
        params["privacy_policy"] = form.privacy_policy.model_dump(mode="json", exclude_none=True)
    if form.thank_you_page is not None:
        thanks = form.thank_you_page.model_dump(mode="json", exclude_none=True)
        if thanks.get("button_type") == "VIEW_WEBSITE" and not thanks.get("website_url") \
                and p.landing_url:
            thanks["website_url"] = p.landing_url  # the button goes to the campaign's site
        params["thank_you_page"] = thanks
    if form.locale:
        params["locale"] = form.locale
    return {"key": key, "page_id": page_id, "params": params}


def audience_refs(p: CampaignPlan, refs: list[AudienceRef] | None) -> list[dict[str, Any]]:
    """Targeting's `[{id}]`: plan keys become placeholders, names stay for the launch to refuse."""
    out = []
    for ref in refs or []:
        if ref.key:
            known = {a.key for a in p.audiences}
            out.append({"id": placeholder("audience", audience_key(p, ref.key))}
                       if ref.key in known else {"key": ref.key})
        elif ref.id:
            out.append({"id": ref.id})
        else:
            out.append({"name": ref.name or ""})
    return out
