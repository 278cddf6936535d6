"""Delivery and reach estimates from the delivery model, and minimum budgets that follow a bid.

- `GET /act_<id>/delivery_estimate` (`targeting_spec` and `optimization_goal` required, as
  Meta's reference marks them; `promoted_object` optional) and `GET /<adset_id>/delivery_estimate`
  (all optional, the ad set's own settings by default) answer `{"data": [{"daily_outcomes_curve": [{spend, reach,
  impressions, actions}], "estimate_dau", "estimate_mau_lower_bound",
  "estimate_mau_upper_bound", "estimate_ready": true, "targeting_optimization_types": []}]}`.
  The audience is the one delivery uses (`sandbox.truth.audience_and_cpm_factor` for
  geo/age/gender/interests/placements, then `sandbox.audience_model` for custom audiences,
  lookalikes and exclusions). The curve is the steady-state (out of learning) expectation of
  one day: impressions `I(s)` of `sandbox.truth.impressions_for`, reach `daily_reach`, and
  actions = impressions x results per impression (link clicks x CVR for conversion goals,
  link clicks for click goals, impressions / reach / ad recallers for awareness goals). An
  ad set uses its own latent truth and its ads' CTRs; an account-level estimate uses the
  centre of the scenario's distributions; an ad set's cost cap, bid cap or minimum ROAS
  holds the points back as in delivery (`sandbox.bidding`). Spend points are minor units, from 0 up to the
  most the audience absorbs in a day (`sandbox.truth.max_spend`). An audience under
  `MIN_AUDIENCE` people gets Meta's low-confidence answer: one all-zero point.
- `GET /act_<id>/reachestimate` (`targeting_spec`) → `{"data": {"users_lower_bound",
  "users_upper_bound", "estimate_ready": true}}`, +-10% around the same audience.
- `GET /act_<id>/minimum_budgets` (optional `bid_amount`): the currency rows of
  `sandbox.enums.minimum_budgets`; with a bid the account currency's row is raised to the
  sandbox's rule (Meta's exact rule is unverified, docs/facts-bidding-placements-destinations.md
  §1.3): `min_daily_budget_imp >= bid_amount`, every other class `>= 5 x bid_amount`, the
  same floor the sandbox's bid-cap budget check applies.

`targeting_spec` arrives as the JSON text clients send (the SDK's compact JSON, a hand-written
multi-line object, or an already-decoded object inside a batch) and is checked by the ad-set
targeting rules (`sandbox.targeting.check_targeting`): a spec that is not a JSON object, has no
location, names a place the catalogue does not hold or breaks an age/radius rule is code 100; a
location Meta does not serve ads to is code 2641, as the reference lists for both edges. An
`optimization_goal` outside Meta's enum is code 100 naming the allowed values.

Counts are rounded to two significant digits, as Meta rounds audience sizes.
"""

from __future__ import annotations

import math
from typing import Any

from facebook_business.adobjects.adaccountdeliveryestimate import AdAccountDeliveryEstimate

from sandbox import audience_model
from sandbox.bidding import multipliers
from sandbox.context import RequestContext
from sandbox.enums import CURRENCIES, values
from sandbox.enums import minimum_budgets as min_budget_row
from sandbox.errors import invalid, required
from sandbox.paging import paginate
from sandbox.params import get_dict, get_int, get_str
from sandbox.scenario import Dist, Scenario, account_scenario
from sandbox.targeting import check_targeting
from sandbox.tree import load_tree
from sandbox.truth import (
    AdSetTruth,
    ad_truth,
    adset_truth,
    audience_and_cpm_factor,
    daily_reach,
    goal_kind,
    impressions_for,
    max_spend,
    result_rate,
)

MIN_AUDIENCE = 1000
GOALS = values(AdAccountDeliveryEstimate.OptimizationGoal)
CURVE_POINTS = (0.0, 0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0)


def center(d: Dist) -> float:
    """Return the typical value of a distribution (median, mean or midpoint)."""
    if d.kind == "lognormal":
        return float(d.median or 0)
    if d.kind == "beta":
        return float(d.mean or 0)
    if d.kind == "uniform":
        return (float(d.low or 0) + float(d.high or 0)) / 2
    return float(d.value or 0)


def sig2(x: float) -> int:
    """Round to two significant digits (Meta's audience-size rounding)."""
    if x <= 0:
        return 0
    digits = int(math.floor(math.log10(x))) - 1
    return int(round(x / 10**digits) * 10**digits) if digits > 0 else int(round(x))


