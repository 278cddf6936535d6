"""Alerts between optimise cycles: a cheap look at a waiting thread's campaign on every tick.

Why. A campaign spends every hour while its thread waits days for the next optimise cycle; an
ad disapproved on Monday, a pixel that stops firing or an ad set at three times its target
CPA should not wait for Thursday's card. On every tick (`adpilot tick`, the server's ticker)
each thread between cycles is looked at once, read-only, and a thread with an alert that
matters is woken for a card now.

The interface (the tick and the server's ticker call it; everything is JSON-able):

- `scan(values, client, context, now) -> list[dict]`: the alerts due on the thread's campaign
  (its checkpoint `values`): `{"kind", "tier", "key", "object": {"id", "name", "level",
  "parent_id"}, "data_through", "verdict", "facts", "headline", "evidence" (plain words, the
  account's money), "advice", "proposal" (the action the card will propose, in words),
  "wakes"}`. One
  Graph round trip: a batch of three reads (the campaign's daily ad set insights for the last
  28 days; its ads with their ad set and campaign; the ad account). Nothing is written.
- `wake_value(alerts)`: the resume value for the thread's `wait` — `{"alerts": [kind, ...]}`
  — or None when no alert wakes (info alerts wait for the next card).
- `confirm(kinds, values, client, context, now)`: what `wait_for_data` does with such a
  value: the alerts of those kinds that hold on Meta's data *now*. The wake value names kinds
  only, never evidence, and the card is built from a fresh read, so a forged wake-up cannot
  put anything on a card that Meta's numbers do not show.
- `for_cycle(client, state, ctx, now)`: what a cycle's proposal adds (`cycle.propose`): the
  due alerts, and the day conversions stopped being recorded (the cycle then holds back the
  decisions judged on conversions); `actions_for(alerts, actions)`: the card's actions for
  them (EMERGENCY_PAUSE where the decision matrix calls for it, else an advice action).
- `raised_after(opt)`: the cooldown log the wait node keeps (`optimize.alerts_raised`).

Cooldown. An alert is due unless the same kind on the same object was raised (shown on a
card) at the same or a higher tier within `REPEAT_DAYS[kind]` days of data; a higher tier
raises it again at once. So a tick every 15 minutes wakes a thread once per condition, and
the same condition on later data may alert again.

The rules themselves are pure (`agents/optimize/decide/alert_rules.py`); the words are in
`prompts/alerts.py`; docs/alerts.md has each rule, its threshold and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from agents.optimize.decide.alert_rules import (
    KINDS,
    REPEAT_DAYS,
    TIERS,
    WAKING,
    AlertPolicy,
    detect,
)
from agents.optimize.decide.decisions import pause_action
from agents.optimize.meta_io import kpi_of_plan, targets_of
from prompts.alerts import advice_text, alert_text, headline
from state.exposure import as_int
from state.insights_store import parse_row
from tools.batching import BatchItem

__all__ = ["KINDS", "actions_for", "confirm", "for_cycle", "raised_after", "scan",
           "scan_thread", "snapshot", "wake_value"]

INSIGHT_FIELDS = "adset_id,adset_name,spend,impressions,clicks,inline_link_clicks,actions,action_values"
ADSET_SUB = ("name,status,effective_status,issues_info,daily_budget,lifetime_budget,end_time,"
             "promoted_object")
CAMPAIGN_SUB = ("name,status,effective_status,issues_info,daily_budget,lifetime_budget,"
                "spend_cap,start_time,stop_time,objective")
AD_FIELDS = (f"name,status,effective_status,adset_id,ad_review_feedback,issues_info,"
             f"adset{{{ADSET_SUB}}},campaign{{{CAMPAIGN_SUB}}}")
ACCOUNT_FIELDS = "name,account_status,disable_reason,spend_cap,amount_spent,currency,timezone_name"
MAX_LOG = 200  # alerts remembered for the cooldown (the newest by data day)
RESULT_NOUN = {"PURCHASE": "purchase", "LEAD": "lead", "COMPLETE_REGISTRATION": "registration"}
# The decision code's actions that are judged on conversions (held back while tracking is broken)
CONVERSION_JUDGED = ("pause_ad", "pause_adset", "set_adset_budget", "set_campaign_budget",
                     "set_adset_spend_limits")


# -- reading Meta -------------------------------------------------------------------------


def _reads(client: Any, campaign_id: str) -> tuple[list[dict], list[dict], dict[str, Any]]:
    """Return the three reads of a scan in one Graph batch (pages beyond the first are followed)."""
    insights = {"level": "adset", "time_increment": 1, "date_preset": "last_28d",
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
        event = ((ad.get("adset") or {}).get("promoted_object") or {}).get("custom_event_type")
        if event:
            return str(event).upper()
    objective = next((str((a.get("campaign") or {}).get("objective") or "") for a in ads), "")
    return "LEAD" if objective == "OUTCOME_LEADS" else "PURCHASE"


def snapshot(values: Mapping[str, Any], client: Any, context: Any, now: datetime) -> dict[str, Any]:
    """Read the thread's campaign from Meta into the snapshot `alert_rules.detect` judges."""
    campaign_id = str((values.get("created") or {}).get("campaign") or "")
    if not campaign_id:
        raise ValueError("the thread has no launched campaign to watch")
    rows, ads, acct = _reads(client, campaign_id)
    tz = ZoneInfo(str(acct.get("timezone_name") or "UTC"))
    currency = str(acct.get("currency") or "USD").upper()
    today = now.astimezone(tz).date()
    dates = [(today - timedelta(days=d)).isoformat() for d in range(28, 0, -1)]
    event = _event(ads)
    days: dict[str, dict[str, Any]] = {}
    for raw in rows:
        row = parse_row(raw, level="adset", currency=currency, conversion_event=event)
        days.setdefault(row["entity_id"], {})[row["date"]] = row
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
                             "end": s.get("end_time")}
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


