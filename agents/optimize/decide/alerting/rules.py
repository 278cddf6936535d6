"""The alerts between optimise cycles, as pure rules over one snapshot of a campaign.

Longer than 300 lines because the five alert kinds are judged over the same snapshot with
the same helpers, and the thresholds, the tiers and the decision matrix that maps them to an
action read best side by side.

`detect(snapshot, policy)` → alerts (JSON-like dicts), newest data only; `agents/optimize/alerts.py`
builds the snapshot from Meta (one round trip), words the evidence and keeps the cooldown.

Snapshot shape::

    {"today", "through" (the last complete account-local day), "dates" (the window, oldest
     first, ending at `through`), "currency", "kpi", "target_cpa_minor", "target_roas",
     "account": {"id", "name", "status", "disable_reason", "spend_cap_minor", "amount_spent_minor"},
     "campaign": {"id", "name", "status", "effective_status", "issues", "daily_budget_minor",
                  "lifetime_budget_minor", "spend_cap_minor", "start", "stop"},
     "ad_sets": [{"id", "name", "status", "effective_status", "issues", "daily_budget_minor",
                  "lifetime_budget_minor", "end", "learning"}],
     "ads": [{"id", "name", "adset_id", "status", "effective_status", "feedback", "issues"}],
     "days": {adset_id: {date: {"spend_minor", "impressions", "clicks", "link_clicks",
                                "conversions", "conversion_value_minor"}}},
     "ad_days": {ad_id: {date: {...the same sums...}}} (optional: shifts per ad),
     "budget_edits": {object_id: [ISO, ...]}}

Kinds (docs/alerts.md has each rule with its threshold and why):

- `off_target`: an ad set's (or the whole campaign's) cost per result over the last 7 days
  is at least 1.5× the target and above the target with 99 % confidence (warning), or at
  least 3× and above 1.5× with 99 % confidence (critical) — one-sided Poisson tests,
  `stats.py` — or it spent 5× the target CPA with no result where even at 1.5× the target
  that happens by chance under 1 time in 100 (in effect about 7×: the decision code's
  emergency); ROAS targets the same way through the average order value, once it rests on
  `aov_min_conversions` (10) orders of the campaign. An ad set still in
  Meta's learning phase, or whose first week of delivery is in the window, raises only the
  emergency;
- `pacing`: spend on each of the last 2 full days below half or above 1.5× the budget of the
  ad sets that can deliver;
- `delivery_stopped`: the account disabled or at its spend cap, the campaign or an ad set
  `WITH_ISSUES`, an ad disapproved, or no spend for 2 days with no status to say why;
- `tracking_broken`: link clicks but no conversions for the last days where the campaign's
  own conversion rate makes that improbable (p < 0.001);
- `shift`: CPM up, CTR or conversion rate down against the campaign's own history, the same
  ads at their own usual rates (so a change of mix is no shift), by a robust test (median/MAD
  of daily log-ratios, `stats.shift_test`; z ≤ −4, the exact Poisson tail < 0.001, and
  each result costing ≥ 1.35× as much).

Tiers: `info` goes on the next card; `warning` and `critical` wake the thread for a card.
The decision matrix (`VERDICTS`): a critical alert where money is being spent badly
(`off_target`, `tracking_broken`) proposes EMERGENCY_PAUSE of its object; otherwise the alert
is shown with what to do (an advice action to acknowledge) beside whatever the regular
decisions propose on the same fresh numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from agents.optimize.decide.alerting.stats import (
    no_result_chance,
    poisson_cdf,
    rate_lower,
    shift_test,
)

KINDS = ("off_target", "pacing", "delivery_stopped", "tracking_broken", "shift")
TIERS = ("info", "warning", "critical")
WAKING = ("warning", "critical")  # tiers that wake a thread for a card (info waits for one)
# Meta keeps adding conversions to the newest days (attribution delay). The rules expect only
# half of yesterday's and three quarters of the day before's to be in: the sandbox reports 80 %
# and 90 %, rounded down per ad and day, which for an ad with one or two a day is nearer half.
RESTATED = (0.5, 0.75)
DELIVERING = "ACTIVE"
CAP_REACHED = 0.99  # a spend cap counts as reached at 99 % (the last day's spend is scaled to fit)
# Days of new data before the same alert (kind and object) may fire again at the same tier
# (off_target: a whole new 7-day window; a status: a week; the rest: a few days).
REPEAT_DAYS = {"off_target": 7, "pacing": 3, "delivery_stopped": 7, "tracking_broken": 2,
               "shift": 3}
# The decision matrix: (kind, tier) → the verdict the alert's action carries.
VERDICTS = {("off_target", "critical"): "EMERGENCY_PAUSE",
            ("tracking_broken", "critical"): "EMERGENCY_PAUSE"}
SUMS = ("spend_minor", "impressions", "clicks", "link_clicks", "conversions",
        "conversion_value_minor")
# The day sum a target cost per result is judged on, by the plan's KPI: a traffic campaign's
# target is a cost per link click and it buys no purchases by design. A KPI the scan does not
# read (estimated ad recallers) is not judged on its target here; the cycle's decisions judge it.
RESULT_SUMS = {"conversions": "conversions", "conversion_value": "conversions",
               "link_clicks": "link_clicks", "impressions": "impressions"}
ACCOUNT_STATUS = {1: "ACTIVE", 2: "DISABLED", 3: "UNSETTLED", 7: "PENDING_RISK_REVIEW",
                  8: "PENDING_SETTLEMENT", 9: "IN_GRACE_PERIOD", 100: "PENDING_CLOSURE",
                  101: "CLOSED"}


@dataclass(frozen=True)
class AlertPolicy:
    """The alert thresholds (docs/alerts.md says why each is what it is)."""

    window_days: int = 28
    target_min_days: int = 3
    warn_multiple: float = 1.5
    critical_multiple: float = 3.0
    target_alpha: float = 0.01
    emergency_multiple: float = 5.0
    aov_min_conversions: int = 10
    pacing_days: int = 2
    pacing_low: float = 0.5
    pacing_high: float = 1.5
    stopped_days: int = 2
    tracking_alpha: float = 1e-3
    tracking_critical_alpha: float = 1e-6
    tracking_min_baseline: int = 5
    shift_min_days: int = 7
    shift_min_spread: float = 0.08
    learning_days: int = 7
    shift_z: float = 4.0
    shift_p: float = 1e-3
    shift_floor: float = 1.35
    shift_warning: float = 1.5


def verdict_of(kind: str, tier: str) -> str:
    """Return the decision matrix's verdict: EMERGENCY_PAUSE, OPTIMIZE (warning) or MONITOR."""
    return VERDICTS.get((kind, tier)) or ("OPTIMIZE" if tier == "warning" else "MONITOR")


