"""Pause the underperformers of a campaign or ad set ("pause ads in Spring Sale with CPA over $40").

Longer than 300 lines because the threshold, the evidence and the loop's safety rules are read
together to judge one request, and each says in words why an entity is or is not paused.

`propose_pauses(client, intent, ...)` (workflow W4) reads the scope's delivery from Meta's
insights (daily rows parsed by `state/insights_store.py::parse_row` for the campaign's
conversion event, summed by `add_sums`/`derive`) and proposes `pause_ad` (or `pause_adset`)
in the loop's shape for each entity that breaks the threshold *with evidence*:

- the threshold: the request's (CPA, CPC, CPM in minor units; CTR in percent; ROAS a
  multiple; the op says which side is bad), else the campaign's target (`targets`, adpilot's
  own campaigns), else a question (`clarify`) — `state/policy.py` has no default rule;
- enough data: `min_days` days with delivery and `min_spend_minor` spent (the request's, else
  the loop's `DecisionPolicy.min_days` and `min_spend`: 2× a CPA threshold, at least the
  policy's floor);
- significance, as the loop judges (`agents/optimize/decide/stats.py`): the posterior
  probability that the true value breaks the threshold is at least `pause_probability` (95 %);
  conversions are sampled as the loop does (clicks per spend × conversion rate, pooled from the
  siblings), CTR as a beta, CPC and CPM as gammas. No results after spending at least a CPA
  threshold counts as a CPA over it (and says so);
- safety, as the loop: never the last active ad of an ad set (or the last active ad set of
  the campaign); more than `review_fraction` (half) of the active ones → every action
  `requires_review` and a "manual review" flag. Breaches without the evidence are listed in
  the summary, not paused.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from agents.optimize.decide.stats import (
    DecisionPolicy,
    evidence_of,
    local_minor,
    min_spend,
    num,
    pooled_prior,
    rng_for,
    value_samples,
)
from agents.optimize.oneoff.common import (
    LEVEL_WORD,
    account_tz,
    fuzzy_of,
    make_action,
    money,
    name_of,
    proposal,
    read,
    read_children,
)
from agents.orchestrator.planning.names.derive import goal_words
from state.guardrails import parse_time
from state.insights_store import GOAL_RESULTS, InsightsStore, add_sums, derive, parse_row
from state.intent import EntityRef, Intent, PauseParams

OPS: dict[str, Callable[[Any, Any], Any]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
METRICS = {"cpa": "cpa_minor", "cpc": "cpc_minor", "cpm": "cpm_minor", "ctr": "ctr",
           "roas": "roas"}
MONEY_METRICS = {"cpa", "cpc", "cpm"}
INSIGHT_FIELDS = ("campaign_id,adset_id,ad_id,adset_name,ad_name,impressions,reach,clicks,"
                  "inline_link_clicks,spend,actions,action_values")
_EVENTS = {"OUTCOME_LEADS": "LEAD"}


def propose_pauses(
    client: Any,
    intent: Intent,
    *,
    account: dict[str, Any],
    policy: Any,
    now: datetime,
    store: InsightsStore | None = None,
    targets: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the proposal for a pause-underperformers request (no writes)."""
    params: PauseParams = intent.typed()
    currency = str(account.get("currency") or "USD")
    pol = DecisionPolicy.from_policy(policy or {})
    scope = intent.entities[0] if intent.entities else None
    level = params.level
    word = LEVEL_WORD[level]
    out = proposal(f"## Pause underperforming {word}s in “{name_of(scope) if scope else '—'}”",
                   currency)
    if scope is None or scope.type == "ad":
        out["clarify"] = ("Which campaign or ad set should adpilot look in? Name one (e.g. "
                          "'pause the ads in Spring Sale with CPA over $40')"
                          + ("; to pause one ad, say 'pause <ad name>'." if scope else "."))
        return out
    obj = read(client, scope)
    campaign = obj if scope.type == "campaign" else read(
        client, EntityRef(type="campaign", id=str(obj["campaign_id"]), name="", match="id"))
    cid = str(campaign["id"])
    rule = _rule(params, currency, cid, name_of(obj), targets, policy)
    if isinstance(rule, str):
        out["clarify"] = rule
        return out
    metric, op, threshold, source = rule
    out["kpi"] = "conversion_value" if metric == "roas" else "conversions"
    adsets = read_children(client, cid, "adset")
    if metric in ("cpa", "roas") and not _counts_conversions(campaign, adsets):
        out["clarify"] = (
            f"“{name_of(campaign)}” is a {_goal_words(campaign)} campaign: its results are not "
            f"purchases or leads, and a {metric.upper()} rule counts those (it would pause its "
            "ads on purchases they were never bought for). Say 'CPC over $1.50' to judge cost "
            "per click, or 'CTR under 0.5%'.")
        return out
    ads = read_children(client, cid, "ad") if level == "ad" else []
    live_sets = {str(a["id"]): a for a in adsets if a.get("status") == "ACTIVE"}
    if level == "ad":
        units = [a for a in ads if a.get("status") == "ACTIVE" and str(a.get("adset_id")) in live_sets]
    else:
        units = list(live_sets.values())
    in_scope = [u for u in units if scope.type == "campaign"
                or str(u.get("adset_id") if level == "ad" else u["id"]) == scope.id]
    tz = account_tz(account)
    today = now.astimezone(tz).date()
    start = parse_time(campaign.get("start_time") or campaign.get("created_time"))
    since = max(start.astimezone(tz).date() if start else today, today - timedelta(days=364))
    stats = _read_stats(client, scope.id, level, since.isoformat(), today.isoformat(),
                        currency, _event(campaign, adsets), store if scope.type == "campaign"
                        else None, cid)
    floor = params.min_spend_minor
    if floor is None:
        floor = round(min_spend({"currency": currency,
                                 "target_cpa_minor": threshold if metric == "cpa" else None}, pol))
        spend_source = (f"the policy's minimum ({pol.min_spend_cpa_multiple:g}× the CPA "
                        f"threshold, at least {money(local_minor(pol.min_spend_minor, currency), currency)})"
                        if metric == "cpa" else "the policy's minimum spend")
    else:
        spend_source = "the request"
    days = params.min_days if params.min_days is not None else pol.min_days
    out["summary"] += [
        f"Scope: {LEVEL_WORD[scope.type]} “{name_of(obj)}” (id {scope.id}) — {len(in_scope)} "
        f"active {word}(s)" + (" (campaign is paused)" if campaign.get("status") != "ACTIVE" else ""),
        f"Rule: pause an {word} when its {metric.upper()} {op} {_fmt(metric, threshold, currency)}"
        f" — threshold from {source}",
        f"Window: {since.isoformat()} → {today.isoformat()} (since the campaign started, "
        f"account time {tz.key}); insights read from Meta now",
        f"Evidence needed: {days} day(s) with delivery (from "
        f"{'the request' if params.min_days is not None else 'the policy'}) and "
        f"{money(floor, currency)} spent (from {spend_source}); posterior probability ≥ "
        f"{pol.pause_probability:.0%} (policy) that the true {metric.upper()} {op} the threshold",
    ]
    rng = rng_for("oneoff", scope.id, today.isoformat(), metric, op, threshold)
    groups: dict[str, list[dict[str, Any]]] = {}
    for unit in units:
        groups.setdefault(str(unit.get("adset_id")) if level == "ad" else cid, []).append(unit)
    fuzzy = fuzzy_of(intent.entities).get(scope.id)
    within = 0
    for group_id, members in groups.items():
        scoped = [m for m in members if m in in_scope]
        if not scoped:
            continue
        prior = pooled_prior([stats.get(str(m["id"]), {}) for m in scoped],
                             "conversion_value" if metric == "roas" else "conversions",
                             pol.ad_cvr_prior_clicks if level == "ad" else pol.adset_cvr_prior_clicks)
        found = []
        for unit in scoped:
            st = stats.get(str(unit["id"])) or derive(add_sums([]))
            judged = _judge(metric, op, threshold, st, prior, rng, pol, floor, days, currency)
            if judged is None:
                within += 1
            elif isinstance(judged, str):
                out["summary"].append(f"Not paused: {word} “{name_of(unit)}” — {judged}")
            else:
                found.append((judged[0], unit, st, judged[1]))
        found.sort(key=lambda f: -f[0])
        remaining = len(members)
        for p, unit, st, reason in found:
            if remaining <= 1:
                last = "ad set" if level == "ad" else "campaign"
                out["summary"].append(
                    f"Not paused: {word} “{name_of(unit)}” — {reason}, but it is the last active "
                    f"{word} of its {last} (pause the {last} itself if it should stop)")
                continue
            remaining -= 1
            out["actions"].append(_pause(unit, level, cid, group_id, reason, st, p, currency,
                                         fuzzy, scope))
    if within:
        out["summary"].append(f"Within the threshold: {within} {word}(s)")
    n, total = len(out["actions"]), len(in_scope)
    if n and n > pol.review_fraction * total:
        out["flags"].append(f"manual review: {n} of {total} {word}s would be paused (more than "
                            f"{pol.review_fraction:.0%} of the active ones)")
        for action in out["actions"]:
            action.update(requires_review=True, risk="high")
    if not n:
        out["nothing_to_do"] = (f"No {word} in “{name_of(obj)}” is proposed for pausing: none "
                                f"has a {metric.upper()} {op} {_fmt(metric, threshold, currency)} "
                                "with enough evidence (see the summary).")
    return out


