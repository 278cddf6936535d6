"""`adpilot ask` with an LLM router: an OpenAI-compatible server on loopback answers.

The model only reads the request into the draft schema (route, params, entity names); the
names are resolved by adpilot's own resolver and every write still stops at a card.
"""

from __future__ import annotations

from agents.orchestrator.routing.draft import DraftAsk
from tests.launchkit import admin, objects
from tests.llm.openai_stub import llm_planner_env
from tests.llm.scripted import openai_reply
from tests.requests.world import sdk_world


def ask(route: str, entities: list[dict], **fields) -> dict:  # type: ignore[type-arg]
    """One draft ask: every field null except those given (the schema is strict)."""
    base = {name: None for name in DraftAsk.model_fields}
    return {**base, "route": route, "entities": entities, **fields}


def ref(name: str, kind: str | None = None) -> dict[str, object]:
    return {"ref": name, "type": kind, "within": None, "all_matches": False}


def test_an_llm_read_request_reaches_the_same_card_and_applies_on_approval(cli, tmp_path,
                                                                          monkeypatch):
    server, run = cli
    ids = sdk_world(server, tmp_path)
    draft = {"asks": [ask("status", [ref("Carousel A", "ad")], status_to="PAUSED")]}
    with llm_planner_env(monkeypatch, [openai_reply(draft)]) as stub:
        out = run("ask", "could you switch off the carousel ad in the women's ad set?",
                  "--thread", "l1")
        assert out.exit_code == 0 and "approval needed" in out.output, out.output
        assert stub.requests, "the request went to the model"
        assert "switch off the carousel" in str(stub.requests[-1])
    ad = ids["ads"]["Carousel A"]
    assert next(o for o in objects(server.url, "ad") if o["id"] == ad)["status"] == "ACTIVE"
    assert run("approve", "l1").exit_code == 0
    assert next(o for o in objects(server.url, "ad") if o["id"] == ad)["status"] == "PAUSED"


def test_a_name_the_model_made_up_or_a_broken_reply_is_asked_never_written(cli, tmp_path,
                                                                           monkeypatch):
    server, run = cli
    sdk_world(server, tmp_path)
    before = admin(server.url, "GET", "/__sandbox__/stats")["writes"]
    invented = {"asks": [ask("status", [ref("Summer Blowout")], status_to="PAUSED")]}
    with llm_planner_env(monkeypatch, [openai_reply(invented), "not json at all"]):
        made_up = run("ask", "pause the summer thing", "--thread", "l2")
        assert "the request needs an answer" in made_up.output, made_up.output
        broken = run("ask", "pause Spring Sale", "--thread", "l3")
        assert "the request needs an answer" in broken.output, broken.output
    assert admin(server.url, "GET", "/__sandbox__/stats")["writes"] == before