def _alert(kind: str, tier: str, obj: Mapping[str, Any], level: str, snap: Mapping[str, Any],
           facts: dict[str, Any], *, part: str = "", parent_id: str = "") -> dict[str, Any]:
    oid = str(obj.get("id") or "")
    return {
        "kind": kind,
        "tier": tier,
        "key": f"{kind}:{part + ':' if part else ''}{oid}",
        "object": {"id": oid, "name": str(obj.get("name") or oid), "level": level,
                   "parent_id": parent_id},
        "data_through": snap["through"],
        "verdict": verdict_of(kind, tier),
        "facts": facts,
    }


def _sum(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    return {k: float(sum(float(r.get(k) or 0) for r in rows)) for k in SUMS}


def _day(snap: Mapping[str, Any], date_: str, adsets: Sequence[str] | None = None) -> dict[str, float]:
    days = snap.get("days") or {}
    ids = adsets if adsets is not None else list(days)
    return _sum([days.get(a, {}).get(date_, {}) for a in ids])


def _first_spend(snap: Mapping[str, Any], adset_id: str) -> str | None:
    rows = (snap.get("days") or {}).get(adset_id, {})
    spent = sorted(d for d, r in rows.items() if float(r.get("spend_minor") or 0) > 0)
    return spent[0] if spent else None


def _visible(snap: Mapping[str, Any], date_: str) -> float:
    """Return the share of `date_`'s conversions Meta has reported by now (RESTATED)."""
    age = (date.fromisoformat(snap["through"]) - date.fromisoformat(date_)).days
    return RESTATED[age] if 0 <= age < len(RESTATED) else 1.0


def running(snap: Mapping[str, Any]) -> bool:
    """Return True when the campaign is meant to deliver (switched on, started, not ended)."""
    camp = snap.get("campaign") or {}
    if camp.get("status") != DELIVERING:
        return False
    stop, start = str(camp.get("stop") or "")[:10], str(camp.get("start") or "")[:10]
    return not (stop and stop < snap["through"]) and not (start and start > snap["through"])


def live_adsets(snap: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return the ad sets switched on whose effective status is ACTIVE and that have an ad delivering."""
    ads = snap.get("ads") or []
    out = []
    for s in snap.get("ad_sets") or []:
        if s.get("status") != DELIVERING or s.get("effective_status") != DELIVERING:
            continue
        end = str(s.get("end") or "")[:10]
        if end and end < snap["through"]:
            continue
        if any(a.get("adset_id") == s["id"] and a.get("effective_status") == DELIVERING
               for a in ads):
            out.append(s)
    return out


# -- delivery stopped ---------------------------------------------------------------------


def delivery_stopped(snap: Mapping[str, Any], policy: AlertPolicy) -> list[dict[str, Any]]:
    """Statuses that stop delivery (account, campaign, ad sets, ads), or spend that stopped."""
    acct, camp = snap.get("account") or {}, snap.get("campaign") or {}
    out: list[dict[str, Any]] = []
    status = int(acct.get("status") or 1)
    if status != 1:
        out.append(_alert("delivery_stopped", "critical", acct, "account", snap, {
            "cause": "account_status", "status": ACCOUNT_STATUS.get(status, str(status)),
            "disable_reason": acct.get("disable_reason")}))
        return out  # nothing under a stopped account delivers: one alert says it
    cap, spent = acct.get("spend_cap_minor") or 0, acct.get("amount_spent_minor") or 0
    if cap and spent >= CAP_REACHED * cap:  # Meta stops a little short of the cap
        out.append(_alert("delivery_stopped", "critical", acct, "account", snap, {
            "cause": "account_spend_cap", "spend_cap_minor": cap, "amount_spent_minor": spent}))
        return out
    if camp.get("effective_status") == "WITH_ISSUES":
        out.append(_alert("delivery_stopped", "critical", camp, "campaign", snap, {
            "cause": "with_issues", "issues": camp.get("issues") or []}))
        return out
    dates = list(snap.get("dates") or [])
    camp_cap = camp.get("spend_cap_minor") or 0
    covers = bool(dates) and str(camp.get("start") or "")[:10] >= dates[0]
    if camp_cap and covers:
        total = sum(_day(snap, d)["spend_minor"] for d in dates)
        if total >= CAP_REACHED * camp_cap:
            out.append(_alert("delivery_stopped", "critical", camp, "campaign", snap, {
                "cause": "campaign_spend_cap", "spend_cap_minor": camp_cap,
                "spent_minor": total}))
            return out
    out += _stopped_objects(snap)
    if not out:
        out += _no_spend(snap, policy)
    return out


def _stopped_objects(snap: Mapping[str, Any]) -> list[dict[str, Any]]:
    on = [s for s in snap.get("ad_sets") or [] if s.get("status") == DELIVERING]
    live = {s["id"] for s in live_adsets(snap)}
    out: list[dict[str, Any]] = []
    for s in on:
        budget = s.get("daily_budget_minor")
        shared = (snap.get("campaign") or {}).get("daily_budget_minor")  # CBO: the campaign's
        if s.get("effective_status") == "WITH_ISSUES":
            tier = "critical" if not live else "warning"
            out.append(_alert("delivery_stopped", tier, s, "adset", snap, {
                "cause": "with_issues", "issues": s.get("issues") or [],
                "daily_budget_minor": budget, "campaign_budget_minor": shared,
                "others_live": len(live)}))
            continue
        if s.get("effective_status") != DELIVERING:
            continue
        ads = [a for a in snap.get("ads") or [] if a.get("adset_id") == s["id"]
               and a.get("status") == DELIVERING]
        blocked = [a for a in ads if a.get("effective_status") in ("DISAPPROVED", "WITH_ISSUES")]
        if not blocked:
            continue
        if s["id"] not in live:  # no ad of the ad set can deliver: one alert for the ad set
            out.append(_alert("delivery_stopped", "critical" if not live else "warning", s,
                              "adset", snap, {
                                  "cause": "ads_stopped", "daily_budget_minor": budget,
                                  "campaign_budget_minor": shared,
                                  "others_live": len(live),
                                  "ads": [_stopped_ad(a) for a in blocked]},
                              parent_id=str((snap.get("campaign") or {}).get("id") or "")))
            continue
        for ad in blocked:  # its siblings carry on: worth knowing, not worth waking for
            out.append(_alert("delivery_stopped", "info", ad, "ad", snap, {
                **_stopped_ad(ad), "adset": s.get("name") or s["id"]}, parent_id=s["id"]))
    return out


def _stopped_ad(ad: Mapping[str, Any]) -> dict[str, Any]:
    return {"cause": str(ad.get("effective_status")).lower(), "name": ad.get("name") or ad["id"],
            "feedback": ad.get("feedback") or "", "issues": ad.get("issues") or []}


def _no_spend(snap: Mapping[str, Any], policy: AlertPolicy) -> list[dict[str, Any]]:
    """No spend for `stopped_days` after spending, with nothing on Meta's side to say why."""
    dates = list(snap.get("dates") or [])
    n = policy.stopped_days
    live = live_adsets(snap)
    if len(dates) <= n or not live:
        return []
    ids = [s["id"] for s in live]
    recent = sum(_day(snap, d, ids)["spend_minor"] for d in dates[-n:])
    before = sum(_day(snap, d, ids)["spend_minor"] for d in dates[:-n])
    if recent > 0 or before <= 0:
        return []
    camp = snap.get("campaign") or {}
    return [_alert("delivery_stopped", "critical", camp, "campaign", snap, {
        "cause": "no_spend", "days": n, "since": dates[-n],
        "daily_budget_minor": budget_of(snap, live)})]


def budget_of(snap: Mapping[str, Any], adsets: Sequence[Mapping[str, Any]]) -> int | None:
    """Return these ad sets' daily money (the campaign's budget under CBO); None for lifetime."""
    camp = snap.get("campaign") or {}
    if camp.get("daily_budget_minor"):
        return int(camp["daily_budget_minor"])
    if camp.get("lifetime_budget_minor") or any(s.get("lifetime_budget_minor") for s in adsets):
        return None
    return int(sum(int(s.get("daily_budget_minor") or 0) for s in adsets)) or None


# -- off target ---------------------------------------------------------------------------


def _target_test(rows: dict[str, float], snap: Mapping[str, Any], policy: AlertPolicy,
                 aov: float | None, counted: float | None = None) -> dict[str, Any] | None:
    """Return the tier and facts when these sums are far off the target CPA or ROAS (else None).

    `cost_at` is the cost per conversion the target stands for (the target CPA, or the
    average order value over the target ROAS). Far off means both: the cost per conversion
    seen is at least `warn_multiple` (critical: `critical_multiple`) times it, and it is
    above the target (critical: above `warn_multiple` times it) with 99 % confidence — at
    `m` times the target the spend would have bought `counted / (m × cost_at)` conversions
    on average, and so few as were seen must be that improbable. `counted` is the spend
    with the newest days counted only as far as their conversions are in yet (`RESTATED`).
    """
    field = RESULT_SUMS[str(snap.get("kpi") or "conversions")]
    spend, seen = rows["spend_minor"], rows[field]
    counted = spend if counted is None or field != "conversions" else counted
    cpa, roas = snap.get("target_cpa_minor"), snap.get("target_roas")
    if spend <= 0 or counted <= 0:
        return None
    if cpa and snap.get("kpi") != "conversion_value":
        cost_at, judged_on = float(cpa), "cpa"
    elif roas and aov:
        cost_at, judged_on = aov / float(roas), "roas"
    else:
        return None
    seen_multiple = counted / (seen * cost_at) if seen else math.inf
    if judged_on == "roas":  # how far off is what the money brought back, not the orders
        value = rows["conversion_value_minor"]
        seen_multiple = float(roas or 0) * counted / value if value > 0 else math.inf

    def p_above(multiple: float) -> float:  # chance of so few at `multiple` × the target
        return poisson_cdf(seen, counted / (multiple * cost_at))
    # No result at all: an emergency once that much spend with nothing is improbable even at
    # `warn_multiple` × the target (the critical tier's test; the decisions' test too).
    emergency = no_result_chance(counted, seen, cost_at, multiple=policy.emergency_multiple,
                                 tested=policy.warn_multiple,
                                 alpha=policy.target_alpha) is not None
    if emergency or (seen_multiple >= policy.critical_multiple and
                     p_above(policy.warn_multiple) < policy.target_alpha):
        tier, tested = "critical", policy.warn_multiple
    elif seen_multiple >= policy.warn_multiple and p_above(1.0) < policy.target_alpha:
        tier, tested = "warning", 1.0
    else:
        return None
    return {"tier": tier, "spend_minor": spend, "conversions": rows["conversions"],
            "results": seen, "results_of": field,
            "conversion_value_minor": rows["conversion_value_minor"],
            "cpa_minor": round(spend / seen) if seen else None,
            "roas": round(rows["conversion_value_minor"] / spend, 2),
            "target_cpa_minor": cpa, "target_roas": roas, "cost_at_target_minor": round(cost_at),
            "judged_on": judged_on,
            "seen_multiple": round(seen_multiple, 2) if seen else None,
            "tested_multiple": tested,
            "expected_at_tested": round(counted / (tested * cost_at), 1),
            "p": p_above(tested), "emergency": emergency}


def _counted(snap: Mapping[str, Any], dates: Sequence[str], ids: Sequence[str]) -> float:
    """Return the spend of `dates` weighted by how much of each day's conversions are in."""
    return sum(_day(snap, d, ids)["spend_minor"] * _visible(snap, d) for d in dates)


def _judged(snap: Mapping[str, Any], policy: AlertPolicy, ids: Sequence[str],
            aov: float | None) -> dict[str, Any] | None:
    """Return the most severe far-off-target finding over the windows, with its window."""
    days = snap.get("days") or {}
    best: dict[str, Any] | None = None
    for n in TARGET_WINDOWS:
        dates = list(snap.get("dates") or [])[-n:]
        rows = [days.get(i, {}).get(d, {}) for i in ids for d in dates]
        spent_days = sum(1 for d in dates if _day(snap, d, ids)["spend_minor"] > 0)
        if spent_days < min(n, policy.target_min_days):
            continue
        test = _target_test(_sum(rows), snap, policy, aov, _counted(snap, dates, ids))
        if test is not None and (best is None or TIERS.index(test["tier"]) >
                                 TIERS.index(best["tier"])):
            best = {**test, "days": spent_days}
    return best


def _learning(snap: Mapping[str, Any], adset: Mapping[str, Any], policy: AlertPolicy) -> bool:
    """Return True while the ad set learns, or its first week of delivery is in the window."""
    if str(adset.get("learning") or "").upper() == "LEARNING":
        return True
    first = _first_spend(snap, str(adset["id"]))
    window = list(snap.get("dates") or [])[-max(TARGET_WINDOWS)]
    return first is None or (date.fromisoformat(first) +
                             timedelta(days=policy.learning_days)).isoformat() > window


def off_target(snap: Mapping[str, Any], policy: AlertPolicy) -> list[dict[str, Any]]:
    """Ad sets (or the whole campaign) far off the target CPA / ROAS with enough spend."""
    if not (snap.get("target_cpa_minor") or snap.get("target_roas")):
        return []
    if str(snap.get("kpi") or "conversions") not in RESULT_SUMS:
        return []  # its results are not in the scan (see RESULT_SUMS)
    live = live_adsets(snap)
    days = snap.get("days") or {}
    whole = _sum([r for d in days.values() for r in d.values()])
    # A ROAS target is judged through the campaign's average order value; on a few orders that
    # average is itself noise (a handful of small baskets would make every ad set look far off
    # target), so it counts only once `aov_min_conversions` orders are in.
    aov = (whole["conversion_value_minor"] / whole["conversions"]
           if whole["conversions"] >= max(1, policy.aov_min_conversions) else None)
    hits: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for s in live:
        test = _judged(snap, policy, [s["id"]], aov)
        if test is not None and not test["emergency"] and _learning(snap, s, policy):
            continue  # Meta's learning phase costs more and swings: only the emergency counts
        if test is not None:
            hits.append((s, {**test, "daily_budget_minor": s.get("daily_budget_minor")}))
    if not hits:
        return []
    camp = snap.get("campaign") or {}
    if len(hits) == len(live) and len(live) > 1:  # the whole campaign: one alert, one action
        test = _judged(snap, policy, [s["id"] for s in live], aov)
        if test is not None:
            test = {**test, "ad_sets": len(live), "daily_budget_minor": budget_of(snap, live)}
            return [_alert("off_target", test.pop("tier"), camp, "campaign", snap, test)]
    return [_alert("off_target", facts.pop("tier"), s, "adset", snap, facts,
                   parent_id=str(camp.get("id") or "")) for s, facts in hits]


# -- pacing -------------------------------------------------------------------------------


def _edited_since(snap: Mapping[str, Any], oid: str, date_: str) -> bool:
    for raw in (snap.get("budget_edits") or {}).get(oid, []):
        try:
            when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        except ValueError:
            continue
        tz = snap.get("tz")
        local = when.astimezone(tz).date().isoformat() if tz else when.date().isoformat()
        if local >= date_:
            return True
    return False


def pacing(snap: Mapping[str, Any], policy: AlertPolicy) -> list[dict[str, Any]]:
    """Spend far from the budget on each of the last full days of the ad sets that deliver."""
    camp = snap.get("campaign") or {}
    live = live_adsets(snap)
    if not live or budget_of(snap, live) is None:
        return []
    dates = list(snap.get("dates") or [])[-policy.pacing_days:]
    if len(dates) < policy.pacing_days:
        return []
    cbo = bool(camp.get("daily_budget_minor"))
    ratios, spends, budgets = [], [], []
    for d in dates:
        # an ad set counts from its second day of spend (the first is partial) and only on
        # days its budget was already what it is now
        counted = [s for s in live if (first := _first_spend(snap, s["id"])) and first < d
                   and not _edited_since(snap, camp["id"] if cbo else s["id"], d)]
        if not counted or (cbo and len(counted) < len(live)):
            return []
        budget = budget_of(snap, counted) or 0
        spend = _day(snap, d, [s["id"] for s in counted])["spend_minor"]
        if budget <= 0:
            return []
        ratios.append(spend / budget)
        spends.append(spend)
        budgets.append(budget)
    if all(r < policy.pacing_low for r in ratios):
        part = "under"
    elif all(r > policy.pacing_high for r in ratios):
        part = "over"
    else:
        return []
    return [_alert("pacing", "warning", camp, "campaign", snap, {
        "direction": part, "dates": dates, "spend_minor": spends, "budget_minor": budgets,
        "ratio": round(sum(spends) / sum(budgets), 3)}, part=part)]


# -- tracking -----------------------------------------------------------------------------


def tracking_broken(snap: Mapping[str, Any], policy: AlertPolicy) -> list[dict[str, Any]]:
    """Clicks but no conversions lately, where the campaign's own rate makes that improbable."""
    if snap.get("kpi") not in ("conversions", "conversion_value"):
        return []
    dates = list(snap.get("dates") or [])
    totals = {d: _day(snap, d) for d in dates}
    streak: list[str] = []
    for d in reversed(dates):
        if totals[d]["link_clicks"] > 0 and totals[d]["conversions"] == 0:
            streak.insert(0, d)
        else:
            break
    if not streak:
        return []
    base = [totals[d] for d in dates[: len(dates) - len(streak)]]
    conv_b = sum(r["conversions"] for r in base)
    clicks_b = sum(r["link_clicks"] for r in base)
    if conv_b < policy.tracking_min_baseline:
        return []
    low = rate_lower(conv_b, clicks_b, 0.95)
    expected = sum(low * totals[d]["link_clicks"] * _visible(snap, d) for d in streak)
    p = math.exp(-expected)
    if p >= policy.tracking_alpha:
        return []
    spend = sum(totals[d]["spend_minor"] for d in streak)
    budget = budget_of(snap, live_adsets(snap)) or 0
    tier = "critical" if p < policy.tracking_critical_alpha and spend >= budget > 0 else "warning"
    camp = snap.get("campaign") or {}
    return [_alert("tracking_broken", tier, camp, "campaign", snap, {
        "since": streak[0], "days": len(streak),
        "link_clicks": sum(totals[d]["link_clicks"] for d in streak), "spend_minor": spend,
        "cvr_before": conv_b / clicks_b if clicks_b else None, "cvr_low": low,
        "conversions_before": conv_b, "expected": round(expected, 1), "p": p,
        "daily_budget_minor": budget or None})]


# -- shifts -------------------------------------------------------------------------------

# metric: (the count that falls when it worsens, what it is counted against)
TARGET_WINDOWS = (7,)  # the newest days judged against the target (3 too: 4× the alerts, most borderline)
SHIFT_WINDOWS = (1, 2, 3)  # the newest days judged together against the days before them
SHIFT_METRICS = {"cpm": ("impressions", "spend_minor"), "ctr": ("clicks", "impressions"),
                 "cvr": ("conversions", "link_clicks")}


def shift(snap: Mapping[str, Any], policy: AlertPolicy, *, skip: Sequence[str] = ()) -> list[dict[str, Any]]:
    """CPM up, CTR or CVR down against the campaign's own days, mix of ad sets held fixed."""
    dates = list(snap.get("dates") or [])
    # per ad where known: a change of mix between ads (Meta favouring its best ones once
    # learning ends) is then no shift, only the same ads doing worse is
    days = snap.get("ad_days") or snap.get("days") or {}
    camp = snap.get("campaign") or {}
    out = []
    for metric, (num, den) in SHIFT_METRICS.items():
        if metric in skip or (metric == "cvr" and snap.get("kpi") not in
                              ("conversions", "conversion_value")):
            continue
        # conversions of the newest days are still coming in: a conversion rate is judged on
        # settled days only (two days later, but not on how fast Meta restates)
        use = dates[: len(dates) - len(RESTATED)] if num == "conversions" else dates
        best = None
        for r in SHIFT_WINDOWS:
            if len(use) < r + policy.shift_min_days:
                continue
            base_dates, recent_dates = use[:-r], use[-r:]
            rates = _rates(days, base_dates, num, den)
            base = [p for d in base_dates if (p := _pair(snap, days, rates, d, num, den))[1] > 0]
            if len(base) < policy.shift_min_days:
                continue
            pairs = [_pair(snap, days, rates, d, num, den) for d in recent_dates]
            recent = (sum(p[0] for p in pairs), sum(p[1] for p in pairs))
            if recent[1] <= 0:
                continue
            test = shift_test(base, recent, min_spread=policy.shift_min_spread)
            cost = 1.0 / test["ratio"]  # each result costs this many times what it did
            if test["z"] <= -policy.shift_z and test["p_low"] < policy.shift_p and \
                    cost >= policy.shift_floor and (best is None or cost > best["cost_multiple"]):
                best = {"metric": metric, "days": r, "since": recent_dates[0],
                        "cost_multiple": round(cost, 2), "z": round(test["z"], 1),
                        "spread": round(test["spread"], 3), "observed": recent[0],
                        "expected": round(recent[1], 1),
                        "denominator": sum(_day(snap, d)[den] for d in recent_dates),
                        "baseline_days": len(base)}
        if best is not None:
            tier = "warning" if best["cost_multiple"] >= policy.shift_warning else "info"
            out.append(_alert("shift", tier, camp, "campaign", snap, best, part=metric))
    return out


def _rates(days: Mapping[str, Any], dates: Sequence[str], num: str, den: str) -> dict[str, float]:
    """Return each ad's (or ad set's) usual rate (`num` per `den`) pooled over `dates`."""
    out = {}
    for sid, rows in days.items():
        n_ = sum(float((rows.get(d) or {}).get(num) or 0) for d in dates)
        d_ = sum(float((rows.get(d) or {}).get(den) or 0) for d in dates)
        if n_ > 0 and d_ > 0:
            out[sid] = n_ / d_
    return out


def _pair(snap: Mapping[str, Any], days: Mapping[str, Any], rates: Mapping[str, float], d: str,
          num: str, den: str) -> tuple[float, float]:
    """Return (observed, expected at the usual rates) of `num` on day `d` over those with a rate."""
    share = _visible(snap, d) if num == "conversions" else 1.0
    obs = exp = 0.0
    for sid, rate in rates.items():
        row = days[sid].get(d) or {}
        obs += float(row.get(num) or 0)
        exp += rate * float(row.get(den) or 0) * share
    return obs, exp


# -- all of them --------------------------------------------------------------------------


def detect(snap: Mapping[str, Any], policy: AlertPolicy | None = None) -> list[dict[str, Any]]:
    """Return every alert the snapshot holds, most severe first (nothing while the campaign is off)."""
    pol = policy or AlertPolicy()
    if not running(snap):
        return []
    out = delivery_stopped(snap, pol)
    if any(a["object"]["level"] in ("account",) for a in out):
        return out  # nothing else can be judged while the whole account is stopped
    # While conversions go unrecorded, nothing judged on them is known: the CPA, the ROAS and
    # the conversion rate would all say "worse" about broken tracking, not about the ads.
    tracking = tracking_broken(snap, pol)
    out += tracking if tracking else off_target(snap, pol)
    out += pacing(snap, pol)
    out += shift(snap, pol, skip=("cvr",) if tracking else ())
    rank = {t: i for i, t in enumerate(reversed(TIERS))}
    return sorted(out, key=lambda a: rank[a["tier"]])
