"""One optimise cycle, shared by the graph nodes (`agents/optimize/nodes.py`) and the benchmark.

Longer than 300 lines because proposing and executing share the action shapes the card and
the money gate agree on; splitting them would split that contract across files.

- `propose(client, state, ctx)` → (proposal, evidence): reads Meta and the insights store,
  runs the pure decisions (`agents/optimize/decide/decisions.py`), the experiment and any plain-word budget
  requests, and the alerts between cycles (`agents/optimize/alerts.py`: the due ones lead the
  card with the decision matrix's action; while conversions go unrecorded the decisions judged
  on them are held back), and writes each action's card description. No writes.
- `judge_applied(...)` (`agents/optimize/judging.py`, re-exported): improved / regressed / inconclusive
  for every applied action.
- `auto_approvable(action, policy)`: may this action skip the card?
- `execute_approved(...)`: every approved (or edited) action read strictly as one typed
  `MoneyAction`, judged by the money gate on the account's live state, then the passed ones
  written exactly as typed, ledgered and read back; refusals are ledgered and returned. A
  creative refresh's variants are filled in by `propose`, launched last (`refresh_io.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from agents.common import home_of
from agents.optimize.alerts import actions_for, drop_inside_paused, for_cycle, hold_back
from agents.optimize.budget_requests import propose_budget_requests
from agents.optimize.decide.decisions import decide
from agents.optimize.decide.undo_hold import hold_actions
from agents.optimize.experiments import experiment_actions, resolve_experiment
from agents.optimize.history import undone_actions
from agents.optimize.judging import judge_applied
from agents.optimize.meta_io import (
    PLAN_TARGET_KEYS,
    apply_action,
    build_evidence,
    kpi_of_plan,
    read_tree,
    targets_of,
)
from agents.optimize.refresh_io import REFRESH_ACTION, apply_refreshes, fill_refreshes, refreshes_of
from agents.optimize.stale import ledger_stale, stale_refusal
from agents.orchestrator.card import targets_text
from prompts.optimize import describe_action
from state.guardrails import (
    GatePass,
    MoneyAction,
    MoneyActionError,
    Refusal,
    action_kind,
    gate,
)
from state.insights_store import InsightsStore
from state.policy import NEVER_AUTO_APPROVED
from state.rules import format_money
from tools.account import account_info, account_now
from tools.errors import PermanentError
from tools.money import account_state, clear, record_malformed

__all__ = ["auto_approvable", "execute_approved", "judge_applied", "kpi_of_plan", "propose"]

def propose(
    client: Any,
    state: Mapping[str, Any],
    ctx: Any,
    *,
    store: InsightsStore | None = None,
    now: datetime | None = None,
    with_alerts: bool = True,
    thread_id: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Build this cycle's evidence and proposal (no writes), alerts first on the card.

    `thread_id`: whose undone actions (`adpilot undo`) are held off (`decide/undo_hold.py`).
    """
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
    targets = targets_of(cast(dict[str, Any], state), ctx)  # it only reads the state
    # a test started on an existing campaign (`adpilot ask "test ..."`) keeps its own ids
    experiment = opt.get("experiment") or resolve_experiment(plan, created)
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
    evidence["refreshes"] = refreshes_of(state.get("applied_actions"))
    evidence["undone"] = undone_actions(state, thread_id, home_of(ctx)) if thread_id else []
    evidence["planned_daily_minor"] = adset_budget_total(plan)
    evidence["planned_lifetime_minor"] = adset_budget_total(plan, "lifetime")
    evidence["loop_paused"] = sorted(
        str((a.get("args") or {}).get("adset_id")) for a in state.get("applied_actions") or []
        if a.get("name") == "pause_adset" and a.get("status") == "applied")
    # The alerts between cycles hold on the same fresh data: shown on this card, acted on by
    # the decision matrix; while conversions go unrecorded, nothing is judged on them.
    watch = for_cycle(client, state, ctx, now) if with_alerts else {"alerts": [],
                                                                    "tracking_since": None}
    proposal = decide(evidence, getattr(ctx, "policy", None), seed=campaign_id)
    proposal["actions"], held = hold_back(proposal["actions"], watch["tracking_since"])
    proposal["flags"] = list(proposal.get("flags") or []) + held
    if experiment:
        exp_status, exp_actions = experiment_actions(experiment, store, evidence, plan)
        proposal["experiment"] = exp_status
        proposal["actions"] += exp_actions
    proposal["alerts"] = watch["alerts"]
    alerted, _ = hold_actions(actions_for(watch["alerts"], proposal["actions"]), evidence,
                              getattr(ctx, "policy", None))  # emergencies: say they override
    kept, dropped = drop_inside_paused(alerted, proposal["actions"])
    proposal["actions"], proposal["flags"] = alerted + kept, proposal["flags"] + dropped
    req_actions, req_problems = propose_budget_requests(  # the person's own: never dropped
        opt.get("requests") or [], evidence, getattr(ctx, "policy", None)
    )
    if req_actions:
        req_actions, refused = _preview_requests(client, req_actions, ctx, now, opt)
        req_problems += refused
    proposal["actions"] += req_actions
    proposal["request_problems"] = req_problems
    proposal["actions"] = fill_refreshes(client, proposal["actions"], ctx=ctx,
                                         campaign_id=campaign_id)
    adset_names = {str(a["id"]): a.get("name") for a in evidence.get("ad_sets") or []}
    for action in proposal["actions"]:
        target = action.setdefault("target", {})
        target["campaign_id"] = campaign_id
        if target.get("level") == "ad" and adset_names.get(str(target.get("parent_id"))):
            target.setdefault("adset_name", adset_names[str(target["parent_id"])])  # on the card
        action["description"] = describe_action(action, evidence["currency"])
    proposal["kpi"] = evidence["kpi"]
    proposal["currency"] = evidence["currency"]
    proposal["targets_text"] = targets_text(
        {v: targets.get(k) for k, v in PLAN_TARGET_KEYS.items()}, evidence["currency"]
    )
    proposal["today"] = evidence["today"]
    return proposal, evidence


