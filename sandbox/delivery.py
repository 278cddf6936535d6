"""Advancing the simulated clock, and day-by-day delivery of every ad from seeded latent truth.

Clock (`sandbox.clock`): `now = wall_now + offset`; the offset lives in the store
(`clock_offset_s`) and starts so the clock reads local midnight of the scenario's start date.
`advance` adds to it.

Delivery is generated for each *completed* account-local day when the clock passes it (on
`advance`, and lazily by `catch_up` before insights reads), from the objects' state at
generation time, in every ad account of the scenario (`Scenario.accounts()`), each on its own
time zone, currency, tree and truth seed (`Scenario.for_account`, `Scenario.seed_for`); the
last day generated is kept per account (`delivery_generated_through`, and
`delivery_generated_through:act_<id>` for the accounts after the main one). For each ad set
and day:

1. **Eligibility**: the ad set and each ad must have effective status ACTIVE at the end of the
   day; the schedule (ad set `start_time`/`end_time`, campaign `start_time`/`stop_time`, ad
   `created_time` and end of review) is intersected with the day in whole hours (an object created at 09:20
   runs from 10:00), so the delivered share of the day is deterministic.
2. **Budget**: daily budgets may overspend by up to 75% on a day while a calendar week
   (Sunday-Saturday, account time) stays within the daily budgets in force that week (Meta's
   rule; a cut lowers the week's remaining allowance, see `sandbox.pacing`); lifetime
   budgets spread what is left evenly over the days left in the schedule; CBO campaigns pace
   the campaign budget and split it over their ad sets in proportion to each ad set's
   expected results per unit of spend (with seeded noise: roughly by efficiency, not
   perfectly). A campaign's `spend_cap` (on its lifetime spend) and the account's `spend_cap`
   scale the day down. No ad set spends more than its audience can absorb
   (`sandbox.truth.max_spend`). Cost caps, bid caps and minimum ROAS then hold spend back
   (`sandbox.bidding`); custom audiences and exclusions reshape the audience (`sandbox.audience_model`).
3. **Response**: `sandbox.daymodel.simulate_day` turns the spend into impressions with
   diminishing returns, splits them over the ads (better ads get more, `shares`), and draws
   clicks, link clicks, conversions, value and ad recallers.
4. **Learning**: an ad set is LEARNING from its first delivery and again after each
   significant edit, judged per edit (targeting, optimisation goal, billing event, bid
   strategy or amount, promoted object, a creative change or new ad, one budget edit of more
   than `sig_budget_change` (50%), re-enabling after 7+ idle days; see `sandbox.learning`);
   it exits (SUCCESS) once it has `learning_events` (50) optimisation events since then, and
   becomes learning-limited (FAIL) after `learning_days` (7) without them. Learning costs 25%
   more per impression and is noisier; limited costs half that.
5. **Fatigue**: an ad's CTR decays once its cumulative frequency over the ad set's reachable
   pool passes `fatigue_start`.
6. **Incidents** a scenario injects (`sandbox.incidents`, main account only): a disabled
   account delivers nothing; CPM and CTR shocks change the day's truth; underdelivery scales
   the day's spend; a pixel outage drops reported conversions after the draw.

Budgets and pacing live in `sandbox.pacing`, the learning phase in `sandbox.learning`, the
response curve in `sandbox.daymodel`/`sandbox.truth`. Every draw uses a generator seeded by
(scenario seed, ad set index, date), so the same seed + the same actions give identical
numbers. Rows are per ad per day in the `delivery_rows` table (columns `ad_id`, `date`,
`adset_id`, `campaign_id`, `impressions`, `reach`, `clicks`, `unique_clicks`, `link_clicks`,
`landing_page_views`, `spend` and `value` in minor units, `conversions`, `recallers`, `pool`,
`capacity`, `learning`); benches may read it directly. Today's partial day is not reported
until the day completes. **Restatement**: the insights layer shows conversions of the
last `restatement_days` (2) completed days only partly (80%, then 90%: `restatement_share`
0.2 missing on the newest), growing to the full
count, so clients must re-pull that window (`visible_fraction`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sandbox import audience_model, budget_schedules, dynamic_creative
from sandbox.bidding import apply_bids
from sandbox.clock import now
from sandbox.daymodel import METRICS, AdInput, simulate_day
from sandbox.delivery_tables import LEARN, ROWS, ensure_tables
from sandbox.incidents import DayEffects, day_effects, lose_conversions, stamp
from sandbox.learning import LEARNING_FACTOR, events_since, update_learning
from sandbox.pacing import (
    budget_of,
    cap_account,
    daily_equivalent,
    hours_share,
    record_budgets,
    set_spends,
    spend_history,
)
from sandbox.scenario import Scenario, account_scenario, get_scenario, get_seed
from sandbox.status import effective_status
from sandbox.store import Store
from sandbox.tree import Tree, load_tree, money, window
from sandbox.truth import AdSetTruth, ad_truth, adset_truth, goal_kind, rng_for

__all__ = ["LEARN", "ROWS", "LEARNING_FACTOR", "budget_of", "daily_equivalent", "ensure_tables"]


def advance(store: Store, days: float = 0, hours: float = 0) -> dict[str, Any]:
    """Move the clock forward and generate every day it completes."""
    if days < 0 or hours < 0:
        raise ValueError("days and hours must be >= 0: the clock only moves forward")
    with store.lock:
        offset = float(store.get_setting("clock_offset_s", 0) or 0)
        store.set_setting("clock_offset_s", offset + days * 86400 + hours * 3600)
        generated = catch_up(store)
    return {"now": now(store).isoformat(), "generated_days": generated}


def generated_key(sc: Scenario, act: str) -> str:
    """Return the setting holding the last day generated for ad account `act`."""
    main = "delivery_generated_through"
    return main if act == sc.account.id else f"{main}:{act}"


def catch_up(store: Store) -> list[str]:
    """Generate every completed local day not generated yet; returns the main account's dates."""
    with store.lock:
        if store.get_setting("scenario") is None:
            return []
        ensure_tables(store)
        sc, seed = get_scenario(store), get_seed(store)
        done: list[str] = []
        for i, acct in enumerate(sc.accounts()):
            days = _catch_up_account(store, sc.for_account(acct.id), sc.seed_for(seed, acct.id),
                                     generated_key(sc, acct.id))
            if i == 0:
                done = days
    return done


