"""Understand or ask, through the real graph: a brief the plan cannot honour stops at a question
naming the words; a person may waive a not-understood or unsupported phrase, and the card then
says the plan launches without it; what the planner changed on its own is on the card."""

from langgraph.types import Command

from graph.builder import build_graph
from graph.checkpointer import open_checkpointer
from tests.launchkit import admin


def _stream(graph, value, thread, ctx):
    config = {"configurable": {"thread_id": thread}}
    return [(node, update) for chunk in graph.stream(value, config, context=ctx, stream_mode="updates",
                                                      durability="sync")
            for node, update in chunk.items()]


def _brief(images, extra):
    return (f"Sell our wool socks in the US, $40 a day for 14 days. {extra} "
            f"https://socks.example/shop, images {', '.join(str(p) for p in images)}")


def test_an_unsupported_ask_is_asked_then_waived_and_the_card_says_so(launch_context, sample_images,
                                                                     tmp_path, sandbox_server):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        # (a cost cap was the example until issue 15 made it a plan; a frequency cap is not yet)
        first = _stream(graph, {"brief": _brief(sample_images, "Use a frequency cap.")}, "u1",
                        launch_context)
        ask = first[-1][1][0].value
        assert ask["kind"] == "clarify"
        unsupported = [q for q in ask["questions"] if q["kind"] == "unsupported"]
        assert unsupported and "frequency cap" in unsupported[0]["phrase"].lower()
        assert "waive" in ask["description"]

        card = _stream(graph, Command(resume="waive"), "u1", launch_context)[-1][1][0].value
        assert card["kind"] == "approval"
        assert "waived by you: ‘frequency cap" in card["description"].lower()
        state = graph.get_state({"configurable": {"thread_id": "u1"}}).values
        assert [w.lower() for w in state["waived"]] == [unsupported[0]["phrase"].lower()]
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0


def test_only_not_understood_or_unsupported_phrases_can_be_waived(launch_context, sample_images, tmp_path):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        brief = _brief(sample_images, "").replace("$40 a day for 14 days", "some budget")
        first = _stream(graph, {"brief": brief}, "u2", launch_context)
        assert {q["field"] for q in first[-1][1][0].value["questions"]} == {"budget"}
        again = _stream(graph, Command(resume="waive"), "u2", launch_context)
        assert [n for n, _ in again] == ["__interrupt__"]
        assert "nothing here can be waived" in again[0][1][0].value["error"]


def test_a_corrected_misspelling_is_on_the_card(launch_context, sample_images, tmp_path):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        brief = _brief(sample_images, "We need more sals.").replace("Sell our", "Promote our")
        card = _stream(graph, {"brief": brief}, "u3", launch_context)[-1][1][0].value
        assert card["kind"] == "approval", card.get("questions")
        assert card["action_requests"][0]["args"]["plan"]["objective"] == "OUTCOME_SALES"
        assert "‘sals’ read as a misspelling of ‘sales’" in card["description"]
        assert "How adpilot read the brief" in card["description"]