# -- presenting ---------------------------------------------------------------------------


def _present(alert: dict[str, Any], snap: Mapping[str, Any]) -> dict[str, Any]:
    """Return an alert with its words: evidence, advice, the proposed action, whether it wakes."""
    result = RESULT_NOUN.get(str(snap.get("event")), "result")
    obj = alert["object"]
    level = {"adset": "ad set"}.get(obj["level"], obj["level"])
    if alert["verdict"] == "EMERGENCY_PAUSE" and obj["level"] in ("campaign", "adset"):
        proposal = f"EMERGENCY_PAUSE — pause the {level} “{headline_name(obj)}” until it is fixed"
    else:
        proposal = "an acknowledgement (nothing changes on Meta)" + (
            "; the regular decisions on this card act on the numbers where they can"
            if alert["tier"] == "warning" else "")
    return {**alert, "headline": headline(alert),
            "evidence": alert_text(alert, str(snap["currency"]), result),
            "advice": advice_text(alert), "proposal": proposal,
            "wakes": alert["tier"] in WAKING}


def headline_name(obj: Mapping[str, Any]) -> str:
    """Return the object's name as a person gave it."""
    from state.provenance import display_name

    return display_name(obj.get("name")) or str(obj.get("id") or "")


# -- cooldown -----------------------------------------------------------------------------


def _merge(log: dict[str, dict[str, Any]], alerts: Iterable[Mapping[str, Any]]) -> None:
    for a in alerts:
        key, prev = str(a.get("key")), log.get(str(a.get("key")))
        entry = {"data_through": str(a.get("data_through")), "tier": str(a.get("tier"))}
        if prev is None or (entry["data_through"], TIERS.index(entry["tier"])) >= \
                (str(prev.get("data_through")), TIERS.index(str(prev.get("tier", "info")))):
            log[key] = entry


