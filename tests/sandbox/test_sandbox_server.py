"""Auth, API versions, rate limits, faults, search, admin and `serve()`."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from sandbox.errors import GraphError
from sandbox.faults import FaultConfig
from sandbox.ratelimit import RateLimiter
from sandbox.server import SandboxServer
from sandbox.testing import make_api
from tests.sandbox.conftest import campaign_params


def raw(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# -- auth and versions --------------------------------------------------------------------
def test_bad_and_missing_token(sandbox: SandboxServer) -> None:
    with pytest.raises(FacebookRequestError) as err:
        make_api(sandbox.url, token="not-the-token").call("GET", (sandbox.account_id,), {})
    assert (err.value.api_error_code(), err.value.api_error_subcode()) == (190, 467)
    assert "not-the-token" not in json.dumps(err.value.body())
    status, body = raw(f"{sandbox.url}/v26.0/{sandbox.account_id}")
    assert status == 400 and body["error"]["code"] == 104


@pytest.mark.parametrize("scheme", ["OAuth", "Bearer"])
def test_authorization_header(sandbox: SandboxServer, scheme: str) -> None:
    status, body = raw(
        f"{sandbox.url}/v26.0/{sandbox.account_id}?fields=currency",
        {"Authorization": f"{scheme} sandbox-token"},
    )
    assert status == 200 and body["currency"]


def test_appsecret_proof_required_when_secret_set(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "s.db", app_secret="s3cret") as sb:
        assert (
            make_api(sb.url, app_secret="s3cret").call("GET", (sb.account_id,), {}).json()["id"]
            == sb.account_id
        )
        with pytest.raises(FacebookRequestError) as err:
            make_api(sb.url).call("GET", (sb.account_id,), {})
        assert (
            err.value.api_error_code() == 100 and "appsecret_proof" in err.value.api_error_message()
        )
        with pytest.raises(FacebookRequestError) as err:
            make_api(sb.url, app_secret="wrong").call("GET", (sb.account_id,), {})
        assert "Invalid appsecret_proof" in err.value.api_error_message()
        proof = hmac.new(b"s3cret", b"sandbox-token", hashlib.sha256).hexdigest()
        status, _ = raw(
            f"{sb.url}/v26.0/{sb.account_id}?access_token=sandbox-token&appsecret_proof={proof}"
        )
        assert status == 200


def test_deprecated_version_window(sandbox: SandboxServer) -> None:
    session = FacebookSession(access_token="sandbox-token")
    session.GRAPH = sandbox.url
    with pytest.raises(FacebookRequestError) as err:
        FacebookAdsApi(session, api_version="v22.0").call("GET", (sandbox.account_id,), {})
    assert err.value.api_error_code() == 2635
    ok = FacebookAdsApi(session, api_version="v23.0").call("GET", (sandbox.account_id,), {})
    assert ok.headers()["facebook-api-version"] == "v23.0"
    sandbox.admin("POST", "/__sandbox__/settings", {"min_api_version": 24})
    with pytest.raises(FacebookRequestError):
        FacebookAdsApi(session, api_version="v23.0").call("GET", (sandbox.account_id,), {})


# -- rate limits --------------------------------------------------------------------------
def test_usage_headers_on_every_response(sandbox: SandboxServer, fb_api: FacebookAdsApi) -> None:
    resp = fb_api.call("GET", (sandbox.account_id, "campaigns"), {})
    h = resp.headers()
    buc = json.loads(h["X-Business-Use-Case-Usage"])
    entry = buc[sandbox.account_id[4:]][0]
    assert entry["type"] == "ads_management" and entry["ads_api_access_tier"] == "standard_access"
    assert set(json.loads(h["X-Ad-Account-Usage"])) == {
        "acc_id_util_pct",
        "reset_time_duration",
        "ads_api_access_tier",
    }
    assert "call_count" in json.loads(h["X-App-Usage"])
    assert h["facebook-api-version"] == "v26.0"


def test_insights_path_gets_insights_throttle_header(
    sandbox: SandboxServer, fb_api: FacebookAdsApi
) -> None:
    try:
        resp = fb_api.call("GET", (sandbox.account_id, "insights"), {"fields": "spend"})
        headers = resp.headers()
    except FacebookRequestError as exc:  # the insights handler may refuse; headers still come
        headers = exc.http_headers()
    assert "ads_api_access_tier" in json.loads(headers["X-FB-Ads-Insights-Throttle"])


def test_development_tier_score_throttles(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "d.db", tier="development") as sb:
        acct = AdAccount(sb.account_id, api=make_api(sb.url))
        for i in range(20):  # 20 writes x 3 points = the 60-point development limit
            acct.create_campaign(params=campaign_params(name=f"T{i}"))
        with pytest.raises(FacebookRequestError) as err:
            acct.create_campaign(params=campaign_params(name="one too many"))
        e = err.value
        assert (e.api_error_code(), e.api_error_subcode()) == (613, 1487742)
        assert e.body()["error"]["error_data"]["estimated_time_to_regain_access"] >= 1
        usage = json.loads(e.http_headers()["X-Ad-Account-Usage"])
        assert usage["acc_id_util_pct"] == 100.0 and usage["reset_time_duration"] > 0
        with pytest.raises(FacebookRequestError) as err:
            acct.api_get(fields=["name"])
        assert (err.value.api_error_code(), err.value.api_error_subcode()) == (17, 2446079)
        assert len(sb.admin("GET", "/__sandbox__/objects?type=campaign")["data"]) == 20
        sb.admin("POST", "/__sandbox__/ratelimit/reset")
        assert acct.api_get(fields=["name"])["name"]


def test_buc_budgets_throttle_with_codes_80004_and_80000() -> None:
    tiers = {"standard": {"score": 10_000, "block": 60, "mgmt": 5, "insights": 3}}
    limiter = RateLimiter(lambda: "standard", lambda account: 0, tiers)
    for _ in range(5):
        limiter.charge("1", "read")
    with pytest.raises(GraphError) as err:
        limiter.charge("1", "read")
    assert (err.value.code, err.value.subcode) == (80004, 2446079)  # type: ignore[attr-defined]
    assert err.value.error_data["estimated_time_to_regain_access"] >= 1  # type: ignore[attr-defined]
    for _ in range(3):
        h = limiter.charge("1", "insights")
    assert json.loads(h["X-FB-Ads-Insights-Throttle"])["acc_id_util_pct"] == 100
    with pytest.raises(GraphError) as err:
        limiter.charge("1", "insights")
    assert err.value.code == 80000  # type: ignore[attr-defined]
    with_ads = RateLimiter(lambda: "standard", lambda account: 1, tiers)
    for _ in range(45):  # 5 + 40 x 1 active ad
        with_ads.charge("2", "read")
    with pytest.raises(GraphError):
        with_ads.charge("2", "read")


# -- faults -------------------------------------------------------------------------------
def test_fault_spec_parsing() -> None:
    cfg = FaultConfig.parse("latency_ms=100,transient=0.2,throttle=0.1,lost_response=0.3,seed=1")
    assert (cfg.latency_ms, cfg.transient, cfg.throttle, cfg.lost_response, cfg.seed) == (
        100,
        0.2,
        0.1,
        0.3,
        1,
    )
    for bad in ("transient=2", "bogus=1", "latency_ms", "seed=x"):
        with pytest.raises(ValueError):
            FaultConfig.parse(bad)


def test_transient_fault_commits_nothing(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "f.db", faults="transient=1,seed=1") as sb:
        with pytest.raises(FacebookRequestError) as err:
            AdAccount(sb.account_id, api=make_api(sb.url)).create_campaign(params=campaign_params())
        e = err.value
        assert (
            e.api_error_code() == 2 and e.api_transient_error() is True and e.http_status() == 500
        )
        assert sb.admin("GET", "/__sandbox__/objects?type=campaign")["data"] == []


def test_throttle_fault(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "f.db", faults="throttle=1,seed=2") as sb:
        with pytest.raises(FacebookRequestError) as err:
            make_api(sb.url).call("GET", (sb.account_id,), {})
        assert err.value.api_error_code() in (17, 613, 80004)
        assert "estimated_time_to_regain_access" in err.value.body()["error"]["error_data"]


def test_lost_response_commits_the_write(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "f.db", faults="lost_response=1,seed=2") as sb:
        api = make_api(sb.url)
        seen: list[str] = []
        for i in range(6):
            try:
                AdAccount(sb.account_id, api=api).create_campaign(
                    params=campaign_params(name=f"L{i}")
                )
                seen.append("ok")
            except FacebookRequestError as exc:
                assert exc.http_status() == 502
                seen.append("502")
            except requests.exceptions.ConnectionError:
                seen.append("drop")
        assert set(seen) == {"502", "drop"}  # both ways of losing a response occur
        assert len(sb.admin("GET", "/__sandbox__/objects?type=campaign")["data"]) == 6
        assert (
            api.call("GET", (sb.account_id,), {}).json()["id"] == sb.account_id
        )  # reads unaffected


def test_latency_and_admin_faults_are_seeded(
    sandbox: SandboxServer, fb_api: FacebookAdsApi
) -> None:
    sandbox.admin("POST", "/__sandbox__/faults", {"latency_ms": 120})
    t0 = time.perf_counter()
    fb_api.call("GET", (sandbox.account_id,), {})
    assert time.perf_counter() - t0 >= 0.12

    def outcomes() -> list[int]:
        sandbox.admin("POST", "/__sandbox__/faults", {"transient": 0.5, "seed": 11})
        out = []
        for _ in range(12):
            try:
                fb_api.call("GET", (sandbox.account_id,), {})
                out.append(0)
            except FacebookRequestError as exc:
                out.append(exc.api_error_code())
        return out

    first = outcomes()
    assert first == outcomes() and 0 in first and 2 in first
    sandbox.admin("POST", "/__sandbox__/faults", {})
    state = sandbox.admin("GET", "/__sandbox__/faults")
    assert state["transient"] == 0 and state["latency_ms"] == 0


def test_batch_items_roll_transient_faults_each(
    sandbox: SandboxServer, fb_api: FacebookAdsApi
) -> None:
    sandbox.admin("POST", "/__sandbox__/faults", {"transient": 0.5, "seed": 5})
    items = [{"method": "GET", "relative_url": f"{sandbox.account_id}?fields=name"}] * 20
    out = fb_api.call("POST", (), {"batch": json.dumps(items)}).json()
    codes = {r["code"] for r in out}
    assert codes == {200, 500}
    failed = [json.loads(r["body"])["error"] for r in out if r["code"] == 500]
    assert all(e["code"] == 2 and e["is_transient"] for e in failed)


# -- search and admin ---------------------------------------------------------------------
def test_search_interests_and_geo(sandbox: SandboxServer, fb_api: FacebookAdsApi) -> None:
    rows = fb_api.call("GET", ("search",), {"type": "adinterest", "q": "running"}).json()["data"]
    assert rows[0]["name"].lower() == "running" and rows[0]["id"].startswith("6003")
    assert int(rows[0]["audience_size_upper_bound"]) > 0
    geo = fb_api.call(
        "GET", ("search",), {"type": "adgeolocation", "q": "berlin", "location_types": '["city"]'}
    ).json()["data"]
    assert geo[0]["key"] and geo[0]["type"] == "city" and geo[0]["country_code"] == "DE"
    countries = fb_api.call(
        "GET",
        ("search",),
        {"type": "adgeolocation", "q": "germany", "location_types": '["country"]'},
    ).json()["data"]
    assert countries[0]["key"] == "DE"
    with pytest.raises(FacebookRequestError):
        fb_api.call("GET", ("search",), {"q": "x"})


def test_stats_count_requests_calls_and_writes(
    sandbox: SandboxServer, fb_api: FacebookAdsApi
) -> None:
    sandbox.admin("POST", "/__sandbox__/stats/reset")
    acct = AdAccount(sandbox.account_id, api=fb_api)
    acct.create_campaign(params=campaign_params())
    list(acct.get_campaigns())
    with pytest.raises(FacebookRequestError):
        acct.create_campaign(params=campaign_params(daily_budget=1))
    stats = sandbox.admin("GET", "/__sandbox__/stats")
    assert (stats["http_requests"], stats["graph_calls"], stats["writes"]) == (
        4,
        3,
        1,
    )  # + this read
    assert stats["by_path"] == {"POST /act_{id}/campaigns": 2, "GET /act_{id}/campaigns": 1}


def test_clock_admin(sandbox: SandboxServer) -> None:
    before = sandbox.admin("GET", "/__sandbox__/clock")
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 2})
    after = sandbox.admin("GET", "/__sandbox__/clock")
    from datetime import datetime

    delta = datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"])
    assert 2 * 86400 <= delta.total_seconds() < 2 * 86400 + 60


def test_non_loopback_host_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        SandboxServer(tmp_path / "x.db", host="0.0.0.0")


def test_serve_prints_one_line_and_serves(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sandbox",
            "--port",
            "0",
            "--db",
            str(tmp_path / "cli.db"),
            "--seed",
            "4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
        # Ctrl-C must reach it even when this suite runs in the background of a shell without
        # job control (which starts everything with SIGINT ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("Sandbox listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        status, body = raw(f"{url}/v26.0/me/adaccounts?access_token=sandbox-token")
        assert status == 200 and body["data"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=60)  # generous: CI machines can be busy
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    assert proc.returncode == 0
    assert rest == ""  # exactly one line on stdout


def test_token_never_stored_logged_or_echoed(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    canary = "EAAB-sandbox-canary-51f0"
    db = tmp_path / "canary.db"
    with SandboxServer(db, token=canary, faults="lost_response=0.5,seed=11") as sb:
        api = make_api(sb.url, token=canary)
        acct = AdAccount(sb.account_id, api=api)
        bodies: list[str] = []
        for i in range(4):
            try:
                acct.create_campaign(params=campaign_params(name=f"K{i}"))
            except (FacebookRequestError, requests.exceptions.ConnectionError) as exc:
                bodies.append(str(exc))
        lost = sb.admin("GET", "/__sandbox__/faults")["injected"]["lost_response"]
        assert lost >= 2 and any("502" in b for b in bodies)  # a 502 body was read, not only drops
        bodies.append(
            json.dumps(api.call("GET", (sb.account_id, "campaigns"), {"limit": 1}).json())
        )
        items = [
            {
                "method": "GET",
                "relative_url": f"{sb.account_id}/campaigns?limit=1&access_token={canary}",
            }
        ]
        bodies.append(json.dumps(api.call("POST", (), {"batch": json.dumps(items)}).json()))
        with pytest.raises(FacebookRequestError) as err:
            acct.create_campaign(params=campaign_params(daily_budget=1))
        bodies.append(json.dumps(err.value.body()))
    out, errout = capfd.readouterr()
    assert canary not in out + errout
    # Only Meta's own echo remains: paging.next / previous URLs carry the request's token.
    paging_url = re.compile(r'"(next|previous)": "[^"]*"')
    assert any(canary in b for b in bodies)
    assert all(canary not in paging_url.sub("", b.replace('\\"', '"')) for b in bodies)
    for path in tmp_path.iterdir():
        assert canary.encode() not in path.read_bytes(), path.name


def test_each_id_of_an_ids_lookup_counts(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "ids.db", tier="development") as sb:
        api = make_api(sb.url)
        acct = AdAccount(sb.account_id, api=api)
        ids = [acct.create_campaign(params=campaign_params(name=f"I{i}"))["id"] for i in range(3)]
        before = json.loads(api.call("GET", (sb.account_id,), {}).headers()["X-Ad-Account-Usage"])
        after = json.loads(
            api.call("GET", ("",), {"ids": ",".join(ids)}).headers()["X-Ad-Account-Usage"]
        )
        assert after["acc_id_util_pct"] - before["acc_id_util_pct"] == pytest.approx(
            100 * 3 / 60, abs=0.01
        )
