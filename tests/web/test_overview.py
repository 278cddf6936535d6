"""The Campaigns page's data (`graph/web/overview.py`): plain functions, then real threads.

The real threads run once per module on the embedded sandbox (a few seconds): `t-live` is the
demo brief launched live and optimised until a cycle proposes actions, which are approved and
applied; `t-planned` waits for its launch card; `t-rejected` was refused at its card (no
campaign, nobody waits: not listed). The sandbox is stopped before anything is read, so every
read below is proven to make no Meta call.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from graph.web.overview import (
    ROW_KEYS,
    accounts_overview,
    campaign_row,
    figures,
    thread_detail,
)
from state.insights_store import InsightsStore, parse_row
from state.ledger import Ledger
from state.rules import format_money

APPROVE = {"decisions": [{"type": "approve"}]}
MAX_CYCLES = 6  # the demo's world proposes actions at its third cycle


# -- plain functions ---------------------------------------------------------------------------
def test_money_follows_the_currency_zero_decimal_ones_too():
    sums = {"spend_minor": 8000, "conversions": 4.0, "conversion_value_minor": 30000}
    jpy = figures(sums, "conversions", "PURCHASE", "JPY")
    assert (jpy["spend"], jpy["cost_per_result"]) == ("JPY 8,000", "JPY 2,000")
    assert (jpy["results"], jpy["result_label"], jpy["roas"]) == (4, "purchases", None)
    krw = figures({**sums, "conversions": 1.0}, "conversions", "LEAD_FORM", "KRW")
    assert (krw["spend"], krw["result_label"], krw["cost_per_result"]) == ("KRW 8,000", "lead",
                                                                           "KRW 8,000")
    usd = figures(sums, "conversion_value", "PURCHASE", "USD")
    assert (usd["spend"], usd["purchase_value"], usd["roas"]) == ("USD 80.00", "USD 300.00", 3.75)
    assert figures(None, "conversions", "PURCHASE", "USD")["spend"] is None


def _jpy_store(tmp_path: Path) -> InsightsStore:
    store = InsightsStore(tmp_path)
    raw = [{"campaign_id": "c9", "date_start": day, "spend": str(spend), "impressions": "1000",
            "clicks": "20", "action_values": [{"action_type": "purchase", "value": str(value)}],
            "actions": [{"action_type": "purchase", "value": str(n)}]}
           for day, spend, n, value in (("2026-03-01", 6000, 2, 9000), ("2026-03-02", 4500, 1, 6000))]
    rows = [parse_row(r, level="campaign", currency="JPY") for r in raw]
    store.replace_window("c9", "campaign", "2026-03-01", "2026-03-02", rows)
    return store


def test_a_jpy_campaign_against_a_cpa_and_a_roas_target(tmp_path):
    store = _jpy_store(tmp_path)
    values: dict[str, Any] = {"account": "act_9", "phase": "decided", "created": {"campaign": "c9"},
                              "plan": {"name": "Tokyo sale [ap:0123abcd]", "objective": "OUTCOME_SALES",
                                       "targets": {"cpa_minor": 4000}}}
    row = campaign_row(values, store)
    assert row["campaign_name"] == "Tokyo sale"  # no provenance tag
    assert (row["currency"], row["spend"], row["spend_minor"]) == ("JPY", "JPY 10,500", 10500)
    assert (row["results"], row["cost_per_result"], row["target"]) == (3, "JPY 3,500", "JPY 4,000")
    assert (row["target_kind"], row["on_target"], row["last_data_date"]) == ("cpa", True, "2026-03-02")
    values["plan"]["targets"] = {"roas": 1.5}  # a ROAS target alone judges purchase value
    row = campaign_row(values, store)
    assert (row["kpi"], row["purchase_value"], row["roas"]) == ("conversion_value", "JPY 15,000", 1.43)
    assert (row["target_kind"], row["target"], row["on_target"]) == ("roas", "1.50x", False)
    assert campaign_row({**values, "created": {"campaign": "c-none"}}, store)["on_target"] is None
    store.close()


# -- real threads --------------------------------------------------------------------------------
def _advance_to(env: Any, until: str) -> None:
    now = datetime.fromisoformat(env.sandbox.admin("GET", "/__sandbox__/clock")["now"])
    days = max(env.context.cycle_days,
               math.ceil((datetime.fromisoformat(until) - now).total_seconds() / 86400))
    env.sandbox.admin("POST", "/__sandbox__/clock/advance", json={"days": days})


def _files(home: Path) -> list[str]:
    """The home's files, without SQLite's write-ahead log and its index (`-wal`, `-shm`).

    Those come and go with connections: the last one to close folds the log into the database
    and deletes them, so whether they are there says when a writer's connection was collected,
    not whether reading wrote anything.
    """
    return sorted(p.name for p in home.iterdir() if not p.name.endswith(("-wal", "-shm")))


def _own_home(mp: pytest.MonkeyPatch, home: Path) -> None:
    """Point ADPILOT_HOME at `home` and drop the machine's Meta and model settings."""
    mp.setenv("ADPILOT_HOME", str(home))
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_CHECKPOINT_URL", "ADPILOT_MODEL",
                 "ADPILOT_POLICY"):
        mp.delenv(name, raising=False)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from graph.cli.demo import DEMO_BRIEF, sample_images
    from graph.environment import open_environment
    from graph.runner import open_runner
    from tools.kill_switch import mark_stopped

    tmp = tmp_path_factory.mktemp("web")
    home = tmp / "home"
    with pytest.MonkeyPatch.context() as mp:
        _own_home(mp, home)
        brief = DEMO_BRIEF.format(images=", ".join(map(str, sample_images(tmp / "img"))))
        with open_environment(home=home, embedded=True, announce=lambda *_: None) as env, \
                open_runner(env.home, env.context) as runner:
            card = runner.start(brief, "t-live", go_live=True)
            out = runner.resume("t-live", APPROVE, interrupt_id=card.interrupt_id)
            earlier: list[dict[str, Any]] = []
            for _ in range(MAX_CYCLES):
                assert out.waiting_for == "wait", out.values.get("status")
                earlier = (out.values.get("optimize") or {}).get("proposal", {}).get("verdicts") or []
                _advance_to(env, (out.interrupt or {})["until"])
                out = runner.resume("t-live", {"woke_at": "test"})
                if out.waiting_for == "approval":
                    break
            assert out.waiting_for == "approval", "no cycle proposed an action"
            last = out.values["optimize"]["proposal"]["verdicts"]
            n = len((out.interrupt or {})["action_requests"])
            out = runner.resume("t-live", {"decisions": [{"type": "approve"}] * n},
                                interrupt_id=out.interrupt_id)
            live = out.values
            refused = runner.start(brief, "t-rejected")
            runner.resume("t-rejected", {"decisions": [{"type": "reject", "message": "no"}]},
                          interrupt_id=refused.interrupt_id)
            planned = runner.start(brief, "t-planned").values
            mark_stopped(home, ["t-planned"])
    return {"home": home, "live": live, "planned": planned, "earlier": earlier, "last": last}


