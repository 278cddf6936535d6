"""`adpilot trace THREAD` on a launched thread: every node, interrupt and Meta write, in order."""

from __future__ import annotations

import json

from PIL import Image
from typer.testing import CliRunner

from tests.llm.openai_stub import llm_planner_env
from tests.llm.scripted import VALID_DRAFT, openai_reply, with_assets

LAUNCH_NODES = ["plan_campaign", "validate_plan", "review_plan", "upload_assets", "create_campaigns",
                "create_ads", "activate"]


def test_trace_shows_nodes_interrupts_decisions_and_writes_in_order(tmp_path, monkeypatch):
    from graph.cli import app
    from graph.environment import open_environment
    from graph.runner import open_runner

    image = tmp_path / "shoe.jpg"
    Image.new("RGB", (1080, 1080), (10, 120, 60)).save(image)
    home = tmp_path / "home"
    monkeypatch.setenv("ADPILOT_HOME", str(home))
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_CHECKPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with llm_planner_env(monkeypatch, [openai_reply(with_assets(VALID_DRAFT, str(image)))]), \
            open_environment(home=home, embedded=True, announce=lambda *_: None, max_cycles=0) as env, \
            open_runner(env.home, env.context) as runner:
        out = runner.start("trail shoes, $60/day, US women", thread_id="t-trace")
        assert out.waiting_for == "approval"
        out = runner.resume("t-trace", {"decisions": [{"type": "approve"}]})
        created = out.values["created"]
        campaigns = env.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"]

    result = CliRunner().invoke(app, ["trace", "t-trace", "--json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)
    nodes = [e["node"] for e in events if e["kind"] == "node"]
    # Every launch node, in graph order (the optimise loop is off: max_cycles=0).
    assert [n for n in nodes if n in LAUNCH_NODES] == LAUNCH_NODES
    kinds = [e["kind"] for e in events]
    i_interrupt, i_decision = kinds.index("interrupt"), kinds.index("decision")
    writes = [i for i, e in enumerate(events) if e["kind"] == "meta_write"]
    assert writes and i_interrupt < i_decision < writes[0]
    assert events[i_interrupt]["interrupt"] == "approval" and events[i_interrupt]["details"]["receipt"]
    assert "approve" in events[i_decision]["summary"]
    # Writes name their object, Meta id and node; the campaign's create is there with its id.
    write_events = [events[i] for i in writes]
    campaign_writes = [w for w in write_events if w["details"]["object_type"] == "campaign"
                       and w["details"]["op"] == "create"]
    assert [w["details"]["meta_id"] for w in campaign_writes] == [created["campaign"]] == [str(campaigns[0]["id"])]
    assert campaign_writes[0]["node"] == "create_campaigns"
    assert all(w["details"]["status"] == "done" for w in write_events)
    assert all(w["details"]["receipt"] == events[i_interrupt]["details"]["receipt"]
               for w in write_events if w["details"]["object_type"] in ("campaign", "adset", "ad"))
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)

    text = CliRunner().invoke(app, ["trace", "t-trace"], env={"COLUMNS": "400"})
    assert text.exit_code == 0
    for needle in LAUNCH_NODES + ["approval requested", "decided: approve", created["campaign"]]:
        assert needle in text.output, needle

    missing = CliRunner().invoke(app, ["trace", "no-such-thread"])
    assert missing.exit_code != 0 and "no thread 'no-such-thread'" in missing.output
