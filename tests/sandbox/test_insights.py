"""Insights through the real SDK against the sandbox over HTTP."""

import time
import warnings

import pytest
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from sandbox.fixtures import build_tree
from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN, make_api

ACCOUNT = "act_1010101010"
RANGE = {"since": "2026-03-02", "until": "2026-03-11"}


@pytest.fixture
def launched(sandbox, fb_api):
    """A fresh sandbox with 1 campaign x 3 ad sets x 3 ads and 10 days of delivery."""
    tree = build_tree(sandbox.store)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 10})
    return tree


@pytest.fixture(scope="module")
def shared(sandbox_module):
    """The same, built once per module for tests that only read."""
    tree = build_tree(sandbox_module.store)
    sandbox_module.admin("POST", "/__sandbox__/clock/advance", {"days": 10})
    return tree


@pytest.fixture
def ro(shared, sandbox_module):
    """(tree, api) on the shared sandbox; the api is the SDK default during the test."""
    api = make_api(sandbox_module.url)
    previous = FacebookAdsApi.get_default_api()
    FacebookAdsApi.set_default_api(api)
    yield shared
    FacebookAdsApi.set_default_api(previous)


def insights(obj, fields, **params):
    return [dict(r) for r in obj.get_insights(fields=fields, params=params)]


def error_of(fn):
    # The SDK warns about values outside its enums before sending them; these tests send
    # invalid values on purpose to see the server's answer.
    with warnings.catch_warnings(), pytest.raises(FacebookRequestError) as err:
        warnings.simplefilter("ignore", UserWarning)
        fn()
    e = err.value
    return e.api_error_code(), e.api_error_subcode(), e.api_error_message()


def test_account_totals_are_strings_with_ratios_from_sums(ro):
    fields = [
        "impressions",
        "clicks",
        "spend",
        "ctr",
        "cpc",
        "cpm",
        "reach",
        "frequency",
        "actions",
        "action_values",
        "cost_per_action_type",
        "purchase_roas",
        "account_currency",
    ]
    (row,) = insights(AdAccount(ACCOUNT), fields, time_range=RANGE)
    assert all(isinstance(row[f], str) for f in ("impressions", "clicks", "spend", "ctr", "reach"))
    imps, clicks, spend = int(row["impressions"]), int(row["clicks"]), float(row["spend"])
    assert row["spend"].count(".") == 1 and len(row["spend"].split(".")[1]) == 2
    assert float(row["ctr"]) == pytest.approx(clicks / imps * 100, rel=1e-5)
    assert float(row["cpc"]) == pytest.approx(spend / clicks, rel=1e-5)
    assert float(row["cpm"]) == pytest.approx(spend / imps * 1000, rel=1e-5)
    assert float(row["frequency"]) == pytest.approx(imps / int(row["reach"]), rel=1e-5)
    assert (row["date_start"], row["date_stop"]) == ("2026-03-02", "2026-03-11")
    assert row["account_currency"] == "USD"
    actions = {a["action_type"]: int(a["value"]) for a in row["actions"]}
    purchases = {
        actions[t] for t in ("offsite_conversion.fb_pixel_purchase", "purchase", "omni_purchase")
    }
    assert len(purchases) == 1 and purchases.pop() > 0
    assert actions["link_click"] <= clicks
    cost = {a["action_type"]: float(a["value"]) for a in row["cost_per_action_type"]}
    assert cost["purchase"] == pytest.approx(spend / actions["purchase"], abs=0.01)
    value = {a["action_type"]: float(a["value"]) for a in row["action_values"]}["omni_purchase"]
    assert float(row["purchase_roas"][0]["value"]) == pytest.approx(value / spend, rel=1e-3)
    spent = int(AdAccount(ACCOUNT).api_get(fields=["amount_spent"])["amount_spent"])
    assert spent == round(spend * 100)


def test_reach_is_not_summed_across_days_or_ad_sets(ro):
    acct = AdAccount(ACCOUNT)
    (total,) = insights(acct, ["reach", "impressions"], time_range=RANGE)
    daily = insights(acct, ["reach"], time_range=RANGE, time_increment=1)
    sets = insights(acct, ["reach"], time_range=RANGE, level="adset")
    assert len(daily) == 10 and len(sets) == 3
    assert int(total["reach"]) < sum(int(r["reach"]) for r in daily)
    assert int(total["reach"]) < sum(int(r["reach"]) for r in sets)
    assert int(total["reach"]) > max(int(r["reach"]) for r in sets)


