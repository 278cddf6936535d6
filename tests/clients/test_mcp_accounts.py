"""meta-ads-mcp: its tool inventory, ad accounts and pages, read back from the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.clients.delivery import launch
from tests.clients.harness import Graph, Mcp

pytestmark = pytest.mark.clients

HERE = Path(__file__).parent
# Tools that make no Graph call, so the sandbox has nothing to serve for them:
# compute_image_crops (local arithmetic) and get_login_link (Meta's OAuth dialog URL). The
# duplicate_* tools (opt-in, not registered by default) post to Pipeboard's own service.
NO_GRAPH_CALL = {"compute_image_crops", "get_login_link"}


def test_every_tool_that_calls_graph_is_called_by_a_test(mcp: Mcp) -> None:
    sources = "".join(p.read_text() for p in HERE.glob("test_mcp_*.py"))
    untested = [t for t in mcp.tools() if t not in NO_GRAPH_CALL and f'"{t}"' not in sources]
    assert untested == []


def test_get_ad_accounts_lists_the_sandbox_account(mcp: Mcp, graph: Graph, ids: dict) -> None:
    accounts = mcp("get_ad_accounts")["data"]
    mine = next((a for a in accounts if a["id"] == ids["account"]), None)
    assert mine is not None, accounts
    truth = graph.get(ids["account"], fields="name,currency,account_status,account_id")
    assert mine["account_id"] == truth["account_id"] == ids["account"].removeprefix("act_")
    assert (mine["name"], mine["currency"]) == (truth["name"], truth["currency"])
    assert mine["account_status"] == truth["account_status"] == 1


def test_get_account_info_returns_the_account_fields_meta_returns(
    mcp: Mcp, graph: Graph, ids: dict
) -> None:
    info = mcp("get_account_info", account_id=ids["account"].removeprefix("act_"))  # adds act_
    truth = graph.get(ids["account"], fields="timezone_name,currency,amount_spent,name")
    assert info["id"] == ids["account"]
    assert info["timezone_name"] == truth["timezone_name"]
    assert info["currency"] == truth["currency"]
    # `age` (days the account has been open) is always on Meta's AdAccount; the tool asks for it
    assert isinstance(info.get("age"), int | float) and info["age"] >= 0, sorted(info)


def test_get_account_pages_finds_the_page_with_its_details(
    mcp: Mcp, graph: Graph, ids: dict
) -> None:
    found = mcp("get_account_pages", account_id=ids["account"])
    page = next((p for p in found["data"] if p["id"] == ids["page"]), None)
    assert page is not None and "error" not in page, found  # the tool asks for picture, fan_count, username, link...
    truth = graph.get(ids["page"], fields="name,category")
    assert (page["name"], page["category"]) == (truth["name"], truth["category"])
    assert page["picture"]["data"]["url"].startswith("http")


def test_search_pages_by_name_finds_the_page_of_the_accounts_ads(
    mcp: Mcp, graph: Graph, ids: dict
) -> None:
    # The tool finds pages through the page ids in the account's ads' `tracking_specs`, which
    # Meta fills with default specs (post engagement on the creative's page) for every ad
    # (developers.facebook.com/docs/marketing-api/tracking-specs, "Default tracking specs").
    launch(graph, ids)
    name = graph.get(ids["page"], fields="name")["name"]
    found = mcp("search_pages_by_name", account_id=ids["account"], search_term=name.split()[0])
    assert [p["id"] for p in found["data"]] == [ids["page"]], found
    assert found["data"][0]["name"] == name
