"""The launch path through the real graph, the real SDK and the sandbox over HTTP."""

import json

from langgraph.types import Command

from graph.builder import build_graph
from graph.checkpointer import open_checkpointer
from tests.launchkit import APPROVE, admin, objects, plan_for

LAUNCH_NODES = ["review_plan", "upload_assets", "create_campaigns", "create_ads", "activate"]


def _start(ctx, paths):
    """Input with a ready plan: the graph tests do not depend on the planner's parsing."""
    return {"brief": "Trail shoes for US runners", "plan": plan_for(ctx, paths)}


def _stream(graph, value, thread, ctx):
    config = {"configurable": {"thread_id": thread}}
    return [(node, update) for chunk in graph.stream(value, config, context=ctx, stream_mode="updates",
                                                      durability="sync")
            for node, update in chunk.items()]


def test_launch_streams_exact_updates_and_creates_one_tree(launch_context, sample_images, tmp_path,
                                                           sandbox_server):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        first = _stream(graph, _start(launch_context, sample_images), "t1", launch_context)
        assert [n for n, _ in first] == ["route_request", "plan_campaign", "validate_plan",
                                          "__interrupt__"]
        payload = first[-1][1][0].value
        assert payload["kind"] == "approval" and payload["schema"] == "adpilot.approval/1"
        assert payload["action_requests"][0]["name"] == "launch_campaign"
        assert "Meta validate_only" in payload["description"]
        assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0

        second = _stream(graph, Command(resume=APPROVE), "t1", launch_context)
        names = [n for n, _ in second]
        loop = "wait_for_data" in graph.nodes
        assert names == LAUNCH_NODES + (["__interrupt__"] if loop else [])
        state = graph.get_state({"configurable": {"thread_id": "t1"}}).values
        created = state["created"]
        assert created["campaign"] and len(created["ads"]) == len(created["creatives"]) >= 2
        assert state["approval"]["receipt"] == payload["receipt"]

    campaigns = [c for c in objects(sandbox_server.url, "campaign") if c.get("status") != "DELETED"]
    assert [c["id"] for c in campaigns] == [created["campaign"]]
    ads = objects(sandbox_server.url, "ad")
    assert sorted(a["id"] for a in ads) == sorted(created["ads"].values())
    images = objects(sandbox_server.url, "adimage")
    assert len(images) == len(sample_images)  # one upload per distinct file


def test_reject_ends_the_thread_with_nothing_written(launch_context, sample_images, tmp_path, sandbox_server):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        _stream(graph, _start(launch_context, sample_images), "t2", launch_context)
        updates = _stream(graph, Command(resume={"decisions": [{"type": "reject", "message": "too pricey"}]}),
                          "t2", launch_context)
        assert [n for n, _ in updates] == ["review_plan"]
        snapshot = graph.get_state({"configurable": {"thread_id": "t2"}})
        assert snapshot.next == () and snapshot.values["phase"] == "rejected"
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0


def test_edit_is_revalidated_then_shown_again(launch_context, sample_images, tmp_path, sandbox_server):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        first = _stream(graph, _start(launch_context, sample_images), "t3", launch_context)
        plan = first[-1][1][0].value["action_requests"][0]["args"]["plan"]
        edited = {**plan, "name": "Trail shoes — edited"}
        edit = {"decisions": [{"type": "edit", "edited_action": {"name": "launch_campaign",
                                                                 "args": {"plan": edited}}}]}
        updates = _stream(graph, Command(resume=edit), "t3", launch_context)
        assert [n for n, _ in updates] == ["review_plan", "validate_plan", "__interrupt__"]
        card = updates[-1][1][0].value
        assert "Trail shoes — edited" in card["description"]
        assert card["receipt"] != first[-1][1][0].value["receipt"]

        bad = {**plan, "ad_sets": [{**plan["ad_sets"][0], "targeting": {
            **plan["ad_sets"][0]["targeting"], "age_min": 12}}]}
        bad_edit = {"decisions": [{"type": "edit", "edited_action": {"name": "launch_campaign",
                                                                     "args": {"plan": bad}}}]}
        # The card was edited: an answer quoting no receipt may be meant for the first card.
        updates = _stream(graph, Command(resume=bad_edit), "t3", launch_context)
        assert [n for n, _ in updates] == ["__interrupt__"]
        assert "quotes no receipt" in updates[0][1][0].value["error"]
        updates = _stream(graph, Command(resume={**bad_edit, "receipt": card["receipt"]}), "t3",
                          launch_context)
        # A bad edit is not applied: the card before it is asked again, saying why.
        again = updates[-1][1][0].value
        assert "age_min" in again["error"] and "Your edit was not applied" in again["description"]
        assert again["action_requests"][0]["args"] == card["action_requests"][0]["args"]
        assert again["review_configs"][0]["allowed_decisions"] == ["approve", "edit", "reject"]
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0


