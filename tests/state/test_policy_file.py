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


# -- the policy is validated like any input (issue: NaN / negative cooldowns switched the
#    cool-down off, 1e400 crashed, huge caps were taken silently) -----------------------------


@pytest.mark.parametrize(("text", "named"), [
    ('{"budget_cooldown_hours": NaN}', "NaN is not a number a policy can use"),
    ('{"budget_cooldown_hours": -1}', "budget_cooldown_hours must be from 0 to 720"),
    ('{"budget_cooldown_hours": 1e400}', "budget_cooldown_hours must be a finite number"),
    ('{"max_daily_exposure_minor": 1e400}', "max_daily_exposure_minor must be a whole number"),
    ('{"max_daily_exposure_minor": Infinity}', "Infinity is not a number"),
    ('{"max_daily_exposure_minor": 1000000000000}', "at most 1,000,000,000"),
    ('{"max_campaign_daily_budget_minor": 0}', "max_campaign_daily_budget_minor must be > 0"),
    ('{"max_daily_exposure_minor": 1000.5}', "must be a whole number"),
    ('{"max_budget_change_pct": NaN}', "NaN is not a number"),
    ('{"max_budget_change_pct": 0}', "max_budget_change_pct must be in (0, 1]"),
    ('{"allowed_actions": ["pause", "launch_rocket"]}', "unknown action kind(s) launch_rocket"),
    ('{"forbidden_actions": ["deleet"]}', "unknown action kind(s) deleet"),
    ('{"auto_approve": ["set_budget"]}', "set_budget can raise spend"),
])
def test_non_finite_out_of_range_or_unknown_values_are_refused(tmp_path, text, named):
    path = tmp_path / "policy.json"
    path.write_text(text)
    with pytest.raises(ValueError, match="policy file") as info:
        Policy.from_file(path)
    assert named in str(info.value)


def test_money_errors_name_the_unit():
    with pytest.raises(ValueError) as info:
        Policy(max_daily_exposure_minor=-5)
    assert "minor units of the account currency: 100000 = 1,000.00 USD" in str(info.value)


def test_the_policy_in_force_has_a_digest_and_a_source(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps({"max_daily_exposure_minor": 250000, "budget_cooldown_hours": 12}))
    policy = Policy.from_file(path)
    assert policy.source == str(path) and str(path) in policy.where
    assert policy.digest() == Policy(max_daily_exposure_minor=250000,
                                     budget_cooldown_hours=12.0).digest()
    assert policy.digest() != Policy().digest() and len(policy.digest()) == 64
    assert Policy().source is None and "ADPILOT_POLICY" in Policy().where


# -- bounded before it is parsed -----------------------------------------------------------------


def test_a_deep_policy_file_is_refused_not_a_recursion_error(tmp_path):
    path = tmp_path / "policy.json"
    path.write_text('{"auto_approve": ' + "[" * 3_000 + "]" * 3_000 + "}")
    with pytest.raises(ValueError) as info:
        Policy.from_file(path)
    assert not isinstance(info.value, RecursionError)
    assert f"policy file {path} is nested more than 4 levels deep" in str(info.value)
    assert '"auto_approve": ["pause"]' in str(info.value)  # the fix shows a real one


def test_a_huge_policy_file_is_refused_without_being_read(tmp_path):
    path = tmp_path / "policy.json"
    with path.open("wb") as handle:
        handle.truncate(1 << 30)  # 1 GiB (sparse): only the first 64 KiB + 1 byte are read
    with pytest.raises(ValueError, match=r"is larger than the limit of 65,536 bytes \(64 KiB\)"):
        Policy.from_file(path)


def test_a_policy_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "policy.json"
    path.write_bytes(b'{"go_live": \xff}')
    with pytest.raises(ValueError, match="not UTF-8 text"):
        Policy.from_file(path)