@pytest.fixture
def read(world):
    """Call a function of the overview with a reading runner, as the web app does."""
    return lambda fn, *args: _reading(world["home"], fn, *args)


def _reading(home: Path, fn: Any, *args: Any) -> Any:
    """Call `fn(runner, home, *args)` with a reading runner over `home`'s checkpoints."""
    from graph.builder import build_graph
    from graph.checkpointer import open_checkpointer
    from graph.runner import Runner

    with open_checkpointer(home) as saver:
        return fn(Runner(build_graph(checkpointer=saver, reading=True), None), home, *args)


def test_one_account_lists_the_campaign_and_the_waiting_plan_newest_first(world, read):
    files = _files(world["home"])
    overview = read(accounts_overview)
    assert [a["account"] for a in overview] == [world["live"]["account"]]
    rows = overview[0]["threads"]
    assert [r["thread_id"] for r in rows] == ["t-planned", "t-live"]  # rejected: not listed
    assert rows[0]["updated_at"] > rows[1]["updated_at"]
    assert all(tuple(r) == ROW_KEYS for r in rows)
    planned = rows[0]
    assert (planned["kind"], planned["waiting_for"], planned["campaign_id"]) == ("launch", "approval", None)
    assert (planned["spend"], planned["spend_minor"], planned["verdicts"]) == (None, None, [])
    assert planned["campaign_name"] == world["planned"]["plan"]["name"]
    assert planned["stopped_at"] and rows[1]["stopped_at"] is None
    assert _files(world["home"]) == files  # reading created nothing


def test_the_live_row_says_what_the_store_and_the_thread_say(world, read):
    live = world["live"]
    row = read(accounts_overview)[0]["threads"][1]
    cid = live["created"]["campaign"]
    assert (row["thread_id"], row["kind"], row["campaign_id"]) == ("t-live", "launch", cid)
    assert row["campaign_name"] == live["plan"]["name"] and "[ap:" not in row["campaign_name"]
    store = InsightsStore(world["home"])
    totals = store.totals(cid, "campaign")[cid]
    assert row["last_data_date"] == store.last_date(cid)
    store.close()
    assert row["spend_minor"] == totals["spend_minor"] > 0
    assert row["spend"] == format_money(totals["spend_minor"], "USD")
    assert row["results"] == totals["conversions"] and row["result_label"] in ("purchase", "purchases")
    cost = round(totals["spend_minor"] / totals["conversions"]) if totals["conversions"] else None
    assert row["cost_per_result_minor"] == cost
    assert (row["target_kind"], row["target"], row["target_cpa_minor"]) == ("cpa", "USD 40.00", 4000)
    assert row["on_target"] is (cost is not None and cost <= 4000)
    assert (row["cycle"], row["waiting_for"], row["phase"]) == (live["cycle"], "wait", live["phase"])
    assert row["delivery"]["state"] == "live"


