"""Meta's `meta-ads` CLI: its command inventory, ad accounts, campaigns, ad sets and ads.

Everything the CLI creates or changes is read back straight from Graph and compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.clients.harness import Cli, Graph

pytestmark = pytest.mark.clients

HERE = Path(__file__).parent
# Commands that make no Graph call, so the sandbox has nothing to serve for them:
# `auth status` (reads ACCESS_TOKEN) and `adaccount current` (prints AD_ACCOUNT_ID).
NO_GRAPH_CALL = {"auth status", "ads adaccount current"}


def test_every_command_that_calls_graph_is_run_by_a_test(cli: Cli) -> None:
    sources = "".join(p.read_text() for p in HERE.glob("test_cli_*.py"))
    untested = [c for c in cli.commands() if c not in NO_GRAPH_CALL
                and ", ".join(f'"{w}"' for w in c.split()[1:]) not in sources]
    assert untested == []


def read(graph: Graph, oid: str, names: str) -> dict[str, Any]:
    got = graph.get(oid, fields=names)
    assert "error" not in got, got
    return got


def created_id(cli: Cli, *argv: str) -> str:
    out = cli.json("ads", *argv)
    assert len(out) == 1 and out[0]["id"], out
    return str(out[0]["id"])


# -- ad accounts --------------------------------------------------------------------------
def test_adaccount_list(cli: Cli, graph: Graph, ids: dict) -> None:
    listed = {a["id"]: a for a in cli.json("ads", "adaccount", "list")}
    truth = graph.get("me/adaccounts", fields="id,name,currency,timezone_name")["data"]
    assert sorted(listed) == sorted(a["id"] for a in truth)
    mine = listed[ids["account"]]
    want = next(a for a in truth if a["id"] == ids["account"])
    assert (mine["currency"], mine["timezone_name"], mine["name"]) == (
        want["currency"], want["timezone_name"], want["name"])


def test_adaccount_get(cli: Cli, graph: Graph, ids: dict) -> None:
    (got,) = cli.json("ads", "adaccount", "get")
    want = read(graph, ids["account"], "name,account_status,currency,amount_spent")
    assert got["id"] == ids["account"]
    for key in ("name", "account_status", "currency", "amount_spent"):
        assert got[key] == want[key], key


# -- campaigns ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def campaign(cli: Cli) -> str:
    return created_id(cli, "campaign", "create", "--name", "CLI CBO", "--objective",
                      "OUTCOME_SALES", "--daily-budget", "5000")


@pytest.fixture(scope="module")
def abo(cli: Cli) -> str:
    return created_id(cli, "campaign", "create", "--name", "CLI ad set budgets", "--objective",
                      "OUTCOME_TRAFFIC", "--no-adset-budget-sharing")


def test_campaign_create_reads_back(graph: Graph, campaign: str) -> None:
    got = read(graph, campaign, "name,objective,status,daily_budget,bid_strategy,"
               "special_ad_categories")
    assert got == {"id": campaign, "name": "CLI CBO", "objective": "OUTCOME_SALES",
                   "status": "PAUSED", "daily_budget": "5000",
                   "bid_strategy": "LOWEST_COST_WITHOUT_CAP", "special_ad_categories": []}


def test_campaign_create_without_budget_shares_no_budget(graph: Graph, abo: str) -> None:
    got = read(graph, abo, "daily_budget,lifetime_budget,is_adset_budget_sharing_enabled")
    assert got == {"id": abo, "is_adset_budget_sharing_enabled": False}


def test_campaign_create_below_the_minimum_budget_is_refused(cli: Cli) -> None:
    run = cli.run("-o", "json", "ads", "campaign", "create", "--name", "Tiny", "--objective",
                  "OUTCOME_TRAFFIC", "--daily-budget", "50")
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


def test_campaign_list_and_get(cli: Cli, graph: Graph, ids: dict, campaign: str) -> None:
    listed = cli.json("ads", "campaign", "list", "--limit", "50")
    truth = graph.get(f"{ids['account']}/campaigns", fields="id", limit=50)["data"]
    assert sorted(c["id"] for c in listed) == sorted(c["id"] for c in truth)
    (got,) = cli.json("ads", "campaign", "get", campaign)
    assert (got["id"], got["name"], got["daily_budget"]) == (campaign, "CLI CBO", "5000")
    assert got["effective_status"] == read(graph, campaign, "effective_status")["effective_status"]


def test_campaign_update(cli: Cli, graph: Graph, ids: dict) -> None:
    cid = created_id(cli, "campaign", "create", "--name", "Before", "--objective",
                     "OUTCOME_SALES", "--daily-budget", "3000")
    cli.json("ads", "campaign", "update", cid, "--name", "After", "--status", "ACTIVE",
             "--daily-budget", "3500")
    got = read(graph, cid, "name,status,daily_budget")
    assert (got["name"], got["status"], got["daily_budget"]) == ("After", "ACTIVE", "3500")


def test_campaign_delete(cli: Cli, graph: Graph, ids: dict) -> None:
    cid = created_id(cli, "campaign", "create", "--name", "Doomed", "--objective",
                     "OUTCOME_TRAFFIC", "--daily-budget", "2000")
    run = cli.run("-o", "json", "ads", "campaign", "delete", cid, "--force")
    assert run.exit_code == 0, run.stderr
    assert read(graph, cid, "status")["status"] == "DELETED"
    listed = graph.get(f"{ids['account']}/campaigns", fields="id", limit=100)["data"]
    assert cid not in [c["id"] for c in listed]


# -- ad sets ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def adset(cli: Cli, abo: str) -> str:
    return created_id(cli, "adset", "create", "--name", "CLI US+CA", "--campaign-id", abo,
                      "--optimization-goal", "LINK_CLICKS", "--billing-event", "IMPRESSIONS",
                      "--daily-budget", "2000", "--targeting-countries", "US",
                      "--targeting-countries", "CA")


def test_adset_create_reads_back(graph: Graph, adset: str, abo: str) -> None:
    got = read(graph, adset, "name,campaign_id,daily_budget,optimization_goal,billing_event,"
               "bid_strategy,targeting,status")
    assert (got["name"], got["campaign_id"], got["status"]) == ("CLI US+CA", abo, "PAUSED")
    assert (got["daily_budget"], got["optimization_goal"], got["billing_event"]) == (
        "2000", "LINK_CLICKS", "IMPRESSIONS")
    assert got["bid_strategy"] == "LOWEST_COST_WITHOUT_CAP"
    assert got["targeting"]["geo_locations"] == {"countries": ["US", "CA"]}


def test_adset_create_for_purchases_carries_the_pixel(cli: Cli, graph: Graph, ids: dict,
                                                      abo: str) -> None:
    sales = created_id(cli, "campaign", "create", "--name", "CLI sales", "--objective",
                       "OUTCOME_SALES", "--no-adset-budget-sharing")
    aid = created_id(cli, "adset", "create", "--name", "Buyers", "--campaign-id", sales,
                     "--optimization-goal", "OFFSITE_CONVERSIONS", "--billing-event",
                     "IMPRESSIONS", "--daily-budget", "3000", "--targeting-countries", "US",
                     "--pixel-id", ids["pixel"], "--custom-event-type", "PURCHASE")
    got = read(graph, aid, "promoted_object,optimization_goal")
    assert got["promoted_object"] == {"pixel_id": ids["pixel"], "custom_event_type": "PURCHASE"}


def test_adset_create_for_purchases_without_a_pixel_is_refused(cli: Cli, graph: Graph,
                                                                ids: dict) -> None:
    sales = created_id(cli, "campaign", "create", "--name", "CLI sales 2", "--objective",
                       "OUTCOME_SALES", "--no-adset-budget-sharing")
    run = cli.run("-o", "json", "ads", "adset", "create", "--name", "No pixel", "--campaign-id",
                  sales, "--optimization-goal", "OFFSITE_CONVERSIONS", "--billing-event",
                  "IMPRESSIONS", "--daily-budget", "3000", "--targeting-countries", "US")
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


def test_adset_create_under_a_bid_cap_campaign_without_a_bid_is_refused(cli: Cli) -> None:
    capped = created_id(cli, "campaign", "create", "--name", "Capped", "--objective",
                        "OUTCOME_TRAFFIC", "--daily-budget", "5000", "--bid-strategy",
                        "LOWEST_COST_WITH_BID_CAP")
    run = cli.run("-o", "json", "ads", "adset", "create", "--name", "No bid", "--campaign-id",
                  capped, "--optimization-goal", "LINK_CLICKS", "--billing-event",
                  "IMPRESSIONS", "--targeting-countries", "US")
    assert (run.exit_code, run.api_error) == (4, 100), run.stderr


def test_adset_list_and_get(cli: Cli, abo: str, adset: str) -> None:
    assert [a["id"] for a in cli.json("ads", "adset", "list", abo)] == [adset]
    everything = cli.json("ads", "adset", "list", "--limit", "50")
    assert adset in [a["id"] for a in everything]
    (got,) = cli.json("ads", "adset", "get", adset)
    assert (got["id"], got["campaign_id"], got["daily_budget"]) == (adset, abo, "2000")


def test_adset_update(cli: Cli, graph: Graph, adset: str) -> None:
    cli.json("ads", "adset", "update", adset, "--name", "CLI US+CA v2", "--daily-budget", "2400")
    got = read(graph, adset, "name,daily_budget")
    assert (got["name"], got["daily_budget"]) == ("CLI US+CA v2", "2400")


def test_adset_delete(cli: Cli, graph: Graph, abo: str) -> None:
    aid = created_id(cli, "adset", "create", "--name", "Doomed", "--campaign-id", abo,
                     "--optimization-goal", "LINK_CLICKS", "--billing-event", "IMPRESSIONS",
                     "--daily-budget", "2000", "--targeting-countries", "US")
    assert cli.run("ads", "adset", "delete", aid, "--force").exit_code == 0
    assert read(graph, aid, "status")["status"] == "DELETED"


# -- ads ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def creative(graph: Graph, ids: dict) -> str:
    """A text-only link creative made over HTTP (the creative commands have their own module)."""
    return str(graph.post(f"{ids['account']}/adcreatives", name="For CLI ads", object_story_spec={
        "page_id": ids["page"], "link_data": {"link": "https://shop.example.com", "message": "Go"},
    })["id"])


@pytest.fixture(scope="module")
def ad(cli: Cli, adset: str, creative: str) -> str:
    return created_id(cli, "ad", "create", "--name", "CLI ad", "--adset-id", adset,
                      "--creative-id", creative)


def test_ad_create_reads_back(graph: Graph, ad: str, adset: str, creative: str) -> None:
    got = read(graph, ad, "name,adset_id,status,creative")
    assert got == {"id": ad, "name": "CLI ad", "adset_id": adset, "status": "PAUSED",
                   "creative": {"id": creative}}


def test_ad_list_and_get(cli: Cli, ad: str, adset: str) -> None:
    assert [a["id"] for a in cli.json("ads", "ad", "list", adset)] == [ad]
    assert ad in [a["id"] for a in cli.json("ads", "ad", "list", "--limit", "50")]
    (got,) = cli.json("ads", "ad", "get", ad)
    assert (got["id"], got["adset_id"], got["name"]) == (ad, adset, "CLI ad")


def test_ad_update(cli: Cli, graph: Graph, ad: str) -> None:
    cli.json("ads", "ad", "update", ad, "--name", "CLI ad v2", "--status", "ACTIVE")
    got = read(graph, ad, "name,status")
    assert (got["name"], got["status"]) == ("CLI ad v2", "ACTIVE")


def test_ad_delete(cli: Cli, graph: Graph, adset: str, creative: str) -> None:
    aid = created_id(cli, "ad", "create", "--name", "Doomed ad", "--adset-id", adset,
                     "--creative-id", creative)
    assert cli.run("ads", "ad", "delete", aid, "--force").exit_code == 0
    assert read(graph, aid, "status")["status"] == "DELETED"
