"""The optimise loop's graph nodes and routers.

Wire (graph/builder.py)::

    activate → wait_for_data ⏸ → collect_insights (agents/insights.py) → decide_actions
    decide_actions  --route_after_decide_actions-->  review_actions | wait_for_data | END
    review_actions ⏸ → apply_actions
    apply_actions   --route_after_apply_actions-->   wait_for_data | END

State keys read: `created` (campaign / ad_sets / ads ids), `plan`, `cycle`, `optimize`.
State keys written: `cycle` (optimise cycles decided so far, bounded by `context.max_cycles`
— never the recursion limit), `proposed_actions` (the current card's action_requests),
`applied_actions` (append-only history, each with before/after, expected effect and later its
judgement), `phase`, `status`, and `optimize` (one dict: `wait_until`, `collected`, `today`,
`proposal`, `review`, `budget_edits`, `judgements`, `experiment`, `requests`, `targets`,
`done`). Everything is JSON-like.

Rules: nothing side-effecting runs before an `interrupt()` in the same node (the node re-runs
on resume); `apply_actions` executes only actions whose approval quotes the proposal's receipt,
and only what the guardrails (`state/guardrails.py`) let through.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Literal

from langgraph.types import interrupt

from agents.optimize_cycle import (
    auto_approvable,
    execute_approved,
    judge_applied,
    propose,
)
from agents.optimize_io import account_now
from prompts.optimize import card_markdown
from state.hitl import ResumeError, approval_payload, parse_decisions, receipt, wait_payload

__all__ = [
    "apply_actions",
    "decide_actions",
    "review_actions",
    "route_after_apply_actions",
    "route_after_decide_actions",
    "wait_for_data",
]


def _opt(state: dict[str, Any]) -> dict[str, Any]:
    return dict(state.get("optimize") or {})


def _client(runtime: Any) -> Any:
    from agents.common import client_of

    return client_of(runtime)


def campaign_end(state: dict[str, Any]) -> str | None:
    """Return the plan's end date (ISO date) or None for an open-ended campaign."""
    end = (state.get("plan") or {}).get("end_time")
    return str(end)[:10] if end else None


def wait_for_data(state: dict[str, Any], runtime: Any) -> dict[str, Any]:
    """Pause the thread until `cycle_days` of new data exist (a durable `wait` interrupt)."""
    opt = _opt(state)
    until = opt.get("wait_until")
    if not until:
        # First wait after launch: nothing was scheduled yet, so start from the account clock.
        now = account_now(_client(runtime), runtime.context)
        until = (now + timedelta(days=runtime.context.cycle_days)).isoformat()
    reason = (
        f"waiting {runtime.context.cycle_days} day(s) for delivery data before optimise "
        f"cycle {int(state.get('cycle') or 0) + 1} of {runtime.context.max_cycles}"
    )
    answer = interrupt(wait_payload(until, reason))
    opt["wait_until"] = until
    if isinstance(answer, dict) and answer.get("requests"):
        # plain-word budget requests ride on the wake-up (`adpilot optimize THREAD --request`)
        opt["requests"] = [str(r) for r in answer["requests"]]
    return {"optimize": opt, "phase": "collecting", "status": "collecting insights"}


def decide_actions(state: dict[str, Any], runtime: Any) -> dict[str, Any]:
    """Judge past actions, then propose this cycle's actions with evidence (no writes)."""
    client = _client(runtime)
    opt = _opt(state)
    proposal, evidence = propose(client, state, runtime.context)
    judgements = judge_applied(state.get("applied_actions") or [], evidence, runtime.context)
    applied = [
        {**a, "judgement": judgements.get(str(i), a.get("judgement"))}
        for i, a in enumerate(state.get("applied_actions") or [])
    ]
    cycle = int(state.get("cycle") or 0) + 1
    requests = [
        {"name": a["name"], "args": a["args"], "description": a.get("description", "")}
        for a in proposal["actions"]
    ]
    opt.update(
        phase_budgets=evidence["phase_budgets"],
        proposal=proposal,
        receipt=receipt(requests) if requests else None,
        review=None,
        done=finished(state, runtime.context, cycle, opt.get("today")),
        wait_until=(
            datetime.fromisoformat(evidence["now"]) + timedelta(days=runtime.context.cycle_days)
        ).isoformat(),
    )
    opt["requests"] = []  # plain-word budget requests are proposed once
    return {
        "optimize": opt,
        "cycle": cycle,
        "proposed_actions": requests,
        "applied_actions": applied,
        "phase": "decided",
        "status": f"cycle {cycle}: {len(requests)} action(s) proposed",
    }