def test_malformed_resume_asks_again_with_the_reason(launch_context, sample_images, tmp_path):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        _stream(graph, _start(launch_context, sample_images), "t4", launch_context)
        updates = _stream(graph, Command(resume={"decisions": [{"type": "approve", "receipt": "forged"}]}),
                          "t4", launch_context)
        assert [n for n, _ in updates] == ["__interrupt__"]
        assert "decisions" in updates[0][1][0].value["error"]
        updates = _stream(graph, Command(resume=APPROVE), "t4", launch_context)
        assert [n for n, _ in updates][:2] == ["review_plan", "upload_assets"]


def test_missing_budget_asks_then_plans_with_the_answer(launch_context, sample_images, tmp_path, sandbox_server):
    brief = (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45, for 14 days. Landing page "
             f"https://shop.example.com/trail. Use images {', '.join(str(p) for p in sample_images)}.")
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        first = _stream(graph, {"brief": brief}, "c1", launch_context)
        assert [n for n, _ in first] == ["route_request", "__interrupt__"]
        question = first[1][1][0].value
        assert question["kind"] == "clarify" and question["questions"][0]["field"] == "budget"

        answered = _stream(graph, Command(resume={"answers": {"budget": "$40/day"}}), "c1", launch_context)
        assert [n for n, _ in answered] == ["plan_campaign", "plan_campaign", "validate_plan", "__interrupt__"]
        state = graph.get_state({"configurable": {"thread_id": "c1"}}).values
        assert state["plan"]["budget"]["amount_minor"] == 4000
        assert "Budget: $40/day" in state["brief"] and state["clarifications"][0]["answer"]
    assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0


def test_a_long_meta_throttle_becomes_a_durable_wait(launch_context, sample_images, tmp_path, sandbox_server):
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        _stream(graph, _start(launch_context, sample_images), "th", launch_context)
        admin(sandbox_server.url, "POST", "/__sandbox__/faults", {"throttle": 1.0, "throttle_s": 900, "seed": 3})
        throttled = _stream(graph, Command(resume=APPROVE), "th", launch_context)
        assert [n for n, _ in throttled] == ["review_plan", "upload_assets", "__interrupt__"]
        wait = throttled[-1][1][0].value
        assert wait["kind"] == "wait" and "throttled until" in wait["reason"] and wait["until"]
        assert dict(throttled)["upload_assets"]["throttle"]["node"] == "upload_assets"

        admin(sandbox_server.url, "POST", "/__sandbox__/faults", {"throttle": 0.0})
        resumed = _stream(graph, Command(resume={"woke_at": "test"}), "th", launch_context)
        names = [n for n, _ in resumed]
        assert names[:5] == ["wait_out_throttle", "upload_assets", "create_campaigns", "create_ads", "activate"]
        state = graph.get_state({"configurable": {"thread_id": "th"}}).values
        assert state["throttle"] is None and state["throttle_waits"] == 1
    assert len(objects(sandbox_server.url, "campaign")) == 1


