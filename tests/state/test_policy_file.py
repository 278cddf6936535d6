"""A person changes the guardrails through a policy file; the errors name the field and the fix."""

import json

import pytest

from state.context import Context, Policy


def test_policy_json_in_home_is_read(tmp_path):
    (tmp_path / "policy.json").write_text(json.dumps(
        {"max_daily_exposure_minor": 25_000, "auto_approve": ["pause"], "go_live": True}))
    ctx = Context.from_env({"ADPILOT_HOME": str(tmp_path)})
    assert ctx.policy.max_daily_exposure_minor == 25_000
    assert ctx.policy.auto_approve == frozenset({"pause"})
    assert ctx.policy.go_live is True
    assert ctx.policy.max_budget_change_pct == Policy().max_budget_change_pct


def test_adpilot_policy_env_wins_over_home(tmp_path):
    (tmp_path / "policy.json").write_text(json.dumps({"max_budget_change_pct": 0.5}))
    other = tmp_path / "strict.json"
    other.write_text(json.dumps({"max_budget_change_pct": 0.1}))
    ctx = Context.from_env({"ADPILOT_HOME": str(tmp_path), "ADPILOT_POLICY": str(other)})
    assert ctx.policy.max_budget_change_pct == 0.1


def test_no_file_means_documented_defaults(tmp_path):
    assert Context.from_env({"ADPILOT_HOME": str(tmp_path)}).policy == Policy()


@pytest.mark.parametrize(("content", "named"), [
    ({"max_exposure": 1}, "unknown field(s) max_exposure"),
    ({"max_budget_change_pct": 3}, "max_budget_change_pct must be in (0, 1]"),
    ({"auto_approve": "pause"}, "auto_approve must be a list"),
    ({"go_live": "yes"}, "go_live must be true or false"),
    ({"budget_cooldown_hours": "soon"}, "budget_cooldown_hours must be a number"),
    ([1, 2], "must hold a JSON object"),
])
def test_bad_policy_files_name_the_field(tmp_path, content, named):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError, match="policy file") as info:
        Policy.from_file(path)
    assert named in str(info.value)


def test_unparseable_policy_file_says_where(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        Policy.from_file(path)
