"""The one money gate on every spend path, against the sandbox over HTTP with the real SDK.

Each path: an over-cap write is refused after the approval with no write request reaching the
sandbox (reads of the account are fine), the refusal names the cap and is ledgered; the same
action under the cap goes through and records the policy digest it passed. Campaigns adpilot
did not create (made here straight through the SDK) count toward the account's exposure.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

import pytest

from agents.ads.nodes import create_ads
from agents.assets.nodes import upload_assets
from agents.campaigns.nodes import activate, create_campaigns
from agents.optimize.cycle import execute_approved
from agents.orchestrator.approval import approval_payload
from agents.orchestrator.nodes import validate_plan
from sandbox.testing import make_api
from state.context import Policy
from state.guardrails import UngatedSpendError
from tests.launchkit import admin, objects, plan_for, runtime_for
from tests.sandbox.conftest import adset_params, campaign_params
from tools.account import account_now

APPROVE = [{"type": "approve"}]


def writes(url: str) -> int:
    return int(admin(url, "GET", "/__sandbox__/stats")["writes"])


def status_of(url: str, object_id: str) -> str:
    return next(o["status"] for t in ("campaign", "adset", "ad") for o in objects(url, t)
                if o["id"] == object_id)


def foreign_campaign(url: str, account: str, daily_minor: int, status: str = "ACTIVE") -> str:
    """A campaign someone else runs in the account (created straight through the SDK)."""
    api = make_api(url)
    params = campaign_params(name="Brand always-on (not adpilot)", status=status,
                             daily_budget=daily_minor, bid_strategy="LOWEST_COST_WITHOUT_CAP")
    return str(api.call("POST", (account, "campaigns"), params).json()["id"])


def set_status(url: str, object_id: str, status: str) -> None:
    make_api(url).call("POST", (object_id,), {"status": status})


def approved(plan: dict[str, Any], go_live: bool) -> dict[str, Any]:
    return {"plan": plan, "approval": {"decision": "approve", "receipt": "r-launch",
                                       "go_live": go_live}}


def launch(ctx: Any, plan: dict[str, Any], thread: str, go_live: bool) -> dict[str, Any]:
    state, rt = approved(plan, go_live), runtime_for(ctx, thread)
    for node in (upload_assets, create_campaigns, create_ads, activate):
        state.update(node(state, rt))
    return state


def refused_rows(ctx: Any, thread: str) -> list[dict[str, Any]]:
    return [r for r in ctx.client_factory.ledger.rows(thread) if r["status"] == "refused"]


@pytest.fixture
def ctx(launch_context):
    # USD 300 of worst-case daily spend for the whole account.
    return dataclasses.replace(launch_context, policy=Policy(max_daily_exposure_minor=30_000))


# -- launch and --live ----------------------------------------------------------------------


def test_launch_over_the_cap_is_refused_after_approval_and_others_campaigns_count(
        ctx, sample_images, sandbox_server):
    url = sandbox_server.url
    other = foreign_campaign(url, ctx.account_id, 10_000)  # USD 100 a day: 175 worst case
    plan = plan_for(ctx, sample_images, daily_minor=8_000)  # USD 80 a day, live: 140
    state, rt = approved(plan, go_live=True), runtime_for(ctx, "g1")
    before = writes(url)
    update = upload_assets(state, rt)
    assert update["phase"] == "refused" and writes(url) == before  # not even an image
    (refusal,) = update["refusals"]
    assert refusal["cap"] == "max_daily_exposure_minor" and refusal["value"] == 31_500
    assert "USD 175.00 to USD 315.00" in refusal["message"]
    assert "(counted live: the approval says go live)" in refusal["message"]
    assert '"max_daily_exposure_minor": 31500' in refusal["message"]
    assert objects(url, "campaign") == [o for o in objects(url, "campaign") if o["id"] == other]
    (row,) = refused_rows(ctx, "g1")
    assert row["op"] == "create" and row["meta_id"] is None
    assert row["policy_digest"] == ctx.policy.digest()

    # The same brief launches once the other campaign stops spending.
    set_status(url, other, "PAUSED")
    done = launch(ctx, plan, "g1b", go_live=True)
    assert done["phase"] == "live"
    assert status_of(url, done["created"]["campaign"]) == "ACTIVE"
    gated = [r for r in ctx.client_factory.ledger.rows("g1b") if r["policy_digest"]]
    assert {r["object_type"] for r in gated} == {"campaign", "adset", "ad"}  # creates + activation


def test_the_card_shows_the_refusal_so_approve_is_not_offered(ctx, sample_images, sandbox_server):
    foreign_campaign(sandbox_server.url, ctx.account_id, 10_000)
    before = writes(sandbox_server.url)
    state = {"plan": plan_for(ctx, sample_images, daily_minor=8_000), "go_live": True}
    update = validate_plan(state, runtime_for(ctx, "c1"))
    assert update["phase"] == "invalid" and update["gate"]["ok"] is False
    assert any("max_daily_exposure_minor" in p["message"] for p in update["problems"])
    payload = approval_payload({**state, **update}, True)
    assert payload["review_configs"][0]["allowed_decisions"] == ["edit", "reject"]
    assert writes(sandbox_server.url) == before  # not even Meta's validate_only dry run


def test_create_campaigns_checks_again_after_the_images_are_up(ctx, sample_images, sandbox_server):
    url = sandbox_server.url
    state, rt = approved(plan_for(ctx, sample_images, daily_minor=8_000), True), runtime_for(ctx, "g2")
    state.update(upload_assets(state, rt))
    assert state["phase"] == "assets_uploaded"
    foreign_campaign(url, ctx.account_id, 10_000)  # someone turns spend on meanwhile
    before = writes(url)
    update = create_campaigns(state, rt)
    assert update["phase"] == "refused" and writes(url) == before
    assert update["refusals"][0]["cap"] == "max_daily_exposure_minor"
    assert len(objects(url, "campaign")) == 1  # only the other one


def test_activation_is_refused_when_the_account_filled_up_after_the_launch(
        ctx, sample_images, sandbox_server):
    url = sandbox_server.url
    state, rt = approved(plan_for(ctx, sample_images, daily_minor=8_000), True), runtime_for(ctx, "g3")
    for node in (upload_assets, create_campaigns, create_ads):
        state.update(node(state, rt))
    foreign_campaign(url, ctx.account_id, 10_000)
    before = writes(url)
    update = activate(state, rt)
    assert update["phase"] == "refused" and writes(url) == before
    (refusal,) = update["refusals"]  # ads and ad sets under a paused campaign add nothing
    assert refusal["cap"] == "max_daily_exposure_minor"
    assert refusal["message"].startswith(f"Refused: activating campaign {state['created']['campaign']}")
    assert status_of(url, state["created"]["campaign"]) == "PAUSED"


# -- later activation, budget raise, forged edit --------------------------------------------


def _paused_tree(ctx, images, thread, level="campaign"):
    plan = plan_for(ctx, images, daily_minor=8_000)
    plan["budget"]["level"] = level
    return launch(ctx, plan, thread, go_live=False)["created"]


def test_a_later_activation_is_gated_by_the_optimise_writer_and_the_client(
        ctx, sample_images, sandbox_server):
    from tools.common import activation
    from tools.money import apply_update, clear

    url = sandbox_server.url
    created = _paused_tree(ctx, sample_images, "a1")
    foreign_campaign(url, ctx.account_id, 10_000)
    client = ctx.client_factory("a1")
    action = {"name": "activate_campaign", "args": {"campaign_id": created["campaign"]}}
    before = writes(url)
    result = execute_approved(client, [action], APPROVE, receipt="r-a", policy=ctx.policy,
                              now=account_now(client), budget_edits={})
    assert result["applied"] == [] and result["refusals"][0]["cap"] == "max_daily_exposure_minor"
    verdict = clear(client, [activation("campaign", created["campaign"])], ctx.policy)
    assert not verdict.ok and verdict.refusals[0].cap == "max_daily_exposure_minor"
    with pytest.raises(UngatedSpendError):  # no pass, no write
        apply_update(client, activation("campaign", created["campaign"]), None, receipt="r-a")
    assert writes(url) == before and status_of(url, created["campaign"]) == "PAUSED"
    # Under a higher cap (a person changed the policy) the same activation goes through.
    roomy = Policy(max_daily_exposure_minor=40_000)
    ok = execute_approved(client, [action], APPROVE, receipt="r-a", policy=roomy,
                          now=account_now(client), budget_edits={})
    assert ok["applied"][0]["status"] == "applied" and ok["refusals"] == []
    row = [r for r in ctx.client_factory.ledger.rows("a1") if r["receipt"] == "r-a"][-1]
    assert row["status"] == "done" and row["policy_digest"] == roomy.digest()


def test_a_budget_raise_over_the_cap_is_refused_and_a_forged_edit_is_too(
        ctx, sample_images, sandbox_server):
    url = sandbox_server.url
    plan = plan_for(ctx, sample_images, daily_minor=8_000)
    plan["budget"]["level"] = "ad_set"
    created = launch(ctx, plan, "b1", go_live=True)["created"]
    live_set = next(iter(created["ad_sets"].values()))
    other = foreign_campaign(url, ctx.account_id, 8_000)  # 140 + 140 of 300
    params = adset_params(other, ctx.pixel_id, name="someone's paused set")
    params.pop("daily_budget")  # the other campaign holds the budget
    paused_set = make_api(url).call("POST", (ctx.account_id, "adsets"), params).json()["id"]
    client = ctx.client_factory("b1")
    raise_ = {"name": "set_adset_budget", "args": {"adset_id": live_set, "daily_budget": 9_600},
              "evidence": {"before_minor": 8_000}}
    forged = {"type": "edit", "edited_action": {"name": "set_adset_budget", "args": {
        "object_id": paused_set, "adset_id": live_set, "daily_budget": 1_000_000}}}
    before = writes(url)
    result = execute_approved(client, [raise_, raise_], [{"type": "approve"}, forged],
                              receipt="r-b", policy=ctx.policy, now=account_now(client),
                              budget_edits={})
    assert result["applied"] == [] and writes(url) == before
    caps = [r["cap"] for r in result["refusals"]]
    assert caps == ["max_daily_exposure_minor", "action"]
    assert f"object_id={paused_set} and adset_id={live_set}" in result["refusals"][1]["message"]
    live = client.get(live_set, {"fields": "daily_budget"})
    assert int(live["daily_budget"]) == 8_000
    assert len(refused_rows(ctx, "b1")) == 2
    ok = execute_approved(client, [raise_], APPROVE, receipt="r-b",
                          policy=Policy(max_daily_exposure_minor=40_000),
                          now=account_now(client), budget_edits={})
    assert ok["applied"][0]["after"] == {"daily_budget": "9600"}


def test_a_raise_shrunk_by_an_edited_cut_is_applied_smaller_and_says_so(ctx, sandbox_server):
    """A budget move whose cut a person edits down: the raise spends no more than the cut frees,
    and the result says it went out smaller than its card (never a silent change)."""
    from agents.optimize.nodes import applied_status, refused_by

    api = make_api(sandbox_server.url)
    camp = api.call("POST", (ctx.account_id, "campaigns"), campaign_params(
        status="ACTIVE")).json()["id"]
    up, down = (api.call("POST", (ctx.account_id, "adsets"), adset_params(
        camp, ctx.pixel_id, name=n, status="ACTIVE", daily_budget=5_000)).json()["id"]
        for n in ("Winners", "Losers"))
    move = {"group": "reallocation", "evidence": {"before_minor": 5_000}}
    raise_ = {**move, "name": "set_adset_budget", "target": {"name": "Winners"},
              "args": {"adset_id": up, "daily_budget": 6_000}}
    cut = {**move, "name": "set_adset_budget", "target": {"name": "Losers"},
           "args": {"adset_id": down, "daily_budget": 4_000}}
    edited = {"type": "edit", "edited_action": {"name": "set_adset_budget",
                                                "args": {"adset_id": down, "daily_budget": 4_600}}}
    client = ctx.client_factory("s1")
    result = execute_approved(client, [raise_, cut], [{"type": "approve"}, edited],
                              receipt="r-s", policy=ctx.policy, now=account_now(client),
                              budget_edits={})
    after = {a["args"]["adset_id"]: a for a in result["applied"]}
    assert after[up]["args"]["daily_budget"] == 5_400  # what the edited cut freed, not 6,000
    assert int(client.get(up, {"fields": "daily_budget"})["daily_budget"]) == 5_400
    assert "USD 54.00, not the card's USD 60.00" in after[up]["note"]
    assert "note" not in after[down]
    said = applied_status("cycle 3", result["applied"], [])
    assert said.startswith("cycle 3: 2 action(s) applied\nNote — Winners: raised to USD 54.00")
    assert refused_by([{"cap": "budget_move"}]) == "as unfunded budget-move raises"
    assert refused_by([{"cap": "max_daily_exposure_minor"}, {"cap": "meta_refused"}]) == (
        "by Meta and by the money gate")


def test_a_spend_limit_raise_under_a_campaign_budget_is_gated(ctx, sandbox_server):
    """A CBO campaign whose ad sets are all capped spends at most the caps: lifting one lifts it."""
    url, api = sandbox_server.url, make_api(sandbox_server.url)
    camp = api.call("POST", (ctx.account_id, "campaigns"), campaign_params(
        status="ACTIVE", daily_budget=30_000, bid_strategy="LOWEST_COST_WITHOUT_CAP")).json()["id"]
    sets = []
    for name in ("a", "b"):
        params = adset_params(camp, ctx.pixel_id, name=name, status="ACTIVE", daily_spend_cap=2_000)
        params.pop("daily_budget")
        sets.append(api.call("POST", (ctx.account_id, "adsets"), params).json()["id"])
    policy = Policy(max_daily_exposure_minor=10_000)  # the caps: 4000 × 1.75 = 7000 of it
    client = ctx.client_factory("l1")
    lift = {"name": "set_adset_spend_limits", "args": {"adset_id": sets[0], "daily_spend_cap": 20_000}}
    before = writes(url)
    result = execute_approved(client, [lift], APPROVE, receipt="r-l", policy=policy,
                              now=account_now(client), budget_edits={})
    assert result["applied"] == [] and writes(url) == before
    assert result["refusals"][0]["cap"] == "max_daily_exposure_minor"
    small = {"name": "set_adset_spend_limits", "args": {"adset_id": sets[0], "daily_spend_cap": 3_000}}
    ok = execute_approved(client, [small], APPROVE, receipt="r-l", policy=policy,
                          now=account_now(client), budget_edits={})
    assert ok["applied"][0]["status"] == "applied"


# -- undo, relaunch and test paths, and the client itself -----------------------------------


def test_undo_of_a_pause_is_refused_over_the_cap(world):
    from state import hitl
    from tools import undo as undo_mod

    from .conftest import launch as launch_world

    ids = launch_world(world, "u1")
    adset = next(i for k, i in ids.items()
                 if world.ledger.find(k, "create", "u1")["object_type"] == "adset")
    client = world.client("u1")
    pause = {"name": "pause_ad_set", "args": {"adset_id": adset, "status": "PAUSED"}}
    execute_approved(client, [pause], APPROVE, receipt="r-p", policy=None,
                     now=account_now(client), budget_edits={})
    row = next(r for r in world.ledger.rows("u1") if r["receipt"] == "r-p")
    other = foreign_campaign(world.sb.url, world.sb.account_id, 10_000)
    policy = Policy(max_daily_exposure_minor=20_000)
    kw = {"ledger": world.ledger, "client_for": world, "policy": policy}
    ask = undo_mod.undo("u1", row["write_id"], **kw)
    assert ask.status == "needs_approval"
    assert ask.approval["receipt"] == hitl.receipt(ask.approval["action_requests"])
    before = world.writes()
    res = undo_mod.undo("u1", row["write_id"], receipt=ask.approval["receipt"], **kw)
    assert res.status == "refused" and res.refusals[0].cap == "max_daily_exposure_minor"
    assert world.writes() == before and status_of(world.sb.url, adset) == "PAUSED"
    set_status(world.sb.url, other, "PAUSED")
    assert undo_mod.undo("u1", row["write_id"], receipt=ask.approval["receipt"], **kw).status == "applied"
    assert status_of(world.sb.url, adset) == "ACTIVE"


def test_a_relaunch_through_the_launcher_goes_through_the_gate(world):
    from tools.launch import launch_tree
    from tools.money import GateRefused

    tree = {"campaign": {"key": "ab12cd34ef", "params": campaign_params(
                name="Relaunch", daily_budget=60_000, bid_strategy="LOWEST_COST_WITHOUT_CAP")},
            "ad_sets": [], "creatives": [], "ads": []}
    before = world.writes()
    with pytest.raises(GateRefused) as info:
        launch_tree(world.client("r1"), tree, thread_id="r1")  # default policy: USD 500
    assert info.value.result.refusals[0].cap == "max_campaign_daily_budget_minor"
    assert world.writes() == before
    tree["campaign"]["params"]["daily_budget"] = 40_000
    assert launch_tree(world.client("r1"), tree, thread_id="r1").ok


def test_a_test_copy_of_an_ad_goes_through_the_gate(world):
    from tests.tools.conftest import copy_action
    from tools.errors import PermanentError
    from tools.money import clear

    from .conftest import launch as launch_world

    ids = launch_world(world, "d1", go_live=False)
    ad = next(i for k, i in ids.items() if world.ledger.find(k, "create", "d1")["object_type"] == "ad")
    client = world.client("d1")
    strict = Policy(forbidden_actions=frozenset({"duplicate_ad", "delete"}))
    before = world.writes()
    refused = clear(client, [copy_action(ad)], strict)
    assert not refused.ok and refused.refusals[0].cap == "forbidden_actions"
    copy = (f"{ad}/copies", {"status_option": "PAUSED"})
    with pytest.raises(UngatedSpendError):
        client.write("copy", *copy, object_type="ad")  # no pass: nothing is ledgered or sent
    assert world.writes() == before
    assert not [r for r in world.ledger.rows("d1") if r["op"] == "copy" and r["status"] != "refused"]
    (gate_pass,) = clear(client, [copy_action(ad)], Policy()).passes
    with contextlib.suppress(PermanentError):  # the sandbox does not serve /copies; Meta does
        client.write("copy", *copy, object_type="ad", gate_pass=gate_pass)
    (row,) = [r for r in world.ledger.rows("d1") if r["op"] == "copy" and r["status"] != "refused"]
    assert row["status"] in ("done", "failed") and row["policy_digest"] == Policy().digest()


def test_the_client_refuses_ungated_spend_before_ledgering_or_sending(world):
    from tools.batching import BatchItem
    from tools.common import activation
    from tools.money import clear

    client = world.client("s1")
    camp = client.write("create", f"{world.sb.account_id}/campaigns",
                        campaign_params(name="Paused, no budget"))["id"]  # cannot spend: no pass
    rows, before = len(world.ledger.rows()), world.writes()
    for attempt in (
        lambda: client.write("update", camp, {"status": "ACTIVE"}),
        lambda: client.write("update", camp, {"daily_budget": 5000}),
        lambda: client.batch([BatchItem("on", "POST", camp, {"status": "ACTIVE"})]),
        lambda: client.call("POST", camp, {"status": "ACTIVE"}),
        lambda: client.call("POST", "", {"batch": []}),
        lambda: client.write("create", f"{world.sb.account_id}/campaigns",
                             campaign_params(name="x", status="ACTIVE")),
    ):
        with pytest.raises(UngatedSpendError, match="money gate"):
            attempt()
    (on,) = clear(client, [activation("campaign", camp)], None).passes
    with pytest.raises(UngatedSpendError, match="covers a different request"):
        client.write("update", camp, {"daily_budget": 5000}, gate_pass=on)
    assert world.writes() == before and len(world.ledger.rows()) == rows
    # A pause and a validate_only dry run need no pass; the pass sends exactly its request.
    client.write("update", camp, {"status": "PAUSED"})
    client.batch([BatchItem("dry", "POST", f"{world.sb.account_id}/campaigns", {
        **campaign_params(name="dry", status="ACTIVE"), "execution_options": ["validate_only"]})])
    client.write("update", camp, {"status": "ACTIVE"}, gate_pass=on)
    assert status_of(world.sb.url, camp) == "ACTIVE"
