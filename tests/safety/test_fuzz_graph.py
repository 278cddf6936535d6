"""Fuzzing through the planner and the real graph: invalid input never writes to Meta.

Counts: 100 briefs through the rules planner, 20 briefs through the graph (clarifications
answered with junk), 25 fuzzed plan edits sent to a launch approval (approval then forced
on every plan with problems), 40 invalid resume values sent to a live launch approval.
"""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, assume, event, given, settings

from agents.orchestrator.nodes import plan_defaults, planner_for
from state import bounds, hitl

from .conftest import graph_rig
from .strategies import briefs, plans, resume_values


def slow(n: int) -> settings:
    return settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck),
                    derandomize=True)


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    with graph_rig(tmp_path_factory.mktemp("fuzzgraph")) as (sb, ctx, runner, image, _conn):
        yield sb, ctx, runner, image


def writes(sb) -> int:
    return int(sb.admin("GET", "/__sandbox__/stats")["writes"])


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(briefs)
def test_rules_planner_never_crashes_and_explains_what_is_missing(rig, brief):
    _sb, ctx, _runner, _image = rig
    result = planner_for("rules")(brief, plan_defaults(ctx))
    event("plan" if result.plan is not None else "no plan")
    if result.plan is None:
        assert result.problems or result.questions, "no plan and no reason given"
    for q in list(result.problems or []) + list(result.questions or []):
        text = q if isinstance(q, str) else str(q.get("message") or q.get("question") if isinstance(q, dict) else q)
        assert text.strip()


@slow(20)
@given(briefs)
def test_invalid_briefs_write_nothing_even_when_approved(rig, brief):
    sb, _ctx, runner, _image = rig
    before = writes(sb)
    thread = f"fz-{uuid.uuid4().hex[:8]}"
    outcome = runner.start(brief, thread)
    event(f"stopped at {outcome.waiting_for or outcome.values.get('phase')}")
    if outcome.waiting_for == "clarify":
        outcome = runner.resume(thread, brief[::-1][:40] or "??")  # a junk answer
        event(f"after a junk answer: {outcome.waiting_for or outcome.values.get('phase')}")
    assert outcome.waiting_for in ("clarify", "approval", None)
    assert writes(sb) == before


PLAN_EDITS = 25


@slow(PLAN_EDITS)
@given(plans())
def test_fuzzed_plan_edits_never_launch_an_invalid_plan(rig, waiting_approval, doc):
    sb, _ctx, runner, _image = rig
    thread = f"fz-edit-{uuid.uuid4().hex[:8]}"
    outcome = runner.start(waiting_approval["__brief"], thread)
    assert outcome.waiting_for == "approval"
    before = writes(sb)
    edit = {"type": "edit", "edited_action": {"name": "launch_campaign", "args": {"plan": doc}}}
    outcome = runner.resume(thread, {"decisions": [edit]})
    problems = outcome.values.get("problems")
    event(f"edit -> {outcome.waiting_for or outcome.values.get('phase')}, "
          f"problems={bool(problems)}, error={bool((outcome.interrupt or {}).get('error'))}")
    if outcome.waiting_for == "approval" and not problems:
        # The edit itself was refused (a clear error) or was valid; either way the plan now
        # pending has no problems, so approving it would be a legitimate launch.
        assert outcome.interrupt.get("error") or outcome.values.get("revision")
    if outcome.waiting_for == "approval" and problems:
        outcome = runner.resume(thread, {"decisions": [{"type": "approve"}]})
        assert outcome.waiting_for == "approval" and outcome.interrupt.get("error"), \
            "approving a plan with problems must be refused and re-asked"
    assert writes(sb) == before


@pytest.fixture(scope="module")
def waiting_approval(rig):
    sb, _ctx, runner, image = rig
    brief = (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
             f"for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
             f"Use images {image}. Shop now.")
    outcome = runner.start(brief, "fz-approval")
    assert outcome.waiting_for == "approval", outcome.values.get("problems")
    return {**outcome.interrupt, "__brief": brief}


@slow(40)
@given(data=resume_values("0" * 64, 1))
def test_invalid_resume_values_reinterrupt_and_write_nothing(rig, waiting_approval, data):
    sb, _ctx, runner, _image = rig
    payload = {k: v for k, v in waiting_approval.items() if k != "__brief"}
    if isinstance(data, dict) and data.get("receipt") == "0" * 64:
        data = {**data, "receipt": payload["receipt"]}  # the strategy's "right" receipt
    try:
        hitl.parse_decisions(data, payload)
        assume(False)  # a valid decision would launch or end the thread: not this test
    except hitl.ResumeError:
        pass
    before = writes(sb)
    if data is None:
        with pytest.raises(ValueError, match="empty"):
            runner.resume("fz-approval", data)
        assert writes(sb) == before
        return
    if bounds.measure(data, max_bytes=bounds.MAX_RESUME_BYTES,
                      max_depth=bounds.MAX_RESUME_DEPTH).problem is not None:
        # NaN, Infinity, an integer beyond 64 bits: refused before it is stored
        with pytest.raises(bounds.BoundsError, match="resume value"):
            runner.resume("fz-approval", data)
        assert writes(sb) == before
        return
    outcome = runner.resume("fz-approval", data)
    assert outcome.waiting_for == "approval"
    assert outcome.interrupt["receipt"] == payload["receipt"]
    assert outcome.interrupt.get("error"), "the re-asked approval must say what was wrong"
    assert writes(sb) == before
