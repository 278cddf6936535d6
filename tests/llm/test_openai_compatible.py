"""The LLM planner against an OpenAI-compatible server on loopback (OPENAI_BASE_URL)."""

from __future__ import annotations

from datetime import date

from agents.orchestrator.planning import PlanDefaults
from agents.orchestrator.planning import llm as llm_planner
from state.plan import load_plan
from state.plan_checks import AccountInfo, validate_plan
from tests.llm.openai_stub import OpenAIStub
from tests.llm.scripted import VALID_DRAFT, draft, openai_reply

DEFAULTS = PlanDefaults(currency="USD", page_id="1001", pixel_id="2002", today=date(2026, 3, 1))


def test_request_carries_schema_and_invalid_output_is_repaired(monkeypatch):
    over_long = draft(objective="SELL_STUFF")  # not an ODAX objective: a schema error
    with OpenAIStub([openai_reply(over_long), "{not json", openai_reply(VALID_DRAFT)]) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("ADPILOT_MODEL", "openai:gpt-4.1-mini")
        result = llm_planner.plan_brief("trail shoes, $60/day, US women 25-45, https://example.com/trail",
                                  DEFAULTS)
    assert len(stub.requests) == 3
    first = stub.requests[0]
    assert first["model"] == "gpt-4.1-mini"
    fmt = first["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "DraftPlan"
    assert fmt["json_schema"]["strict"] is True
    assert "objective" in fmt["json_schema"]["schema"]["required"]
    assert first["messages"][0]["role"] == "system"
    # Each repair turn quotes the previous reply and says what was wrong with it.
    second = stub.requests[1]["messages"]
    assert second[-2]["role"] == "assistant" and "SELL_STUFF" in second[-2]["content"]
    assert "objective" in second[-1]["content"]
    third = stub.requests[2]["messages"]
    # Broken JSON parses to nothing: the feedback lists every required field.
    assert "{not json" in third[-2]["content"] and "Field required" in third[-1]["content"]
    assert stub.headers[0]["Authorization"] == "Bearer sk-test-not-a-real-key"
    assert result.problems == []
    account = AccountInfo(currency="USD", page_id="1001", pixel_id="2002")
    assert validate_plan(load_plan(result.plan), account).problems == []


def test_reports_and_new_fields_come_back_through_an_openai_server(monkeypatch):
    reply = draft(go_live=True,
                  unsupported=[{"phrase": "retarget site visitors", "feature": "custom_audience"}],
                  not_understood=[{"phrase": "hey team", "affects": None}],
                  adjustments=[{"path": "ad_sets[0].age_max", "from": 70, "to": 65,
                                "why": "Meta's oldest age is 65 (65+)"}])
    reply["ad_sets"][0].update(excluded_regions=[{"name": "California", "country": "US"}],
                               languages=["spanish"], platforms=["instagram"],
                               instagram_positions=["stream", "story"])
    with OpenAIStub([openai_reply(reply)]) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("ADPILOT_MODEL", "openai:gpt-4.1-mini")
        result = llm_planner.plan_brief("hey team, retarget site visitors in the US except California, "
                                  "Instagram feed and stories only, go live now", DEFAULTS)
    assert len(stub.requests) == 1
    assert [(q["kind"], q["phrase"]) for q in result.questions] == [
        ("unsupported", "retarget site visitors")]
    assert result.not_understood == [{"phrase": "hey team", "affects": None, "waived": False}]
    assert (result.adjustments[0]["from"], result.adjustments[0]["to"]) == (70, 65)
    assert isinstance(result.adjustments[0]["from"], int)  # ages stay whole numbers on the card
    plan = result.plan
    targeting = plan["ad_sets"][0]["targeting"]
    assert plan["go_live"] is True
    assert targeting["excluded_geo_locations"]["regions"][0]["name"] == "California"
    assert targeting["locales"] == [1002]
    assert targeting["instagram_positions"] == ["stream", "story"]
