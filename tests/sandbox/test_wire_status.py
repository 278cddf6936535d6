"""Effective status inherits from parents, over HTTP (docs/meta-api-facts.md §5.2, §11.1).

A paused campaign or ad set shows on its children as CAMPAIGN_PAUSED / ADSET_PAUSED, even on
an ad still in review; archived and deleted parents make children read archived / deleted;
list edges filtered by `effective_status` return exactly the objects that read that way.
"""

from __future__ import annotations

from typing import Any

import requests
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.campaign import Campaign

from tests.conftest import SANDBOX_TOKEN
from tests.sandbox.conftest import Tree, adset_params, link_creative_params


def status_of(tree: Tree, oid: str) -> str:
    body = requests.get(
        f"{tree.sandbox.url}/v26.0/{oid}",
        params={"fields": "effective_status,configured_status", "access_token": SANDBOX_TOKEN},
        timeout=30,
    ).json()
    return str(body["effective_status"])


def listed(tree: Tree, edge: str, **params: Any) -> list[str]:
    """Ids an edge lists (all pages), with `params` sent as they are."""
    body = requests.get(
        f"{tree.sandbox.url}/v26.0/{edge}",
        params={"access_token": SANDBOX_TOKEN, "limit": 100, **params},
        timeout=30,
    ).json()
    assert "error" not in body, body
    return [row["id"] for row in body["data"]]


def new_ad(tree: Tree, adset_id: str, status: str = "ACTIVE") -> str:
    return str(
        tree.account.create_ad(
            params={
                "name": "Fresh ad",
                "adset_id": adset_id,
                "creative": {"creative_id": tree.creative_id},
                "status": status,
            }
        )["id"]
    )


def advance(tree: Tree, **delta: float) -> None:
    tree.sandbox.admin("POST", "/__sandbox__/clock/advance", delta)


def test_new_ad_under_a_paused_campaign_reads_campaign_paused_through_review(tree: Tree) -> None:
    AdSet(tree.adset_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    assert status_of(tree, tree.adset_id) == "CAMPAIGN_PAUSED"
    ad = new_ad(tree, tree.adset_id)
    # still in review, but what stops it is the campaign's pause
    assert status_of(tree, ad) == "CAMPAIGN_PAUSED"
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    assert status_of(tree, ad) == "PENDING_REVIEW"
    advance(tree, hours=1)
    assert status_of(tree, ad) == "ACTIVE"
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "PAUSED"})
    assert status_of(tree, ad) == "CAMPAIGN_PAUSED"


def test_new_ad_set_and_ad_under_paused_parents(tree: Tree) -> None:
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    adset = tree.account.create_ad_set(
        params=adset_params(tree.campaign_id, tree.pixel_id, name="Live set", status="ACTIVE")
    )["id"]
    assert status_of(tree, adset) == "ACTIVE"
    # the tree's own ad set is PAUSED: a new ad in it reads ADSET_PAUSED, not PENDING_REVIEW
    ad = new_ad(tree, tree.adset_id)
    assert status_of(tree, ad) == "ADSET_PAUSED"
    # an ad paused itself reads PAUSED whatever its parents say
    own_paused = new_ad(tree, tree.adset_id, status="PAUSED")
    assert status_of(tree, own_paused) == "PAUSED"
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "PAUSED"})
    assert status_of(tree, adset) == "CAMPAIGN_PAUSED"
    assert status_of(tree, ad) == "CAMPAIGN_PAUSED"  # the campaign's pause comes first


def test_effective_status_filters_agree_with_what_is_returned(tree: Tree) -> None:
    AdSet(tree.adset_id, api=tree.api).api_update(params={"status": "ACTIVE"})
    in_review = new_ad(tree, tree.adset_id)
    act = tree.sandbox.account_id
    for edge in (f"{act}/ads", f"{tree.campaign_id}/ads", f"{tree.adset_id}/ads"):
        paused_by_campaign = listed(tree, edge, effective_status='["CAMPAIGN_PAUSED"]')
        assert paused_by_campaign == [in_review]
        assert listed(tree, edge, effective_status='["PENDING_REVIEW"]') == []
        assert listed(tree, edge, effective_status='["PAUSED"]') == [tree.ad_id]
        rule = '[{"field":"ad.effective_status","operator":"IN","value":["CAMPAIGN_PAUSED"]}]'
        assert listed(tree, edge, filtering=rule) == [in_review]
    for oid in listed(tree, f"{act}/ads", fields="effective_status"):
        wanted = status_of(tree, oid)
        assert oid in listed(tree, f"{act}/ads", effective_status=f'["{wanted}"]')
    assert listed(tree, f"{act}/adsets", effective_status='["CAMPAIGN_PAUSED"]') == [tree.adset_id]


def test_archived_and_deleted_parents_carry_down(tree: Tree) -> None:
    act = tree.sandbox.account_id
    Campaign(tree.campaign_id, api=tree.api).api_update(params={"status": "ARCHIVED"})
    assert status_of(tree, tree.adset_id) == "ARCHIVED"
    assert status_of(tree, tree.ad_id) == "ARCHIVED"
    assert listed(tree, f"{act}/ads") == []  # archived are hidden by default
    assert listed(tree, f"{act}/ads", effective_status='["ARCHIVED"]') == [tree.ad_id]
    assert listed(tree, f"{act}/adsets", effective_status='["ARCHIVED"]') == [tree.adset_id]
    Ad(tree.ad_id, api=tree.api).api_update(params={"status": "ARCHIVED"})
    Campaign(tree.campaign_id, api=tree.api).api_delete()
    # deleted beats archived: the archived ad of a deleted campaign reads deleted
    assert status_of(tree, tree.ad_id) == "DELETED"
    assert status_of(tree, tree.adset_id) == "DELETED"
    assert listed(tree, f"{act}/ads", effective_status='["ARCHIVED"]') == []
    assert listed(tree, f"{act}/adsets", effective_status='["ARCHIVED","PAUSED"]') == []


def test_a_finished_disapproval_shows_under_a_paused_campaign(tree: Tree) -> None:
    tree.sandbox.admin("POST", "/__sandbox__/settings", {"disapprove_terms": ["miracle"]})
    bad = link_creative_params(tree.page_id, tree.image_hash, name="Miracle")
    bad["object_story_spec"]["link_data"]["message"] = "Miracle cure"
    creative = tree.account.create_ad_creative(params=bad)["id"]
    ad = tree.account.create_ad(
        params={
            "name": "Rejected",
            "adset_id": tree.adset_id,
            "creative": {"creative_id": creative},
            "status": "ACTIVE",
        }
    )["id"]
    assert status_of(tree, ad) == "CAMPAIGN_PAUSED"  # in review: the parent's pause shows
    advance(tree, hours=1)
    # the verdict is the ad's own and needs the advertiser: it shows through the pause
    assert status_of(tree, ad) == "DISAPPROVED"
    act = tree.sandbox.account_id
    assert listed(tree, f"{act}/ads", effective_status='["DISAPPROVED"]') == [ad]
