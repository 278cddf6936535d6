"""Collecting insights from the sandbox over HTTP with the real SDK (no mocks)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agents.insights.collect import collect, pull_window
from bench.campaign_tree import launch
from sandbox.scenario import load_scenario
from state.context import MetaSettings
from state.insights_store import InsightsStore
from tools.meta_client import MetaClient


@pytest.fixture
def launched(sandbox):
    sc = load_scenario("ecommerce_usd")
    client = MetaClient(MetaSettings(graph_url=sandbox.url, account_id=sc.account.id,
                                     page_id=sc.page.id), token="sandbox-token")
    created = launch(client, sc, n_adsets=2, n_ads=2)
    return sandbox, client, sc, created


def _today(sandbox, sc):
    return sandbox.admin("GET", "/__sandbox__/clock")["now_local"][:10]


def test_collect_stores_daily_rows_at_every_level_with_consistent_sums(launched, tmp_path):
    sandbox, client, sc, created = launched
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 4})
    store = InsightsStore(tmp_path)
    out = collect(client, store, campaign_id=created["campaign"], start=sc.start.isoformat(),
                  today=_today(sandbox, sc), currency="USD", n_ads=4, n_adsets=2)
    assert out["rows"] > 0 and out["round_trips"] >= 4
    ads = store.totals(created["campaign"], "ad")
    sets = store.totals(created["campaign"], "adset")
    camp = store.totals(created["campaign"], "campaign")[created["campaign"]]
    assert set(ads) == set(created["ads"].values())
    assert set(sets) == set(created["ad_sets"].values())
    assert sum(a["spend_minor"] for a in ads.values()) == pytest.approx(camp["spend_minor"], abs=5)
    assert sum(a["conversions"] for a in ads.values()) == camp["conversions"]
    assert camp["days"] == 4
    # age × gender rows of the ad sets add up to the same spend
    broken = store.totals(created["campaign"], "adset", dims=("age", "gender"))
    assert sum(r["spend_minor"] for r in broken.values()) == pytest.approx(camp["spend_minor"], abs=20)


def test_conversions_match_the_sandbox_truth_counted_once(launched, tmp_path):
    sandbox, client, sc, created = launched
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 6})
    store = InsightsStore(tmp_path)
    collect(client, store, campaign_id=created["campaign"], start=sc.start.isoformat(),
            today=_today(sandbox, sc), currency="USD", breakdowns=(), weeks=False)
    # days old enough to be fully reported (past the restatement window)
    settled = (sc.start + timedelta(days=2)).isoformat()
    truth = next(iter(sandbox.store.db.query(
        "select sum(conversions) c from delivery_rows where date <= ?", [settled])))["c"]
    ours = sum(r["conversions"] for r in store.daily(created["campaign"], "campaign", until=settled))
    assert ours == truth > 0


def test_repull_replaces_restated_days(launched, tmp_path):
    sandbox, client, sc, created = launched
    store = InsightsStore(tmp_path)
    cid = created["campaign"]
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
    collect(client, store, campaign_id=cid, start=sc.start.isoformat(), today=_today(sandbox, sc),
            currency="USD", breakdowns=(), weeks=False)
    last = (date.fromisoformat(_today(sandbox, sc)) - timedelta(days=1)).isoformat()
    before = {r["date"]: r["conversions"] for r in store.daily(cid, "campaign")}
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
    collect(client, store, campaign_id=cid, start=sc.start.isoformat(), today=_today(sandbox, sc),
            currency="USD", breakdowns=(), weeks=False)
    after = {r["date"]: r["conversions"] for r in store.daily(cid, "campaign")}
    truth = next(iter(sandbox.store.db.query(
        "select sum(conversions) c from delivery_rows where date = ?", [last])))["c"]
    assert before[last] <= after[last] == truth  # the partly reported day was re-pulled
    assert len(after) == 6


def test_async_report_runs_return_the_same_rows_as_sync(launched, tmp_path):
    sandbox, client, sc, created = launched
    sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
    last = (date.fromisoformat(_today(sandbox, sc)) - timedelta(days=1)).isoformat()
    kw = dict(campaign_id=created["campaign"], since=sc.start.isoformat(), until=last, currency="USD",
              n_ads=4, n_adsets=2)
    sync_store, async_store = InsightsStore(tmp_path / "s"), InsightsStore(tmp_path / "a")
    sync = pull_window(client, sync_store, force_async=False, **kw)
    asyn = pull_window(client, async_store, force_async=True, **kw)
    assert sync["mode"] == "sync" and asyn["mode"] == "async"
    for level in ("ad", "adset", "campaign"):
        strip = lambda rows: [{k: v for k, v in r.items() if k != "pulled_at"} for r in rows]  # noqa: E731
        assert strip(sync_store.daily(created["campaign"], level)) == strip(async_store.daily(created["campaign"], level))
    assert asyn["round_trips"] > sync["round_trips"]  # create + poll + fetch per query
