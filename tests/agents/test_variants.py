"""A/B variants of an existing ad or ad set (W5), against the sandbox over HTTP.

The campaign under test is created directly with the facebook_business SDK (as a marketer's
own campaign would be); `propose_variant` reads it and `apply_variant` writes B beside it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adimage import AdImage
from PIL import Image

from agents.ads.variant_apply import apply_variant
from agents.ads.variants import ACTION, BUDGET_ACTION, LIMITS_ACTION, propose_variant
from agents.optimize.experiments import evaluate, experiment_actions, stopping_rule
from sandbox.testing import make_api
from state.intent import EntityRef, Intent
from state.policy import Policy
from tests.launchkit import objects
from tests.sandbox.conftest import adset_params, campaign_params, link_creative_params, png_bytes
from tools.account import account_info

HALVING = Policy(max_budget_change_pct=0.5)  # the default (±20 % a step) refuses halving


class World:
    """A marketer's ACTIVE campaign (ad-set budgets) with one ad set and one ad, via the SDK."""

    def __init__(self, ctx: Any, url: str, tmp: Path, thread: str = "ab") -> None:
        self.ctx, self.url, self.tmp = ctx, url, tmp
        self.account = AdAccount(ctx.account_id, api=make_api(url))
        path = tmp / "control.png"
        path.write_bytes(png_bytes())
        self.image_hash = self.account.create_ad_image(
            params={AdImage.Field.filename: str(path)})[AdImage.Field.hash]
        self.campaign_id = self.account.create_campaign(
            params=campaign_params(status="ACTIVE"))["id"]
        self.adset_id = self.account.create_ad_set(params=adset_params(
            self.campaign_id, ctx.pixel_id, name="Women 25-34", daily_budget=4000,
            status="ACTIVE", targeting={"geo_locations": {"countries": ["US"]}, "age_min": 25,
                                        "age_max": 34, "genders": [2]}))["id"]
        self.creative_id = self.account.create_ad_creative(
            params=link_creative_params(ctx.page_id, self.image_hash))["id"]
        self.ad_id = self.account.create_ad(params={
            "name": "Carousel A", "adset_id": self.adset_id, "status": "ACTIVE",
            "creative": {"creative_id": self.creative_id}})["id"]
        self.client = ctx.client_factory(thread_id=thread)

    def intent(self, variable: str | None, variant: str | None, *, on: str = "ad",
               stop: dict[str, Any] | None = None) -> Intent:
        ref = (EntityRef(type="ad", id=self.ad_id, name="Carousel A", match="exact") if on == "ad"
               else EntityRef(type="adset", id=self.adset_id, name="Women 25-34", match="exact"))
        return Intent(route="ab_test", entities=[ref], request="test",
                      params={"variable": variable, "variant": variant, "stop_rule": stop})

    def propose(self, intent: Intent, **kw: Any) -> dict[str, Any]:
        return propose_variant(self.client, intent, account=account_info(self.client),
                               now=self.client.account_clock(), home=str(self.tmp / "home"),
                               workdir=str(self.tmp), **kw)

    def apply(self, proposal: dict[str, Any], policy: Policy = HALVING) -> dict[str, Any]:
        create = next(a for a in proposal["actions"] if a["name"] == ACTION)
        return apply_variant(self.client, create["args"], policy=policy, receipt="r-ab",
                             now=self.client.account_clock())

    def read(self, oid: str, fields: str) -> dict[str, Any]:
        return self.client.get(oid, {"fields": fields})


@pytest.fixture
def world(launch_context: Any, sandbox_server: Any, tmp_path: Path) -> World:
    return World(launch_context, sandbox_server.url, tmp_path)


