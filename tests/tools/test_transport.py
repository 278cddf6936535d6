"""MetaClient with an injected transport: canned Graph answers, no server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from tools.account import account_info, account_now
from tools.errors import PermanentError
from tools.meta_client import MetaClient


class Canned(BaseAdapter):
    """Answers `(method, path without the API version)` from a table; records every request."""

    def __init__(self, answers: dict[tuple[str, str], tuple[int, Any]]) -> None:
        super().__init__()
        self.answers = answers
        self.seen: list[PreparedRequest] = []

    def send(self, request: PreparedRequest, **kwargs: Any) -> Response:
        self.seen.append(request)
        parts = urlsplit(request.url or "").path.strip("/").split("/")
        path = "/".join(parts[1:] if parts[0].startswith("v") and "." in parts[0] else parts)
        status, body = self.answers.get((str(request.method), path),
                                        (404, {"error": {"message": f"no answer for {path}"}}))
        response = Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self) -> None:
        pass


def test_an_injected_transport_answers_the_client_without_a_server():
    transport = Canned({
        ("GET", "act_42"): (200, {"id": "act_42", "currency": "eur", "timezone_name":
                                  "Europe/Berlin", "spend_cap": "0", "amount_spent": "1234",
                                  "min_daily_budget": "100"}),
        ("GET", "__sandbox__/clock"): (200, {"now": "2030-05-06T07:08:09+0000"}),
        ("GET", "nowhere"): (400, {"error": {"message": "Unknown path", "type": "OAuthException",
                                             "code": 100}}),
    })
    client = MetaClient({"graph_url": "http://graph.test", "account_id": "42"},
                        token="canned-token-1", app_secret="", transport=transport,
                        retry_initial_s=0.0, retry_max_s=0.0)
    info = account_info(client)
    assert (info["currency"], info["timezone_name"], info["amount_spent_minor"]) == (
        "EUR", "Europe/Berlin", 1234)
    # Not Meta's host, so the sandbox's clock is read, through the same transport.
    assert client.is_sandbox
    assert account_now(client) == datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    clock = transport.seen[-1]
    assert clock.headers["Authorization"] == "OAuth canned-token-1"
    with pytest.raises(PermanentError) as refused:
        client.get("nowhere")
    assert refused.value.code == 100
    assert client.stats["round_trips"] == 2 and client.stats["retries"] == 0
    assert transport.seen[0].url.startswith(f"http://graph.test/{client.api_version}/act_42")
