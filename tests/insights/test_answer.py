"""Answering questions from Meta's insights, against the sandbox over HTTP (no mocks).

The campaigns are created directly with the facebook_business SDK (not by adpilot), the
sandbox's clock runs 16 days so delivery makes insights, and every number adpilot answers is
checked against the same insights read independently through the SDK's `get_insights`.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.campaign import Campaign
from PIL import Image

from agents.insights.answer import answer_question, render_chart
from agents.insights.question import range_words, resolve_range
from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api
from state.context import MetaSettings
from state.intent import DateRange, Intent
from tools.catalog import read_catalog
from tools.meta_client import MetaClient

TODAY = date(2026, 3, 18)  # the sandbox starts 2026-03-02 (account-local); 16 days later
WORLD = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "request_world.json"
SDK_CLASS = {"campaign": Campaign, "adset": AdSet, "ad": Ad}
TRUTH_FIELDS = ["spend", "impressions", "clicks", "actions"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Spring Sale (sales, campaign budget, 2 ad sets, 3 ads) and Leads Test, 16 days on."""
    tmp = tmp_path_factory.mktemp("answer")
    image = tmp / "shoe.png"
    Image.new("RGB", (1080, 1080), (30, 120, 200)).save(image)
    with SandboxServer(tmp / "sb.db", scenario="ecommerce_usd", seed=7,
                       token=SANDBOX_TOKEN) as sb:
        api = make_api(sb.url)
        acct = AdAccount(sb.account_id, api=api)
        store = sb.store
        assert store is not None
        page = str(store.list_objects("page")[0]["id"])
        pixel = str(store.list_objects("adspixel")[0]["id"])
        image_hash = acct.create_ad_image(params={"filename": str(image)})["hash"]
        ids: dict[str, Any] = {"ads": [], "adsets": []}

        def ad(adset_id: str, name: str, text: str) -> str:
            creative = acct.create_ad_creative(params={"name": f"C {name}", "object_story_spec": {
                "page_id": page, "link_data": {"link": "https://shop.example.com", "message": text,
                                               "image_hash": image_hash,
                                               "call_to_action": {"type": "SHOP_NOW"}}}})
            return str(acct.create_ad(params={"name": name, "adset_id": adset_id, "status": "ACTIVE",
                                              "creative": {"creative_id": creative["id"]}})["id"])

        ids["campaign"] = str(acct.create_campaign(params={
            "name": "Spring Sale", "objective": "OUTCOME_SALES", "special_ad_categories": [],
            "status": "ACTIVE", "daily_budget": 15000,
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP"})["id"])
        for name, ages, gender, ads in (("Women 25-34", (25, 34), 2, ["Video - Trail", "Carousel A"]),
                                        ("Men 25-44", (25, 44), 1, ["Static - Summit"])):
            adset_id = str(acct.create_ad_set(params={
                "name": name, "campaign_id": ids["campaign"], "billing_event": "IMPRESSIONS",
                "optimization_goal": "OFFSITE_CONVERSIONS", "status": "ACTIVE",
                "promoted_object": {"pixel_id": pixel, "custom_event_type": "PURCHASE"},
                "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": ages[0],
                              "age_max": ages[1], "genders": [gender]}})["id"])
            ids["adsets"].append(adset_id)
            ids["ads"] += [ad(adset_id, n, f"Run {n}") for n in ads]
        ids["leads"] = str(acct.create_campaign(params={
            "name": "Leads Test", "objective": "OUTCOME_LEADS", "special_ad_categories": [],
            "status": "ACTIVE"})["id"])
        lead_set = str(acct.create_ad_set(params={
            "name": "Lead form US", "campaign_id": ids["leads"], "daily_budget": 3000,
            "billing_event": "IMPRESSIONS", "optimization_goal": "OFFSITE_CONVERSIONS",
            "bid_strategy": "LOWEST_COST_WITHOUT_CAP", "status": "ACTIVE",
            "promoted_object": {"pixel_id": pixel, "custom_event_type": "LEAD"},
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 18, "age_max": 65}})["id"])
        ad(lead_set, "Lead ad", "Join the club")
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 16})
        assert sb.admin("GET", "/__sandbox__/clock")["now_local"][:10] == TODAY.isoformat()
        client = MetaClient(MetaSettings(graph_url=sb.url, account_id=sb.account_id),
                            token=SANDBOX_TOKEN)
        catalog = read_catalog(client, [sb.account_id])[0]
        writes = sb.admin("GET", "/__sandbox__/stats")["writes"]

        class World:
            pass

        w = World()
        w.sb, w.api, w.client, w.catalog, w.ids, w.writes_before = (
            sb, api, client, catalog, ids, writes)
        yield w
        assert sb.admin("GET", "/__sandbox__/stats")["writes"] == writes, "an answer wrote to Meta"


