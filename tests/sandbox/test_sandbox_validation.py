"""Table-driven: invalid requests answered with docs/meta-api-facts.md's code and subcode (§14)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from facebook_business.exceptions import FacebookRequestError

from sandbox.server import SandboxServer
from sandbox.testing import make_api
from tests.sandbox.conftest import Tree, adset_params, campaign_params, form, link_creative_params

EU = {"geo_locations": {"countries": ["DE"]}, "age_min": 25, "age_max": 44}


@pytest.fixture(scope="module")
def mtree(
    sandbox_module: SandboxServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tree]:
    yield Tree(sandbox_module, make_api(sandbox_module.url), tmp_path_factory.mktemp("img"))


def act(t: Tree, edge: str) -> tuple[str, ...]:
    return (t.account.get_id(), edge)


def new_campaign(t: Tree, **over: Any) -> str:
    return str(t.api.call("POST", act(t, "campaigns"), campaign_params(**over)).json()["id"])


def new_adset(t: Tree, **over: Any) -> str:
    return str(
        t.api.call(
            "POST", act(t, "adsets"), adset_params(t.campaign_id, t.pixel_id, **over)
        ).json()["id"]
    )


def aset(t: Tree, **over: Any) -> dict[str, Any]:
    return adset_params(t.campaign_id, t.pixel_id, **over)


def targ(**geo: Any) -> dict[str, Any]:
    return {"geo_locations": geo, "age_min": 25, "age_max": 44}


def creative(t: Tree, **link: Any) -> dict[str, Any]:
    p = link_creative_params(t.page_id, t.image_hash)
    p["object_story_spec"]["link_data"].update(link)
    return p


def carousel(t: Tree, n: int) -> dict[str, Any]:
    card = {"link": "https://example.com/a", "image_hash": t.image_hash, "name": "Card"}
    return creative(t, child_attachments=[dict(card) for _ in range(n)])


def archived_campaign(t: Tree) -> str:
    cid = new_campaign(t, name="to archive")
    t.api.call("POST", (cid,), {"status": "ARCHIVED"})
    return cid


def deleted_campaign(t: Tree) -> str:
    cid = new_campaign(t, name="to delete")
    t.api.call("DELETE", (cid,), {})
    return cid


def archived_ad(t: Tree) -> str:
    ad = t.api.call(
        "POST",
        act(t, "ads"),
        {
            "name": "x",
            "adset_id": t.adset_id,
            "creative": {"creative_id": t.creative_id},
            "status": "PAUSED",
        },
    ).json()["id"]
    t.api.call("POST", (ad,), {"status": "ARCHIVED"})
    return str(ad)


def edited_adset(t: Tree) -> str:
    sid = new_adset(t, name="edits")
    for amount in (2100, 2200, 2300, 2400):
        t.api.call("POST", (sid,), {"daily_budget": amount})
    return sid


def processing_video(t: Tree) -> str:
    from io import BytesIO

    return str(
        t.api.call(
            "POST", act(t, "advideos"), {"name": "v"}, files={"source": BytesIO(b"\x00" * 5000)}
        ).json()["id"]
    )


def cbo_campaign(t: Tree) -> str:
    return new_campaign(t, name="cbo", daily_budget=5000)


P = Callable[[Tree], Any]
# (case id, method, path(t), params(t), code, subcode)
CASES: list[tuple[str, str, P, P, int, int | None]] = [
    (
        "campaign-missing-name",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: {**campaign_params(), "name": ""},
        100,
        None,
    ),
    (
        "campaign-missing-objective",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: {k: v for k, v in campaign_params().items() if k != "objective"},
        100,
        None,
    ),
    (
        "campaign-unknown-objective",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(objective="SELL_STUFF"),
        100,
        None,
    ),
    (
        "campaign-legacy-objective",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(objective="CONVERSIONS"),
        100,
        None,
    ),
    (
        "campaign-no-special-categories",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: {k: v for k, v in campaign_params().items() if k != "special_ad_categories"},
        100,
        None,
    ),
    (
        "campaign-bad-special-category",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(special_ad_categories=["PETS"]),
        100,
        None,
    ),
    (
        "campaign-created-archived",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(status="ARCHIVED"),
        100,
        None,
    ),
    (
        "campaign-both-budgets",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(daily_budget=5000, lifetime_budget=50000),
        100,
        None,
    ),
    (
        "campaign-budget-too-low",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(daily_budget=10),
        100,
        1885272,
    ),
    (
        "campaign-spend-cap-too-low",
        "POST",
        lambda t: act(t, "campaigns"),
        lambda t: campaign_params(spend_cap=1000),
        100,
        2446307,
    ),
    (
        "adset-unknown-campaign",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: adset_params("999", t.pixel_id),
        100,
        None,
    ),
    (
        "adset-budget-at-both-levels",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: adset_params(cbo_campaign(t), t.pixel_id),
        100,
        1885621,
    ),
    (
        "adset-no-budget",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: {k: v for k, v in aset(t).items() if k != "daily_budget"},
        100,
        None,
    ),
    (
        "adset-lifetime-without-end",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: {
            **{k: v for k, v in aset(t).items() if k != "daily_budget"},
            "lifetime_budget": 100000,
        },
        100,
        None,
    ),
    (
        "adset-no-geo",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting={"age_min": 25}),
        100,
        None,
    ),
    (
        "adset-age-min-12",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting={"geo_locations": {"countries": ["US"]}, "age_min": 12}),
        100,
        None,
    ),
    (
        "adset-age-max-70",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting={"geo_locations": {"countries": ["US"]}, "age_max": 70}),
        100,
        None,
    ),
    (
        "adset-age-min-over-max",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t, targeting={"geo_locations": {"countries": ["US"]}, "age_min": 50, "age_max": 30}
        ),
        100,
        None,
    ),
    (
        "adset-bad-gender",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting={"geo_locations": {"countries": ["US"]}, "genders": [3]}),
        100,
        None,
    ),
    (
        "adset-travel-in",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting=targ(countries=["US"], location_types=["home", "travel_in"])),
        100,
        1870199,
    ),
    (
        "adset-region-radius",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting=targ(regions=[{"key": "3843", "radius": 10}])),
        100,
        1815946,
    ),
    (
        "adset-city-radius",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t, targeting=targ(cities=[{"key": "2420379", "radius": 5, "distance_unit": "mile"}])
        ),
        100,
        None,
    ),
    (
        "adset-custom-location-radius",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t,
            targeting=targ(
                custom_locations=[
                    {
                        "latitude": 37.4,
                        "longitude": -122.1,
                        "radius": 100,
                        "distance_unit": "kilometer",
                    }
                ]
            ),
        ),
        100,
        None,
    ),
    (
        "adset-unknown-interest",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t,
            targeting={
                **targ(countries=["US"]),
                "flexible_spec": [{"interests": [{"id": "6000000000001", "name": "Nope"}]}],
            },
        ),
        100,
        None,
    ),
    (
        "adset-unknown-country",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting=targ(countries=["XX"])),
        100,
        None,
    ),
    (
        "adset-eu-no-payor",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting=EU),
        100,
        3858079,
    ),
    (
        "adset-eu-no-beneficiary",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting=EU, dsa_payor="Trailhead"),
        100,
        3858081,
    ),
    (
        "adset-eu-minors",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, targeting={**EU, "age_min": 16}, dsa_payor="T", dsa_beneficiary="T"),
        100,
        3858064,
    ),
    (
        "adset-goal-not-for-objective",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, optimization_goal="PAGE_LIKES"),
        100,
        None,
    ),
    (
        "adset-billing-not-for-goal",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, billing_event="LINK_CLICKS"),
        100,
        None,
    ),
    (
        "adset-missing-billing",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: {k: v for k, v in aset(t).items() if k != "billing_event"},
        100,
        None,
    ),
    (
        "adset-bid-cap-no-bid",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, bid_strategy="LOWEST_COST_WITH_BID_CAP"),
        100,
        None,
    ),
    (
        "adset-min-roas-no-floor",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, bid_strategy="LOWEST_COST_WITH_MIN_ROAS", optimization_goal="VALUE"),
        100,
        None,
    ),
    (
        "adset-cost-cap-click-billing",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t,
            bid_strategy="COST_CAP",
            bid_amount=500,
            optimization_goal="LINK_CLICKS",
            billing_event="LINK_CLICKS",
        ),
        100,
        None,
    ),
    (
        "adset-missing-pixel",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, promoted_object={"custom_event_type": "PURCHASE"}),
        100,
        None,
    ),
    (
        "adset-unknown-pixel",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, promoted_object={"pixel_id": "424242", "custom_event_type": "PURCHASE"}),
        100,
        None,
    ),
    (
        "adset-budget-too-low",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, daily_budget=50),
        100,
        1885272,
    ),
    (
        "adset-lifetime-over-cap",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: {
            **{k: v for k, v in aset(t).items() if k != "daily_budget"},
            "lifetime_budget": 10**11,
            "end_time": "2099-01-01T00:00:00-0800",
        },
        100,
        1885261,
    ),
    (
        "adset-daily-under-24h",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t, start_time="2099-01-01T00:00:00-0800", end_time="2099-01-01T12:00:00-0800"
        ),
        100,
        None,
    ),
    (
        "adset-frequency-control-wrong-goal",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(
            t,
            frequency_control_specs=[
                {"event": "IMPRESSIONS", "interval_days": 7, "max_frequency": 2}
            ],
        ),
        100,
        None,
    ),
    (
        "adset-schedule-needs-lifetime",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: aset(t, adset_schedule=[{"start_minute": 0, "end_minute": 600, "days": [1]}]),
        100,
        None,
    ),
    (
        "adset-bad-targeting-json",
        "POST",
        lambda t: act(t, "adsets"),
        lambda t: {**aset(t), "targeting": "{not json"},
        100,
        None,
    ),
    (
        "creative-no-page",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: {
            "name": "x",
            "object_story_spec": {"link_data": {"link": "https://example.com"}},
        },
        100,
        None,
    ),
    (
        "creative-two-data",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: {
            "name": "x",
            "object_story_spec": {
                "page_id": t.page_id,
                "link_data": {"link": "https://e.com"},
                "text_data": {"message": "hi"},
            },
        },
        100,
        None,
    ),
    (
        "creative-no-link",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: creative(t, link=None),
        100,
        None,
    ),
    (
        "creative-bad-link",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: creative(t, link="ftp://example.com"),
        100,
        2446383,
    ),
    (
        "creative-unknown-image",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: creative(t, image_hash="deadbeef"),
        100,
        None,
    ),
    (
        "creative-carousel-one-card",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: carousel(t, 1),
        100,
        None,
    ),
    (
        "creative-carousel-eleven-cards",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: carousel(t, 11),
        100,
        None,
    ),
    (
        "creative-bad-cta",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: creative(t, call_to_action={"type": "BUY_IT_NOW_PLEASE"}),
        100,
        1373054,
    ),
    (
        "creative-video-not-ready",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: {
            "name": "v",
            "object_story_spec": {
                "page_id": t.page_id,
                "video_data": {"video_id": processing_video(t), "image_hash": t.image_hash},
            },
        },
        100,
        None,
    ),
    (
        "creative-name-too-long",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: creative(t) | {"name": "x" * 101},
        100,
        None,
    ),
    (
        "creative-dof-no-enroll",
        "POST",
        lambda t: act(t, "adcreatives"),
        lambda t: (
            creative(t)
            | {"degrees_of_freedom_spec": {"creative_features_spec": {"standard_enhancements": {}}}}
        ),
        100,
        3858082,
    ),
    (
        "ad-no-creative",
        "POST",
        lambda t: act(t, "ads"),
        lambda t: {"name": "a", "adset_id": t.adset_id},
        100,
        None,
    ),
    (
        "ad-unknown-creative",
        "POST",
        lambda t: act(t, "ads"),
        lambda t: {"name": "a", "adset_id": t.adset_id, "creative": {"creative_id": "123"}},
        100,
        None,
    ),
    (
        "ad-unknown-adset",
        "POST",
        lambda t: act(t, "ads"),
        lambda t: {"name": "a", "adset_id": "123", "creative": {"creative_id": t.creative_id}},
        100,
        None,
    ),
    (
        "update-unarchive",
        "POST",
        lambda t: (archived_campaign(t),),
        lambda t: {"status": "ACTIVE"},
        100,
        None,
    ),
    (
        "update-undelete",
        "POST",
        lambda t: (deleted_campaign(t),),
        lambda t: {"status": "PAUSED"},
        100,
        None,
    ),
    (
        "update-archived-ad-creative",
        "POST",
        lambda t: (archived_ad(t),),
        lambda t: {"creative": {"creative_id": t.creative_id}},
        100,
        1885088,
    ),
    (
        "update-creative-immutable",
        "POST",
        lambda t: (t.creative_id,),
        lambda t: {"object_story_spec": creative(t)["object_story_spec"]},
        100,
        None,
    ),
    (
        "update-pause-creative",  # a creative has no PAUSED (facts §4.1): pause its ads
        "POST",
        lambda t: (t.creative_id,),
        lambda t: {"status": "PAUSED"},
        100,
        None,
    ),
    (
        "update-budget-too-often",
        "POST",
        lambda t: (edited_adset(t),),
        lambda t: {"daily_budget": 2500},
        613,
        1487632,
    ),
    (
        "update-adset-move-campaign",
        "POST",
        lambda t: (t.adset_id,),
        lambda t: {"campaign_id": new_campaign(t)},
        100,
        None,
    ),
    (
        "update-objective-with-adsets",
        "POST",
        lambda t: (t.campaign_id,),
        lambda t: {"objective": "OUTCOME_TRAFFIC"},
        100,
        None,
    ),
    (
        "update-campaign-budget-over-adsets",
        "POST",
        lambda t: (t.campaign_id,),
        lambda t: {"daily_budget": 5000},
        100,
        1885621,
    ),
    (
        "read-unknown-field",
        "GET",
        lambda t: (t.campaign_id,),
        lambda t: {"fields": "name,colour"},
        100,
        None,
    ),
    ("read-missing-object", "GET", lambda t: ("987654321",), lambda t: {"fields": "name"}, 100, 33),
    ("read-unknown-path", "GET", lambda t: ("search", "more", "stuff"), lambda t: {}, 2500, None),
    (
        "list-deleted-filter",
        "GET",
        lambda t: act(t, "campaigns"),
        lambda t: {"effective_status": ["DELETED"]},
        100,
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "method", "path", "params", "code", "subcode"), CASES, ids=[c[0] for c in CASES]
)
def test_invalid_request(
    mtree: Tree, case: str, method: str, path: P, params: P, code: int, subcode: int | None
) -> None:
    p, prm = path(mtree), copy.deepcopy(params(mtree))
    writes = mtree.sandbox.admin("GET", "/__sandbox__/stats")["writes"]
    with pytest.raises(FacebookRequestError) as err:
        mtree.api.call(method, p, prm)
    e = err.value
    assert (e.api_error_code(), e.api_error_subcode()) == (code, subcode), e.body()
    body = e.body()["error"]
    assert body["fbtrace_id"] and body["type"]
    if code == 100 and subcode != 33 and not case.startswith("read-"):
        assert body.get("error_user_msg"), case
    assert mtree.sandbox.admin("GET", "/__sandbox__/stats")["writes"] == writes  # nothing written


def test_at_least_thirty_distinct_cases() -> None:
    assert len({c[0] for c in CASES}) >= 30
    assert len({(c[4], c[5]) for c in CASES}) >= 12


def test_blame_field_specs_reach_the_sdk(mtree: Tree) -> None:
    with pytest.raises(FacebookRequestError) as err:
        mtree.api.call("POST", act(mtree, "adsets"), aset(mtree, daily_budget=50))
    assert err.value.api_blame_field_specs() == [["daily_budget"]]
    assert "minimum" in err.value.body()["error"]["error_user_msg"]
    assert err.value.body()["error"]["error_user_title"] == "Budget Too Low"


def test_valid_variants_are_accepted(mtree: Tree) -> None:
    t = mtree
    eu = t.api.call(
        "POST",
        act(t, "adsets"),
        aset(
            t,
            targeting={**EU, "flexible_spec": [{"interests": [{"id": "6003107902433"}]}]},
            dsa_payor="T",
            dsa_beneficiary="T",
        ),
    ).json()
    assert eu["id"]
    city = aset(
        t,
        targeting=targ(
            cities=[{"key": "2420379", "radius": 20, "distance_unit": "mile"}],
            location_types=["home"],
        ),
    )
    assert t.api.call("POST", act(t, "adsets"), city).json()["id"]
    car = t.api.call("POST", act(t, "adcreatives"), carousel(t, 3)).json()
    assert car["id"]
    lifetime = {
        **{k: v for k, v in aset(t).items() if k != "daily_budget"},
        "lifetime_budget": 100000,
        "end_time": "2099-01-10T00:00:00-0800",
        "start_time": "2099-01-01T00:00:00-0800",
    }
    assert t.api.call("POST", act(t, "adsets"), lifetime).json()["id"]
    inline = {
        "name": "inline",
        "adset_id": t.adset_id,
        "creative": creative(t, name="Inline headline"),
        "status": "PAUSED",
    }
    ad = t.api.call("POST", act(t, "ads"), inline).json()
    got = t.api.call("GET", (ad["id"],), {"fields": "creative"}).json()
    assert got["creative"]["id"] not in ("", t.creative_id)


def test_unknown_field_message_names_node_type(mtree: Tree) -> None:
    with pytest.raises(FacebookRequestError) as err:
        mtree.api.call("GET", (mtree.campaign_id,), {"fields": "colour"})
    assert (
        err.value.api_error_message()
        == "(#100) Tried accessing nonexisting field (colour) on node type (Campaign)"
    )


def _unused(_: Path) -> None:  # keep Path import meaningful for type checkers
    return None


def test_lifetime_budget_cannot_drop_below_spent_plus_ten_percent(mtree: Tree) -> None:
    t = mtree
    params = {
        **{k: v for k, v in aset(t, name="lifetime").items() if k != "daily_budget"},
        "lifetime_budget": 100000,
        "end_time": "2099-01-10T00:00:00-0800",
        "start_time": "2099-01-01T00:00:00-0800",
    }
    sid = t.api.call("POST", act(t, "adsets"), params).json()["id"]
    assert t.sandbox.store is not None
    t.sandbox.store.update_object(
        sid, {"budget_remaining": "40000"}
    )  # 60,000 spent (as delivery books it)
    with pytest.raises(FacebookRequestError) as err:
        t.api.call("POST", (sid,), {"lifetime_budget": 65000})
    assert err.value.api_error_code() == 100 and err.value.api_blame_field_specs() == [
        ["lifetime_budget"]
    ]
    ok = t.api.call("POST", (sid,), {"lifetime_budget": 70000, "fields": "budget_remaining"}).json()
    assert ok["budget_remaining"] == "10000"


def test_fifty_ads_per_ad_set(mtree: Tree) -> None:
    t = mtree
    sid = new_adset(t, name="full")
    body = {
        "name": "n",
        "adset_id": sid,
        "creative": {"creative_id": t.creative_id},
        "status": "PAUSED",
    }
    items = [
        {"method": "POST", "relative_url": f"{t.account.get_id()}/ads", "body": form(body)}
        for _ in range(50)
    ]
    out = t.api.call("POST", (), {"batch": json.dumps(items)}).json()
    assert all(r["code"] == 200 for r in out)
    with pytest.raises(FacebookRequestError) as err:
        t.api.call("POST", act(t, "ads"), body)
    assert "50 ads" in err.value.body()["error"]["error_user_msg"]
