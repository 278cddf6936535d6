"""Issue 15's invalid combinations caught locally by `validate_plan`, before anything reaches Meta.

`COMBOS` / `VALID` are shared with tests/sandbox/test_capability_refusals.py, which sends the
same combinations to the sandbox: each is caught here with a problem whose path names the
field and whose fix is not empty, and each valid use passes both. `LOCAL_ONLY` are the rules
of objects created through their own endpoints (audiences, lead forms): the sandbox's answers
to those are the audience and lead-form endpoints' own.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from state.plan_checks import PlanReport, validate_plan
from tests.sandbox.test_capability_refusals import (
    BUYERS,
    COMBOS,
    LAL,
    VALID,
    VISITORS,
    Combo,
    Plan,
    Valid,
    audiences,
    leads,
    sets,
    then,
)
from tests.state.planfix import ACCOUNT, good_plan


def check(plan: Plan, account: dict[str, Any] | None = None) -> PlanReport:
    return validate_plan(plan, replace(ACCOUNT, **(account or {})))


LOCAL = [c for c in COMBOS if c.local]


@pytest.mark.parametrize("combo", LOCAL, ids=[c.id for c in LOCAL])
def test_each_combination_is_caught_with_its_field_and_fix(combo: Combo) -> None:
    report = check(combo.plan(good_plan()), combo.account)
    hits = [p for p in report.problems if p.rule == combo.rule and p.path.endswith(combo.path)]
    assert hits, f"{combo.id}: want {combo.rule} at …{combo.path}, got {report.to_dict()}"
    assert all(h.fix and h.message for h in hits)
    assert hits[0].path.startswith(("ad_sets[0]", "lead_form", "budget")), hits[0].path
    # caught for what it is: at most the goal table's refusal of the same field comes with it
    assert {p.rule for p in report.problems} <= {combo.rule, "goal"}, report.to_dict()


@pytest.mark.parametrize("valid", VALID, ids=[v.id for v in VALID])
def test_each_valid_use_passes(valid: Valid) -> None:
    report = check(valid.plan(good_plan()), valid.account)
    assert report.ok, report.to_dict()


def aud(**over: Any) -> dict[str, Any]:
    return {**copy.deepcopy(VISITORS), **over}


def used(*auds: dict[str, Any]) -> Any:
    """Audiences in the plan, the first targeted by the ad set (so none is 'unused')."""
    return then(audiences(*auds), sets(targeting__custom_audiences=[
        {"key": a["key"]} for a in auds if a["kind"] != "customer_list" or a is auds[0]]))


LOCAL_ONLY = [
    # Meta's answer to one audience both included and excluded is not sourced: the sandbox lets
    # the exclusion win (the ad set reaches nobody), adpilot stops it before the card.
    ("audience included and excluded", then(audiences(VISITORS), sets(
        targeting__custom_audiences=[{"key": "v30"}],
        targeting__excluded_custom_audiences=[{"key": "v30"}])), "audience_in_and_out",
     "excluded_custom_audiences"),
    ("website retention over 180", used(aud(retention_days=200)), "audience_retention",
     "audiences[0].retention_days"),
    ("website retention missing", used(aud(retention_days=None)), "audience_retention",
     "audiences[0].retention_days"),
    ("engagement retention over 365", used(aud(kind="engagement", source="facebook_page",
                                               retention_days=400)),
     "audience_retention", "audiences[0].retention_days"),
    ("engagement without source", used(aud(kind="engagement", retention_days=30)),
     "audience_source", "audiences[0].source"),
    ("website audience without a pixel", used(aud()), "audience_pixel", "audiences[0].pixel_id"),
    ("customer list without file", used({**BUYERS, "file": None}), "audience_file",
     "audiences[0].file"),
    ("lookalike over 10 %", used(BUYERS, {**LAL, "ratio": 0.15}), "lookalike_ratio",
     "audiences[1].ratio"),
    ("lookalike over Meta's 20 %", used(BUYERS, {**LAL, "ratio": 0.3}), "lookalike_ratio",
     "audiences[1].ratio"),
    ("starting ratio not below ratio", used(BUYERS, {**LAL, "starting_ratio": 0.01}),
     "lookalike_ratio", "audiences[1].starting_ratio"),
    ("lookalike country not ISO", used(BUYERS, {**LAL, "country": ["USA"]}),
     "lookalike_country", "audiences[1].country[0]"),
    ("lookalike seeded from itself", used({**LAL, "seed": {"key": "lal"}}), "lookalike_seed",
     "audiences[0].seed.key"),
    ("lookalike seeded from a lookalike", used(BUYERS, LAL, {**LAL, "key": "lal2",
                                                             "seed": {"key": "lal"}}),
     "lookalike_seed", "audiences[2].seed.key"),
    ("lookalike seed not in plan", used({**LAL, "seed": {"key": "nobody"}}), "lookalike_seed",
     "audiences[0].seed.key"),
    ("lookalike without seed", used({**LAL, "seed": None}), "lookalike_seed", "audiences[0].seed"),
    ("duplicate audience keys", used(aud(), aud(name="again")), "audience_key",
     "audiences[1].key"),
    ("lead form without privacy policy", then(leads, sets(plan__lead_form={
        "name": "F", "questions": [{"type": "EMAIL"}]})), "lead_form", "lead_form.privacy_policy"),
    ("privacy policy over http", then(leads, sets(plan__lead_form={
        "name": "F", "questions": [{"type": "EMAIL"}],
        "privacy_policy": {"url": "http://shop.example.com/p"}})), "lead_form",
     "lead_form.privacy_policy.url"),
    ("privacy link text over 70", then(leads, sets(plan__lead_form={
        "name": "F", "questions": [{"type": "EMAIL"}],
        "privacy_policy": {"url": "https://shop.example.com/p", "link_text": "x" * 71}})),
     "lead_form", "lead_form.privacy_policy.link_text"),
    ("lead form without questions", then(leads, sets(plan__lead_form={
        "name": "F", "privacy_policy": {"url": "https://shop.example.com/p"}})), "lead_form",
     "lead_form.questions"),
    ("custom question without label", then(leads, sets(plan__lead_form={
        "name": "F", "questions": [{"type": "CUSTOM", "key": "budget"}],
        "privacy_policy": {"url": "https://shop.example.com/p"}})), "lead_form",
     "lead_form.questions[0].label"),
    ("asset feed on an image creative", sets(ad__asset_feed_spec={"ad_formats": ["SINGLE_IMAGE"]}),
     "dynamic", "creative.asset_feed_spec"),
    ("dynamic creative without feed", sets(set__is_dynamic_creative=True, ad__format="dynamic"),
     "dynamic", "creative.asset_feed_spec"),
    ("instant form with a link-click goal", then(leads, sets(set__optimization_goal="LINK_CLICKS")),
     "lead_destination", "ad_sets[0].optimization_goal"),
    ("whatsapp button on a website ad set", sets(ad__call_to_action="WHATSAPP_MESSAGE"),
     "messaging", "creative.call_to_action"),
]


@pytest.mark.parametrize("name,mutate,rule,path", LOCAL_ONLY, ids=[c[0] for c in LOCAL_ONLY])
def test_local_only_rules(name: str, mutate: Any, rule: str, path: str) -> None:
    account = {"pixel_id": None} if "pixel" in name else None
    report = check(mutate(good_plan()), account)
    hits = [p for p in report.problems if p.rule == rule and p.path.endswith(path)]
    assert hits and hits[0].fix, f"{name}: {report.to_dict()}"


def test_the_ratio_message_says_meta_allows_more() -> None:
    report = check(used(BUYERS, {**LAL, "ratio": 0.15})(good_plan()))
    [p] = [p for p in report.problems if p.rule == "lookalike_ratio"]
    assert "0.20" in p.message and "adpilot" in p.message


def test_warnings_for_what_is_defined_but_unused() -> None:
    plan = then(audiences(VISITORS), leads)(good_plan())
    plan["ad_sets"][0]["destination_type"] = "WEBSITE"
    report = check(plan)
    warned = {(w.rule, w.path) for w in report.warnings}
    assert ("audience_unused", "audiences[0]") in warned
    assert ("lead_form", "lead_form") in warned


def test_a_cbo_campaign_strategy_governs_ad_set_bids() -> None:
    plan = sets(set__bid_amount=800)(good_plan())
    plan["bid_strategy"] = "COST_CAP"
    assert check(plan).ok  # the campaign's cost cap, the ad set's amount
    plan["ad_sets"][0]["bid_amount"] = None
    report = check(plan)
    assert [(p.rule, p.path) for p in report.problems] == [("bid", "ad_sets[0].bid_amount")]
    assert "campaign" in report.problems[0].message


def test_a_lead_ad_needs_no_landing_page_of_its_own() -> None:
    # Meta refuses a lead creative without a link (2061015); the launch sends its placeholder
    from state.meta_tree import to_meta_tree

    (plan,) = [c.plan(good_plan()) for c in COMBOS if not c.local]
    assert check(plan).ok
    tree = to_meta_tree(plan, account_id="act_1", page_id="p1",
                        image_hashes={"hero.jpg": "h1"}, video_ids={})
    assert json.dumps(tree["creatives"][0]["params"]).count("fb.me") >= 1


def test_under_cbo_ad_sets_that_agree_state_the_campaign_strategy() -> None:
    from state.plan import campaign_bid_strategy, load_plan

    plan = sets(set__bid_strategy="COST_CAP", set__bid_amount=800)(good_plan())
    assert check(plan).ok
    assert campaign_bid_strategy(load_plan(plan)) == "COST_CAP"
    two = good_plan()
    two["ad_sets"].append({**two["ad_sets"][0], "name": "Second"})
    two["ad_sets"][0].update(bid_strategy="COST_CAP", bid_amount=800)
    two["ad_sets"][1].update(bid_strategy="LOWEST_COST_WITH_BID_CAP", bid_amount=900)
    report = check(two)
    assert "bid_cbo" in report.rules_broken()  # one campaign budget, two ways to bid


def test_issues_elections_politics_keeps_detailed_targeting_and_credit_does_not() -> None:
    spec = [{"behaviors": [{"id": "6810275454778", "name": "Frequent Travelers"}]}]
    politics = sets(plan__special_ad_categories=["ISSUES_ELECTIONS_POLITICS"],
                    targeting__flexible_spec=spec)(good_plan())
    assert check(politics).ok
    credit = sets(plan__special_ad_categories=["CREDIT"], targeting__age_min=18,
                  targeting__age_max=65, targeting__flexible_spec=spec)(good_plan())
    assert not check(credit).ok


def test_counts() -> None:
    assert len(LOCAL) + len(LOCAL_ONLY) >= 60


def test_audience_ids_are_checked_against_the_account_when_it_was_read() -> None:
    known = {"111": "CUSTOM", "222": "LOOKALIKE"}
    ghost = sets(targeting__custom_audiences=[{"id": "999"}])(good_plan())
    assert check(ghost).ok  # not looked up: Meta answers (tests/sandbox: 100/1488001)
    report = check(ghost, {"audiences": known})
    assert [(p.rule, p.path) for p in report.problems] == [
        ("audience_ref", "ad_sets[0].targeting.custom_audiences[0].id")]
    housing = sets(plan__special_ad_categories=["HOUSING"], targeting__age_min=18,
                   targeting__age_max=65)
    lal = then(housing, sets(targeting__custom_audiences=[{"id": "222"}]))(good_plan())
    assert [p.rule for p in check(lal, {"audiences": known}).problems] == ["special_category"]
    custom = then(housing, sets(targeting__custom_audiences=[{"id": "111"}]))(good_plan())
    assert check(custom, {"audiences": known}).ok

