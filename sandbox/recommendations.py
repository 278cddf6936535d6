"""`GET /act_<id>/recommendations` and the account's `opportunity_score`, from the account's state.

The shape is Meta's ("Opportunity Score and Recommendations" guide):
`{"data": [{"recommendations": [{"recommendation_signature", "type", "object_ids",
"recommendation_content": {"lift_estimate", "body", "opportunity_score_lift"}, "url"}]}]}`;
with nothing to recommend the list is empty (the guide's wording; whether Meta then sends
`data: []` instead is [U]). `recommendation_names` keeps those types (Meta's enum, from the
SDK); `recommendation_stages` without `MFR` (mid-flight) keeps none, as all are mid-flight.

Served types, each read off what the sandbox knows (delivering = effective status ACTIVE with
an active ad):

- `FRAGMENTATION_V3`: two or more delivering ad sets of one campaign optimising for the same
  result, at least one learning-limited (`learning_stage_info` FAIL): consolidate them.
- `LEARNING_LIMITED` (SDK enum): a learning-limited ad set with no such sibling.
- `BUDGET_LIMITED`: a daily budget (ad set, or campaign with Advantage campaign budget) that
  its ad sets spent at least 80% of over the last 3 delivering days while their audiences
  would absorb 25% more (the delivery model's `max_spend`, what Meta's auction knows).
- `ADVANTAGE_PLUS_AUDIENCE`: delivering ad sets with `advantage_audience` set to 0.

Meta gives each recommendation points but publishes no table; `POINTS` is the sandbox's, and
`opportunity_score` is 100 minus the points on offer (at least 0). Applying through
`POST /act_<id>/recommendations` is not served.
"""

from __future__ import annotations

import hashlib
from typing import Any

from facebook_business.adobjects.adaccountrecommendations import AdAccountRecommendations

from sandbox import audience_model
from sandbox.budgets import money_text
from sandbox.context import RequestContext
from sandbox.daymodel import effective_cpm
from sandbox.delivery import catch_up, learning_stage_info
from sandbox.delivery_tables import ROWS
from sandbox.enums import values
from sandbox.errors import invalid
from sandbox.learning import LEARNING_FACTOR
from sandbox.pacing import BUDGETS, budget_of
from sandbox.params import get_list
from sandbox.scenario import account_scenario
from sandbox.status import effective_status
from sandbox.tree import Tree, load_tree
from sandbox.truth import adset_truth, max_spend

NAMES = values(AdAccountRecommendations.RecommendationNames)
STAGES = values(AdAccountRecommendations.RecommendationStages)
POINTS = {"FRAGMENTATION_V3": 12, "LEARNING_LIMITED": 8, "BUDGET_LIMITED": 6,
          "ADVANTAGE_PLUS_AUDIENCE": 5}
ROOM = 1.25  # audience absorbs this × the budget: more budget would buy more results
SPENDS = 0.8  # share of the budget spent over the recent days
RECENT_DAYS = 3


