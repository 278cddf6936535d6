"""Meta's delivery estimate on the card, against the sandbox over HTTP; minimum budgets for a bid."""

import copy
import hashlib

import pytest
from facebook_business.adobjects.adaccount import AdAccount

from agents.orchestrator.approval import approval_payload
from agents.orchestrator.card import render_card
from agents.orchestrator.estimates import at_spend, estimate_plan, read_estimate
from agents.orchestrator.nodes import validate_plan
from sandbox.testing import make_api
from tests.launchkit import plan_for, runtime_for
from tools.errors import ThrottledError
from tools.estimates import delivery_estimate

CURVE = [{"spend": 0, "reach": 0, "impressions": 0, "actions": 0},
         {"spend": 1000, "reach": 2000, "impressions": 2200, "actions": 2},
         {"spend": 3000, "reach": 4000, "impressions": 5000, "actions": 6}]


def test_curve_is_interpolated_at_the_budget_and_held_past_its_end():
    assert at_spend(CURVE, 2000) == {"reach": 3000, "impressions": 3600, "actions": 4}
    assert at_spend(CURVE, 500)["actions"] == 1  # from zero up to the first point
    assert at_spend(CURVE, 9000)["reach"] == 4000  # Meta expects no more past the curve's end


def test_all_zero_curve_is_no_estimate_and_the_range_follows_metas_spread():
    zero = read_estimate({"daily_outcomes_curve": [dict.fromkeys(CURVE[0], 0)]}, 6000, "USD")
    assert zero["status"] == "no_estimate"  # ~200 people: Meta's single all-zero point
    row = {"daily_outcomes_curve": CURVE, "estimate_mau_lower_bound": 90_000_000,
           "estimate_mau_upper_bound": 110_000_000}
    est = read_estimate(row, 2000, "USD", days=14)
    assert est["daily"] == {"actions": [3.6, 4.4], "reach": [2700, 3300]}  # 4 and 3,000 ±10 %
    assert any("broad for the budget" in w for w in est["warnings"])  # 14 × 3,000 < 1 % of 90M
    small = read_estimate({**row, "estimate_mau_lower_bound": 10_000,
                           "estimate_mau_upper_bound": 12_000}, 9000, "USD")
    assert any("stops at USD 30.00 a day, below the USD 90.00 budget" in w for w in small["warnings"])
    assert any("40% of it is reached every day" in w for w in small["warnings"])


class Refusing:
    """A client whose every call is throttled (or that must not be called at all)."""

    def __init__(self, error=None):
        self.error, self.calls = error, 0

    def get(self, *_a, **_k):
        self.calls += 1
        raise self.error or AssertionError("no call expected")

    def _account(self):
        return "act_1"


def test_throttle_means_unavailable_and_created_audiences_wait_for_launch(launch_context, sample_images):
    plan = plan_for(launch_context, sample_images)
    throttled = Refusing(ThrottledError("(#17) User request limit reached", retry_after_s=60))
    [est] = estimate_plan(throttled, plan, launch_context)
    assert est["status"] == "unavailable" and throttled.calls == 1
    assert "estimate unavailable" in render_card(plan, estimates={"ad_sets": [est]})

    plan["audiences"] = [{"key": "v", "kind": "website", "name": "Visitors 30d", "retention_days": 30}]
    plan["ad_sets"][0]["targeting"]["custom_audiences"] = [{"key": "v"}]
    [est] = estimate_plan(Refusing(), plan, launch_context)  # no call: the audience does not exist yet
    assert est["status"] == "after_launch" and "“Visitors 30d”, which this launch creates" in est["reason"]


def test_budget_inside_the_curve_on_the_card(launch_context, sample_images):
    plan = plan_for(launch_context, sample_images, daily_minor=6000)
    state = {"plan": plan}
    state.update(validate_plan(state, runtime_for(launch_context, "e1")))
    assert state["phase"] == "validated", state["problems"]
    [est] = state["estimates"]["ad_sets"]
    # The same question asked directly: the card's range brackets Meta's curve at $60.
    t = plan["ad_sets"][0]["targeting"]
    row = delivery_estimate(launch_context.client_factory(), {**t, "geo_locations": {"countries": ["US"]}},
                            "OFFSITE_CONVERSIONS", plan["ad_sets"][0]["promoted_object"])
    assert max(p["spend"] for p in row["daily_outcomes_curve"]) > 6000  # the budget is inside
    point = at_spend(row["daily_outcomes_curve"], 6000)
    assert est["status"] == "ok" and est["mau_lower"] == row["estimate_mau_lower_bound"]
    assert est["daily"]["reach"][0] <= point["reach"] <= est["daily"]["reach"][1]
    assert est["daily"]["actions"][0] <= point["actions"] <= est["daily"]["actions"][1]
    card = approval_payload(state, go_live=False)["action_requests"][0]["description"]
    low, high = est["daily"]["reach"]
    assert (f"Delivery estimate: Meta's estimate: audience about {row['estimate_mau_lower_bound']:,}–"
            f"{row['estimate_mau_upper_bound']:,} people a month; at USD 60.00 a day (the campaign "
            "budget):") in card
    assert f"{low:,}–{high:,} people reached a day" in card