def test_an_empty_clarify_answer_asks_again(launch_context, sample_images, tmp_path):
    brief = ("Sell TrailBlaze running shoes to runners in the US, ages 25-45, for 14 days. "
             f"Landing page https://shop.example.com/trail. Use image {sample_images[0]}.")
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        _stream(graph, {"brief": brief}, "c2", launch_context)
        again = _stream(graph, Command(resume="   "), "c2", launch_context)
        assert [n for n, _ in again] == ["__interrupt__"]
        assert "empty" in again[0][1][0].value["error"]
        done = _stream(graph, Command(resume="$25 a day"), "c2", launch_context)
        assert [n for n, _ in done][-2:] == ["validate_plan", "__interrupt__"]


def test_ui_shaped_answers_drive_the_launch_path(launch_context, sample_images, tmp_path, sandbox_server):
    """Agent Inbox answers a question with "response" and the card with "accept"; it launches."""
    brief = ("Sell TrailBlaze running shoes to runners in the US, ages 25-45, for 14 days. "
             f"Landing page https://shop.example.com/trail. Use image {sample_images[0]}.")
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        asked = _stream(graph, {"brief": brief}, "ui", launch_context)
        assert asked[-1][1][0].value["kind"] == "clarify"
        card = _stream(graph, Command(resume=[{"type": "response", "args": "$25 a day"}]), "ui",
                       launch_context)[-1][1][0].value
        assert card["kind"] == "approval"
        described = card["action_requests"][0]["description"]
        assert "USD 25.00 a day" in described and "Audience:" in described  # the card, per action
        assert admin(sandbox_server.url, "GET", "/__sandbox__/stats")["writes"] == 0
        _stream(graph, Command(resume=[{"type": "accept", "args": None}]), "ui", launch_context)
        state = graph.get_state({"configurable": {"thread_id": "ui"}}).values
        assert state["approval"]["receipt"] == card["receipt"] and state["created"]["campaign"]
    assert [c["id"] for c in objects(sandbox_server.url, "campaign")] == [state["created"]["campaign"]]


def test_a_bare_company_name_answers_who_pays(launch_context, sample_images, tmp_path):
    """The EU "who pays" question is answered by a name alone; it used to be asked again."""
    brief = ("Sell TrailBlaze running shoes to runners in Germany, ages 25-45, $30 a day for 14 "
             f"days. Landing page https://shop.example.com/trail. Use image {sample_images[0]}.")
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        asked = _stream(graph, {"brief": brief}, "dsa", launch_context)[-1][1][0].value
        assert [q["field"] for q in asked["questions"]] == ["dsa_payor"]
        assert asked["questions"][0]["example"] == "Beispiel GmbH"  # not a URL
        card = _stream(graph, Command(resume="Steuerkanzlei Beispiel GmbH"), "dsa",
                       launch_context)[-1][1][0].value
        assert card["kind"] == "approval"
        plan = graph.get_state({"configurable": {"thread_id": "dsa"}}).values["plan"]
        assert {(s["dsa_payor"], s["dsa_beneficiary"]) for s in plan["ad_sets"]} == {
            ("Steuerkanzlei Beispiel GmbH", "Steuerkanzlei Beispiel GmbH")}


def test_a_question_asked_again_says_why_the_answer_did_not_fit(launch_context, sample_images,
                                                                 tmp_path):
    brief = ("Sell TrailBlaze running shoes to runners in the US, ages 25-45, for 14 days. "
             f"Landing page https://shop.example.com/trail. Use image {sample_images[0]}.")
    with open_checkpointer(tmp_path / "ck") as saver:
        graph = build_graph(checkpointer=saver)
        first = _stream(graph, {"brief": brief}, "re", launch_context)[-1][1][0].value
        assert "did not give this" not in json.dumps(first)
        again = _stream(graph, Command(resume="not sure yet"), "re", launch_context)[-1][1][0].value
        assert again["kind"] == "clarify"
        budget = next(q for q in again["questions"] if q["field"] == "budget")
        assert budget["reason"] == "the last answer, “not sure yet”, did not give this"
        assert "not sure yet" in again["description"]