def test_level_ad_daily_rows_page_through_cursors(ro):
    rows = insights(
        AdAccount(ACCOUNT),
        ["ad_id", "adset_id", "impressions", "spend"],
        time_range=RANGE,
        level="ad",
        time_increment=1,
        limit=25,
    )
    assert len(rows) == 9 * 10
    assert {r["ad_id"] for r in rows} == set(ro["ads"])
    assert all(r["date_start"] == r["date_stop"] for r in rows)
    (acct,) = insights(AdAccount(ACCOUNT), ["spend"], time_range=RANGE)
    assert sum(float(r["spend"]) for r in rows) == pytest.approx(float(acct["spend"]), abs=0.05)


def test_time_increment_chunks_and_monthly(ro):
    rows = insights(AdAccount(ACCOUNT), ["impressions"], time_range=RANGE, time_increment=7)
    assert [(r["date_start"], r["date_stop"]) for r in rows] == [
        ("2026-03-02", "2026-03-08"),
        ("2026-03-09", "2026-03-11"),
    ]
    monthly = insights(
        AdAccount(ACCOUNT), ["impressions"], time_range=RANGE, time_increment="monthly"
    )
    assert [(r["date_start"], r["date_stop"]) for r in monthly] == [("2026-03-02", "2026-03-11")]


def test_date_presets_are_relative_to_the_simulated_clock(ro):
    (row,) = insights(AdAccount(ACCOUNT), ["impressions"], date_preset="last_7d")
    assert (row["date_start"], row["date_stop"]) == ("2026-03-05", "2026-03-11")
    (row,) = insights(AdAccount(ACCOUNT), ["impressions"], date_preset="yesterday")
    assert row["date_start"] == "2026-03-11"
    assert insights(AdAccount(ACCOUNT), ["impressions"], date_preset="today") == []
    (row,) = insights(AdAccount(ACCOUNT), ["impressions"], date_preset="maximum")
    assert row["date_start"] == "2026-03-02"


def test_breakdowns_split_rows_that_sum_to_the_total(ro):
    acct = AdAccount(ACCOUNT)
    (total,) = insights(acct, ["impressions", "spend", "clicks"], time_range=RANGE)
    for bds in (
        ["age", "gender"],
        ["country"],
        ["publisher_platform", "platform_position"],
        ["device_platform", "impression_device"],
        ["hourly_stats_aggregated_by_advertiser_time_zone"],
    ):
        rows = insights(
            acct,
            ["impressions", "spend", "clicks", "reach"],
            time_range=RANGE,
            breakdowns=bds,
            limit=500,
        )
        assert len(rows) > 1
        assert all(all(b in r for b in bds) for r in rows)
        assert sum(int(r["impressions"]) for r in rows) == int(total["impressions"])
        assert sum(int(r["clicks"]) for r in rows) == int(total["clicks"])
        assert sum(float(r["spend"]) for r in rows) == pytest.approx(
            float(total["spend"]), abs=0.01
        )
        if bds[0].startswith("hourly"):
            assert all("reach" not in r for r in rows)
    ages = {r["age"] for r in insights(acct, ["impressions"], time_range=RANGE, breakdowns=["age"])}
    assert "13-17" not in ages and {"25-34", "35-44"} <= ages
    countries = {
        r["country"]
        for r in insights(acct, ["impressions"], time_range=RANGE, breakdowns=["country"])
    }
    assert countries == {"US", "CA"}


@pytest.mark.parametrize(
    "bds",
    [
        ["age", "country"],
        ["platform_position"],
        ["country", "region"],
        ["hourly_stats_aggregated_by_advertiser_time_zone", "age"],
        ["gender", "publisher_platform"],
    ],
)
def test_invalid_breakdown_combinations_are_refused(ro, bds):
    code, subcode, msg = error_of(
        lambda: insights(AdAccount(ACCOUNT), ["impressions"], breakdowns=bds)
    )
    assert (code, subcode) == (2, 1504041)
    assert "breakdown" in msg


