"""The LLM planner's plan goes through the real graph to a launch in the sandbox."""

from __future__ import annotations

import copy

from PIL import Image

from tests.llm.openai_stub import llm_planner_env
from tests.llm.scripted import VALID_DRAFT, openai_reply, with_assets


def test_llm_plan_is_repaired_approved_and_launched(tmp_path, monkeypatch):
    from graph.environment import open_environment
    from graph.runner import open_runner

    image = tmp_path / "shoe.jpg"
    Image.new("RGB", (1080, 1080), (200, 80, 40)).save(image)
    good = with_assets(VALID_DRAFT, str(image))
    too_young = copy.deepcopy(good)
    too_young["ad_sets"][0]["age_min"] = 12  # Meta's floor is 13: the planner must repair it
    monkeypatch.setenv("ADPILOT_HOME", str(tmp_path / "home"))
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "META_AD_ACCOUNT_ID", "META_PAGE_ID", "META_PIXEL_ID"):
        monkeypatch.delenv(name, raising=False)
    with llm_planner_env(monkeypatch, [openai_reply(too_young), openai_reply(good)]) as stub, \
            open_environment(home=tmp_path / "home", embedded=True, announce=lambda *_: None,
                             max_cycles=0) as env, open_runner(env.home, env.context) as runner:
        assert env.context.model == "openai:gpt-4.1-mini"
        out = runner.start("Trail shoes for women runners in the US, $60/day, https://example.com/trail",
                           thread_id="llm-launch")
        assert out.waiting_for == "approval", out.values.get("problems")
        assert len(stub.requests) == 2  # one repair: age 12 fed back
        assert "age_min" in stub.requests[1]["messages"][-1]["content"]
        assert stub.requests[0]["response_format"]["json_schema"]["name"] == "DraftPlan"
        assert not env.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"]
        out = runner.resume("llm-launch", {"decisions": [{"type": "approve"}]})
        created = out.values.get("created") or {}
        campaigns = env.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"]
        ads = env.sandbox.admin("GET", "/__sandbox__/objects?type=ad")["data"]
    assert len(campaigns) == 1 and str(campaigns[0]["id"]) in {str(v) for v in created.values()}
    assert len(ads) == 2  # the A/B headlines
    assert out.values.get("plan", {}).get("ad_sets", [{}])[0]["targeting"]["age_min"] == 25
