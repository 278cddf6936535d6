"""Results by goal and dynamic creative's winning assets, in collection and the report.

Rows have Meta's shape (`actions` lists, asset breakdowns such as `title_asset: {"text", "id"}`)
and go through the real collection code into the insights store; the report is then built from
the store in every format. The last test asks the sandbox over HTTP with the real SDK.
"""

from __future__ import annotations

import csv
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from agents.insights.assets_report import CAUTION, assets_for_report
from agents.insights.collect import conversion_event, events_by_adset, pull_window
from agents.insights.reporting import build_report
from state.insights_store import InsightsStore

DAY = "2026-03-10"
PLAN = {
    "name": "Spring leads", "objective": "OUTCOME_LEADS", "currency": "USD",
    "ad_sets": [
        {"key": "form", "name": "Form", "optimization_goal": "LEAD_GENERATION",
         "destination_type": "ON_AD", "promoted_object": {"page_id": "p1"},
         "is_dynamic_creative": True,
         "ads": [{"key": "dc", "name": "Dynamic ad", "creative": {"format": "dynamic"}}]},
        {"key": "site", "name": "Site", "optimization_goal": "OFFSITE_CONVERSIONS",
         "promoted_object": {"pixel_id": "px", "custom_event_type": "LEAD"}, "ads": []},
        {"key": "chat", "name": "Chat", "optimization_goal": "CONVERSATIONS",
         "destination_type": "WHATSAPP", "promoted_object": {"page_id": "p1"}, "ads": []},
        {"key": "value", "name": "Value", "optimization_goal": "VALUE",
         "promoted_object": {"pixel_id": "px", "custom_event_type": "PURCHASE"}, "ads": []},
    ],
}
CREATED = {"campaign": "c1", "ad_sets": {"form": "s1", "site": "s2", "chat": "s3", "value": "s4"},
           "ads": {"dc": "a1"}}


def _acts(**kinds: float) -> list[dict[str, str]]:
    return [{"action_type": k.replace("__", "."), "value": str(v)} for k, v in kinds.items()]


# Meta reports one form lead under both `lead` and `onsite_conversion.lead_grouped`, a website
# lead under `lead` and the pixel's type, and a purchase under three types.
ADSET_ROWS = {
    "s1": dict(spend="70.00", actions=_acts(lead=7, onsite_conversion__lead_grouped=7)),
    "s2": dict(spend="50.00", actions=_acts(lead=5, offsite_conversion__fb_pixel_lead=5)),
    "s3": dict(spend="45.00", actions=_acts(
        onsite_conversion__messaging_conversation_started_7d=9, link_click=30)),
    "s4": dict(spend="100.00", actions=_acts(purchase=4, omni_purchase=4),
               action_values=_acts(purchase=310.0, omni_purchase=310.0)),
}


