"""`GET /__sandbox__/truth`: the latent truth of every ad set and ad, for evaluation only.

It shows the scenario's main ad account (the other accounts' truth uses their own seeds).
"""

from __future__ import annotations

from typing import Any

from sandbox import audience_model
from sandbox.clock import now
from sandbox.daymodel import AdInput, simulate_day
from sandbox.delivery_tables import LEARN, ROWS, ensure_tables
from sandbox.learning import LEARNING_FACTOR
from sandbox.pacing import budget_of, daily_equivalent
from sandbox.scenario import get_scenario, get_seed
from sandbox.status import effective_status
from sandbox.store import Store
from sandbox.tree import load_tree
from sandbox.truth import ad_truth, adset_truth, fatigue_mult, goal_kind


def truth_view(store: Store) -> dict[str, Any]:
    """Truth per ad set and ad: audience, CPM, CTR, CVR, value, learning and fatigue state.

    `expected_cpa_minor` / `expected_daily_kpi` are steady-state expectations at the ad set's
    current budget with its currently delivering ads (no noise).
    """
    with store.lock:
        ensure_tables(store)
        sc, seed = get_scenario(store), get_seed(store)
        tree = load_tree(store, sc.account.id)  # the main ad account's
        clock = now(store)
        cum = {
            r["ad_id"]: r["n"]
            for r in store.db.query(f"select ad_id, sum(impressions) n from {ROWS} group by ad_id")
        }
        learn = {r["adset_id"]: r for r in store.db.query(f"select * from {LEARN}")}
        statuses = {
            str(d["id"]): effective_status(store, d, clock)
            for d in [*tree.adsets, *(a for ads in tree.ads_by_adset.values() for a in ads)]
        }
    p = sc.model
    out = []
    for s in tree.adsets:
        sid = str(s["id"])
        idx = tree.adset_index[sid]
        st = audience_model.apply(adset_truth(sc, seed, s, idx), s.get("targeting"),
                                  audience_model.store_lookup(store), sc)
        kind = goal_kind(s.get("optimization_goal"), sc)
        ads, inputs = [], []
        for a in tree.ads_by_adset.get(sid, []):
            t = ad_truth(sc, seed, a, idx, tree.ad_index[str(a["id"])])
            c = float(cum.get(str(a["id"]), 0))
            ads.append(
                {
                    **t.as_dict(),
                    "name": a.get("name"),
                    "effective_status": statuses[str(a["id"])],
                    "cum_impressions": int(c),
                    "cum_frequency": round(c / max(st.pool, 1.0), 4),
                    "fatigue_mult": round(fatigue_mult(c, st.pool, p), 4),
                }
            )
            if statuses[str(a["id"])] == "ACTIVE":
                inputs.append(AdInput(t, 1.0, c))
        kind_b, amount, owner = budget_of(tree, s)
        daily = daily_equivalent(tree, owner, kind_b, amount, sc.tz) if amount else 0.0
        ls = learn.get(sid)
        status = ls["status"] if ls else "LEARNING"
        rows = simulate_day(kind, st, inputs, daily, LEARNING_FACTOR[status], p)
        conv = sum(r["conversions"] for r in rows)
        kpi_field = {"conversion_value": "value", "estimated_ad_recallers": "recallers"}.get(
            sc.kpi, sc.kpi
        )
        out.append(
            {
                **st.as_dict(),
                "name": s.get("name"),
                "effective_status": statuses[sid],
                "goal_kind": kind,
                "daily_budget_equivalent_minor": int(daily),
                "learning_status": status,
                "learning_phase_start": ls["phase_start"] if ls else None,
                "expected_daily_kpi": round(sum(r[kpi_field] for r in rows), 4),
                "expected_cpa_minor": round(daily / conv, 2) if conv > 0 else None,
                "ads": ads,
            }
        )
    return {
        "scenario": sc.name,
        "seed": seed,
        "now": clock.isoformat(),
        "currency": sc.currency,
        "kpi": sc.kpi,
        "days": sc.days,
        "start": sc.start.isoformat(),
        "adsets": out,
    }