def ask(w: Any, entities: list[tuple[str, str, str]], **params: Any) -> Any:
    intent = Intent(route="question", account=w.sb.account_id, params=params, entities=[
        {"type": t, "id": i, "name": n, "match": "exact"} for t, i, n in entities])
    before = w.client.stats["graph_calls"]
    answer = answer_question(w.client, intent, account=w.catalog, today=TODAY)
    w.calls = w.client.stats["graph_calls"] - before
    return answer


def sdk_rows(w: Any, kind: str, object_id: str, **params: Any) -> list[dict[str, Any]]:
    """The sandbox's own insights for an object, read with the SDK (every page)."""
    node = SDK_CLASS[kind](object_id, api=w.api)
    fields = [*TRUTH_FIELDS, *([f"{params['level']}_name"] if "level" in params else [])]
    return [dict(r) for r in node.get_insights(fields=fields, params={"limit": 100, **params})]


def truth(row: dict[str, Any], event: str = "omni_purchase") -> dict[str, Any]:
    """Spend in cents, results (one action type of the purchase family), CPA, CTR."""
    spend = int(Decimal(row["spend"]) * 100)
    results = next((int(a["value"]) for a in row.get("actions") or []
                    if a["action_type"] == event), 0)
    return {"spend": spend, "results": results, "cpa": spend / results if results else None,
            "ctr": int(row["clicks"]) / int(row["impressions"]) * 100}


def dollars(cents: float) -> str:
    return f"${cents / 100:,.2f}"


def entity(w: Any, kind: str) -> tuple[str, str, str]:
    return {"campaign": ("campaign", w.ids["campaign"], "Spring Sale"),
            "adset": ("adset", w.ids["adsets"][0], "Women 25-34"),
            "ad": ("ad", w.ids["ads"][0], "Video - Trail")}[kind]


LAST_WEEK = {"since": "2026-03-09", "until": "2026-03-15"}


@pytest.mark.parametrize("kind", ["campaign", "adset", "ad"])
def test_spend_results_and_cpa_match_the_sandbox_to_the_cent(world, kind):
    who = entity(world, kind)
    answer = ask(world, [who], date_range={"preset": "last_week_mon_sun"})
    [row] = sdk_rows(world, kind, who[1], time_range=LAST_WEEK)
    want = truth(row)
    assert want["spend"] > 0 and want["results"] > 0
    assert answer.totals["spend"] == want["spend"]
    assert answer.totals["results"] == want["results"]
    assert round(answer.totals["cpa"]) == round(want["cpa"])
    assert answer.date_range == {"since": "2026-03-09", "until": "2026-03-15",
                                 "preset": "last_week_mon_sun", "words": "last week (9–15 March)"}
    assert answer.sentence == (
        f"{who[2]} spent {dollars(want['spend'])} last week (9–15 March), {want['results']} "
        f"purchase{'s' if want['results'] != 1 else ''} at {dollars(round(want['cpa']))} each.")
    assert world.calls == 1  # the entity's own row is the table and the totals
    assert answer.query == [{"path": f"{who[1]}/insights", "params": {
        "level": kind, "fields": answer.query[0]["params"]["fields"], "time_range": LAST_WEEK}}]
    assert "token" not in answer.to_json()


