"""`adpilot ask` on campaigns made directly with the SDK (not by adpilot), over HTTP.

Questions are answered at once and checked against the sandbox's own insights; pause, budget,
test and status requests reach one card each and apply only on approval; a misspelt name is
shown resolved on the card, an ambiguous one is asked about; the money gate refuses an
over-cap budget.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from facebook_business.adobjects.campaign import Campaign

from sandbox.testing import make_api
from tests.launchkit import admin, objects
from tests.requests.world import sdk_world


def said(result) -> str:  # type: ignore[no-untyped-def]
    return " ".join(result.output.split())


def writes(server) -> int:  # type: ignore[no-untyped-def]
    return int(admin(server.url, "GET", "/__sandbox__/stats")["writes"])


def status_of(server, kind: str, oid: str) -> str:  # type: ignore[no-untyped-def]
    return next(o for o in objects(server.url, kind) if o["id"] == oid)["status"]


def test_a_question_is_answered_from_the_sandboxs_own_insights_and_writes_nothing(cli, tmp_path):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 9})
    before = writes(server)
    out = run("ask", "How much did Spring Sale spend in the last 7 days?", "--json")
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["intent"]["route"] == "question"
    answer = body["answer"]
    since, until = answer["date_range"]["since"], answer["date_range"]["until"]
    truth = Campaign(ids["campaign"], api=make_api(server.url)).get_insights(
        fields=["spend"], params={"time_range": {"since": since, "until": until}})
    spend = Decimal(str(truth[0]["spend"]))
    assert f"${spend:,.2f}" in answer["sentence"], answer["sentence"]
    assert writes(server) == before
    rows = json.loads(run("status", "--json").stdout)
    assert rows[0]["kind"] == "ask" and rows[0]["phase"] == "answered"


def _insights(server, object_id: str, since: str, until: str, **params):  # type: ignore[no-untyped-def]
    from facebook_business.adobjects.ad import Ad
    from facebook_business.adobjects.adset import AdSet

    api = make_api(server.url)
    node = {"campaign": Campaign, "adset": AdSet, "ad": Ad}[params.pop("kind")](object_id, api=api)
    return [dict(r) for r in node.get_insights(
        fields=["spend", "actions"], params={"time_range": {"since": since, "until": until},
                                            "limit": 100, **params})]


def _purchases(row) -> int:  # type: ignore[no-untyped-def]
    return sum(int(float(a["value"])) for a in row.get("actions") or []
               if a["action_type"] == "omni_purchase")


@pytest.mark.parametrize(("kind", "name", "key"), [
    ("campaign", "Spring Sale", None), ("adset", "Women 25-34", "adsets"),
    ("ad", "Carousel A", "ads")])
def test_spend_results_cpa_a_breakdown_and_a_comparison_for_each_level(cli, tmp_path, kind, name,
                                                                      key):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    oid = ids["campaign"] if key is None else ids[key][name]
    admin(server.url, "POST", "/__sandbox__/clock/advance", {"days": 16})

    body = json.loads(run("ask", f"spend, results and CPA for {name} in the last 7 days",
                          "--json").stdout)
    assert body["intent"]["entities"][0]["id"] == oid
    answer = body["answer"]
    rng = answer["date_range"]
    (row,) = _insights(server, oid, rng["since"], rng["until"], kind=kind)
    spend, results = Decimal(str(row["spend"])), _purchases(row)
    total = answer["totals"]
    assert Decimal(total["spend"]) / 100 == spend and int(total["results"]) == results  # minor
    assert f"${spend:,.2f}" in answer["sentence"] and f"{results} purchases" in answer["sentence"]
    assert abs(Decimal(total["cpa"]) / 100 - spend / results) < Decimal("0.01")

    body = json.loads(run("ask", f"{name} by age, last 7 days", "--json").stdout)
    by_age = {r["age"]: r for r in body["answer"]["rows"]}
    truth = {r["age"]: r for r in _insights(server, oid, rng["since"], rng["until"], kind=kind,
                                           breakdowns=["age"])}
    assert set(by_age) == set(truth)
    for age, r in truth.items():
        assert Decimal(by_age[age]["spend"]) / 100 == Decimal(str(r["spend"]))

    body = json.loads(run("ask", f"how did {name} do in the last 7 days vs the previous 7 days?",
                          "--json").stdout)
    comparison = body["answer"]["comparison"]
    assert body["intent"]["params"]["compare_previous"] is True
    (before,) = _insights(server, oid, comparison["since"], comparison["until"], kind=kind)
    assert Decimal(comparison["values"]["spend"]) / 100 == Decimal(str(before["spend"]))
    assert comparison["until"] < rng["since"]  # the period just before
