"""Scenario incidents (sandbox/incidents.py): each fault holds from its day, and only its own."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet

from sandbox import delivery
from sandbox.fixtures import build_tree
from sandbox.scenario import ScenarioError, init_store, load_scenario, parse_scenario
from sandbox.server import SandboxServer
from sandbox.status import effective_status
from sandbox.store import Store
from tests.conftest import make_api

START = date(2026, 3, 2)


def scenario_with(*incidents: dict, name: str = "ecommerce_usd"):
    data = load_scenario(name).model_dump(mode="json")
    data["incidents"] = list(incidents)
    return parse_scenario(data)


def world(*incidents: dict, days: int = 8):
    store = Store(":memory:")
    init_store(store, scenario_with(*incidents), 7)
    tree = build_tree(store, adsets=2, ads=2)
    delivery.advance(store, days=days)
    return store, tree


def daily(store: Store, column: str, where: str = "1=1", args: tuple = ()) -> dict[str, float]:
    sql = f"select date, sum({column}) v from delivery_rows where {where} group by date"
    return {r["date"]: r["v"] for r in store.db.query(sql, list(args))}


def day(n: int) -> str:
    return (START + timedelta(days=n)).isoformat()


@pytest.mark.parametrize("bad, field", [
    ({"kind": "meteor", "day": 1}, "kind"),
    ({"kind": "pixel_outage", "day": 5, "until": 5}, "until"),
    ({"kind": "cpm_shock", "day": 1}, "factor"),
    ({"kind": "disapproval", "day": 1, "adset": "0"}, "adset"),
    ({"kind": "pixel_outage", "day": 1, "factor": 2}, "factor"),
    ({"kind": "underdelivery", "day": 1, "factor": 1.5}, "factor"),
    ({"kind": "pixel_outage", "day": -1}, "day"),
])
def test_a_bad_incident_is_refused_naming_the_field(bad, field):
    with pytest.raises(ScenarioError) as err:
        scenario_with(bad)
    assert "incidents.0" in str(err.value) and field in str(err.value)


def test_days_before_an_incident_deliver_exactly_as_without_it():
    plain, _ = world(days=8)
    faulty, _ = world({"kind": "cpm_shock", "day": 5, "factor": 2.0},
                      {"kind": "pixel_outage", "day": 5}, days=8)
    cols = "ad_id, date, impressions, clicks, spend, conversions, value"
    sql = f"select {cols} from delivery_rows where date < ? order by date, ad_id"
    before = [dict(r) for r in plain.db.query(sql, [day(5)])]
    assert before and before == [dict(r) for r in faulty.db.query(sql, [day(5)])]
    later = f"select {cols} from delivery_rows where date >= ? order by date, ad_id"
    assert [dict(r) for r in plain.db.query(later, [day(5)])] != \
        [dict(r) for r in faulty.db.query(later, [day(5)])]


def test_pixel_outage_stops_conversions_while_clicks_go_on_until_it_ends():
    store, _ = world({"kind": "pixel_outage", "day": 3, "until": 6}, days=8)
    conv, clicks = daily(store, "conversions"), daily(store, "clicks")
    assert all(conv[day(d)] > 0 for d in (0, 1, 2, 6, 7))
    assert all(conv[day(d)] == 0 and clicks[day(d)] > 100 for d in (3, 4, 5))
    assert all(v == 0 for d, v in daily(store, "value").items() if day(3) <= d < day(6))


def test_a_partial_pixel_outage_loses_about_that_share():
    plain, _ = world(days=10)
    part, _ = world({"kind": "pixel_outage", "day": 0, "share": 0.6}, days=10)
    kept = sum(daily(part, "conversions").values()) / sum(daily(plain, "conversions").values())
    assert 0.25 < kept < 0.55


def test_cpm_shock_multiplies_what_an_impression_costs_in_the_ad_sets_it_names():
    store, tree = world({"kind": "cpm_shock", "day": 4, "factor": 2.0, "adset": "1"}, days=8)
    for i, factor in ((0, 1.0), (1, 2.0)):
        sid = tree["adsets"][i]
        spend = daily(store, "spend", "adset_id = ?", (sid,))
        imps = daily(store, "impressions", "adset_id = ?", (sid,))
        cpm = {d: 1000 * spend[d] / imps[d] for d in spend}
        before = sum(cpm[day(d)] for d in (1, 2, 3)) / 3
        after = sum(cpm[day(d)] for d in (5, 6, 7)) / 3
        assert after / before == pytest.approx(factor, rel=0.25)


def test_ctr_shock_and_underdelivery_change_clicks_and_spend_from_their_day():
    store, _ = world({"kind": "ctr_shock", "day": 4, "factor": 0.5}, days=8)
    clicks, imps = daily(store, "clicks"), daily(store, "impressions")

    def ctr(days: range) -> float:
        return sum(clicks[day(d)] for d in days) / sum(imps[day(d)] for d in days)
    assert ctr(range(4, 8)) / ctr(range(0, 4)) == pytest.approx(0.5, rel=0.25)
    store, _ = world({"kind": "underdelivery", "day": 4, "factor": 0.3}, days=8)
    spend = daily(store, "spend")
    assert spend[day(6)] < 0.45 * spend[day(2)] and spend[day(6)] > 0


def test_status_incidents_hold_from_their_day_and_stop_delivery():
    store, tree = world({"kind": "disapproval", "day": 3, "ad": "0.1"},
                        {"kind": "with_issues", "day": 5, "adset": "1"}, days=8)
    ad = store.get_object(tree["ads"][1])
    adset = store.get_object(tree["adsets"][1])
    tz = load_scenario("ecommerce_usd").tz

    def at(n: int) -> datetime:  # one in the morning of day n, account time
        return datetime(*(START + timedelta(days=n)).timetuple()[:3], 1, tzinfo=tz)

    assert effective_status(store, ad, at(2)) == "ACTIVE"
    assert effective_status(store, ad, at(3)) == "DISAPPROVED"
    assert effective_status(store, adset, at(4)) == "ACTIVE"
    assert effective_status(store, adset, at(5)) == "WITH_ISSUES"
    ad_days = daily(store, "impressions", "ad_id = ?", (tree["ads"][1],))
    assert any(d < day(3) for d in ad_days) and not any(d >= day(3) for d in ad_days)
    set_days = daily(store, "impressions", "adset_id = ?", (tree["adsets"][1],))
    assert day(4) in set_days and not any(d >= day(5) for d in set_days)
    sibling = daily(store, "impressions", "ad_id = ?", (tree["ads"][0],))
    assert day(7) in sibling  # the ad set's other ad carries on


def test_the_real_sdk_sees_disapproval_issues_and_a_disabled_account(tmp_path):
    sc = load_scenario("ecommerce_usd").model_dump(mode="json")
    sc["incidents"] = [{"kind": "disapproval", "day": 2, "ad": "0.0"},
                       {"kind": "with_issues", "day": 2, "adset": "1"},
                       {"kind": "account_disabled", "day": 4}]
    path = tmp_path / "faulty.json"
    path.write_text(json.dumps(sc))
    with SandboxServer(tmp_path / "sb.db", scenario=str(path), seed=7) as sb:
        store = Store(tmp_path / "sb.db")
        tree = build_tree(store, adsets=2, ads=2)
        api = make_api(sb.url)
        account = AdAccount(sc["account"]["id"], api=api)
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
        ad = Ad(tree["ads"][0], api=api).api_get(fields=["effective_status", "ad_review_feedback"])
        assert ad["effective_status"] == "DISAPPROVED"
        assert "Misleading Claims" in ad["ad_review_feedback"]["global"]
        adset = AdSet(tree["adsets"][1], api=api).api_get(fields=["effective_status",
                                                                   "issues_info"])
        assert adset["effective_status"] == "WITH_ISSUES"
        assert adset["issues_info"][0]["error_summary"]
        assert account.api_get(fields=["account_status"])["account_status"] == 1
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 2})
        read = account.api_get(fields=["account_status", "disable_reason"])
        assert (read["account_status"], read["disable_reason"]) == (2, 1)
        rows = [dict(r) for r in store.db.query("select date from delivery_rows")]
        assert rows and max(r["date"] for r in rows) == day(3)  # nothing after day 4 began
