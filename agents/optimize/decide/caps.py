"""Bid caps in the optimise loop: an ad set held back by its own cap is not "fixed" with budget.

A cost cap (`COST_CAP`) asks Meta to keep the average cost per result at or under the ad set's
`bid_amount`; a bid cap (`LOWEST_COST_WITH_BID_CAP`) caps every auction bid at it; a minimum
ROAS (`LOWEST_COST_WITH_MIN_ROAS`) keeps the return at or over
`bid_constraints.roas_average_floor` (ROAS × 10,000). Meta spends only what it can buy within
them, so an ad set that spends well under its daily budget (under `cap_underspend_ratio`, 90 %,
over the last week and yesterday) while its cost per result is at or under the cap (within
`CAP_TOLERANCE`, or within counting noise of it: `over_cap`; the cap is an average Meta aims
at, not a guarantee) — or its ROAS at or over the floor — is the cap working
(docs/facts-bidding-placements-destinations.md §1.4): more budget would not spend.

Such an ad set (`cap_limited`) is left out of the budget moves (`reallocation.reallocate`): no
increase, no money moved into it expecting it to spend, and no cut either (its budget is what
a raised cap would spend). Its verdict says so in words and the account's money. When the
marketer's own target leaves room — a target cost per result above a cost or bid cap, a target
ROAS under a floor — an advice action proposes moving the cap toward the target by at most
`CAP_STEP` (20 %). adpilot has no action that writes a bid (`set_bid` is forbidden by the
default policy and has no writer), so approving it records the task for a person; nothing
changes on Meta. Without such a target the ad set is left as it is, and the verdict says why.

Under a campaign budget (CBO) the pacing judged is the campaign's (its ad sets' spend against
its daily budget), and a cap-limited ad set gets no spend-limit move (`cbo.reallocate_cbo`): a
higher minimum spend target would not make it spend either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from agents.optimize.decide.stats import ACTIVE, DecisionPolicy, evidence_of, make_verdict, num
from state.provenance import display_name
from state.rules import format_money

CAPS = {"COST_CAP": "cost cap", "LOWEST_COST_WITH_BID_CAP": "bid cap"}
MIN_ROAS = "LOWEST_COST_WITH_MIN_ROAS"
ROAS_SCALE = 10_000  # roas_average_floor is ROAS × 10,000 (2.0x → 20000)
CAP_TOLERANCE = 0.1  # an average a little over the cap is still the cap holding it
CAP_STEP = 0.2  # the largest cap move one recommendation proposes
CAP_EVIDENCE = 0.05  # how unlikely the results must be at the cap to call the cost over it
# What a cap is per, by optimisation goal (stats field, units per event); else conversions.
RESULT_OF_GOAL = {
    "LINK_CLICKS": ("link_clicks", 1),
    "IMPRESSIONS": ("impressions", 1000),
    "REACH": ("impressions", 1000),
}
# Advice action names. They are never written (`cycle.execute_approved` skips advice), so the
# policy kind `raise_bid_cap` maps to (`set_bid`, forbidden by default) never reaches the gate.
ADVICE_NAMES = {"COST_CAP": "raise_cost_cap", "LOWEST_COST_WITH_BID_CAP": "raise_bid_cap"}


def bid_of(adset: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the ad set's cap (`{"strategy", "label", "cap_minor" | "floor"}`), None if uncapped."""
    strategy = str(adset.get("bid_strategy") or "").upper()
    if strategy in CAPS:
        cap = int(num(adset, "bid_amount_minor"))
        return {"strategy": strategy, "label": CAPS[strategy], "cap_minor": cap} if cap > 0 else None
    if strategy == MIN_ROAS:
        floor = num(adset, "roas_average_floor") / ROAS_SCALE
        return {"strategy": strategy, "label": "minimum ROAS", "floor": floor} if floor > 0 else None
    return None


def _recent(adset: Mapping[str, Any]) -> Mapping[str, Any]:
    recent = adset.get("recent_stats")
    if recent and num(recent, "spend_minor") > 0:
        return recent
    return adset.get("stats") or {}


