"""Each Meta rule in `validate_plan`: a valid plan passes; breaking one rule names its field."""

from dataclasses import replace

import pytest

from state.plan import load_plan
from state.plan_checks import validate_plan
from tests.state.planfix import ACCOUNT, good_plan


def _set(path, value):
    def mutate(plan):
        node = plan
        parts = path.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
        if value is _DEL:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
        return plan
    return mutate


_DEL = object()
T = "ad_sets.0.targeting"
C = "ad_sets.0.ads.0.creative"

CASES = [
    ("legacy objective", _set("objective", "CONVERSIONS"), "objective", "objective"),
    ("unknown special category", _set("special_ad_categories", ["GAMBLING"]), "special_category",
     "special_ad_categories[0]"),
    ("goal not allowed for objective", _set("ad_sets.0.optimization_goal", "LEAD_GENERATION"),
     "goal", "ad_sets[0].optimization_goal"),
    ("billing not allowed for goal", _set("ad_sets.0.billing_event", "LINK_CLICKS"), "billing",
     "ad_sets[0].billing_event"),
    ("sales without pixel", _set("ad_sets.0.promoted_object", {"custom_event_type": "PURCHASE"}),
     "promoted_object", "ad_sets[0].promoted_object.pixel_id"),
    ("unknown conversion event", _set("ad_sets.0.promoted_object.custom_event_type", "BUY"),
     "promoted_object", "custom_event_type"),
    ("no budget", _set("budget", None), "budget_missing", "budget"),
    ("budget under minimum", _set("budget.amount_minor", 99), "budget_minimum",
     "budget.amount_minor"),
    ("lifetime under minimum x days", _set("budget", {"kind": "lifetime", "amount_minor": 1000}),
     "budget_minimum", "budget.amount_minor"),
    ("lifetime without end", lambda p: _set("end_time", None)(_set(
        "budget", {"kind": "lifetime", "amount_minor": 100000})(p)), "lifetime_end", "end_time"),
    ("end before start", _set("end_time", "2026-03-02T00:00:00+00:00"), "schedule_order",
     "end_time"),
    ("daily budget under 24h", _set("end_time", "2026-03-03T12:00:00+00:00"), "daily_24h",
     "end_time"),
    ("currency differs from account", _set("currency", "EUR"), "currency", "currency"),
    ("age under 13", _set(f"{T}.age_min", 12), "age", "ad_sets[0].targeting.age_min"),
    ("age over 65", _set(f"{T}.age_max", 70), "age", "ad_sets[0].targeting.age_max"),
    ("age min above max", lambda p: _set(f"{T}.age_max", 30)(_set(f"{T}.age_min", 40)(p)), "age",
     "ad_sets[0].targeting.age_max"),
    ("minors in the EU", lambda p: _set(f"{T}.geo_locations", {"countries": ["FR"]})(
        _set(f"{T}.age_min", 16)(_set("dsa_payor", "X")(_set("dsa_beneficiary", "X")(p)))),
     "age", "age_min"),
    ("no geo", _set(f"{T}.geo_locations", {}), "geo_missing", "geo_locations"),
    ("unknown country", _set(f"{T}.geo_locations", {"countries": ["XX"]}), "geo_country",
     "countries[0]"),
    ("city radius out of range", _set(f"{T}.geo_locations", {"cities": [
        {"key": "1", "radius": 5, "distance_unit": "mile"}]}), "geo_radius", "cities[0].radius"),
    ("bad gender", _set(f"{T}.genders", [3]), "genders", "genders"),
    ("EU without DSA", _set(f"{T}.geo_locations", {"countries": ["DE"]}), "dsa", "dsa_payor"),
    ("special category narrows age", _set("special_ad_categories", ["HOUSING"]),
     "special_category", "age_min"),
    ("special category narrows gender", lambda p: _set(f"{T}.genders", [2])(_set(
        f"{T}.age_min", 18)(_set(f"{T}.age_max", 65)(_set("special_ad_categories",
                                                          ["EMPLOYMENT"])(p)))),
     "special_category", "genders"),
    ("special category with interests", lambda p: _set(f"{T}.flexible_spec", [
        {"interests": [{"id": "6003107902433", "name": "Running"}]}])(_set(f"{T}.age_min", 18)(
            _set(f"{T}.age_max", 65)(_set("special_ad_categories", ["CREDIT"])(p)))),
     "special_category", "flexible_spec"),
    ("position without its platform", lambda p: _set(f"{T}.instagram_positions", ["reels"])(
        _set(f"{T}.publisher_platforms", ["facebook"])(p)), "placements", "instagram_positions"),
    ("unknown position", _set(f"{T}.facebook_positions", ["billboard"]), "placements",
     "facebook_positions"),
    ("unknown CTA", _set(f"{C}.call_to_action", "BUY_IT"), "cta", "call_to_action"),
    ("carousel of one card", lambda p: _set(f"{C}.format", "carousel")(p), "carousel", "cards"),
    ("carousel of eleven", lambda p: _set(f"{C}.assets", [
        {"kind": "image", "path": f"{i}.jpg"} for i in range(11)])(
            _set(f"{C}.format", "carousel")(p)), "carousel", "cards"),
    ("image ad without image", _set(f"{C}.assets", []), "assets", "assets"),
    ("video ad with two videos", lambda p: _set(f"{C}.assets", [
        {"kind": "video", "path": "a.mp4"}, {"kind": "video", "path": "b.mp4"}])(
            _set(f"{C}.format", "video")(p)), "assets", "assets"),
    ("invalid landing url", _set("landing_url", "shop dot com"), "url", "landing_url"),
    ("no landing page anywhere", _set("landing_url", None), "landing_missing", "link"),
    ("forbidden characters", _set(f"{C}.headline", "Big {sale}"), "text_chars", "headline"),
    ("text starting with punctuation", _set(f"{C}.primary_text", "!Sale"), "text_chars",
     "primary_text"),
    ("no ad sets", _set("ad_sets", []), "structure", "ad_sets"),
    ("no ads", _set("ad_sets.0.ads", []), "structure", "ads"),
    ("budget on campaign and ad set", _set("ad_sets.0.budget", {"kind": "daily",
                                                                "amount_minor": 5000}),
     "budget_both", "ad_sets[0].budget"),
    ("bid cap without bid", _set("ad_sets.0.bid_strategy", "COST_CAP"), "bid", "bid_amount"),
    ("experiment with one variant", _set("experiment", {"kind": "creative", "variants": ["A"]}),
     "experiment", "experiment.variants"),
]


