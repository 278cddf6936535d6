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
    assert set(behaviours[0]) == {"id", "name", "type", "path", "description",
                                  "audience_size_lower_bound", "audience_size_upper_bound"}
    for cls in DEMOGRAPHIC_CLASSES:
        rows = search(api, type="adTargetingCategory", **{"class": cls})
        assert rows and {r["type"] for r in rows} == {cls}, cls
    every = search(api, type="adTargetingCategory", **{"class": "demographics"})
    assert {r["type"] for r in every} == set(DEMOGRAPHIC_CLASSES)
    # Meta ignores q for adTargetingCategory: the whole class comes back.
    same = search(api, type="adTargetingCategory", q="parents", **{"class": "demographics"})
    assert [r["id"] for r in same] == [r["id"] for r in every]


def test_interest_and_device_classes(api: FacebookAdsApi) -> None:
    interests = search(api, type="adTargetingCategory", **{"class": "interests"})
    assert {r["type"] for r in interests} == {"interests"} and len(interests) > 50
    running = next(r for r in interests if r["name"] == "Running")
    assert running["id"] == "6003107902433" and running["path"][-1] == "Running"
    sizes = [r["audience_size_upper_bound"] for r in interests]
    assert sizes == sorted(sizes, reverse=True)
    devices = search(api, type="adTargetingCategory", **{"class": "user_device"})
    ipad = next(r for r in devices if r["name"] == "iPad")
    assert ipad == {"name": "iPad", "description": "iPads (all)", "platform": "iOS",
                    "audience_size_lower_bound": 75600000,
                    "audience_size_upper_bound": 89000000, "type": "user_device"}
    assert {r["platform"] for r in devices} == {"iOS", "Android"}
    systems = {r["platform"]: r for r in search(api, type="adTargetingCategory",
                                                **{"class": "user_os"})}
    assert set(systems) == {"iOS", "Android"} and systems["iOS"]["type"] == "user_os"
    assert "14.0" in systems["iOS"]["description"].split(";")


def test_job_titles_employers_schools_majors_and_languages(api: FacebookAdsApi) -> None:
    nurses = search(api, type="adworkposition", q="nurse")
    assert nurses[0]["name"] == "Nurse" and {r["type"] for r in nurses} == {"work_positions"}
    assert nurses[0]["coverage"] == nurses[0]["audience_size_upper_bound"] > 0
    starbucks = search(api, type="adworkemployer", q="starb")
    assert [(r["name"], r["type"]) for r in starbucks] == [("Starbucks", "work_employers")]
    assert starbucks[0]["coverage"] == 413000
    schools = search(api, type=TargetingSearch.TargetingSearchTypes.education, q="ha")
    assert schools[0] == {"id": "105930651606", "name": "Harvard University",
                          "coverage": 8395398, "subtext": "Cambridge, Massachusetts",
                          "type": "education_schools"}
    assert [r["name"] for r in schools] == ["Harvard University", "Hajvery University",
                                            "Harvard-Westlake School"]
    majors = search(api, type=TargetingSearch.TargetingSearchTypes.major, q="ph")
    assert {r["name"]: r["id"] for r in majors} == {
        "Physics": "109279729089828", "Philosophy": "108026662559095",
        "Photography": "108170975877442"}
    english = {r["name"]: r["key"] for r in search(api, type="adlocale", q="english")}
    assert english == {"English (US)": 6, "English (UK)": 24, "English (All)": 1001}
    assert search(api, type="adlocale", q="klingon") == []


def test_interest_suggestions(api: FacebookAdsApi) -> None:
    suggested = search(api, type="adinterestsuggestion", interest_list=["Running"])
    names = [r["name"] for r in suggested]
    assert "Running" not in names and {"Jogging", "Marathon"} <= set(names)
    assert set(suggested[0]) == {"id", "name", "audience_size_lower_bound",
                                 "audience_size_upper_bound", "path", "topic", "description"}
    assert {r["topic"] for r in suggested[:3]} == {"Fitness and wellness"}
    # Same parent category first (Running's siblings), then the rest of the topic, largest first
    siblings = [r for r in suggested if r["path"][:-1] == suggested[0]["path"][:-1]]
    assert suggested[:len(siblings)] == siblings
    sizes = [r["audience_size_upper_bound"] for r in siblings]
    assert sizes == sorted(sizes, reverse=True)