def review_actions(state: dict[str, Any], runtime: Any) -> dict[str, Any]:
    """One approval card for every proposed action; low-risk kinds may pass by policy."""
    opt = _opt(state)
    proposal = opt.get("proposal") or {"actions": []}
    actions = proposal["actions"]
    policy = runtime.context.policy
    auto = [auto_approvable(a, policy) for a in actions]
    card_idx = [i for i, ok in enumerate(auto) if not ok]
    decisions: list[dict[str, Any]] = [
        {"type": "approve", "by": "policy"} if ok else {} for ok in auto
    ]
    if card_idx:
        card_actions = [actions[i] for i in card_idx]
        payload = approval_payload(
            [
                {"name": a["name"], "args": a["args"], "description": a.get("description", "")}
                for a in card_actions
            ],
            description=card_markdown(
                state,
                proposal,
                card_actions,
                auto_applied=[actions[i] for i, ok in enumerate(auto) if ok],
            ),
        )
        answer = interrupt(payload)
        while True:
            try:
                parsed = parse_decisions(answer, payload)
                break
            except ResumeError as exc:
                # (issue 5) A forged, stale or malformed answer re-asks with what was wrong;
                # raising instead would store the bad answer and wedge the card.
                answer = interrupt({**payload, "error": str(exc)})
        for i, d in zip(card_idx, parsed, strict=True):
            decisions[i] = {**d.model_dump(), "by": "human"}
    opt["review"] = {"receipt": opt.get("receipt"), "decisions": decisions}
    return {"optimize": opt, "phase": "reviewed", "status": "actions reviewed"}


def apply_actions(state: dict[str, Any], runtime: Any) -> dict[str, Any]:
    """Execute the approved actions (receipt checked, guardrails enforced, read back)."""
    opt = _opt(state)
    proposal = opt.get("proposal") or {"actions": []}
    review = opt.get("review") or {}
    if review.get("receipt") != opt.get("receipt"):
        raise RuntimeError(
            "apply_actions: the approval quotes a different receipt than the proposal; "
            "nothing was applied — run the cycle again to get a fresh approval"
        )
    client = _client(runtime)
    result = execute_approved(
        client,
        proposal["actions"],
        review.get("decisions") or [],
        receipt=opt.get("receipt"),
        policy=runtime.context.policy,
        now=account_now(client, runtime.context),
        budget_edits=opt.get("budget_edits") or {},
        today=opt.get("today"),
    )
    opt["budget_edits"] = result["budget_edits"]
    opt["last_refusals"] = result["refusals"]
    applied = list(state.get("applied_actions") or []) + result["applied"]
    return {
        "optimize": opt,
        "applied_actions": applied,
        "proposed_actions": [],
        "phase": "applied",
        "status": f"cycle {state.get('cycle')}: {len(result['applied'])} action(s) applied",
    }


def finished(state: dict[str, Any], ctx: Any, cycle: int, today: str | None) -> bool:
    """Return True once `max_cycles` cycles ran or the campaign's end date has passed."""
    if cycle >= ctx.max_cycles:
        return True
    end = campaign_end(state)
    return bool(end and today and date.fromisoformat(today) > date.fromisoformat(end))


def _done(state: dict[str, Any]) -> bool:
    return bool((state.get("optimize") or {}).get("done"))


def route_after_decide_actions(
    state: dict[str, Any],
) -> Literal["review_actions", "wait_for_data", "__end__"]:
    """Review proposals; with none, wait for the next cycle or stop at the bound."""
    if state.get("phase") != "decided":
        raise RuntimeError(f"route_after_decide_actions: unexpected phase {state.get('phase')!r}")
    if state.get("proposed_actions"):
        return "review_actions"
    return "__end__" if _done(state) else "wait_for_data"


def route_after_apply_actions(state: dict[str, Any]) -> Literal["wait_for_data", "__end__"]:
    """Next cycle, or stop after `max_cycles` or once the campaign has ended."""
    if state.get("phase") != "applied":
        raise RuntimeError(f"route_after_apply_actions: unexpected phase {state.get('phase')!r}")
    return "__end__" if _done(state) else "wait_for_data"
