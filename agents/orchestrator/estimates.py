"""Meta's delivery estimate per ad set, for the card (the `estimates` state key).

For each ad set, `GET /act_<id>/delivery_estimate` with the targeting the launch will send
(`state.meta_tree.to_meta_tree`), its optimisation goal and promoted object. What the card gets:

- `ok`: the audience size (Meta's monthly-active range) and the daily results and reach at the
  ad set's planned daily budget, read off Meta's `daily_outcomes_curve` by linear interpolation
  between the two points around the budget (from zero below the first point; the last point's
  values above the last one, where Meta expects no more delivery). Meta's curve gives single
  values; the range shown applies the relative spread of Meta's own audience-size range
  (`estimate_mau_lower_bound` / `_upper_bound` around their midpoint) to them, so the card
  never shows more precision than Meta claims.
- `no_estimate`: Meta answered with an all-zero curve (too little data; Meta's docs say to show
  no estimate rather than "0 results").
- `unavailable`: the endpoint refused, failed or throttled; the plan is not judged by it.
- `after_launch`: the ad set targets or excludes an audience this launch creates; Meta can only
  estimate audiences that exist.

Warnings (rules, each from Meta's own numbers, none a new multiplier of the budget):
- too small: Meta's curve ends below the daily budget (it does not expect to spend it all); or
  the second half of the budget adds under `SATURATION` more people than the first half buys;
  or one day's reach is over `DAILY_SHARE_MAX` of the audience's lower bound (everyone sees the
  ads within about five days, so frequency and fatigue climb);
- too broad: the schedule's reach (daily reach × days, 30 when open-ended; an upper bound since
  people repeat) is under `BROAD_SHARE_MIN` of the audience: the budget touches a sliver of it,
  so who is reached is Meta's choice more than the targeting's.
"""

from __future__ import annotations

import copy
import math
from datetime import datetime
from typing import Any

from agents.orchestrator.audience_refs import REF_FIELDS
from agents.orchestrator.card_delivery import plural, result_name
from state.plan import budget_for_ad_set, load_plan, uses_cbo
from state.rules import format_money
from tools.errors import MetaError
from tools.estimates import delivery_estimate

SATURATION = 0.15  # the budget's second half buys < 15% more reach than its first half
DAILY_SHARE_MAX = 0.20  # a day's reach above 20% of the audience: all of it in ~5 days
BROAD_SHARE_MIN = 0.01  # the schedule reaches under 1% of the audience
OPEN_ENDED_DAYS = 30


def daily_budget(plan: dict[str, Any], index: int,
                 now: datetime | None = None) -> tuple[int | None, str]:
    """Return the ad set's planned spend per day in minor units, and how it was derived.

    `now`: when the plan is checked; a plan without a start counts its days from then.
    """
    model = load_plan(plan)
    days = model.schedule_days(now)
    if uses_cbo(model) and model.budget is not None:
        total = model.budget.amount_minor if model.budget.kind == "daily" else \
            model.budget.amount_minor // (days or 1)
        n = max(1, len(model.ad_sets))
        return total // n, "an equal share of the campaign budget" if n > 1 else "the campaign budget"
    budget = budget_for_ad_set(model, index)
    if budget is None:
        return None, "no budget"
    if budget.kind == "lifetime":
        return budget.amount_minor // (days or 1), "the lifetime budget spread over its days"
    return budget.amount_minor, "the daily budget"


def at_spend(curve: list[dict[str, Any]], spend: float) -> dict[str, float]:
    """Interpolate reach, impressions and actions on Meta's curve at a daily spend."""
    points = sorted((p for p in curve if p.get("spend") is not None), key=lambda p: float(p["spend"]))
    keys = ("reach", "impressions", "actions")
    below: dict[str, Any] = {"spend": 0, **dict.fromkeys(keys, 0)}
    for point in points:
        if float(point["spend"]) >= spend:
            lo, hi = float(below["spend"]), float(point["spend"])
            t = 1.0 if hi == lo else (spend - lo) / (hi - lo)
            return {k: float(below.get(k) or 0) + t * (float(point.get(k) or 0) - float(below.get(k) or 0))
                    for k in keys}
        below = point
    return {k: float(below.get(k) or 0) for k in keys}


def _band(value: float, low: Any, high: Any) -> list[float]:
    """Spread `value` by Meta's audience-size range; tenths under 10 so "0.4" is not "0–1"."""
    step = 0.1 if value < 10 else 1.0
    if low is None or high is None or (float(low) + float(high)) <= 0:
        low = high = 1.0
    mid = (float(low) + float(high)) / 2
    lo, hi = value * float(low) / mid, value * float(high) / mid
    if step == 1.0:
        return [math.floor(lo), math.ceil(hi)]
    return [round(math.floor(lo / step) * step, 1), round(math.ceil(hi / step) * step, 1)]


