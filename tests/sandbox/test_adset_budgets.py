"""`adset_budgets`: a campaign budget handed down to its ad sets in one update (real SDK, HTTP)."""

from __future__ import annotations

import pytest
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.campaign import Campaign
from facebook_business.exceptions import FacebookRequestError

from tests.sandbox.conftest import Tree
from tests.sandbox.test_cbo_spend_limits import blamed, cbo_adset, cbo_campaign

# The SDK types daily_budget as an unsigned int and warns about "" (how Meta's own docs and
# meta-ads-mcp remove a campaign budget); it sends it all the same.
pytestmark = pytest.mark.filterwarnings("ignore:value of daily_budget:UserWarning")


def _campaign_with_two_sets(tree: Tree) -> tuple[str, list[str]]:
    cid = cbo_campaign(tree)
    return cid, [str(cbo_adset(tree, cid, name=f"Set {i}")["id"]) for i in range(2)]


def _switch(tree: Tree, cid: str, entries: list[dict]) -> None:
    Campaign(cid, api=tree.api).api_update(
        params={"daily_budget": "", "adset_budgets": entries})


def test_the_campaign_budget_moves_to_every_ad_set(tree: Tree) -> None:
    cid, sets = _campaign_with_two_sets(tree)
    _switch(tree, cid, [{"adset_id": sets[0], "daily_budget": 12000},
                        {"adset_id": sets[1], "daily_budget": 18000}])
    got = Campaign(cid, api=tree.api).api_get(fields=["daily_budget", "lifetime_budget"])
    assert "daily_budget" not in got and "lifetime_budget" not in got
    budgets = [AdSet(s, api=tree.api).api_get(fields=["daily_budget", "budget_remaining"])
               for s in sets]
    assert [(b["daily_budget"], b["budget_remaining"]) for b in budgets] == [
        ("12000", "12000"), ("18000", "18000")]


@pytest.mark.parametrize("case", ["missing_set", "both_fields", "below_minimum", "keeps_budget"])
def test_a_bad_hand_down_is_refused_and_nothing_changes(tree: Tree, case: str) -> None:
    cid, sets = _campaign_with_two_sets(tree)
    entries = [{"adset_id": s, "daily_budget": 15000} for s in sets]
    params: dict = {"daily_budget": "", "adset_budgets": entries}
    if case == "missing_set":
        params["adset_budgets"] = entries[:1]
    elif case == "both_fields":
        entries[0]["lifetime_budget"] = 90000
    elif case == "below_minimum":
        entries[1]["daily_budget"] = 10
    else:  # the campaign keeps its budget: nothing to hand down
        params.pop("daily_budget")
    with pytest.raises(FacebookRequestError) as info:
        Campaign(cid, api=tree.api).api_update(params=params)
    assert info.value.api_error_code() == 100
    assert blamed(info.value) in (["adset_budgets"], ["daily_budget"])  # the minimum names its field
    assert Campaign(cid, api=tree.api).api_get(fields=["daily_budget"])["daily_budget"] == "30000"
    assert all("daily_budget" not in AdSet(s, api=tree.api).api_get(fields=["daily_budget"])
               for s in sets)
