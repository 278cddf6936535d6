"""meta-ads-mcp: targeting search, audience size, budget schedules and the Ad Library."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from sandbox.server import SandboxServer
from tests.clients.harness import Graph, Mcp, graph_error, refusal

pytestmark = pytest.mark.clients
US_25_44 = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 44}


def data(result: Any) -> list[dict[str, Any]]:
    assert not refusal(result), refusal(result)
    return list(result["data"])


def test_search_interests_finds_what_was_searched(mcp: Mcp, graph: Graph) -> None:
    found = data(mcp("search_interests", query="running", limit=10))
    assert found and found[0]["name"].lower() == "running"
    truth = graph.get("search", type="adinterest", q="running", limit=10)["data"]
    assert [i["id"] for i in found] == [i["id"] for i in truth]
    assert all(int(i["audience_size_lower_bound"]) <= int(i["audience_size_upper_bound"])
               for i in found)


def test_get_interest_suggestions_are_other_interests(mcp: Mcp) -> None:
    found = data(mcp("get_interest_suggestions", interest_list=["Running"], limit=5))
    assert 0 < len(found) <= 5
    assert "Running" not in [i["name"] for i in found]
    assert all(i["id"].isdigit() and i["name"] for i in found)


def test_estimate_audience_size_for_a_targeting_spec(mcp: Mcp, graph: Graph, ids: dict) -> None:
    got = mcp("estimate_audience_size", account_id=ids["account"], targeting=US_25_44)
    assert got.get("success") is True, got
    truth = graph.get(f"{ids['account']}/reachestimate", targeting_spec=US_25_44)["data"]
    details = got["estimate_details"]
    assert (details["users_lower_bound"], details["users_upper_bound"]) == (
        truth["users_lower_bound"], truth["users_upper_bound"])
    assert 0 < details["users_lower_bound"] <= details["users_upper_bound"]


def test_estimate_audience_size_validates_interests_by_name(mcp: Mcp) -> None:
    found = data(mcp("estimate_audience_size", interest_list=["Running", "Not an interest zz"]))
    valid = {i["name"]: i["valid"] for i in found}
    assert valid.get("Running") is True
    assert valid.get("Not an interest zz") is False


def test_search_behaviors_lists_behaviours(mcp: Mcp) -> None:
    found = data(mcp("search_behaviors", limit=50))
    assert found and {i["type"] for i in found} == {"behaviors"}
    assert all(i["path"][0] == "Behaviors" for i in found)


def test_search_demographics_lists_demographics(mcp: Mcp) -> None:
    found = data(mcp("search_demographics", demographic_class="demographics", limit=50))
    assert found and all(i["path"][0] == "Demographics" for i in found)
    assert all(i["id"].isdigit() and i["name"] and i["type"] for i in found)


def test_search_geo_locations_finds_the_city(mcp: Mcp) -> None:
    found = data(mcp("search_geo_locations", query="Berlin", location_types=["city"]))
    assert found and found[0]["name"] == "Berlin" and found[0]["country_code"] == "DE"
    assert {g["type"] for g in found} == {"city"}


def test_create_budget_schedule_reads_back(mcp: Mcp, graph: Graph, sb: SandboxServer,
                                           ids: dict) -> None:
    campaign = graph.post(f"{ids['account']}/campaigns", name="High demand", status="PAUSED",
                          objective="OUTCOME_SALES", special_ad_categories=[],
                          daily_budget=10000, bid_strategy="LOWEST_COST_WITHOUT_CAP")["id"]
    now = datetime.fromisoformat(sb.admin("GET", "/__sandbox__/clock")["now"])
    quarter = int(now.timestamp()) // 900 * 900  # schedules start and end on quarter hours
    start, end = quarter + 2 * 86400, quarter + 3 * 86400
    off = mcp("create_budget_schedule", campaign_id=campaign, budget_value=5000,
              budget_value_type="ABSOLUTE", time_start=start + 60, time_end=end)
    assert (graph_error(off) or {}).get("code") == 100, off  # 12:01 is not a quarter hour
    made = mcp("create_budget_schedule", campaign_id=campaign, budget_value=5000,
               budget_value_type="ABSOLUTE", time_start=start, time_end=end)
    assert not refusal(made), refusal(made)
    listed = graph.get(f"{campaign}/budget_schedules",
                       fields="id,budget_value,budget_value_type,time_start,time_end")
    assert not refusal(listed), refusal(listed)
    assert [s["id"] for s in listed["data"]] == [made["id"]]
    schedule = listed["data"][0]
    assert (int(schedule["budget_value"]), schedule["budget_value_type"]) == (5000, "ABSOLUTE")
    assert (epoch(schedule["time_start"]), epoch(schedule["time_end"])) == (start, end)


def epoch(value: Any) -> int:
    """A Graph time (unix seconds, or ISO 8601 as `2026-03-04T00:00:00-0800`) in seconds."""
    if isinstance(value, int | float) or str(value).isdigit():
        return int(value)
    return int(datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z").timestamp())


def test_search_ads_archive_is_refused_like_an_app_without_ad_library_access(mcp: Mcp) -> None:
    # The Ad Library API needs an identity-confirmed app; Graph answers 10/2332002 otherwise
    # (facebookresearch/Ad-Library-API-Script-Repository issue #3 records the envelope).
    result = mcp("search_ads_archive", search_terms="running shoes", ad_reached_countries=["US"])
    error = graph_error(result)
    assert error is not None, result
    assert (error["code"], error.get("error_subcode")) == (10, 2332002)
