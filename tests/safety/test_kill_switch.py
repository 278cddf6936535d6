"""Kill switch, undo and audit against the real SDK and the sandbox over HTTP."""

import sqlite3

import pytest

from sandbox.testing import make_api
from state import hitl
from state.context import Policy
from state.guardrails import MoneyAction
from tools import audit
from tools import kill_switch as safety
from tools import undo as undo_mod
from tools.common import activation
from tools.meta_client import label_for, tag_for
from tools.money import clear

from .conftest import launch

TREE = ("campaign", "adset", "ad")


def statuses(world, ids):
    client = world.client(None, ledger=False)
    return {i: client.get(i, {"fields": "status"})["status"] for i in ids}


def test_stop_pauses_everything_the_thread_created_and_nothing_else(world):
    ids = launch(world, "t1")
    other = launch(world, "t2")
    live = [i for i, t in ((i, world.ledger.find(k, "create", "t1")["object_type"])
                           for k, i in ids.items()) if t in TREE]
    assert set(statuses(world, live).values()) == {"ACTIVE"}

    report = safety.stop("t1", ledger=world.ledger, client_for=world)

    assert report.ok and len(report.paused) == len(live)
    assert [p["object_type"] for p in report.paused][0] == "campaign"  # top-down
    assert set(statuses(world, live).values()) == {"PAUSED"}
    other_live = [i for k, i in other.items()
                  if world.ledger.find(k, "create", "t2")["object_type"] in TREE]
    assert set(statuses(world, other_live).values()) == {"ACTIVE"}
    kills = [r for r in world.ledger.rows("t1") if r["receipt"] == safety.KILL_RECEIPT]
    assert len(kills) == len(live) and {r["status"] for r in kills} == {"done"}

    # Idempotent: a second stop writes nothing.
    before = world.writes()
    again = safety.stop("t1", ledger=world.ledger, client_for=world)
    assert again.ok and not again.paused and len(again.already_off) == len(live)
    assert world.writes() == before


def test_stop_all_and_an_object_the_ledger_never_heard_back_about(world):
    launch(world, "t1")
    # A create that reached Meta but whose process died before the ledger said done.
    key = "feedbeef" * 8
    wid = world.ledger.intent(op="create", path=f"{world.sb.account_id}/campaigns", params={},
                              plan_key=key, object_type="campaign", thread_id="t3")
    world.ledger.mark(wid, "sent")
    # Meta committed it (straight through the SDK: adpilot's client would need a gate pass).
    orphan = make_api(world.sb.url).call(
        "POST", (world.sb.account_id, "campaigns"),
        {"name": "Crashed" + tag_for(key), "objective": "OUTCOME_TRAFFIC",
         "special_ad_categories": [], "status": "ACTIVE", "daily_budget": 1000}).json()["id"]

    report = safety.stop(None, ledger=world.ledger, client_for=world)

    assert report.ok
    assert orphan in {p["id"] for p in report.paused}
    for t in ("campaign", "adset", "ad"):
        assert {o["status"] for o in world.objects(t)} <= {"PAUSED"}, t


def test_stop_and_reconcile_find_an_object_known_only_by_its_label_not_its_namesake(world):
    key = "0ddba11a" * 8
    wid = world.ledger.intent(op="create", path=f"{world.sb.account_id}/campaigns", params={},
                              plan_key=key, object_type="campaign", thread_id="t4")
    world.ledger.mark(wid, "sent")  # Meta committed it; the ledger never heard back
    api = make_api(world.sb.url)
    body = {"objective": "OUTCOME_TRAFFIC", "special_ad_categories": [], "status": "ACTIVE",
            "daily_budget": 1000}
    # adpilot's (a clean name and its label) and a stranger's of the same name
    orphan = api.call("POST", (world.sb.account_id, "campaigns"), {
        **body, "name": "Spring sale", "adlabels": [{"name": label_for(key)}]}).json()["id"]
    namesake = api.call("POST", (world.sb.account_id, "campaigns"),
                        {**body, "name": "Spring sale"}).json()["id"]

    report = safety.stop("t4", ledger=world.ledger, client_for=world)

    assert report.ok and [p["id"] for p in report.paused] == [orphan]
    assert statuses(world, [orphan, namesake]) == {orphan: "PAUSED", namesake: "ACTIVE"}
    settled = audit.reconcile("t4", ledger=world.ledger, client_for=world)
    [create] = [w for w in settled["writes"] if w["op"] == "create"]
    assert create["now"] == "done" and create["meta_id"] == orphan, create