def adset_budget_total(plan: Mapping[str, Any], kind: str = "daily") -> int | None:
    """Return the plan's daily (or lifetime) total over its ad sets' budgets (None: not that).

    What the marketer gave the ad sets a day (or for the flight): a paused ad set's share of
    it is moved to the active ones (`decide/budgets.py::parked`).
    """
    budget = plan.get("budget") or {}
    sets = plan.get("ad_sets") or []
    own = [s.get("budget") for s in sets if s.get("budget")]
    if own and all(b.get("kind") == kind for b in own) and len(own) == len(sets):
        return sum(int(b.get("amount_minor") or 0) for b in own) or None
    if budget.get("kind") == kind and budget.get("level") == "ad_set" and not own:
        return int(budget.get("amount_minor") or 0) or None
    return None


def _preview_requests(
    client: Any, actions: list[dict[str, Any]], ctx: Any, now: datetime, opt: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Keep the budget requests the money gate would pass now; say why the others would not.

    Not authoritative (the gate runs again after approval), but a request that would be
    refused is stated on the card and the CLI instead of being offered for approval.
    """
    snapshot = account_state(client, now=now, budget_edits=opt.get("budget_edits") or {})
    kept, problems = [], []
    for action in actions:
        asked = str((action.get("reasons") or [""])[0]).removeprefix("requested: ")
        try:
            typed = MoneyAction.from_action(str(action["name"]), action["args"])
        except MoneyActionError as exc:
            problems.append(f"budget request {asked}: {exc}")
            continue
        verdict = gate([typed], getattr(ctx, "policy", None), snapshot)
        if verdict.ok:
            kept.append(action)
        else:
            problems.append(f"budget request {asked}: {verdict.refusals[0].message}")
    return kept, problems


def auto_approvable(action: dict[str, Any], policy: Any) -> bool:
    """May this action apply without a card? Only low-risk kinds the policy names.

    Spend increases and activations never do, whatever the policy says.
    """
    kind = action_kind(str(action.get("name")))
    if kind in NEVER_AUTO_APPROVED or action.get("requires_review") or action.get("risk") != "low":
        return False
    return kind in set(getattr(policy, "auto_approve", None) or ())


def _malformed(i: int, action: dict[str, Any], exc: MoneyActionError) -> Refusal:
    return Refusal(
        i,
        str(action.get("name")),
        "action",
        exc.field,
        None,
        f"Refused: {exc} Nothing was sent.",
        None,
    )


def _reallocate(
    writes: list[dict[str, Any]], typed: dict[int, MoneyAction], refused: set[int]
) -> dict[int, MoneyAction]:
    """Shrink a reallocation's increases to what its applied cuts freed (refused cuts free none).

    A refused cut must not turn a reallocation into a spend increase. Amounts are compared per
    day (`before_daily_minor`/`after_daily_minor`: a lifetime budget's daily equivalent); a
    shrunk lifetime raise is scaled back by its days left. Money the plan's daily total leaves
    with paused ad sets (`parked_minor`, the same on every move of the proposal) is free from
    the start.
    """
    moves = [i for i in typed if i not in refused and writes[i].get("group") == "reallocation"]
    freed = max((int((writes[i].get("evidence") or {}).get("parked_minor") or 0) for i in moves),
                default=0)
    out: dict[int, MoneyAction] = {}
    for i in sorted(moves, key=lambda i: _raise_of(writes[i], typed[i]) > 0):
        ev = writes[i].get("evidence") or {}
        lifetime = typed[i].daily_budget is None and typed[i].lifetime_budget is not None
        if typed[i].daily_budget is None and not lifetime:
            continue
        days = max(1, int(ev.get("days_left") or 1)) if lifetime else 1
        before = int(ev.get("before_daily_minor") or ev.get("before_minor") or 0)
        sent = typed[i].lifetime_budget if lifetime else typed[i].daily_budget
        assert sent is not None
        after = (before + (sent - int(ev.get("before_minor") or 0)) // days) if lifetime else sent
        if after > before:
            allowed = min(after, before + freed)
            if allowed <= before:
                continue
            freed -= allowed - before
            if lifetime:
                new = int(ev.get("before_minor") or 0) + (allowed - before) * days
                out[i] = typed[i].model_copy(update={"lifetime_budget": min(sent, new)})
            else:
                out[i] = typed[i].model_copy(update={"daily_budget": allowed})
        else:
            freed += before - after
            out[i] = typed[i]
    return out


def _shrunk_note(card: MoneyAction, applied: MoneyAction, currency: str) -> str:
    """Say that a raise went out smaller than its card: its cut freed less money."""
    lifetime = card.daily_budget is None
    asked = card.lifetime_budget if lifetime else card.daily_budget
    sent = applied.lifetime_budget if lifetime else applied.daily_budget
    kind = "lifetime budget" if lifetime else "daily budget"
    return (f"raised to {format_money(int(sent or 0), currency)}, not the card's "
            f"{format_money(int(asked or 0), currency)} ({kind}): the cut on the other side of "
            "this budget move freed less money (it was edited, rejected or refused), and a raise "
            "never spends more than its cuts free")


def _raise_of(action: dict[str, Any], typed: MoneyAction) -> int:
    before = int((action.get("evidence") or {}).get("before_minor") or 0)
    sent = typed.daily_budget if typed.daily_budget is not None else typed.lifetime_budget
    return (sent or 0) - before if typed.kind == "set_budget" else 0


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
    image_roots: list[Path] | None = None,
) -> dict[str, Any]:
    """Apply approved (or edited) actions the money gate passes; spend cuts go first.

    Each action is read strictly as one `MoneyAction` (an edit naming two objects, an unknown
    field or money that is not whole minor units is refused, naming the field), judged by
    `state.guardrails.gate` on the account's live state, and written exactly as typed with its
    pass. Refusals are ledgered (`refused`) and returned with the cap and the numbers. Creative
    refreshes go last; `image_roots`: where an edited one may read a new image file.
    """
    if len(decisions) != len(actions):
        raise ValueError(f"{len(decisions)} decision(s) for {len(actions)} action(s): one each")
    chosen: list[dict[str, Any]] = []
    for action, decision in zip(actions, decisions, strict=True):
        kind = decision.get("type")
        if kind == "approve":
            chosen.append({**action, "approved_by": decision.get("by", "human")})
        elif kind == "edit":
            edited = decision["edited_action"]
            chosen.append({**action, "args": edited["args"], "approved_by": "human (edited)",
                           "card_args": action.get("args")})
    writes = [a for a in chosen if not a.get("advice") and a.get("name") != REFRESH_ACTION]
    refusals: dict[int, Refusal] = {}
    typed: dict[int, MoneyAction] = {}
    for i, action in enumerate(writes):
        try:
            typed[i] = MoneyAction.from_action(str(action.get("name")), action.get("args"))
        except MoneyActionError as exc:
            refusals[i] = _malformed(i, action, exc)
            record_malformed(client, action, refusals[i], receipt=receipt)
    snapshot = account_state(client, now=now, budget_edits=budget_edits) if typed else None
    passes: dict[int, GatePass] = {}
    if snapshot is not None:
        for i in list(typed):  # a card whose before-value is no longer Meta's is not applied
            if (stale := stale_refusal(i, writes[i], typed[i], snapshot)) is not None:
                refusals[i] = stale
                ledger_stale(client, writes[i], stale, receipt)
                del typed[i]
        order = sorted(typed)
        first = gate([typed[i] for i in order], policy, snapshot)
        refused_first = {order[r.index] for r in first.refusals}
        kept = _reallocate(writes, typed, refused_first)
        currency = str(snapshot.get("currency") or "USD")
        for i in [i for i in typed if writes[i].get("group") == "reallocation"]:
            if i in kept:
                if kept[i] != typed[i]:  # said on the result, never applied in silence
                    writes[i] = {**writes[i], "note": _shrunk_note(typed[i], kept[i], currency)}
                typed[i] = kept[i]
            elif i not in refused_first:  # an increase nothing was freed for: not applied
                refusals[i] = Refusal(
                    i, typed[i].name, "budget_move", None, None,
                    "Not applied: this raise is the other side of a budget move whose cut was "
                    "rejected or refused, so no money was freed for it (alone it would raise "
                    "spend). Nothing was sent for it.", typed[i].object_id, typed[i].key)
                del typed[i]
        order = sorted(typed)
        verdict = clear(client, [typed[i] for i in order], policy, state=snapshot,
                        receipt=receipt)
        for r in verdict.refusals:
            refusals[order[r.index]] = Refusal(**{**r.as_dict(), "index": order[r.index]})
        passes = {
            order[k]: p for k, p in enumerate(verdict.passes) if p is not None
        }
    edits = {k: list(v) for k, v in budget_edits.items()}
    applied: list[dict[str, Any]] = []
    # Spend reductions first so a budget shift never exceeds the exposure cap mid-way.
    for i in sorted(passes, key=lambda i: _raise_of(writes[i], typed[i]) > 0):
        action = {**writes[i], "args": _args_of(writes[i], typed[i])}
        try:
            result = apply_action(client, typed[i], passes[i], receipt=receipt)
        except PermanentError as exc:  # Meta refused this one write: said, and the rest go on
            refusals[i] = Refusal(i, typed[i].name, "meta_refused", None, None,
                                  f"Refused by Meta: {exc}. Nothing changed on this object.",
                                  typed[i].object_id, None)
            continue
        if typed[i].kind in ("set_budget", "set_spend_limits"):
            edits.setdefault(result["object_id"], []).append(now.isoformat())
        applied.append(_record(action, result, now, today, receipt))
    launched, refused = apply_refreshes(client, chosen, policy=policy, receipt=receipt, now=now,
                                        first_index=len(writes), roots=image_roots)
    applied += [_record(action, result, now, today, receipt) for action, result in launched]
    for action in chosen:
        if action.get("advice"):
            applied.append(
                _record(
                    action, {"status": "noted", "before": None, "after": None}, now, today, receipt
                )
            )
    ordered = [refusals[i].as_dict() for i in sorted(refusals)] + refused
    return {"applied": applied, "refusals": ordered, "budget_edits": edits}


def _args_of(action: dict[str, Any], typed: MoneyAction) -> dict[str, Any]:
    """Return the args as applied (a reallocation's increase may have been shrunk)."""
    args = dict(action.get("args") or {})
    if typed.daily_budget is not None and "daily_budget" in args:
        args["daily_budget"] = typed.daily_budget
    if typed.lifetime_budget is not None and "lifetime_budget" in args:
        args["lifetime_budget"] = typed.lifetime_budget
    return args


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
        **({"note": action["note"]} if action.get("note") else {}),  # e.g. a shrunk raise
        **({"created": result["created"]} if result.get("created") else {}),  # a refresh's
    }