def _typical_truth(sc: Scenario, targeting: dict[str, Any], goal: str | None) -> AdSetTruth:
    audience, factor = audience_and_cpm_factor(targeting, sc)
    p = sc.model
    capacity = p.capacity_at_1m * (audience / 1e6) ** p.capacity_exponent
    value = center(sc.truth.value_minor) * (1.3 if goal == "VALUE" else 1.0)
    return AdSetTruth(
        "", -1, audience, center(sc.truth.cpm_minor) * factor, capacity,
        min(float(audience), capacity * p.reach_pool_days),
        min(1.0, center(sc.truth.cvr) * result_rate({"optimization_goal": goal})), value,
    )


def _per_impression(goal: str | None, kind: str, st: AdSetTruth, ctr: float, cvr_mult: float,
                    recall: float, sc: Scenario) -> tuple[str, float]:
    """Return (what an action is, actions per impression) under the goal."""
    link = ctr * sc.model.link_click_share
    if kind == "conversion":
        return "conversions", link * st.cvr * cvr_mult
    if kind == "click":
        return "link_clicks", link
    if goal == "IMPRESSIONS":
        return "impressions", 1.0
    if goal == "REACH":
        return "reach", 0.0
    return "recallers", recall


def estimate(st: AdSetTruth, goal: str | None, ctr: float, cvr_mult: float, recall: float,
             sc: Scenario, bid: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the delivery_estimate row for an ad set truth (see the module docstring).

    `bid` (an ad set's `bid_strategy`, `bid_amount`, `bid_constraints`) holds each point back
    as delivery does (`sandbox.bidding`); the curve then plateaus where the cap binds.
    """
    kind = goal_kind(goal, sc)
    if st.audience < MIN_AUDIENCE or st.capacity <= 0:
        curve: list[dict[str, Any]] = [{"spend": 0, "reach": 0, "impressions": 0, "actions": 0}]
        return _row(curve, st.audience)
    what, rate = _per_impression(goal, kind, st, ctr, cvr_mult, recall, sc)
    top = max_spend(st.cpm, st.capacity, sc.model)
    curve = []
    for f in CURVE_POINTS:
        spend, cpm = top * f, st.cpm
        if bid:
            imps = impressions_for(spend, cpm, st.capacity)
            events = imps / 1000 if goal in ("IMPRESSIONS", "REACH") else imps * rate
            m_spend, m_cpm = multipliers(bid, {}, spend, events, imps * rate * st.value)
            spend, cpm = spend * m_spend, cpm * m_cpm
        imps = impressions_for(spend, cpm, st.capacity)
        reach = min(daily_reach(imps, st.capacity), float(st.audience))
        actions = reach if what == "reach" else imps * rate
        point = {"spend": int(round(spend)), "reach": int(reach),
                 "impressions": int(imps), "actions": round(actions, 2)}
        if curve:  # a binding cap: more budget buys nothing more
            point = {k: max(v, curve[-1][k]) for k, v in point.items()}
        curve.append(point)
    return _row(curve, st.audience)


def _row(curve: list[dict[str, Any]], audience: float) -> dict[str, Any]:
    small = audience < MIN_AUDIENCE
    return {
        "daily_outcomes_curve": curve,
        "estimate_dau": 0 if small else sig2(audience * 0.55),
        "estimate_mau_lower_bound": 0 if small else sig2(audience * 0.9),
        "estimate_mau_upper_bound": MIN_AUDIENCE if small else sig2(audience * 1.1),
        "estimate_ready": True,
        "targeting_optimization_types": [],
    }


def _targeting(params: dict[str, Any], default: dict[str, Any] | None = None) -> dict[str, Any]:
    t = get_dict(params, "targeting_spec")
    if t is None:
        if default is None:
            raise required("targeting_spec", "give targeting_spec, a targeting spec as JSON, "
                           'e.g. {"geo_locations":{"countries":["US"]}}.')
        return default
    check_targeting(t)
    return t


def _goal(params: dict[str, Any], default: str | None = None) -> str | None:
    """Return the `optimization_goal` asked for (Meta's enum), or `default` when none is given."""
    goal = get_str(params, "optimization_goal")
    if goal is None:
        return default
    if goal not in GOALS:
        allowed = ", ".join(sorted(GOALS))
        raise invalid(f"optimization_goal must be one of {{{allowed}}}, got {goal!r}.",
                      fields=["optimization_goal"],
                      message=f"(#100) Param optimization_goal must be one of {{{allowed}}}")
    return goal


def account_delivery_estimate(ctx: RequestContext, params: dict[str, Any],
                              files: Any = None) -> dict[str, Any]:
    """`GET /act_<id>/delivery_estimate`."""
    sc = account_scenario(ctx.store, ctx.account_id)[0]
    goal = _goal(params)
    if goal is None:
        raise required("optimization_goal", "give the goal to estimate for, e.g. "
                       "optimization_goal=OFFSITE_CONVERSIONS or REACH.")
    t = _targeting(params)
    get_dict(params, "promoted_object")  # read for its form: malformed JSON is code 100
    st = audience_model.apply(_typical_truth(sc, t, goal), t,
                              audience_model.store_lookup(ctx.store), sc)
    row = estimate(st, goal, center(sc.truth.ctr), center(sc.truth.ad_cvr_mult),
                   center(sc.truth.recall_rate), sc)
    return {"data": [row]}


def adset_delivery_estimate(ctx: RequestContext, adset_id: str, params: dict[str, Any],
                            files: Any = None) -> dict[str, Any]:
    """`GET /<adset_id>/delivery_estimate`: the ad set's own settings unless overridden."""
    store = ctx.store
    sc, seed = account_scenario(store, ctx.account_id)
    doc = dict(store.get_object(adset_id, "adset") or {})
    tree = load_tree(store, sc.account.id)
    doc["targeting"] = _targeting(params, doc.get("targeting") or {})
    goal = _goal(params, doc.get("optimization_goal"))
    doc["optimization_goal"] = goal
    idx = tree.adset_index.get(adset_id, len(tree.adset_index))
    st = audience_model.apply(adset_truth(sc, seed, doc, idx), doc["targeting"],
                              audience_model.store_lookup(store), sc)
    ads = [ad_truth(sc, seed, a, idx, tree.ad_index[str(a["id"])])
           for a in tree.ads_by_adset.get(adset_id, [])]
    if ads:
        ctr = sum(a.ctr for a in ads) / len(ads)
        mult = sum(a.cvr_mult for a in ads) / len(ads)
        recall = sum(a.recall_rate for a in ads) / len(ads)
    else:
        ctr, mult = center(sc.truth.ctr), center(sc.truth.ad_cvr_mult)
        recall = center(sc.truth.recall_rate)
    bid = {k: doc.get(k) for k in ("bid_strategy", "bid_amount", "bid_constraints")}
    camp = store.get_object(str(doc.get("campaign_id") or ""), "campaign") or {}
    bid["bid_strategy"] = bid["bid_strategy"] or camp.get("bid_strategy")
    return {"data": [estimate(st, goal, ctr, mult, recall, sc, bid)]}


def reach_estimate(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /act_<id>/reachestimate`."""
    sc = account_scenario(ctx.store, ctx.account_id)[0]
    t = _targeting(params)
    st = audience_model.apply(_typical_truth(sc, t, None), t,
                              audience_model.store_lookup(ctx.store), sc)
    small = st.audience < MIN_AUDIENCE
    return {
        "data": {
            "users_lower_bound": 0 if small else sig2(st.audience * 0.9),
            "users_upper_bound": MIN_AUDIENCE if small else sig2(st.audience * 1.1),
            "estimate_ready": True,
        }
    }


def bid_floor(row: dict[str, Any], bid: int) -> dict[str, Any]:
    """Return a minimum_budgets row raised for a bid (the sandbox's rule, module docstring)."""
    out = dict(row)
    for key, value in row.items():
        if key.startswith("min_daily_budget_"):
            need = bid if key == "min_daily_budget_imp" else 5 * bid
            out[key] = max(int(value), need)
    return out


def minimum_budgets(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /act_<id>/minimum_budgets`: rows per currency, the account's first."""
    own = str((ctx.account() or {}).get("currency", "USD"))
    rows = [min_budget_row(own)] + [min_budget_row(c) for c in sorted(CURRENCIES) if c != own]
    bid = get_int(params, "bid_amount")
    if bid is not None:
        if bid <= 0:
            raise invalid("bid_amount must be a positive amount in minor units.",
                          fields=["bid_amount"])
        rows[0] = bid_floor(rows[0], bid)
    return paginate(ctx, rows, params)
