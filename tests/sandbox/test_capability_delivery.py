"""Issue 15's delivery model over HTTP with the real SDK: bids, audiences, dynamic creative, results.

Each comparison launches twins in separate sandboxes with the same seed, so the latent truth
and the random draws are the same and only the field under test differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from PIL import Image

from sandbox.audience_model import effect
from sandbox.dynamic_creative import combinations, shares
from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN, make_api

SEED = 11
US = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 54}
FIELDS = ["spend", "impressions", "reach", "inline_link_clicks", "actions", "action_values",
          "cost_per_action_type", "cpm", "frequency"]


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("img") / "shoe.png"
    Image.new("RGB", (1080, 1080), (30, 120, 200)).save(path)
    return path


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory, image: Path) -> dict[str, dict[str, Any]]:
    """The uncapped, broad twins several tests compare with (purchase and value goals)."""
    tmp = tmp_path_factory.mktemp("twins")
    return {goal: one(run(tmp / goal, image, adsets=[{"optimization_goal": goal}]))
            for goal in ("OFFSITE_CONVERSIONS", "VALUE")}


def run(tmp: Path, image: Path, *, adsets: list[dict[str, Any]], days: int = 7,
        audiences: dict[str, dict[str, Any]] | None = None, objective: str = "OUTCOME_SALES",
        creative: Any = None, read: Any = None, forms: dict[str, str] | None = None) -> Any:
    """Launch one campaign with `adsets` (params overriding a purchase ad set), run `days`.

    `audiences` are stored custom audiences by id (as h2a's endpoint stores them); `creative`
    is creative params, or a function of (page id, image hashes) returning them. Returns
    `read(account, start date)`, by default the ad-set insights rows over the whole run.
    """
    tmp.mkdir(parents=True, exist_ok=True)
    with SandboxServer(tmp / "s.db", scenario="ecommerce_usd", seed=SEED,
                       token=SANDBOX_TOKEN) as sb:
        assert sb.store is not None
        for aid, data in (audiences or {}).items():
            sb.store.insert_object("customaudience", {"id": aid, **data},
                                   account_id=sb.account_id[4:], id_=aid)
        api = make_api(sb.url)
        acct = AdAccount(sb.account_id, api=api)
        page = str(sb.store.list_objects("page")[0]["id"])
        for fid, on_page in (forms or {}).items():  # instant forms, as h2a's endpoint stores them
            sb.store.insert_object("leadgen_form", {"id": fid, "name": "Form", "status": "ACTIVE",
                                                    "page_id": on_page}, parent_id=on_page,
                                   id_=fid)
        pixel = str(sb.store.list_objects("adspixel")[0]["id"])
        start = str(sb.admin("GET", "/__sandbox__/clock")["now"])[:10]
        hashes = []
        for n, color in enumerate([(30, 120, 200), (200, 40, 40), (40, 160, 60)]):
            path = tmp / f"img{n}.png"
            Image.new("RGB", (1080, 1080), color).save(path)
            hashes.append(acct.create_ad_image(params={"filename": str(path)})["hash"])
        img = {"hash": hashes[0]}
        camp = acct.create_campaign(params={"name": "C", "objective": objective,
                                            "special_ad_categories": [], "status": "ACTIVE"})
        for i, over in enumerate(adsets):
            params = {
                "name": f"Set {i}", "campaign_id": camp["id"], "daily_budget": 20000,
                "billing_event": "IMPRESSIONS", "optimization_goal": "OFFSITE_CONVERSIONS",
                "promoted_object": {"pixel_id": pixel, "custom_event_type": "PURCHASE"},
                "targeting": US, "start_time": start, "status": "ACTIVE", **over,
            }
            params = {k: v for k, v in params.items() if v is not None}
            adset = acct.create_ad_set(params=params)
            spec = creative(page, hashes) if callable(creative) else creative or {"object_story_spec": {"page_id": page, "link_data": {
                "link": "https://shop.example.com", "message": "Run", "image_hash": img["hash"],
                "call_to_action": {"type": "SHOP_NOW"}}}}
            cr = acct.create_ad_creative(params={"name": f"Cr {i}", **spec})
            acct.create_ad(params={"name": f"Ad {i}", "adset_id": adset["id"],
                                   "creative": {"creative_id": cr["id"]}, "status": "ACTIVE"})
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": days + 1})
        if read is not None:
            return read(acct, start)
        return insights(acct, {"level": "adset", "date_preset": "maximum"})


def insights(acct: AdAccount, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in acct.get_insights(fields=["adset_name", "ad_name", *FIELDS],
                                               params={"limit": 500, **params})]


def action(row: dict[str, Any], kind: str, key: str = "actions") -> float:
    return sum(float(a["value"]) for a in row.get(key) or [] if a["action_type"] == kind)


def one(rows: list[dict[str, Any]], name: str = "Set 0") -> dict[str, Any]:
    found = [r for r in rows if r.get("adset_name") == name]
    return found[0] if found else {"spend": "0", "impressions": "0"}


# -- 1. bids -----------------------------------------------------------------------------


def test_cost_cap_below_the_natural_cpa_lowers_spend(
    tmp_path: Path, image: Path, twins: dict[str, dict[str, Any]]
) -> None:
    free = twins["OFFSITE_CONVERSIONS"]
    natural = float(free["spend"]) / action(free, "purchase")  # major units per purchase
    spend, cpa = {1.0: float(free["spend"])}, {}
    for mult in (0.4, 0.6, 3.0):
        row = one(run(tmp_path / str(mult), image, adsets=[{
            "bid_strategy": "COST_CAP", "bid_amount": int(natural * 100 * mult)}]))
        spend[mult] = float(row["spend"])
        cpa[mult] = float(row["spend"]) / max(action(row, "purchase"), 1)
    assert spend[0.4] < spend[0.6] < spend[1.0]  # the lower the cap, the lower the spend
    assert spend[0.4] < 0.5 * spend[1.0]
    assert spend[3.0] == spend[1.0]  # a cap above the natural CPA changes nothing
    # The cap binds on the expected CPA; this seed's realised uncapped CPA is ~1.3x that, and the
    # capped twins share its luck, so their realised CPA falls in step with the cap.
    assert cpa[0.4] < 0.6 * natural and cpa[0.6] < 0.9 * natural


# The SDK types bid_constraints as map<string, Object> and warns about an int value.
@pytest.mark.filterwarnings("ignore:value of bid_constraints:UserWarning")
def test_bid_cap_and_min_roas_hold_spend_back(
    tmp_path: Path, image: Path, twins: dict[str, dict[str, Any]]
) -> None:
    free = twins["OFFSITE_CONVERSIONS"]
    natural = float(free["spend"]) / action(free, "purchase")
    capped = {m: float(one(run(tmp_path / f"b{m}", image, adsets=[{
        "bid_strategy": "LOWEST_COST_WITH_BID_CAP", "bid_amount": int(natural * 100 * m)}]))["spend"])
        for m in (0.7, 3.0)}
    assert capped[0.7] < 0.6 * float(free["spend"])
    assert 0.9 * float(free["spend"]) < capped[3.0] <= float(free["spend"])
    value = {"optimization_goal": "VALUE"}
    free_v = twins["VALUE"]
    roas = action(free_v, "purchase", "action_values") / float(free_v["spend"])
    floor = one(run(tmp_path / "roas", image, adsets=[{
        **value, "bid_strategy": "LOWEST_COST_WITH_MIN_ROAS",
        "bid_constraints": {"roas_average_floor": int(roas * 2 * 10_000)}}]))
    assert float(floor["spend"]) < 0.5 * float(free_v["spend"])
    low = one(run(tmp_path / "roas_low", image, adsets=[{
        **value, "bid_strategy": "LOWEST_COST_WITH_MIN_ROAS",
        "bid_constraints": {"roas_average_floor": max(100, int(roas * 0.3 * 10_000))}}]))
    assert low["spend"] == free_v["spend"]  # a floor the ad set clears changes nothing


# -- 2. audiences -------------------------------------------------------------------------

AUDIENCES = {
    "900001": {"name": "Buyers", "subtype": "CUSTOM", "approximate_count_lower_bound": 40000,
               "approximate_count_upper_bound": 50000},
    "900002": {"name": "LAL 1%", "subtype": "LOOKALIKE", "origin_audience_id": "900001",
               "lookalike_spec": {"ratio": 0.01, "country": "US"}},
    "900003": {"name": "LAL 10%", "subtype": "LOOKALIKE", "origin_audience_id": "900001",
               "lookalike_spec": {"ratio": 0.10, "country": "US"}},
    "900004": {"name": "Visitors 30d", "subtype": "WEBSITE",
               "approximate_count_lower_bound": 150000, "approximate_count_upper_bound": 250000},
}


def only(aid: str, **more: Any) -> dict[str, Any]:
    return {"targeting": {**US, "custom_audiences": [{"id": aid}], **more}}


def test_lookalike_1_percent_converts_better_and_costs_less_per_result_than_10(
    tmp_path: Path, image: Path
) -> None:
    rows = {name: one(run(tmp_path / name, image, audiences=AUDIENCES, days=14,
                          adsets=[{**only(aid), "daily_budget": 8000}]))
            for name, aid in (("1%", "900002"), ("10%", "900003"))}
    cvr = {k: action(r, "purchase") / float(r["inline_link_clicks"]) for k, r in rows.items()}
    cpa = {k: float(r["spend"]) / action(r, "purchase") for k, r in rows.items()}
    assert cvr["1%"] > 1.5 * cvr["10%"]
    assert cpa["1%"] < cpa["10%"]
    # The 1% pool is a tenth of the 10% one: fewer people, each seen more often, dearer.
    assert int(rows["1%"]["reach"]) < int(rows["10%"]["reach"])
    assert float(rows["1%"]["frequency"]) > float(rows["10%"]["frequency"])
    assert float(rows["1%"]["cpm"]) > float(rows["10%"]["cpm"])


def test_warm_website_audience_converts_better_and_costs_more_than_broad(
    tmp_path: Path, image: Path, twins: dict[str, dict[str, Any]]
) -> None:
    broad = twins["OFFSITE_CONVERSIONS"]
    warm = one(run(tmp_path / "warm", image, audiences=AUDIENCES, adsets=[only("900004")]))
    def cvr(r: dict[str, Any]) -> float:
        return action(r, "purchase") / float(r["inline_link_clicks"])
    assert cvr(warm) > 1.8 * cvr(broad)
    assert float(warm["cpm"]) > 2 * float(broad["cpm"])
    # 200k people cannot absorb $200 a day: the small pool limits spend and raises frequency.
    assert float(warm["spend"]) < 0.5 * float(broad["spend"])
    assert float(warm["frequency"]) > float(broad["frequency"])


def test_a_small_list_caps_reach_at_its_size_and_saturates(tmp_path: Path, image: Path) -> None:
    small = {"900005": {"name": "VIP list", "subtype": "CUSTOM",
                        "approximate_count_lower_bound": 2500, "approximate_count_upper_bound": 3500}}
    row = one(run(tmp_path / "vip", image, audiences=small, days=14, adsets=[only("900005")]))
    assert 0 < int(row["reach"]) <= 3500
    assert float(row["frequency"]) > 2.5  # the same few people, again and again
    assert float(row["spend"]) < 0.1 * 14 * 200  # a $200/day budget it cannot spend


def test_an_excluded_audience_receives_nothing(tmp_path: Path, image: Path) -> None:
    rows = run(tmp_path / "ex", image, audiences=AUDIENCES, adsets=[
        only("900004", excluded_custom_audiences=[{"id": "900004"}]), only("900004")])
    assert [r["adset_name"] for r in rows] == ["Set 1"]  # Set 0: no impressions, no spend
    assert float(rows[0]["spend"]) > 0


def test_excluding_buyers_from_broad_costs_a_few_conversions() -> None:
    buyers = AUDIENCES["900001"]
    fx = effect({**US, "excluded_custom_audiences": [{"id": "900001"}]}, 120e6,
                lambda aid: buyers)
    assert 0.9 < fx.cvr_mult < 1.0 and 119e6 < fx.audience < 120e6
    assert effect(US, 120e6, lambda aid: None).cvr_mult == 1.0


# -- 4. results by goal --------------------------------------------------------------------


def creative_with(page: str, cta: dict[str, Any]) -> dict[str, Any]:
    return {"object_story_spec": {"page_id": page, "link_data": {
        "link": "https://shop.example.com", "message": "Hello", "call_to_action": cta}}}


FORM = "120219999000000001"


def test_lead_form_ad_sets_report_instant_form_leads(tmp_path: Path, image: Path) -> None:
    page = "102030405060708"
    rows = run(tmp_path / "lead", image, objective="OUTCOME_LEADS", adsets=[{
        "optimization_goal": "LEAD_GENERATION", "destination_type": "ON_AD",
        "promoted_object": {"page_id": page}}],
        creative=creative_with(page, {"type": "SIGN_UP", "value": {"lead_gen_form_id": FORM}}),
        forms={FORM: page})
    row = one(rows)
    leads = action(row, "lead")
    assert leads > 0 and action(row, "onsite_conversion.lead_grouped") == leads
    assert action(row, "purchase") == 0 and not row.get("action_values")
    cost = action(row, "lead", "cost_per_action_type")
    assert cost == pytest.approx(float(row["spend"]) / leads, abs=0.01)  # not halved


def test_conversation_ad_sets_report_conversations_started(tmp_path: Path, image: Path) -> None:
    page = "102030405060708"
    row = one(run(tmp_path / "msg", image, objective="OUTCOME_ENGAGEMENT", adsets=[{
        "optimization_goal": "CONVERSATIONS", "destination_type": "MESSENGER",
        "promoted_object": {"page_id": page}}],
        creative=creative_with(page, {"type": "MESSAGE_PAGE"})))
    assert action(row, "onsite_conversion.messaging_conversation_started_7d") > 0
    assert action(row, "purchase") == 0 and action(row, "lead") == 0


def test_value_optimisation_brings_bigger_baskets(twins: dict[str, dict[str, Any]]) -> None:
    per = {g: action(r, "purchase", "action_values") / action(r, "purchase")
           for g, r in twins.items()}
    assert per["VALUE"] > 1.2 * per["OFFSITE_CONVERSIONS"]


# -- 3. dynamic creative --------------------------------------------------------------------


def dynamic(page: str, hashes: list[str]) -> dict[str, Any]:
    # Meta's dynamic-creative shape: the story names the page, the feed carries the assets.
    return {
        "object_story_spec": {"page_id": page},
        "asset_feed_spec": {
            "images": [{"hash": h} for h in hashes],
            "titles": [{"text": t} for t in ("Run lighter", "Built to last", "Free returns")],
            "bodies": [{"text": b} for b in ("New running shoes", "Our best trainer yet")],
            "link_urls": [{"website_url": "https://shop.example.com"}],
            "call_to_action_types": ["SHOP_NOW"],
            "ad_formats": ["SINGLE_IMAGE"],
        },
    }


def test_dynamic_creative_shifts_delivery_to_the_better_assets(tmp_path: Path, image: Path) -> None:
    def read(acct: AdAccount, start: str) -> dict[str, Any]:
        from datetime import date, timedelta

        day0 = date.fromisoformat(start)
        def span(a: int, b: int) -> dict[str, str]:
            return {"since": (day0 + timedelta(a)).isoformat(),
                    "until": (day0 + timedelta(b)).isoformat()}
        out: dict[str, Any] = {"total": insights(acct, {"level": "ad", "time_range": span(0, 13)})}
        for bd in ("title_asset", "image_asset", "body_asset", "call_to_action_asset"):
            for name, (a, b) in (("first", (0, 1)), ("last", (11, 13)), ("all", (0, 13))):
                out[bd, name] = insights(acct, {"level": "ad", "breakdowns": [bd],
                                                "time_range": span(a, b)})
        return out

    got = run(tmp_path / "dc", image, days=14, adsets=[{"is_dynamic_creative": True}],
              creative=dynamic, read=read)
    total = got["total"][0]
    gains = []
    for bd in ("title_asset", "image_asset", "body_asset"):
        rows = got[bd, "all"]
        assert sum(int(r["impressions"]) for r in rows) == int(total["impressions"])
        assert sum(float(r["spend"]) for r in rows) == pytest.approx(float(total["spend"]), abs=0.02)
        assert sum(action(r, "purchase") for r in rows) == action(total, "purchase")
        first, last = (
            {r[bd]["id"]: int(r["impressions"]) for r in got[bd, name]} for name in ("first", "last"))
        share = {k: {i: n / sum(d.values()) for i, n in d.items()} for k, d in
                 (("first", first), ("last", last))}
        best = max(share["last"], key=share["last"].get)
        gains.append(share["last"][best] - share["first"][best])
        assert gains[-1] > 0, (bd, share)  # the leading asset gains ground
        assert max(share["first"].values()) < 0.7  # the first days explore
    # How far it goes depends on how different the seeded assets are; one dimension clearly wins.
    assert max(gains) > 0.2, gains
    titles = {r["title_asset"]["text"] for r in got["title_asset", "all"]}
    assert titles == {"Run lighter", "Built to last", "Free returns"}
    assert all(set(r["image_asset"]) == {"hash", "id"} for r in got["image_asset", "all"])
    (cta,) = got["call_to_action_asset", "all"]
    assert cta["call_to_action_asset"]["name"] == "SHOP_NOW"


def test_the_best_combination_gains_share_as_impressions_accumulate() -> None:
    feed = {"images": [{"hash": h} for h in "abc"], "titles": [{"text": t} for t in "xyz"],
            "bodies": [{"text": "one"}, {"text": "two"}]}
    combos = combinations(feed, SEED, (0, 0))
    assert len(combos) == 18
    best = max(range(18), key=lambda i: combos[i][1] * combos[i][2])
    path = [shares(combos, cum, "conversion")[best] for cum in (0, 5e3, 2e4, 6e4, 2e5)]
    assert path[0] == pytest.approx(1 / 18)
    assert all(b > a for a, b in zip(path, path[1:], strict=False)) and path[-1] > 0.2