@pytest.mark.parametrize(
    ("params", "code", "subcode"),
    [
        ({"date_preset": "lifetime"}, 100, None),
        ({"date_preset": "last_2_weeks"}, 100, None),
        ({"time_increment": "91"}, 100, None),
        ({"level": "account_group"}, 100, None),
        ({"breakdowns": ["favourite_colour"]}, 100, None),
        ({"time_range": {"since": "2026-03-05", "until": "2026-03-01"}}, 100, None),
        ({"time_range": {"since": "2022-01-01", "until": "2022-01-31"}}, 3018, None),
        ({"sort": ["spend_sideways"]}, 100, None),
        ({"filtering": [{"field": "ad.colour", "operator": "EQUAL", "value": "x"}]}, 100, None),
        ({"filtering": [{"field": "ad.id", "operator": "RESEMBLES", "value": "x"}]}, 100, None),
    ],
)
def test_invalid_parameters_get_metas_errors(ro, params, code, subcode):
    got_code, got_sub, _ = error_of(lambda: insights(AdAccount(ACCOUNT), ["impressions"], **params))
    assert got_code == code and got_sub == subcode


def test_unknown_field_is_error_100(ro):
    code, _, msg = error_of(lambda: insights(AdAccount(ACCOUNT), ["impressions", "happiness"]))
    assert code == 100 and "happiness" in msg


def test_filtering_by_ids_status_and_metrics(ro):
    acct = AdAccount(ACCOUNT)
    two = ro["ads"][:2]
    rows = insights(
        acct,
        ["ad_id", "spend"],
        time_range=RANGE,
        level="ad",
        filtering=[{"field": "ad.id", "operator": "IN", "value": two}],
    )
    assert {r["ad_id"] for r in rows} == set(two)
    rows = insights(
        acct,
        ["adset_id"],
        time_range=RANGE,
        level="adset",
        filtering=[{"field": "adset.id", "operator": "EQUAL", "value": ro["adsets"][1]}],
    )
    assert [r["adset_id"] for r in rows] == [ro["adsets"][1]]
    all_ads = insights(acct, ["ad_id", "impressions"], time_range=RANGE, level="ad")
    cut = sorted(int(r["impressions"]) for r in all_ads)[4]
    big = insights(
        acct,
        ["ad_id", "impressions"],
        time_range=RANGE,
        level="ad",
        filtering=[{"field": "ad.impressions", "operator": "GREATER_THAN", "value": cut}],
    )
    assert len(big) == 4 and all(int(r["impressions"]) > cut for r in big)
    purchases_only = insights(
        acct,
        ["actions"],
        time_range=RANGE,
        filtering=[{"field": "action_type", "operator": "IN", "value": ["purchase"]}],
    )
    assert [a["action_type"] for a in purchases_only[0]["actions"]] == ["purchase"]


def test_sort_by_a_metric(ro):
    rows = insights(
        AdAccount(ACCOUNT),
        ["ad_id", "spend"],
        time_range=RANGE,
        level="ad",
        sort=["spend_descending"],
    )
    spends = [float(r["spend"]) for r in rows]
    assert spends == sorted(spends, reverse=True) and len(set(spends)) > 1


def test_deleted_ads_are_left_out_of_ad_level_unless_filtered_for(launched, fb_api, sandbox):
    gone = launched["ads"][0]
    sandbox.store.update_object(gone, {"status": "DELETED"})
    acct = AdAccount(ACCOUNT)
    ids = {r["ad_id"] for r in insights(acct, ["ad_id"], time_range=RANGE, level="ad")}
    assert gone not in ids and len(ids) == 8
    wanted = insights(
        acct,
        ["ad_id"],
        time_range=RANGE,
        level="ad",
        filtering=[
            {"field": "ad.effective_status", "operator": "IN", "value": ["ACTIVE", "DELETED"]}
        ],
    )
    assert gone in {r["ad_id"] for r in wanted}
    (total,) = insights(acct, ["impressions"], time_range=RANGE)
    assert int(total["impressions"]) == sum(
        int(r["impressions"])
        for r in insights(
            acct,
            ["impressions"],
            time_range=RANGE,
            level="ad",
            filtering=[
                {"field": "ad.effective_status", "operator": "IN", "value": ["ACTIVE", "DELETED"]}
            ],
        )
    )


