"""The optimise loop as a graph on a CBO campaign: the card proposes ad set spend limits, and the
approved ones are written to the sandbox and read back, with the campaign budget unchanged."""

from __future__ import annotations

from langgraph.types import Command

from bench.campaign_tree import launch
from sandbox.scenario import load_scenario
from state.context import Context, MetaSettings, Policy
from tests.optimize.test_loop_graph import _interrupt, loop_graph
from tools.meta_client import MetaClient


def test_a_cbo_cycle_proposes_spend_limits_on_the_card_and_applies_them(sandbox, tmp_path):
    sc = load_scenario("ecommerce_usd")
    settings = MetaSettings(graph_url=sandbox.url, account_id=sc.account.id, page_id=sc.page.id)

    def factory(thread_id: str | None = None) -> MetaClient:
        return MetaClient(settings, token="sandbox-token")

    created = launch(factory(), sc, n_adsets=3, n_ads=2, cbo=True)
    client = factory()
    budget = client.get(created["campaign"], {"fields": "daily_budget"})["daily_budget"]
    ctx = Context(account_id=sc.account.id, page_id=sc.page.id, client_factory=factory,
                  home=str(tmp_path), max_cycles=6, cycle_days=2, sandbox=True, policy=Policy())
    state = {"created": created, "plan": {"name": "Spring Sale", "objective": "OUTCOME_SALES",
                                          "currency": "USD", "start_time": sc.start.isoformat()},
             "optimize": {"targets": {"target_cpa_minor": 2500}}}
    graph, cfg = loop_graph(), {"configurable": {"thread_id": "cbo"}}
    graph.invoke(state, cfg, context=ctx)
    limits = []
    for _ in range(6):  # up to six cycles until the loop proposes a spend limit (it waits a week)
        sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 3})
        graph.invoke(Command(resume={"woke_at": "now"}), cfg, context=ctx)
        card, snap = _interrupt(graph, cfg)
        if card is None or card["kind"] != "approval":
            continue
        names = [r["name"] for r in card["action_requests"]]
        assert not any(n.startswith("set_adset_budget") for n in names)  # no ad set budgets
        graph.invoke(Command(resume={"decisions": [{"type": "approve"}] * len(names)}), cfg,
                     context=ctx)
        _, snap = _interrupt(graph, cfg)
        limits = [e for e in snap.values["applied_actions"]
                  if e["name"] == "set_adset_spend_limits"]
        if limits:
            req = next(r for r in card["action_requests"] if r["name"] == "set_adset_spend_limits")
            assert "campaign budget" in req["description"] and "unchanged" in req["description"]
            break
    assert limits, "six CBO cycles proposed no spend limit"
    for entry in limits:
        fields = ",".join(entry["after"])
        now = client.get(entry["args"]["adset_id"], {"fields": fields})
        assert {k: int(now.get(k) or 0) for k in entry["after"]} == {
            k: int(v or 0) for k, v in entry["after"].items()
        }
    assert client.get(created["campaign"], {"fields": "daily_budget"})["daily_budget"] == budget
