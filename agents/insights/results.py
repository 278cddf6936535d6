"""What counts as a result, per ad set: in collection, and by goal in the report.

An ad set's result follows its goal (`question.result_event`, the one mapping from goals to
results, whose counts come from `state.insights_store.CONVERSION_FAMILIES`):

- `LEAD_GENERATION` / `QUALITY_LEAD` (instant forms): **leads**, `LEAD_FORM` — Meta's
  `onsite_conversion.lead_grouped`, else `lead` (the same leads: never both added);
- a website lead goal (`promoted_object.custom_event_type` LEAD): **leads** from the pixel,
  `offsite_conversion.fb_pixel_lead`, else `lead`;
- `CONVERSATIONS` (WhatsApp, Messenger, Instagram Direct): **conversations started**,
  `onsite_conversion.messaging_conversation_started_7d`;
- `VALUE`: **purchase value** (`action_values` of the purchase) and ROAS, not a count;
- otherwise the promoted event (purchases, registrations, ...) as before.

Collection: `adset_event`, `conversion_event` (the campaign's), `events_by_adset` (by Meta id).
Report: `result_label` (the campaign's result in words), `results_by_goal` (one row per ad set:
its result in words, the count or value, and the cost per result on that result).

Which Meta object each plan ad set and ad became (`ad_set_ids`, `ad_ids`, `plan_sets_by_id`):
the launch names what it created by each node's key as `state.plan.plan_keys` computes it
(content and position, salted per thread), not by the `key` a plan dict happens to carry — the
plan stored on a thread may hold keys from before its salt or an edit, and a lookup by those
finds no launched ad set (the report then drew no budget lines and said "optimised for —").
So keys are recomputed; an adopted ad set carries its Meta `id`; a plan that does not load (an
adopted campaign's partial plan, a test's) is looked up by the keys it carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents.insights.question import result_event, result_words
from state.insights_store import CONVERSION_FAMILIES
from state.plan import PlanError, load_plan, plan_keys
from state.rules import format_money

GOAL_WORDS = {
    "LEAD_GENERATION": "leads on an instant form",
    "QUALITY_LEAD": "quality leads on an instant form",
    "CONVERSATIONS": "conversations started",
    "VALUE": "purchase value",
    "OFFSITE_CONVERSIONS": "website conversions",
    "LINK_CLICKS": "link clicks",
    "LANDING_PAGE_VIEWS": "landing page views",
    "REACH": "reach",
    "IMPRESSIONS": "impressions",
    "AD_RECALL_LIFT": "ad recall",
}
# Goals whose result is a column of the store, not an action (field, words).
COLUMN_RESULTS = {
    "LINK_CLICKS": ("link_clicks", "link clicks"),
    "AD_RECALL_LIFT": ("recallers", "ad recallers"),
    "REACH": ("reach", "people reached"),
    "IMPRESSIONS": ("impressions", "impressions"),
}


def adset_event(ad_set: Mapping[str, Any], objective: str | None) -> str:
    """Return the result an ad set is judged on, as a `CONVERSION_FAMILIES` event.

    The promoted event (PURCHASE for value optimisation, LEAD for website leads, ...), else its
    goal's when that is counted in `actions` (LEAD_FORM, CONVERSATIONS); other goals count
    purchases (leads in a lead campaign) as before — their KPI is read from other columns
    (link clicks, recallers).
    """
    event = result_event(objective, [dict(ad_set)])
    custom = (ad_set.get("promoted_object") or {}).get("custom_event_type")
    if custom or (event in CONVERSION_FAMILIES and event != "LINK_CLICK"):
        return event
    return "LEAD" if objective == "OUTCOME_LEADS" else "PURCHASE"


def conversion_event(plan: Mapping[str, Any] | None) -> str:
    """Return the campaign's result event: the one most of its ad sets are judged on."""
    plan = plan or {}
    events = [adset_event(s, plan.get("objective")) for s in plan.get("ad_sets") or []]
    if events:
        return max(dict.fromkeys(events), key=events.count)
    return "LEAD" if plan.get("objective") == "OUTCOME_LEADS" else "PURCHASE"