def _rule(
    params: PauseParams,
    currency: str,
    campaign_id: str,
    name: str,
    targets: Mapping[str, Mapping[str, Any]] | None,
    policy: Any,
) -> tuple[str, str, float, str] | str:
    """Return (metric, op, threshold, where it came from), or the question to ask."""
    given = [params.metric, params.op, params.threshold]
    if all(v is not None for v in given):
        metric, op, threshold = str(params.metric), str(params.op), float(params.threshold or 0)
        if metric not in METRICS or op not in OPS:
            return (f"adpilot pauses on a CPA, CPC, CPM, CTR or ROAS threshold with over/under "
                    f"(got {metric} {op}); restate it, e.g. 'CPA over $40' or 'CTR under 0.5%'.")
        if metric in MONEY_METRICS and params.currency and params.currency.upper() != currency:
            return (f"The threshold is in {params.currency.upper()} but the account bills in "
                    f"{currency}; restate it in {currency} (adpilot never converts currencies).")
        return metric, op, threshold, "the request"
    if any(v is not None for v in given):
        return (f"The rule is incomplete (metric {params.metric}, op {params.op}, threshold "
                f"{params.threshold}): say it whole, e.g. 'CPA over $40' for {name}.")
    known = dict((targets or {}).get(campaign_id) or {})
    for key in ("target_cpa_minor", "target_roas"):
        if known.get(key) is None and getattr(policy, key, None) is not None:
            known[key] = getattr(policy, key)
    if known.get("target_cpa_minor"):
        return "cpa", ">", float(known["target_cpa_minor"]), "the campaign's target CPA"
    if known.get("target_roas"):
        return "roas", "<", float(known["target_roas"]), "the campaign's target ROAS"
    return (f"What CPA should count as too high for {name}? e.g. 'over $40' (or a ROAS or CTR "
            f"threshold). {name} has no target adpilot knows and the policy has no default "
            "pause rule, so the threshold must come from you.")


