"""`/act_<id>/recommendations`, the account's `opportunity_score`, and `/ads_archive`, over HTTP.

Recommendations come from the account's state after nine delivered days: two small ad sets
of one campaign chasing the same purchases (learning limited: consolidate), one learning
limited alone, small budgets their audiences would outspend (budget limited), a big budget
on a tiny audience (not budget limited), and ad sets without Advantage+ audience.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError

from sandbox.recommendations import POINTS
from sandbox.server import SandboxServer
from tests.sandbox.conftest import adset_params, campaign_params, link_creative_params, png_bytes


@pytest.fixture
def account(sandbox: SandboxServer, fb_api: FacebookAdsApi, tmp_path: Path) -> dict[str, Any]:
    """Four delivering ad sets in three campaigns, before any day is delivered."""
    assert sandbox.store is not None
    acct = AdAccount(sandbox.account_id, api=fb_api)
    page = str(sandbox.store.list_objects("page")[0]["id"])
    pixel = str(sandbox.store.list_objects("adspixel")[0]["id"])
    start = str(sandbox.admin("GET", "/__sandbox__/clock")["now"])[:10]
    (tmp_path / "i.png").write_bytes(png_bytes())
    image = acct.create_ad_image(params={"filename": str(tmp_path / "i.png")})["hash"]
    creative = acct.create_ad_creative(params=link_creative_params(page, image))["id"]

    def adset(campaign: str, name: str, budget: int, advantage: int,
              where: str = "US", ages: tuple[int, int] = (18, 65)) -> str:
        sid: str = acct.create_ad_set(params=adset_params(
            campaign, pixel, name=name, daily_budget=budget, status="ACTIVE", start_time=start,
            targeting={"geo_locations": {"countries": [where]}, "age_min": ages[0],
                       "age_max": ages[1],
                       "targeting_automation": {"advantage_audience": advantage}}))["id"]
        acct.create_ad(params={"name": name, "adset_id": sid, "status": "ACTIVE",
                               "creative": {"creative_id": creative}})
        return sid

    def campaign(name: str) -> str:
        cid: str = acct.create_campaign(params=campaign_params(name=name, status="ACTIVE"))["id"]
        return cid

    capped, split, solo = campaign("Capped"), campaign("Split"), campaign("Solo")
    return {
        "acct": acct, "api": fb_api, "sb": sandbox,
        "capped": adset(capped, "Seniors", 40000, 0, "CA", (64, 65)),
        "split": [adset(split, "Split 1", 500, 0), adset(split, "Split 2", 500, 0)],
        "solo": adset(solo, "Solo", 5000, 1),
    }


def recs(acct: AdAccount, **params: Any) -> list[dict[str, Any]]:
    rows = [r.export_all_data() for r in acct.get_recommendations(params=params)]
    assert len(rows) == 1
    got: list[dict[str, Any]] = rows[0]["recommendations"]
    return got


def test_recommendations_follow_the_accounts_state(account: dict[str, Any]) -> None:
    acct, sb = account["acct"], account["sb"]
    assert recs(acct) == []  # nothing delivers yet: every ad is still in review
    assert acct.api_get(fields=["opportunity_score"])["opportunity_score"] == 100.0
    sb.admin("POST", "/__sandbox__/clock/advance", {"days": 9})

    got = recs(acct)
    split, solo, capped = account["split"], account["solo"], account["capped"]
    assert [(r["type"], r["object_ids"]) for r in got] == [
        ("FRAGMENTATION_V3", split),
        ("LEARNING_LIMITED", [solo]),
        ("BUDGET_LIMITED", [split[0]]),
        ("BUDGET_LIMITED", [split[1]]),
        ("BUDGET_LIMITED", [solo]),
        ("ADVANTAGE_PLUS_AUDIENCE", [capped, *split]),
    ]  # the seniors' budget outruns their audience: not budget limited
    first = got[0]
    assert first["recommendation_signature"].isdigit()
    assert first["recommendation_content"]["opportunity_score_lift"] == "12"
    assert "Split 1, Split 2 are learning limited" in first["recommendation_content"]["body"]
    assert first["url"].startswith("https://adsmanager.facebook.com/adsmanager/manage/adsets?")
    budget = got[4]["recommendation_content"]["body"]
    assert budget.startswith("Ad set Solo spent ") and "of 150.00 USD" in budget
    for ad_set in [*split, solo]:
        info = account["api"].call("GET", (ad_set,), {"fields": "learning_stage_info"}).json()
        assert info["learning_stage_info"]["status"] == "FAIL"

    score = acct.api_get(fields=["opportunity_score"])["opportunity_score"]
    assert score == 100 - sum(POINTS[r["type"]] for r in got) == 57.0
    assert recs(acct) == got  # same state, same recommendations and signatures

    only = recs(acct, recommendation_names=["BUDGET_LIMITED"])
    assert [r["object_ids"] for r in only] == [[split[0]], [split[1]], [solo]]
    assert recs(acct, recommendation_stages=["PFR"]) == []


def test_a_name_outside_metas_enum_is_refused(account: dict[str, Any]) -> None:
    with pytest.raises(FacebookRequestError) as err:
        account["api"].call("GET", (account["acct"].get_id(), "recommendations"),
                            {"recommendation_names": '["CONSOLIDATE"]'})
    body = err.value.body()["error"]
    assert body["code"] == 100 and "'CONSOLIDATE' is not one" in body["error_user_msg"]


def test_the_ad_library_answers_as_for_an_app_without_its_access(
    sandbox: SandboxServer, fb_api: FacebookAdsApi
) -> None:
    with pytest.raises(FacebookRequestError) as err:
        fb_api.call("GET", ("ads_archive",), {"search_terms": "shoes", "ad_type": "ALL",
                                              "ad_reached_countries": '["US"]'})
    body = err.value.body()["error"]
    assert {k: body[k] for k in ("message", "type", "code", "error_subcode", "is_transient",
                                 "error_user_title", "error_user_msg")} == {
        "message": "Application does not have permission for this action",
        "type": "OAuthException", "code": 10, "error_subcode": 2332002, "is_transient": False,
        "error_user_title": "Authorization and login needed",
        "error_user_msg": "To access the API, you'll need to follow the steps at "
                          "facebook.com/ads/library/api.",
    }
    assert body["fbtrace_id"]