def _warnings(row: dict[str, Any], budget: int, currency: str, days: int | None) -> list[str]:
    curve = row.get("daily_outcomes_curve") or []
    low = row.get("estimate_mau_lower_bound")
    out = []
    top = max(float(p.get("spend") or 0) for p in curve)
    reach = at_spend(curve, budget)["reach"]
    half = at_spend(curve, budget / 2)["reach"]
    if top < budget:
        out.append(f"audience too small for the budget: Meta's estimate stops at "
                   f"{format_money(int(top), currency)} a day, below the {format_money(budget, currency)} "
                   f"budget, so it may not all be spent")
    elif half > 0 and reach < half * (1 + SATURATION):
        out.append(f"audience small for the budget: the second half of the daily budget adds under "
                   f"{SATURATION:.0%} more people (Meta's estimate)")
    if low and reach > DAILY_SHARE_MAX * float(low):
        out.append(f"audience small for the budget: about {reach / float(low):.0%} of it is reached "
                   f"every day, so people will see the ads again and again within a week")
    span = days or OPEN_ENDED_DAYS
    if low and reach * span < BROAD_SHARE_MIN * float(low):
        out.append(f"audience broad for the budget: in {span} days the budget reaches under "
                   f"{BROAD_SHARE_MIN:.0%} of these {int(low):,}+ people, so Meta, not the targeting, "
                   f"picks who sees the ads; narrow it or raise the budget if that matters")
    return out


def read_estimate(row: dict[str, Any], budget: int | None, currency: str,
                  days: int | None = None) -> dict[str, Any]:
    """Turn Meta's delivery-estimate row into the card's entry for one ad set."""
    curve = row.get("daily_outcomes_curve") or []
    zero = all(not float(p.get(k) or 0) for p in curve for k in ("spend", "reach", "impressions", "actions"))
    if not row or zero:
        return {"status": "no_estimate", "reason": "Meta returned an all-zero curve"}
    out: dict[str, Any] = {"status": "ok", "mau_lower": row.get("estimate_mau_lower_bound"),
                           "mau_upper": row.get("estimate_mau_upper_bound"),
                           "dau": row.get("estimate_dau"), "ready": row.get("estimate_ready")}
    if budget:
        point = at_spend(curve, budget)
        lo, hi = out["mau_lower"], out["mau_upper"]
        out.update(daily_budget_minor=budget, daily={"actions": _band(point["actions"], lo, hi),
                                                     "reach": _band(point["reach"], lo, hi)},
                   warnings=_warnings(row, budget, currency, days))
    return out


def _created_refs(ad_set: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    targeting = ad_set.get("targeting") or {}
    names = {a.get("key"): a.get("name") for a in plan.get("audiences") or []}
    return [str(names.get(r["key"]) or r["key"]) for f in REF_FIELDS
            for r in targeting.get(f) or [] if isinstance(r, dict) and r.get("key")]


def launch_targeting(plan: dict[str, Any], ctx: Any) -> dict[int, dict[str, Any]]:
    """Return the targeting the launch sends, by ad-set index, for ad sets using only existing audiences."""
    from agents.orchestrator.meta_checks import asset_placeholders
    from state.meta_tree import to_meta_tree

    sets = plan.get("ad_sets") or []
    kept = [i for i, s in enumerate(sets) if not _created_refs(s, plan)]
    if not kept:
        return {}
    # Created audiences are estimated after launch, so they and their ad sets stay out.
    reduced = {**copy.deepcopy(plan), "audiences": [], "ad_sets": [copy.deepcopy(sets[i]) for i in kept]}
    images = asset_placeholders(reduced)
    tree = to_meta_tree(reduced, account_id=ctx.account_id, page_id=ctx.page_id,
                        image_hashes=images["image"], video_ids=images["video"])
    return {i: node["params"]["targeting"] for i, node in zip(kept, tree["ad_sets"], strict=True)}


def estimate_plan(client: Any, plan: dict[str, Any], ctx: Any,
                  now: datetime | None = None) -> list[dict[str, Any]]:
    """Return one card entry per ad set (never raises for a Meta error: the plan stands).

    `now`: when the plan is checked (a lifetime budget without a start spreads from it).
    """
    model = load_plan(plan)
    currency = str(plan.get("currency") or getattr(ctx, "currency", "USD"))
    try:
        targeting = launch_targeting(plan, ctx)
    except Exception as exc:  # an estimate never fails a plan; the card says why it is missing
        targeting, why = {}, f"the targeting could not be built: {str(exc)[:160]}"
    else:
        why = ""
    out: list[dict[str, Any]] = []
    for i, (ad_set, node) in enumerate(zip(plan.get("ad_sets") or [], model.ad_sets, strict=True)):
        created = _created_refs(ad_set, plan)
        if created:
            out.append({"status": "after_launch", "reason": "it uses "
                        + ", ".join(f"“{n}”" for n in created) + ", which this launch creates; "
                        "Meta estimates an audience once it exists"})
            continue
        spec = targeting.get(i)
        if spec is None:
            out.append({"status": "unavailable", "reason": why or "no targeting to estimate"})
            continue
        budget, basis = daily_budget(plan, i, now)
        try:
            row = delivery_estimate(client, spec, node.optimization_goal, node.promoted_object)
        except MetaError as exc:
            reason = getattr(exc, "user_msg", None) or type(exc).__name__
            out.append({"status": "unavailable", "reason": f"Meta did not answer: {str(reason)[:160]}"})
            continue
        entry = read_estimate(row, budget, currency, model.schedule_days(now))
        entry.update(result=plural(result_name(ad_set)), budget_basis=basis)
        out.append(entry)
    return out


__all__ = ["at_spend", "daily_budget", "estimate_plan", "read_estimate"]