class FakeMeta:
    """Answers insights reads with Meta-shaped rows (ad set level, the campaign, assets)."""

    def __init__(self, assets: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.assets = assets or {}
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def get_all(self, path: str, params: dict[str, Any], limit: int = 0) -> list[dict[str, Any]]:
        self.asked.append((path, params))
        if path.startswith("a1/"):
            return self.assets.get(params["breakdowns"], [])
        base = {"campaign_id": "c1", "date_start": DAY, "date_stop": DAY, "impressions": "1000",
                "clicks": "40", "inline_link_clicks": "30"}
        level = params["level"]
        if level == "campaign":
            return [{**base, "campaign_name": "Spring leads", "spend": "265.00",
                     "actions": _acts(lead=12, onsite_conversion__lead_grouped=7,
                                      offsite_conversion__fb_pixel_lead=5, purchase=4,
                                      onsite_conversion__messaging_conversation_started_7d=9),
                     "action_values": _acts(purchase=310.0)}]
        if level == "adset":
            return [{**base, "adset_id": k, "adset_name": k.upper(), **v}
                    for k, v in ADSET_ROWS.items()]
        return [{**base, "adset_id": "s1", "ad_id": "a1", "ad_name": "Dynamic ad",
                 **ADSET_ROWS["s1"]}]


def _asset(kind: str, value: dict[str, str], spend: str, leads: int) -> dict[str, Any]:
    return {"ad_id": "a1", "ad_name": "Dynamic ad", "adset_id": "s1", kind: value,
            "impressions": "500", "clicks": "20", "spend": spend,
            "actions": _acts(lead=leads, onsite_conversion__lead_grouped=leads)}


ASSETS = {
    "title_asset": [_asset("title_asset", {"text": "Free quote in 2 minutes", "id": "t1"}, "30.00", 2),
                    _asset("title_asset", {"text": "Save 20% this spring", "id": "t2"}, "40.00", 5)],
    "body_asset": [_asset("body_asset", {"text": "Tell us about your roof", "id": "b1"}, "70.00", 7)],
    "image_asset": [_asset("image_asset", {"hash": "abc123", "id": "i1"}, "50.00", 0),
                    _asset("image_asset", {"hash": "def456", "id": "i2"}, "20.00", 7)],
}


@pytest.fixture(autouse=True)
def no_charts(monkeypatch):
    # These tests read the words and numbers; tests/reporting/test_reporting.py draws the charts.
    from agents.insights import charts, reporting

    for name in ("spend_and_conversions", "cost_per_result", "ad_set_spend"):
        monkeypatch.setattr(charts, name, lambda *a, **k: None)
    monkeypatch.setattr(reporting, "comparison_chart", lambda *a, **k: None)


@pytest.fixture
def state_and_store(tmp_path):
    store = InsightsStore(tmp_path / "home")
    pull_window(FakeMeta(), store, campaign_id="c1", since=DAY, until=DAY, currency="USD",
                event="LEAD_FORM", breakdowns=(), force_async=False,
                events=events_by_adset(PLAN, CREATED))
    return {"plan": PLAN, "created": CREATED, "applied_actions": [], "optimize": {}}, store


def test_each_ad_set_counts_its_own_result_once(state_and_store):
    _, store = state_and_store
    sets = store.totals("c1", "adset")
    assert sets["s1"]["conversions"] == 7  # form leads: `lead` or `lead_grouped`, not 14
    assert sets["s2"]["conversions"] == 5  # website leads from the pixel
    assert sets["s3"]["conversions"] == 9  # conversations started, not the 30 link clicks
    assert sets["s4"]["conversions"] == 4 and sets["s4"]["conversion_value_minor"] == 31000


def test_the_report_names_each_result_in_words_with_its_cost(state_and_store, tmp_path):
    state, store = state_and_store
    data = json.loads(Path(build_report(state, store, tmp_path, "json")["report"]).read_text())
    goals = {g["id"]: g for g in data["results_by_goal"]}
    assert (goals["s1"]["result"], goals["s1"]["results"], goals["s1"]["cost_per_result_minor"]) == (
        "leads", 7, 1000)
    assert (goals["s3"]["result"], goals["s3"]["cost_per_result_minor"]) == (
        "conversations started", 500)
    assert (goals["s4"]["result"], goals["s4"]["results"], goals["s4"]["roas"]) == (
        "purchase value", 31000, 3.1)
    assert data["facts"]["kpi"] == "leads"  # the campaign's result, not "conversions"
    md = Path(build_report(state, store, tmp_path, "md")["report"]).read_text()
    assert "## Results by goal" in md
    assert "| 7 leads | USD 10.00 |" in md
    assert "| 9 conversations started | USD 5.00 |" in md
    assert "USD 310.00 purchase value | ROAS 3.10x |" in md
    with open(Path(build_report(state, store, tmp_path, "csv")["csv"][1])) as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert rows["s3"]["result"] == "conversations started" and rows["s3"]["results"] == "9"
    assert rows["s4"]["result"] == "purchase value" and rows["s4"]["results"] == "310.00"  # USD


class ValueOnly(FakeMeta):
    """A campaign of the value ad set alone."""

    def get_all(self, path: str, params: dict[str, Any], limit: int = 0) -> list[dict[str, Any]]:
        rows = [r for r in super().get_all(path, params, limit) if r.get("adset_id") in (None, "s4")]
        return [{**r, **ADSET_ROWS["s4"]} if params["level"] == "campaign" else r for r in rows]


def test_the_summary_says_the_campaigns_result_in_words(state_and_store, tmp_path):
    state, store = state_and_store
    leads = json.loads(Path(build_report(state, store, tmp_path, "json")["report"]).read_text())
    # several kinds of result: each said with its own cost; form and website leads together
    assert ("brought 12 leads at USD 10.00 each, USD 310.00 of purchase value (ROAS 3.10x) and "
            "9 conversations started at USD 5.00 each. The most efficient ad set was “S1”. "
            ) in leads["summary"]  # S1 and S2 tie on cost per lead; S3, S4 are not compared
    forms = {**PLAN, "ad_sets": PLAN["ad_sets"][:1]}
    one = json.loads(Path(build_report({**state, "plan": forms}, store, tmp_path, "json")[
        "report"]).read_text())
    assert "brought 7 leads at USD 37.85 each" in one["summary"]  # form leads, counted once
    value_plan = {**PLAN, "objective": "OUTCOME_SALES", "ad_sets": PLAN["ad_sets"][3:]}
    sales = InsightsStore(tmp_path / "sales")
    pull_window(ValueOnly(), sales, campaign_id="c1", since=DAY, until=DAY, currency="USD",
                event=conversion_event(value_plan), breakdowns=(), force_async=False)
    value = json.loads(Path(build_report({**state, "plan": value_plan}, sales, tmp_path, "json")[
        "report"]).read_text())
    assert "brought USD 310.00 of purchase value (ROAS 3.10x)" in value["summary"]


def test_dynamic_creative_shows_which_assets_won_best_first_with_the_caution(
    state_and_store, tmp_path
):
    state, store = state_and_store
    meta = FakeMeta(ASSETS)
    md = Path(build_report(state, store, tmp_path, "md", client=meta)["report"]).read_text()
    asked = {p["breakdowns"] for path, p in meta.asked if path == "a1/insights"}
    assert {"title_asset", "body_asset", "image_asset", "call_to_action_asset"} <= asked
    assert "## Dynamic creative: which assets won" in md and CAUTION in md
    # USD 8.00 a lead beats USD 15.00 a lead, whatever the order Meta listed them in
    assert md.index("Save 20% this spring") < md.index("Free quote in 2 minutes")
    assert "| Save 20% this spring | USD 40.00 | 5 | USD 8.00 |" in md
    assert "| abc123 | USD 50.00 | 0 | no result yet |" in md
    data = json.loads(Path(build_report(state, store, tmp_path, "json", client=meta)["report"])
                      .read_text())
    titles = data["dynamic_creative"]["ads"][0]["assets"]["title_asset"]
    assert [t["asset"] for t in titles] == ["Save 20% this spring", "Free quote in 2 minutes"]
    assert data["dynamic_creative"]["caution"] == CAUTION
    files = build_report(state, store, tmp_path, "csv", client=meta)["csv"]
    assert "assets.csv" in {Path(f).name for f in files}
    with open(tmp_path / "assets.csv") as fh:
        images = [r for r in csv.DictReader(fh) if r["kind"] == "image"]
    assert [(r["asset"], r["rank"]) for r in images] == [("def456", "1"), ("abc123", "2")]


class RefusesImages(FakeMeta):
    def get_all(self, path: str, params: dict[str, Any], limit: int = 0) -> list[dict[str, Any]]:
        if params.get("breakdowns") == "image_asset":
            from tools.errors import PermanentError

            raise PermanentError("(#100) Unsupported breakdown", code=100)
        return super().get_all(path, params, limit)


def test_a_refused_breakdown_is_reported_and_the_others_still_shown(state_and_store, tmp_path):
    state, store = state_and_store
    md = Path(build_report(state, store, tmp_path, "md", client=RefusesImages(ASSETS))["report"]
              ).read_text()
    assert "the images of ad a1 could not be read from Meta (image_asset)" in md
    assert "Unsupported breakdown" in md and "| Save 20% this spring |" in md


def test_without_a_client_the_report_says_the_assets_were_not_read(state_and_store, tmp_path):
    state, store = state_and_store
    md = Path(build_report(state, store, tmp_path, "md")["report"]).read_text()
    assert "asset breakdowns were not read" in md
    plain = {**state, "plan": {**PLAN, "ad_sets": PLAN["ad_sets"][1:]}}
    assert "Dynamic creative" not in Path(build_report(plain, store, tmp_path, "md")["report"]
                                          ).read_text()


@contextmanager
def _world(tmp_path, scenario: str):
    """A sandbox of `scenario` (seed 11): (server, account, page id, pixel id, start date)."""
    from facebook_business.adobjects.adaccount import AdAccount

    from sandbox.server import SandboxServer
    from tests.conftest import SANDBOX_TOKEN, make_api

    with SandboxServer(tmp_path / "s.db", scenario=scenario, seed=11, token=SANDBOX_TOKEN) as sb:
        assert sb.store is not None
        yield (sb, AdAccount(sb.account_id, api=make_api(sb.url)),
               str(sb.store.list_objects("page")[0]["id"]),
               str(sb.store.list_objects("adspixel")[0]["id"]),
               str(sb.admin("GET", "/__sandbox__/clock")["now"])[:10])


def test_on_the_sandbox_a_dynamic_creatives_assets_are_ranked_and_add_up(tmp_path):
    # The real SDK against the sandbox, whose dynamic creative mixes 3 headlines, 2 texts and
    # 2 images per impression and serves Meta's asset breakdowns.
    from PIL import Image

    from state.context import MetaSettings
    from tests.conftest import SANDBOX_TOKEN
    from tools.meta_client import MetaClient

    with _world(tmp_path, "ecommerce_usd") as (sb, acct, page, pixel, start):
        hashes = []
        for i, colour in enumerate([(200, 30, 30), (30, 200, 30)]):
            Image.new("RGB", (1080, 1080), colour).save(tmp_path / f"{i}.png")
            hashes.append(acct.create_ad_image(params={"filename": str(tmp_path / f"{i}.png")})[
                "hash"])
        sets = {"dc": {"optimization_goal": "OFFSITE_CONVERSIONS", "is_dynamic_creative": True,
                       "promoted_object": {"pixel_id": pixel, "custom_event_type": "PURCHASE"}}}
        camp = acct.create_campaign(params={"name": "DC", "objective": "OUTCOME_SALES",
                                            "special_ad_categories": [], "status": "ACTIVE"})
        adset = acct.create_ad_set(params={
            "name": "dc", "campaign_id": camp["id"], "daily_budget": 20000, "status": "ACTIVE",
            "billing_event": "IMPRESSIONS", "start_time": start,
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25}, **sets["dc"]})
        creative = acct.create_ad_creative(params={
            "name": "dc", "object_story_spec": {"page_id": page}, "asset_feed_spec": {
            "images": [{"hash": h} for h in hashes],
            "titles": [{"text": t} for t in ("Run lighter", "Built to last", "Free returns")],
            "bodies": [{"text": "New running shoes"}, {"text": "Our best trainer yet"}],
            "link_urls": [{"website_url": "https://shop.example.com"}],
            "call_to_action_types": ["SHOP_NOW"], "ad_formats": ["SINGLE_IMAGE"]}})
        ad = acct.create_ad(params={"name": "dc ad", "adset_id": adset["id"], "status": "ACTIVE",
                                    "creative": {"creative_id": creative["id"]}})
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 6})
        client = MetaClient(MetaSettings(graph_url=sb.url, account_id=sb.account_id,
                                         page_id=page), token=SANDBOX_TOKEN)
        plan = {"name": "DC", "objective": "OUTCOME_SALES", "ad_sets": [{
            "key": "dc", **sets["dc"], "ads": [{"key": "ad", "name": "dc ad",
                                                 "creative": {"format": "dynamic"}}]}]}
        created = {"campaign": camp["id"], "ad_sets": {"dc": adset["id"]}, "ads": {"ad": ad["id"]}}
        today = sb.admin("GET", "/__sandbox__/clock")["now_local"][:10]
        got = assets_for_report(client, plan, created, start, today, "USD")
        whole = client.get_all(f"{ad['id']}/insights", {"fields": "spend,actions",
                                                        "time_range": {"since": start,
                                                                       "until": today}})[0]
    assert got["problems"] == [] and got["caution"] == CAUTION
    (report,) = got["ads"]
    assert report["result"] == "purchases"
    assert set(report["assets"]) == {"title_asset", "body_asset", "image_asset"}  # 2+ each
    titles = report["assets"]["title_asset"]
    assert {t["asset"] for t in titles} == {"Run lighter", "Built to last", "Free returns"}
    images = {i["asset"][:7] for i in report["assets"]["image_asset"]}
    assert images == {"0.png (", "1.png ("}  # named by file, with the start of the hash
    costs = [t["cost_per_result_minor"] for t in titles if t["cost_per_result_minor"]]
    assert costs == sorted(costs)  # best (cheapest result) first
    purchases = next(float(a["value"]) for a in whole["actions"] if a["action_type"] == "purchase")
    for kind, cells in report["assets"].items():  # each breakdown splits the same ad
        assert sum(c["results"] for c in cells) == purchases, kind
        assert sum(c["spend_minor"] for c in cells) == pytest.approx(
            float(whole["spend"]) * 100, abs=3)