def test_the_good_plan_is_valid():
    report = validate_plan(good_plan(), ACCOUNT)
    assert report.ok, report.to_dict()
    assert report.warnings == []


@pytest.mark.parametrize("name,mutate,rule,path", CASES, ids=[c[0] for c in CASES])
def test_each_rule_is_enforced(name, mutate, rule, path):
    report = validate_plan(mutate(good_plan()), ACCOUNT)
    hits = [p for p in report.problems if p.rule == rule]
    assert hits, f"{name}: expected rule {rule}, got {report.to_dict()}"
    assert any(path in p.path for p in hits), [p.path for p in hits]
    assert all(p.fix for p in report.problems), "every problem says how to fix it"


def test_text_lengths_are_warnings_not_problems():
    plan = good_plan()
    plan["ad_sets"][0]["ads"][0]["creative"].update(
        primary_text="x " * 80, headline="A headline that is much longer than forty chars",
        description="A description longer than thirty characters")
    report = validate_plan(plan, ACCOUNT)
    assert report.ok
    paths = {w.path.rsplit(".", 1)[-1] for w in report.warnings if w.rule == "text_length"}
    assert paths == {"primary_text", "headline", "description"}


def test_budget_minimum_uses_the_accounts_own_row_when_given():
    plan = good_plan()
    plan["budget"]["amount_minor"] = 150
    assert validate_plan(plan, ACCOUNT).ok
    strict = replace(ACCOUNT, min_budget_row={"min_daily_budget_imp": 200})
    assert "budget_minimum" in validate_plan(plan, strict).rules_broken()


