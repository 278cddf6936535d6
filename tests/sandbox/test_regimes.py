"""The regime suite (sandbox/scenarios/regimes/, issue 16): every file loads, builds and has an
oracle, and each model knob the suite added changes what it says it changes."""

from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from sandbox import delivery
from sandbox.daymodel import AdInput, simulate_day
from sandbox.enums import minimum_budgets
from sandbox.fixtures import build_scenario_tree
from sandbox.oracle import oracle
from sandbox.scenario import SCENARIO_DIR, ModelParams, init_store, load_scenario
from sandbox.store import Store
from sandbox.tree import load_tree
from sandbox.truth import AdSetTruth, AdTruth, ad_truth, adset_truth, fatigue_mult

REGIMES = SCENARIO_DIR / "regimes"
TUNING = sorted(REGIMES.glob("*.json"))
HOLDOUT = sorted((REGIMES / "holdout").glob("*.json"))


def _store(path: Path, seed: int = 0) -> Store:
    store = Store(":memory:")
    init_store(store, str(path), seed)
    build_scenario_tree(store)
    return store


def test_the_suite_has_twelve_tuning_regimes_and_four_held_out():
    assert len(TUNING) >= 12 and len(HOLDOUT) >= 4
    names = [load_scenario(str(p)).name for p in TUNING + HOLDOUT]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("path", TUNING + HOLDOUT, ids=lambda p: p.stem)
def test_every_regime_loads_builds_and_has_an_oracle(path):
    sc = load_scenario(str(path))
    assert "regime" in sc.description.lower() and "hard" in sc.description.lower()
    store = _store(path)
    tree = load_tree(store, sc.account.id)
    assert len(tree.adsets) == sc.campaign.adsets
    assert all(len(tree.ads_by_adset[str(s["id"])]) == sc.campaign.ads for s in tree.adsets)
    camp = next(iter(tree.campaigns.values()))
    if sc.campaign.budget == "cbo":
        assert camp.get("daily_budget") and not any(s.get("daily_budget") for s in tree.adsets)
    elif sc.campaign.budget == "lifetime":
        assert all(s.get("lifetime_budget") and s.get("end_time") for s in tree.adsets)
    # The oracle on a 2-ad-set slice keeps the test fast; the full one is measured in the README.
    for s in tree.adsets[2:]:
        store.update_object(str(s["id"]), {"status": "DELETED"})
    o = oracle(store, sc.targets.daily_budget_minor)
    assert o["expected_horizon"]["kpi"] > 0
    assert o["expected_horizon"]["kpi"] >= o["even_split"]["expected_horizon"]["kpi"]


def test_a_campaign_shape_defaults_to_the_benchs_four_by_three_daily():
    shape = load_scenario("ecommerce_usd").campaign
    assert (shape.adsets, shape.ads, shape.budget) == (4, 3, "daily")


def test_the_all_equal_regime_has_identical_truths_across_ad_sets_and_ads():
    path = REGIMES / "all_equal_usd.json"
    sc = load_scenario(str(path))
    for seed in (0, 3):
        store = _store(path, seed)
        tree = load_tree(store, sc.account.id)
        sets = [adset_truth(sc, seed, s, tree.adset_index[str(s["id"])]) for s in tree.adsets]
        bare = [{k: v for k, v in asdict(t).items() if k not in ("adset_id", "index")} for t in sets]
        assert all(b == bare[0] for b in bare) and len(bare) == sc.campaign.adsets
        ads = [
            ad_truth(sc, seed, a, tree.adset_index[str(s["id"])], tree.ad_index[str(a["id"])])
            for s in tree.adsets
            for a in tree.ads_by_adset[str(s["id"])]
        ]
        keep = ("ctr", "cvr_mult", "recall_rate")
        assert len({tuple(getattr(a, k) for k in keep) for a in ads}) == 1


def test_restatement_share_and_days_hold_back_more_of_recent_conversions():
    light = load_scenario("ecommerce_usd")
    heavy = load_scenario(str(REGIMES / "heavy_restatement_mxn.json"))
    assert heavy.model.restatement_share > light.model.restatement_share
    for sc in (light, heavy):
        store = Store(":memory:")
        init_store(store, str(REGIMES / "heavy_restatement_mxn.json"), 0)
        today = delivery.now(store).astimezone(sc.tz).date()
        fr = [
            delivery.visible_fraction((today - timedelta(days=1 + age)).isoformat(), store, sc)
            for age in range(8)
        ]
        assert fr == sorted(fr) and fr[-1] == 1.0  # reported share grows to the full count
        if sc is light:
            assert fr[:3] == [pytest.approx(0.8), pytest.approx(0.9), 1.0]
            light_fr = fr
    assert fr[0] == pytest.approx(0.4)
    assert all(h <= lt for h, lt in zip(fr, light_fr, strict=True)) and fr[4] < 1.0


def _values(shape: float) -> list[float]:
    p = ModelParams(value_shape=shape)
    s = AdSetTruth("1", 0, 10**6, 1000.0, 8000.0, 80000.0, 0.5, 6500.0)
    ad = AdTruth("2", 0, 0, 0.5, 1.0, 0.03)
    rng = np.random.default_rng(1)
    out = []
    for _ in range(400):
        row = simulate_day("conversion", s, [AdInput(ad, 1.0, 0.0)], 2.0, 0.0, p, rng)[0]
        if row["conversions"] == 1:
            out.append(row["value"])
    return out


def test_a_smaller_value_shape_makes_baskets_more_uneven_with_the_same_mean():
    even, uneven = _values(4.0), _values(1.0)
    assert len(even) > 50 and len(uneven) > 50
    assert np.mean(even) == pytest.approx(6500, rel=0.15)
    assert np.mean(uneven) == pytest.approx(6500, rel=0.25)
    assert np.std(uneven) > 1.5 * np.std(even)


def test_the_fatigue_regime_tires_ads_faster_than_the_default_model():
    sc = load_scenario(str(REGIMES / "fatigue_small_pools_gbp.json"))
    default = ModelParams()
    store = _store(REGIMES / "fatigue_small_pools_gbp.json")
    tree = load_tree(store, sc.account.id)
    st = adset_truth(sc, 0, tree.adsets[0], 0)
    st_default_pool = min(float(st.audience), st.capacity * default.reach_pool_days)
    assert st.pool < st_default_pool
    daily = 6000.0  # the favoured ad's impressions a day at the regime's budget
    for day in (10, 20):
        seen = daily * day
        assert fatigue_mult(seen, st.pool, sc.model) < fatigue_mult(seen, st_default_pool, default)
    assert fatigue_mult(daily * 28, st.pool, sc.model) < 0.5


def test_the_heavy_learning_regime_makes_learning_dearer():
    sc = load_scenario(str(REGIMES / "heavy_learning_sek.json"))
    default = ModelParams()
    assert sc.model.learning_cost_penalty > default.learning_cost_penalty
    assert sc.model.learning_events > default.learning_events
    assert sc.model.sig_budget_change < default.sig_budget_change


@pytest.mark.parametrize("path", TUNING + HOLDOUT, ids=lambda p: p.stem)
def test_every_regimes_budget_per_ad_set_clears_metas_minimum(path):
    sc = load_scenario(str(path))
    floor = int(minimum_budgets(sc.currency)["min_daily_budget_imp"])
    per = (sc.targets.daily_budget_minor or 0) // sc.campaign.adsets
    assert per >= floor and sc.account.min_daily_budget == floor
