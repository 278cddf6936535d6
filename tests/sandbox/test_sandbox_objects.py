"""CRUD, effective status, paging and the §11 rules through the real SDK."""

from __future__ import annotations

import json
from typing import Any

import pytest
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.campaign import Campaign
from facebook_business.adobjects.user import User
from facebook_business.exceptions import FacebookRequestError

from tests.sandbox.conftest import Tree, adset_params, campaign_params


def test_accounts_pages_pixels(sandbox: Any, fb_api: Any) -> None:
    me = User("me", api=fb_api)
    accounts = list(me.get_ad_accounts(fields=["account_id", "currency"]))
    assert accounts and accounts[0]["id"] == sandbox.account_id
    assert accounts[0]["account_id"] == sandbox.account_id[4:]
    pages = list(me.get_accounts(fields=["name"]))
    assert pages and pages[0]["name"]
    acct = AdAccount(sandbox.account_id, api=fb_api)
    pixels = list(acct.get_ads_pixels(fields=["name"]))
    assert len(pixels) >= 1
    node = acct.api_get(
        fields=["currency", "timezone_name", "account_status", "min_daily_budget", "amount_spent"]
    )
    assert node["account_status"] == 1
    assert isinstance(node["amount_spent"], str)
    mins = list(acct.get_minimum_budgets())
    assert mins[0]["currency"] == node["currency"]
    assert int(mins[0]["min_daily_budget_imp"]) > 0


def test_tree_reads_and_effective_status(tree: Tree) -> None:
    ad = Ad(tree.ad_id, api=tree.api).api_get(
        fields=[
            "name",
            "status",
            "effective_status",
            "creative",
            "adset_id",
            "campaign_id",
            "created_time",
        ]
    )
    assert ad["effective_status"] == "PAUSED"
    assert ad["creative"]["id"] == tree.creative_id
    assert ad["campaign_id"] == tree.campaign_id
    assert ad["created_time"][-5] in "+-"  # -0800 style offset
    adset = AdSet(tree.adset_id, api=tree.api)
    adset.api_update(params={"status": "ACTIVE"})
    Ad(tree.ad_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    # campaign still paused: children show CAMPAIGN_PAUSED; new/edited ad is in review first
    got = Ad(tree.ad_id, api=tree.api).api_get(fields=["effective_status"])
    assert got["effective_status"] in ("PENDING_REVIEW", "CAMPAIGN_PAUSED")
    assert adset.api_get(fields=["effective_status"])["effective_status"] == "CAMPAIGN_PAUSED"
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    assert (
        adset.api_get(fields=["effective_status", "daily_budget", "budget_remaining"])[
            "daily_budget"
        ]
        == "2000"
    )


def test_review_completes_on_the_simulated_clock(tree: Tree) -> None:
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    AdSet(tree.adset_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    new = tree.account.create_ad(
        params={
            "name": "Ad 2",
            "adset_id": tree.adset_id,
            "creative": {"creative_id": tree.creative_id},
            "status": "ACTIVE",
        }
    )
    assert (
        Ad(new["id"], api=tree.api).api_get(fields=["effective_status"])["effective_status"]
        == "PENDING_REVIEW"
    )
    tree.sandbox.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})
    assert (
        Ad(new["id"], api=tree.api).api_get(fields=["effective_status"])["effective_status"]
        == "ACTIVE"
    )