def node_keys(plan: Mapping[str, Any]) -> dict[str, str]:
    """Map each node's path (`ad_sets[0]`, `ad_sets[0].ads[1]`) to the key the launch used."""
    try:
        return plan_keys(load_plan(dict(plan)))
    except (PlanError, TypeError, ValueError):
        out = {}
        for i, s in enumerate(plan.get("ad_sets") or []):
            out[f"ad_sets[{i}]"] = str(s.get("key") or "")
            for j, a in enumerate(s.get("ads") or []):
                out[f"ad_sets[{i}].ads[{j}]"] = str(a.get("key") or "")
        return out


def _id(created: Mapping[str, Any], kind: str, *keys: Any) -> str | None:
    ids = created.get(kind) or {}
    return next((str(ids[k]) for k in keys if k and k in ids), None)


def ad_set_ids(plan: Mapping[str, Any], created: Mapping[str, Any]) -> list[str | None]:
    """Each plan ad set's Meta id, in plan order (None where it was not launched)."""
    keys = node_keys(plan)
    return [str(s["id"]) if s.get("id") else
            _id(created, "ad_sets", keys.get(f"ad_sets[{i}]"), s.get("key"))
            for i, s in enumerate(plan.get("ad_sets") or [])]


def ad_ids(plan: Mapping[str, Any], created: Mapping[str, Any]) -> list[list[str | None]]:
    """Each plan ad's Meta id, by ad set then ad, in plan order (None where not launched)."""
    keys = node_keys(plan)
    return [[str(a["id"]) if a.get("id") else
             _id(created, "ads", keys.get(f"ad_sets[{i}].ads[{j}]"), a.get("key"))
             for j, a in enumerate(s.get("ads") or [])]
            for i, s in enumerate(plan.get("ad_sets") or [])]


def plan_sets_by_id(plan: Mapping[str, Any], created: Mapping[str, Any]) -> dict[str, Any]:
    """Return the plan's ad sets by Meta id (launched and adopted ones alike)."""
    return {sid: s for sid, s in zip(ad_set_ids(plan, created), plan.get("ad_sets") or [],
                                     strict=True) if sid}


def events_by_adset(plan: Mapping[str, Any] | None, created: Mapping[str, Any]) -> dict[str, str]:
    """Each launched ad set's result event by Meta id (a lead form's leads, conversations, ...)."""
    return {sid: adset_event(s, (plan or {}).get("objective"))
            for sid, s in plan_sets_by_id(plan or {}, created).items()}


def result_label(plan: Mapping[str, Any] | None, kpi: str) -> str | None:
    """Name the campaign's result in words ("leads", "conversations started", "purchase value").

    None when the KPI is not a conversion (link clicks, recallers: the report's own labels).
    """
    event = conversion_event(plan)
    if kpi == "conversion_value":
        return "purchase value" if event == "PURCHASE" else f"{result_words(event, 1)} value"
    if kpi == "conversions":
        return result_words(event)
    return None


