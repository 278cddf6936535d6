"""One optimise cycle, shared by the graph nodes (`agents/optimize.py`) and the benchmark.

- `propose(client, state, ctx)` → (proposal, evidence): reads Meta and the insights store,
  runs the pure decisions (`agents/decisions.py`), the experiment and any plain-word budget
  requests, and writes each action's card description. No writes.
- `judge_applied(...)` (`agents/judging.py`, re-exported): improved / regressed / inconclusive
  for every applied action.
- `auto_approvable(action, policy)`: may this action skip the card?
- `execute_approved(...)`: guardrails, then the approved actions, ledgered and read back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.budget_requests import propose_budget_requests
from agents.card import targets_text
from agents.decisions import decide
from agents.experiments import experiment_actions, resolve_experiment
from agents.insights import home_of
from agents.judging import judge_applied
from agents.optimize_io import (
    PLAN_TARGET_KEYS,
    account_info,
    account_now,
    apply_action,
    build_evidence,
    read_tree,
    targets_of,
)
from prompts.optimize import describe_action
from state.guardrails import action_kind, check_actions
from state.insights_store import InsightsStore

__all__ = ["auto_approvable", "execute_approved", "judge_applied", "kpi_of_plan", "propose"]

KPI_BY_OBJECTIVE = {
    "OUTCOME_SALES": "conversions",
    "OUTCOME_LEADS": "conversions",
    "OUTCOME_AWARENESS": "estimated_ad_recallers",
    "OUTCOME_TRAFFIC": "link_clicks",
    "OUTCOME_ENGAGEMENT": "link_clicks",
}
NEVER_AUTO = {"activate", "set_budget", "shift_budget"}


def kpi_of_plan(plan: dict[str, Any], targets: dict[str, Any] | None = None) -> str:
    """Return the KPI a plan is judged on (ROAS-only targets judge conversion value)."""
    targets = targets or {}
    if targets.get("kpi"):
        return str(targets["kpi"])
    if targets.get("target_roas") and not targets.get("target_cpa_minor"):
        return "conversion_value"
    return KPI_BY_OBJECTIVE.get(str(plan.get("objective") or ""), "conversions")


def propose(
    client: Any,
    state: dict[str, Any],
    ctx: Any,
    *,
    store: InsightsStore | None = None,
    now: datetime | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build this cycle's evidence and proposal (no writes)."""
    created = state.get("created") or {}
    campaign_id = str(created.get("campaign") or "")
    if not campaign_id:
        raise RuntimeError("decide_actions: state has no created campaign — launch it first")
    opt = state.get("optimize") or {}
    plan = state.get("plan") or {}
    account = account_info(client)
    now = now or account_now(client, ctx)
    tree = read_tree(client, campaign_id)
    store = store or InsightsStore(home_of(ctx))
    targets = targets_of(state, ctx)
    experiment = resolve_experiment(plan, created)
    evidence = build_evidence(
        tree,
        store,
        account=account,
        now=now,
        targets=targets,
        kpi=kpi_of_plan(plan, {**targets, **(opt.get("targets") or {})}),
        budget_edits=opt.get("budget_edits"),
        experiment=experiment,
        known_phases=opt.get("phase_budgets"),
    )
    proposal = decide(evidence, getattr(ctx, "policy", None), seed=campaign_id)
    if experiment:
        exp_status, exp_actions = experiment_actions(experiment, store, evidence, plan)
        proposal["experiment"] = exp_status
        proposal["actions"] += exp_actions
    req_actions, req_problems = propose_budget_requests(
        opt.get("requests") or [], evidence, getattr(ctx, "policy", None)
    )
    proposal["actions"] += req_actions
    proposal["request_problems"] = req_problems
    for action in proposal["actions"]:
        action.setdefault("target", {})["campaign_id"] = campaign_id
        action["description"] = describe_action(action, evidence["currency"])
    proposal["kpi"] = evidence["kpi"]
    proposal["currency"] = evidence["currency"]
    proposal["targets_text"] = targets_text(
        {v: targets.get(k) for k, v in PLAN_TARGET_KEYS.items()}, evidence["currency"]
    )
    proposal["today"] = evidence["today"]
    return proposal, evidence


def auto_approvable(action: dict[str, Any], policy: Any) -> bool:
    """May this action apply without a card? Only low-risk kinds the policy names.

    Spend increases and activations never do, whatever the policy says.
    """
    kind = action_kind(str(action.get("name")))
    if kind in NEVER_AUTO or action.get("requires_review") or action.get("risk") != "low":
        return False
    return kind in set(getattr(policy, "auto_approve", None) or ())


