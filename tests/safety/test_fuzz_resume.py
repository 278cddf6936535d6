"""Hypothesis fuzzing of resume values: never a crash, invalid ones a clear `ResumeError`."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from state import hitl

from .strategies import resume_values

ACTIONS = [
    {"name": "set_adset_budget", "args": {"adset_id": "1", "daily_budget": 1200}, "description": "up"},
    {"name": "pause_ad", "args": {"ad_id": "2", "status": "PAUSED"}, "description": "loser"},
]
PAYLOAD = hitl.approval_payload(ACTIONS, description="two actions")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(resume_values(PAYLOAD["receipt"], len(ACTIONS)))
def test_resume_values_parse_or_fail_clearly(value):
    try:
        decisions = hitl.parse_decisions(value, PAYLOAD)
    except hitl.ResumeError as exc:
        msg = str(exc)
        assert len(msg) > 20 and ("expected" in msg or ":" in msg), msg
        return
    # Accepted: exactly one well-formed decision per action, and no foreign receipt.
    assert isinstance(value, dict)
    assert len(decisions) == len(ACTIONS)
    assert value.get("receipt", PAYLOAD["receipt"]) == PAYLOAD["receipt"]
    for d, a in zip(decisions, ACTIONS, strict=True):
        assert d.type in ("approve", "edit", "reject")
        if d.type == "edit":
            edited = d.edited_action
            name = edited["name"] if isinstance(edited, dict) else edited.name
            assert name == a["name"]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
def test_forged_receipt_is_refused(forged):
    value = {"decisions": [{"type": "approve"}, {"type": "approve"}], "receipt": forged}
    if forged == PAYLOAD["receipt"]:
        return
    try:
        hitl.parse_decisions(value, PAYLOAD)
    except hitl.ResumeError as exc:
        assert "receipt" in str(exc)
    else:
        raise AssertionError("a forged receipt was accepted")


def test_tampered_payload_is_refused():
    tampered = {**PAYLOAD, "action_requests": [
        {**ACTIONS[0], "args": {"adset_id": "1", "daily_budget": 999999}}, ACTIONS[1]]}
    try:
        hitl.parse_decisions({"decisions": [{"type": "approve"}] * 2}, tampered)
    except hitl.ResumeError as exc:
        assert "receipt" in str(exc)
    else:
        raise AssertionError("an altered payload was accepted")
