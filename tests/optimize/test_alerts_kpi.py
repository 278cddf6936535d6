"""The off-target alert judges the plan's own results: link clicks for traffic, not purchases.

A traffic campaign's target is a cost per link click (`targets.cpa_minor` is a cost per
*result*); it buys no purchases by design. Judging it on conversions called every traffic
campaign with a target an emergency ("got no purchase … 48.7× the cost of a purchase") and
proposed pausing it — on the optimiser bench such a campaign was paused on day 4 and reached
0.11 of the oracle where launching and leaving reached 0.75.
"""

from __future__ import annotations

from agents.optimize import alerts
from agents.optimize.decide.alerting import rules
from prompts.alerts import alert_text
from tests.optimize.test_alerts import day_row, snapshot

TRAFFIC = {"kpi": "link_clicks", "event": None, "target_cpa_minor": 150}  # $1.50 a link click


def test_a_traffic_campaign_on_its_cost_per_click_target_raises_nothing_without_purchases():
    # $100 a day, 300 link clicks (33 cents each), no purchase ever: on target.
    snap = snapshot({"s1": [day_row(conv=0)] * 28, "s2": [day_row(conv=0)] * 28}, **TRAFFIC)
    assert rules.detect(snap) == []


def test_a_traffic_campaign_far_off_its_cost_per_click_is_judged_on_link_clicks():
    # $100 a day for 8 link clicks ($12.50 each) against $1.50: far off, on clicks alone.
    rows = [day_row(conv=0, clicks=8)] * 28
    [alert] = rules.detect(snapshot({"s1": rows}, **TRAFFIC))
    assert (alert["kind"], alert["tier"]) == ("off_target", "critical")
    facts = alert["facts"]
    assert facts["results"] == 8 * 7 and facts["cpa_minor"] == 1250
    presented = alerts._present(alert, snapshot({"s1": rows}, **TRAFFIC))
    assert "per link click" in presented["evidence"] and "purchase" not in presented["evidence"]
    assert "cost USD 12.50 per link click" in alert_text(alert, "USD", "link click")


def test_a_kpi_the_scan_does_not_read_is_not_judged_on_purchases_instead():
    # Awareness judged on estimated ad recallers: the scan reads no recallers, so the alert
    # does not judge the target at all (the cycle's own decisions judge recallers).
    snap = snapshot({"s1": [day_row(conv=0)] * 28}, kpi="estimated_ad_recallers", event=None,
                    target_cpa_minor=150)
    assert [a for a in rules.detect(snap) if a["kind"] == "off_target"] == []


def test_an_emergency_pause_says_it_is_not_resumed_by_itself():
    # "until it is fixed" read as if adpilot would resume the campaign once tracking came back;
    # it never does (on the bench a pixel outage of three days kept a campaign paused for good).
    rows = [day_row(conv=0, clicks=2)] * 28
    snap = snapshot({"s1": rows}, **TRAFFIC)
    [alert] = rules.detect(snap)
    proposal = alerts._present(alert, snap)["proposal"]
    assert "does not resume it by itself" in proposal and 'adpilot ask "resume Set s1"' in proposal
