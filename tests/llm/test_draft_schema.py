"""The draft schema stays OpenAI strict-mode valid, and its enums are the planners' own tables."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from agents.orchestrator.planning import GOAL, SPEND, WHO, PlanDefaults
from agents.orchestrator.planning import llm as llm_planner
from agents.orchestrator.planning.llm.draft import DraftPlan
from agents.orchestrator.planning.people.audience import LOCALES
from state import rules
from tests.llm.openai_stub import OpenAIStub
from tests.llm.scripted import VALID_DRAFT, openai_reply

# Keywords OpenAI's strict mode rejects (or silently ignores) in a response schema.
UNSUPPORTED_KEYWORDS = {"default", "minLength", "maxLength", "pattern", "minItems", "maxItems",
                        "uniqueItems", "patternProperties", "unevaluatedProperties"}


def _objects(node: Any, where: str = "$") -> list[tuple[str, dict[str, Any]]]:
    """Every object schema in `node` (including $defs), with where it is."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            found.append((where, node))
        for key, value in node.items():
            found += _objects(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _objects(value, f"{where}[{i}]")
    return found


def _keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        keys = set(node) - ({"properties", "$defs"} & set(node))
        inner = [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
        inner += [v for k, v in node.items() if k not in ("properties", "$defs")]
        return keys | {k for v in inner for k in _keywords(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keywords(v)}
    return set()


def assert_strict(schema: dict[str, Any]) -> None:
    objects = _objects(schema)
    assert len(objects) >= 12  # the plan, ad sets, ads, creatives, places and every report item
    for where, obj in objects:
        assert obj.get("additionalProperties") is False, where
        assert sorted(obj.get("required", [])) == sorted(obj["properties"]), where
    assert not _keywords(schema) & UNSUPPORTED_KEYWORDS


def test_schema_is_strict_mode_valid():
    assert_strict(llm_planner.draft_schema())


def test_every_draft_field_is_required_even_when_nullable():
    schema = llm_planner.draft_schema()
    adjustment = schema["$defs"]["DraftAdjustment"]
    assert sorted(adjustment["properties"]) == ["from", "path", "to", "why"]  # "from", not from_
    for name in ("not_understood", "unsupported", "ambiguous", "conflicts", "invalid",
                 "adjustments", "go_live"):
        assert name in schema["required"]
    assert "unparsed" not in schema["properties"]  # replaced by not_understood


def _enum(schema: dict[str, Any], *path: str) -> list[str]:
    node: Any = schema
    for key in path:
        node = node[key]
    if "anyOf" in node:
        node = next(n for n in node["anyOf"] if n.get("enum"))
    return list(node["enum"])


def test_enums_come_from_the_planners_tables():
    schema = llm_planner.draft_schema()
    ad_set = schema["$defs"]["DraftAdSet"]["properties"]
    assert _enum(ad_set, "languages", "items") == list(LOCALES)
    assert _enum(ad_set, "facebook_positions", "items") == list(rules.FACEBOOK_POSITIONS)
    assert _enum(ad_set, "instagram_positions", "items") == list(rules.INSTAGRAM_POSITIONS)
    affects = _enum(schema["$defs"]["DraftNotUnderstood"]["properties"], "affects")
    assert set(affects) == {WHO, SPEND, GOAL}
    features = _enum(schema["$defs"]["DraftUnsupported"]["properties"], "feature")
    assert {"custom_audience", "lookalike", "exclusion_audience", "cost_cap", "bid_cap",
            "min_roas", "lead_form", "messaging", "budget_schedule", "other"} == set(features)


def test_valid_draft_fixture_fills_every_field():
    DraftPlan.model_validate(VALID_DRAFT)  # the scripted replies are complete drafts


def test_the_schema_sent_to_an_openai_server_is_strict(monkeypatch):
    with OpenAIStub([openai_reply(VALID_DRAFT)]) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        monkeypatch.setenv("ADPILOT_MODEL", "openai:gpt-4.1-mini")
        llm_planner.plan_brief("trail shoes", PlanDefaults(page_id="1001", pixel_id="2002",
                                                     today=date(2026, 3, 1)))
    fmt = stub.requests[0]["response_format"]["json_schema"]
    assert fmt["strict"] is True
    assert_strict(fmt["schema"])


def test_system_prompt_fills_every_placeholder_from_the_tables():
    prompt = llm_planner._system_prompt(PlanDefaults(currency="EUR", today=date(2026, 3, 1)))
    assert not re.search(r"\{[a-z_]+\}", prompt)
    for text in ("2026-03-01", "EUR", WHO, SPEND, GOAL, "facebook_reels", "stream",
                 "portuguese", "cost_cap", "Spanish, French, German or Portuguese",
                 "exactly as written", "one ad per", "go_live", "never approximate"):
        assert text in prompt, text
