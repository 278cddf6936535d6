"""Delivery and reach estimates and bid-dependent minimum budgets, over HTTP with the real SDK."""

from __future__ import annotations

from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.exceptions import FacebookRequestError

from tests.sandbox.conftest import Tree

US = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 54}


def audience(sandbox: Any, **data: Any) -> str:
    """Store a custom audience the way h2a's endpoint stores it (type `customaudience`)."""
    store = sandbox.store
    doc = store.insert_object("customaudience", data, account_id=sandbox.account_id[4:])
    return str(doc["id"])


def estimate(acct: AdAccount, targeting: dict[str, Any], goal: str = "OFFSITE_CONVERSIONS") -> Any:
    rows = list(acct.get_delivery_estimate(params={
        "targeting_spec": targeting, "optimization_goal": goal,
    }))
    assert len(rows) == 1 and rows[0]["estimate_ready"] is True
    return rows[0]


def users(acct: AdAccount, targeting: dict[str, Any]) -> tuple[int, int]:
    row = list(acct.get_reach_estimate(params={"targeting_spec": targeting}))[0]
    assert row["estimate_ready"] is True
    return int(row["users_lower_bound"]), int(row["users_upper_bound"])


def test_delivery_estimate_curve_rises_with_spend_and_audience(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    broad = estimate(acct, US)
    narrow = estimate(acct, {**US, "geo_locations": {"countries": ["IE"]}})
    assert broad["estimate_mau_lower_bound"] > 10 * narrow["estimate_mau_upper_bound"]
    assert broad["estimate_mau_lower_bound"] <= broad["estimate_mau_upper_bound"]
    assert 0 < broad["estimate_dau"] < broad["estimate_mau_upper_bound"]
    curve = broad["daily_outcomes_curve"]
    assert len(curve) > 5 and curve[0]["spend"] == 0 and curve[0]["actions"] == 0
    for a, b in zip(curve, curve[1:], strict=False):
        assert b["spend"] > a["spend"]
        assert b["impressions"] > a["impressions"] and b["actions"] > a["actions"]
        assert b["reach"] >= a["reach"]
    # Diminishing returns: the last 1,000 impressions cost more than the first.
    first, last = curve[1], curve[-1]
    assert last["spend"] / last["impressions"] > first["spend"] / first["impressions"]
    # A click goal gets more actions per point than a purchase goal.
    clicks = estimate(acct, US, "LINK_CLICKS")["daily_outcomes_curve"]
    assert clicks[-1]["actions"] > 10 * curve[-1]["actions"]
    reach = users(acct, US)
    assert reach[0] < reach[1] and users(acct, {**US, "geo_locations": {"countries": ["IE"]}})[1] < reach[0]


def test_lookalike_size_follows_its_ratio(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    seed = audience(sandbox, name="Buyers", subtype="CUSTOM", approximate_count_lower_bound=9000,
                    approximate_count_upper_bound=11000)
    sizes = {}
    for pct in (1, 10):
        lal = audience(sandbox, name=f"LAL {pct}%", subtype="LOOKALIKE", origin_audience_id=seed,
                       lookalike_spec={"ratio": pct / 100, "country": "US", "origin": [{"id": seed}]})
        sizes[pct] = users(acct, {**US, "custom_audiences": [{"id": lal}]})[1]
    assert 8 < sizes[10] / sizes[1] < 12  # ratio x the country's people, to two digits


def test_audience_too_small_or_excluded_gets_no_estimate(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    tiny = audience(sandbox, name="VIPs", subtype="CUSTOM", approximate_count_lower_bound=300,
                    approximate_count_upper_bound=400)
    site = audience(sandbox, name="Visitors", subtype="WEBSITE",
                    approximate_count_lower_bound=200000, approximate_count_upper_bound=260000)
    for spec in ({**US, "custom_audiences": [{"id": tiny}]},
                 {**US, "custom_audiences": [{"id": site}], "excluded_custom_audiences": [{"id": site}]}):
        row = estimate(acct, spec)
        assert row["daily_outcomes_curve"] == [{"spend": 0, "reach": 0, "impressions": 0, "actions": 0}]
        assert row["estimate_mau_lower_bound"] == 0
        assert users(acct, spec)[0] == 0
    warm = estimate(acct, {**US, "custom_audiences": [{"id": site}]})
    assert 0 < warm["estimate_mau_upper_bound"] < 300000
    assert warm["daily_outcomes_curve"][-1]["actions"] > 0


def test_adset_delivery_estimate_uses_the_ad_set_and_accepts_overrides(tree: Tree) -> None:
    adset = AdSet(tree.adset_id, api=tree.api)
    own = list(adset.get_delivery_estimate())[0]
    assert own["estimate_mau_upper_bound"] > 1_000_000
    assert own["daily_outcomes_curve"][-1]["actions"] > 0
    narrower = list(adset.get_delivery_estimate(params={
        "targeting_spec": {**US, "geo_locations": {"countries": ["NZ"]}},
    }))[0]
    assert narrower["estimate_mau_upper_bound"] < own["estimate_mau_lower_bound"]


def test_minimum_budgets_follow_the_bid(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    plain = list(acct.get_minimum_budgets())[0]
    low = list(acct.get_minimum_budgets(params={"bid_amount": 1}))[0]
    high = list(acct.get_minimum_budgets(params={"bid_amount": 2000}))[0]
    assert low["min_daily_budget_imp"] == plain["min_daily_budget_imp"]
    assert high["min_daily_budget_imp"] == 2000
    assert high["min_daily_budget_high_freq"] == 10000
    with pytest.raises(FacebookRequestError) as err:
        acct.get_minimum_budgets(params={"bid_amount": -5})
    assert err.value.api_error_code() == 100


def test_account_estimate_needs_a_targeting_spec(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    with pytest.raises(FacebookRequestError) as err:
        list(acct.get_delivery_estimate(params={"optimization_goal": "REACH"}))
    assert err.value.api_error_code() == 100


def test_detailed_targeting_and_exclusions_narrow_the_audience(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    both = {**US, "geo_locations": {"countries": ["US", "CA"]}}
    base = users(acct, both)[1]
    no_ca = users(acct, {**both, "excluded_geo_locations": {"countries": ["CA"]}})[1]
    assert no_ca == users(acct, US)[1] and no_ca < base  # CA's people removed
    nurse = {"id": "6866726377400", "name": "Nurse"}
    travellers = {"id": "6810275454778", "name": "Frequent Travelers"}
    nurses = users(acct, {**US, "flexible_spec": [{"work_positions": [nurse]}]})[1]
    assert nurses < users(acct, {**US, "flexible_spec": [{"behaviors": [travellers]}]})[1] < base
    minus = users(acct, {**US, "exclusions": {"behaviors": [travellers]}})[1]
    assert users(acct, US)[1] * 0.8 < minus < users(acct, US)[1]


def test_a_cost_cap_flattens_the_ad_set_estimate_where_it_binds(tree: Tree) -> None:
    adset = AdSet(tree.adset_id, api=tree.api)
    free = list(adset.get_delivery_estimate())[0]["daily_outcomes_curve"]
    cheapest = free[1]["spend"] / free[1]["actions"]  # the average CPA at the lowest spend
    adset.api_update(params={"bid_strategy": "COST_CAP", "bid_amount": int(cheapest * 1.3)})
    capped = list(adset.get_delivery_estimate())[0]["daily_outcomes_curve"]
    assert capped[1] == free[1]  # a small budget keeps its CPA under the cap
    assert capped[-1]["spend"] < 0.7 * free[-1]["spend"]
    assert capped[-1]["actions"] < free[-1]["actions"]
    cpa = capped[-1]["spend"] / capped[-1]["actions"]
    assert cpa <= cheapest * 1.3 * 1.01 < free[-1]["spend"] / free[-1]["actions"]
    assert all(b["spend"] >= a["spend"] for a, b in zip(capped, capped[1:], strict=False))