def list_recommendations(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /act_<id>/recommendations`: the account's recommendations, most points first."""
    names = _enum(params, "recommendation_names", NAMES)
    stages = _enum(params, "recommendation_stages", STAGES)
    recs = collect(ctx) if stages is None or "MFR" in stages else []
    if names is not None:
        recs = [r for r in recs if r["type"] in names]
    return {"data": [{"recommendations": recs}]}


def opportunity_score(ctx: RequestContext) -> float:
    """Return the account's opportunity score: 100 minus the points its recommendations offer."""
    lift = sum(int(r["recommendation_content"]["opportunity_score_lift"]) for r in collect(ctx))
    return float(max(0, 100 - lift))


def collect(ctx: RequestContext) -> list[dict[str, Any]]:
    """Return every recommendation for `ctx.account_id`, most points first."""
    store = ctx.store
    catch_up(store)
    with store.lock:
        tree = load_tree(store, ctx.account_id)
        now = ctx.now()
        live = [s for s in tree.adsets if effective_status(store, s, now) == "ACTIVE" and any(
            effective_status(store, a, now) == "ACTIVE" for a in tree.ads_by_adset[str(s["id"])])]
        learning = {str(s["id"]): learning_stage_info(store, s) for s in live}
        recs = [*_learning(ctx, tree, live, learning), *_budgets(ctx, tree, live, learning),
                *_advantage(ctx, live)]
    return sorted(recs, key=lambda r: -int(r["recommendation_content"]["opportunity_score_lift"]))


def _learning(ctx: RequestContext, tree: Tree, live: list[dict[str, Any]],
              learning: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for s in live:
        event = (s.get("promoted_object") or {}).get("custom_event_type") or ""
        key = (str(s.get("campaign_id")), str(s.get("optimization_goal")), str(event))
        groups.setdefault(key, []).append(s)
    out = []
    for members in groups.values():
        limited = [s for s in members if learning[str(s["id"])]["status"] == "FAIL"]
        if not limited:
            continue
        camp = tree.campaign_of(members[0]).get("name") or members[0].get("campaign_id")
        if len(members) > 1:
            out.append(_rec(ctx, "FRAGMENTATION_V3", members, "Lower cost per result once the "
                            "combined ad set exits learning",
                            f"{len(members)} ad sets in campaign {camp} optimise for the same "
                            f"result and {_names(limited)} {_is(limited)} learning limited. "
                            "Combining them pools their optimisation events so delivery can "
                            "exit the learning phase."))
            continue
        (s,) = limited
        events = learning[str(s["id"])]["conversions"]
        out.append(_rec(ctx, "LEARNING_LIMITED", [s], "More stable delivery after learning",
                        f"Ad set {s.get('name')} is learning limited: {events} optimisation "
                        "events since its last significant edit, short of the about 50 a week "
                        "it needs. Broaden its audience, raise its budget or optimise for a "
                        "more frequent event."))
    return out


def _budgets(ctx: RequestContext, tree: Tree, live: list[dict[str, Any]],
             learning: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    sc, seed = account_scenario(ctx.store, ctx.account_id)
    lookup = audience_model.store_lookup(ctx.store)
    owners: dict[str, tuple[dict[str, Any], int, float]] = {}
    for s in live:
        kind, amount, owner = budget_of(tree, s)
        if kind != "daily":
            continue
        st = audience_model.apply(adset_truth(sc, seed, s, tree.adset_index[str(s["id"])]),
                                  s.get("targeting"), lookup, sc)
        factor = LEARNING_FACTOR[learning[str(s["id"])]["status"]]
        room = max_spend(effective_cpm(st, factor, sc.model), st.capacity, sc.model)
        _, _, before = owners.get(str(owner["id"]), (owner, amount, 0.0))
        owners[str(owner["id"])] = (owner, amount, before + room)
    out = []
    for oid, (owner, amount, room) in owners.items():
        is_campaign = owner.get("_type") == "campaign"
        spent, budget = _recent(ctx, oid, "campaign_id" if is_campaign else "adset_id")
        if budget <= 0 or spent < SPENDS * budget or room < ROOM * amount:
            continue
        what = "Campaign" if is_campaign else "Ad set"
        out.append(_rec(ctx, "BUDGET_LIMITED", [owner], "More results from a higher budget",
                        f"{what} {owner.get('name')} spent {spent / budget:.0%} of its budget "
                        f"over its last {RECENT_DAYS} days ({money_text(ctx, int(spent))} of "
                        f"{money_text(ctx, int(budget))}), and its audience could absorb more. "
                        "Raising the budget could get more results at a similar cost."))
    return out


def _recent(ctx: RequestContext, owner_id: str, column: str) -> tuple[float, float]:
    """(spend, budgets in force) of a budget owner over its last delivering days."""
    db = ctx.store.db
    if BUDGETS not in db.table_names() or ROWS not in db.table_names():
        return 0.0, 0.0
    days = [r["date"] for r in db.query(
        f"select date from {BUDGETS} where owner_id = ? order by date desc limit ?",
        [owner_id, RECENT_DAYS])]
    if len(days) < RECENT_DAYS:
        return 0.0, 0.0
    marks = ",".join("?" * len(days))
    budget = next(iter(db.query(f"select sum(budget) b from {BUDGETS} where owner_id = ? and "
                                f"date in ({marks})", [owner_id, *days])))["b"]
    spent = next(iter(db.query(f"select sum(spend) s from {ROWS} where {column} = ? and "
                               f"date in ({marks})", [owner_id, *days])))["s"]
    return float(spent or 0), float(budget or 0)


def _advantage(ctx: RequestContext, live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    narrow = [s for s in live if ((s.get("targeting") or {}).get("targeting_automation") or {})
              .get("advantage_audience") == 0]
    if not narrow:
        return []
    return [_rec(ctx, "ADVANTAGE_PLUS_AUDIENCE", narrow, "Lower cost per result",
                 f"{_names(narrow)} {_is(narrow, 'use', 'uses')} only the audience you set. "
                 "Advantage+ audience lets Meta reach people beyond it when that is likely to "
                 "improve performance.")]


def _rec(ctx: RequestContext, type_: str, objects: list[dict[str, Any]], lift: str,
         body: str) -> dict[str, Any]:
    ids = [str(o["id"]) for o in objects]
    digest = hashlib.blake2b(f"{ctx.account_id}|{type_}|{','.join(ids)}".encode(),
                             digest_size=7).digest()
    level = "campaign" if objects[0].get("_type") == "campaign" else "adset"
    return {
        "recommendation_signature": str(10**15 + int.from_bytes(digest, "little") % 10**15),
        "type": type_,
        "object_ids": ids,
        "recommendation_content": {"lift_estimate": lift, "body": body,
                                   "opportunity_score_lift": str(POINTS[type_])},
        "url": f"https://adsmanager.facebook.com/adsmanager/manage/{level}s?act="
               f"{ctx.account_id}&selected_{level}_ids={','.join(ids)}",
    }


def _names(docs: list[dict[str, Any]]) -> str:
    return ", ".join(str(d.get("name") or d["id"]) for d in docs)


def _is(docs: list[dict[str, Any]], many: str = "are", one: str = "is") -> str:
    return many if len(docs) > 1 else one


def _enum(params: dict[str, Any], name: str, allowed: frozenset[str]) -> set[str] | None:
    got = get_list(params, name)
    if got is None:
        return None
    bad = [v for v in got if not isinstance(v, str) or v not in allowed]
    if bad:
        raise invalid(f"{name} takes values of Meta's enum; {bad[0]!r} is not one.",
                      fields=[name])
    return {str(v) for v in got}