def _counts_conversions(campaign: dict[str, Any], adsets: list[dict[str, Any]]) -> bool:
    """Say whether the campaign's results are conversions, as a CPA or ROAS rule needs.

    A sales or leads objective, or an ad set with a conversion event or a lead or conversation
    goal; a traffic, awareness or engagement campaign's results are not.
    """
    if str(campaign.get("objective") or "") in ("OUTCOME_SALES", "OUTCOME_LEADS", ""):
        return True
    return any((a.get("promoted_object") or {}).get("custom_event_type")
               or str(a.get("optimization_goal")) in GOAL_RESULTS for a in adsets)


def _goal_words(campaign: dict[str, Any]) -> str:
    return goal_words(str(campaign.get("objective") or "")).lower() or "non-conversion"


def _event(campaign: dict[str, Any], adsets: list[dict[str, Any]]) -> str:
    """Return the conversion event results are counted in (the ad sets' promoted object)."""
    for a in adsets:
        event = str((a.get("promoted_object") or {}).get("custom_event_type")
                    or GOAL_RESULTS.get(str(a.get("optimization_goal"))) or "").upper()
        if event:
            return event
    return _EVENTS.get(str(campaign.get("objective") or ""), "PURCHASE")


def _read_stats(
    client: Any,
    scope_id: str,
    level: str,
    since: str,
    until: str,
    currency: str,
    event: str,
    store: InsightsStore | None,
    campaign_id: str,
) -> dict[str, dict[str, Any]]:
    """Window sums per entity from Meta's daily insights rows (cached in `store` if given)."""
    params = {"level": level, "fields": INSIGHT_FIELDS, "time_increment": 1,
              "time_range": {"since": since, "until": until}}
    raw = client.get_all(f"{scope_id}/insights", params, limit=500)
    rows = [parse_row(r, level=level, currency=currency, conversion_event=event) for r in raw]
    if store is not None:  # the whole campaign's window: the loop's store may reuse it
        store.replace_window(campaign_id, level, since, until, rows)
    by_id: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_id.setdefault(str(row["entity_id"]), []).append(row)
    return {k: derive(add_sums(v)) for k, v in by_id.items()}