def test_verdicts_are_the_last_cycles_and_name_real_objects(world, read):
    live, last = world["live"], world["last"]
    row = read(accounts_overview)[0]["threads"][1]
    got = [(v["level"], v["id"], v["verdict"]) for v in row["verdicts"]]
    assert got == [(v["level"], str(v["id"]), v["verdict"]) for v in last]
    assert got != [(v["level"], str(v["id"]), v["verdict"]) for v in world["earlier"]]
    assert "PAUSE" in {v["verdict"] for v in row["verdicts"]}
    created = {str(i) for kind in ("ad_sets", "ads") for i in live["created"][kind].values()}
    assert {v["id"] for v in row["verdicts"]} <= created
    assert all(v["reason"] and v["name"] and "[ap:" not in v["name"] for v in row["verdicts"])


def test_the_detail_has_objects_their_statuses_and_the_timeline_without_the_token(world, read):
    live = world["live"]
    detail = read(thread_detail, "t-live")
    assert {s["id"] for s in detail["ad_sets"]} == set(live["created"]["ad_sets"].values())
    assert set(live["created"]["ads"].values()) <= {a["id"] for a in detail["ads"]}
    assert sum(s["spend_minor"] for s in detail["ad_sets"]) == pytest.approx(detail["spend_minor"], abs=4)
    applied = [a for a in live["applied_actions"] if a["status"] == "applied"]
    paused = {a["target"]["id"] for a in applied if a["name"] == "pause_ad"}
    ads = {a["id"]: a for a in detail["ads"]}
    assert paused and all(ads[i]["status"] == "PAUSED" for i in paused)
    assert {a["verdict"] for a in detail["ads"]} - {None} <= {"CONTINUE", "OPTIMIZE", "MONITOR",
                                                             "PAUSE", "EMERGENCY_PAUSE"}
    writes = [e for e in detail["timeline"] if e["kind"] == "meta_write"]
    ledger = Ledger.in_home(world["home"])
    assert len(writes) == len({r["write_id"] for r in ledger.events("t-live")})
    ledger.close()
    assert any(e["details"]["object_type"] == "campaign" and e["details"]["meta_id"] ==
               live["created"]["campaign"] for e in writes)
    assert {i for e in writes if (e["details"]["after"] or {}).get("status") == "PAUSED"
            for i in [e["details"]["meta_id"]]} >= paused  # the card's pauses, as written
    text = json.dumps(detail, default=str) + json.dumps(read(accounts_overview), default=str)
    assert "sandbox-token" not in text


def test_an_unknown_thread_is_a_key_error_that_says_so(world, read):
    with pytest.raises(KeyError, match="no thread 't-nope'"):
        read(thread_detail, "t-nope")
    planned = read(thread_detail, "t-planned")
    assert (planned["ad_sets"], planned["ads"], planned["waiting_for"]) == ([], [], "approval")
    assert any(e["kind"] == "interrupt" for e in planned["timeline"])


def test_a_refreshs_new_ads_are_listed_active_in_their_ad_set(tmp_path_factory):
    """The demo's world, every card approved until a creative refresh is applied, then read."""
    from graph.cli.demo import DEMO_BRIEF, DEMO_SEED, demo_scenario, sample_images
    from graph.environment import open_environment
    from graph.runner import open_runner

    tmp = tmp_path_factory.mktemp("web-refresh")
    home = tmp / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        _own_home(mp, home)
        brief = DEMO_BRIEF.format(images=", ".join(map(str, sample_images(tmp / "img"))))
        with open_environment(home=home, embedded=True, seed=DEMO_SEED, announce=lambda *_: None,
                              scenario=demo_scenario(home)) as env, \
                open_runner(env.home, env.context) as runner:
            card = runner.start(brief, "t-refresh", go_live=True)
            out = runner.resume("t-refresh", APPROVE, interrupt_id=card.interrupt_id)
            for _ in range(4 * MAX_CYCLES):
                applied = out.values.get("applied_actions") or []
                if any(a["name"] == "refresh_creative" and a["status"] == "applied" for a in applied):
                    break
                if out.waiting_for == "approval":
                    n = len((out.interrupt or {})["action_requests"])
                    out = runner.resume("t-refresh", {"decisions": [{"type": "approve"}] * n},
                                        interrupt_id=out.interrupt_id)
                else:
                    assert out.waiting_for == "wait", out.values.get("status")
                    _advance_to(env, (out.interrupt or {})["until"])
                    out = runner.resume("t-refresh", {"woke_at": "test"})
    applied = [a for a in out.values["applied_actions"] if a["status"] == "applied"]
    fresh = [i for a in applied if a["name"] == "refresh_creative" for i in a["after"]["ads"]]
    assert fresh, "no creative refresh was applied in the demo's world"
    ads = {a["id"]: a for a in _reading(home, thread_detail, "t-refresh")["ads"]}
    assert all(ads[i]["status"] == "ACTIVE" and ads[i]["adset_id"] for i in fresh)
