"""Custom audiences in the sandbox, over HTTP with the real SDK: create, upload, size, refuse."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.customaudience import CustomAudience
from facebook_business.exceptions import FacebookRequestError

from sandbox.scenario import load_scenario
from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api
from tests.sandbox.conftest import adset_params, campaign_params

DAY = 86400
CA_FIELDS = ["name", "subtype", "approximate_count_lower_bound", "approximate_count_upper_bound",
             "delivery_status", "operation_status", "retention_days", "rule", "lookalike_spec",
             "customer_file_source", "time_created"]


def emails(n: int, start: int = 0) -> list[str]:
    return [f"Person.{i}@Example.com " for i in range(start, start + n)]


def sha(values: list[str]) -> list[str]:
    return [hashlib.sha256(v.strip().lower().encode()).hexdigest() for v in values]


def refusal(call: Any) -> dict[str, Any]:
    with pytest.raises(FacebookRequestError) as info:
        call()
    return info.value.body()["error"]


def customer_list(account: AdAccount, name: str = "Buyers") -> CustomAudience:
    ca = account.create_custom_audience(params={
        "name": name, "subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY"})
    return CustomAudience(ca["id"], api=account.get_api())


def website_rule(pixel: str, days: int, *filters: dict[str, Any]) -> str:
    rule: dict[str, Any] = {"event_sources": [{"id": pixel, "type": "pixel"}],
                            "retention_seconds": days * DAY}
    if filters:
        rule["filter"] = {"operator": "and", "filters": list(filters)}
    return json.dumps({"inclusions": {"operator": "or", "rules": [rule]}})


def size(ca_id: str, api: Any) -> tuple[int, int]:
    doc = CustomAudience(ca_id, api=api).api_get(
        fields=["approximate_count_lower_bound", "approximate_count_upper_bound"])
    return doc["approximate_count_lower_bound"], doc["approximate_count_upper_bound"]


@pytest.fixture
def account(sandbox: SandboxServer, fb_api: Any) -> AdAccount:
    return AdAccount(sandbox.account_id, api=fb_api)


@pytest.fixture
def pixel(sandbox: SandboxServer) -> str:
    assert sandbox.store is not None
    return str(sandbox.store.list_objects("adspixel", account_id="1010101010")[0]["id"])


# -- customer lists ---------------------------------------------------------------------------
def test_customer_list_upload_matches_part_of_the_list_and_reports_bounds(
    account: AdAccount, sandbox: SandboxServer
) -> None:
    ca = customer_list(account)
    empty = ca.api_get(fields=CA_FIELDS)
    assert empty["subtype"] == "CUSTOM" and empty["customer_file_source"] == "USER_PROVIDED_ONLY"
    assert empty["delivery_status"]["code"] == 300  # nobody yet: below Meta's floor
    answer = ca.add_users(CustomAudience.Schema.email_hash, emails(1000),
                          session={"session_id": 7, "batch_seq": 1, "last_batch_flag": True,
                                   "estimated_num_total": 1000}).json()
    assert answer == {"audience_id": ca.get_id(), "session_id": "7", "num_received": 1000,
                      "num_invalid_entries": 0, "invalid_entry_samples": {}}
    doc = ca.api_get(fields=CA_FIELDS)
    assert doc["delivery_status"]["code"] == 200
    matched = sandbox.store.get_object(ca.get_id())["_size"]  # type: ignore[union-attr]
    assert 550 <= matched <= 700  # Meta matches part of a list (55-70 % here)
    assert doc["approximate_count_lower_bound"] <= matched <= doc["approximate_count_upper_bound"]
    sessions = list(ca.get_sessions(fields=["session_id", "num_received", "num_matched",
                                            "stage"]))
    assert [(s["session_id"], s["num_received"], s["num_matched"], s["stage"])
            for s in sessions] == [("7", "1000", str(matched), "finished")]
    # the same people again add nobody; removing half of them removes their matches
    ca.add_users(CustomAudience.Schema.email_hash, emails(1000))
    assert sandbox.store.get_object(ca.get_id())["_size"] == matched  # type: ignore[index]
    ca.remove_users(CustomAudience.Schema.email_hash, emails(500))
    left = sandbox.store.get_object(ca.get_id())["_size"]  # type: ignore[index]
    assert 0 < left < matched


def test_multi_key_upload_and_the_same_person_matches_the_same_way(account: AdAccount) -> None:
    one, two = customer_list(account, "A"), customer_list(account, "B")
    rows = [[e, f"+1 555 010 {i:04d}", "US"] for i, e in enumerate(emails(300))]
    for ca in (one, two):
        ca.add_users(["EMAIL", "PHONE", "COUNTRY"], rows, is_raw=True)
    assert size(one.get_id(), account.get_api()) == size(two.get_id(), account.get_api())


def test_upload_refuses_plain_emails_without_echoing_them(account: AdAccount) -> None:
    ca = customer_list(account)
    err = refusal(lambda: ca.add_users(CustomAudience.Schema.email_hash, ["jane@example.com"],
                                       pre_hashed=True))
    assert err["code"] == 100 and "not a SHA-256 hex digest" in err["error_user_msg"]
    assert "jane" not in json.dumps(err)


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        ({"schema": "EMAIL_SHA256", "data": ["0" * 64] * 10_001}, "at most 10000"),
        ({"schema": ["EMAIL", "SHOE_SIZE"], "data": [["", "9"]]}, "unknown keys"),
        ({"schema": ["EMAIL", "PHONE"], "data": [["0" * 64]]}, "every row must match"),
        ({"schema": "EMAIL", "data": ["0" * 64]}, "not a key Meta takes"),
    ],
)
def test_upload_refuses_malformed_payloads(
    account: AdAccount, fb_api: Any, payload: dict[str, Any], says: str
) -> None:
    ca = customer_list(account)
    err = refusal(lambda: fb_api.call("POST", (ca.get_id(), "users"), {"payload": payload}))
    assert err["code"] == 100 and says in err["error_user_msg"]


def test_no_customer_value_or_its_hash_is_stored(account: AdAccount, sandbox: SandboxServer,
                                                 tmp_path: Path) -> None:
    ca = customer_list(account)
    people = emails(200)
    ca.add_users(CustomAudience.Schema.email_hash, people)
    ca.add_users(["EMAIL", "FN"], [[e, "Jane"] for e in people[:50]], is_raw=True)
    assert sandbox.store is not None
    sandbox.store.db.execute("PRAGMA wal_checkpoint(FULL)")
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("sandbox.db*")).lower()
    for value in people[:20]:
        assert value.strip().lower().encode() not in blob
    for digest in sha(people[:20]):
        assert digest.encode() not in blob and digest[:16].encode() not in blob


# -- website and engagement --------------------------------------------------------------------
def test_website_audience_from_the_pixel_grows_with_retention_and_shrinks_with_filters(
    account: AdAccount, pixel: str
) -> None:
    api = account.get_api()

    def make(name: str, rule: str) -> str:
        return str(account.create_custom_audience(params={"name": name, "rule": rule,
                                                          "prefill": True})["id"])

    d30 = make("30d", website_rule(pixel, 30))
    d90 = make("90d", website_rule(pixel, 90))
    buyers = make("buyers", website_rule(pixel, 30, {"field": "event", "operator": "eq",
                                                       "value": "Purchase"}))
    doc = CustomAudience(d30, api=api).api_get(fields=CA_FIELDS)
    assert doc["subtype"] == "WEBSITE" and doc["retention_days"] == 30  # inferred from the rule
    rule = json.loads(doc["rule"])  # Meta returns the rule as JSON text
    assert rule["inclusions"]["rules"][0]["event_sources"] == [{"id": pixel, "type": "pixel"}]
    assert size(d90, api)[0] > size(d30, api)[1]
    days = account.create_custom_audience(params={  # legacy retention_days fills the rule
        "name": "days", "retention_days": 30,
        "rule": json.dumps({"inclusions": {"operator": "or", "rules": [
            {"event_sources": [{"id": pixel, "type": "pixel"}]}]}})})
    assert size(days["id"], api) == size(d30, api)
    err = refusal(lambda: account.create_custom_audience(
        params={"name": "eng?", "subtype": "ENGAGEMENT", "rule": website_rule(pixel, 30)}))
    assert "does not match the rule" in err["error_user_msg"]
    assert size(buyers, api)[1] < size(d30, api)[0] / 10


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("{not json", "not valid JSON"),
        ('{"inclusions": {"operator": "xor", "rules": [{}]}}', "operator must be"),
        ("RULE", "must be a JSON object"),
    ],
)
def test_bad_rules_are_refused(account: AdAccount, rule: str, says: str) -> None:
    err = refusal(lambda: account.create_custom_audience(params={"name": "x", "rule": rule}))
    assert err["code"] == 100 and says in err["error_user_msg"]


def test_website_retention_over_180_days_and_foreign_pixels_are_refused(
    account: AdAccount, pixel: str
) -> None:
    err = refusal(lambda: account.create_custom_audience(
        params={"name": "long", "rule": website_rule(pixel, 181)}))
    assert err["code"] == 100 and "180 days" in err["error_user_msg"]
    err = refusal(lambda: account.create_custom_audience(
        params={"name": "other", "rule": website_rule("999999999", 30)}))
    assert err["code"] == 100 and "not a pixel of this ad account" in err["error_user_msg"]


def test_engagement_audiences_from_page_and_instagram(
    account: AdAccount, sandbox: SandboxServer, fb_api: Any
) -> None:
    assert sandbox.store is not None
    page = sandbox.store.list_objects("page")[0]
    ig = page["instagram_business_account"]["id"]

    def rule(kind: str, sid: str, event: str, days: int) -> str:
        return json.dumps({"inclusions": {"operator": "or", "rules": [{
            "event_sources": [{"id": sid, "type": kind}], "retention_seconds": days * DAY,
            "filter": {"operator": "and",
                       "filters": [{"field": "event", "operator": "eq", "value": event}]}}]}})

    year = account.create_custom_audience(
        params={"name": "Page 365", "rule": rule("page", page["id"], "page_engaged", 365)})
    month = account.create_custom_audience(
        params={"name": "Page 30", "rule": rule("page", page["id"], "page_engaged", 30)})
    insta = account.create_custom_audience(
        params={"name": "IG", "rule": rule("ig_business", ig, "ig_business_profile_all", 90)})
    assert CustomAudience(year["id"], api=fb_api).api_get(fields=["subtype"])["subtype"] == (
        "ENGAGEMENT")
    assert size(year["id"], fb_api)[0] > size(month["id"], fb_api)[1] > 0
    assert size(insta["id"], fb_api)[0] > 0
    err = refusal(lambda: account.create_custom_audience(
        params={"name": "too long", "rule": rule("page", page["id"], "page_engaged", 366)}))
    assert "365 days" in err["error_user_msg"]
    err = refusal(lambda: account.create_custom_audience(
        params={"name": "ig?", "rule": rule("ig_business", "123", "ig_business_profile_all", 9)}))
    assert "not linked to a page" in err["error_user_msg"]


def test_video_viewers_need_subtype_video_and_a_video_of_the_account(
    account: AdAccount, fb_api: Any
) -> None:
    vid = fb_api.call("POST", (account.get_id(), "advideos"), {"name": "clip"},
                      files={"source": ("clip.mp4", BytesIO(b"\x00" * 1000))}).json()["id"]
    rule = json.dumps({"inclusions": {"operator": "or", "rules": [{
        "event_sources": [{"id": vid, "type": "video"}], "retention_seconds": 30 * DAY,
        "filter": {"operator": "and", "filters": [
            {"field": "event", "operator": "eq", "value": "video_completed"}]}}]}})
    err = refusal(lambda: account.create_custom_audience(params={"name": "v", "rule": rule}))
    assert "subtype=VIDEO" in err["error_user_msg"]
    made = account.create_custom_audience(params={"name": "v", "rule": rule, "subtype": "VIDEO"})
    assert CustomAudience(made["id"], api=fb_api).api_get(fields=["subtype"])["subtype"] == (
        "VIDEO")


# -- lookalikes --------------------------------------------------------------------------------
def test_lookalike_size_follows_ratio_and_country(account: AdAccount, sandbox: SandboxServer
                                                  ) -> None:
    seed = customer_list(account)
    seed.add_users(CustomAudience.Schema.email_hash, emails(400))
    api = account.get_api()

    def lal(ratio: float, country: str, start: float | None = None) -> str:
        spec: dict[str, Any] = {"ratio": ratio, "country": country}
        if start is not None:
            spec["starting_ratio"] = start
        return str(account.create_custom_audience(params={
            "name": f"LAL {ratio} {country} {start}", "subtype": "LOOKALIKE",
            "origin_audience_id": seed.get_id(), "lookalike_spec": json.dumps(spec)})["id"])

    us1, us2, ca1 = lal(0.01, "US"), lal(0.02, "US"), lal(0.01, "CA")
    band = lal(0.02, "US", 0.01)
    doc = CustomAudience(us1, api=api).api_get(fields=CA_FIELDS)
    assert doc["subtype"] == "LOOKALIKE"
    assert doc["lookalike_spec"]["ratio"] == 0.01 and doc["lookalike_spec"]["country"] == "US"
    assert doc["lookalike_spec"]["origin"][0]["id"] == seed.get_id()
    lo1, hi1 = size(us1, api)
    assert lo1 <= 2_400_000 <= hi1  # 1% of ~240M reachable US people
    assert sandbox.store is not None
    exact = {oid: sandbox.store.get_object(oid)["_size"]  # type: ignore[index]
             for oid in (us1, us2, ca1)}
    assert exact[us2] == 2 * exact[us1]  # twice the ratio, twice the people
    assert size(ca1, api)[1] < lo1 / 5  # Canada is smaller
    assert size(band, api)[0] >= lo1  # the 1-2 % band: one more percent
    err = refusal(lambda: lal(0.01, "US"))
    assert (err["code"], err["error_subcode"]) == (2654, 1713007)
    seed_doc = seed.api_get(fields=["lookalike_audience_ids"])
    assert set(seed_doc["lookalike_audience_ids"]) == {us1, us2, ca1, band}


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ({"ratio": 0.25, "country": "US"}, "out of range"),
        ({"ratio": 0.005, "country": "US"}, "out of range"),
        ({"ratio": 0.02, "starting_ratio": 0.02, "country": "US"}, "must be below ratio"),
        ({"ratio": 0.01, "country": "XX"}, "not ISO 3166"),
        ({"ratio": 0.01}, "needs a country"),
    ],
)
def test_lookalike_spec_refusals(account: AdAccount, spec: dict[str, Any], says: str) -> None:
    seed = customer_list(account)
    seed.add_users(CustomAudience.Schema.email_hash, emails(300))
    err = refusal(lambda: account.create_custom_audience(params={
        "name": "LAL", "subtype": "LOOKALIKE", "origin_audience_id": seed.get_id(),
        "lookalike_spec": json.dumps(spec)}))
    assert err["code"] == 100 and says in err["error_user_msg"]


def test_small_seed_and_a_seed_of_another_account_are_refused(
    account: AdAccount, fb_api: Any, tmp_path: Path
) -> None:
    tiny = customer_list(account, "Tiny")
    tiny.add_users(CustomAudience.Schema.email_hash, emails(10))
    assert tiny.api_get(fields=["delivery_status"])["delivery_status"]["code"] == 300  # < 20
    small = customer_list(account)
    small.add_users(CustomAudience.Schema.email_hash, emails(60))
    assert small.api_get(fields=["delivery_status"])["delivery_status"]["code"] == 200
    params = {"name": "LAL", "subtype": "LOOKALIKE", "origin_audience_id": small.get_id(),
              "lookalike_spec": json.dumps({"ratio": 0.01, "country": "US"})}
    err = refusal(lambda: account.create_custom_audience(params=params))
    assert err["code"] == 2654 and "Source Audience is Too Small" in err["error_user_msg"]
    data = load_scenario("ecommerce_usd").model_dump(mode="json")
    data["other_accounts"] = [{"id": "act_2020", "name": "Other"}]
    path = tmp_path / "two.json"
    path.write_text(json.dumps(data))
    with SandboxServer(tmp_path / "two.db", scenario=str(path), token=SANDBOX_TOKEN) as sb:
        api = make_api(sb.url)
        seed = customer_list(AdAccount("act_2020", api=api))
        seed.add_users(CustomAudience.Schema.email_hash, emails(400))
        err = refusal(lambda: AdAccount(sb.account_id, api=api).create_custom_audience(
            params={**params, "origin_audience_id": seed.get_id()}))
    assert err["code"] == 100 and "another ad account" in err["error_user_msg"]


# -- create refusals, terms of service -------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY"}, "name is required"),
        ({"name": "x", "subtype": "BUYERS"}, "Param subtype must be one of"),
        ({"name": "x", "subtype": "CUSTOM"}, "customer_file_source is required"),
        ({"name": "x", "subtype": "CUSTOM", "customer_file_source": "FRIENDS"}, "must be one of"),
        ({"name": "x", "subtype": "WEBSITE"}, "rule is required"),
        ({"name": "x", "subtype": "OFFLINE_CONVERSION"}, "not served by this sandbox"),
        ({"name": "x", "event_sources": [{"id": "1", "type": "pixel"}]}, "not served by this"),
        ({"name": "x", "subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY",
          "retention_days": 30}, "retention_days applies to website"),
    ],
)
def test_create_refusals(fb_api: Any, account: AdAccount, params: dict[str, Any], says: str
                         ) -> None:
    # plain calls: the SDK only warns about enum values it does not know
    err = refusal(lambda: fb_api.call("POST", (account.get_id(), "customaudiences"), params))
    assert err["code"] == 100 and says in err["error_user_msg"]


@pytest.fixture
def no_terms(tmp_path: Path) -> Iterator[SandboxServer]:
    data = load_scenario("ecommerce_usd").model_dump(mode="json")
    data["account"]["custom_audience_tos_accepted"] = False
    path = tmp_path / "no_terms.json"
    path.write_text(json.dumps(data))
    with SandboxServer(tmp_path / "nt.db", scenario=str(path), token=SANDBOX_TOKEN) as sb:
        yield sb


def test_terms_not_accepted_refuses_every_kind(no_terms: SandboxServer) -> None:
    api = make_api(no_terms.url)
    account = AdAccount(no_terms.account_id, api=api)
    assert account.api_get(fields=["tos_accepted"]).get("tos_accepted") in (None, {})
    err = refusal(lambda: customer_list(account))
    assert (err["code"], err["error_subcode"]) == (200, 1870034)


# -- read, list, update, delete, batch ------------------------------------------------------------
def test_list_read_rename_retention_and_delete(account: AdAccount, pixel: str) -> None:
    api = account.get_api()
    first = customer_list(account, "Newsletter")
    site = account.create_custom_audience(params={"name": "Site 30",
                                                  "rule": website_rule(pixel, 30)})["id"]
    listed = list(account.get_custom_audiences(fields=["name", "subtype"], params={"limit": 1}))
    assert [c["name"] for c in listed] == ["Site 30", "Newsletter"]  # newest first, paged
    found = list(account.get_custom_audiences(fields=["name"], params={
        "filtering": [{"field": "name", "operator": "CONTAIN", "value": "news"}]}))
    assert [c["id"] for c in found] == [first.get_id()]
    err = refusal(lambda: api.call("GET", (account.get_id(), "customaudiences"),
                                   {"fields": "name,shoe_size"}))
    assert "nonexisting field (shoe_size)" in err["message"]
    before = size(site, api)
    CustomAudience(site, api=api).api_update(params={"name": "Site 90", "retention_days": 90})
    doc = CustomAudience(site, api=api).api_get(fields=CA_FIELDS)
    assert doc["name"] == "Site 90" and doc["retention_days"] == 90
    assert size(site, api)[0] > before[1]
    err = refusal(lambda: CustomAudience(site, api=api).api_update(params={"subtype": "CUSTOM"}))
    assert "cannot be changed" in err["error_user_msg"]
    first.api_delete()
    err = refusal(lambda: first.api_get(fields=["name"]))
    assert (err["code"], err["error_subcode"]) == (100, 33)
    assert [c["id"] for c in account.get_custom_audiences()] == [site]


def test_an_audience_in_an_active_ad_set_cannot_be_deleted(
    account: AdAccount, sandbox: SandboxServer
) -> None:
    ca = customer_list(account)
    assert sandbox.store is not None
    pixel = str(sandbox.store.list_objects("adspixel")[0]["id"])
    campaign = account.create_campaign(params=campaign_params())["id"]
    targeting = {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 44,
                 "excluded_custom_audiences": [{"id": ca.get_id()}]}
    account.create_ad_set(params=adset_params(campaign, pixel, status="ACTIVE",
                                              targeting=targeting))
    err = refusal(lambda: ca.api_delete())
    assert err["code"] == 100 and "used by the active ad set" in err["error_user_msg"]


def test_batch_creates_a_seed_and_validate_only_writes_nothing(
    account: AdAccount, fb_api: Any, sandbox: SandboxServer
) -> None:
    act = account.get_id()
    dry = fb_api.call("POST", (act, "customaudiences"), {
        "name": "dry", "subtype": "CUSTOM", "customer_file_source": "USER_PROVIDED_ONLY",
        "execution_options": ["validate_only"]}).json()
    assert dry == {"success": True}
    body = "name=Seed&subtype=CUSTOM&customer_file_source=USER_PROVIDED_ONLY"
    payload = json.dumps({"schema": "EMAIL_SHA256", "data": sha(emails(10))})
    batch = [
        {"method": "POST", "relative_url": f"v26.0/{act}/customaudiences", "body": body,
         "name": "seed"},
        {"method": "POST", "relative_url": "v26.0/{result=seed:$.id}/users",
         "body": f"payload={payload}"},
    ]
    answers = fb_api.call("POST", ("",), {"batch": batch}).json()
    assert [a["code"] for a in answers] == [200, 200]
    assert json.loads(answers[1]["body"])["num_received"] == 10
    assert sandbox.store is not None
    assert [d["name"] for d in sandbox.store.list_objects("customaudience")] == ["Seed"]


def test_ids_read_shows_audiences_as_their_own_read_does(account: AdAccount, fb_api: Any) -> None:
    kept, gone = customer_list(account, "Kept"), customer_list(account, "Gone")
    gone.api_delete()
    both = fb_api.call("GET", ("",), {"ids": kept.get_id(), "fields": "name,subtype"}).json()
    assert both == {kept.get_id(): {"id": kept.get_id(), "name": "Kept", "subtype": "CUSTOM"}}
    err = refusal(lambda: fb_api.call("GET", ("",), {"ids": gone.get_id(), "fields": "name"}))
    assert (err["code"], err["error_subcode"]) == (100, 33)
