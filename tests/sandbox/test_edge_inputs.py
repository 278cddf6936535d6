"""Odd input a client may send gets Meta's code-100 refusal naming the field, never a 500.

Found by a review of the issue-17 work: string entries in `adset_budgets`, non-string
recommendation names, integers past Python's digit limit in any JSON parameter, unknown
statuses and malformed `filtering` rules, out-of-range list filters on budget schedules,
and page-picture modifiers.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from sandbox.server import SandboxServer
from tests.conftest import SANDBOX_TOKEN
from tests.sandbox.conftest import Tree
from tests.sandbox.test_cbo_spend_limits import cbo_adset, cbo_campaign


def call(sb: SandboxServer, method: str, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    resp = requests.request(method, f"{sb.url}/v24.0/{path}",
                            params={"access_token": SANDBOX_TOKEN, **params}, timeout=30)
    return resp.status_code, resp.json()


def refused_naming(answer: tuple[int, dict[str, Any]], field: str) -> bool:
    status, body = answer
    err = body.get("error") or {}
    return (status == 400 and err.get("code") == 100
            and err.get("error_data", {}).get("blame_field_specs") == [[field]])


@pytest.mark.parametrize("entries", ['["x"]', "[1]", '{"adset_id": "1"}', "[[]]"])
def test_adset_budgets_entries_that_are_not_objects(tree: Tree, entries: str) -> None:
    cid = cbo_campaign(tree)
    cbo_adset(tree, cid)
    answer = call(tree.sandbox, "POST", cid, daily_budget="", adset_budgets=entries)
    assert refused_naming(answer, "adset_budgets"), answer


def test_a_lifetime_budget_needs_the_ad_sets_end_time(tree: Tree) -> None:
    cid = cbo_campaign(tree)
    sid = str(cbo_adset(tree, cid)["id"])
    answer = call(tree.sandbox, "POST", cid, daily_budget="",
                  adset_budgets=f'[{{"adset_id": "{sid}", "lifetime_budget": 100000}}]')
    assert refused_naming(answer, "adset_budgets"), answer
    assert "end_time" in answer[1]["error"]["error_user_msg"]


def test_malformed_list_parameters(tree: Tree) -> None:
    sb, act = tree.sandbox, tree.sandbox.account_id
    huge = "[" + "1" * 5000 + "]"
    assert refused_naming(call(sb, "GET", f"{act}/campaigns", effective_status=huge),
                          "effective_status")
    assert refused_naming(call(sb, "GET", f"{act}/campaigns", effective_status="['BOGUS']"),
                          "effective_status")
    assert refused_naming(call(sb, "GET", f"{act}/campaigns", filtering="[1]"), "filtering")
    assert refused_naming(call(sb, "GET", f"{act}/recommendations",
                               recommendation_names='[{"a": 1}]'), "recommendation_names")
    status, body = call(sb, "GET", f"{tree.adset_id}/budget_schedules",
                        time_start="99999999999999999999")
    assert status == 400 and body["error"]["code"] == 100, body


def test_page_picture_modifiers(sandbox: SandboxServer) -> None:
    _, me = call(sandbox, "GET", "me/businesses")
    business = me["data"][0]["id"]
    status, pages = call(sandbox, "GET", f"{business}/owned_pages", fields="picture{url}")
    assert status == 200 and set(pages["data"][0]["picture"]["data"]) == {"url"}, pages
    page = pages["data"][0]["id"]
    _, tiny = call(sandbox, "GET", page, fields="picture.width(0)")
    assert tiny["picture"]["data"]["width"] == 1
    assert requests.get(tiny["picture"]["data"]["url"], timeout=10).status_code == 200
    status, body = call(sandbox, "GET", page, fields="picture{nope}")
    assert status == 400 and "nonexisting field (nope)" in body["error"]["message"]
