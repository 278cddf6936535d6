"""Audience and detailed-targeting names resolve against the sandbox over HTTP — or become problems."""

import copy
import json

import pytest
from facebook_business.adobjects.adaccount import AdAccount

from agents.orchestrator import audience_refs
from agents.orchestrator.approval import approval_payload
from agents.orchestrator.nodes import validate_plan
from sandbox.testing import make_api
from tests.launchkit import admin, plan_for, runtime_for


def _customer_list(account: AdAccount, name: str) -> str:
    return account.create_custom_audience(params={
        "name": name, "subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY"})["id"]


@pytest.fixture
def audiences(sandbox_server, launch_context):
    """Audiences made with the real SDK: two spellings of VIP, a list, a website audience."""
    account = AdAccount(launch_context.account_id if str(launch_context.account_id).startswith("act_")
                        else f"act_{launch_context.account_id}", api=make_api(sandbox_server.url))
    ids = {name: _customer_list(account, name) for name in ("VIP", "vip", "Buyers 2025", "Newsletter")}
    rule = {"inclusions": {"operator": "or", "rules": [{
        "event_sources": [{"id": launch_context.pixel_id, "type": "pixel"}], "retention_seconds": 2592000,
        "filter": {"operator": "and", "filters": [{"field": "url", "operator": "i_contains",
                                                   "value": "/pricing"}]}}]}}
    ids["Pricing visitors"] = account.create_custom_audience(
        params={"name": "Pricing visitors", "rule": json.dumps(rule)})["id"]
    return ids


def _with_refs(ctx, paths, include, exclude=()):
    plan = plan_for(ctx, paths)
    plan["ad_sets"][0]["targeting"]["custom_audiences"] = list(include)
    if exclude:
        plan["ad_sets"][0]["targeting"]["excluded_custom_audiences"] = list(exclude)
    return plan


def test_names_resolve_exactly_then_ignoring_case_and_ids_are_checked(launch_context, sample_images,
                                                                      audiences):
    plan = _with_refs(launch_context, sample_images,
                      [{"name": "VIP"}, {"name": "newsletter"}, {"id": audiences["Pricing visitors"]}],
                      [{"name": "Buyers 2025"}])
    given = copy.deepcopy(plan)
    resolved, problems, facts = audience_refs.resolve(plan, launch_context.client_factory())
    assert problems == []
    assert plan == given  # the input is not changed
    t = resolved["ad_sets"][0]["targeting"]
    assert t["custom_audiences"] == [
        {"id": audiences["VIP"], "name": "VIP"},  # exact beats the case-insensitive "vip"
        {"id": audiences["Newsletter"], "name": "Newsletter"},  # the account's spelling is kept
        {"id": audiences["Pricing visitors"], "name": "Pricing visitors"}]  # an id gains its name
    assert t["excluded_custom_audiences"] == [{"id": audiences["Buyers 2025"], "name": "Buyers 2025"}]
    assert facts[audiences["Pricing visitors"]]["subtype"] == "WEBSITE"
    assert facts[audiences["VIP"]]["delivery_status"]["code"] == 300  # an empty list, as Meta says


def test_ambiguous_missing_and_unknown_id_are_problems_never_guesses(launch_context, sample_images,
                                                                     audiences):
    plan = _with_refs(launch_context, sample_images,
                      [{"name": "Vip"}, {"name": "Buyers 2024"}, {"id": "987654321"}])
    resolved, problems, _ = audience_refs.resolve(plan, launch_context.client_factory())
    by_path = {p["path"]: p for p in problems}
    ambiguous = by_path["ad_sets[0].targeting.custom_audiences[0].name"]
    assert "2 audiences in the ad account are named “Vip”" in ambiguous["message"]
    assert audiences["VIP"] in ambiguous["message"] and audiences["vip"] in ambiguous["message"]
    missing = by_path["ad_sets[0].targeting.custom_audiences[1].name"]
    assert "no custom audience named “Buyers 2024”; closest: “Buyers 2025”" in missing["message"]
    unknown = by_path["ad_sets[0].targeting.custom_audiences[2].id"]
    assert "no custom audience with id 987654321" in unknown["message"] and unknown["fix"]
    # Nothing was guessed: the unresolved references keep only what the plan said.
    assert resolved["ad_sets"][0]["targeting"]["custom_audiences"][:2] == [{"name": "Vip"},
                                                                          {"name": "Buyers 2024"}]


