"""Issue 11: before-values that survive retries, and an undo that says when it changes nothing.

Against the real SDK and the sandbox over HTTP. A "crash" is the process dying after Meta
answered a write and before the ledger recorded its outcome: `Ledger.mark` raises a
BaseException at that point (nothing catches it, the ledger transaction rolls back), so the
row stays where a SIGKILL would leave it while Meta holds the change.
"""

from __future__ import annotations

from typing import Any

import pytest

from agents import safety
from state.context import Policy
from state.guardrails import MoneyAction
from state.ledger import Ledger
from tools.errors import UnknownOutcomeError
from tools.money import apply_update, clear

from .conftest import launch

POLICY = Policy(budget_cooldown_hours=0)


class Crash(BaseException):
    """The process died here."""


@pytest.fixture
def crash_at(monkeypatch):
    """`crash_at("done")`: the next mark to that status kills the 'process' before it lands."""

    def arm(status: str) -> None:
        original = Ledger.mark

        def mark(self: Ledger, write_id: str, to: str, **kw: Any) -> dict[str, Any]:
            if to == status:
                monkeypatch.setattr(Ledger, "mark", original)  # one crash only
                raise Crash(f"killed before the ledger recorded {to}")
            return original(self, write_id, to, **kw)

        monkeypatch.setattr(Ledger, "mark", mark)

    return arm


def adset_of(world, ids: dict[str, str], thread: str, n: int = 0) -> str:
    sets = [i for k, i in ids.items()
            if world.ledger.find(k, "create", thread)["object_type"] == "adset"]
    return sets[n]


def budget(world, object_id: str) -> int:
    got = world.client(None, ledger=False).get(object_id, {"fields": "daily_budget"})
    return int(got["daily_budget"])


def set_budget(world, thread: str, adset: str, minor: int) -> dict[str, Any]:
    """What `apply_actions` does for an approved budget change: gate, then apply_update."""
    client = world.client(thread)
    action = MoneyAction.from_action("set_adset_budget", {"adset_id": adset, "daily_budget": minor})
    (gate_pass,) = clear(client, [action], POLICY).passes
    return apply_update(client, action, gate_pass, receipt="r-cycle-1",
                        plan_key=f"optimize:{adset}:set_adset_budget")


def budget_writes(world, thread: str, adset: str) -> list[dict[str, Any]]:
    return [r for r in world.ledger.rows(thread)
            if r["path"] == adset and r["plan_key"] == f"optimize:{adset}:set_adset_budget"]


@pytest.mark.parametrize("how", ["crash", "lost_response"])
def test_a_retry_keeps_the_first_before_and_undo_restores_the_original(world, crash_at, how):
    ids = launch(world, "t1")
    adset = adset_of(world, ids, "t1")
    assert budget(world, adset) == 1250
    if how == "crash":
        crash_at("done")
        with pytest.raises(Crash):
            set_budget(world, "t1", adset, 1450)
    else:
        world.sb.admin("POST", "/__sandbox__/faults", {"lost_response": 1.0, "seed": 1})
        with pytest.raises(UnknownOutcomeError):
            set_budget(world, "t1", adset, 1450)
        world.sb.admin("POST", "/__sandbox__/faults", {"lost_response": 0})
    assert budget(world, adset) == 1450  # Meta applied it; the ledger did not hear back
    (first,) = budget_writes(world, "t1", adset)
    assert first["status"] == ("sent" if how == "crash" else "unknown")

    # The resumed node runs again: it reads 1450 now, but 1250 is what the write changed.
    again = set_budget(world, "t1", adset, 1450)
    assert again["status"] == "applied" and int(again["before"]["daily_budget"]) == 1250
    first, retry = budget_writes(world, "t1", adset)
    assert int(retry["before"]["daily_budget"]) == int(first["before"]["daily_budget"]) == 1250
    assert retry["status"] == "done"
    assert first["status"] == "done" and first["after"]["confirmed_by"] == retry["write_id"]
    assert first["after"]["daily_budget"] == 1450
    assert not safety.audit_verify(world.home)["unresolved"]
    assert world.ledger.verify()[0]

    res = safety.undo("t1", retry["write_id"], ledger=world.ledger, client_for=world)
    assert res.status == "applied" and budget(world, adset) == 1250
    # The first attempt's undo would change nothing now: said, not "Undone".
    sent = world.writes()
    with pytest.raises(safety.NothingToUndo, match="already holds.*nothing was sent"):
        safety.undo("t1", first["write_id"], ledger=world.ledger, client_for=world)
    assert world.writes() == sent


def test_a_different_write_to_the_same_object_is_not_a_retry(world, crash_at):
    ids = launch(world, "t1")
    adset = adset_of(world, ids, "t1")
    crash_at("done")
    with pytest.raises(Crash):
        set_budget(world, "t1", adset, 1450)
    # Same object and operation, another value (another digest): a new write, not a retry.
    other = set_budget(world, "t1", adset, 1400)
    assert int(other["before"]["daily_budget"]) == 1450
    first, second = budget_writes(world, "t1", adset)
    assert first["status"] == "sent" and first["after"] == {"daily_budget": 1450}  # asked for
    assert int(second["before"]["daily_budget"]) == 1450
    assert world.ledger.get(first["write_id"])["status"] == "sent"


def test_undo_of_a_retry_recorded_the_old_way_refuses_and_names_the_first_attempt(
        world, crash_at):
    """A ledger from before the fix: the retry's before was read after the first had applied."""
    ids = launch(world, "t1")
    adset = adset_of(world, ids, "t1")
    crash_at("done")
    with pytest.raises(Crash):
        set_budget(world, "t1", adset, 1450)
    (first,) = budget_writes(world, "t1", adset)
    old = world.ledger.intent(op="update", path=adset, params={"daily_budget": 1450},
                              plan_key=first["plan_key"], object_type="adset", thread_id="t1",
                              receipt="r-cycle-1", before={"daily_budget": "1450"})
    world.ledger.mark(old, "sent")
    world.ledger.mark(old, "done", meta_id=adset, after={"daily_budget": 1450, "success": True})

    sent = world.writes()
    with pytest.raises(safety.NothingToUndo) as refusal:
        safety.undo("t1", old, ledger=world.ledger, client_for=world)
    text = str(refusal.value)
    assert old[:12] in text and first["write_id"][:12] in text and "1250" in text
    assert f"adpilot audit reconcile t1`, then `adpilot undo t1 {first['write_id'][:12]}" in text
    assert world.writes() == sent and budget(world, adset) == 1450

    # A write whose outcome is unknown cannot be undone yet: it says to reconcile first.
    with pytest.raises(ValueError, match="adpilot audit reconcile t1"):
        safety.undo("t1", first["write_id"], ledger=world.ledger, client_for=world)