def _fmt(metric: str, value: float, currency: str) -> str:
    if metric in MONEY_METRICS:
        return money(value, currency) if np.isfinite(value) else "∞ (no results)"
    return f"{value:.2f}%" if metric == "ctr" else f"{value:.2f}×"


def _draws(
    metric: str, st: Mapping[str, Any], prior: Mapping[str, Any], rng: np.random.Generator, n: int
) -> np.ndarray:
    """Posterior draws of the metric's true value."""
    spend, clicks, imp = num(st, "spend_minor"), num(st, "clicks"), num(st, "impressions")
    if metric in ("cpa", "roas"):
        rate = value_samples(st, prior, rng, n)  # results (or value) per minor unit
        return rate if metric == "roas" else 1.0 / np.maximum(rate, 1e-300)
    if metric == "ctr":
        return 100.0 * rng.beta(0.5 + clicks, 0.5 + max(imp - clicks, 0.0), n)
    count = clicks if metric == "cpc" else imp
    per_spend = rng.gamma(0.5 + count, 1.0 / max(spend, 1.0), n)
    return (1.0 if metric == "cpc" else 1000.0) / per_spend


def _judge(
    metric: str,
    op: str,
    threshold: float,
    st: Mapping[str, Any],
    prior: Mapping[str, Any],
    rng: np.random.Generator,
    pol: DecisionPolicy,
    floor: float,
    days: int,
    currency: str,
) -> tuple[float, str] | str | None:
    """None: within the threshold; a reason it is not paused; or (P, why it is paused)."""
    spend = num(st, "spend_minor")
    observed = st.get(METRICS[metric])
    note = ""
    if metric in ("cpa", "cpc") and observed is None:
        if op in ("<", "<="):
            return None
        if spend < threshold:
            return (f"no {'results' if metric == 'cpa' else 'clicks'} yet after "
                    f"{money(spend, currency)} spent (less than the threshold): not enough data")
        observed = float("inf")
        what = "results" if metric == "cpa" else "clicks"
        note = (f"no {what} after {money(spend, currency)} spent (at least the threshold: counts "
                f"as a {metric.upper()} over it)")
    if observed is None or not OPS[op](float(observed), threshold):
        return None
    shown = note or f"{metric.upper()} {_fmt(metric, float(observed), currency)}"
    have = int(st.get("days") or 0)
    if have < days or spend < floor:
        short = ([f"{have} of the {days} day(s) of data it needs"] if have < days else []) + (
            [f"{money(spend, currency)} of the {money(floor, currency)} spend it needs"]
            if spend < floor else [])
        return f"{shown}, but not enough data: {' and '.join(short)}"
    p = float(OPS[op](_draws(metric, st, prior, rng, pol.samples), threshold).mean())
    if p < pol.pause_probability:
        return (f"{shown}, but not enough data to be sure: {p:.1%} probability that its true "
                f"{metric.upper()} {op} {_fmt(metric, threshold, currency)} (needs "
                f"{pol.pause_probability:.0%})")
    if not note:
        shown += f" {op} {_fmt(metric, threshold, currency)}"
    return p, (f"{shown}; {p:.1%} probability its true {metric.upper()} {op} "
               f"{_fmt(metric, threshold, currency)} ({money(spend, currency)} over {have} "
               "day(s))")


def _pause(
    unit: dict[str, Any],
    level: str,
    campaign_id: str,
    group_id: str,
    reason: str,
    st: Mapping[str, Any],
    p: float,
    currency: str,
    fuzzy: EntityRef | None,
    scope: EntityRef,
) -> dict[str, Any]:
    key = "ad_id" if level == "ad" else "adset_id"
    return make_action(
        f"pause_{level}",
        {key: str(unit["id"]), "status": "PAUSED"},
        obj=unit,
        level=level,
        campaign_id=campaign_id,
        adset_id=group_id if level == "ad" else None,
        verdict="PAUSE",
        reasons=[reason],
        evidence={**evidence_of(st), "p_over_threshold": round(p, 3)},
        effect={"metric": "value_per_spend", "direction": "up",
                "text": f"spend moves from {name_of(unit)} to its siblings in "
                f"“{name_of(scope)}”; results per unit spend rise"},
        risk="low",
        requires_review=False,
        currency=currency,
        fuzzy=fuzzy,
    )
