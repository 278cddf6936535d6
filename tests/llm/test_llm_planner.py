"""The LLM planner with a scripted chat model: schema sent, repairs bounded, plan valid."""

from __future__ import annotations

from datetime import date

import pytest

from agents.orchestrator.planning import WHO, PlanDefaults
from agents.orchestrator.planning import llm as llm_planner
from state.plan import load_plan
from state.plan_checks import AccountInfo, validate_plan
from tests.llm.scripted import VALID_DRAFT, draft, scripted_model

DEFAULTS = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", account_id="act_1",
                        today=date(2026, 3, 1))


def _account() -> AccountInfo:
    return AccountInfo(currency="USD", account_id="act_1", page_id="1001", pixel_id="2002")


def _text(messages) -> str:
    return "\n".join(str(m.content) for m in messages)


def test_valid_draft_becomes_a_plan_that_validates():
    model = scripted_model(VALID_DRAFT)
    result = llm_planner.plan_brief("trail shoes, $60/day, US women 25-45", DEFAULTS, model=model)
    assert len(model.calls) == 1
    # The structured-output schema is what the model was bound to.
    assert model.bound_tools[0]["title"] == "DraftPlan"
    assert "ad_sets" in model.bound_tools[0]["properties"]
    assert result.problems == [] and result.questions == []
    plan = result.plan
    assert plan["budget"] == {"kind": "daily", "level": "campaign", "amount_minor": 6000}
    ad_set = plan["ad_sets"][0]
    assert ad_set["optimization_goal"] == "OFFSITE_CONVERSIONS"
    assert ad_set["promoted_object"] == {"pixel_id": "2002", "custom_event_type": "PURCHASE"}
    assert ad_set["targeting"]["genders"] == [2]
    assert [a["creative"]["headline"] for a in ad_set["ads"]] == ["Run further, slip less",
                                                                   "Trail shoes, 20% off"]
    assert validate_plan(load_plan(plan), _account()).problems == []
    # The system prompt carries the account's facts.
    assert "2026-03-01" in _text(model.calls[0]) and "USD" in _text(model.calls[0])


def test_schema_error_then_plan_problem_are_repaired():
    broken = {"name": "x"}  # most required fields missing
    too_young = draft()
    too_young["ad_sets"][0]["age_min"] = 12
    model = scripted_model(broken, too_young, VALID_DRAFT)
    result = llm_planner.plan_brief("trail shoes", DEFAULTS, model=model)
    assert len(model.calls) == 3
    second, third = _text(model.calls[1]), _text(model.calls[2])
    assert "did not match the required schema" in second and "objective" in second
    assert "age_min" in third and "Your draft needs fixing" in third
    assert result.problems == []
    assert result.plan["ad_sets"][0]["targeting"]["age_min"] == 25


def test_at_most_two_repairs_then_problems_are_returned():
    bad = draft(budget_amount=0.2)  # under Meta's minimum daily budget
    model = scripted_model(bad, bad, bad, VALID_DRAFT)
    result = llm_planner.plan_brief("trail shoes", DEFAULTS, model=model)
    assert len(model.calls) == 3  # the first try plus two repairs, never a fourth
    assert any("budget" in p["path"] for p in result.problems)
    assert len(model.drafts) == 1


def test_plain_text_replies_exhaust_repairs_without_a_plan():
    model = scripted_model("sorry, I cannot", "still no", "nope")
    result = llm_planner.plan_brief("trail shoes", DEFAULTS, model=model)
    assert len(model.calls) == 3
    assert result.plan is None and result.problems[0]["path"] == "draft"


def test_missing_facts_become_questions_not_repairs():
    d = draft(budget_amount=None, budget_currency=None, landing_url=None,
              missing=["budget", "landing_url"])
    model = scripted_model(d, VALID_DRAFT)
    result = llm_planner.plan_brief("trail shoes for runners in the US", DEFAULTS, model=model)
    assert len(model.calls) == 1
    assert {q["field"] for q in result.questions} == {"budget", "landing_url"}