def test_undo_a_budget_cut_needs_approval_and_the_guardrails(world):
    ids = launch(world, "t1")
    adset = next(i for k, i in ids.items() if world.ledger.find(k, "create", "t1")["object_type"] == "adset")
    client = world.client("t1")
    cut_action = MoneyAction.from_action("set_adset_budget", {"adset_id": adset, "daily_budget": 1000})
    (cut_pass,) = clear(client, [cut_action], None).passes
    client.write("update", adset, {"daily_budget": 1000}, plan_key="cut", object_type="adset",
                 receipt="r-cycle-1", before={"daily_budget": 1250}, gate_pass=cut_pass)
    cut = world.ledger.find("cut", "update", "t1")
    assert cut["policy_digest"] == Policy().digest()  # the policy the write passed

    # Restoring 1000 -> 1250 raises spend: an approval comes back, nothing is written.
    before = world.writes()
    res = undo_mod.undo("t1", cut["write_id"][:8], ledger=world.ledger, client_for=world,
                      policy=Policy(budget_cooldown_hours=0, max_budget_change_pct=0.5))
    assert res.status == "needs_approval" and world.writes() == before
    assert res.approval["receipt"] == hitl.receipt(res.approval["action_requests"])
    # A forged receipt is the same as none.
    res = undo_mod.undo("t1", cut["write_id"], ledger=world.ledger, client_for=world,
                      receipt="0" * 64, policy=Policy(budget_cooldown_hours=0))
    assert res.status == "needs_approval" and world.writes() == before
    # Approved but over the exposure cap: refused, still nothing written.
    res2 = undo_mod.undo("t1", cut["write_id"], ledger=world.ledger, client_for=world,
                       receipt=res.approval["receipt"],
                       policy=Policy(max_daily_exposure_minor=100, budget_cooldown_hours=0,
                                     max_budget_change_pct=0.5))
    assert res2.status == "refused" and res2.refusals[0].cap == "max_daily_exposure_minor"
    assert world.writes() == before
    # The cool-down (the cut was just now, says the ledger) also refuses by default.
    res3 = undo_mod.undo("t1", cut["write_id"], ledger=world.ledger, client_for=world,
                       receipt=res.approval["receipt"], policy=Policy(max_budget_change_pct=0.5))
    assert res3.status == "refused" and res3.refusals[0].cap == "budget_cooldown_hours"
    assert world.writes() == before
    refused_rows = [r for r in world.ledger.rows("t1") if r["status"] == "refused"]
    assert [r["after"]["cap"] for r in refused_rows] == ["max_daily_exposure_minor",
                                                        "budget_cooldown_hours"]
    # Approved and within policy: applied.
    ok = undo_mod.undo("t1", cut["write_id"], ledger=world.ledger, client_for=world,
                     receipt=res.approval["receipt"],
                     policy=Policy(budget_cooldown_hours=0, max_budget_change_pct=0.5))
    assert ok.status == "applied"
    assert int(world.client(None, ledger=False).get(adset, {"fields": "daily_budget"})["daily_budget"]) == 1250


def test_undo_that_cuts_spend_runs_without_approval(world):
    ids = launch(world, "t1", go_live=False)
    camp = next(i for k, i in ids.items() if world.ledger.find(k, "create", "t1")["object_type"] == "campaign")
    client = world.client("t1")
    (on,) = clear(client, [activation("campaign", camp)], None).passes
    act = client.write("update", camp, {"status": "ACTIVE"}, plan_key="go",
                       object_type="campaign", before={"status": "PAUSED"}, gate_pass=on)
    assert act["success"] if "success" in act else True
    row = world.ledger.find("go", "update", "t1")
    res = undo_mod.undo("t1", row["write_id"], ledger=world.ledger, client_for=world)
    assert res.status == "applied"
    assert statuses(world, [camp])[camp] == "PAUSED"


def test_audit_verify_detects_tampering(world):
    launch(world, "t1")
    result = audit.audit_verify(world.home)
    assert result["ok"] and result["writes"] > 5 and not result["problems"]
    with sqlite3.connect(world.home / "ledger.db") as db:
        db.execute("UPDATE writes SET meta_id = '999' WHERE id = 3")
    tampered = audit.audit_verify(world.home)
    assert not tampered["ok"]
    assert any("row 3" in p for p in tampered["problems"])


def test_compensate_pauses_newest_first_and_reports_what_exists(world):
    launch(world, "t1")
    report = safety.compensate("t1", ledger=world.ledger, client_for=world, mode="pause")
    assert report.ok
    order = [p["object_type"] for p in report.paused + report.already_off]
    assert order[0] == "ad" and order[-1] == "campaign"
    left = safety.existing("t1", ledger=world.ledger, client=world.client("t1"))
    assert left and {o["status"] for o in left} == {"PAUSED"}
    deleted = safety.compensate("t1", ledger=world.ledger, client_for=world, mode="delete")
    assert deleted.ok and len(deleted.deleted) == len(left)
    assert {o["status"] for o in safety.existing("t1", ledger=world.ledger, client=world.client("t1"))} == {"DELETED"}


def test_stop_under_lost_responses_and_transient_errors_still_pauses_everything(world):
    ids = launch(world, "t1")
    live = [i for k, i in ids.items() if world.ledger.find(k, "create", "t1")["object_type"] in TREE]
    world.sb.admin("POST", "/__sandbox__/faults",
                   {"lost_response": 0.6, "transient": 0.3, "seed": 3})
    report = safety.stop("t1", ledger=world.ledger, client_for=world)
    injected = world.sb.admin("GET", "/__sandbox__/faults")["injected"]
    world.sb.admin("POST", "/__sandbox__/faults", {"lost_response": 0, "transient": 0})
    assert injected["lost_response"] > 0 and injected["transient"] > 0
    assert report.ok, report.failed
    assert set(statuses(world, live).values()) == {"PAUSED"}