def _pacing(
    adset: Mapping[str, Any], evidence: Mapping[str, Any]
) -> tuple[float, float, int, str] | None:
    """Return (spend a day over the last week, yesterday's, the budget, whose) or None.

    Under a campaign budget the pacing judged is the campaign's: its active ad sets' spend
    against its daily budget.
    """
    if evidence.get("budget_level") == "campaign":
        budget = int(num(evidence.get("campaign"), "daily_budget_minor"))
        live = [a for a in evidence.get("ad_sets", []) if a.get("status") == ACTIVE]
        per_day = sum(num(_recent(a), "spend_minor") / max(1.0, num(_recent(a), "days"))
                      for a in live)
        yesterday = sum(num(a.get("last_day_stats"), "spend_minor") for a in live)
        return (per_day, yesterday or per_day, budget, "campaign") if budget > 0 else None
    budget = int(num(adset, "daily_budget_minor"))
    stats = _recent(adset)
    if budget <= 0 or num(stats, "days") <= 0:
        return None
    per_day = num(stats, "spend_minor") / num(stats, "days")
    last = adset.get("last_day_stats") or {}
    return per_day, (num(last, "spend_minor") if num(last, "days") else per_day), budget, "its"


def over_cap(spend: float, results: float, cap_minor: float) -> bool:
    """Say whether the cost per result is clearly over the cap, beyond counting noise.

    At the cap, `spend` buys about `spend / cap` results; fewer than that by chance alone has
    probability `P(X <= results)` under a Poisson count. Over the cap means the average is more
    than `CAP_TOLERANCE` over it *and* that probability is under `CAP_EVIDENCE`: a few results
    at a capped ad set's low spend prove little.
    """
    if spend / results <= cap_minor * (1 + CAP_TOLERANCE):
        return False
    lam = spend / cap_minor
    k = int(math.floor(results))
    if lam > 1000:  # the normal approximation (a sum of k terms would be slow and exact enough)
        return 0.5 * math.erfc(-(k + 0.5 - lam) / math.sqrt(2 * lam)) < CAP_EVIDENCE
    tail = sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k + 1))
    return tail < CAP_EVIDENCE


def cap_limited(
    adset: Mapping[str, Any], evidence: Mapping[str, Any], policy: DecisionPolicy
) -> dict[str, Any] | None:
    """Return why a capped ad set under-spends because of its cap (with the numbers), or None.

    None when the ad set has no cap, no spend, spends about its budget (its campaign's, under
    a campaign budget), or its cost per result is over the cap (ROAS under the floor): then
    the cap is not what holds it back, and the loop judges it like any other.
    """
    bid = bid_of(adset)
    pacing = _pacing(adset, evidence)
    if bid is None or adset.get("status") != ACTIVE or pacing is None:
        return None
    per_day, yesterday, budget, whose = pacing
    stats = _recent(adset)
    spend = num(stats, "spend_minor")
    limit = policy.cap_underspend_ratio * budget
    if spend <= 0 or per_day >= limit or yesterday >= limit:
        return None
    currency = str(evidence.get("currency") or "USD")
    out: dict[str, Any] = {**bid, "spend_per_day_minor": round(per_day), "budget_minor": budget}
    spending = (
        f"Spending {format_money(round(per_day), currency)} a day of its "
        f"{format_money(budget, currency)} daily budget"
        if whose == "its"
        else f"The campaign spends {format_money(round(per_day), currency)} a day of its "
        f"{format_money(budget, currency)} daily budget, in part"
    )
    if "cap_minor" in bid:
        # The cap is per optimisation event: a link click, 1,000 impressions, else a conversion.
        field, per = RESULT_OF_GOAL.get(str(adset.get("optimization_goal") or ""), ("conversions", 1))
        results = num(stats, field) / per
        if results <= 0 or over_cap(spend, results, bid["cap_minor"]):
            return None
        cpa, cap = spend / results, format_money(bid["cap_minor"], currency)
        out["cpa_minor"], out["per"] = round(cpa), (None if field == "conversions" else field)
        held = (
            f"holds the average cost{' per 1,000 impressions' if per > 1 else ''} at "
            f"{format_money(round(cpa), currency)}"
            if cpa <= bid["cap_minor"] * (1 + CAP_TOLERANCE)
            else f"holds it back ({format_money(round(cpa), currency)} a result so far, on "
            f"{round(results, 2):g} results: within chance of the cap)"
        )
        out["text"] = f"{spending} because the {cap} {bid['label']} {held}; more budget would not spend"
    else:
        roas = num(stats, "conversion_value_minor") / spend
        if roas < bid["floor"] * (1 - CAP_TOLERANCE):
            return None
        out["roas"] = round(roas, 2)
        out["text"] = (
            f"{spending} because the {bid['floor']:.2f}x minimum ROAS holds its return at "
            f"{roas:.2f}x; more budget would not spend"
        )
    out["suggestion"], out["advice"] = _suggest(out, evidence, currency)
    return out