def test_lookalike_seed_by_name_resolves(launch_context, sample_images, audiences):
    plan = plan_for(launch_context, sample_images)
    plan["audiences"] = [{"key": "lal", "kind": "lookalike", "name": "LAL", "seed": {"name": "buyers 2025"},
                          "country": ["US"], "ratio": 0.01}]
    resolved, problems, _ = audience_refs.resolve(plan, launch_context.client_factory())
    assert problems == [] and resolved["audiences"][0]["seed"] == {"id": audiences["Buyers 2025"],
                                                                   "name": "Buyers 2025"}


def test_detailed_targeting_names_resolve_through_targeting_search(launch_context, sample_images,
                                                                   sandbox_server):
    plan = plan_for(launch_context, sample_images)
    plan["ad_sets"][0]["targeting"]["flexible_spec"] = [{
        "behaviors": [{"name": "frequent travelers"}],
        "life_events": [{"name": "Recently moved"}],
        "work_positions": [{"name": "Nurse"}]}]
    plan["ad_sets"][0]["targeting"]["exclusions"] = {"behaviors": [{"name": "Frequent flyers"}],
                                                     "interests": [{"name": "running"}]}
    resolved, problems, _ = audience_refs.resolve(plan, launch_context.client_factory())
    spec = resolved["ad_sets"][0]["targeting"]["flexible_spec"][0]
    assert spec["behaviors"][0]["name"] == "Frequent Travelers" and spec["behaviors"][0]["id"]
    assert spec["life_events"][0]["id"] and spec["work_positions"] == [
        {"id": spec["work_positions"][0]["id"], "name": "Nurse"}]  # exact, not "Registered nurse"
    assert resolved["ad_sets"][0]["targeting"]["exclusions"]["interests"][0]["name"] == "Running"
    [problem] = problems
    assert problem["path"] == "ad_sets[0].targeting.exclusions.behaviors[0].name"
    assert "no behaviors entry named “Frequent flyers”; closest:" in problem["message"]
    assert "Frequent Travelers" in problem["message"]


def test_validate_plan_stops_on_an_unknown_name_and_shows_sizes_when_resolved(
        launch_context, sample_images, sandbox_server, audiences):
    bad = _with_refs(launch_context, sample_images, [{"name": "Pricing visitor"}])
    update = validate_plan({"plan": bad}, runtime_for(launch_context, "r1"))
    assert update["phase"] == "invalid" and update["validation"] is None
    assert any("closest: “Pricing visitors”" in p["message"] for p in update["problems"])
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == len(audiences)

    good = _with_refs(launch_context, sample_images, [{"name": "Pricing visitors"}])
    state = {"plan": good}
    state.update(validate_plan(state, runtime_for(launch_context, "r2")))
    assert state["phase"] == "validated", state["problems"]
    assert state["plan"]["ad_sets"][0]["targeting"]["custom_audiences"] == [
        {"id": audiences["Pricing visitors"], "name": "Pricing visitors"}]
    card = approval_payload(state, go_live=False)["description"]
    assert (f"“Pricing visitors” (existing website visitors, id {audiences['Pricing visitors']}; "
            "Meta counts about 14,000–16,000 people)") in card


def test_a_seed_under_100_people_is_a_problem_and_an_unready_audience_a_warning(
        launch_context, sample_images, audiences):
    plan = _with_refs(launch_context, sample_images, [{"name": "Newsletter"}], [{"name": "VIP"}])
    plan["audiences"] = [{"key": "lal", "kind": "lookalike", "name": "LAL", "seed": {"name": "Buyers 2025"},
                          "country": ["US"], "ratio": 0.01}]
    resolved, problems, facts = audience_refs.resolve(plan, launch_context.client_factory())
    assert problems == []
    seed_problems, warnings = audience_refs.audience_checks(resolved, facts)
    [seed] = seed_problems
    assert seed["path"] == "audiences[0].seed" and "Meta needs at least 100" in seed["message"]
    # The empty "Newsletter" list is included: Meta's own reason is shown; excluding "VIP" is fine.
    [warning] = warnings
    assert warning["path"] == "ad_sets[0].targeting.custom_audiences[0]"
    assert "Meta says “Newsletter” is not ready to deliver: This audience is too small" in warning["message"]


def test_coded_statuses_are_named_on_the_card_from_targeting_search(launch_context, sample_images):
    plan = plan_for(launch_context, sample_images)
    plan["ad_sets"][0]["targeting"]["flexible_spec"] = [{"relationship_statuses": [3], "education_statuses": [3]}]
    state = {"plan": plan}
    state.update(validate_plan(state, runtime_for(launch_context, "c1")))
    assert state["estimates"]["details"]["relationship_statuses"]["3"] == "Married"
    card = approval_payload(state, go_live=False)["description"]
    assert "Detailed targeting: education: College grad; relationship status: Married" in card