def test_stop_marks_the_thread_stopped_and_status_shows_it(world, monkeypatch):
    from rich.console import Console

    from graph.cli.console import status_table

    launch(world, "t1")
    launch(world, "t2")
    assert safety.stopped_threads(world.home) == {}
    safety.stop("t1", ledger=world.ledger, client_for=world)
    assert set(safety.stopped_threads(world.home)) == {"t1"}
    safety.stop(None, ledger=world.ledger, client_for=world)  # --all marks every thread
    assert set(safety.stopped_threads(world.home)) == {"t1", "t2"}

    monkeypatch.setenv("ADPILOT_HOME", str(world.home))
    rows = [{"thread": "t1", "phase": "applied"}, {"thread": "t9", "phase": "live"}]
    out = Console(width=200, record=True)
    out.print(status_table(rows))
    text = out.export_text()
    line = {ln.split()[1]: ln for ln in text.splitlines() if ln.startswith("│ t")}
    assert "STOPPED" in line["t1"] and "(applied)" in line["t1"] and "STOPPED" not in line["t9"]


def test_raises_spend_tells_activations_and_budget_increases_from_cuts():
    assert safety.raises_spend({"name": "activate_ad", "args": {"ad_id": "1"}})
    assert safety.raises_spend({"name": "set_adset_budget", "args": {"daily_budget": 5000},
                                "evidence": {"before_minor": 4000}})
    assert not safety.raises_spend({"name": "set_adset_budget", "args": {"daily_budget": 3000},
                                    "evidence": {"before_minor": 4000}})
    assert not safety.raises_spend({"name": "pause_ad", "args": {"ad_id": "1"}})
    kept, held = safety.hold_back_for_stop([{"name": "activate_ad"}, {"name": "pause_ad"}], "2026-01-01")
    assert [a["name"] for a in kept] == ["pause_ad"] and [a["name"] for a in held] == ["activate_ad"]
    assert safety.hold_back_for_stop([{"name": "activate_ad"}], None) == ([{"name": "activate_ad"}], [])


def test_a_stopped_threads_client_refuses_what_could_spend_and_still_cuts(world):
    from state.control import ThreadStopped, control_for
    from tools.ledgered import cuts_only
    from tools.meta_client import MetaClient

    ids = launch(world, "t1", go_live=False)
    control = control_for(world.home)
    client = MetaClient(world.settings, ledger=world.ledger, thread_id="t1", token="sandbox-token",
                        stopped=lambda: control.stopped("t1"))
    camp = next(v for v in ids.values() if v in {o["id"] for o in world.objects("campaign")})
    adset = next(o for o in world.objects("adset"))
    rows = len(world.ledger.events())
    safety.mark_stopped(world.home, ["t1"])
    with pytest.raises(ThreadStopped, match="stopped by the kill switch"):
        client.write("create", f"{world.sb.account_id}/campaigns",
                     {"name": "again", "objective": "OUTCOME_SALES", "status": "PAUSED",
                      "special_ad_categories": []}, object_type="campaign")
    with pytest.raises(ThreadStopped):
        client.write("update", camp, {"status": "ACTIVE"}, object_type="campaign")
    with pytest.raises(ThreadStopped):  # a raise, or a budget with no before-value to compare
        client.write("update", adset["id"], {"daily_budget": 9000}, object_type="adset")
    assert len(world.ledger.events()) == rows  # refused before it was ledgered
    assert len(world.objects("campaign")) == 1
    # Cutting spend still works for a stopped thread: a pause (a lower budget, below).
    client.write("update", camp, {"status": "PAUSED"}, object_type="campaign")
    assert cuts_only("update", "POST", adset["id"], {"daily_budget": 1000},
                     {"daily_budget": 2500})
    assert not cuts_only("update", "POST", adset["id"], {"daily_budget": 3000},
                         {"daily_budget": 2500})
    assert not cuts_only("update", "POST", adset["id"], {"end_time": "2030-01-01"}, {})
    assert not cuts_only("update", "POST", camp, {"stop_time": "2030-01-01"}, {})
    assert not cuts_only("update", "POST", adset["id"], {"daily_min_spend_target": 900},
                         {"daily_min_spend_target": 500})
    assert cuts_only("update", "POST", adset["id"], {"name": "renamed"}, None)
    assert cuts_only("delete", "DELETE", adset["id"], {}, None)
    other = MetaClient(world.settings, ledger=world.ledger, thread_id="t2", token="sandbox-token",
                       stopped=lambda: control.stopped("t2"))
    other.write("create", f"{world.sb.account_id}/campaigns",  # other threads are not stopped
                {"name": "t2 campaign", "objective": "OUTCOME_SALES", "status": "PAUSED",
                 "special_ad_categories": []}, object_type="campaign")
