"""Approval integrity on the real graph: a forged receipt is refused and re-asked, a double
resume applies once, and the kill switch pauses everything the launch created."""

from __future__ import annotations

import sqlite3

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from bench.faults import BRIEF, brief_with_images
from graph.builder import build_graph
from graph.environment import SANDBOX_TOKEN, build_context
from graph.runner import Runner
from sandbox.server import SandboxServer
from state.context import Context, MetaSettings, Policy
from tools import audit
from tools import kill_switch as safety


@pytest.fixture(scope="module")
def at_card(tmp_path_factory):
    """A launched thread waiting on an optimise card of pauses only (sandbox seed 5: its draws
    give a clear loser within six cycles under the calendar-week pacing).

    Cards that also move budget are rejected (that writes nothing) until one of pure pauses
    comes: each approved pause is then exactly one write, whatever the decision code picks.
    """
    root = tmp_path_factory.mktemp("integrity")
    brief = brief_with_images(root / "img", BRIEF, n=3)
    with SandboxServer(db_path=root / "sb.db", seed=5, token=SANDBOX_TOKEN) as sb:
        ctx = build_context(MetaSettings(graph_url=sb.url), root / "home", token=SANDBOX_TOKEN,
                            sandbox=True, base=Context(policy=Policy(go_live=True), max_cycles=6))
        conn = sqlite3.connect(root / "cp.sqlite", check_same_thread=False)
        runner = Runner(build_graph(checkpointer=SqliteSaver(conn)), ctx)
        out = runner.start(brief, "t")
        out = runner.resume("t", {"decisions": [{"type": "approve"}],
                                  "receipt": out.interrupt["receipt"]}, expect="approval")
        for _ in range(12):
            if out.waiting_for == "wait":
                sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
                out = runner.resume("t", {"woke_at": "test"}, expect="wait")
            elif out.waiting_for == "approval" and not all(
                    a["name"] == "pause_ad" for a in out.interrupt["action_requests"]):
                n = len(out.interrupt["action_requests"])
                out = runner.resume("t", {"decisions": [{"type": "reject"}] * n,
                                          "receipt": out.interrupt["receipt"]}, expect="approval")
            else:
                break
        assert out.waiting_for == "approval", out.values.get("phase")
        assert {a["name"] for a in out.interrupt["action_requests"]} == {"pause_ad"}
        yield sb, ctx, runner, out.interrupt
        conn.close()


def writes(sb) -> int:
    return int(sb.admin("GET", "/__sandbox__/stats")["writes"])


def test_forged_receipt_is_refused_reasked_and_writes_nothing_then_double_resume_applies_once(at_card):
    sb, ctx, runner, card = at_card
    before = writes(sb)
    n = len(card["action_requests"])
    approve_all = {"decisions": [{"type": "approve"}] * n}

    for bad in ({**approve_all, "receipt": "0" * 64},          # forged
                {**approve_all, "receipt": card["receipt"][::-1]},  # stale / altered
                {"decisions": [{"type": "approve"}] * (n - 1)},  # partial
                {"decisions": "approve"}):                      # malformed
        out = runner.resume("t", bad, expect="approval")
        assert out.waiting_for == "approval" and out.interrupt["receipt"] == card["receipt"]
        assert out.interrupt["error"], bad
        assert writes(sb) == before

    good = {**approve_all, "receipt": card["receipt"]}
    out = runner.resume("t", good, expect="approval")
    assert out.waiting_for != "approval"
    applied = writes(sb) - before
    assert applied == n  # one write per approved pause
    ledger = ctx.client_factory.ledger
    rows = [r for r in ledger.rows("t") if r["receipt"] == card["receipt"]]
    assert len(rows) == n and {r["status"] for r in rows} == {"done"}

    # The same resume again: the CLI path refuses it outright ...
    with pytest.raises(ValueError, match="not waiting for approval"):
        runner.resume("t", good, expect="approval")
    # ... and even sent raw to whatever is pending, nothing is applied a second time.
    if runner.status("t").interrupt is not None:
        runner.resume("t", good)
    assert writes(sb) - before == applied
    assert len([r for r in ledger.rows("t") if r["receipt"] == card["receipt"]]) == n


def test_kill_switch_pauses_everything_the_graph_created(at_card):
    sb, ctx, runner, _card = at_card
    factory = ctx.client_factory
    report = safety.stop("t", ledger=factory.ledger, client_for=factory)
    assert report.ok and report.paused
    for kind in ("campaign", "adset", "ad"):
        body = sb.admin("GET", f"/__sandbox__/objects?type={kind}")
        rows = body.get("data", body) if isinstance(body, dict) else body
        assert rows and {r["status"] for r in rows} == {"PAUSED"}, kind
    assert audit.audit_verify(ctx.home)["ok"]