def test_cbo_minimum_counts_every_ad_set():
    plan = good_plan()
    plan["ad_sets"] = plan["ad_sets"] * 3
    plan["budget"]["amount_minor"] = 250  # 3 ad sets x $1.00 minimum = $3.00
    assert "budget_minimum" in validate_plan(plan, ACCOUNT).rules_broken()
    plan["budget"]["amount_minor"] = 300
    assert validate_plan(plan, ACCOUNT).ok


def test_ad_set_level_budget_is_split_and_checked_per_ad_set():
    plan = good_plan()
    plan["ad_sets"] = plan["ad_sets"] * 2
    plan["budget"] = {"kind": "daily", "amount_minor": 150, "level": "ad_set"}
    report = validate_plan(plan, ACCOUNT)
    assert "budget_minimum" in report.rules_broken()


def test_jpy_minimum_is_in_whole_yen():
    plan = good_plan()
    plan["currency"] = "JPY"
    plan["budget"]["amount_minor"] = 149
    account = replace(ACCOUNT, currency="JPY")
    assert "budget_minimum" in validate_plan(plan, account).rules_broken()
    plan["budget"]["amount_minor"] = 150
    assert validate_plan(plan, account).ok


def test_structural_errors_name_the_field():
    plan = good_plan()
    plan["ad_sets"][0]["targeting"]["age_min"] = "old"
    plan["budget"]["kind"] = "weekly"
    report = validate_plan(plan, ACCOUNT)
    paths = {p.path for p in report.problems}
    assert "ad_sets[0].targeting.age_min" in paths
    assert "budget.kind" in paths


@pytest.mark.parametrize("value", ["80", 80.0, 8000.5, True])
def test_money_given_as_text_or_a_decimal_is_refused_naming_the_field(value):
    """Found by a review: the text "80" in an edited plan became 80 minor units (USD 0.80)."""
    plan = good_plan()
    plan["budget"]["amount_minor"] = value
    report = validate_plan(plan, ACCOUNT)
    (problem,) = report.problems
    assert problem.path == "budget.amount_minor" and problem.rule == "money_type"
    assert problem.message.startswith("must be a whole number of minor units, e.g. 8000 for "
                                      f"{plan['currency']} 80.00; the plan gives ")
    bid, target = good_plan(), good_plan()
    bid["ad_sets"][0]["bid_amount"] = "25"
    target["targets"] = {"cpa_minor": "25"}
    assert [p.path for p in validate_plan(bid, ACCOUNT).problems if p.rule == "money_type"] == [
        "ad_sets[0].bid_amount"]
    assert [p.path for p in validate_plan(target, ACCOUNT).problems if p.rule == "money_type"] == [
        "targets.cpa_minor"]


def test_unknown_fields_are_refused_with_a_fix():
    plan = good_plan()
    plan["ad_sets"][0]["bugdet"] = 5
    report = validate_plan(plan, ACCOUNT)
    assert report.problems[0].path == "ad_sets[0].bugdet"
    assert "remove" in report.problems[0].fix


def test_start_in_the_past_is_a_warning():
    plan = good_plan()
    plan["start_time"] = "2026-02-01T00:00:00+00:00"
    report = validate_plan(plan, ACCOUNT)
    assert report.ok and "start_past" in {w.rule for w in report.warnings}


def test_carousel_cards_come_from_images():
    plan = good_plan()
    c = plan["ad_sets"][0]["ads"][0]["creative"]
    c.update(format="carousel", assets=[{"kind": "image", "path": f"{i}.jpg"} for i in range(3)])
    model = load_plan(plan)
    assert len(model.ad_sets[0].ads[0].creative.cards) == 3
    assert validate_plan(model, ACCOUNT).ok
