"""Ad set spend limits under a campaign budget (CBO), through the real SDK over HTTP.

Validation (docs/meta-api-facts.md §3 "less common" fields): only on ad sets of a campaign with a budget of the
same kind, non-negative, minimum ≤ cap, minimums ≤ the campaign budget. Delivery: a cap is a
hard daily maximum whose money goes to the siblings; a minimum is met when the audience can
absorb it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.exceptions import FacebookRequestError

from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api
from tests.sandbox.conftest import Tree, adset_params, campaign_params, link_creative_params

CAMPAIGN_BUDGET = 30000


def cbo_campaign(t: Tree, budget: int = CAMPAIGN_BUDGET, **over: Any) -> str:
    params = campaign_params(daily_budget=budget, bid_strategy="LOWEST_COST_WITHOUT_CAP", **over)
    return str(t.account.create_campaign(params=params)["id"])


def cbo_adset(t: Tree, campaign_id: str, **over: Any) -> AdSet:
    params = adset_params(campaign_id, t.pixel_id, **over)
    params.pop("daily_budget")
    return t.account.create_ad_set(params=params)


def refused(call: Any) -> FacebookRequestError:
    with pytest.raises(FacebookRequestError) as info:
        call()
    return info.value


def blamed(err: FacebookRequestError) -> list[str]:
    return [f for spec in err.api_blame_field_specs() or [] for f in spec]


# -- validation ----------------------------------------------------------------------------------
def test_spend_limit_needs_a_campaign_budget(tree: Tree) -> None:
    # `tree` is an ad-set-budget campaign: spend limits do not apply to its ad sets.
    err = refused(
        lambda: AdSet(tree.adset_id, api=tree.api).api_update(params={"daily_spend_cap": 1500})
    )
    assert err.api_error_code() == 100
    assert blamed(err) == ["daily_spend_cap"]
    assert "daily_budget on the campaign" in str(err.body()["error"]["error_user_msg"])


def test_lifetime_limits_need_a_lifetime_campaign_budget(tree: Tree) -> None:
    cid = cbo_campaign(tree)
    err = refused(lambda: cbo_adset(tree, cid, lifetime_spend_cap=5000))
    assert err.api_error_code() == 100
    assert blamed(err) == ["lifetime_spend_cap"]


def test_minimum_above_cap_and_negative_values_are_refused(tree: Tree) -> None:
    cid = cbo_campaign(tree)
    err = refused(lambda: cbo_adset(tree, cid, daily_min_spend_target=5000, daily_spend_cap=4000))
    assert err.api_error_code() == 100
    assert set(blamed(err)) == {"daily_min_spend_target", "daily_spend_cap"}
    err = refused(lambda: cbo_adset(tree, cid, daily_spend_cap=-1))
    assert blamed(err) == ["daily_spend_cap"]


def test_minimums_may_not_add_up_to_more_than_the_campaign_budget(tree: Tree) -> None:
    cid = cbo_campaign(tree, budget=10000)
    first = AdSet(cbo_adset(tree, cid, name="a", daily_min_spend_target=6000)["id"], api=tree.api)
    err = refused(lambda: cbo_adset(tree, cid, name="b", daily_min_spend_target=5000))
    assert err.api_error_code() == 100
    assert blamed(err) == ["daily_min_spend_target"]
    cbo_adset(tree, cid, name="c", daily_min_spend_target=4000)
    # An ad set's own old minimum does not count against its new one (4000 + 5500 ≤ 10000).
    first.api_update(params={"daily_min_spend_target": 5500})
    err = refused(lambda: first.api_update(params={"daily_min_spend_target": 6500}))
    assert blamed(err) == ["daily_min_spend_target"]


def test_limits_are_stored_and_read_back_as_strings_of_minor_units(tree: Tree) -> None:
    cid = cbo_campaign(tree)
    aid = cbo_adset(tree, cid, daily_spend_cap=9000)["id"]
    AdSet(aid, api=tree.api).api_update(params={"daily_min_spend_target": 2500})
    got = AdSet(aid, api=tree.api).api_get(fields=["daily_spend_cap", "daily_min_spend_target"])
    assert got["daily_spend_cap"] == "9000"
    assert got["daily_min_spend_target"] == "2500"
    AdSet(aid, api=tree.api).api_update(params={"daily_spend_cap": 0})  # 0 removes the limit
    assert AdSet(aid, api=tree.api).api_get(fields=["daily_spend_cap"])["daily_spend_cap"] == "0"


# -- delivery ------------------------------------------------------------------------------------
AGES = ((18, 24), (25, 34), (35, 44))


def run_cbo(tmp: Path, limits: dict[int, dict[str, int]]) -> tuple[dict[str, list[int]], list[str]]:
    """A CBO campaign of 3 ad sets: 2 days free, then `limits` per ad set index, then 3 days.

    Returns {ad set id: spend per day (minor units)} over the 3 last days, and the ids.
    """
    with SandboxServer(tmp / "s.db", scenario="ecommerce_usd", seed=11, token=SANDBOX_TOKEN) as sb:
        api = make_api(sb.url)
        t = Tree(sb, api, tmp)
        cid = cbo_campaign(t, status="ACTIVE")
        ids = []
        for lo, hi in AGES:
            targeting = {"geo_locations": {"countries": ["US"]}, "age_min": lo, "age_max": hi}
            aid = cbo_adset(t, cid, name=f"{lo}-{hi}", status="ACTIVE", targeting=targeting)["id"]
            creative = t.account.create_ad_creative(
                params=link_creative_params(t.page_id, t.image_hash, name=f"C{lo}")
            )
            t.account.create_ad(
                params={
                    "name": f"Ad {lo}",
                    "adset_id": aid,
                    "creative": {"creative_id": creative["id"]},
                    "status": "ACTIVE",
                }
            )
            ids.append(str(aid))
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 2})
        for i, params in limits.items():
            AdSet(ids[i], api=api).api_update(params=params)
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
        rows = AdAccount(sb.account_id, api=api).get_insights(
            fields=["adset_id", "spend"],
            params={"level": "adset", "time_increment": 1, "date_preset": "last_3d"},
        )
        spend: dict[str, list[int]] = {i: [] for i in ids}
        for r in rows:
            spend[str(r["adset_id"])].append(round(float(r["spend"]) * 100))
        return spend, ids


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[int]], list[str]]:
    return run_cbo(tmp_path_factory.mktemp("free"), {})


def test_a_spend_cap_is_a_hard_daily_maximum_and_its_money_goes_to_the_siblings(
    baseline: tuple[dict[str, list[int]], list[str]], tmp_path: Path
) -> None:
    free, ids = baseline
    top = max(range(3), key=lambda i: sum(free[ids[i]]))
    cap = int(min(free[ids[top]]) * 0.6)
    capped, cids = run_cbo(tmp_path, {top: {"daily_spend_cap": cap}})
    assert all(len(v) == 3 for v in capped.values())
    assert max(capped[cids[top]]) <= cap + 1  # insights round spend to cents
    others_free = sum(sum(free[ids[i]]) for i in range(3) if i != top)
    others_capped = sum(sum(capped[cids[i]]) for i in range(3) if i != top)
    assert others_capped > others_free  # the cap's money moved to the siblings
    total_free = sum(map(sum, free.values()))
    total_capped = sum(map(sum, capped.values()))
    assert total_capped > 0.9 * total_free  # the campaign budget is still spent


def test_a_minimum_target_lifts_a_starved_ad_set(
    baseline: tuple[dict[str, list[int]], list[str]], tmp_path: Path
) -> None:
    free, ids = baseline
    low = min(range(3), key=lambda i: sum(free[ids[i]]))
    target = int(max(free[ids[low]]) * 1.3)
    assert target <= CAMPAIGN_BUDGET // 2
    lifted, lids = run_cbo(tmp_path, {low: {"daily_min_spend_target": target}})
    assert sum(lifted[lids[low]]) > sum(free[ids[low]])
    assert min(lifted[lids[low]]) >= 0.95 * target  # met (its audience absorbs it)
