"""Undo never silently wipes a later change: an object changed since the write is refused.

A budget moved 40.00 → 41.30 → 49.29 → 59.14 by three approved writes; undoing the first
used to set it straight from 59.14 to 40.00 (a 32 % cut) and say only "back to USD 40.00".
Against the sandbox over HTTP and the real SDK: the undo of an older write is refused with
nothing sent, naming what Meta holds, what the write set and the later writes (newest first);
undoing them newest first works, each said as before → after in money.
"""

from __future__ import annotations

import pytest

from sandbox.testing import make_api
from state.context import Policy
from state.guardrails import MoneyAction
from state.provenance import display_name
from tools import undo as undo_mod
from tools.money import clear

from .conftest import launch

EASY = Policy(budget_cooldown_hours=0, max_budget_change_pct=0.5)


def _adset(world, thread: str = "t1") -> str:
    ids = launch(world, thread)
    return next(i for k, i in ids.items()
                if world.ledger.find(k, "create", thread)["object_type"] == "adset")


def _budget(world, adset: str) -> int:
    return int(world.client(None, ledger=False).get(adset, {"fields": "daily_budget"})[
        "daily_budget"])


def _move(world, adset: str, minor: int, key: str) -> str:
    """An approved budget write through the money gate, ledgered like the optimise loop's."""
    client = world.client("t1")
    before = client.get(adset, {"fields": "daily_budget"})["daily_budget"]
    action = MoneyAction.from_action("set_adset_budget", {"adset_id": adset, "daily_budget": minor})
    (gate_pass,) = clear(client, [action], EASY).passes
    client.write("update", adset, {"daily_budget": minor}, plan_key=key, object_type="adset",
                 receipt=f"r-{key}", before={"daily_budget": before}, gate_pass=gate_pass)
    world.sb.admin("POST", "/__sandbox__/clock/advance", {"hours": 2})  # Meta's edit rate
    return world.ledger.find(key, "update", "t1")["write_id"]


def _undo(world, wid: str, **kw):
    return undo_mod.undo("t1", wid, ledger=world.ledger, client_for=world, policy=EASY,
                         currency="USD", **kw)


def test_undo_of_an_older_write_is_refused_naming_the_later_ones_newest_first(world):
    adset = _adset(world)
    assert _budget(world, adset) == 1250
    first, second, third = (_move(world, adset, m, k) for m, k in
                            ((1300, "w1"), (1550, "w2"), (1850, "w3")))
    sent = world.writes()
    with pytest.raises(undo_mod.ChangedSince) as refused:
        _undo(world, first)
    text = str(refused.value)
    assert world.writes() == sent and _budget(world, adset) == 1850  # nothing sent
    name = display_name(world.client(None, ledger=False).get(adset, {"fields": "name"})["name"])
    assert name.startswith("US") and f"ad set '{name}' (id {adset})" in text, text
    assert "daily budget USD 12.50 → USD 13.00" in text  # what the write set
    assert "Meta now holds daily budget USD 18.50" in text  # the current value
    assert "would set daily budget USD 18.50 → USD 12.50" in text
    assert text.index(third[:12]) < text.index(second[:12])  # newest first
    assert (f"undo the later writes first, newest first: `adpilot undo t1 {third[:12]}`, then "
            f"`adpilot undo t1 {second[:12]}`, then `adpilot undo t1 {first[:12]}`") in text
    assert "{" not in text

    # Newest first, each undo goes through and says before → after.
    ok = _undo(world, third)
    assert ok.status == "applied" and _budget(world, adset) == 1550
    assert ok.before == {"daily_budget": "1850"} and "ad set '" in (ok.target or "")
    undone = world.ledger.rows("t1")[-1]
    assert undone["plan_key"] == f"undo:{third}"  # the ledger says which write it undid
    # Only the second still stands after the first now: it alone is named.
    with pytest.raises(undo_mod.ChangedSince) as again:
        _undo(world, first)
    assert third[:12] not in str(again.value) and second[:12] in str(again.value)
    assert _undo(world, second, receipt=None).status == "applied"
    assert _budget(world, adset) == 1300
    assert _undo(world, first).status == "applied" and _budget(world, adset) == 1250


def test_a_change_made_outside_adpilot_is_refused_and_said_so(world):
    adset = _adset(world)
    wid = _move(world, adset, 1000, "cut")
    # Someone in Ads Manager raises it afterwards (straight through the SDK, no ledger).
    make_api(world.sb.url).call("POST", (adset,), {"daily_budget": 1600})
    sent = world.writes()
    with pytest.raises(undo_mod.ChangedSince) as refused:
        _undo(world, wid)
    text = str(refused.value)
    assert world.writes() == sent and _budget(world, adset) == 1600
    assert "Meta now holds daily budget USD 16.00" in text
    assert "changed outside adpilot (in Ads Manager or by another tool)" in text
    assert "daily budget USD 12.50 → USD 10.00" in text


def test_the_cli_refuses_with_exit_2_and_says_each_undo_before_and_after(world, monkeypatch,
                                                                         tmp_path):
    from typer.testing import CliRunner

    from graph.cli import app
    from tests.launchkit import said

    adset = _adset(world)
    first, second = (_move(world, adset, m, k) for m, k in ((1300, "w1"), (1550, "w2")))
    monkeypatch.setenv("ADPILOT_HOME", str(world.home))
    monkeypatch.setenv("META_GRAPH_URL", world.sb.url)
    monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
    monkeypatch.chdir(tmp_path)
    name = display_name(world.client(None, ledger=False).get(adset, {"fields": "name"})["name"])

    refused = CliRunner().invoke(app, ["undo", "t1", first[:12]], env={"COLUMNS": "400"})
    assert refused.exit_code == 2 and "Undone" not in refused.output, refused.output
    text = said(refused)
    assert "refused, nothing was changed" in text and "Meta now holds daily budget USD 15.50" in text
    assert f"`adpilot undo t1 {second[:12]}`, then `adpilot undo t1 {first[:12]}`" in text
    assert _budget(world, adset) == 1550

    ok = CliRunner().invoke(app, ["undo", "t1", second[:12]], env={"COLUMNS": "400"})
    assert ok.exit_code == 0, ok.output
    assert said(ok).endswith(f"Undone: write {second[:12]} (ad set '{name}' (id {adset}): daily "
                             "budget USD 15.50 → USD 13.00)."), said(ok)


def test_undo_of_a_create_pauses_it_even_after_its_activation(world):
    """Undoing a create means stopping what it made: its later activation is no change to keep."""
    ids = launch(world, "t1")  # created paused, then activated through the money gate
    ad_key, ad = next((k, i) for k, i in ids.items()
                      if world.ledger.find(k, "create", "t1")["object_type"] == "ad")
    create = world.ledger.find(ad_key, "create", "t1")
    result = _undo(world, create["write_id"])
    assert result.status == "applied", result
    assert world.client(None, ledger=False).get(ad, {"fields": "status"})["status"] == "PAUSED"