def _suggest(
    held: Mapping[str, Any], evidence: Mapping[str, Any], currency: str
) -> tuple[dict[str, Any] | None, str]:
    """Return (the cap to propose, or None, and the sentence saying what to do or why not)."""
    if "cap_minor" in held:
        cap, target = int(held["cap_minor"]), evidence.get("target_cpa_minor")
        if held.get("per"):  # a cap per click or per 1,000 impressions: no target to weigh it
            what = "clicks" if held["per"] == "link_clicks" else "impressions"
            return None, f"Left as it is: raise the cap only if dearer {what} are acceptable"
        if not target:
            return None, (
                "Left as it is: no target cost per result is set, so the cap is the limit you "
                "chose; raise it only if a higher average cost is acceptable"
            )
        if int(target) <= cap:
            return None, (
                f"Left as it is: the cap is at or above your target cost per result "
                f"({format_money(int(target), currency)}); raising it would buy results over "
                "the target"
            )
        new = min(int(target), round(cap * (1 + CAP_STEP)))
        return {"bid_amount": new}, (
            f"Raise the cap to spend more: to {format_money(new, currency)} (your target cost "
            f"per result is {format_money(int(target), currency)})"
        )
    floor, target = float(held["floor"]), evidence.get("target_roas")
    if not target:
        return None, (
            "Left as it is: no target ROAS is set, so the floor is the limit you chose; lower it "
            "only if a lower return is acceptable"
        )
    if float(target) >= floor:
        return None, (
            f"Left as it is: the floor is at or under your target ROAS ({float(target):.2f}x); "
            "lowering it would buy results under the target"
        )
    new_floor = max(float(target), floor * (1 - CAP_STEP))
    return {"bid_constraints": {"roas_average_floor": round(new_floor * ROAS_SCALE)}}, (
        f"Lower the minimum ROAS to spend more: to {new_floor:.2f}x (your target ROAS is "
        f"{float(target):.2f}x)"
    )


def capped_ids(evidence: Mapping[str, Any], policy: DecisionPolicy) -> dict[str, dict[str, Any]]:
    """Every cap-limited ad set of the evidence, by id (budget moves leave these alone)."""
    out = {}
    for a in evidence.get("ad_sets", []):
        held = cap_limited(a, evidence, policy)
        if held is not None:
            out[str(a["id"])] = held
    return out


def cap_verdict(adset: Mapping[str, Any], held: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ad set's verdict: its cap holds it back, in words and money, and what to do."""
    return make_verdict(adset, "adset", "CONTINUE", [f"{held['text']}. {held['advice']}."])


def cap_actions(evidence: Mapping[str, Any], policy: DecisionPolicy) -> list[dict[str, Any]]:
    """Advice actions proposing to move a cap toward the marketer's target (nothing is written)."""
    actions = []
    held_back = capped_ids(evidence, policy)
    for a in evidence.get("ad_sets", []):
        held = held_back.get(str(a["id"]))
        if held is None or held["suggestion"] is None:
            continue
        name = ADVICE_NAMES.get(held["strategy"], "lower_roas_floor")
        ev: dict[str, Any] = {
            **evidence_of(_recent(a)),
            "spend_per_day_minor": held["spend_per_day_minor"],
            "daily_budget_minor": held["budget_minor"],
            **{k: held[k] for k in ("cap_minor", "floor", "cpa_minor", "roas") if k in held},
        }
        who = display_name(a.get("name")) or a["id"]
        actions.append(
            {
                "name": name,
                "args": {"adset_id": a["id"], **held["suggestion"]},
                "target": {
                    "id": a["id"],
                    "name": a.get("name", ""),
                    "level": "adset",
                    "parent_id": (evidence.get("campaign") or {}).get("id", ""),
                },
                "verdict": "OPTIMIZE",
                "reasons": [f"{held['text']}. {held['advice']}"],
                "evidence": ev,
                "expected_effect": {
                    "metric": "spend",
                    "direction": "up",
                    "text": f"nothing changes on Meta: adpilot does not write bids; approve to "
                    f"record the task, then change the {held['label']} of {who} in Ads Manager "
                    "so it can spend its budget",
                },
                "risk": "high",
                "requires_review": True,
                "advice": True,
            }
        )
    return actions


__all__ = ["bid_of", "cap_actions", "cap_limited", "cap_verdict", "capped_ids"]