def results_by_goal(
    plan: Mapping[str, Any] | None,
    created: Mapping[str, Any],
    sets: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """One row per ad set with spend: its goal, its result in words, and cost per result.

    A `VALUE` ad set's result is its purchase value (with ROAS); every other ad set's is the
    count of its own result, and its cost per result divides its spend by that count. Ad sets
    the plan does not know (adopted) count the campaign's result.
    """
    plan = plan or {}
    by_id = plan_sets_by_id(plan, created)
    default = conversion_event(plan)
    rows = []
    for sid, s in sets.items():
        spend = int(s.get("spend_minor") or 0)
        ad_set = by_id.get(str(sid)) or {}
        goal = str(ad_set.get("optimization_goal") or "")
        event = adset_event(ad_set, plan.get("objective")) if ad_set else default
        words = GOAL_WORDS.get(goal, goal.lower() or None)
        if goal == "OFFSITE_CONVERSIONS":
            words = f"website {result_words(event)}"
        row: dict[str, Any] = {"id": sid, "name": s.get("name") or sid, "goal": goal or None,
                               "optimised_for": words, "spend_minor": spend,
                               "event": "VALUE" if goal == "VALUE" else event}
        if goal == "VALUE":
            value = int(s.get("conversion_value_minor") or 0)
            row.update(result="purchase value", results=value, purchase_value_minor=value,
                       roas=round(value / spend, 2) if spend else None, cost_per_result_minor=None)
        else:
            field, words = COLUMN_RESULTS.get(goal, ("conversions", ""))
            count = float(s.get(field) or 0)
            row.update(result=words or result_words(event, count), results=round(count, 2),
                       cost_per_result_minor=round(spend / count) if count else None)
        rows.append(row)
    return sorted(rows, key=lambda r: -r["spend_minor"])


def by_result(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sum the campaign's results by kind (leads of every lead goal together), most spend first.

    Each kind: `{"event", "result", "results", "spend_minor", "cost_per_result_minor", "roas",
    "ad_sets"}` (a value kind's `results` is its value in minor units; `ad_sets` its ids).
    """
    kinds: dict[str, dict[str, Any]] = {}
    for g in goals:
        key = "LEAD" if g["event"] in ("LEAD", "LEAD_FORM") else str(g["event"])
        k = kinds.setdefault(key, {"event": key, "results": 0.0, "spend_minor": 0, "ad_sets": []})
        k["ad_sets"].append(g["id"])
        k["results"] += float(g["results"] or 0)
        k["spend_minor"] += int(g["spend_minor"])
    for k in kinds.values():
        value = k["event"] == "VALUE"
        k["result"] = "purchase value" if value else result_words(k["event"], k["results"])
        k["cost_per_result_minor"] = (round(k["spend_minor"] / k["results"])
                                      if k["results"] and not value else None)
        k["roas"] = round(k["results"] / k["spend_minor"], 2) if value and k["spend_minor"] else None
    return sorted(kinds.values(), key=lambda k: -k["spend_minor"])


def results_text(kinds: list[dict[str, Any]], currency: str) -> str:
    """Say a campaign's results of several kinds in one phrase, each with its cost (or ROAS)."""
    parts = []
    for k in kinds:
        if k["event"] == "VALUE":
            roas = f" (ROAS {k['roas']:.2f}x)" if k["roas"] is not None else ""
            parts.append(f"{format_money(int(k['results']), currency)} of purchase value{roas}")
        else:
            cost = k["cost_per_result_minor"]
            each = f" at {format_money(cost, currency)} each" if cost is not None else ""
            parts.append(f"{k['results']:g} {k['result']}{each}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


__all__ = ["GOAL_WORDS", "ad_ids", "ad_set_ids", "adset_event", "by_result", "conversion_event",
           "events_by_adset", "node_keys", "plan_sets_by_id", "result_label", "results_by_goal",
           "results_text"]


def created_rows(created: Mapping[str, Any], plan: Mapping[str, Any] | None = None
                 ) -> list[tuple[str, str, str]]:
    """Return the ids a launch created as (object, plan key, Meta id), the campaign first.

    The campaign tree, then its audiences and lead form, each said by kind and name when the
    `plan` says them ("audience: lookalike “LAL buyers”"). The CLI's table and the web page
    both list these.
    """
    rows = [("campaign", "", str(created["campaign"]))] if created.get("campaign") else []
    for kind in ("ad_sets", "creatives", "ads"):
        for key, meta_id in (created.get(kind) or {}).items():
            rows.append((kind[:-1].replace("_", " "), str(key)[:8], str(meta_id)))
    described = _prerequisite_names(plan)
    for kind, what in (("audiences", "audience"), ("lead_forms", "lead form")):
        for key, meta_id in (created.get(kind) or {}).items():
            rows.append((described.get(key, what), str(key)[:8], str(meta_id)))
    return rows


def _prerequisite_names(plan: Mapping[str, Any] | None) -> dict[str, str]:
    """Provenance key → "audience: <kind> “<name>”" / "lead form “<name>”" from the plan."""
    if not plan:
        return {}
    from state.plan import audience_key, lead_form_key

    try:
        p = load_plan(dict(plan))
    except (ValueError, TypeError):  # an unreadable plan: the table still lists the ids
        return {}
    out = {audience_key(p, a.key): f"audience: {a.kind.replace('_', ' ')} “{a.name}”"
           for a in p.audiences}
    if p.lead_form is not None:
        out[lead_form_key(p)] = f"lead form “{p.lead_form.name}”"
    return out
