"""`adpilot undo` of a creative refresh's new creative (or its image) pauses the new ads.

Meta cannot pause a creative or an image, so undoing either means: the new ads this thread
created with it stop delivering — read back from the sandbox — while the tired ad, its sibling
and the other new ads run on (`tools/undo_ads.py`).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from state.action_history import ActionHistory
from tests.agents.refresh_world import World
from tests.launchkit import said
from tests.sandbox.conftest import png_bytes
from tools import undo as undo_mod


@pytest.fixture
def world(launch_context: Any, sandbox_server: Any, tmp_path: Path) -> World:
    return World(launch_context, sandbox_server.url, tmp_path)


def statuses(world: World, ids: list[str]) -> dict[str, str]:
    return {i: world.read(i, "status")["status"] for i in ids}


def refreshed(world: World, action: dict[str, Any] | None = None) -> list[str]:
    result = world.execute(action or world.proposed())
    [record] = result["applied"]
    assert record["status"] == "applied", record
    return list(record["created"]["ad_ids"])


def write_of(world: World, op: str, object_type: str, meta_id: str | None = None) -> str:
    return next(r["write_id"] for r in world.client.ledger.rows("refresh")
                if r["op"] == op and r["object_type"] == object_type
                and (meta_id is None or r["meta_id"] == meta_id))


def undo(world: World, write_id: str) -> undo_mod.UndoResult:
    return undo_mod.undo("refresh", write_id, ledger=world.client.ledger,
                         client_for=lambda t: world.ctx.client_factory(thread_id=t))


def test_undoing_a_new_creative_pauses_the_new_ad_that_shows_it_and_nothing_else(
        world: World) -> None:
    first, second = refreshed(world)
    creative = world.read(first, "creative")["creative"]["id"]
    result = undo(world, write_of(world, "create", "creative", creative))
    assert result.status == "applied", result
    # read back from the sandbox: only the new ad showing that creative stopped
    assert statuses(world, [first, second, world.ad_id, world.sibling_id]) == {
        first: "PAUSED", second: "ACTIVE", world.ad_id: "ACTIVE", world.sibling_id: "ACTIVE"}
    assert world.read(creative, "status")["status"] == "ACTIVE"  # never sent PAUSED
    assert result.message == (  # in plain words, the ad by its name and its ad set's
        f"creative {creative} ('Shoe ad — refresh 1') cannot be paused at Meta (only an ad "
        "can), so the new ad showing it was paused: 'Trail A — refresh 1' in ad set "
        f"'Runners 25-44' (id {first}); no other ad was changed")
    pause = [r for r in world.client.ledger.rows("refresh") if r["meta_id"] == first
             and r["op"] == "update" and r["after"].get("status") == "PAUSED"]
    assert len(pause) == 1 and pause[0]["status"] == "done" and pause[0]["policy_digest"]
    again = undo(world, write_of(world, "create", "creative", creative))
    assert again.status == "unchanged" and "already off" in (again.message or "")


def test_undoing_a_new_image_pauses_the_ads_of_the_creatives_made_with_it(
        world: World) -> None:
    (world.tmp / "blue.png").write_bytes(png_bytes(color="blue"))
    action = copy.deepcopy(world.proposed())
    action["args"]["variants"][0]["image_file"] = "blue.png"
    first, second = refreshed(world, action)
    result = undo(world, write_of(world, "upload", "image"))
    assert result.status == "applied", result
    assert statuses(world, [first, second, world.ad_id]) == {
        first: "PAUSED", second: "ACTIVE", world.ad_id: "ACTIVE"}
    assert f"'Trail A — refresh 1' in ad set 'Runners 25-44' (id {first})" in (
        result.message or "")


def test_a_creative_no_new_ad_shows_is_not_undone_and_says_why(world: World) -> None:
    client = world.client
    spec = world.read(world.creative_id, "object_story_spec")["object_story_spec"]
    made = client.write("create", f"{world.ctx.account_id}/adcreatives",
                        {"name": "Spare", "object_story_spec": spec}, plan_key="spare",
                        object_type="creative")
    wid = write_of(world, "create", "creative", made["id"])
    with pytest.raises(ValueError, match="nothing to pause: nothing was changed"):
        undo(world, wid)
    assert statuses(world, [world.ad_id, world.sibling_id]) == {
        world.ad_id: "ACTIVE", world.sibling_id: "ACTIVE"}


def test_the_cli_says_which_new_ad_it_paused(world: World, monkeypatch, tmp_path) -> None:
    from graph.cli import app

    first, second = refreshed(world)
    creative = world.read(first, "creative")["creative"]["id"]
    wid = write_of(world, "create", "creative", creative)[:12]
    monkeypatch.setenv("ADPILOT_HOME", str(world.ctx.home))
    monkeypatch.setenv("META_GRAPH_URL", world.url)
    monkeypatch.setenv("META_ACCESS_TOKEN", "sandbox-token")
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(app, ["undo", "refresh", wid], env={"COLUMNS": "400"})
    assert run.exit_code == 0, run.output
    assert said(run) == (
        f"Undone: write {wid}: creative {creative} ('Shoe ad — refresh 1') cannot be paused "
        "at Meta (only an ad can), so the new ad showing it was paused: 'Trail A — refresh 1' "
        f"in ad set 'Runners 25-44' (id {first}); no other ad was changed."), said(run)
    assert statuses(world, [first, second]) == {first: "PAUSED", second: "ACTIVE"}
    # recorded for the next card's judging and the report (tools/undo_record.py)
    [mark] = ActionHistory(world.ctx.home).undos("refresh")
    assert mark["write_id"].startswith(wid) and set(mark["object_ids"]) == {creative, first}
    spare = world.client.write("create", f"{world.ctx.account_id}/adcreatives", {
        "name": "Spare", "object_story_spec": world.read(
            world.creative_id, "object_story_spec")["object_story_spec"]},
        plan_key="spare", object_type="creative")["id"]
    refused = CliRunner().invoke(app, ["undo", "refresh",
                                       write_of(world, "create", "creative", spare)[:12]],
                                 env={"COLUMNS": "400"})
    assert refused.exit_code == 2 and "Undone" not in refused.output, refused.output
    assert "nothing was changed" in said(refused)