def test_interest_names_are_resolved_through_the_search():
    seen = []

    def search(name):
        seen.append(name)
        return [{"id": 6003107902433, "name": "Running"}] if name == "Running" else []

    d = draft()
    d["ad_sets"][0]["interests"] = ["Running", "Zorbing on Mars"]
    result = llm_planner.plan_brief("trail shoes", DEFAULTS, model=scripted_model(d),
                              search_interests=search)
    assert seen == ["Running", "Zorbing on Mars"]
    interests = result.plan["ad_sets"][0]["targeting"]["flexible_spec"][0]["interests"]
    assert interests == [{"id": "6003107902433", "name": "Running"}]
    # An interest nobody can find changes who sees the ads: asked about, never dropped silently.
    assert [(q["kind"], q["phrase"], q["affects"]) for q in result.questions] == [
        ("not_understood", "Zorbing on Mars", WHO)]
    assert result.not_understood == [{"phrase": "Zorbing on Mars", "affects": WHO, "waived": False}]
    waived = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", today=date(2026, 3, 1),
                          waived=("zorbing on mars",))
    result = llm_planner.plan_brief("trail shoes", waived, model=scripted_model(d), search_interests=search)
    assert result.questions == [] and result.not_understood[0]["waived"] is True
    assert any("Zorbing on Mars" in w["message"] for w in result.warnings)


def test_lifetime_budget_in_yen_and_duration():
    d = draft(budget_amount=80000, budget_currency="JPY", budget_kind="lifetime",
              start_date="2026-03-02", duration_days=14)
    result = llm_planner.plan_brief("¥80000 over two weeks", PlanDefaults(
        currency="JPY", page_id="1001", pixel_id="2002", today=date(2026, 3, 1)),
        model=scripted_model(d))
    assert result.plan["budget"]["amount_minor"] == 80000
    assert result.plan["end_time"].startswith("2026-03-16")


def test_model_setting_errors_name_the_variable(monkeypatch):
    monkeypatch.setenv("ADPILOT_MODEL", "rules")
    with pytest.raises(llm_planner.PlannerConfigError, match="ADPILOT_MODEL"):
        llm_planner.plan_brief("trail shoes", DEFAULTS)
    with pytest.raises(llm_planner.PlannerConfigError, match="provider:model"):
        llm_planner.chat_model("nosuchprovider:some-model")
    with pytest.raises(ValueError, match="brief"):
        llm_planner.plan_brief("  ", DEFAULTS, model=scripted_model(VALID_DRAFT))


def test_eu_audience_needs_the_advertiser_then_names_payor_and_beneficiary():
    d = draft()
    d["ad_sets"][0]["countries"] = ["DE"]
    result = llm_planner.plan_brief("sneakers in Germany", DEFAULTS, model=scripted_model(d))
    assert [q["field"] for q in result.questions] == ["dsa_payor"]
    named = draft(advertiser="Trail Co GmbH")
    named["ad_sets"][0]["countries"] = ["DE"]
    model = scripted_model(named)
    result = llm_planner.plan_brief("sneakers in Germany, paid for by Trail Co GmbH", DEFAULTS, model=model)
    assert result.questions == [] and result.problems == [] and len(model.calls) == 1
    ad_set = result.plan["ad_sets"][0]
    assert ad_set["dsa_payor"] == ad_set["dsa_beneficiary"] == "Trail Co GmbH"


def test_relative_assets_resolve_against_the_asset_dir():
    defaults = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", asset_dir="/briefs/spring")
    result = llm_planner.plan_brief("trail shoes", defaults, model=scripted_model(VALID_DRAFT))
    assets = result.plan["ad_sets"][0]["ads"][0]["creative"]["assets"]
    assert assets == [{"kind": "image", "path": "/briefs/spring/shoe.jpg"}]
