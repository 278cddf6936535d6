"""Detailed-targeting search in the sandbox, with the SDK's TargetingSearch over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.targetingsearch import TargetingSearch
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from sandbox.server import SandboxServer
from sandbox.targeting_search import DEMOGRAPHIC_CLASSES
from sandbox.testing import make_api
from tests.sandbox.conftest import adset_params, campaign_params


@pytest.fixture
def api(sandbox_module: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> FacebookAdsApi:
    # TargetingSearch.search builds its URL from the class attribute, not the session's
    monkeypatch.setattr(FacebookSession, "GRAPH", sandbox_module.url)
    return make_api(sandbox_module.url)


def search(api: FacebookAdsApi, **params: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in TargetingSearch.search(params={"limit": 500, **params}, api=api)]


def test_behaviours_and_each_demographic_class(api: FacebookAdsApi) -> None:
    behaviours = search(api, type=TargetingSearch.TargetingSearchTypes.targeting_category,
                        **{"class": "behaviors"})
    assert behaviours and {r["type"] for r in behaviours} == {"behaviors"}
    assert all(r["audience_size_lower_bound"] <= r["audience_size_upper_bound"]
               for r in behaviours)
    for cls in DEMOGRAPHIC_CLASSES:
        rows = search(api, type="adTargetingCategory", **{"class": cls})
        assert rows and {r["type"] for r in rows} == {cls}, cls
    every = search(api, type="adTargetingCategory", **{"class": "demographics"})
    assert {r["type"] for r in every} == set(DEMOGRAPHIC_CLASSES)
    parents = search(api, type="adTargetingCategory", q="parents", **{"class": "demographics"})
    assert parents and all("parents" in r["name"].lower() for r in parents)


def test_job_titles_employers_and_languages(api: FacebookAdsApi) -> None:
    nurses = search(api, type="adworkposition", q="nurse")
    assert nurses[0]["name"] == "Nurse" and {r["type"] for r in nurses} == {"work_positions"}
    assert [r["name"] for r in search(api, type="adworkemployer", q="starb")] == ["Starbucks"]
    english = {r["name"]: r["key"] for r in search(api, type="adlocale", q="english")}
    assert english == {"English (US)": 6, "English (UK)": 24, "English (All)": 1001}
    assert search(api, type="adlocale", q="klingon") == []


def test_interest_suggestions_and_interest_search_still_work(api: FacebookAdsApi) -> None:
    suggested = search(api, type="adinterestsuggestion", interest_list=["Running"])
    names = [r["name"] for r in suggested]
    assert "Running" not in names and names
    assert {r["topic"] for r in suggested[:3]} == {"Fitness and wellness"}
    assert search(api, type="adinterest", q="running")[0]["name"] == "Running"
    checked = search(api, type="adinterestvalid", interest_list=["running", "Moon boots"])
    assert [(r["name"], r["valid"]) for r in checked] == [("Running", True), ("Moon boots", False)]
    assert checked[0]["id"] == search(api, type="adinterest", q="running")[0]["id"]
    assert search(api, type="adgeolocation", q="berlin")[0]["name"] == "Berlin"


def test_account_targetingsearch_spans_interests_behaviours_and_demographics(
    api: FacebookAdsApi, sandbox_module: SandboxServer
) -> None:
    rows = [dict(r) for r in AdAccount(sandbox_module.account_id, api=api).get_targeting_search(
        params={"q": "travel", "limit": 500})]
    kinds = {r["type"] for r in rows}
    assert {"interests", "behaviors"} <= kinds


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"type": "adkeyword", "q": "x"}, "Unsupported search type"),
        ({"type": "adTargetingCategory", "class": "politics"}, "not served"),
        ({"type": "adinterestsuggestion"}, "interest_list is required"),
    ],
)
def test_unsupported_searches_are_refused(
    api: FacebookAdsApi, params: dict[str, Any], says: str
) -> None:
    with pytest.raises(FacebookRequestError) as info:
        api.call("GET", ("search",), params)
    err = info.value.body()["error"]
    assert err["code"] == 100 and says in err["error_user_msg"]


# -- the ids search returns are the ids an ad set's targeting takes ----------------------------
def _adset(sandbox: SandboxServer, api: FacebookAdsApi, **targeting: Any) -> Any:
    assert sandbox.store is not None
    pixel = str(sandbox.store.list_objects("adspixel")[0]["id"])
    account = AdAccount(sandbox.account_id, api=api)
    campaign = account.create_campaign(params=campaign_params())["id"]
    spec = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 44, **targeting}
    return account.create_ad_set(params=adset_params(campaign, pixel, targeting=spec))


def test_detailed_targeting_from_search_is_accepted(
    sandbox: SandboxServer, fb_api: FacebookAdsApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FacebookSession, "GRAPH", sandbox.url)
    travellers = search(fb_api, type="adTargetingCategory", q="frequent trav",
                        **{"class": "behaviors"})[0]
    grad = search(fb_api, type="adTargetingCategory", q="undergrad",
                  **{"class": "education_statuses"})[0]
    nurse = search(fb_api, type="adworkposition", q="nurse")[0]
    english = search(fb_api, type="adlocale", q="english (all)")[0]
    made = _adset(sandbox, fb_api, locales=[english["key"]],
                  flexible_spec=[{"behaviors": [{"id": travellers["id"],
                                                 "name": travellers["name"]}],
                                  "education_statuses": [int(grad["id"])]}],
                  exclusions={"work_positions": [{"id": nurse["id"], "name": nurse["name"]}]})
    assert made["id"]


@pytest.mark.parametrize(
    ("targeting", "says"),
    [
        ({"flexible_spec": [{"behaviors": [{"id": "123", "name": "Made up"}]}]},
         "class=behaviors"),
        ({"flexible_spec": [{"education_statuses": ["Undergrad"]}]}, "whole numbers"),
        ({"flexible_spec": [{"hobbies": [{"id": "1"}]}]}, "keys Meta does not take"),
        ({"exclusions": {"work_employers": [{"id": "42"}]}}, "adworkemployer"),
        ({"locales": [424242]}, "type=adlocale"),
    ],
)
def test_detailed_targeting_refusals(
    sandbox: SandboxServer, fb_api: FacebookAdsApi, targeting: dict[str, Any], says: str
) -> None:
    with pytest.raises(FacebookRequestError) as info:
        _adset(sandbox, fb_api, **targeting)
    err = info.value.body()["error"]
    assert err["code"] == 100 and says in err["error_user_msg"]
