"""Several ad accounts in one sandbox: each delivers on its own clock day, currency and truth.

The scenario option `generate_accounts` makes the accounts; delivery, insights, amount spent
and rate limits are per account, and the main account behaves exactly as in a sandbox that
holds only it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.campaign_tree import launch
from sandbox.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from sandbox.server import SandboxServer
from state.context import MetaSettings
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"


def client_for(url: str, view: Scenario) -> MetaClient:
    """adpilot's client for the account `view` (`Scenario.for_account`) describes."""
    return MetaClient(MetaSettings(graph_url=url, account_id=view.account.id,
                                   page_id=view.page.id, pixel_id=view.pixel.id), token=TOKEN)


def _scenario(tmp_path: Path, **generate: Any) -> tuple[str, Any]:
    data = load_scenario("ecommerce_usd").model_dump(mode="json")
    if generate:
        data["generate_accounts"] = generate
    sc = parse_scenario(data)
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data))
    return str(path), sc


def test_generate_accounts_makes_seeded_accounts_with_their_own_currency_zone_and_pixel():
    data = load_scenario("ecommerce_usd").model_dump(mode="json")
    data["generate_accounts"] = {"count": 30, "seed": 4, "currencies": ["EUR", "GBP"],
                                 "timezones": ["Europe/Berlin", "Asia/Tokyo"]}
    sc = parse_scenario(data)
    accounts = sc.accounts()
    assert len(accounts) == 31 and accounts[0].id == sc.account.id
    assert len({a.id for a in accounts}) == 31
    made = accounts[1:]
    assert {a.currency for a in made} == {"EUR", "GBP"}
    assert {a.timezone for a in made} == {"Europe/Berlin", "Asia/Tokyo"}
    assert all(a.pixel is not None for a in made)
    assert [a.model_dump() for a in parse_scenario(data).accounts()] == [
        a.model_dump() for a in accounts]  # same settings, same accounts
    view = sc.for_account(made[0].id)
    assert (view.account.id, view.currency, view.timezone) == (
        made[0].id, made[0].currency, made[0].timezone)
    assert view.pixel.id == made[0].pixel.id  # type: ignore[union-attr]
    assert sc.for_account(sc.account.id) is sc
    assert sc.seed_for(7, sc.account.id) == 7 and sc.seed_for(7, made[0].id) != 7
    # an account that is not in the scenario is refused, not invented
    data["generate_accounts"] = {"count": 2, "first_id": int(sc.account.id[4:])}
    with pytest.raises(ScenarioError, match="unique"):
        parse_scenario(data)
    data["generate_accounts"] = {"count": 2, "timezones": ["Mars/Olympus"]}
    with pytest.raises(ScenarioError, match="time zone"):
        parse_scenario(data)


def _main_rows(sb: SandboxServer, campaign: str) -> list[tuple[Any, ...]]:
    assert sb.store is not None
    return [tuple(r.values())[1:] for r in sb.store.db.query(
        "select ad_id, date, impressions, clicks, spend, conversions, value from delivery_rows "
        "where campaign_id = ? order by date, ad_id", [campaign])]


def test_delivery_runs_in_every_account_on_its_own_days_and_money(tmp_path):
    path, sc = _scenario(tmp_path, count=2, seed=3, currencies=["EUR"],
                         timezones=["Asia/Tokyo"])
    views = [sc.for_account(a.id) for a in sc.accounts()]
    with SandboxServer(db_path=tmp_path / "multi.db", scenario=path, seed=5) as sb:
        created = {v.account.id: launch(client_for(sb.url, v), v, n_adsets=2, n_ads=2)
                   for v in views}
        # 3 days and 10 hours: Los Angeles has completed 3 days, Tokyo (17 h ahead) 4
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 3, "hours": 10})
        assert sb.store is not None
        through = {v.account.id: sb.store.get_setting(
            "delivery_generated_through" + ("" if v is views[0] else f":{v.account.id}"))
            for v in views}
        assert through[views[0].account.id] == "2026-03-04"
        assert through[views[1].account.id] == through[views[2].account.id] == "2026-03-05"
        spend = {}
        for v in views:
            rows = sb.store.db.query(
                "select sum(spend) s from delivery_rows where campaign_id = ?",
                [created[v.account.id]["campaign"]])
            spend[v.account.id] = int(next(iter(rows))["s"] or 0)
            assert spend[v.account.id] > 0
            account = requests.get(f"{sb.url}/v26.0/{v.account.id}", params={
                "fields": "amount_spent,currency", "access_token": TOKEN}, timeout=10).json()
            assert int(account["amount_spent"]) == spend[v.account.id]  # its own spend only
            assert account["currency"] == v.currency
            insights = requests.get(f"{sb.url}/v26.0/{v.account.id}/insights", params={
                "fields": "spend,account_currency,account_id", "date_preset": "maximum",
                "access_token": TOKEN}, timeout=10).json()["data"]
            assert len(insights) == 1
            assert insights[0]["account_currency"] == v.currency
            assert insights[0]["account_id"] == v.account.id.removeprefix("act_")
            assert round(float(insights[0]["spend"]) * 100) == spend[v.account.id]
        # the same plan in two accounts draws different truths (own seeds), so spends differ
        assert len(set(spend.values())) == 3
        main_rows = _main_rows(sb, created[views[0].account.id]["campaign"])
        assert main_rows

    # the main account delivers exactly as in a sandbox that holds only it
    with SandboxServer(db_path=tmp_path / "single.db", scenario="ecommerce_usd", seed=5) as one:
        alone = launch(client_for(one.url, load_scenario("ecommerce_usd")),
                       load_scenario("ecommerce_usd"), n_adsets=2, n_ads=2)
        one.admin("POST", "/__sandbox__/clock/advance", {"days": 3, "hours": 10})
        assert _main_rows(one, alone["campaign"]) == main_rows


def test_rate_limits_are_per_ad_account(tmp_path):
    """Hammering one account throttles it (Meta's per-account score) and not the other."""
    path, sc = _scenario(tmp_path, count=1)
    first, second = (a.id for a in sc.accounts())
    with SandboxServer(db_path=tmp_path / "sb.db", scenario=path, tier="development") as sb:

        def read(act: str) -> requests.Response:
            return requests.get(f"{sb.url}/v26.0/{act}", params={
                "fields": "name", "access_token": TOKEN}, timeout=10)

        codes = [read(first).status_code for _ in range(61)]  # the development score is 60
        assert codes[:60] == [200] * 60
        blocked = read(first).json()["error"]
        assert (blocked["code"], blocked["error_subcode"]) == (17, 2446079)
        other = read(second)
        assert other.status_code == 200
        usage = json.loads(other.headers["X-Ad-Account-Usage"])
        assert usage["acc_id_util_pct"] < 5
        buc = json.loads(other.headers["X-Business-Use-Case-Usage"])
        assert list(buc) == [second.removeprefix("act_")]
        stats = sb.admin("GET", "/__sandbox__/stats")
        assert stats["throttled"] >= 2
        assert set(stats["throttled_by_account"]) == {first}
        assert stats["by_account"][second] == 1
