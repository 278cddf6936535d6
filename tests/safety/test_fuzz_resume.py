"""Hypothesis fuzzing of resume values: never a crash, invalid ones a clear `ResumeError`.

Through the real graph: hostile values (nested to 5,000, strings to 5 MB, NaN,
objects that are not JSON) sent to a thread waiting at an approval card and at a clarify
question are refused with a clear error, never written to Meta, and never kept whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from langgraph.types import Command

from graph.runner import Runner
from sandbox.server import SandboxServer
from state import bounds, hitl

from .conftest import graph_rig
from .strategies import hostile_resume_values, resume_values

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


# -- through the real graph: hostile resume values at a card and at a question -------------------
# A real sandbox, the real graph over a SQLite checkpointer, `Runner.resume` as the CLI calls it.
# Every value either is refused before it is stored (a `BoundsError` naming the resume value and
# the limit) or reaches the node, which asks again remembering only its digest. Nothing is ever
# written to Meta, and the checkpoint grows by at most what was let in plus a few KiB of card.
SLACK = 64 * 1024  # a re-issued card, a new checkpoint's metadata, SQLite page rounding
CLARIFY_SLACK = 160 * 1024  # an accepted clarify answer plans again: a new plan and card


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzzresume")
    with graph_rig(root) as (sb, _ctx, runner, image, conn):

        def size() -> int:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # count what is in the db file
            return (root / "cp.sqlite").stat().st_size

        yield Rig(sb, runner, image, size, {"approval": [0, 0], "clarify": [0, 0]})


@dataclass
class Rig:
    sb: SandboxServer
    runner: Runner
    image: Path
    size: Callable[[], int]
    growth: dict[str, list[int]]  # kind -> [bytes grown, bytes allowed], over all examples

    def brief(self, budget: str = "Budget $60/day for 14 days starting tomorrow.") -> str:
        return (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. {budget} "
                f"Landing page https://shop.example.com/trail. Use images {self.image}. Shop now.")

    def nothing_written(self) -> None:
        assert int(self.sb.admin("GET", "/__sandbox__/stats")["writes"]) == 0
        campaigns = self.sb.admin("GET", "/__sandbox__/objects?type=campaign")
        assert not (campaigns.get("data") if isinstance(campaigns, dict) else campaigns)


def _pending(rig: Rig, kind: str) -> str:
    """A thread waiting for `kind` (the last one, or a new one when it moved on)."""
    threads = [t for t in rig.runner.threads() if t.startswith(f"fz11-{kind}-")]
    if threads and rig.runner.status(threads[-1]).waiting_for == kind:
        return threads[-1]
    thread = f"fz11-{kind}-{uuid.uuid4().hex[:8]}"
    brief = rig.brief() if kind == "approval" else rig.brief("Run it for 14 days.")
    assert rig.runner.start(brief, thread).waiting_for == kind
    return thread


def _send(rig: Rig, kind: str, thread: str, value) -> None:
    """Resume `thread` with `value`; check the refusal and the checkpoint's growth."""
    before = rig.size()
    admitted = 0
    if value is None:  # the Runner's own refusal
        with pytest.raises(ValueError, match=r"the resume value is empty \(null\)"):
            rig.runner.resume(thread, value)
        return
    try:
        outcome = rig.runner.resume(thread, value)
    except bounds.BoundsError as exc:  # refused at the door: nothing stored
        msg = str(exc)
        assert msg.startswith("resume value") and "Nothing was sent to Meta" in msg, msg
        assert "limit" in msg or "not JSON" in msg or "number" in msg or "Unicode" in msg, msg
        assert len(msg) < 2000, "a refusal quotes the value"
        assert bounds.measure(value, max_bytes=bounds.MAX_RESUME_BYTES,
                              max_depth=bounds.MAX_RESUME_DEPTH).problem is not None
    else:
        admitted = bounds.measure(value).size
        assert admitted <= bounds.MAX_RESUME_BYTES
        card = outcome.interrupt or {}
        if card.get("error"):  # the node refused it and asked again, by digest
            assert outcome.waiting_for == kind
            rejected = card["rejected"]
            assert (rejected["digest"], rejected["size"]) == bounds.digest(value)
            assert rejected["reason"] == card["error"] and len(card["error"]) <= 1000
            if admitted > 2000:  # neither the card nor the state keeps the refused value
                assert len(repr(card)) < admitted and len(repr(outcome.values)) < admitted
        else:
            assert kind == "clarify", "an approval accepted an answer the test meant to refuse"
    grown = rig.size() - before
    allowed = admitted + (CLARIFY_SLACK if kind == "clarify" else SLACK)
    total = rig.growth[kind]
    total[0] += grown
    total[1] += allowed
    assert total[0] <= total[1], f"checkpoint grew {total[0]:,} bytes, more than {total[1]:,}"
    rig.nothing_written()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(value=hostile_resume_values("0" * 64, 1))
