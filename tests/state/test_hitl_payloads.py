from datetime import UTC, datetime

import pytest

from state import hitl

ACTIONS = [{"name": "launch_campaign", "args": {"plan": {"name": "X", "budget": 6000},
                                                "go_live": False},
            "description": "Create X"}]


def payload(**kw):
    return hitl.approval_payload(ACTIONS, description="**card**", **kw)


def test_payload_has_the_v1_shape():
    p = payload()
    assert set(p) == {"schema", "kind", "action_requests", "review_configs", "description",
                      "receipt"}
    assert p["schema"] == "adpilot.approval/1" and p["kind"] == "approval"
    assert p["action_requests"][0] == ACTIONS[0]
    assert p["review_configs"] == [{"action_name": "launch_campaign",
                                    "allowed_decisions": ["approve", "edit", "reject"]}]


def test_receipt_is_stable_and_covers_args_only():
    r = hitl.receipt(ACTIONS)
    reordered = [{"description": "other words", "args": {"go_live": False,
                                                         "plan": {"budget": 6000, "name": "X"}},
                  "name": "launch_campaign"}]
    assert hitl.receipt(reordered) == r
    changed = [{**ACTIONS[0], "args": {**ACTIONS[0]["args"], "go_live": True}}]
    assert hitl.receipt(changed) != r
    assert len(r) == 64 and r == payload()["receipt"]


@pytest.mark.parametrize("value", [{"decisions": [{"type": "approve"}]},
                                   {"decisions": [{"type": "approve"}],
                                    "receipt": hitl.receipt(ACTIONS)}])
def test_approve(value):
    [d] = hitl.parse_decisions(value, payload())
    assert isinstance(d, hitl.ApproveDecision)


def test_edit_and_reject():
    [e] = hitl.parse_decisions({"decisions": [{"type": "edit", "edited_action": {
        "name": "launch_campaign", "args": {"plan": {"name": "Y"}}}}]}, payload())
    assert isinstance(e, hitl.EditDecision) and e.edited_action["args"]["plan"]["name"] == "Y"
    [r] = hitl.parse_decisions({"decisions": [{"type": "reject", "message": "no"}]}, payload())
    assert isinstance(r, hitl.RejectDecision) and r.message == "no"


@pytest.mark.parametrize("value,needle", [
    (None, "expected"),
    ("yes", "expected"),
    ({"decision": "approve"}, "expected"),
    ({"decisions": []}, "got 0 for 1"),
    ({"decisions": [{"type": "approve"}, {"type": "approve"}]}, "got 2 for 1"),
    ({"decisions": {"type": "approve"}}, "list"),
    ({"decisions": [{"type": "maybe"}]}, "decisions[0]"),
    ({"decisions": [{"type": "approve", "extra": 1}]}, "decisions[0"),
    ({"decisions": [{"type": "edit"}]}, "edited_action"),
    ({"decisions": [{"type": "edit", "edited_action": {"name": "delete_everything",
                                                       "args": {}}}]}, "not turn it into"),
    ({"decisions": [{"type": "approve"}], "receipt": "0" * 64}, "receipt does not match"),
    ({"decisions": [{"type": "approve"}], "user": "me"}, "unexpected keys"),
])
def test_malformed_partial_and_forged_values_are_refused(value, needle):
    with pytest.raises(hitl.ResumeError) as exc:
        hitl.parse_decisions(value, payload())
    assert needle in str(exc.value)


def test_a_decision_type_the_action_does_not_allow_is_refused():
    p = payload(allowed_decisions=["edit", "reject"])
    with pytest.raises(hitl.ResumeError, match="not allowed"):
        hitl.parse_decisions({"decisions": [{"type": "approve"}]}, p)


def test_a_tampered_payload_is_refused():
    p = payload()
    p["action_requests"][0]["args"]["go_live"] = True  # receipt no longer matches
    with pytest.raises(hitl.ResumeError, match="altered"):
        hitl.parse_decisions({"decisions": [{"type": "approve"}]}, p)


def test_clarify_and_wait_payloads():
    c = hitl.clarify_payload([{"field": "budget", "question": "How much?"}, "landing_url"],
                             brief="sell shoes")
    assert c["kind"] == "clarify" and c["brief"] == "sell shoes"
    assert [q["field"] for q in c["questions"]] == ["budget", "landing_url"]
    assert "How much?" in c["description"]
    w = hitl.wait_payload(datetime(2026, 3, 5, 12, tzinfo=UTC), "throttled")
    assert w == {"schema": "adpilot.wait/1", "kind": "wait",
                 "until": "2026-03-05T12:00:00+00:00", "reason": "throttled"}
    with pytest.raises(ValueError, match="timezone"):
        hitl.wait_payload(datetime(2026, 3, 5), "x")