@pytest.mark.parametrize("kind", ["campaign", "adset", "ad"])
def test_an_age_breakdown_matches_the_sandbox_row_by_row(world, kind):
    who = entity(world, kind)
    answer = ask(world, [who], breakdown=["age"], date_range={"preset": "last_7d"})
    rng = {"since": "2026-03-11", "until": "2026-03-17"}
    want = {r["age"]: truth(r) for r in sdk_rows(world, kind, who[1], time_range=rng,
                                                 breakdowns=["age"])}
    got = {r["age"]: r for r in answer.rows}
    assert set(got) == set(want) and len(want) >= 1
    for age, w in want.items():
        assert got[age]["spend"] == w["spend"]
        assert got[age]["results"] == w["results"]
        assert (got[age]["cpa"] is None) == (w["cpa"] is None)
        if w["cpa"] is not None:
            assert round(got[age]["cpa"]) == round(w["cpa"])
    [total] = sdk_rows(world, kind, who[1], time_range=rng)
    assert answer.totals["spend"] == truth(total)["spend"]
    assert answer.columns == ["age", "spend", "results", "cpa"]
    assert "in the last 7 days (11–17 March)" in answer.sentence and "by age" in answer.sentence
    assert world.calls == 2  # rows by age + the entity's total


@pytest.mark.parametrize("kind", ["campaign", "adset", "ad"])
def test_compare_previous_reads_the_period_just_before(world, kind):
    who = entity(world, kind)
    answer = ask(world, [who], compare_previous=True, date_range={"preset": "last_7d"})
    [now] = sdk_rows(world, kind, who[1], time_range={"since": "2026-03-11", "until": "2026-03-17"})
    [before] = sdk_rows(world, kind, who[1], time_range={"since": "2026-03-04", "until": "2026-03-10"})
    now_t, before_t = truth(now), truth(before)
    comp = answer.comparison
    assert (comp["since"], comp["until"]) == ("2026-03-04", "2026-03-10")
    assert answer.totals["spend"] == now_t["spend"]
    assert comp["values"]["spend"] == before_t["spend"]
    assert comp["values"]["results"] == before_t["results"]
    pct = (now_t["spend"] - before_t["spend"]) / before_t["spend"] * 100
    assert comp["change_pct"]["spend"] == pytest.approx(pct)
    word = "up" if pct > 0 else "down"
    shown = f"{abs(pct):.0f}%" if abs(pct) >= 10 else f"{abs(pct):.1f}%"
    assert f"spend {word} {shown}" in answer.sentence
    assert "on the period before (4–10 March)" in answer.sentence
    assert answer.rows[0]["previous"]["spend"] == before_t["spend"]  # per row, same call
    assert world.calls == 1


def test_top_ads_by_ctr_in_a_campaign_are_ranked_like_the_sandbox(world):
    answer = ask(world, [entity(world, "campaign")], level="ad", metrics=["ctr", "spend"],
                 rank={"by": "ctr", "order": "desc", "n": 2}, date_range={"preset": "last_7d"})
    rows = sdk_rows(world, "campaign", world.ids["campaign"], level="ad",
                    time_range={"since": "2026-03-11", "until": "2026-03-17"})
    ranked = sorted(rows, key=lambda r: -truth(r)["ctr"])[:2]
    assert [r["name"] for r in answer.rows] == [r["ad_name"] for r in ranked]
    assert [r["ctr"] for r in answer.rows] == pytest.approx([truth(r)["ctr"] for r in ranked])
    shown = "; ".join(f"{r['ad_name']} ({truth(r)['ctr']:.2f}%)" for r in ranked)
    assert answer.sentence == ("The 2 ads with the highest CTR in Spring Sale in the last 7 days "
                               f"(11–17 March): {shown}.")
    bottom = ask(world, [entity(world, "campaign")], level="ad", metrics=["ctr"],
                 rank={"by": "ctr", "order": "asc", "n": 1}, date_range={"preset": "last_7d"})
    assert bottom.rows[0]["name"] == min(rows, key=lambda r: truth(r)["ctr"])["ad_name"]


