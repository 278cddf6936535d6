import dataclasses

import pytest

from state.context import Context, MetaSettings, Policy
from state.schema import AdpilotState, InputState, OutputState


def test_from_env_reads_designs_variables():
    ctx = Context.from_env({"META_AD_ACCOUNT_ID": "123", "META_PAGE_ID": "9", "META_PIXEL_ID": "8",
                            "META_GRAPH_URL": "http://127.0.0.1:5000", "ADPILOT_MODEL":
                            "openai:gpt-4.1-mini", "ADPILOT_HOME": "/tmp/ap",
                            "META_ACCESS_TOKEN": "secret-token"})
    assert ctx.account_id == "act_123" and ctx.page_id == "9" and ctx.pixel_id == "8"
    assert ctx.meta == MetaSettings(graph_url="http://127.0.0.1:5000", account_id="act_123",
                                    page_id="9", pixel_id="8")
    assert ctx.model == "openai:gpt-4.1-mini" and ctx.home == "/tmp/ap"
    assert "secret-token" not in repr(ctx)  # tokens are never context fields


def test_defaults_and_bad_values():
    ctx = Context.from_env({})
    assert ctx.model == "rules" and ctx.home == ".adpilot" and ctx.policy.go_live is False
    assert ctx.policy.max_budget_change_pct == 0.2
    with pytest.raises(ValueError, match="ADPILOT_MODEL"):
        Context.from_env({"ADPILOT_MODEL": "gpt4"})
    with pytest.raises(ValueError, match="max_budget_change_pct"):
        Policy(max_budget_change_pct=2)
    with pytest.raises(ValueError, match="currency"):
        Context(currency="dollars")


def test_every_field_is_described_and_the_context_is_frozen():
    for cls in (Context, MetaSettings, Policy):
        for f in dataclasses.fields(cls):
            assert f.metadata.get("description"), f"{cls.__name__}.{f.name}"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Context().model = "x"  # type: ignore[misc]


def test_guardrails_read_the_policy():
    from state.guardrails import as_policy

    policy = Policy(max_budget_change_pct=0.1, budget_cooldown_hours=12)
    assert as_policy(policy) is policy
    assert as_policy({"budget_cooldown_hours": 1}).budget_cooldown_hours == 1
    assert as_policy(None) == Policy()


def test_state_schemas_are_typed_dicts_with_narrow_io():
    keys = AdpilotState.__annotations__
    assert {"brief", "plan", "approval", "created"} <= set(keys)
    assert set(InputState.__annotations__) <= set(keys)
    assert set(OutputState.__annotations__) <= set(keys)
