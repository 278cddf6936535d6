"""An action `adpilot undo` took back is not judged as if it still ran, and the report says so.

A reviewer undid a pause and both new ads of a creative refresh; the next card judged the
pause "regressed" and the refresh "pending", and the report listed both as applied. Against the
sandbox over HTTP with the real SDK: the loop's executor applies a pause and a refresh (ledgered
like the loop's), the undos are recorded in the thread's action history (`tools/undo_record.py`),
and the next cycle's judging (`with_undos` → `judge_applied`, as `decide_actions` runs them),
its card and the report's actions table say "undone on <date> — not judged".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents.insights.writers.export import action_lines
from agents.optimize.history import full_history, with_undos
from agents.optimize.judging import judge_applied
from prompts.optimize import card_markdown
from state.action_history import ActionHistory
from state.insights_store import InsightsStore
from tests.agents.refresh_world import World
from tools import undo as undo_mod


@pytest.fixture
def world(launch_context: Any, sandbox_server: Any, tmp_path: Path) -> World:
    return World(launch_context, sandbox_server.url, tmp_path)


def _pause(world: World) -> dict[str, Any]:
    return {"name": "pause_ad", "args": {"ad_id": world.sibling_id, "status": "PAUSED"},
            "target": {"id": world.sibling_id, "name": "Trail B", "level": "ad",
                       "parent_id": world.adset_id, "campaign_id": world.campaign_id},
            "verdict": "PAUSE", "reasons": ["its cost per result is the worst"],
            "evidence": {}, "expected_effect": {"direction": "up"}}


def _undo(world: World, write_id: str, history: ActionHistory) -> undo_mod.UndoResult:
    return undo_mod.undo("refresh", write_id, ledger=world.client.ledger,
                         client_for=lambda t: world.ctx.client_factory(thread_id=t),
                         currency="USD", history=history, receipt=None)


def test_undone_pause_and_refresh_are_not_judged_and_the_report_says_undone(
        world: World) -> None:
    result = world.execute(_pause(world))
    [pause] = result["applied"]
    refresh = world.execute(world.proposed())["applied"][0]
    assert pause["status"] == refresh["status"] == "applied", (pause, refresh)
    applied = [pause, refresh]
    home = Path(world.ctx.home)
    history = ActionHistory(home)
    ledger = world.client.ledger
    pause_write = next(r for r in ledger.rows("refresh") if r["meta_id"] == world.sibling_id
                       and r["op"] == "update")
    assert _undo(world, pause_write["write_id"], history).status == "needs_approval"
    approval = _undo(world, pause_write["write_id"], history).approval or {}
    done = undo_mod.undo("refresh", pause_write["write_id"], ledger=ledger,
                         client_for=lambda t: world.ctx.client_factory(thread_id=t),
                         currency="USD", history=history, receipt=approval["receipt"])
    assert done.status == "applied", done
    for ad_id in refresh["created"]["ad_ids"]:  # both new ads of the refresh
        create = next(r for r in ledger.rows("refresh") if r["meta_id"] == ad_id
                      and r["op"] == "create")
        assert _undo(world, create["write_id"], history).status == "applied"
    today = world.client.account_clock().date().isoformat()

    # The next cycle: what decide_actions judges (the refresh's day is long enough ago).
    marked = with_undos(applied, "refresh", home)
    assert [bool(e.get("undone_at")) for e in marked] == [True, True]
    assert marked[0]["undone_by_write"] in {r["write_id"] for r in ledger.rows("refresh")
                                            if r["plan_key"] == f"undo:{pause_write['write_id']}"}
    evidence = {"campaign": {"id": world.campaign_id}, "today": today, "kpi": "conversions"}
    judged = judge_applied(marked, evidence, store=InsightsStore(home))
    assert [judged[k]["judgement"] for k in ("0", "1")] == ["undone", "undone"], judged
    for i, e in enumerate(marked):
        e["judgement"] = judged[str(i)]
    card = card_markdown({"cycle": 2, "applied_actions": marked}, {"currency": "USD"}, [])
    assert f"`pause_ad` on “Trail B” ({pause['applied_date']}): **undone** on {today} — not " \
           "judged" in card, card
    assert "`refresh_creative` on “Trail A”" in card and "pending" not in card

    # The report: the whole history, each undone one said in its judged column.
    history.record("refresh", marked)
    rows = action_lines(full_history({"applied_actions": []}, "refresh", home), "USD", {})
    table = [r for r in rows if r.startswith("| 1 ") or r.startswith("| 2 ")]
    assert len(table) == 2 and all(r.endswith(f"| undone {today} |") for r in table), rows


def test_an_undo_of_the_undo_puts_the_action_back(world: World) -> None:
    """Undoing the undo (the pause again) makes the action run again: it is judged again."""
    [pause] = world.execute(_pause(world))["applied"]
    home = Path(world.ctx.home)
    history = ActionHistory(home)
    ledger = world.client.ledger
    first = next(r for r in ledger.rows("refresh") if r["meta_id"] == world.sibling_id)
    asked = _undo(world, first["write_id"], history)
    assert _undo_with(world, first["write_id"], history, asked).status == "applied"
    assert with_undos([pause], "refresh", home)[0].get("undone_at")
    back = next(r for r in ledger.rows("refresh") if r["plan_key"] == f"undo:{first['write_id']}")
    assert _undo(world, back["write_id"], history).status == "applied"  # a pause: no approval
    assert not with_undos([pause], "refresh", home)[0].get("undone_at")


def _undo_with(world: World, write_id: str, history: ActionHistory,
               asked: undo_mod.UndoResult) -> undo_mod.UndoResult:
    return undo_mod.undo("refresh", write_id, ledger=world.client.ledger,
                         client_for=lambda t: world.ctx.client_factory(thread_id=t),
                         currency="USD", history=history,
                         receipt=(asked.approval or {}).get("receipt"))