def _snapshot(
    client: Any, actions: list[dict[str, Any]], now: datetime, budget_edits: dict[str, list[str]]
) -> dict[str, Any]:
    campaign_ids = {str((a.get("target") or {}).get("campaign_id") or "") for a in actions}
    objects: list[dict[str, Any]] = []
    for cid in campaign_ids - {""}:
        tree = read_tree(client, cid)
        objects.append(tree["campaign"])
        objects += [{**a, "parent_id": a.get("campaign_id")} for a in tree["ad_sets"]]
        objects += [{**a, "parent_id": a.get("adset_id")} for a in tree["ads"]]
    # (issue 5) The exposure cap is account-wide: every other campaign and ad set counts too.
    from agents.undo import account_snapshot

    seen = {str(o.get("id")) for o in objects}
    objects += [o for o in account_snapshot(client)["objects"] if str(o.get("id")) not in seen]
    return {"now": now.isoformat(), "objects": objects, "budget_edits": budget_edits}


def execute_approved(
    client: Any,
    actions: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    *,
    receipt: str | None,
    policy: Any,
    now: datetime,
    budget_edits: dict[str, list[str]],
    today: str | None = None,
) -> dict[str, Any]:
    """Apply approved (or edited) actions that pass the guardrails; spend cuts go first."""
    if len(decisions) != len(actions):
        raise ValueError(f"{len(decisions)} decision(s) for {len(actions)} action(s): one each")
    chosen: list[dict[str, Any]] = []
    for action, decision in zip(actions, decisions, strict=True):
        kind = decision.get("type")
        if kind == "approve":
            chosen.append({**action, "approved_by": decision.get("by", "human")})
        elif kind == "edit":
            edited = decision["edited_action"]
            chosen.append({**action, "args": edited["args"], "approved_by": "human (edited)"})
    writes = [a for a in chosen if not a.get("advice")]
    refusals = (
        check_actions(writes, policy, _snapshot(client, writes, now, budget_edits))
        if writes
        else []
    )
    refused = {r.index for r in refusals}
    # Spend reductions first so a budget shift never exceeds the exposure cap mid-way.
    order = sorted(
        range(len(writes)),
        key=lambda i: (
            "budget" in writes[i]["name"]
            and int(writes[i]["args"].get("daily_budget", 0))
            > int((writes[i].get("evidence") or {}).get("before_minor") or 0)
        ),
    )
    edits = {k: list(v) for k, v in budget_edits.items()}
    applied: list[dict[str, Any]] = []
    freed = 0  # budget released by applied reallocation cuts; increases may not exceed it
    for i in order:
        if i in refused:
            continue
        action = writes[i]
        if action.get("group") == "reallocation":
            before = int((action.get("evidence") or {}).get("before_minor") or 0)
            after = int(action["args"]["daily_budget"])
            if after > before:
                # A refused cut must not turn a reallocation into a spend increase.
                after = min(after, before + freed)
                if after <= before:
                    continue
                freed -= after - before
                action = {**action, "args": {**action["args"], "daily_budget": after}}
            else:
                freed += before - after
        result = apply_action(client, action, receipt=receipt)
        if "budget" in action["name"] or "spend_limits" in action["name"]:
            edits.setdefault(result["object_id"], []).append(now.isoformat())
        applied.append(_record(action, result, now, today, receipt))
    for action in chosen:
        if action.get("advice"):
            applied.append(
                _record(
                    action, {"status": "noted", "before": None, "after": None}, now, today, receipt
                )
            )
    return {"applied": applied, "refusals": [r.as_dict() for r in refusals], "budget_edits": edits}


def _record(
    action: dict[str, Any],
    result: dict[str, Any],
    now: datetime,
    today: str | None,
    receipt: str | None,
) -> dict[str, Any]:
    return {
        "name": action["name"],
        "args": action["args"],
        "target": action.get("target"),
        "verdict": action.get("verdict"),
        "reasons": action.get("reasons"),
        "evidence": action.get("evidence"),
        "expected_effect": action.get("expected_effect"),
        "advice": bool(action.get("advice")),
        "approved_by": action.get("approved_by"),
        "status": result["status"],
        "before": result.get("before"),
        "after": result.get("after"),
        "applied_at": now.isoformat(),
        "applied_date": today or now.date().isoformat(),
        "receipt": receipt,
        "group": action.get("group"),
        "judgement": None,
    }