def test_copy_variant_proposal_and_apply(world: World) -> None:
    proposal = world.propose(world.intent("copy", "headline: Run further"))
    assert proposal["clarify"] is None, proposal
    cut, create = proposal["actions"]
    assert cut["name"] == BUDGET_ACTION and cut["args"] == {"adset_id": world.adset_id,
                                                            "daily_budget": 2000}
    for action in (cut, create):
        assert action["risk"] == "high" and action["requires_review"] is True
        assert {"name", "args", "target", "reasons", "evidence", "description"} <= set(action)
    spec = create["args"]
    link = spec["creative"]["object_story_spec"]["link_data"]
    assert link["name"] == "Run further" and link["message"] == "New running shoes"
    assert spec["adset"]["daily_budget"] == 2000 and spec["adset"]["targeting"]["genders"] == [2]
    assert spec["adset"]["optimization_goal"] == "OFFSITE_CONVERSIONS"
    text = "\n".join(proposal["summary"])
    assert "“Run lighter”" in text and "“Run further”" in text and "total spend unchanged" in text
    exp = proposal["experiment"]
    assert exp["rule"] == stopping_rule(exp["stopping_rule"]) == {
        "probability": 0.95, "min_days": 7, "max_days": 21, "min_conversions": 0}
    assert exp["level"] == "ad" and exp["variants"]["A"] == {"adset_ids": [world.adset_id],
                                                             "ad_ids": [world.ad_id]}

    # Under the default policy the card already says the gate would refuse halving.
    flagged = world.propose(world.intent("copy", "headline: Run further"), policy=Policy())
    assert any("max_budget_change_pct" in f for f in flagged["flags"])

    result = world.apply(proposal)
    assert result["status"] == "applied", result
    b = result["created"]
    ad = world.read(b["ad_id"], "name,status,adset_id,creative")
    assert ad["status"] == "ACTIVE" and ad["adset_id"] == b["adset_id"]
    for oid in (b["adset_id"], b["creative_id"], b["ad_id"]):  # labelled, names left clean
        made = world.read(oid, "name,adlabels")
        assert "[ap:" not in made["name"] and made["adlabels"][0]["name"].startswith("ap-"), made
    creative = world.read(b["creative_id"], "object_story_spec")
    assert creative["object_story_spec"]["link_data"]["name"] == "Run further"
    assert world.read(world.adset_id, "daily_budget")["daily_budget"] == "2000"
    assert world.read(b["adset_id"], "daily_budget")["daily_budget"] == "2000"
    exp = result["experiment"]
    assert exp["variants"]["B"] == {"adset_ids": [b["adset_id"]], "ad_ids": [b["ad_id"]]}
    assert exp["start_time"]

    # A second apply (a lost response, a re-run) creates nothing new and cuts nothing again.
    counts = {k: len(objects(world.url, k)) for k in ("adset", "ad", "adcreative")}
    again = world.apply(proposal)
    assert again["status"] == "applied" and again["created"] == b
    assert {k: len(objects(world.url, k)) for k in counts} == counts
    # Another thread, whose ledger has none of these rows (as after a lost response): the
    # objects are found by their provenance labels and adopted, not created again.
    world.client = world.ctx.client_factory(thread_id="ab-rerun")
    assert world.apply(proposal)["created"] == b
    assert {k: len(objects(world.url, k)) for k in counts} == counts
    assert world.read(world.adset_id, "daily_budget")["daily_budget"] == "2000"


def test_undoing_b_s_creative_pauses_b_s_ad_and_leaves_a_running(world: World) -> None:
    from tools import undo as undo_mod

    proposal = world.propose(world.intent("copy", "headline: Run further"))
    b = world.apply(proposal)["created"]
    [row] = [r for r in world.client.ledger.rows("ab") if r["op"] == "create"
             and r["object_type"] == "creative" and r["meta_id"] == b["creative_id"]]
    result = undo_mod.undo("ab", row["write_id"], ledger=world.client.ledger,
                           client_for=lambda t: world.ctx.client_factory(thread_id=t))
    assert result.status == "applied", result
    assert world.read(b["ad_id"], "status")["status"] == "PAUSED"  # read back from the sandbox
    assert world.read(world.ad_id, "status")["status"] == "ACTIVE"
    assert f"(id {b['ad_id']})" in (result.message or "")