def test_a_cpa_threshold_keeps_the_ads_over_it(world):
    rows = sdk_rows(world, "campaign", world.ids["campaign"], level="ad",
                    time_range={"since": "2026-03-11", "until": "2026-03-17"})
    cpas = sorted(truth(r)["cpa"] or float("inf") for r in rows)
    threshold = (cpas[0] + cpas[1]) / 2  # between the best and the second-best ad
    answer = ask(world, [entity(world, "campaign")], level="ad", metrics=["spend", "cpa"],
                 filter=[{"metric": "cpa", "op": ">", "threshold": threshold, "currency": "USD"}],
                 date_range={"preset": "last_7d"})
    want = {r["ad_name"] for r in rows if (truth(r)["cpa"] or float("inf")) > threshold}
    assert {r["name"] for r in answer.rows} == want
    assert answer.sentence.startswith(f"{len(want)} of {len(rows)} ads in Spring Sale had CPA "
                                      f"over {dollars(threshold)} in the last 7 days")


def test_zero_results_say_no_results_never_zero_or_infinity(world):
    answer = ask(world, [("campaign", world.ids["leads"], "Leads Test")],
                 date_range={"preset": "last_7d"})
    [row] = sdk_rows(world, "campaign", world.ids["leads"],
                     time_range={"since": "2026-03-11", "until": "2026-03-17"})
    want = truth(row, event="lead")
    assert want["spend"] > 0 and want["results"] == 0
    assert answer.result == "LEAD"
    assert answer.totals["spend"] == want["spend"] and answer.totals["results"] == 0
    assert answer.totals["cpa"] is None
    assert answer.table() == [["Leads Test", dollars(want["spend"]), "0", "no results"]]
    assert answer.sentence == (f"Leads Test spent {dollars(want['spend'])} in the last 7 days "
                               "(11–17 March), got no leads, so there is no cost per lead.")
    assert "inf" not in answer.to_json().lower()


def test_by_day_rows_match_the_sandbox_daily_rows_and_chart(world, tmp_path):
    who = entity(world, "adset")
    answer = ask(world, [who], breakdown=["day"], date_range={"preset": "last_7d"})
    daily = sdk_rows(world, "adset", who[1], time_increment=1,
                     time_range={"since": "2026-03-11", "until": "2026-03-17"})
    assert [r["day"] for r in answer.rows] == [r["date_start"] for r in daily]
    assert [r["spend"] for r in answer.rows] == [truth(r)["spend"] for r in daily]
    assert answer.query[0]["params"]["time_increment"] == 1
    chart = render_chart(answer, tmp_path / "daily.png")
    assert chart is not None and chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_account_question_by_campaign_and_lifetime_dates(world):
    answer = ask(world, [], level="campaign", metrics=["spend", "results"],
                 date_range={"preset": "maximum"})
    rows = sdk_rows(world, "campaign", world.ids["campaign"], date_preset="maximum")
    assert answer.query[0]["path"] == f"{world.sb.account_id}/insights"
    spring = next(r for r in answer.rows if r["id"] == world.ids["campaign"])
    assert spring["spend"] == truth(rows[0])["spend"]
    assert answer.date_range["since"] == "2026-03-02"
    assert "since launch (2 March)" in answer.sentence
    assert any("different objectives" in n for n in answer.notes)


def test_every_world_preset_resolves_like_the_router_labels_say():
    world = json.loads(WORLD.read_text())
    today = date.fromisoformat(world["today"])
    for preset, want in world["date_presets"].items():
        since, until, _ = resolve_range(DateRange(preset=preset), today)
        assert (since, until) == (want["since"], want["until"]), preset


@pytest.mark.parametrize(("dr", "words"), [
    ({"preset": "last_week_mon_sun"}, "last week (9–15 March)"),
    ({"preset": "yesterday"}, "yesterday (17 March)"),
    ({"preset": "last_month"}, "last month (1–28 February)"),
    ({"preset": "last_14d"}, "in the last 14 days (4–17 March)"),
    ({"since": "2026-02-27", "until": "2026-03-03"}, "over 27 February – 3 March"),
    ({"since": "2025-12-29", "until": "2026-01-04"}, "over 29 December 2025 – 4 January 2026"),
    ({"since": "2026-03-10", "until": "2026-03-10"}, "on 10 March"),
])
def test_a_date_range_in_words(dr, words):
    since, until, preset = resolve_range(DateRange(**dr), TODAY)
    assert range_words(since, until, preset, TODAY) == words