def _catch_up_account(store: Store, sc: Scenario, seed: int, key: str) -> list[str]:
    if sc.incidents:  # status faults the scenario injects, stamped on the objects they hit
        stamp(store, sc, load_tree(store, sc.account.id))
    today = now(store).astimezone(sc.tz).date()
    last = store.get_setting(key)
    day = date.fromisoformat(last) + timedelta(days=1) if last else sc.start
    done = []
    while day < today:
        _generate(store, sc, seed, day)
        store.set_setting(key, day.isoformat())
        done.append(day.isoformat())
        day += timedelta(days=1)
    return done


def visible_fraction(row_date: str, store: Store, sc: Scenario) -> float:
    """Share of a day's conversions reported so far (restatement of the last days)."""
    r = sc.model.restatement_days
    age = (now(store).astimezone(sc.tz).date() - date.fromisoformat(row_date)).days - 1
    return 1.0 if r == 0 or age >= r else 1.0 - sc.model.restatement_share * (r - age) / r


# -- one day ------------------------------------------------------------------------------


def _generate(store: Store, sc: Scenario, seed: int, day: date) -> None:
    """Generate one day of ad account `sc.account` (`sc` is `Scenario.for_account`'s view)."""
    tree = load_tree(store, sc.account.id)
    if not tree.campaigns and not tree.adsets:
        return
    p = sc.model
    day_start = datetime(day.year, day.month, day.day, tzinfo=sc.tz)
    day_end = day_start + timedelta(days=1)
    fx = day_effects(sc, tree, day) if sc.incidents else DayEffects()
    if fx.disabled:  # a disabled ad account delivers nothing
        return
    cum = {
        r["ad_id"]: r["n"]
        for r in store.db.query(
            f"select ad_id, sum(impressions) n from {ROWS} where date < ? group by ad_id",
            [day.isoformat()],
        )
    }
    by_set, by_camp = (
        spend_history(store, "adset_id", day),
        spend_history(store, "campaign_id", day),
    )
    plans: list[dict[str, Any]] = []
    lookup = audience_model.store_lookup(store)
    for doc in tree.adsets:
        if effective_status(store, doc, day_end) != "ACTIVE":
            continue
        camp = tree.campaign_of(doc)
        s_start, s_end = window(doc, "start_time", "end_time")
        c_start, c_end = window(camp, "start_time", "stop_time")
        created = window(doc, "created_time", "created_time")[0]
        frac = hours_share(day_start, [s_start, c_start, created], [s_end, c_end])
        idx = tree.adset_index[str(doc["id"])]
        st = audience_model.apply(adset_truth(sc, seed, doc, idx), doc.get("targeting"), lookup, sc)
        if st.capacity <= 0:  # everyone it targets is excluded: nothing to deliver to
            continue
        if str(doc["id"]) in fx.cpm:  # a CPM shock: the same spend buys fewer impressions
            st = replace(st, cpm=st.cpm * fx.cpm[str(doc["id"])])
        ads = []
        for ad in tree.ads_by_adset.get(str(doc["id"]), []):
            if effective_status(store, ad, day_end) != "ACTIVE":
                continue
            ad_frac = hours_share(
                day_start,
                [s_start, c_start, created, *window(ad, "created_time", "_review_until")],
                [s_end, c_end],
            )
            if ad_frac > 0:
                t = ad_truth(sc, seed, ad, idx, tree.ad_index[str(ad["id"])])
                t = dynamic_creative.apply(store, ad, t, seed, float(cum.get(str(ad["id"]), 0)),
                                           goal_kind(doc.get("optimization_goal"), sc))
                if str(doc["id"]) in fx.ctr:
                    t = replace(t, ctr=min(1.0, t.ctr * fx.ctr[str(doc["id"])]))
                ads.append(AdInput(t, ad_frac / max(frac, 1e-9), float(cum.get(str(ad["id"]), 0))))
        if frac <= 0 or not ads:
            continue
        kind_b, amount, owner = budget_of(tree, doc)
        if not amount:
            continue
        kind = goal_kind(doc.get("optimization_goal"), sc)
        status = update_learning(
            store,
            tree,
            doc,
            [a.truth.ad_id for a in ads],
            daily_equivalent(tree, owner, kind_b, amount, sc.tz),
            kind,
            day,
            day_start,
            sc,
        )
        plans.append(
            {
                "doc": doc,
                "truth": st,
                "ads": ads,
                "kind": kind,
                "status": status,
                "budget": (kind_b, amount, owner),
                "boost": budget_schedules.extra_for_day(store, owner, amount, day_start)
                if kind_b == "daily" else 0.0,
                "frac": frac,
                "camp": camp,
            }
        )
    set_spends(plans, by_set, by_camp, seed, day, sc)
    apply_bids(plans, p)  # cost cap, bid cap, minimum ROAS hold spend back
    for plan in plans:  # underdelivery: Meta finds only part of the inventory it would
        plan["spend"] *= fx.spend.get(plan["truth"].adset_id, 1.0)
    record_budgets(store, day, plans)
    cap_account(store, sc, plans, by_camp)
    out, total = [], 0
    for plan in plans:
        truth_: AdSetTruth = plan["truth"]
        rng = rng_for(seed, "day", truth_.index, day.isoformat())
        lf = LEARNING_FACTOR[plan["status"]]
        rows = simulate_day(plan["kind"], truth_, plan["ads"], plan["spend"], lf, p, rng)
        for a, r in zip(plan["ads"], rows, strict=True):
            if r["impressions"] <= 0 and r["spend"] <= 0:
                continue
            if fx.pixel_loss:  # the pixel stops reporting conversions; clicks go on
                lose_conversions(r, fx.pixel_loss, seed, (a.truth.ad_id, day.isoformat()))
            total += int(r["spend"])
            out.append(
                {
                    "ad_id": a.truth.ad_id,
                    "date": day.isoformat(),
                    "adset_id": truth_.adset_id,
                    "campaign_id": str(plan["doc"].get("campaign_id") or ""),
                    **{k: int(r[k]) for k in METRICS},
                    "pool": truth_.pool,
                    "capacity": truth_.capacity,
                    "learning": plan["status"],
                }
            )
    if out:
        store.db.table(ROWS).insert_all(out, pk=("ad_id", "date"), replace=True)
    _book_spend(store, sc, tree, total, day)