def test_list_edges_paging_summary_and_filtering(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    ids = [acct.create_campaign(params=campaign_params(name=f"C{i}"))["id"] for i in range(7)]
    Campaign(ids[0], api=fb_api).api_update(params={"status": "ARCHIVED"})
    Campaign(ids[1], api=fb_api).api_delete()
    cursor = acct.get_campaigns(fields=["name"], params={"limit": 2})
    seen = [c["id"] for c in cursor]
    assert sorted(seen) == sorted(ids[2:])  # archived and deleted hidden, all pages followed
    assert cursor.total() == 5
    archived = list(
        acct.get_campaigns(
            params={
                "filtering": [
                    {"field": "effective_status", "operator": "IN", "value": ["ARCHIVED"]}
                ]
            }
        )
    )
    assert [c["id"] for c in archived] == [ids[0]]
    deleted = Campaign(ids[1], api=fb_api).api_get(fields=["effective_status"])
    assert deleted["effective_status"] == "DELETED"
    named = list(
        acct.get_campaigns(
            fields=["name"],
            params={"filtering": [{"field": "name", "operator": "CONTAIN", "value": "C6"}]},
        )
    )
    assert [c["name"] for c in named] == ["C6"]


def test_paging_next_only_when_more(sandbox: Any, fb_api: Any) -> None:
    acct = AdAccount(sandbox.account_id, api=fb_api)
    for i in range(3):
        acct.create_campaign(params=campaign_params(name=f"P{i}"))
    first = fb_api.call("GET", (sandbox.account_id, "campaigns"), {"limit": 2}).json()
    # Meta's next URL carries the token, so a client can fetch it as it is
    assert "next" in first["paging"] and "access_token=sandbox-token" in first["paging"]["next"]
    assert set(first["paging"]["cursors"]) == {"before", "after"}
    second = fb_api.call(
        "GET",
        (sandbox.account_id, "campaigns"),
        {"limit": 2, "after": first["paging"]["cursors"]["after"]},
    ).json()
    assert len(second["data"]) == 1 and "next" not in second["paging"]
    assert "after" in second["paging"]["cursors"]


def test_child_edges(tree: Tree) -> None:
    assert [a["id"] for a in Campaign(tree.campaign_id, api=tree.api).get_ad_sets()] == [
        tree.adset_id
    ]
    assert [a["id"] for a in Campaign(tree.campaign_id, api=tree.api).get_ads()] == [tree.ad_id]
    assert [a["id"] for a in AdSet(tree.adset_id, api=tree.api).get_ads()] == [tree.ad_id]
    assert [c["id"] for c in Ad(tree.ad_id, api=tree.api).get_ad_creatives()] == [tree.creative_id]


def test_nested_fields_and_ids_lookup(tree: Tree) -> None:
    body = tree.api.call(
        "GET", (tree.ad_id,), {"fields": "campaign{name,objective},adset{name}"}
    ).json()
    assert body["campaign"] == {
        "name": "Spring Sale",
        "objective": "OUTCOME_SALES",
        "id": tree.campaign_id,
    }
    many = tree.api.call(
        "GET", ("",), {"ids": f"{tree.campaign_id},{tree.adset_id}", "fields": "name"}
    ).json()
    assert set(many) == {tree.campaign_id, tree.adset_id}


def test_delete_cascades_to_children(tree: Tree) -> None:
    Campaign(tree.campaign_id, api=tree.api).api_delete()
    assert (
        Ad(tree.ad_id, api=tree.api).api_get(fields=["effective_status", "status"])[
            "effective_status"
        ]
        == "DELETED"
    )
    assert list(tree.account.get_ads()) == []
    objs = tree.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"]
    assert objs[0]["status"] == "DELETED"


def test_update_read_after_write_and_budget_remaining(tree: Tree) -> None:
    body = tree.api.call(
        "POST", (tree.adset_id,), {"daily_budget": 3000, "fields": "daily_budget,budget_remaining"}
    ).json()
    assert (
        body["success"] is True
        and body["daily_budget"] == "3000"
        and body["budget_remaining"] == "3000"
    )


def test_validate_only_persists_nothing(tree: Tree) -> None:
    before = tree.sandbox.admin("GET", "/__sandbox__/stats")["writes"]
    n_campaigns = len(tree.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"])
    res = tree.account.create_campaign(
        params={**campaign_params(name="dry"), "execution_options": ["validate_only"]}
    )
    assert res.get("id") is None
    raw = tree.api.call(
        "POST",
        (tree.account.get_id(), "adsets"),
        {**adset_params(tree.campaign_id, tree.pixel_id), "execution_options": ["validate_only"]},
    ).json()
    assert raw == {"success": True}
    with pytest.raises(FacebookRequestError) as err:
        tree.account.create_ad_set(
            params={
                **adset_params(tree.campaign_id, tree.pixel_id, daily_budget=1),
                "execution_options": ["validate_only"],
            }
        )
    assert err.value.api_error_subcode() == 1885272
    upd = tree.api.call(
        "POST", (tree.adset_id,), {"daily_budget": 5000, "execution_options": ["validate_only"]}
    ).json()
    assert upd == {"success": True}
    assert (
        AdSet(tree.adset_id, api=tree.api).api_get(fields=["daily_budget"])["daily_budget"]
        == "2000"
    )
    assert (
        len(tree.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"]) == n_campaigns
    )
    assert tree.sandbox.admin("GET", "/__sandbox__/stats")["writes"] == before


def test_identical_creative_returns_existing_id(tree: Tree) -> None:
    from tests.sandbox.conftest import link_creative_params

    again = tree.account.create_ad_creative(
        params=link_creative_params(tree.page_id, tree.image_hash)
    )
    assert again["id"] == tree.creative_id


def test_restart_keeps_objects(tmp_path: Any) -> None:
    from sandbox.server import SandboxServer
    from sandbox.testing import make_api

    db = tmp_path / "keep.db"
    with SandboxServer(db, seed=3) as sb:
        acct = AdAccount(sb.account_id, api=make_api(sb.url))
        cid = acct.create_campaign(params=campaign_params(name="Persisted"))["id"]
        account_id = sb.account_id
    with SandboxServer(db, seed=3) as sb2:
        assert sb2.account_id == account_id
        got = Campaign(cid, api=make_api(sb2.url)).api_get(fields=["name"])
        assert got["name"] == "Persisted"


def test_review_can_disapprove_with_feedback(tree: Tree) -> None:
    tree.sandbox.admin("POST", "/__sandbox__/settings", {"disapprove_terms": ["miracle"]})
    from tests.sandbox.conftest import link_creative_params

    bad = link_creative_params(tree.page_id, tree.image_hash, name="Miracle shoes")
    bad["object_story_spec"]["link_data"]["message"] = "Miracle cure for tired legs"
    cid = tree.account.create_ad_creative(params=bad)["id"]
    ad = tree.account.create_ad(
        params={
            "name": "Bad",
            "adset_id": tree.adset_id,
            "creative": {"creative_id": cid},
            "status": "ACTIVE",
        }
    )
    first = Ad(ad["id"], api=tree.api).api_get(fields=["effective_status", "ad_review_feedback"])
    # in review under the tree's paused campaign: the parent's pause shows, no feedback yet
    assert first["effective_status"] == "CAMPAIGN_PAUSED" and "ad_review_feedback" not in first
    tree.sandbox.admin("POST", "/__sandbox__/clock/advance", {"hours": 1})
    after = Ad(ad["id"], api=tree.api).api_get(fields=["effective_status", "ad_review_feedback"])
    assert after["effective_status"] == "DISAPPROVED"
    assert "miracle" in json.dumps(after["ad_review_feedback"].export_all_data())
    assert (
        Ad(tree.ad_id, api=tree.api).api_get(fields=["effective_status"])["effective_status"]
        != "DISAPPROVED"
    )
