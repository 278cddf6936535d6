"""One test per tool of `graph/toolkit.py`, against the sandbox over HTTP (no mocks).

The campaign is made with the facebook_business SDK (`conftest.world`); every test checks
that the tool wrote nothing to the sandbox and that no token is in its result.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from facebook_business.adobjects.campaign import Campaign

from graph.toolkit import TOOLS, ToolInputError, call_tool, describe, make_tools
from sandbox.testing import SANDBOX_TOKEN, make_api
from tests.launchkit import brief_for


def run(env: Any, world: Any, name: str, **args: Any) -> dict[str, Any]:
    """Call a tool; assert it wrote nothing and its result holds no token."""
    before = world.writes()
    result = call_tool(env, name, args)
    assert world.writes() == before, f"{name} wrote to Meta"
    assert SANDBOX_TOKEN not in json.dumps(result)
    return result


def test_the_langchain_tools_are_the_toolkit_functions(tool_env):
    tools = make_tools(tool_env)
    assert [t.name for t in tools] == list(TOOLS)
    for tool in tools:
        fn, schema = TOOLS[tool.name]
        assert tool.description == describe(fn) and tool.description
        assert tool.args_schema is schema
        fields = set(schema.model_fields)
        assert not fields & {"home", "token", "access_token", "graph_url", "client", "url",
                             "thread"}, tool.name
    assert not [t for t in TOOLS if any(w in t for w in ("approve", "resume", "apply", "edit",
                                                         "reject", "decide"))]


def test_list_accounts(tool_env, world):
    result = run(tool_env, world, "list_accounts")
    assert [a["id"] for a in result["accounts"]] == [world.account]
    assert result["accounts"][0]["currency"] == "USD"
    # through LangChain too: the same function
    tool = make_tools(tool_env)[0]
    assert tool.invoke({}) == result


def test_campaign_tree(tool_env, world):
    result = run(tool_env, world, "campaign_tree")
    assert result["id"] == world.account
    (campaign,) = [c for c in result["campaigns"] if c["id"] == world.ids["campaign"]]
    assert campaign["name"] == "Spring Sale" and campaign["daily_budget"] == 15000
    assert campaign["budget_level"] == "campaign"
    assert [s["name"] for s in campaign["adsets"]] == ["Women 25-34", "Men 25-44"]
    adset = campaign["adsets"][0]
    assert adset["id"] == world.ids["adset"] and adset["status"] == "ACTIVE"
    assert "targeting_spec" not in adset and adset["targeting"]
    assert [a["name"] for a in adset["ads"]] == ["Video - Trail", "Carousel A"]
    assert adset["ads"][0]["id"] == world.ids["ad"]
    one = run(tool_env, world, "campaign_tree", campaign_id=world.ids["campaign"])
    assert [c["id"] for c in one["campaigns"]] == [world.ids["campaign"]]
    with pytest.raises(ToolInputError, match="campaign_id: 999 is not a campaign"):
        call_tool(tool_env, "campaign_tree", {"campaign_id": "999"})
    with pytest.raises(ToolInputError, match="account: act_555 is not an ad account this token"):
        call_tool(tool_env, "campaign_tree", {"account": "act_555"})


def test_query_insights(tool_env, world):
    result = run(tool_env, world, "query_insights", object_ids=[world.ids["campaign"]],
                 metrics=["spend", "impressions"], date_preset="last_7d")
    answer = result["answer"]
    assert result["intent"]["route"] == "question"
    assert result["intent"]["entities"][0]["name"] == "Spring Sale"
    since, until = answer["date_range"]["since"], answer["date_range"]["until"]
    truth = Campaign(world.ids["campaign"], api=make_api(world.url)).get_insights(
        fields=["spend", "impressions"], params={"time_range": {"since": since, "until": until}})
    spend = sum(float(r["spend"]) for r in truth)
    assert spend > 0
    assert answer["totals"]["spend"] == round(spend * 100)
    assert "Spring Sale" in answer["sentence"]
    ranked = run(tool_env, world, "query_insights", level="ad", rank_by="spend", top_n=1,
                 since=since, until=until)
    assert len(ranked["answer"]["rows"]) == 1
    with pytest.raises(ToolInputError, match="object_ids: 42 is not a campaign, ad set or ad"):
        call_tool(tool_env, "query_insights", {"object_ids": ["42"]})
    with pytest.raises(ToolInputError, match="metrics"):
        call_tool(tool_env, "query_insights", {"metrics": ["likes"]})
    words = run(tool_env, world, "query_insights",
                question="how much did Spring Sale spend in the last 7 days?")
    assert words["intent"]["route"] == "question"
    with pytest.raises(ToolInputError, match="question: this reads as a status request"):
        call_tool(tool_env, "query_insights", {"question": "pause Spring Sale"})


def start_launch(env: Any, world: Any) -> Any:
    """Start a launch thread (a brief) that waits at its approval card; nothing is written."""
    acct = env.account(None)
    out = env.runner(acct).start(brief_for([world.image]))
    assert out.waiting_for == "approval", out.values.get("problems")
    return out


def test_thread_status(tool_env, world):
    assert run(tool_env, world, "thread_status") == {"threads": []}
    before = world.writes()
    out = start_launch(tool_env, world)
    assert world.writes() == before
    listed = run(tool_env, world, "thread_status", account=world.account)["threads"]
    assert [(t["thread"], t["waiting_for"]) for t in listed] == [(out.thread_id, "approval")]
    assert run(tool_env, world, "thread_status", account="act_" + world.account[4:])["threads"]
    one = run(tool_env, world, "thread_status", thread_id=out.thread_id)
    assert one["waiting_for"] == "approval" and one["card"]["kind"] == "approval"
    assert one["card"]["receipt"] == out.interrupt["receipt"]
    assert "Launch" in one["card"]["description"]
    assert "adpilot approve " + out.thread_id in one["next_step"]
    assert "no tool can approve" in one["next_step"]
    with pytest.raises(ToolInputError, match="thread_id: no thread 'nope'"):
        call_tool(tool_env, "thread_status", {"thread_id": "nope"})


def test_plan_brief(tool_env, world):
    result = run(tool_env, world, "plan_brief", brief=brief_for([world.image]))
    assert result["problems"] == [], result["problems"]
    assert result["plan"]["budget"]["amount_minor"] == 6000
    assert result["card"].startswith("## Launch")
    assert "nothing was written" in result["next_step"]
    assert run(tool_env, world, "thread_status") == {"threads": []}  # no thread either
    with pytest.raises(ToolInputError, match=r"brief: /etc/hosts.png is outside the folder"):
        call_tool(tool_env, "plan_brief", {"brief": brief_for(["/etc/hosts.png"])})  # type: ignore[list-item]
    with pytest.raises(ToolInputError, match="brief: .*empty"):
        call_tool(tool_env, "plan_brief", {"brief": "   "})


def test_propose_request(tool_env, world):
    result = run(tool_env, world, "propose_request", request="pause Spring Sale")
    assert result["waiting_for"] == "approval", result
    assert result["card"]["kind"] == "approval" and result["card"]["receipt"]
    assert result["card"]["description"]
    assert "no tool can approve" in result["next_step"]
    assert world.status_of(world.ids["campaign"]) == "ACTIVE"


def test_propose_request_refuses_what_it_cannot_do(tool_env, world):
    with pytest.raises(ToolInputError, match="request: .*outside the folder"):
        call_tool(tool_env, "propose_request", {"request": "new ads with ../../secret.jpg"})
    assert call_tool(tool_env, "thread_status", {}) == {"threads": []}


def test_propose_watch(tool_env, world):
    result = run(tool_env, world, "propose_watch", campaign_id=world.ids["campaign"],
                 target_cpa=40)
    assert result["thread"] and result["account"] == world.account
    assert result["phase"] in ("adopted", "waiting", "watching") or result["waiting_for"], result
    assert "Spring Sale" in str(result["status"])
    with pytest.raises(ToolInputError, match="target_cpa: give target_cpa or target_roas"):
        call_tool(tool_env, "propose_watch", {"campaign_id": world.ids["campaign"],
                                              "target_cpa": 40, "target_roas": 2})
    with pytest.raises(ToolInputError, match="campaign_id"):
        call_tool(tool_env, "propose_watch", {"campaign_id": "Spring Sale"})


def test_arguments_cannot_choose_home_client_or_credentials(tool_env, world):
    for name in TOOLS:
        for extra in ({"home": "/tmp/x"}, {"access_token": SANDBOX_TOKEN},
                      {"graph_url": "http://evil"}, {"client": "x"}):
            with pytest.raises(ToolInputError, match="is not an argument of this tool") as caught:
                call_tool(tool_env, name, extra)
            assert SANDBOX_TOKEN not in str(caught.value)


def test_a_throttled_account_is_said_with_when_to_call_again(tool_env, world):
    world.sb.admin("POST", "/__sandbox__/faults", {"throttle": 1.0, "throttle_s": 600, "seed": 1})
    try:
        with pytest.raises(ToolInputError) as raised:
            call_tool(tool_env, "campaign_tree", {"campaign_id": world.ids["campaign"]})
    finally:
        world.sb.admin("POST", "/__sandbox__/faults", {})
    said = str(raised.value)
    assert "Meta asks adpilot to slow down for this account: " in said
    assert "Try again after 20" in said and "(in about 10 min)" in said
    assert "wait until then and call it again" in said and SANDBOX_TOKEN not in said