def test_interest_search_and_validation(api: FacebookAdsApi) -> None:
    running = search(api, type="adinterest", q="running")[0]
    assert running["name"] == "Running" and running["id"] == "6003107902433"
    checked = search(api, type="adinterestvalid", interest_list=["running", "Moon boots"])
    assert checked == [
        {"name": "Running", "valid": True, "id": running["id"],
         "audience_size_lower_bound": running["audience_size_lower_bound"],
         "audience_size_upper_bound": running["audience_size_upper_bound"]},
        {"name": "Moon boots", "valid": False}]
    by_id = search(api, type="adinterestvalid", interest_fbid_list=[running["id"], "42"])
    assert [(r["id"], r["valid"]) for r in by_id] == [(running["id"], True), ("42", False)]
    status = search(api, type="targetingoptionstatus",
                    targeting_option_list=[running["id"], "6810275454778", "42"])
    assert [r["current_status"] for r in status] == ["NORMAL", "NORMAL", "UNKNOWN"]


def test_account_targetingsearch_spans_every_detailed_type(
    api: FacebookAdsApi, sandbox_module: SandboxServer
) -> None:
    account = AdAccount(sandbox_module.account_id, api=api)

    def unified(**params: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in account.get_targeting_search(params={"limit": 500, **params})]

    rows = unified(q="travel")
    assert {"interests", "behaviors"} <= {r["type"] for r in rows}
    assert all("travel" in r["name"].lower() for r in rows)
    assert {"id", "name", "type", "path", "audience_size_lower_bound",
            "audience_size_upper_bound"} <= set(rows[0])
    harvard = unified(q="harvard")
    assert {(r["name"], r["type"]) for r in harvard} == {
        ("Harvard University", "education_schools"),
        ("Harvard-Westlake School", "education_schools")}
    only = unified(q="travel", limit_type="behaviors")
    assert only and {r["type"] for r in only} == {"behaviors"}
    assert unified(q="travel", limit_type="moms") == []  # Meta's type; none held
    with pytest.raises(FacebookRequestError) as info:  # not Meta's type (the SDK would warn)
        api.call("GET", (sandbox_module.account_id, "targetingsearch"),
                 {"q": "travel", "limit_type": "hobbies"})
    assert info.value.api_error_code() == 100


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"type": "adkeyword", "q": "x"}, "Unsupported search type"),
        ({"type": "adTargetingCategory", "class": "politics"}, "not served"),
        ({"type": "adinterestsuggestion"}, "interest_list is required"),
        ({"type": "adinterestvalid"}, "interest_list is required"),
        ({"type": "targetingoptionstatus"}, "targeting_option_list is required"),
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
    travellers = next(r for r in search(fb_api, type="adTargetingCategory",
                                        **{"class": "behaviors"})
                      if r["name"] == "Frequent Travelers")
    grad = next(r for r in search(fb_api, type="adTargetingCategory",
                                  **{"class": "education_statuses"})
                if "undergrad" in r["name"].lower())
    nurse = search(fb_api, type="adworkposition", q="nurse")[0]
    english = search(fb_api, type="adlocale", q="english (all)")[0]
    harvard = search(fb_api, type="adeducationschool", q="harvard university")[0]
    made = _adset(sandbox, fb_api, locales=[english["key"]],
                  flexible_spec=[{"behaviors": [{"id": travellers["id"],
                                                 "name": travellers["name"]}],
                                  "education_statuses": [int(grad["id"])],
                                  "education_schools": [{"id": harvard["id"],
                                                         "name": harvard["name"]}]}],
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


def test_search_pages_hold_eight_rows_by_default(api: FacebookAdsApi) -> None:
    body = api.call("GET", ("search",), {"type": "adTargetingCategory",
                                         "class": "interests"}).json()
    assert len(body["data"]) == 8 and "limit=8" in body["paging"]["next"]
    nxt = api.call("GET", ("search",), {"type": "adTargetingCategory", "class": "interests",
                                        "after": body["paging"]["cursors"]["after"]}).json()
    assert len(nxt["data"]) == 8 and not {r["id"] for r in nxt["data"]} & {
        r["id"] for r in body["data"]}
    assert len(search(api, type="adTargetingCategory", **{"class": "interests"})) > 8
