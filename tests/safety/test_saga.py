"""Saga: a launch that cannot complete leaves a PAUSED partial tree; the human either keeps it
and retries the rest (`adpilot resume`), or compensates (`adpilot stop THREAD --delete`)."""

from __future__ import annotations

import sqlite3

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from graph.builder import build_graph
from graph.environment import SANDBOX_TOKEN, build_context
from graph.runner import Runner
from sandbox.server import SandboxServer
from state.context import Context, MetaSettings, Policy
from tools import kill_switch as safety

from .conftest import png


def objects(sb, kind):
    body = sb.admin("GET", f"/__sandbox__/objects?type={kind}")
    return body.get("data", body) if isinstance(body, dict) else body


@pytest.fixture
def broken_launch(tmp_path):
    """A thread whose launch failed permanently after the campaign and ad set were created
    (its image was deleted at Meta between the upload and the creatives)."""
    image = tmp_path / "shoe.png"
    image.write_bytes(png())
    brief = (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
             f"for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
             f"Use images {image}. Shop now.")
    with SandboxServer(db_path=tmp_path / "sb.db", seed=4, token=SANDBOX_TOKEN) as sb:
        ctx = build_context(MetaSettings(graph_url=sb.url), tmp_path / "home",
                            token=SANDBOX_TOKEN, sandbox=True,
                            base=Context(policy=Policy(go_live=True)))
        conn = sqlite3.connect(tmp_path / "cp.sqlite", check_same_thread=False)
        runner = Runner(build_graph(checkpointer=SqliteSaver(conn)), ctx)
        out = runner.start(brief, "s1")
        assert out.waiting_for == "approval"
        for _ in runner.graph.stream(Command(resume={"decisions": [{"type": "approve"}]}),
                                     runner.config("s1"), context=ctx, stream_mode="updates",
                                     durability="sync", interrupt_before=["create_ads"]):
            pass
        client = ctx.client_factory("s1")
        (img,) = [o for o in objects(sb, "adimage") if o.get("status") != "DELETED"]
        client.call("DELETE", f"{ctx.account_id}/adimages", {"hash": img["hash"]})
        with pytest.raises(Exception, match="not created"):
            runner.continue_thread("s1")
        assert runner.status("s1").next == ("create_ads",)
        yield sb, ctx, runner, image
        conn.close()


def test_partial_tree_is_paused_and_compensation_deletes_it_newest_first(broken_launch):
    sb, ctx, _runner, _image = broken_launch
    assert [o["status"] for o in objects(sb, "campaign")] == ["PAUSED"]
    assert [o["status"] for o in objects(sb, "adset")] == ["PAUSED"]
    assert objects(sb, "ad") == []
    factory = ctx.client_factory
    report = safety.compensate("s1", ledger=factory.ledger, client_for=factory, mode="delete")
    assert report.ok
    assert [d["object_type"] for d in report.deleted] == ["adset", "campaign"]
    left = safety.existing("s1", ledger=factory.ledger, client=factory("s1"))
    assert {o["status"] for o in left} == {"DELETED"}


def test_keeping_the_partial_tree_and_retrying_the_rest_creates_nothing_twice(broken_launch):
    sb, ctx, runner, image = broken_launch
    campaign_ids = [o["id"] for o in objects(sb, "campaign")]
    ctx.client_factory("s1").upload_image(image.read_bytes(), image.name)  # the cause, fixed
    out = runner.continue_thread("s1")
    assert out.waiting_for == "wait", out.values.get("phase")
    assert [o["id"] for o in objects(sb, "campaign")] == campaign_ids
    assert len(objects(sb, "adset")) == 1 and len(objects(sb, "ad")) == 1
    assert {o["status"] for o in objects(sb, "ad")} == {"ACTIVE"}
