"""What a scan reads from Meta about a thread's campaign: one Graph round trip, into a snapshot.

A batch of three reads (one HTTP request, three Graph calls): the campaign's daily ad
insights for the last 28 days (`date_preset=last_28d`, Meta's account-local days ending
yesterday); its ads with their ad set and campaign (field expansion: statuses, issues, review
feedback, budgets, the conversion event); the ad account (status, spend cap, currency, time
zone). Pages beyond the first (over 500 rows) are followed with more reads. The snapshot's
shape is in `agents/optimize/decide/alerting/rules.py`; targets and the KPI come from the thread's
state as the optimise cycle reads them (`meta_io.targets_of`, `meta_io.kpi_of_plan`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from agents.optimize.meta_io import kpi_of_plan, targets_of
from agents.optimize.observed import distinct_name
from state.exposure import as_int
from state.insights_store import GOAL_RESULTS, parse_row
from tools.batching import BatchItem

__all__ = ["snapshot"]

INSIGHT_FIELDS = ("ad_id,adset_id,spend,impressions,clicks,inline_link_clicks,actions,"
                  "action_values")
ADSET_SUB = ("name,status,effective_status,issues_info,daily_budget,lifetime_budget,end_time,"
             "promoted_object,learning_stage_info,optimization_goal")
SUMS = ("spend_minor", "impressions", "clicks", "link_clicks", "conversions",
        "conversion_value_minor")
CAMPAIGN_SUB = ("name,status,effective_status,issues_info,daily_budget,lifetime_budget,"
                "spend_cap,start_time,stop_time,objective")
AD_FIELDS = (f"name,status,effective_status,adset_id,ad_review_feedback,issues_info,"
             f"adset{{{ADSET_SUB}}},campaign{{{CAMPAIGN_SUB}}}")
ACCOUNT_FIELDS = "name,account_status,disable_reason,spend_cap,amount_spent,currency,timezone_name"
def _reads(client: Any, campaign_id: str) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """Return the three reads of a scan in one Graph batch (pages beyond the first are followed)."""
    insights = {"level": "ad", "time_increment": 1, "date_preset": "last_28d",
                "fields": INSIGHT_FIELDS, "limit": 500}
    ads = {"fields": AD_FIELDS, "limit": 500}
    items = [BatchItem("insights", "GET", f"{campaign_id}/insights", params=insights),
             BatchItem("ads", "GET", f"{campaign_id}/ads", params=ads),
             BatchItem("account", "GET", str(client.account_id),
                       params={"fields": ACCOUNT_FIELDS})]
    results = {r.name: r for r in client.batch(items)}
    for r in results.values():
        if not r.ok:
            raise cast(Exception, r.error)
    bodies = {k: r.body or {} for k, r in results.items()}
    lists = {}
    for name, path, params in (("insights", f"{campaign_id}/insights", insights),
                               ("ads", f"{campaign_id}/ads", ads)):
        body = bodies[name]
        if (body.get("paging") or {}).get("next"):  # rare: more than 500 rows
            lists[name] = client.get_all(path, params, limit=500)
        else:
            lists[name] = list(body.get("data") or [])
    return lists["insights"], lists["ads"], bodies["account"]


def _feedback(value: Any) -> str:
    if not isinstance(value, Mapping):
        return str(value or "")
    parts = []
    for scope in value.values():
        if isinstance(scope, Mapping):
            parts += [f"{k}: {v}" for k, v in scope.items()]
    return "; ".join(parts)


def _event(ads: Sequence[Mapping[str, Any]]) -> str:
    """Return the conversion event the ad sets optimise for, as Meta has it (LEAD campaigns: LEAD)."""
    for ad in ads:
        adset = ad.get("adset") or {}
        event = ((adset.get("promoted_object") or {}).get("custom_event_type")
                 or GOAL_RESULTS.get(str(adset.get("optimization_goal"))))  # forms, messaging
        if event:
            return str(event).upper()
    objective = next((str((a.get("campaign") or {}).get("objective") or "") for a in ads), "")
    return "LEAD" if objective == "OUTCOME_LEADS" else "PURCHASE"


def snapshot(values: Mapping[str, Any], client: Any, context: Any, now: datetime) -> dict[str, Any]:
    """Read the thread's campaign from Meta into the snapshot `alerting.rules.detect` judges."""
    campaign_id = str((values.get("created") or {}).get("campaign") or "")
    if not campaign_id:
        raise ValueError("the thread has no launched campaign to watch")
    rows, ads, acct = _reads(client, campaign_id)
    tz = ZoneInfo(str(acct.get("timezone_name") or "UTC"))
    currency = str(acct.get("currency") or "USD").upper()
    today = now.astimezone(tz).date()
    dates = [(today - timedelta(days=d)).isoformat() for d in range(28, 0, -1)]
    event = _event(ads)
    ad_days: dict[str, dict[str, Any]] = {}
    days: dict[str, dict[str, Any]] = {}  # the same rows summed per ad set
    for raw in rows:
        row = parse_row(raw, level="ad", currency=currency, conversion_event=event)
        ad_days.setdefault(row["entity_id"], {})[row["date"]] = row
        total = days.setdefault(row["adset_id"], {}).setdefault(row["date"], dict.fromkeys(SUMS, 0))
        for key in SUMS:
            total[key] += row[key]
    camp_raw = next((a.get("campaign") for a in ads if a.get("campaign")), None) or \
        client.get(campaign_id, {"fields": CAMPAIGN_SUB})
    sets: dict[str, dict[str, Any]] = {}
    for ad in ads:
        s = ad.get("adset") or {}
        if s.get("id") and s["id"] not in sets:
            sets[s["id"]] = {"id": str(s["id"]), "name": s.get("name") or "",
                             "status": s.get("status"), "effective_status": s.get("effective_status"),
                             "issues": s.get("issues_info") or [],
                             "daily_budget_minor": as_int(s.get("daily_budget")) or None,
                             "lifetime_budget_minor": as_int(s.get("lifetime_budget")) or None,
                             "end": s.get("end_time"),
                             "learning": (s.get("learning_stage_info") or {}).get("status")}
    named = [{"id": v["id"], "name": v["name"]} for v in sets.values()]
    for v in sets.values():  # two ad sets of one name: the card says which (as the cycle's)
        v["name"] = distinct_name(v, named)
    opt = values.get("optimize") or {}
    targets = targets_of(cast(dict[str, Any], values), context)
    kpi = kpi_of_plan(values.get("plan") or {}, {**targets, **(opt.get("targets") or {})})
    return {
        "today": today.isoformat(), "through": dates[-1], "dates": dates, "tz": tz,
        "currency": currency, "kpi": kpi, "event": event,
        "target_cpa_minor": targets.get("target_cpa_minor"),
        "target_roas": targets.get("target_roas"),
        "account": {"id": str(client.account_id), "name": acct.get("name") or client.account_id,
                    "status": int(acct.get("account_status") or 1),
                    "disable_reason": acct.get("disable_reason"),
                    "spend_cap_minor": as_int(acct.get("spend_cap")),
                    "amount_spent_minor": as_int(acct.get("amount_spent"))},
        "campaign": {"id": campaign_id, "name": camp_raw.get("name") or "",
                     "status": camp_raw.get("status"),
                     "effective_status": camp_raw.get("effective_status"),
                     "issues": camp_raw.get("issues_info") or [],
                     "daily_budget_minor": as_int(camp_raw.get("daily_budget")) or None,
                     "lifetime_budget_minor": as_int(camp_raw.get("lifetime_budget")) or None,
                     "spend_cap_minor": as_int(camp_raw.get("spend_cap")) or None,
                     "start": _local_day(camp_raw.get("start_time"), tz),
                     "stop": _local_day(camp_raw.get("stop_time"), tz)},
        "ad_sets": list(sets.values()),
        "ads": [{"id": str(a["id"]), "name": a.get("name") or "", "adset_id": str(a.get("adset_id")),
                 "status": a.get("status"), "effective_status": a.get("effective_status"),
                 "feedback": _feedback(a.get("ad_review_feedback")),
                 "issues": a.get("issues_info") or []} for a in ads],
        "days": days,
        "ad_days": ad_days,
        "budget_edits": opt.get("budget_edits") or {},
    }


def _local_day(value: Any, tz: ZoneInfo) -> str | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.date().isoformat()
    return when.astimezone(tz).date().isoformat()
