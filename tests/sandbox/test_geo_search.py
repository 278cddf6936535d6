"""Place search and Meta's real geo keys, over HTTP with the SDK (`type=adgeolocation` and friends)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.targetingsearch import TargetingSearch
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from sandbox.catalog import DATA
from sandbox.server import SandboxServer
from sandbox.testing import make_api
from tests.sandbox.conftest import adset_params, campaign_params

CITY_FIELDS = {"key", "name", "type", "country_code", "country_name", "region", "region_id",
               "supports_region", "supports_city"}


@pytest.fixture
def api(sandbox_module: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> FacebookAdsApi:
    # TargetingSearch.search builds its URL from the class attribute, not the session's
    monkeypatch.setattr(FacebookSession, "GRAPH", sandbox_module.url)
    return make_api(sandbox_module.url)


def places(api: FacebookAdsApi, q: str = "", *types: str, **params: Any) -> list[dict[str, Any]]:
    if types:
        params["location_types"] = list(types)
    return [dict(r) for r in TargetingSearch.search(
        params={"type": "adgeolocation", "q": q, "limit": 500, **params}, api=api)]


def test_new_york_has_metas_keys(api: FacebookAdsApi) -> None:
    rows = places(api, "New York")
    region, city = rows[0], next(r for r in rows if r["type"] == "city")
    assert region == {"key": "3875", "name": "New York", "type": "region", "country_code": "US",
                      "country_name": "United States", "supports_region": True,
                      "supports_city": True}
    assert set(city) == CITY_FIELDS
    assert (city["key"], city["region"], city["region_id"]) == ("2490299", "New York", 3875)
    assert isinstance(city["region_id"], int)  # Meta sends region ids as numbers


@pytest.mark.parametrize(
    ("q", "country", "key", "region_id"),
    [
        ("Los Angeles", "US", "2420379", 3847),
        ("San Francisco", "US", "2421836", 3847),
        ("Chicago", "US", "2438177", 3856),
        ("Houston", "US", "2527622", 3886),
        ("London", "GB", "812057", 4079),
        ("Birmingham", "GB", "803904", 4079),
        ("Paris", "FR", "777934", 1078),
        ("Berlin", "DE", "542609", 840),
        ("Munich", "DE", "579270", 826),
        ("Mexico City", "MX", "2673660", 2513),
    ],
)
def test_major_cities_carry_metas_keys(api: FacebookAdsApi, q: str, country: str, key: str,
                                       region_id: int) -> None:
    rows = places(api, q, "city", country_code=country)
    assert (rows[0]["key"], rows[0]["region_id"]) == (key, region_id)


def test_regions_and_countries(api: FacebookAdsApi) -> None:
    keys = {r["name"]: r["key"] for r in places(api, "", "region", country_code="GB")}
    assert keys["England"] == "4079" and keys["Scotland"] == "4081"
    assert places(api, "Alberta", "region")[0]["key"] == "527"
    assert places(api, "California", "region")[0]["key"] == "3847"
    # A region Meta's sources did not show keeps a sandbox-only key Meta never issues.
    ontario = places(api, "Ontario", "region")[0]
    assert int(ontario["key"]) >= 9_100_000_000
    assert places(api, "us", "country", match_country_code=True) == [
        {"key": "US", "name": "United States", "type": "country", "country_code": "US",
         "supports_region": True, "supports_city": True}]
    assert [r["key"] for r in places(api, "ger", "country")][:1] == ["DE"]
    legacy = [dict(r) for r in TargetingSearch.search(
        params={"type": TargetingSearch.TargetingSearchTypes.country, "q": "germ"}, api=api)]
    assert [r["key"] for r in legacy] == ["DE"]


def test_zips_markets_and_filters(api: FacebookAdsApi) -> None:
    assert places(api, "10001", "zip") == [{
        "key": "US:10001", "name": "10001", "type": "zip", "country_code": "US",
        "country_name": "United States", "region": "New York", "region_id": 3875,
        "primary_city": "New York", "primary_city_id": 2490299, "supports_region": True,
        "supports_city": True}]
    la = places(api, "9002", "zip")
    assert [(r["key"], r["primary_city_id"]) for r in la] == [("US:90028", 2420379)]
    markets = places(api, "new", "geo_market")
    assert {"DMA:501", "COMSCORE_MARKET:2001"} <= {r["key"] for r in markets}
    assert {r["type"] for r in markets} == {"geo_market"}
    california = places(api, "", "city", region_id=3847)
    assert california and {r["region_id"] for r in california} == {3847}
    assert {"Los Angeles", "San Francisco"} <= {r["name"] for r in california}
    # Meta's location types the catalogue holds none of: an empty answer, not an error
    assert places(api, "new", "electoral_district", "country_group") == []
    with pytest.raises(FacebookRequestError) as info:
        places(api, "x", "planet")
    assert info.value.api_error_code() == 100
    assert "location_types" in info.value.body()["error"]["error_user_msg"]


def test_geolocation_meta_answers_by_key(api: FacebookAdsApi) -> None:
    body = api.call("GET", ("search",), {
        "type": "adgeolocationmeta", "countries": ["US", "JP"], "regions": [3847],
        "cities": [2490299, 777934, 424242], "zips": ["US:10001"]}).json()["data"]
    assert set(body) == {"countries", "regions", "cities", "zips"}
    assert set(body["countries"]) == {"US", "JP"} and body["regions"]["3847"]["name"] == "California"
    assert set(body["cities"]) == {"2490299", "777934"}  # 424242 is no place
    assert body["cities"]["777934"]["region_id"] == 1078
    assert body["zips"]["US:10001"]["primary_city_id"] == 2490299
    rows = TargetingSearch.search(params={"type": "adgeolocationmeta", "cities": [2490299]},
                                  api=api)  # the SDK keeps the non-empty tables, by key
    assert [dict(r)["2490299"]["name"] for r in rows] == ["New York"]


def _adset(sandbox: SandboxServer, api: FacebookAdsApi, geo: dict[str, Any]) -> str:
    assert sandbox.store is not None
    pixel = str(sandbox.store.list_objects("adspixel")[0]["id"])
    account = AdAccount(sandbox.account_id, api=api)
    campaign = account.create_campaign(params=campaign_params())["id"]
    spec = {"geo_locations": geo, "age_min": 25, "age_max": 44}
    return str(account.create_ad_set(params=adset_params(campaign, pixel, targeting=spec))["id"])


def test_a_pasted_real_key_targets_that_place(sandbox: SandboxServer,
                                              fb_api: FacebookAdsApi) -> None:
    new_york = {"key": "2490299", "radius": 10, "distance_unit": "mile"}
    made = _adset(sandbox, fb_api, {"cities": [new_york], "regions": [{"key": "4079"}]})
    back = AdSet(made, api=fb_api).api_get(fields=["targeting"])["targeting"]
    assert back["geo_locations"]["cities"][0]["key"] == "2490299"
    # The old stand-in for New York named some other place: it is no key here any more.
    with pytest.raises(FacebookRequestError) as info:
        _adset(sandbox, fb_api, {"cities": [{"key": "2421686"}]})
    err = info.value.body()["error"]
    assert err["code"] == 100 and "'2421686' is not a known location" in err["error_user_msg"]


def test_catalogue_keys_are_metas_or_out_of_its_range() -> None:
    geo = json.loads((DATA / "geo.json").read_text(encoding="utf-8"))
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    rows = geo["regions"] + geo["cities"]
    assert len({r["key"] for r in rows}) == len(rows)
    for row in rows:
        key = int(row["key"])
        if row["key_source"] == "sandbox":
            assert key >= 9_100_000_000, row
        else:
            assert key < 9_000_000 and f"`{row['key_source']}`" in readme, row
    real = [r["name"] for r in geo["cities"] if r["key_source"] != "sandbox"]
    assert {"New York", "Los Angeles", "London", "Paris", "Berlin"} <= set(real)