def test_all_zero_curve_and_endpoint_error_against_the_sandbox(launch_context, sample_images, sandbox_server):
    account = AdAccount(launch_context.account_id, api=make_api(sandbox_server.url))
    few = account.create_custom_audience(params={"name": "Few buyers", "subtype": "CUSTOM",
                                                 "customer_file_source": "USER_PROVIDED_ONLY"})["id"]
    hashes = [hashlib.sha256(f"p{i}@example.com".encode()).hexdigest() for i in range(300)]
    account.get_api().call("POST", (few, "users"), params={
        "payload": {"schema": "EMAIL_SHA256", "data": hashes},
        "session": {"session_id": 1, "batch_seq": 1, "last_batch_flag": True}})
    plan = plan_for(launch_context, sample_images)
    plan["ad_sets"].append(copy.deepcopy(plan["ad_sets"][0]) | {"name": "Few"})
    plan["ad_sets"].append(copy.deepcopy(plan["ad_sets"][0]) | {"name": "Unknown interest"})
    plan["ad_sets"][1]["targeting"]["custom_audiences"] = [{"id": few, "name": "Few buyers"}]
    plan["ad_sets"][2]["targeting"]["flexible_spec"] = [{"interests": [{"id": "1", "name": "Nope"}]}]
    ok, zero, refused = estimate_plan(launch_context.client_factory(), plan, launch_context)
    assert ok["status"] == "ok"
    assert zero["status"] == "no_estimate"  # ~200 people: Meta's single all-zero point
    assert refused["status"] == "unavailable" and refused["reason"].startswith("Meta did not answer")
    card = render_card(plan, estimates={"ad_sets": [ok, zero, refused]})
    assert "Delivery estimate: no estimate yet" in card
    assert "Delivery estimate: estimate unavailable (Meta did not answer" in card


@pytest.mark.parametrize(("budgets", "bids", "problem"), [
    ((3000,), (3500,), "USD 30.00 is below Meta's minimum of USD 35.00 per day"),
    ((4000, 4000), (5000, None), "USD 40.00 is below Meta's minimum of USD 50.00 for a bid of USD 50.00"),
    ((6000,), (3500,), None),
])
def test_minimum_budget_follows_the_bid(launch_context, sample_images, budgets, bids, problem):
    plan = plan_for(launch_context, sample_images)
    plan["budget"] = {"kind": "daily", "amount_minor": sum(budgets), "level": "ad_set"}
    base = plan["ad_sets"][0]
    plan["ad_sets"] = []
    for i, (budget, bid) in enumerate(zip(budgets, bids, strict=True)):
        ad_set = copy.deepcopy(base) | {"name": f"s{i}", "budget": {"kind": "daily", "amount_minor": budget,
                                                                  "level": "ad_set"}}
        if bid:
            ad_set |= {"bid_strategy": "COST_CAP", "bid_amount": bid}
        plan["ad_sets"].append(ad_set)
    update = validate_plan({"plan": plan}, runtime_for(launch_context, "b1"))
    messages = [p["message"] for p in update["problems"]]
    if problem is None:
        assert not any("minimum" in m for m in messages), messages
    else:
        assert any(problem in m for m in messages), messages
        assert "ad_sets[0].budget.amount_minor" in {p["path"] for p in update["problems"]}


def test_the_card_says_when_the_run_overrides_what_the_plan_asks_about_going_live(
        launch_context, sample_images):
    # Found by a review: an edit that set go_live was credited to the brief; a go-live plan
    # kept paused by the run must say so.
    plan = plan_for(launch_context, sample_images)

    def line(asked, live):
        doc = {k: v for k, v in plan.items() if k != "go_live"}
        card = render_card({**doc, "go_live": asked} if asked is not None else doc, go_live=live)
        return next(x for x in card.splitlines() if x.startswith("- **On approval:**"))
    assert "the plan asks to go live**; this run creates it paused" in line(True, False)
    assert line(True, True).endswith("goes live immediately — as the plan asks")
    assert line(None, False).endswith("created PAUSED (activate later)")
    # "keep it paused" is kept apart from silence: a run that goes live over it says so
    assert "**the plan asks to keep it paused**; this run goes live (--live" in line(False, True)
    assert line(False, False).endswith("created PAUSED (activate later) — as the plan asks")
    assert "brief" not in line(True, True)  # an edit may have asked it: "the plan" either way


def test_a_phrase_only_the_name_and_copy_use_is_not_called_unused(launch_context, sample_images):
    # Found by a review: "not used: 'trail shoes' (changes nothing in the plan)" on a card whose
    # campaign name and ad copy said "trail shoes".
    from agents.orchestrator.card import reading_lines

    plan = plan_for(launch_context, sample_images)
    word = plan["name"].split()[0]
    lines = reading_lines({"not_understood": [{"phrase": word}, {"phrase": "zzz qqq"}]}, plan)
    assert f"- used only in the name and ad copy: ‘{word}’" in lines
    assert "- not used: ‘zzz qqq’ (changes nothing in the plan)" in lines
