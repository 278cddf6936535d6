"""`paging.next` / `paging.previous` are URLs a plain HTTP client can fetch as they are.

Like Meta's, they carry the request's access token (and `appsecret_proof` when it had one) and
its other parameters, so `requests.get(next)` — no SDK, no added params or headers — walks a
list edge or an insights listing to its end.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount

from sandbox.fixtures import build_tree
from sandbox.server import SandboxServer
from sandbox.testing import make_api
from tests.conftest import SANDBOX_TOKEN
from tests.sandbox.conftest import campaign_params

RANGE = '{"since":"2026-03-02","until":"2026-03-11"}'


def walk(first: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page from `first` on, fetching each `next` URL literally."""
    pages = [first]
    while "next" in pages[-1]["paging"]:
        resp = requests.get(pages[-1]["paging"]["next"], timeout=30)
        assert resp.status_code == 200, resp.text
        pages.append(resp.json())
        assert len(pages) < 100
    return pages


def delivered(sb: SandboxServer) -> None:
    """1 campaign x 3 ad sets x 3 ads, built in the store (delivery follows the clock)."""
    assert sb.store is not None
    build_tree(sb.store)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def make_campaigns(sb: SandboxServer, n: int) -> list[str]:
    acct = AdAccount(sb.account_id, api=make_api(sb.url))
    return [acct.create_campaign(params=campaign_params(name=f"C{i}"))["id"] for i in range(n)]


def test_following_next_literally_walks_a_list_edge(sandbox: SandboxServer) -> None:
    ids = make_campaigns(sandbox, 7)
    first = requests.get(
        f"{sandbox.url}/v26.0/{sandbox.account_id}/campaigns",
        params={
            "access_token": SANDBOX_TOKEN,
            "fields": "name,effective_status",
            "effective_status": "['PAUSED']",
            "limit": "2",
        },
        timeout=30,
    ).json()
    url = first["paging"]["next"]
    assert url.startswith(f"{sandbox.url}/v26.0/{sandbox.account_id}/campaigns?access_token=")
    q = query_of(url)
    assert q["access_token"] == [SANDBOX_TOKEN] and q["limit"] == ["2"]
    assert q["fields"] == ["name,effective_status"] and q["effective_status"] == ["['PAUSED']"]
    assert "after" in q and "before" not in q
    pages = walk(first)
    assert [len(p["data"]) for p in pages] == [2, 2, 2, 1]
    rows = [r for p in pages for r in p["data"]]
    assert sorted(r["id"] for r in rows) == sorted(ids)
    assert all(set(r) == {"id", "name", "effective_status"} for r in rows)
    # previous leads back, with the same credentials and parameters
    back = requests.get(pages[1]["paging"]["previous"], timeout=30).json()
    assert back["data"] == pages[0]["data"]
    assert "previous" not in pages[0]["paging"]


def test_following_next_walks_an_insights_listing(sandbox: SandboxServer) -> None:
    delivered(sandbox)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 10})
    base = f"{sandbox.url}/v26.0/{sandbox.account_id}/insights"
    params: dict[str, Any] = {
        "access_token": SANDBOX_TOKEN,
        "level": "ad",
        "fields": "ad_id,impressions,spend",
        "time_range": RANGE,
        "breakdowns": "['age']",
    }
    whole = requests.get(base, params={**params, "limit": 500}, timeout=30).json()
    assert "next" not in whole["paging"] and len(whole["data"]) > 9
    first = requests.get(base, params={**params, "limit": 4}, timeout=30).json()
    assert query_of(first["paging"]["next"])["time_range"] == [RANGE]
    pages = walk(first)
    assert len(pages) == -(-len(whole["data"]) // 4)
    assert [r for p in pages for r in p["data"]] == whole["data"]


def test_following_next_walks_an_async_report(sandbox: SandboxServer) -> None:
    delivered(sandbox)
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 10})
    act, auth = sandbox.account_id, {"access_token": SANDBOX_TOKEN}
    page: dict[str, Any] = {**auth, "limit": 4}
    run = requests.post(
        f"{sandbox.url}/v26.0/{act}/insights",
        data={**auth, "level": "ad", "fields": '["ad_id","impressions"]', "time_range": RANGE},
        timeout=30,
    ).json()["report_run_id"]
    for _ in range(200):
        job = requests.get(f"{sandbox.url}/v26.0/{run}", params=auth, timeout=30).json()
        if job["async_status"] == "Job Completed":
            break
        time.sleep(0.05)
    assert job["async_status"] == "Job Completed"
    first = requests.get(f"{sandbox.url}/v26.0/{run}/insights", params=page, timeout=30).json()
    assert first["paging"]["next"].startswith(f"{sandbox.url}/v26.0/{run}/insights?")
    rows = [r for p in walk(first) for r in p["data"]]
    assert sorted(r["ad_id"] for r in rows) == sorted({r["ad_id"] for r in rows})
    assert len(rows) == 9


