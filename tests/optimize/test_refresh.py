"""Creative refresh in the optimise loop: who gets one and why, and how it is judged later.

The pure rules are tested on evidence dicts; the loop (`cycle.propose` → `execute_approved` →
the sandbox's clock → `judge_applied` → the next card) against the sandbox over HTTP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agents.insights.collect import collect
from agents.optimize.cycle import judge_applied, propose
from agents.optimize.decide.decisions import decide
from agents.optimize.decide.refresh import (
    REFRESH_COOLDOWN_DAYS,
    judge_refresh,
    loser_refresh_actions,
)
from agents.optimize.refresh_io import refreshes_of
from prompts.optimize import card_markdown
from state.insights_store import InsightsStore
from tests.agents.refresh_world import World
from tests.launchkit import admin
from tests.optimize.optimize_helpers import BAD, GOOD, ad, adset, evidence, stats
from tools.account import account_info
from tools.kill_switch import hold_back_for_stop

TIRED = [{"impressions": 20000, "reach": 10000, "clicks": 300},
         {"impressions": 20000, "reach": 6000, "clicks": 180}]  # frequency 2.0 → 3.3, CTR -40 %
TIRING = [{"impressions": 20000, "reach": 10000, "clicks": 300},
          {"impressions": 20000, "reach": 7000, "clicks": 240}]  # frequency up, CTR -20 %


TWO_WEEKS = stats(**GOOD, days=14)  # an ad that delivered on 14 days: two whole weekly windows


def _refreshes(p: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in p["actions"] if a["name"] == "refresh_creative"]


def test_fatigue_proposes_one_refresh_per_ad_set_with_its_evidence_in_words() -> None:
    ads = [ad("a1", "s1", TWO_WEEKS, weeks=TIRING), ad("a2", "s1", TWO_WEEKS, weeks=TIRED),
           ad("a3", "s2", TWO_WEEKS, weeks=TIRED), ad("a4", "s2", TWO_WEEKS)]
    sets = [adset("s1", 10000, stats(**GOOD)), adset("s2", 10000, stats(**GOOD))]
    refresh = _refreshes(decide(evidence(ads, sets)))
    assert [a["args"]["ad_id"] for a in refresh] == ["a2", "a3"]  # a2: CTR fell most in s1
    a = refresh[0]
    assert a["args"] == {"ad_id": "a2", "adset_id": "s1", "n_variants": 2}
    assert a["requires_review"] and a["risk"] == "high" and not a.get("advice")
    assert "the same people see it more often and click it less" in a["reasons"][0]
    assert "frequency 2.0 → 3.33 while CTR 1.5% → 0.9%" in a["reasons"][0]
    assert a["evidence"]["trigger"] == "fatigue" and a["target"]["parent_id"] == "s1"
    assert "keeps running" in a["expected_effect"]["text"]  # the tired ad is not paused by it


def test_no_refresh_for_a_recent_refresh_an_experiment_or_a_paused_ad_set() -> None:
    ads = [ad("a1", "s1", TWO_WEEKS, weeks=TIRED), ad("a2", "s1", TWO_WEEKS)]
    sets = [adset("s1", 10000, stats(**GOOD))]
    ev = evidence(ads, sets)
    assert len(_refreshes(decide(ev))) == 1
    recent = (datetime.fromisoformat(ev["now"]) - timedelta(days=3)).date().isoformat()
    ev["refreshes"] = [{"ad_id": "a1", "adset_id": "s1", "date": recent, "ad_ids": ["n1"]}]
    assert _refreshes(decide(ev)) == []  # its new ads get time to work
    old = (datetime.fromisoformat(ev["now"]) - timedelta(days=REFRESH_COOLDOWN_DAYS)).date()
    ev["refreshes"][0]["date"] = old.isoformat()
    assert len(_refreshes(decide(ev))) == 1
    ev["refreshes"] = []
    ev["experiment"] = {"variant_ids": ["a1", "a2"]}
    assert _refreshes(decide(ev)) == []
    ev["experiment"] = None
    ev["ads"][0]["stats"] = stats(**GOOD, days=13)  # its older week started part-way
    assert _refreshes(decide(ev)) == []
    ev["ads"][0]["stats"] = TWO_WEEKS
    sets[0]["status"] = "PAUSED"
    assert _refreshes(decide(ev)) == []


def test_a_pause_that_leaves_one_ad_proposes_variants_of_the_survivor() -> None:
    short = stats(spend=20000, clicks=1000, conversions=6)  # CPA 3,333 against a 2,500 target
    ads = [ad("a1", "s1", short), ad("a2", "s1", stats(**BAD)),
           ad("a3", "s2", stats(**GOOD)), ad("a4", "s2", stats(**GOOD)),
           ad("a5", "s2", stats(**GOOD))]
    sets = [adset("s1", 10000, stats(**GOOD)), adset("s2", 10000, stats(**GOOD))]
    pauses = [{"name": "pause_ad", "args": {"ad_id": "a2", "status": "PAUSED"},
               "target": {"id": "a2", "parent_id": "s1"},
               "reasons": ["97% probability it is worse than the target"]},
              {"name": "pause_ad", "args": {"ad_id": "a5", "status": "PAUSED"},
               "target": {"id": "a5", "parent_id": "s2"}, "reasons": ["worse"]}]
    ev = evidence(ads, sets)
    [refresh] = loser_refresh_actions(ev, pauses)  # s2 keeps two ads: nothing there
    assert refresh["args"]["ad_id"] == "a1" and refresh["evidence"]["paused_ad_id"] == "a2"
    assert refresh["evidence"]["trigger"] == "loser"
    assert "Ad a2 is paused as a clear loser (97% probability it is worse than the target)" \
        in refresh["reasons"][0]
    assert "leaves Ad a1 the only active ad of Set s1" in refresh["reasons"][0]
    # the ad set paused, or already refreshed this cycle: nothing more
    assert loser_refresh_actions(ev, [*pauses, {"name": "pause_adset",
                                                "args": {"adset_id": "s1"}}]) == []
    assert loser_refresh_actions(ev, [*pauses, refresh]) == []


@pytest.mark.parametrize(("kpi", "target", "survivor", "words"), [
    ("conversions", {"target_cpa_minor": 2500}, stats(**GOOD),
     "its cost per conversion, USD 5.00, meets the USD 25.00 target"),
    ("conversion_value", {"target_roas": 2.0}, stats(spend=20000, clicks=1000, conversions=10,
                                                     value=50000),
     "its ROAS, 2.50, meets the 2 target"),
])
def test_a_survivor_that_meets_the_target_runs_on_alone_and_the_pause_says_why(
        kpi: str, target: dict, survivor: dict, words: str) -> None:
    """A new variant restarts the ad set's learning and is on average no better than the ads
    the survivor beat; a survivor short of the target still gets variants (test above)."""
    ads = [ad("a1", "s1", survivor), ad("a2", "s1", stats(**BAD))]
    pause = {"name": "pause_ad", "args": {"ad_id": "a2", "status": "PAUSED"},
             "target": {"id": "a2", "parent_id": "s1"}, "reasons": ["a clear loser"]}
    ev = evidence(ads, [adset("s1", 10000, stats(**GOOD))], kpi=kpi,
                  **{"target_cpa_minor": None, **target})
    assert loser_refresh_actions(ev, [pause]) == []
    assert pause["reasons"][1] == (
        f"Ad a1 runs on as the only active ad of Set s1: {words}, and a new ad would restart the "
        "ad set's learning phase; its fatigue is watched week over week")
    no_target = evidence(ads, [adset("s1", 10000, stats(**GOOD))], target_cpa_minor=None)
    [refresh] = loser_refresh_actions(no_target, [dict(pause, reasons=["a clear loser"])])
    assert refresh["args"]["ad_id"] == "a1"  # nothing says it is good enough to run alone


def _week(imps: float, clicks: float, spend: float, conv: float, days: int = 7) -> dict:
    return {"impressions": imps, "clicks": clicks, "spend_minor": spend, "conversions": conv,
            "conversion_value_minor": conv * 5000, "days": days}


@pytest.mark.parametrize(("after", "verdict"), [
    (_week(30000, 600, 30000, 30), "improved"),  # CTR 2 % vs 1 %, results per spend up
    (_week(30000, 150, 30000, 4), "regressed"),
    (_week(30000, 310, 30000, 11), "inconclusive"),
    (_week(500, 10, 500, 0, days=1), "pending"),
])
def test_a_refresh_is_judged_on_ctr_and_results_per_spend(after: dict, verdict: str) -> None:
    before = _week(30000, 300, 30000, 10)
    j = judge_refresh(before, after, rng=np.random.default_rng(1))
    assert j["judgement"] == verdict
    if verdict != "pending":
        assert j["before"]["ctr"] == 1.0 and 0 <= j["p_ctr_up"] <= 1
        assert j["before"]["cpa_minor"] == 3000


def test_a_stopped_thread_holds_back_a_refresh() -> None:
    refresh = {"name": "refresh_creative", "args": {"ad_id": "a1"}}
    kept, held = hold_back_for_stop([refresh], "2026-03-10T00:00:00+00:00")
    assert kept == [] and held == [refresh]  # it switches new ads on


# -- the loop, against the sandbox ---------------------------------------------------------


def _days(world: World, n: int, store: InsightsStore, start: str) -> datetime:
    admin(world.url, "POST", "/__sandbox__/clock/advance", {"days": n})
    now = world.client.account_clock()
    info = account_info(world.client)
    collect(world.client, store, campaign_id=world.campaign_id, start=start,
            today=now.astimezone(info["tz"]).date().isoformat(), currency=info["currency"],
            n_ads=4, n_adsets=1, breakdowns=(), weeks=True)
    return now


def _tire(store: InsightsStore, campaign_id: str, ad_id: str, until: str) -> None:
    """Make the stored weekly windows of `ad_id` the fatigued pair (the decisions' input)."""
    weeks = store.weeks(campaign_id, until)
    for row, shape in zip(weeks[ad_id], TIRED, strict=True):
        rows = [{**r, **shape} if r["entity_id"] == ad_id else r
                for rs in weeks.values() for r in rs if r["until"] == row["until"]]
        store.replace_weeks(campaign_id, row["since"], row["until"], rows)


def test_fatigue_to_card_to_launch_to_a_judgement_on_a_later_card(
        launch_context: Any, sandbox_server: Any, tmp_path: Path) -> None:
    world = World(launch_context, sandbox_server.url, tmp_path)
    store = InsightsStore(tmp_path / "insights.db")
    start = world.client.account_clock().astimezone(account_info(world.client)["tz"]).date()
    state: dict[str, Any] = {"created": {"campaign": world.campaign_id},
                             "plan": {"objective": "OUTCOME_SALES"}, "applied_actions": [],
                             "optimize": {"targets": {"target_cpa_minor": 4000}}}
    now = _days(world, 14, store, start.isoformat())
    yesterday = (now.astimezone(account_info(world.client)["tz"]).date()
                 - timedelta(days=1)).isoformat()
    _tire(store, world.campaign_id, world.ad_id, yesterday)

    proposal, evidence = propose(world.client, state, world.ctx, store=store, now=now,
                                 with_alerts=False)
    [refresh] = _refreshes(proposal)
    assert refresh["args"]["ad_id"] == world.ad_id and len(refresh["args"]["variants"]) == 2
    card = card_markdown({**state, "cycle": 1}, proposal, proposal["actions"])
    for v in refresh["args"]["variants"]:
        assert f"headline “{v['headline']}”" in card
    assert "creative fatigue" in card and "“Runners 25-44”" in card

    result = world.execute(refresh)
    assert [a["status"] for a in result["applied"]] == ["applied"]
    state["applied_actions"] = result["applied"]
    new = result["applied"][0]["created"]["ad_ids"]

    now = _days(world, 4, store, start.isoformat())
    _tire(store, world.campaign_id, world.ad_id, (now.astimezone(account_info(world.client)[
        "tz"]).date() - timedelta(days=1)).isoformat())
    proposal, evidence = propose(world.client, state, world.ctx, store=store, now=now,
                                 with_alerts=False)
    assert _refreshes(proposal) == []  # still tired, but its refresh is given time to work
    assert {a["id"] for a in evidence["ads"]} >= {world.ad_id, *new}  # the new ads are judged
    judged = judge_applied(state["applied_actions"], evidence, store=store)
    j = judged["0"]
    assert j["scope"] == {"level": "refresh", "id": world.ad_id, "ad_ids": new}
    assert j["judgement"] in ("improved", "regressed", "inconclusive")
    assert j["after"]["impressions"] > 0 and j["before"]["impressions"] > 0
    state["applied_actions"][0]["judgement"] = j
    later = card_markdown({**state, "cycle": 2}, proposal, proposal["actions"])
    line = next(x for x in later.splitlines() if x.startswith("- refresh of “Trail A”"))
    assert f"**{j['judgement']}**" in line and "new ads' CTR" in line and "vs" in line
    assert "cost per result" in line and "P(higher CTR)" in line
    assert refreshes_of(state["applied_actions"])[0]["ad_ids"] == new


def test_a_daily_loop_reads_fatigue_from_the_last_week_against_the_week_before(
        launch_context: Any, sandbox_server: Any, tmp_path: Path) -> None:
    """Collected every day, as the loop does, the weekly pair is two whole, disjoint weeks.

    Each daily pull stores the window ending yesterday and the one a week earlier, so the
    store holds a window ending on every day; the evidence must not pair yesterday's window
    with the day before's (they share six days, and a week-over-week fall never shows).
    """
    world = World(launch_context, sandbox_server.url, tmp_path)
    store = InsightsStore(tmp_path / "insights.db")
    start = world.client.account_clock().astimezone(account_info(world.client)["tz"]).date()
    for _ in range(16):
        now = _days(world, 1, store, start.isoformat())
    state: dict[str, Any] = {"created": {"campaign": world.campaign_id},
                             "plan": {"objective": "OUTCOME_SALES"}, "applied_actions": [],
                             "optimize": {"targets": {"target_cpa_minor": 4000}}}
    _, evidence = propose(world.client, state, world.ctx, store=store, now=now, with_alerts=False)
    yesterday = now.astimezone(account_info(world.client)["tz"]).date() - timedelta(days=1)
    [ours] = [a for a in evidence["ads"] if a["id"] == world.ad_id]
    older, newer = ours["weeks"]
    assert newer["until"] == yesterday.isoformat()
    assert newer["since"] == (yesterday - timedelta(days=6)).isoformat()
    assert older["until"] == (yesterday - timedelta(days=7)).isoformat()
    assert older["impressions"] > 0 and newer["impressions"] > 0
