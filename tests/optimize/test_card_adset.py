"""Every ad action line of an optimise card names the ad's ad set.

Ads made from one image share its name: "PAUSE pause_ad on ad “Image 1: shoe_0.jpg”" with four
such ads left a person unable to tell which one the card pauses.
"""

from __future__ import annotations

from langgraph.types import Command

from prompts.optimize import _judged, describe_action
from tests.optimize.test_loop_graph import _interrupt, loop, loop_graph  # noqa: F401 - a fixture

SHARED = "Image 1: shoe_0.jpg"


def _pause(target):
    return {"name": "pause_ad", "args": {"ad_id": "9"}, "verdict": "PAUSE", "reasons": ["worst"],
            "target": {"id": "9", "name": SHARED, "level": "ad", **target}}


def test_an_ad_line_names_its_ad_set_by_name_else_by_id():
    named = describe_action(_pause({"parent_id": "7", "adset_name": "US 25-34"}), "USD")
    assert f"on ad “{SHARED}” in ad set “US 25-34”:" in named
    assert f"on ad “{SHARED}” in ad set “7”:" in describe_action(_pause({"parent_id": "7"}), "USD")
    adset = describe_action({"name": "pause_adset", "args": {}, "verdict": "PAUSE",
                             "target": {"id": "7", "name": "US 25-34", "level": "adset",
                                        "parent_id": "1"}}, "USD")
    assert "in ad set" not in adset


def test_a_judged_ad_line_names_its_ad_set():
    entry = {**_pause({"parent_id": "7", "adset_name": "US 25-34"}), "applied_date": "2026-03-08",
             "judgement": {"judgement": "improved", "p_improved": 0.9, "scope": {"level": "ad"},
                           "before": {"cpa_minor": 5000}, "after": {"cpa_minor": 3000}}}
    (line,) = _judged({"applied_actions": [entry]}, "USD")
    assert f"on “{SHARED}” in ad set “US 25-34” (2026-03-08)" in line


def test_the_loops_card_names_the_ad_set_of_every_ad_action(loop):  # noqa: F811
    sandbox, _factory, created, context, state = loop
    graph, cfg, ctx = loop_graph(), {"configurable": {"thread_id": "t-adset"}}, context()
    graph.invoke(state, cfg, context=ctx)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 8})
    graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
    _card, snap = _interrupt(graph, cfg)
    actions = snap.values["optimize"]["proposal"]["actions"]
    ad_actions = [a for a in actions if a["target"].get("level") == "ad"]
    assert ad_actions, [a["name"] for a in actions]
    names = {str(a["id"]): a["name"] for a in sandbox.admin(
        "GET", "/__sandbox__/objects?type=adset")["data"]}
    for action in ad_actions:
        adset = names[str(action["target"]["parent_id"])]
        assert f"“{action['target']['name']}” in ad set “{adset}”" in action["description"]