def test_next_carries_appsecret_proof_when_the_request_had_one(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "s.db", app_secret="s3cret", token=SANDBOX_TOKEN) as sb:
        proof = hmac.new(b"s3cret", SANDBOX_TOKEN.encode(), hashlib.sha256).hexdigest()
        auth = {"access_token": SANDBOX_TOKEN, "appsecret_proof": proof}
        for i in range(3):
            body = {**campaign_params(name=f"S{i}"), "special_ad_categories": "[]"}
            resp = requests.post(
                f"{sb.url}/v26.0/{sb.account_id}/campaigns", data={**auth, **body}, timeout=30
            )
            assert resp.status_code == 200, resp.text
        first = requests.get(
            f"{sb.url}/v26.0/{sb.account_id}/campaigns", params={**auth, "limit": "1"}, timeout=30
        ).json()
        q = query_of(first["paging"]["next"])
        assert q["appsecret_proof"] == [proof] and q["access_token"] == [SANDBOX_TOKEN]
        assert len([r for p in walk(first) for r in p["data"]]) == 3


@pytest.mark.parametrize("scheme", ["OAuth", "Bearer"])
def test_a_header_authorised_request_gets_a_fetchable_next(
    sandbox: SandboxServer, scheme: str
) -> None:
    make_campaigns(sandbox, 3)
    first = requests.get(
        f"{sandbox.url}/v26.0/{sandbox.account_id}/campaigns",
        params={"limit": "2"},
        headers={"Authorization": f"{scheme} {SANDBOX_TOKEN}"},
        timeout=30,
    ).json()
    assert query_of(first["paging"]["next"])["access_token"] == [SANDBOX_TOKEN]
    assert len([r for p in walk(first) for r in p["data"]]) == 3


def test_batch_item_next_carries_the_batch_token(sandbox: SandboxServer) -> None:
    make_campaigns(sandbox, 3)
    items = [{"method": "GET", "relative_url": f"{sandbox.account_id}/campaigns?limit=2"}]
    answer = requests.post(
        f"{sandbox.url}/v26.0/",
        data={"batch": json.dumps(items), "access_token": SANDBOX_TOKEN},
        timeout=30,
    ).json()
    first = json.loads(answer[0]["body"])
    assert query_of(first["paging"]["next"])["access_token"] == [SANDBOX_TOKEN]
    assert len([r for p in walk(first) for r in p["data"]]) == 3


def test_versionless_next_names_the_version_that_served_it(sandbox: SandboxServer) -> None:
    make_campaigns(sandbox, 3)
    first = requests.get(
        f"{sandbox.url}/{sandbox.account_id}/campaigns",
        params={"access_token": SANDBOX_TOKEN, "limit": "2"},
        timeout=30,
    ).json()
    assert first["paging"]["next"].startswith(f"{sandbox.url}/v23.0/{sandbox.account_id}/")
    assert len([r for p in walk(first) for r in p["data"]]) == 3
