"""Words of the alerts between optimise cycles: what happened, in the account's money, and what to do.

`alert_text(alert, currency, result)` explains one alert from its facts (`agents/optimize/
decide/alerting/rules.py` computes them; nothing here decides), `advice_text(alert)` says what the
person can do, `headline(alert)` is its one-line title, and `section(alerts, currency,
result)` is the block the approval card opens with when alerts are on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from state.provenance import display_name
from state.rules import format_money

SECTION_HEADER = "### Alerts since the last cycle"
TIER_MARK = {"critical": "🛑 CRITICAL", "warning": "⚠️ WARNING", "info": "ℹ️ INFO"}
TITLES = {
    "off_target": "far off target",
    "pacing": "spend far from the budget",
    "delivery_stopped": "delivery stopped",
    "tracking_broken": "conversions not being recorded",
    "shift": "sudden change",
}
METRIC = {
    "cpm": ("CPM (cost per 1,000 impressions)", "rose"),
    "ctr": ("CTR (clicks per impression)", "fell"),
    "cvr": ("conversion rate (results per link click)", "fell"),
}
ADVICE = {
    "off_target": "review the ad set's audience, offer and bids; the regular decisions on "
                  "this card act on it where they can",
    "pacing_under": "Meta cannot find enough delivery: widen the audience or placements, "
                    "raise a bid or cost cap, or check for limited ads",
    "pacing_over": "check for a budget changed outside adpilot (Ads Manager, rules)",
    "account_status": "fix it in Meta's Business Support Home (payment method, or appeal the "
                      "decision); adpilot cannot change an account's status",
    "account_spend_cap": "raise or reset the account's spend cap in Ads Manager's billing "
                         "settings to resume; adpilot does not change spend caps",
    "campaign_spend_cap": "raise the campaign's spend cap in Ads Manager to resume, or let it end",
    "with_issues": "open the object in Ads Manager to see Meta's issue and fix it",
    "disapproved": "edit the ad to resubmit it, or request another review in Account Quality; "
                   "adpilot does not change creatives itself",
    "ads_stopped": "edit the ads to resubmit them, or request another review in Account "
                   "Quality; adpilot does not change creatives itself",
    "no_spend": "open the campaign in Ads Manager: look for billing, spend-cap or delivery "
                "notices",
    "tracking_broken": "check the pixel in Events Manager (Test events) and the site's "
                       "checkout; ads are not judged on these days",
    "cpm": "an auction shift (season, competition): consider lower budgets or bids until it "
           "passes",
    "ctr": "ads tiring or a placement change: refresh the creatives",
    "cvr": "the landing page, offer or checkout changed, or part of the tracking was lost: "
           "check the site and Events Manager",
}


def _m(value: Any, currency: str) -> str:
    return format_money(int(round(float(value or 0))), currency)


def _n(count: float, noun: str) -> str:
    return f"{count:g} {noun}" + ("" if count == 1 else "s")


def _name(alert: Mapping[str, Any]) -> str:
    obj = alert.get("object") or {}
    return display_name(obj.get("name")) or str(obj.get("id") or "")


def chance(p: float) -> str:
    """Render a small probability in words ("about 1 time in 300")."""
    if p <= 1e-6:
        return "less than once in a million"
    return f"about 1 time in {round(1 / p):,}" if p > 0 else "never"


def headline(alert: Mapping[str, Any]) -> str:
    """Return one line: tier, what, on which object."""
    facts = alert.get("facts") or {}
    title = TITLES.get(str(alert.get("kind")), str(alert.get("kind")))
    if alert.get("kind") == "shift":
        title = f"{METRIC.get(str(facts.get('metric')), ('rate', 'changed'))[0].split(' (')[0]} " \
                f"{METRIC.get(str(facts.get('metric')), ('', 'changed'))[1]} sharply"
    obj = alert.get("object") or {}
    level = {"adset": "ad set", "ad": "ad"}.get(str(obj.get("level")), str(obj.get("level")))
    return f"{TIER_MARK.get(str(alert.get('tier')), alert.get('tier'))}: {title} — {level} " \
           f"“{_name(alert)}”"


def advice_text(alert: Mapping[str, Any]) -> str:
    """Say what the person can do about it (the card's expected effect for an advice action)."""
    facts = alert.get("facts") or {}
    kind = str(alert.get("kind"))
    key = {"pacing": f"pacing_{facts.get('direction')}", "shift": str(facts.get("metric")),
           "delivery_stopped": str(facts.get("cause"))}.get(kind, kind)
    return ADVICE.get(key, "look into it in Ads Manager")


def _off_target(a: Mapping[str, Any], f: Mapping[str, Any], cur: str, result: str) -> str:
    who = f"“{_name(a)}”" + (f" ({f.get('ad_sets')} ad sets together)" if f.get("ad_sets") else "")
    days, spend = f.get("days"), _m(f.get("spend_minor"), cur)
    conv = float(f.get("results", f.get("conversions")) or 0)  # results of the plan's KPI
    tested = float(f.get("tested_multiple") or 1)
    at = _m(tested * (f.get("cost_at_target_minor") or 0), cur)
    if f.get("target_cpa_minor") and f.get("judged_on", "cpa") == "cpa":
        target = f"a target of {_m(f['target_cpa_minor'], cur)} per {result}"
        got = (f"cost {_m(f['cpa_minor'], cur)} per {result}" if conv else f"got no {result}")
    else:
        target = f"a target ROAS of {float(f.get('target_roas') or 0):g}×"
        got = f"returned {float(f.get('roas') or 0):.2f}× its spend"
    line = "the target" if tested == 1 else f"{tested:g}× the target"
    if f.get("emergency"):
        spent = float(f.get("spend_minor") or 0) / float(f.get("cost_at_target_minor") or 1)
        why = (f"It has spent {spent:.1f}× the cost of a {result} at target with nothing to show; "
               f"even at {line} ({at} a {result}) that happens by chance "
               f"{chance(float(f.get('p') or 0))}.")
    else:
        late = (f" (counting only the share of the last two days' {result}s Meta has reported "
                "yet)" if f.get("results_of", "conversions") == "conversions" else "")
        why = (f"Had each {result} cost {line} ({at}), that spend would have bought about "
               f"{f.get('expected_at_tested')}{late}; {conv:g} or fewer happens by chance "
               f"{chance(float(f.get('p') or 0))}.")
    budget = f" Its budget is {_m(f['daily_budget_minor'], cur)} a day." \
        if f.get("daily_budget_minor") else ""
    return (f"{who} {got} over the last {days} day(s) ({spend} spent, {_n(conv, result)}) "
            f"against {target}. {why}{budget}")


def _pacing(a: Mapping[str, Any], f: Mapping[str, Any], cur: str) -> str:
    spends = " and ".join(_m(s, cur) for s in f.get("spend_minor") or [])
    dates = " and ".join(str(d) for d in f.get("dates") or [])
    budget = _m((f.get("budget_minor") or [0])[-1], cur)
    side = "below" if f.get("direction") == "under" else "above"
    return (f"Spend is far {side} the budget: {spends} on {dates} against {budget} a day "
            f"({100 * float(f.get('ratio') or 0):.0f}% of it).")


def _issues(f: Mapping[str, Any]) -> str:
    texts = [str(i.get("error_message") or i.get("error_summary") or "") for i in
             f.get("issues") or [] if isinstance(i, Mapping)]
    return "; ".join(t for t in texts if t) or "Meta gives no detail"


def _stopped(a: Mapping[str, Any], f: Mapping[str, Any], cur: str) -> str:
    cause, name = f.get("cause"), _name(a)
    level = (a.get("object") or {}).get("level")
    if cause == "account_status":
        return (f"Meta shows the ad account as {f.get('status')} (disable reason "
                f"{f.get('disable_reason')}): nothing in it delivers.")
    if cause == "account_spend_cap":
        return (f"The ad account reached its spend cap: {_m(f.get('amount_spent_minor'), cur)} "
                f"spent of a {_m(f.get('spend_cap_minor'), cur)} cap; Meta stops every campaign "
                "in it.")
    if cause == "campaign_spend_cap":
        return (f"The campaign reached its spend cap ({_m(f.get('spent_minor'), cur)} of "
                f"{_m(f.get('spend_cap_minor'), cur)}); Meta stopped its delivery.")
    if cause == "no_spend":
        return (f"The campaign has spent nothing for {f.get('days')} days (since {f.get('since')})"
                f" although it is on with {_m(f.get('daily_budget_minor'), cur)} a day, and Meta "
                "shows no status that says why.")
    others = int(f.get("others_live") or 0)
    rest = (f"{others} other ad set(s) still deliver." if others else
            "No other ad set delivers: the whole campaign has stopped.")
    if f.get("daily_budget_minor"):
        money = f"Its {_m(f['daily_budget_minor'], cur)} a day goes unspent."
    elif f.get("campaign_budget_minor"):
        shared = _m(f["campaign_budget_minor"], cur)
        money = (f"The campaign's {shared} a day goes to the other ad sets." if others else
                 f"The campaign's {shared} a day goes unspent.")
    else:
        money = "Its budget goes unspent."
    if cause == "with_issues" and level == "campaign":
        return f"Meta shows the campaign WITH_ISSUES ({_issues(f)}): it does not deliver."
    if cause == "with_issues" and level == "adset":
        return f"Ad set “{name}” cannot deliver (WITH_ISSUES: {_issues(f)}). {money} {rest}"
    if cause == "ads_stopped":
        groups: dict[tuple[str, str], list[str]] = {}
        for ad in sorted(f.get("ads") or [], key=lambda a: display_name(a.get("name"))):
            why = str(ad.get("feedback") or _issues(ad)).rstrip(".")
            groups.setdefault((_stopped_word(ad), why), []).append(
                f"“{display_name(ad.get('name'))}”")
        ads = "; ".join(f"{_and(names)} {word} ({why})" for (word, why), names in groups.items())
        return f"No ad of ad set “{name}” can deliver: {ads}. {money} {rest}"
    return (f"Ad “{name}” was {_stopped_word(f)} by Meta "
            f"({str(f.get('feedback') or _issues(f)).rstrip('.')}). "
            f"The other ads of “{display_name(f.get('adset'))}” carry on.")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _stopped_word(f: Mapping[str, Any]) -> str:
    return "disapproved" if f.get("cause") == "disapproved" else "stopped (WITH_ISSUES)"


def _tracking(a: Mapping[str, Any], f: Mapping[str, Any], cur: str, result: str) -> str:
    cvr, low = float(f.get("cvr_before") or 0), float(f.get("cvr_low") or 0)
    return (f"No {result}s recorded since {f.get('since')} ({f.get('days')} day(s)) although the "
            f"campaign got {float(f.get('link_clicks') or 0):,.0f} link clicks and spent "
            f"{_m(f.get('spend_minor'), cur)}. At its usual rate ({100 * cvr:.1f}% of link "
            f"clicks, at least {100 * low:.1f}%) about {f.get('expected')} were expected; none "
            f"happens by chance {chance(float(f.get('p') or 0))}. The pixel or the site's "
            f"checkout has probably stopped reporting: Meta's delivery now optimises on "
            f"{result}s it no longer sees.")


def _shift(a: Mapping[str, Any], f: Mapping[str, Any], result: str) -> str:
    label, way = METRIC.get(str(f.get("metric")), ("the rate", "changed"))
    k = float(f.get("cost_multiple") or 1)
    moved = abs((k - 1) if way == "rose" else (1 / k - 1))
    return (f"{label[0].upper()}{label[1:]} {way} {100 * moved:.0f}% over the last "
            f"{f.get('days')} day(s) against the campaign's usual level for the same ad sets "
            f"({abs(float(f.get('z') or 0)):.1f} robust standard deviations; its usual "
            f"day-to-day spread is ±{100 * float(f.get('spread') or 0):.0f}%). With everything "
            f"else unchanged, each {result} costs about {k:.2f}× as much.")


def alert_text(alert: Mapping[str, Any], currency: str, result: str = "result") -> str:
    """Explain one alert in plain words and the account's money."""
    f = alert.get("facts") or {}
    kind = alert.get("kind")
    if kind == "off_target":
        return _off_target(alert, f, currency, result)
    if kind == "pacing":
        return _pacing(alert, f, currency)
    if kind == "delivery_stopped":
        return _stopped(alert, f, currency)
    if kind == "tracking_broken":
        return _tracking(alert, f, currency, result)
    if kind == "shift":
        return _shift(alert, f, result)
    return str(kind)


def section(alerts: Sequence[Mapping[str, Any]], currency: str) -> list[str]:
    """Return the card's alerts block: per alert its headline, evidence, what to do and the proposal."""
    out = [SECTION_HEADER]
    for a in alerts:
        out.append(f"- **{headline(a)}** (data through {a.get('data_through')})")
        out.append(f"  {a.get('evidence') or alert_text(a, currency)}")
        out.append(f"  What to do: {a.get('advice') or advice_text(a)}.")
        if a.get("proposal"):
            out.append(f"  Proposed: {a['proposal']}.")
    return [*out, ""]