def _launch(acct: Any, page: str, objective: str, sets: dict[str, dict[str, Any]], start: str,
            ctas: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One campaign of `sets` (plan ad sets by key) through the SDK; return (plan, created)."""
    camp = acct.create_campaign(params={"name": objective, "objective": objective,
                                        "special_ad_categories": [], "status": "ACTIVE"})
    created: dict[str, Any] = {"campaign": camp["id"], "ad_sets": {}, "ads": {}}
    for key, over in sets.items():
        a = acct.create_ad_set(params={
            "name": key, "campaign_id": camp["id"], "daily_budget": 20000, "status": "ACTIVE",
            "billing_event": "IMPRESSIONS", "start_time": start,
            "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25}, **over})
        cr = acct.create_ad_creative(params={"name": key, "object_story_spec": {
            "page_id": page, "link_data": {"link": "https://shop.example.com", "message": "Hi",
                                           "call_to_action": ctas[key]}}})
        ad = acct.create_ad(params={"name": key, "adset_id": a["id"], "status": "ACTIVE",
                                    "creative": {"creative_id": cr["id"]}})
        created["ad_sets"][key], created["ads"][key] = a["id"], ad["id"]
    plan = {"name": objective, "objective": objective,
            "ad_sets": [{"key": k, "name": k, **v} for k, v in sets.items()]}
    return plan, created


def test_on_the_sandbox_leads_and_conversations_are_counted_once_and_named(tmp_path):
    # The real SDK against the sandbox: instant-form leads (reported as `lead` and
    # `onsite_conversion.lead_grouped`), website leads (`lead` and the pixel's) and messaging
    # conversations, collected and reported by each ad set's goal.
    from facebook_business.adobjects.page import Page

    from agents.insights.collect import collect
    from state.context import MetaSettings
    from tests.conftest import SANDBOX_TOKEN, make_api
    from tools.meta_client import MetaClient

    with _world(tmp_path, "leadgen_eur") as (sb, acct, page, pixel, start):
        form = Page(page, api=make_api(sb.url)).create_lead_gen_form(params={
            "name": "Quote", "questions": [{"type": "EMAIL"}],
            "privacy_policy": {"url": "https://example.com/privacy"}})["id"]
        leads = _launch(acct, page, "OUTCOME_LEADS", {
            "form": {"optimization_goal": "LEAD_GENERATION", "destination_type": "ON_AD",
                     "promoted_object": {"page_id": page}},
            "site": {"optimization_goal": "OFFSITE_CONVERSIONS",
                     "promoted_object": {"pixel_id": pixel, "custom_event_type": "LEAD"}},
        }, start, {"form": {"type": "SIGN_UP", "value": {"lead_gen_form_id": form}},
                   "site": {"type": "SIGN_UP"}})
        chats = _launch(acct, page, "OUTCOME_ENGAGEMENT", {
            "chat": {"optimization_goal": "CONVERSATIONS", "destination_type": "MESSENGER",
                     "promoted_object": {"page_id": page}}}, start,
            {"chat": {"type": "MESSAGE_PAGE"}})
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 4})
        client = MetaClient(MetaSettings(graph_url=sb.url, account_id=sb.account_id,
                                         page_id=page), token=SANDBOX_TOKEN)
        today = sb.admin("GET", "/__sandbox__/clock")["now_local"][:10]
        got = {}
        for plan, created in (leads, chats):
            store = InsightsStore(tmp_path / plan["objective"])
            collect(client, store, campaign_id=created["campaign"], start=start, today=today,
                    currency="EUR", event="LEAD", breakdowns=(),
                    events=events_by_adset(plan, created))
            state = {"plan": plan, "created": created, "applied_actions": [], "optimize": {}}
            out = build_report(state, store, tmp_path / plan["objective"], "json")
            got.update({g["name"]: g for g in json.loads(Path(out["report"]).read_text())[
                "results_by_goal"]})
            raw = client.get_all(f"{created['campaign']}/insights", {
                "level": "adset", "fields": "adset_name,spend,actions", "date_preset": "maximum"})
            for r in raw:
                acts = {a["action_type"]: float(a["value"]) for a in r.get("actions") or []}
                got[r["adset_name"]]["meta"] = (float(r["spend"]), acts)
    spend, acts = got["form"]["meta"]
    assert got["form"]["result"] == "leads" and got["form"]["results"] == acts["lead"] > 0
    assert acts["onsite_conversion.lead_grouped"] == acts["lead"]  # reported twice, counted once
    assert got["form"]["cost_per_result_minor"] == round(spend * 100 / acts["lead"])
    spend, acts = got["site"]["meta"]
    assert got["site"]["results"] == acts["offsite_conversion.fb_pixel_lead"] > 0
    spend, acts = got["chat"]["meta"]
    assert got["chat"]["result"] == "conversations started"
    assert got["chat"]["results"] == acts["onsite_conversion.messaging_conversation_started_7d"] > 0
    assert got["chat"]["cost_per_result_minor"] == round(spend * 100 / got["chat"]["results"])


def test_alerts_one_off_pauses_and_adopted_campaigns_count_the_same_results():
    # One goal → result mapping (state.insights_store.GOAL_RESULTS) everywhere results are
    # counted: a messaging campaign's alerts judge conversations, not absent purchases.
    from agents.optimize.alert_snapshot import _event as alert_event
    from agents.optimize.oneoff.pause import _event as pause_event

    chat = {"optimization_goal": "CONVERSATIONS", "promoted_object": {"page_id": "p1"}}
    assert alert_event([{"adset": chat, "campaign": {"objective": "OUTCOME_ENGAGEMENT"}}]) == (
        "CONVERSATIONS")
    assert pause_event({"objective": "OUTCOME_LEADS"}, [{
        "optimization_goal": "LEAD_GENERATION", "promoted_object": {"page_id": "p1"}}]) == "LEAD_FORM"
    adopted = {"adopted": True, "objective": "OUTCOME_ENGAGEMENT", "ad_sets": [{"id": "9", **chat}]}
    assert events_by_adset(adopted, {}) == {"9": "CONVERSATIONS"}