def raised_log(values: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return every alert raised on this thread: the log plus the alerts on its last card."""
    opt = values.get("optimize") or {}
    log = {str(k): dict(v) for k, v in (opt.get("alerts_raised") or {}).items()}
    _merge(log, (opt.get("proposal") or {}).get("alerts") or [])
    return log


def raised_after(opt: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the cooldown log with the last card's alerts folded in (bounded to `MAX_LOG`)."""
    log = raised_log({"optimize": opt})
    newest = sorted(log.items(), key=lambda kv: str(kv[1].get("data_through")), reverse=True)
    return dict(newest[:MAX_LOG])


def is_due(alert: Mapping[str, Any], log: Mapping[str, Mapping[str, Any]]) -> bool:
    """Return True when it was not raised before, raised at a lower tier, or raised `REPEAT_DAYS` days of data ago."""
    prev = log.get(str(alert["key"]))
    if prev is None:
        return True
    if TIERS.index(str(alert["tier"])) > TIERS.index(str(prev.get("tier", "info"))):
        return True
    gap = (date.fromisoformat(str(alert["data_through"])) -
           date.fromisoformat(str(prev["data_through"]))).days
    return gap >= REPEAT_DAYS.get(str(alert["kind"]), 3)


# -- the interface ------------------------------------------------------------------------


def _policy(context: Any) -> AlertPolicy:
    policy = getattr(context, "alert_policy", None)
    return policy if isinstance(policy, AlertPolicy) else AlertPolicy()


def found(values: Mapping[str, Any], client: Any, context: Any, now: datetime
          ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Return every alert that holds now (no cooldown), with its words, and the snapshot."""
    snap = snapshot(values, client, context, now)
    return [_present(a, snap) for a in detect(snap, _policy(context))], snap


def scan(values: Mapping[str, Any], client: Any, context: Any, now: datetime) -> list[dict[str, Any]]:
    """Return the alerts due on a waiting thread's campaign now (see the module docstring)."""
    if not (values.get("created") or {}).get("campaign"):
        return []
    alerts, _ = found(values, client, context, now)
    log = raised_log(values)
    return [a for a in alerts if is_due(a, log)]


def scan_thread(values: Mapping[str, Any], context: Any, now: datetime, thread_id: str
                ) -> list[dict[str, Any]]:
    """`scan` with a client built from the run context's factory for `thread_id`."""
    factory = context.client_factory
    try:
        client = factory(thread_id=thread_id)
    except TypeError:  # factories written for the tools' ToolRuntime take no arguments
        client = factory()
    return scan(values, client, context, now)


def wake_value(alerts: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Return the `wait` resume value for these alerts: the kinds that wake, or None."""
    kinds = sorted({str(a["kind"]) for a in alerts if a.get("tier") in WAKING})
    return {"alerts": kinds} if kinds else None


def confirm(kinds: Sequence[str], values: Mapping[str, Any], client: Any, context: Any,
            now: datetime) -> list[dict[str, Any]]:
    """Return the due alerts of these kinds that hold on Meta's data now and wake a thread."""
    wanted = set(kinds)
    return [a for a in scan(values, client, context, now)
            if a["kind"] in wanted and a.get("wakes")]


def for_cycle(client: Any, state: Mapping[str, Any], ctx: Any, now: datetime) -> dict[str, Any]:
    """Return the alerts a cycle's card carries (due ones) and whether tracking is broken now."""
    alerts, _ = found(state, client, ctx, now)
    log = raised_log(state)
    tracking = next((a for a in alerts if a["kind"] == "tracking_broken"), None)
    return {"alerts": [a for a in alerts if is_due(a, log)],
            "tracking_since": (tracking or {}).get("facts", {}).get("since")}


def actions_for(alerts: Sequence[Mapping[str, Any]], existing: Sequence[Mapping[str, Any]]
                ) -> list[dict[str, Any]]:
    """Return the card's actions for these alerts: the decision matrix's pause, or an advice action.

    A pause the regular decisions already propose for the same object is not proposed twice.
    """
    paused = {str(v) for a in existing if str(a.get("name", "")).startswith("pause")
              for k, v in (a.get("args") or {}).items() if k.endswith("_id")}
    out: list[dict[str, Any]] = []
    for al in alerts:
        obj, facts = al["object"], al.get("facts") or {}
        reasons = [headline(al), str(al.get("evidence") or "")]
        ev = {k: facts[k] for k in ("spend_minor", "days", "conversions", "cpa_minor")
              if isinstance(facts.get(k), int | float)}
        if al["verdict"] == "EMERGENCY_PAUSE" and obj["level"] in ("campaign", "adset"):
            if obj["id"] in paused:
                continue
            action = pause_action({"id": obj["id"], "name": obj["name"]}, obj["level"],
                                  "EMERGENCY_PAUSE", reasons, ev, obj.get("parent_id") or "")
            action["expected_effect"] = {
                "metric": "spend", "direction": "down",
                "text": f"its spend stops at once; {al.get('advice')}; reject to keep it running"}
        else:
            action = {
                "name": "acknowledge_alert",
                "args": {"alert": str(al["key"])},
                "target": {"id": obj["id"], "name": obj["name"], "level": obj["level"],
                           "parent_id": obj.get("parent_id") or ""},
                "verdict": al["verdict"],
                "reasons": reasons,
                "evidence": ev,
                "expected_effect": {"metric": None, "direction": None,
                                    "text": f"nothing changes on Meta; {al.get('advice')}"},
                "advice": True,
            }
        action.update(risk="high", requires_review=True, alert=str(al["key"]))
        out.append(action)
    return out


def hold_back(actions: list[dict[str, Any]], since: str | None) -> tuple[list[dict], list[str]]:
    """Keep the decisions judged on conversions off the card while tracking is broken."""
    if not since:
        return actions, []
    held = [a for a in actions if a.get("name") in CONVERSION_JUDGED]
    if not held:
        return actions, []
    kept = [a for a in actions if a.get("name") not in CONVERSION_JUDGED]
    return kept, [f"{len(held)} action(s) judged on conversions held back: none has been "
                  f"recorded since {since} (tracking_broken), so they would judge broken "
                  "tracking, not the ads"]
