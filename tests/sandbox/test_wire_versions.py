"""API versions in the path, over HTTP (docs/meta-api-facts.md §10.6, sandbox/versions.py).

Served: v23.0-v26.0 (the window starts at `min_api_version`). Released but older: 2635. Never
released (`v99.0`, `v25.1`, `v2.13`): an unknown path, code 2500, as Graph answers. No version:
the oldest served one.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN
from tests.sandbox.conftest import campaign_params


def call(
    sb: SandboxServer, method: str, path: str, **params: Any
) -> tuple[int, dict[str, Any], requests.Response]:
    resp = requests.request(
        method,
        f"{sb.url}/{path}",
        params={"access_token": SANDBOX_TOKEN, **params},
        timeout=30,
    )
    return resp.status_code, resp.json(), resp


@pytest.mark.parametrize("version", ["v99.0", "v27.0", "v25.1", "v2.13", "v0.0"])
def test_unreleased_versions_are_unknown_paths(sandbox_module: SandboxServer, version: str) -> None:
    status, body, _ = call(sandbox_module, "GET", f"{version}/me")
    assert status == 400
    err = body["error"]
    assert (err["code"], err["type"]) == (2500, "OAuthException")
    assert err["message"] == f"Unknown path components: /{version}/me"
    act = sandbox_module.account_id
    status, body, _ = call(sandbox_module, "GET", f"{version}/{act}/campaigns", fields="name")
    assert body["error"]["message"] == f"Unknown path components: /{version}/{act}/campaigns"


def test_an_unreleased_version_writes_nothing(sandbox: SandboxServer) -> None:
    act = sandbox.account_id
    status, body, _ = call(
        sandbox,
        "POST",
        f"v99.0/{act}/campaigns",
        **{k: json.dumps(v) if isinstance(v, list) else v for k, v in campaign_params().items()},
    )
    assert status == 400 and body["error"]["code"] == 2500
    assert call(sandbox, "GET", f"v26.0/{act}/campaigns")[1]["data"] == []


@pytest.mark.parametrize("version", ["v23.0", "v24.0", "v25.0", "v26.0"])
def test_served_versions_answer_and_say_so(sandbox_module: SandboxServer, version: str) -> None:
    status, body, resp = call(sandbox_module, "GET", f"{version}/me", fields="id,name")
    assert status == 200 and body["id"]
    assert resp.headers["facebook-api-version"] == version


@pytest.mark.parametrize("version", ["v22.0", "v21.0", "v2.12", "v3.3"])
def test_released_but_expired_versions_are_deprecated(
    sandbox_module: SandboxServer, version: str
) -> None:
    status, body, _ = call(sandbox_module, "GET", f"{version}/me")
    assert status == 400 and body["error"]["code"] == 2635
    assert version in body["error"]["message"] and "v23.0" in body["error"]["message"]


def test_versionless_goes_to_the_oldest_served_version(sandbox: SandboxServer) -> None:
    act = sandbox.account_id
    status, body, resp = call(sandbox, "GET", act, fields="currency")
    assert status == 200 and body["currency"]
    assert resp.headers["facebook-api-version"] == "v23.0"
    sandbox.admin("POST", "/__sandbox__/settings", {"min_api_version": 25})
    _, _, resp = call(sandbox, "GET", act, fields="currency")
    assert resp.headers["facebook-api-version"] == "v25.0"
    status, body, _ = call(sandbox, "GET", f"v24.0/{act}")
    assert status == 400 and body["error"]["code"] == 2635


def test_the_sdk_sees_an_unknown_version_as_error_2500(sandbox_module: SandboxServer) -> None:
    session = FacebookSession(access_token=SANDBOX_TOKEN)
    session.GRAPH = sandbox_module.url
    with pytest.raises(FacebookRequestError) as err:
        FacebookAdsApi(session, api_version="v99.0").call("GET", ("me",), {})
    assert err.value.api_error_code() == 2500 and err.value.http_status() == 400


def test_batch_items_judge_their_own_version(sandbox_module: SandboxServer) -> None:
    act = sandbox_module.account_id
    items = [
        {"method": "GET", "relative_url": "v99.0/me"},
        {"method": "GET", "relative_url": f"v22.0/{act}"},
        {"method": "GET", "relative_url": f"v25.0/{act}?fields=currency"},
        {"method": "GET", "relative_url": "me?fields=id"},
    ]
    resp = requests.post(
        f"{sandbox_module.url}/v26.0/",
        data={"batch": json.dumps(items), "access_token": SANDBOX_TOKEN},
        timeout=30,
    )
    answers = resp.json()
    bodies = [json.loads(a["body"]) for a in answers]
    assert [a["code"] for a in answers] == [400, 400, 200, 200]
    assert bodies[0]["error"]["code"] == 2500
    assert bodies[0]["error"]["message"] == "Unknown path components: /v99.0/me"
    assert bodies[1]["error"]["code"] == 2635
    assert bodies[2]["currency"] and bodies[3]["id"]
    status, body, _ = call(sandbox_module, "POST", "v99.0/", batch=json.dumps(items[2:]))
    assert status == 400 and body["error"]["code"] == 2500
