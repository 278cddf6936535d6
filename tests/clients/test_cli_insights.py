"""Meta's `meta-ads` CLI: `insights get` with presets, ranges, levels, breakdowns and sorting.

Every number is compared with the sandbox's own delivery rows after the clock moved five days.
`insights get` prints Graph's raw JSON (`{"data": [...]}`) whatever `-o` says.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from sandbox.server import SandboxServer
from tests.clients.delivery import daily, delivered, launched, totals
from tests.clients.harness import Cli, Graph

pytestmark = pytest.mark.clients
DAYS = 5


@pytest.fixture(scope="module")
def tree(sb: SandboxServer, graph: Graph, ids: dict) -> dict[str, Any]:
    return launched(sb, graph, ids, DAYS)


def insights(cli: Cli, *argv: str) -> list[dict[str, Any]]:
    run = cli.run("ads", "insights", "get", *argv)
    assert run.exit_code == 0, run.stderr[-1500:]
    return list(json.loads(run.stdout)["data"])


def test_default_is_the_account_over_the_last_30_days(cli: Cli, sb: SandboxServer,
                                                      tree: dict) -> None:
    got = insights(cli)
    end = tree["today"] - timedelta(days=1)
    assert len(got) == 1
    assert (got[0]["date_start"], got[0]["date_stop"]) == (
        (end - timedelta(days=29)).isoformat(), end.isoformat())
    want = delivered(sb, tree["ads"], end - timedelta(days=29), end)
    assert want["impressions"] > 0
    assert totals(got) == want


def test_date_preset_last_3d(cli: Cli, sb: SandboxServer, tree: dict) -> None:
    end = tree["today"] - timedelta(days=1)
    got = insights(cli, "--date-preset", "last_3d")
    assert totals(got) == delivered(sb, tree["ads"], end - timedelta(days=2), end)


def test_since_until_by_day_sorted_by_spend(cli: Cli, sb: SandboxServer, tree: dict) -> None:
    since, until = tree["today"] - timedelta(days=4), tree["today"] - timedelta(days=2)
    got = insights(cli, "--since", since.isoformat(), "--until", until.isoformat(),
                   "--time-increment", "daily", "--sort", "spend_descending")
    assert all(r["date_start"] == r["date_stop"] for r in got)
    spend = {r["date_start"]: round(float(r["spend"]) * 100) for r in got}
    assert spend == daily(sb, tree["ads"], since, until)
    assert [r["spend"] for r in got] == sorted((r["spend"] for r in got),
                                               key=float, reverse=True)


@pytest.mark.parametrize("flag", ["--campaign-id", "--adset-id", "--ad-id"])
def test_one_object(cli: Cli, sb: SandboxServer, tree: dict, flag: str) -> None:
    oid, ads = {"--campaign-id": (tree["campaign"], tree["ads"]),
                "--adset-id": (tree["adsets"][1], tree["ads"][1:]),
                "--ad-id": (tree["ads"][0], tree["ads"][:1])}[flag]
    end = tree["today"] - timedelta(days=1)
    got = insights(cli, flag, oid, "--date-preset", "last_7d")
    assert totals(got) == delivered(sb, ads, end - timedelta(days=6), end)


def test_breakdown_age_and_gender(cli: Cli, sb: SandboxServer, tree: dict) -> None:
    got = insights(cli, "--campaign-id", tree["campaign"], "--date-preset", "last_7d",
                   "--breakdown", "age", "--breakdown", "gender")
    assert len(got) > 1 and all(r["age"] and r["gender"] for r in got)
    # the ad sets target 25-34 and 35-54: nobody younger or older saw the ads
    assert {r["age"] for r in got} <= {"25-34", "35-44", "45-54"}
    end = tree["today"] - timedelta(days=1)
    want, got_total = delivered(sb, tree["ads"], end - timedelta(days=6), end), totals(got)
    assert (got_total["impressions"], got_total["clicks"]) == (want["impressions"], want["clicks"])
    assert abs(got_total["spend"] - want["spend"]) <= len(got)  # each row rounds to the cent


def test_breakdown_country_is_the_targeted_one(cli: Cli, sb: SandboxServer, tree: dict) -> None:
    got = insights(cli, "--date-preset", "last_7d", "--breakdown", "country")
    assert [r["country"] for r in got] == ["US"]
    end = tree["today"] - timedelta(days=1)
    assert totals(got) == delivered(sb, tree["ads"], end - timedelta(days=6), end)


def test_breakdown_publisher_platform(cli: Cli, sb: SandboxServer, tree: dict) -> None:
    got = insights(cli, "--date-preset", "last_7d", "--breakdown", "publisher_platform")
    platforms = [r["publisher_platform"] for r in got]
    assert len(platforms) == len(set(platforms)) > 1
    end = tree["today"] - timedelta(days=1)
    want = delivered(sb, tree["ads"], end - timedelta(days=6), end)
    assert totals(got)["impressions"] == want["impressions"]


def test_fields(cli: Cli, tree: dict) -> None:
    got = insights(cli, "--date-preset", "last_7d", "--fields", "impressions,spend,actions")
    assert set(got[0]) == {"impressions", "spend", "actions", "date_start", "date_stop"}
    assert any(a["action_type"] == "link_click" for a in got[0]["actions"])
