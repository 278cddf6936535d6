"""meta-ads-mcp: campaigns, ad sets and ads created, listed and updated, read back from Graph."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.clients.delivery import png
from tests.clients.harness import Graph, Mcp, graph_error, refusal

pytestmark = pytest.mark.clients

US_25_44 = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 44}


@pytest.fixture(scope="module")
def creative(graph: Graph, ids: dict) -> str:
    """A link creative made straight over HTTP, for the ads the tools create."""
    image = graph.post(f"{ids['account']}/adimages", bytes=base64.b64encode(png()).decode())
    image_hash = next(iter(image["images"].values()))["hash"]
    return str(graph.post(f"{ids['account']}/adcreatives", name="For MCP ads", object_story_spec={
        "page_id": ids["page"],
        "link_data": {"link": "https://shop.example.com", "message": "Run", "image_hash": image_hash},
    })["id"])


@pytest.fixture(scope="module")
def abo(mcp: Mcp, ids: dict) -> str:
    """An OUTCOME_TRAFFIC campaign with ad set budgets, created by the tool."""
    made = mcp("create_campaign", account_id=ids["account"], name="MCP ad set budgets",
               objective="OUTCOME_TRAFFIC", use_adset_level_budgets=True)
    return str(made["id"])


@pytest.fixture(scope="module")
def adset(mcp: Mcp, ids: dict, abo: str) -> str:
    made = mcp("create_adset", account_id=ids["account"], campaign_id=abo, name="MCP 25-44",
               optimization_goal="LINK_CLICKS", billing_event="IMPRESSIONS", daily_budget=2500,
               targeting=US_25_44)
    return str(made["id"])


def fields(graph: Graph, oid: str, names: str) -> dict[str, Any]:
    got = graph.get(oid, fields=names)
    assert "error" not in got, got
    return got


# -- campaigns ----------------------------------------------------------------------------
def test_create_campaign_with_a_daily_budget(mcp: Mcp, graph: Graph, ids: dict) -> None:
    made = mcp("create_campaign", account_id=ids["account"], name="MCP CBO",
               objective="OUTCOME_SALES", daily_budget=5000)
    got = fields(graph, made["id"], "name,objective,status,daily_budget,bid_strategy,"
                 "special_ad_categories,buying_type")
    assert got == {"id": made["id"], "name": "MCP CBO", "objective": "OUTCOME_SALES",
                   "status": "PAUSED", "daily_budget": "5000", "buying_type": "AUCTION",
                   "bid_strategy": "LOWEST_COST_WITHOUT_CAP", "special_ad_categories": []}


def test_create_campaign_with_ad_set_budgets(graph: Graph, abo: str) -> None:
    got = fields(graph, abo, "name,objective,daily_budget,lifetime_budget,"
                 "is_adset_budget_sharing_enabled")
    assert got == {"id": abo, "name": "MCP ad set budgets", "objective": "OUTCOME_TRAFFIC",
                   "is_adset_budget_sharing_enabled": False}


def test_create_campaign_below_the_minimum_budget_is_refused_as_meta_does(
    mcp: Mcp, ids: dict
) -> None:
    result = mcp("create_campaign", account_id=ids["account"], name="Too small",
                 objective="OUTCOME_TRAFFIC", daily_budget=50)
    error = graph_error(result)
    assert error is not None, result
    assert (error["code"], error.get("error_subcode")) == (100, 1885272)  # budget too low


def test_get_campaigns_filters_by_status_and_objective(mcp: Mcp, graph: Graph, ids: dict) -> None:
    live = mcp("create_campaign", account_id=ids["account"], name="MCP live traffic",
               objective="OUTCOME_TRAFFIC", status="ACTIVE", daily_budget=3000)["id"]
    listed = mcp("get_campaigns", account_id=ids["account"], limit=50, status_filter="ACTIVE",
                 objective_filter="OUTCOME_TRAFFIC")["data"]
    assert live in [c["id"] for c in listed]
    assert {(c["status"], c["objective"]) for c in listed} == {("ACTIVE", "OUTCOME_TRAFFIC")}
    everything = mcp("get_campaigns", account_id=ids["account"], limit=50)["data"]
    truth = graph.get(f"{ids['account']}/campaigns", fields="id", limit=50)["data"]
    assert sorted(c["id"] for c in everything) == sorted(c["id"] for c in truth)


def test_get_campaign_details_matches_graph(mcp: Mcp, graph: Graph, abo: str) -> None:
    details = mcp("get_campaign_details", campaign_id=abo)
    truth = fields(graph, abo, "name,objective,status,configured_status,created_time")
    for key, value in truth.items():
        assert details[key] == value, key


def test_update_campaign_name_and_budget(mcp: Mcp, graph: Graph, ids: dict) -> None:
    cid = mcp("create_campaign", account_id=ids["account"], name="Before",
              objective="OUTCOME_SALES", daily_budget=4000)["id"]
    assert mcp("update_campaign", campaign_id=cid, name="After", daily_budget=4500) == {
        "success": True}
    got = fields(graph, cid, "name,daily_budget")
    assert (got["name"], got["daily_budget"]) == ("After", "4500")


def test_update_campaign_to_ad_set_budgets_moves_the_budget(mcp: Mcp, graph: Graph,
                                                             ids: dict) -> None:
    # Meta switches a campaign budget to ad set budgets with `adset_budgets` (empty campaign
    # budgets, one budget per ad set), which the tool sends for use_adset_level_budgets
    cid = mcp("create_campaign", account_id=ids["account"], name="Switching",
              objective="OUTCOME_TRAFFIC", daily_budget=5000)["id"]
    aid = mcp("create_adset", account_id=ids["account"], campaign_id=cid, name="Switching set",
              optimization_goal="LINK_CLICKS", billing_event="IMPRESSIONS")["id"]
    result = mcp("update_campaign", campaign_id=cid, use_adset_level_budgets=True,
                 adset_budgets=[{"adset_id": aid, "daily_budget": 2500}])
    assert not refusal(result), refusal(result)
    assert fields(graph, cid, "daily_budget,lifetime_budget") == {"id": cid}
    assert fields(graph, aid, "daily_budget").get("daily_budget") == "2500"


# -- ad sets ------------------------------------------------------------------------------
def test_create_adset_reads_back_as_sent(graph: Graph, adset: str, abo: str) -> None:
    got = fields(graph, adset, "name,campaign_id,status,daily_budget,optimization_goal,"
                 "billing_event,bid_strategy,targeting")
    assert (got["name"], got["campaign_id"], got["status"]) == ("MCP 25-44", abo, "PAUSED")
    assert (got["daily_budget"], got["optimization_goal"], got["billing_event"]) == (
        "2500", "LINK_CLICKS", "IMPRESSIONS")
    assert got["bid_strategy"] == "LOWEST_COST_WITHOUT_CAP"  # Meta's default
    # the tool adds targeting_automation.advantage_audience=0 when the caller leaves it out
    assert got["targeting"] == {**US_25_44, "targeting_automation": {"advantage_audience": 0}}


def test_get_adsets_of_a_campaign_and_the_account(mcp: Mcp, graph: Graph, ids: dict, abo: str,
                                                  adset: str) -> None:
    listed = mcp("get_adsets", account_id=ids["account"], campaign_id=abo)["data"]
    assert [a["id"] for a in listed] == [adset]
    assert listed[0]["campaign_id"] == abo and listed[0]["daily_budget"] == "2500"
    everything = mcp("get_adsets", account_id=ids["account"], limit=50)["data"]
    truth = graph.get(f"{ids['account']}/adsets", fields="id", limit=50)["data"]
    assert sorted(a["id"] for a in everything) == sorted(a["id"] for a in truth)


def test_get_adset_details_matches_graph(mcp: Mcp, graph: Graph, adset: str) -> None:
    details = mcp("get_adset_details", adset_id=adset)
    truth = fields(graph, adset, "name,targeting,budget_remaining,optimization_goal,start_time")
    for key, value in truth.items():
        assert details[key] == value, key


def test_update_adset_budget_and_targeting(mcp: Mcp, graph: Graph, adset: str) -> None:
    older = {**US_25_44, "age_max": 54, "targeting_automation": {"advantage_audience": 0}}
    assert mcp("update_adset", adset_id=adset, daily_budget=2800, targeting=older) == {
        "success": True}
    got = fields(graph, adset, "daily_budget,targeting")
    assert got["daily_budget"] == "2800"
    assert got["targeting"]["age_max"] == 54


# -- ads ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ad(mcp: Mcp, ids: dict, adset: str, creative: str) -> str:
    made = mcp("create_ad", account_id=ids["account"], name="MCP ad", adset_id=adset,
               creative_id=creative)
    return str(made["id"])


def test_create_ad_reads_back_with_its_creative(graph: Graph, ad: str, adset: str,
                                                creative: str, abo: str) -> None:
    got = fields(graph, ad, "name,adset_id,campaign_id,status,creative")
    assert got == {"id": ad, "name": "MCP ad", "adset_id": adset, "campaign_id": abo,
                   "status": "PAUSED", "creative": {"id": creative}}


def test_create_ad_with_a_bare_account_id_is_refused_as_meta_does(
    mcp: Mcp, ids: dict, adset: str, creative: str
) -> None:
    # create_ad does not add `act_`: POST /<digits>/ads names no object Meta knows
    result = mcp("create_ad", account_id=ids["account"].removeprefix("act_"), name="x",
                 adset_id=adset, creative_id=creative)
    error = graph_error(result)
    assert error is not None, result
    assert (error["code"], error.get("error_subcode")) == (100, 33)


def test_get_ads_of_an_adset(mcp: Mcp, ids: dict, ad: str, adset: str) -> None:
    listed = mcp("get_ads", account_id=ids["account"], adset_id=adset)["data"]
    assert [a["id"] for a in listed] == [ad]
    everything = mcp("get_ads", account_id=ids["account"], limit=50)["data"]
    assert ad in [a["id"] for a in everything]


def test_get_ad_details_matches_graph(mcp: Mcp, graph: Graph, ad: str) -> None:
    details = mcp("get_ad_details", ad_id=ad)
    truth = fields(graph, ad, "name,adset_id,effective_status,creative,created_time")
    for key, value in truth.items():
        assert details[key] == value, key


def test_update_ad_status_and_name(mcp: Mcp, graph: Graph, ad: str) -> None:
    assert mcp("update_ad", ad_id=ad, name="MCP ad v2", status="ACTIVE") == {"success": True}
    got = fields(graph, ad, "name,status,effective_status")
    assert (got["name"], got["status"]) == ("MCP ad v2", "ACTIVE")
    parents = fields(graph, ad, "campaign{status},adset{status}")
    assert (parents["campaign"]["status"], parents["adset"]["status"]) == ("PAUSED", "PAUSED")
    assert got["effective_status"] == "CAMPAIGN_PAUSED"  # Meta shows the paused campaign first