def test_node_level_insights_and_identity_fields(ro):
    ad_rows = insights(
        Ad(ro["ads"][4]),
        [
            "ad_id",
            "ad_name",
            "adset_name",
            "campaign_id",
            "objective",
            "optimization_goal",
            "impressions",
        ],
        time_range=RANGE,
    )
    assert len(ad_rows) == 1
    r = ad_rows[0]
    assert r["ad_id"] == ro["ads"][4] and r["ad_name"] == "Ad 1.1"
    assert r["campaign_id"] == ro["campaign"] and r["objective"] == "OUTCOME_SALES"
    assert r["optimization_goal"] == "OFFSITE_CONVERSIONS"
    set_rows = insights(AdSet(ro["adsets"][2]), ["impressions"], time_range=RANGE, level="ad")
    assert len(set_rows) == 3


def test_recent_days_are_restated_upwards(launched, fb_api, sandbox):
    acct = AdAccount(ACCOUNT)
    day = {"since": "2026-03-11", "until": "2026-03-11"}

    def purchases():
        (row,) = insights(acct, ["actions"], time_range=day)
        return {a["action_type"]: int(a["value"]) for a in row["actions"]}["purchase"]

    first = purchases()
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 1})
    second = purchases()
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 2})
    final = purchases()
    assert first <= second <= final and first < final
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 2})
    assert purchases() == final


def test_async_report_lifecycle_through_the_sdk(ro):
    acct = AdAccount(ACCOUNT)
    params = {"time_range": RANGE, "level": "ad", "time_increment": 1}
    job = acct.get_insights(
        fields=["ad_id", "impressions", "spend"], params=dict(params), is_async=True
    )
    seen = []
    for _ in range(50):
        job = job.api_get()
        seen.append((job["async_status"], job["async_percent_completion"]))
        if job["async_status"] == "Job Completed" and job["async_percent_completion"] == 100:
            break
        time.sleep(0.05)
    statuses = [s for s, _ in seen]
    assert statuses[0] == "Job Not Started" and statuses[-1] == "Job Completed"
    assert "Job Running" in statuses
    pcts = [p for _, p in seen]
    assert pcts == sorted(pcts) and pcts[-1] == 100
    result = [dict(r) for r in job.get_result(params={"limit": 40})]
    sync = insights(acct, ["ad_id", "impressions", "spend"], **params)
    assert result == sync and len(result) == 90


def test_report_rows_are_refused_until_the_job_completes(ro):
    job = AdAccount(ACCOUNT).get_insights(
        fields=["impressions"], params={"time_range": RANGE}, is_async=True
    )
    code, _, msg = error_of(lambda: list(job.get_result()))
    assert code == 100 and "not ready" in msg


def test_too_much_data_for_sync_pushes_to_async(launched, fb_api, sandbox):
    sandbox.store.set_setting("insights_sync_row_limit", 50)
    acct = AdAccount(ACCOUNT)
    params = {"time_range": RANGE, "level": "ad", "time_increment": 1}
    code, subcode, _ = error_of(lambda: insights(acct, ["impressions"], **params))
    assert (code, subcode) == (100, 1487534)
    job = acct.get_insights(fields=["impressions"], params=dict(params), is_async=True)
    for _ in range(50):
        job = job.api_get()
        if job["async_percent_completion"] == 100:
            break
        time.sleep(0.05)
    assert len(list(job.get_result(params={"limit": 100}))) == 90


def test_zero_decimal_currency_spend_has_no_decimals(tmp_path):
    with SandboxServer(
        tmp_path / "jpy.db", scenario="awareness_jpy", seed=2, token=SANDBOX_TOKEN
    ) as sb:
        api = make_api(sb.url)
        build_tree(sb.store, goal="AD_RECALL_LIFT", daily_budget=10000)
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
        (row,) = [
            dict(r)
            for r in AdAccount("act_3030303030", api=api).get_insights(
                fields=["spend", "cpm", "estimated_ad_recallers", "account_currency", "actions"],
                params={"date_preset": "last_3d"},
            )
        ]
        assert row["account_currency"] == "JPY"
        assert row["spend"].isdigit() and int(row["spend"]) > 20000
        assert int(row["estimated_ad_recallers"]) > 0
        assert not any("purchase" in a["action_type"] for a in row["actions"])