class DailyRows:
    """The one read `experiment_actions` makes of the insights store: daily rows by level."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def daily(self, campaign_id: str, level: str, since: str | None = None,
              until: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["campaign_id"] == campaign_id and r["level"] == level
                and (since is None or r["date"] >= since)]


def test_the_loop_can_judge_the_returned_experiment(world: World) -> None:
    result = world.apply(world.propose(world.intent("copy", "headline: Run further")))
    exp = result["experiment"]
    a, b = exp["variants"]["A"]["ad_ids"][0], exp["variants"]["B"]["ad_ids"][0]
    stats = {"A": {"spend": 50000, "conversions": 10, "impressions": 40000, "clicks": 400},
             "B": {"spend": 50000, "conversions": 40, "impressions": 40000, "clicks": 900}}
    verdict = evaluate(exp, stats, days_run=10, kpi="conversions")
    assert verdict["status"] == "winner" and verdict["winner"] == "B"
    assert evaluate(exp, stats, days_run=3, kpi="conversions")["status"] == "running"

    day = date.fromisoformat(exp["start_time"][:10])
    rows = [{"date": (day + timedelta(days=d)).isoformat(), "level": "ad", "entity_id": eid,
             "campaign_id": exp["campaign_id"], "spend": 5000, "impressions": 4000,
             "clicks": clicks, "conversions": conv}
            for d in range(10) for eid, clicks, conv in ((a, 40, 1), (b, 90, 4))]
    store = DailyRows(rows)
    evidence = {"campaign": {"id": exp["campaign_id"]}, "today": (day + timedelta(days=10))
                .isoformat(), "kpi": "conversions",
                "ads": [{"id": a, "status": "ACTIVE", "adset_id": world.adset_id},
                        {"id": b, "status": "ACTIVE", "adset_id": exp["variants"]["B"]
                         ["adset_ids"][0]}], "ad_sets": []}
    status, actions = experiment_actions(exp, store, evidence, exp)
    assert status["status"] == "winner" and status["winner"] == "B"
    assert [x["args"] for x in actions] == [{"ad_id": a, "status": "PAUSED"}]


def test_audience_variant_proposal_and_apply(world: World) -> None:
    proposal = world.propose(world.intent("audience", "women 35-44", on="adset",
                                          stop={"days": 14}))
    assert proposal["clarify"] is None, proposal
    spec = next(a for a in proposal["actions"] if a["name"] == ACTION)["args"]
    assert spec["adset"]["targeting"] == {"geo_locations": {"countries": ["US"]}, "age_min": 35,
                                          "age_max": 44, "genders": [2]}
    assert spec["creative"] is None and spec["ads"][0]["creative_id"] == world.creative_id
    exp = proposal["experiment"]
    assert exp["level"] == "adset" and exp["rule"]["max_days"] == 14
    assert exp["rule"] == stopping_rule(exp["stopping_rule"])
    result = world.apply(proposal)
    assert result["status"] == "applied", result
    got = world.read(result["created"]["adset_id"], "targeting,daily_budget,status")
    assert (got["targeting"]["age_min"], got["targeting"]["age_max"]) == (35, 44)
    assert got["daily_budget"] == "2000" and got["status"] == "ACTIVE"
    assert result["budgets"]["A"]["daily_budget"] == result["budgets"]["B"]["daily_budget"]


def test_stop_rules_given_as_spend_and_confidence(world: World) -> None:
    spend = world.propose(world.intent("copy", "primary text: 15% off today only",
                                       stop={"spend_minor": 30000, "currency": "USD"}))
    assert spend["experiment"]["rule"]["max_days"] == 8  # 300.00 at 40.00 a day for both
    sure = world.propose(world.intent("copy", "description: Race-day ready",
                                      stop={"confidence": 0.9}))
    assert sure["experiment"]["rule"]["probability"] == 0.9
    euro = world.propose(world.intent("copy", "headline: x", stop={"spend_minor": 100,
                                                                    "currency": "EUR"}))
    assert euro["actions"] == [] and "EUR" in euro["clarify"]


def test_an_audience_phrase_adpilot_cannot_map_is_asked_never_dropped(world: World) -> None:
    proposal = world.propose(world.intent("audience", "women 35-44 with high income",
                                          on="adset"))
    assert proposal["actions"] == [] and proposal["experiment"] is None
    assert "high income" in proposal["clarify"]
    lookalike = world.propose(world.intent("audience", "2% lookalike", on="adset"))
    assert "lookalike" in lookalike["clarify"]


def test_a_missing_or_outside_image_is_asked_naming_the_file(world: World, tmp_path: Path
                                                             ) -> None:
    missing = world.propose(world.intent("image", "shoe_blue.png"))
    assert missing["actions"] == [] and "shoe_blue.png" in missing["clarify"]
    assert "does not exist" in missing["clarify"] and "check the path" in missing["clarify"]
    outside = world.propose(world.intent("image", "../elsewhere.png"))
    assert "outside the working directory" in outside["clarify"]
    Image.new("RGB", (1080, 1080), (10, 90, 200)).save(tmp_path / "shoe_blue.png")
    ok = world.propose(world.intent("image", "shoe_blue.png"))
    assert ok["clarify"] is None
    result = world.apply(ok)
    creative = world.read(result["created"]["creative_id"], "object_story_spec")
    assert creative["object_story_spec"]["link_data"]["image_hash"] not in (
        world.image_hash, "{image}")


def test_a_cap_the_variant_breaks_is_refused_with_nothing_created(world: World) -> None:
    proposal = world.propose(world.intent("copy", "headline: Run further"))
    counts = {k: len(objects(world.url, k)) for k in ("adset", "ad", "adcreative")}
    refused = world.apply(proposal, policy=Policy())  # ±20 % a step: halving is refused
    assert refused["status"] == "refused" and refused["created"] == {}
    assert {r["cap"] for r in refused["refusals"]} == {"max_budget_change_pct"}
    assert "max_budget_change_pct" in refused["refusals"][0]["message"]
    assert {k: len(objects(world.url, k)) for k in counts} == counts
    assert world.read(world.adset_id, "daily_budget")["daily_budget"] == "4000"
    rows = world.client.ledger.rows("ab")
    assert [r["status"] for r in rows] == ["refused"] and rows[0]["op"] == "update"


def test_a_campaign_budget_gets_equal_spend_limits(world: World) -> None:
    cbo = world.account.create_campaign(params=campaign_params(
        name="CBO", daily_budget=6000, bid_strategy="LOWEST_COST_WITHOUT_CAP"))["id"]
    params = adset_params(cbo, world.ctx.pixel_id, name="Broad US")
    params.pop("daily_budget")
    adset = world.account.create_ad_set(params=params)["id"]
    ref = EntityRef(type="adset", id=adset, name="Broad US", match="exact")
    proposal = world.propose(Intent(route="ab_test", entities=[ref], params={
        "variable": "audience", "variant": "US + Canada"}))
    assert proposal["clarify"] is None, proposal
    limits, create = proposal["actions"]
    assert limits["name"] == LIMITS_ACTION and limits["args"] == {
        "adset_id": adset, "daily_min_spend_target": 3000, "daily_spend_cap": 3000}
    assert create["args"]["adset"]["targeting"]["geo_locations"] == {"countries": ["US", "CA"]}
    assert "does not guarantee an equal split" in "\n".join(proposal["summary"])
    result = world.apply(proposal)
    assert result["status"] == "applied", result
    for side in (adset, result["created"]["adset_id"]):
        got = world.read(side, "daily_min_spend_target,daily_spend_cap")
        assert (got["daily_min_spend_target"], got["daily_spend_cap"]) == ("3000", "3000")