def test_hostile_answers_to_an_approval_card_are_refused_clearly(rig, value):
    thread = _pending(rig, "approval")
    card = {k: v for k, v in rig.runner.status(thread).interrupt.items()
            if k not in ("error", "rejected")}
    if isinstance(value, dict) and value.get("receipt") == "0" * 64:
        value = {**value, "receipt": card["receipt"]}
    try:
        hitl.parse_decisions(value, card)
        assume(False)  # a valid decision would launch or end the thread: not this test
    except hitl.ResumeError:
        pass
    event("refused at the door" if bounds.measure(value, max_bytes=bounds.MAX_RESUME_BYTES,
                                                  max_depth=bounds.MAX_RESUME_DEPTH).problem
          else "refused by the node")
    _send(rig, "approval", thread, value)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(value=hostile_resume_values("0" * 64, 1) | st.text(max_size=30))
def test_hostile_answers_to_a_clarify_question_are_refused_clearly(rig, value):
    event("refused at the door" if bounds.measure(value, max_bytes=bounds.MAX_RESUME_BYTES,
                                                  max_depth=bounds.MAX_RESUME_DEPTH).problem
          else "reached the node")
    _send(rig, "clarify", _pending(rig, "clarify"), value)


FIVE_MB = {"decisions": [{"type": "reject", "message": "x" * 5_000_000}]}


@pytest.mark.parametrize(("kind", "value"), [("approval", FIVE_MB), ("clarify", "x" * 5_000_000)])
def test_three_rejected_five_mb_answers_do_not_grow_the_checkpoint(rig, kind, value):
    # Issue 11: three refused 5 MB answers grew the checkpoint from 5.6 to 22.9 MB.
    thread = _pending(rig, kind)
    card = rig.runner.status(thread)
    before = rig.size()
    for _ in range(3):
        with pytest.raises(bounds.BoundsError, match=r"resume value is 5,000,\d+ bytes .* the "
                                                     r"limit is 262,144 bytes \(256 KiB\)"):
            rig.runner.resume(thread, value)
    assert rig.size() - before < 8 * 1024
    after = rig.runner.status(thread)
    assert after.interrupt_id == card.interrupt_id and after.interrupt == card.interrupt
    rig.nothing_written()


def test_a_refused_answer_that_bypasses_the_runner_is_kept_by_digest_only(rig):
    """LangGraph Server resumes the graph itself; the node refuses the same values.

    LangGraph stores a resume value (its task's RESUME write) before any node can look at it,
    so a server request's 5 MB answer is on disk once; the node adds no copy of its own: the
    card it asks again with carries the digest, size and reason.
    """
    thread = _pending(rig, "approval")
    runner = rig.runner
    before = rig.size()
    for _ in range(3):
        pending = runner.status(thread)
        # the server's path: Command(resume=...) straight into the graph, no Runner
        for _chunk in runner.graph.stream(Command(resume={pending.interrupt_id: FIVE_MB}),
                                          runner.config(thread), context=runner.context,
                                          stream_mode="updates", durability="sync"):
            pass
        card = runner.status(thread)
        assert card.waiting_for == "approval" and card.interrupt_id != pending.interrupt_id
        assert card.interrupt["rejected"] == {"digest": bounds.digest(FIVE_MB)[0],
                                              "size": bounds.digest(FIVE_MB)[1],
                                              "reason": card.interrupt["error"]}
        assert "resume value is 5,000,0" in card.interrupt["error"]
        assert len(repr(card.interrupt)) < 20_000 and len(repr(card.values)) < 200_000
    assert rig.size() - before < 3 * (5_000_100 + SLACK)  # LangGraph's one copy each, no more
    rig.nothing_written()
