"""One-off actions go through the optimise loop's apply path unchanged, on the real sandbox.

`propose_request`'s actions are approved and fed to `agents/optimize/cycle.py::
execute_approved` (typed `MoneyAction`, the money gate, the write, the read back): budgets and
statuses really change at "Meta", and a raise over the policy's cap is refused by the gate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.optimize.cycle import execute_approved
from agents.optimize.oneoff import propose_request
from sandbox.server import SandboxServer
from sandbox.testing import make_api
from state.money import MoneyAction
from state.policy import Policy
from tests.optimize.oneoff_world import Maker, client_for, intent, ref
from tools.account import account_info, account_now

APPROVE = [{"type": "approve"}]


def test_approved_one_off_actions_change_the_sandbox_and_the_gate_refuses_over_the_cap(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    m = Maker(make_api(sandbox.url), tmp_path / "img.png")
    ids = {"Apply Sale": m.campaign("Apply Sale")}
    for name, ads in (("Set 1", ["Ad 1", "Ad 2"]), ("Set 2", ["Ad 3"])):
        ids[name] = m.adset(ids["Apply Sale"], name, daily_budget=5000)
        for ad in ads:
            ids[ad] = m.ad(ids[name], ad)
    client = client_for(sandbox)
    account = account_info(client)

    def ask(route: str, kind: str, name: str, policy: Policy, **params: Any) -> dict[str, Any]:
        out = propose_request(client, intent(route, [ref(kind, ids[name], name)], **params),
                              account=account, policy=policy, now=account_now(client))
        for action in out["actions"]:
            MoneyAction.from_action(action["name"], action["args"])
        return out

    def apply(actions: list[dict[str, Any]], policy: Policy) -> dict[str, Any]:
        return execute_approved(client, actions, APPROVE * len(actions), receipt="r-oneoff",
                                policy=policy, now=account_now(client), budget_edits={})

    def read(name: str, field: str) -> str:
        return str(client.get(ids[name], {"fields": field})[field])

    # a budget raise within the policy: written and read back
    raise_ = ask("budget", "adset", "Set 1", Policy(), change={"pct": 10})
    assert not any("money gate" in f for f in raise_["flags"])
    done = apply(raise_["actions"], Policy())
    assert done["refusals"] == [] and done["applied"][0]["status"] == "applied"
    assert read("Set 1", "daily_budget") == "5500"
    assert ids["Set 1"] in done["budget_edits"]

    # a raise over the campaign cap: the preview says so, and the gate refuses it when applied
    capped = Policy(max_campaign_daily_budget_minor=11000)  # 5500 + 5750 would be 11250
    over = ask("budget", "adset", "Set 2", capped, change={"pct": 15})
    assert over["actions"][0]["args"] == {"adset_id": ids["Set 2"], "daily_budget": 5750}
    assert any("money gate would refuse" in f and "max_campaign_daily_budget_minor" in f
               for f in over["flags"])
    refused = apply(over["actions"], capped)
    assert refused["applied"] == []
    assert refused["refusals"][0]["cap"] == "max_campaign_daily_budget_minor"
    assert read("Set 2", "daily_budget") == "5000"

    # pause by name, then resume: both written and read back
    pause = ask("status", "ad", "Ad 2", Policy(), to="PAUSED")
    assert apply(pause["actions"], Policy())["applied"][0]["status"] == "applied"
    assert read("Ad 2", "status") == "PAUSED"
    resume = ask("status", "ad", "Ad 2", Policy(), to="ACTIVE")
    assert resume["actions"][0]["risk"] == "high"
    assert apply(resume["actions"], Policy())["applied"][0]["status"] == "applied"
    assert read("Ad 2", "status") == "ACTIVE"
    assert ask("status", "ad", "Ad 2", Policy(), to="ACTIVE")["nothing_to_do"]
