"""The local insights store: sums, de-duplicated conversions, restatement, attribution."""

from __future__ import annotations

import pytest

from state.insights_store import InsightsStore, conversions_of, derive, parse_row


def raw(day: str, ad: str, spend: str, clicks: str, imps: str, purchases: str | None, **kw):
    row = {"date_start": day, "date_stop": day, "ad_id": ad, "adset_id": "s1", "campaign_id": "c1",
           "ad_name": f"Ad {ad}", "spend": spend, "clicks": clicks, "impressions": imps,
           "reach": str(int(imps) // 2), "inline_link_clicks": clicks,
           "attribution_setting": "7d_click_1d_view"}
    if purchases is not None:
        row["actions"] = [
            {"action_type": "link_click", "value": clicks},
            {"action_type": "offsite_conversion.fb_pixel_purchase", "value": purchases},
            {"action_type": "purchase", "value": purchases},
            {"action_type": "omni_purchase", "value": purchases},
        ]
        row["action_values"] = [{"action_type": t, "value": "50.00"} for t in
                                ("offsite_conversion.fb_pixel_purchase", "purchase", "omni_purchase")]
    row.update(kw)
    return row


def test_one_purchase_reported_three_ways_counts_once():
    r = raw("2026-03-02", "a1", "10.00", "20", "1000", "3")
    assert conversions_of(r["actions"]) == 3
    row = parse_row(r, level="ad", currency="USD")
    assert row["conversions"] == 3
    assert row["conversion_value_minor"] == 5000  # 50.00 once, not 150.00


def test_money_becomes_minor_units_per_currency():
    assert parse_row(raw("2026-03-02", "a1", "12.34", "1", "10", None), level="ad", currency="USD")["spend_minor"] == 1234
    assert parse_row(raw("2026-03-02", "a1", "1234", "1", "10", None), level="ad", currency="JPY")["spend_minor"] == 1234


def test_lead_event_uses_its_own_family():
    actions = [{"action_type": "lead", "value": "4"}, {"action_type": "offsite_conversion.fb_pixel_lead", "value": "4"},
               {"action_type": "purchase", "value": "9"}]
    assert conversions_of(actions, "LEAD") == 4


def test_derived_metrics_come_from_sums_not_averaged_ratios(tmp_path):
    store = InsightsStore(tmp_path)
    rows = [parse_row(raw("2026-03-02", "a1", "100.00", "100", "10000", "1"), level="ad", currency="USD"),
            parse_row(raw("2026-03-03", "a1", "10.00", "1", "100", "1"), level="ad", currency="USD")]
    store.replace_window("c1", "ad", "2026-03-02", "2026-03-03", rows)
    t = store.totals("c1", "ad")["a1"]
    assert t["cpa_minor"] == pytest.approx(11000 / 2)  # (100 + 10) / 2, not mean(100, 10)
    assert t["ctr"] == pytest.approx(101 / 10100 * 100)  # not mean(1%, 1%)
    assert t["cpc_minor"] == pytest.approx(11000 / 101)
    assert t["cpm_minor"] == pytest.approx(11000 / 10100 * 1000)
    assert t["roas"] == pytest.approx(10000 / 11000)
    assert t["conversion_rate"] == pytest.approx(2 / 101)
    assert t["days"] == 2
    assert derive({"impressions": 0})["ctr"] is None


def test_repull_replaces_the_restatement_window_and_keeps_history(tmp_path):
    store = InsightsStore(tmp_path)
    first = [parse_row(raw(d, "a1", "10.00", "5", "500", "1"), level="ad", currency="USD")
             for d in ("2026-03-02", "2026-03-03", "2026-03-04")]
    store.replace_window("c1", "ad", "2026-03-02", "2026-03-04", first)
    # Meta revises the last two days upward and the ad had no delivery on the 4th any more.
    again = [parse_row(raw("2026-03-03", "a1", "10.00", "5", "500", "2"), level="ad", currency="USD")]
    store.replace_window("c1", "ad", "2026-03-03", "2026-03-04", again)
    days = {r["date"]: r["conversions"] for r in store.daily("c1", "ad")}
    assert days == {"2026-03-02": 1, "2026-03-03": 2}
    with pytest.raises(ValueError, match="outside the pulled window"):
        store.replace_window("c1", "ad", "2026-03-05", "2026-03-06", first)


def test_attribution_setting_is_kept_with_the_numbers(tmp_path):
    store = InsightsStore(tmp_path)
    row = parse_row(raw("2026-03-02", "a1", "1.00", "1", "10", "0"), level="ad", currency="USD")
    store.replace_window("c1", "ad", "2026-03-02", "2026-03-02", [row])
    assert store.daily("c1", "ad")[0]["attribution_setting"] == "7d_click_1d_view"
    assert store.totals("c1", "ad")["a1"]["attribution_setting"] == "7d_click_1d_view"


def test_history_survives_reopening(tmp_path):
    store = InsightsStore(tmp_path)
    store.replace_window("c1", "ad", "2026-03-02", "2026-03-02",
                         [parse_row(raw("2026-03-02", "a1", "1.00", "1", "10", "0"), level="ad", currency="USD")])
    assert InsightsStore(tmp_path).last_date("c1") == "2026-03-02"


def test_week_over_week_compares_a_week_with_the_week_before_not_yesterdays_window(tmp_path):
    """The collector stores the window ending yesterday and the one a week earlier every day.

    After a fortnight of daily pulls the table holds a 7-day window ending on each day; the
    pair fatigue is read from must be the last week and the week before it, not two windows
    one day apart (which share six days and hide any week-over-week change).
    """
    from datetime import date, timedelta

    store = InsightsStore(tmp_path)
    start = date(2026, 3, 1)
    for day in range(8, 21):  # the loop's daily pulls, as agents/insights/collect.py::pull_weeks
        end = start + timedelta(days=day)
        for k in (1, 0):
            until = end - timedelta(days=7 * k)
            since = until - timedelta(days=6)
            clicks = str(100 - (until - start).days)  # CTR falls a little every day
            row = parse_row(raw(since.isoformat(), "a1", "70.00", clicks, "7000", "7",
                                date_stop=until.isoformat()), level="ad", currency="USD")
            store.replace_weeks("c1", since.isoformat(), until.isoformat(), [row])
    older, newer = store.weeks("c1", "2026-03-21")["a1"]
    assert (newer["since"], newer["until"]) == ("2026-03-15", "2026-03-21")
    assert (older["since"], older["until"]) == ("2026-03-08", "2026-03-14")
    assert older["clicks"] - newer["clicks"] == 7
    # A day the loop did not pull: the latest week, and the week that ends a week before it.
    older, newer = store.weeks("c1", "2026-03-25")["a1"]
    assert (older["until"], newer["until"]) == ("2026-03-14", "2026-03-21")
    # Only one week stored so far: one window, nothing to compare it with.
    assert [w["until"] for w in store.weeks("c1", "2026-03-02")["a1"]] == ["2026-03-02"]