def test_time_ranges_give_one_row_set_per_range(ro):
    ranges = [
        {"since": "2026-03-02", "until": "2026-03-04"},
        {"since": "2026-03-03", "until": "2026-03-11"},
    ]
    rows = insights(AdAccount(ACCOUNT), ["impressions"], time_ranges=ranges)
    assert [(r["date_start"], r["date_stop"]) for r in rows] == [
        ("2026-03-02", "2026-03-04"),
        ("2026-03-03", "2026-03-11"),
    ]
    daily = insights(AdAccount(ACCOUNT), ["impressions"], time_range=RANGE, time_increment=1)
    first3 = sum(int(r["impressions"]) for r in daily[:3])
    assert int(rows[0]["impressions"]) == first3


def test_campaign_level_and_campaign_filter(ro):
    rows = insights(
        AdAccount(ACCOUNT),
        ["campaign_id", "campaign_name", "spend"],
        time_range=RANGE,
        level="campaign",
        sort=["spend_ascending"],
        filtering=[{"field": "campaign.id", "operator": "EQUAL", "value": ro["campaign"]}],
    )
    assert [r["campaign_id"] for r in rows] == [ro["campaign"]]
    assert rows[0]["campaign_name"] == "Camp"
    none = insights(
        AdAccount(ACCOUNT),
        ["spend"],
        time_range=RANGE,
        level="campaign",
        filtering=[{"field": "campaign.id", "operator": "EQUAL", "value": "999"}],
    )
    assert none == []


def test_report_run_node_fields_and_unknown_field(ro, sandbox_module):
    from facebook_business.adobjects.adreportrun import AdReportRun

    job = AdAccount(ACCOUNT).get_insights(
        fields=["impressions"], params={"time_range": RANGE}, is_async=True
    )
    node = AdReportRun(job["report_run_id"]).api_get(fields=["async_status", "date_start"])
    assert set(node.export_all_data()) <= {"id", "async_status", "date_start", "report_run_id"}
    assert node["date_start"] == "2026-03-02"
    code, _, msg = error_of(lambda: AdReportRun(job["report_run_id"]).api_get(fields=["mood"]))
    assert code == 100 and "mood" in msg


def test_attribution_windows_split_the_default_count(ro):
    (row,) = insights(
        AdAccount(ACCOUNT),
        ["actions"],
        time_range=RANGE,
        action_attribution_windows=["7d_click", "1d_view", "7d_view"],
    )
    purchase = next(a for a in row["actions"] if a["action_type"] == "purchase")
    assert int(purchase["7d_click"]) + int(purchase["1d_view"]) == int(purchase["value"])
    assert "7d_view" not in purchase


def test_async_jobs_can_fail_when_the_sandbox_is_told_to(launched, fb_api, sandbox):
    sandbox.store.set_setting("insights_async_fail_rate", 1.0)
    job = AdAccount(ACCOUNT).get_insights(
        fields=["impressions"], params={"time_range": RANGE}, is_async=True
    )
    for _ in range(50):
        job = job.api_get()
        if job["async_status"] in ("Job Completed", "Job Failed"):
            break
        time.sleep(0.05)
    assert job["async_status"] == "Job Failed" and job["async_percent_completion"] < 100
    assert (job["error_code"], job["error_subcode"]) == (-2, 2490547)
    code, subcode, _ = error_of(lambda: list(job.get_result()))
    assert (code, subcode) == (-2, 2490547)
    sandbox.store.set_setting("insights_async_fail_rate", 0)
    ok = AdAccount(ACCOUNT).get_insights(
        fields=["impressions"], params={"time_range": RANGE}, is_async=True
    )
    for _ in range(50):
        ok = ok.api_get()
        if ok["async_status"] == "Job Completed":
            break
        time.sleep(0.05)
    assert ok["async_status"] == "Job Completed"