def _book_spend(store: Store, sc: Scenario, tree: Tree, total: int, day: date) -> None:
    """Update the account's amount_spent and objects' budget_remaining."""
    acct = store.get_object(sc.account.id)
    if acct is not None and total:
        store.update_object(
            sc.account.id, {"amount_spent": str(money(acct.get("amount_spent")) + total)}
        )
    spent = {
        r["k"]: r["s"]
        for r in store.db.query(f"select adset_id k, sum(spend) s from {ROWS} group by adset_id")
    }
    spent.update(
        {
            r["k"]: r["s"]
            for r in store.db.query(
                f"select campaign_id k, sum(spend) s from {ROWS} group by campaign_id"
            )
        }
    )
    for doc in [*tree.adsets, *tree.campaigns.values()]:
        if money(doc.get("lifetime_budget")):
            left = max(0, money(doc["lifetime_budget"]) - int(spent.get(str(doc["id"]), 0)))
            store.update_object(str(doc["id"]), {"budget_remaining": str(left)})
        elif money(doc.get("daily_budget")):
            store.update_object(
                str(doc["id"]), {"budget_remaining": str(money(doc["daily_budget"]))}
            )


# -- read-outs ----------------------------------------------------------------------------


def learning_stage_info(store: Store, adset_doc: dict[str, Any]) -> dict[str, Any]:
    """Meta's `learning_stage_info` of an ad set: status, events since last edit, edit time."""
    with store.lock:
        ensure_tables(store)
        rows = list(
            store.db.query(f"select * from {LEARN} where adset_id = ?", [str(adset_doc["id"])])
        )
        created = window(adset_doc, "created_time", "created_time")[0] or now(store)
        if not rows:
            return {
                "status": "LEARNING",
                "conversions": 0,
                "last_sig_edit_ts": int(created.timestamp()),
                "attribution_windows": ["7d_click", "1d_view"],
            }
        st = rows[0]
        sc = account_scenario(store, adset_doc.get("_account_id") or adset_doc.get("account_id"))[0]
        kind = goal_kind(adset_doc.get("optimization_goal"), sc)
        today = now(store).astimezone(sc.tz).date() + timedelta(days=1)
        events = events_since(store, st["adset_id"], kind, st["phase_start"], today)
    return {
        "status": st["status"],
        "conversions": int(events),
        "last_sig_edit_ts": int(st["last_sig_edit_ts"]),
        "attribution_windows": ["7d_click", "1d_view"],
    }
