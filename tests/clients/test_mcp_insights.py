"""meta-ads-mcp: get_insights with presets, ranges, levels and breakdowns.

Every number is compared with the sandbox's own delivery rows after the clock moved five days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from sandbox.server import SandboxServer
from tests.clients.delivery import delivered, launched, totals
from tests.clients.harness import Graph, Mcp, refusal

pytestmark = pytest.mark.clients
DAYS = 5


@pytest.fixture(scope="module")
def tree(sb: SandboxServer, graph: Graph, ids: dict) -> dict[str, Any]:
    return launched(sb, graph, ids, DAYS)


def rows(mcp: Mcp, **args: Any) -> list[dict[str, Any]]:
    result = mcp("get_insights", **args)
    assert not refusal(result), refusal(result)
    assert isinstance(result, dict) and "data" in result, result
    return list(result["data"])


def test_preset_last_7d_for_one_ad(mcp: Mcp, sb: SandboxServer, tree: dict) -> None:
    ad, end = tree["ads"][0], tree["today"]
    got = rows(mcp, object_id=ad, time_range="last_7d", level="ad")
    assert [r["ad_id"] for r in got] == [ad]
    want = delivered(sb, [ad], end - timedelta(days=7), end - timedelta(days=1))
    assert want["impressions"] > 0
    assert totals(got) == want


def test_preset_yesterday_for_the_account(mcp: Mcp, sb: SandboxServer, tree: dict,
                                          ids: dict) -> None:
    day = tree["today"] - timedelta(days=1)
    got = rows(mcp, object_id=ids["account"], time_range="yesterday", level="account")
    assert len(got) == 1
    assert totals(got) == delivered(sb, tree["ads"], day, day)


def test_maximum_range_is_the_default(mcp: Mcp, sb: SandboxServer, tree: dict) -> None:
    got = rows(mcp, object_id=tree["campaign"], level="campaign")
    assert [r["campaign_id"] for r in got] == [tree["campaign"]]
    assert totals(got) == delivered(sb, tree["ads"], date(2000, 1, 1), tree["today"])


def test_time_range_since_until(mcp: Mcp, sb: SandboxServer, tree: dict) -> None:
    since, until = tree["today"] - timedelta(days=4), tree["today"] - timedelta(days=2)
    got = rows(mcp, campaign_id=tree["campaign"], level="campaign",
               time_range={"since": since.isoformat(), "until": until.isoformat()})
    assert (got[0]["date_start"], got[0]["date_stop"]) == (since.isoformat(), until.isoformat())
    assert totals(got) == delivered(sb, tree["ads"], since, until)


def test_level_adset_gives_one_row_per_ad_set(mcp: Mcp, sb: SandboxServer, tree: dict) -> None:
    end = tree["today"] - timedelta(days=1)
    got = rows(mcp, object_id=tree["campaign"], level="adset", time_range="last_7d")
    by_adset = {r["adset_id"]: r for r in got}
    assert sorted(by_adset) == sorted(tree["adsets"])
    for adset, ad in zip(tree["adsets"], tree["ads"], strict=True):
        assert totals([by_adset[adset]]) == delivered(sb, [ad], end - timedelta(days=6), end)


def test_level_ad_from_the_account(mcp: Mcp, sb: SandboxServer, tree: dict, ids: dict) -> None:
    got = rows(mcp, account_id=ids["account"], level="ad", time_range="last_7d")
    mine = {r["ad_id"]: r for r in got if r["ad_id"] in tree["ads"]}
    assert sorted(mine) == sorted(tree["ads"])
    assert {r["ad_name"] for r in mine.values()} == {"Ad 25", "Ad 35"}


def test_breakdown_age_and_gender_sums_to_the_total(mcp: Mcp, sb: SandboxServer,
                                                    tree: dict) -> None:
    got = rows(mcp, object_id=tree["campaign"], level="campaign", time_range="last_7d",
               breakdown="age,gender")
    assert len(got) > 1 and all("age" in r and "gender" in r for r in got)
    assert {r["age"] for r in got} <= {"18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
    end = tree["today"] - timedelta(days=1)
    want = delivered(sb, tree["ads"], end - timedelta(days=6), end)
    got_total = totals(got)
    assert (got_total["impressions"], got_total["clicks"]) == (want["impressions"], want["clicks"])
    assert abs(got_total["spend"] - want["spend"]) <= len(got)  # each row rounds to the cent


def test_breakdown_platform_position_brings_publisher_platform(
    mcp: Mcp, sb: SandboxServer, tree: dict
) -> None:
    got = rows(mcp, object_id=tree["campaign"], level="campaign", time_range="last_7d",
               breakdown="platform_position")
    assert all(r.get("publisher_platform") and r.get("platform_position") for r in got)
    assert {r["publisher_platform"] for r in got} <= {
        "facebook", "instagram", "audience_network", "messenger", "threads"}
    end = tree["today"] - timedelta(days=1)
    want = delivered(sb, tree["ads"], end - timedelta(days=6), end)
    assert totals(got)["impressions"] == want["impressions"]


def test_attribution_windows_and_action_breakdowns(mcp: Mcp, sb: SandboxServer, tree: dict,
                                                   ids: dict) -> None:
    # the tool sends action_attribution_windows=['1d_click','7d_click'] (single quotes) and
    # action_breakdowns=[action_type] (no quotes), both of which Graph reads
    got = rows(mcp, object_id=ids["account"], level="account", time_range="last_7d",
               action_attribution_windows=["1d_click", "7d_click"],
               action_breakdowns=["action_type"])
    end = tree["today"] - timedelta(days=1)
    assert totals(got) == delivered(sb, tree["ads"], end - timedelta(days=6), end)
    assert any(a["action_type"] == "link_click" for a in got[0]["actions"])
