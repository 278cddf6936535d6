"""Over the sandbox: after a person undoes the loop's pause, the next cycle does not propose it.

Found by a review: `adpilot undo THREAD WRITE_ID` of the loop's pause of an ad, and the very
next optimise card proposed the same pause again, on the same evidence. The optimise loop runs
as a graph (wait → collect → decide → review → apply) against the sandbox with a ledgered
client; the card's pauses are approved, one is undone with `tools/undo.py` (recorded in the
thread's action history, as the CLI does), and the next cycle holds that pause and says why
— on its card's flags and in its status (which says it when nothing else is proposed).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from langgraph.types import Command

from agents.optimize import nodes as optimize
from bench.campaign_tree import launch
from sandbox.scenario import load_scenario
from state.action_history import ActionHistory
from state.policy import Policy
from state.provenance import display_name
from tests.launchkit import context_for
from tests.optimize.test_loop_graph import _interrupt, loop_graph
from tools import undo as undo_mod


def _undo(ctx: Any, thread: str, write_id: str, home: Path) -> undo_mod.UndoResult:
    """Undo one write as `adpilot undo` does: asked, then applied with the approval's receipt."""
    kw: dict[str, Any] = {"ledger": ctx.client_factory.ledger, "currency": "USD",
                          "client_for": lambda t: ctx.client_factory(thread_id=t),
                          "history": ActionHistory(home)}
    asked = undo_mod.undo(thread, write_id, **kw)
    if asked.status != "needs_approval":
        return asked
    return undo_mod.undo(thread, write_id, receipt=(asked.approval or {})["receipt"], **kw)


def test_an_undone_pause_is_not_proposed_again_next_cycle_and_the_cycle_says_why(
        sandbox: Any, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ctx = context_for(sandbox.url, home, max_cycles=4, cycle_days=3, policy=Policy())
    sc = load_scenario("ecommerce_usd")
    created = launch(ctx.client_factory(thread_id="launch"), sc, n_adsets=3, n_ads=3)
    state = {"created": created, "plan": {"name": "Spring Sale", "objective": "OUTCOME_SALES",
                                          "currency": "USD", "start_time": sc.start.isoformat()},
             "optimize": {"targets": {"target_cpa_minor": 2500}}}
    graph, cfg = loop_graph(), {"configurable": {"thread_id": "u1"}}
    graph.invoke(state, cfg, context=ctx)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
    card, _ = _interrupt(graph, cfg)
    pauses = [r for r in card["action_requests"] if r["name"] == "pause_ad"]
    assert pauses, [r["name"] for r in card["action_requests"]]
    graph.invoke(Command(resume={"decisions": [
        {"type": "approve"} if r["name"] == "pause_ad" else {"type": "reject"}
        for r in card["action_requests"]]}), cfg, context=ctx)

    # A person undoes the first pause (it needs their approval: it turns the ad back on).
    ad_id = str(pauses[0]["args"]["ad_id"])
    client = ctx.client_factory(thread_id="u1")
    write = next(r for r in ctx.client_factory.ledger.rows("u1")
                 if r["meta_id"] == ad_id and r["op"] == "update")
    assert _undo(ctx, "u1", write["write_id"], home).status == "applied"
    assert client.get(ad_id, {"fields": "status"})["status"] == "ACTIVE"
    undone_on = client.account_clock().date()

    # The next cycle, at once (`adpilot optimize THREAD`): the same evidence.
    graph.invoke(Command(resume=optimize.WAKE_NOW), cfg, context=ctx)
    card, snap = _interrupt(graph, cfg)
    proposal = snap.values["optimize"]["proposal"]
    assert ad_id not in [str(a["args"].get("ad_id")) for a in proposal["actions"]], proposal
    ad = client.get(ad_id, {"fields": "name,adset{name}"})
    until = undone_on + timedelta(days=7)
    note = (f"held: you undid the pause of ad '{display_name(ad['name'])}' (ad set "
            f"'{display_name(ad['adset']['name'])}') on {undone_on:%b} {undone_on.day}; adpilot "
            f"will not propose it again before {until:%b} {until.day} unless it becomes an "
            "emergency")
    assert proposal["held"] == [note], proposal["flags"]
    assert card is not None and card["kind"] == "approval"  # the budget moves still come
    assert f"### Flags\n- ⚠️ {note}" in card["description"], card["description"]
    assert note in snap.values["status"]  # and the cycle's status
