from agents.orchestrator.card import render_card, spend_summary

PLAN = {
    "name": "Trail shoes", "objective": "OUTCOME_SALES", "currency": "USD",
    "budget": {"kind": "daily", "amount_minor": 6000, "level": "campaign"},
    "start_time": "2026-12-01T00:00:00+00:00", "end_time": "2026-12-15T00:00:00+00:00",
    "landing_url": "https://shop.example.com/trail",
    "ad_sets": [{
        "name": "Runners US", "optimization_goal": "OFFSITE_CONVERSIONS", "billing_event": "IMPRESSIONS",
        "targeting": {"geo_locations": {"countries": ["US", "CA"]}, "age_min": 25, "age_max": 45,
                      "genders": [2], "flexible_spec": [{"interests": [{"id": "1", "name": "Running"}]}]},
        "ads": [{"name": "A", "creative": {"format": "image", "primary_text": "Grip | go",
                                           "headline": "Trail ready", "call_to_action": "SHOP_NOW",
                                           "assets": [{"kind": "image", "path": "/x/shoe.png"}]}}],
    }],
}


def test_spend_daily_campaign_budget_over_fourteen_days():
    assert spend_summary(PLAN) == {"daily": 6000, "peak_day": 10500, "total": 84000}  # +75 %


def test_spend_lifetime_and_open_ended():
    lifetime = {**PLAN, "budget": {"kind": "lifetime", "amount_minor": 150000, "level": "campaign"}}
    assert spend_summary(lifetime)["total"] == 150000
    assert spend_summary(lifetime)["daily"] == 150000 // 14
    open_ended = {**PLAN, "end_time": None}
    assert spend_summary(open_ended)["total"] is None


def test_spend_of_a_lifetime_budget_without_a_start_counts_its_days_from_the_check():
    """Found by a review: with no start the whole lifetime budget was shown as one day's."""
    from datetime import UTC, datetime

    from state.exposure import campaign_daily_budget

    undated = {**PLAN, "start_time": None,
               "budget": {"kind": "lifetime", "amount_minor": 150000, "level": "campaign"}}
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)  # 13 days 15 hours before the end: 14 days
    assert spend_summary(undated, now) == {"daily": 150000 // 14, "peak_day": 18749,
                                           "total": 150000}
    assert "USD 107.14 a day" in render_card(undated, now=now)
    assert "on approval → Tue 15 Dec 2026 00:00 (UTC), 14 days" in render_card(undated, now=now)
    # The money gate spreads it over the same days (it rounds up: a cap is never under-counted).
    gate = campaign_daily_budget([{"id": "c", "type": "campaign", "lifetime_budget": 150000,
                                   "stop_time": PLAN["end_time"]}], "c", now)
    assert gate == -(-150000 // 14)
    # A start already passed launches now too, as the gate counts it.
    assert spend_summary({**undated, "start_time": "2026-11-01T00:00:00+00:00"}, now)["daily"] \
        == 150000 // 14


def test_spend_ad_set_level_budget_is_shared_or_overridden():
    two = [PLAN["ad_sets"][0], {**PLAN["ad_sets"][0], "name": "b"}]
    shared = {**PLAN, "budget": {"kind": "daily", "amount_minor": 3000, "level": "ad_set"}, "ad_sets": two}
    assert spend_summary(shared)["daily"] == 3000  # an equal share each, not 3000 each
    assert "USD 15.00 daily" in render_card(shared)
    own = {**shared, "ad_sets": [two[0], {**two[1], "budget": {"kind": "daily", "amount_minor": 4000,
                                                              "level": "ad_set"}}]}
    assert spend_summary(own)["daily"] == 1500 + 4000


def test_spend_counts_whole_days_across_a_clock_change():
    plan = {**PLAN, "start_time": "2026-03-03T00:00:00-08:00", "end_time": "2026-03-24T00:00:00-07:00"}
    assert spend_summary(plan)["total"] == 6000 * 21


def test_spend_zero_decimal_currency_on_card():
    plan = {**PLAN, "currency": "JPY", "budget": {"kind": "daily", "amount_minor": 8000, "level": "campaign"}}
    card = render_card(plan)
    assert "JPY 8,000 a day" in card


def test_card_shows_what_a_marketer_checks():
    card = render_card(PLAN, validation={"ok": True, "checked": 3, "errors": []},
                       warnings=[{"path": "ad_sets[0].ads[0].creative.headline", "message": "long"}], go_live=True)
    for text in ["OUTCOME_SALES", "USD 60.00 a day", "worst-case total USD 840.00",
                 "US, CA", "ages 25–45", "women", "interests: Running", "Runners US",
                 "Trail ready", "SHOP_NOW", "/x/shoe.png", "accepted", "goes live immediately",
                 "https://shop.example.com/trail", "Tue 15 Dec 2026", "14 days"]:
        assert text in card, text
    assert "Grip / go" in card  # a pipe would break the markdown table


def test_card_lists_problems_with_fixes():
    card = render_card(PLAN, problems=[{"path": "budget.amount_minor", "message": "too low", "fix": "raise it"}])
    assert "`budget.amount_minor`: too low — fix: raise it" in card
