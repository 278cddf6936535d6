"""The launch's money gate: the plan's campaign and ad sets judged against the live account.

- `plan_actions(plan, ctx, go_live=)` → the typed creates of a plan (budgets exactly as the
  launcher sends them; counted live when the approval says go live).
- `preview(client, plan, ctx, go_live=)` → the gate's verdict on the card, before approval
  (`validate_plan` turns a refusal into a problem, so "approve" is not offered). Not
  authoritative: `check_launch` runs again after the approval, before the first write.
- `clear_launch(state, runtime, actions=)` → the authoritative verdict after the approval
  (refusals ledgered; `create_campaigns` writes with its passes); `check_launch` → None when
  the launch may go on, else the state update of a refused launch (phase `refused`, nothing
  written).
- `go_live_of(state, ctx)` / `requested_go_live(state, ctx)` → whether the launch goes live
  (the approval's choice first / before any approval).
- `spend_check(client, plan, currency)` → the per-launch sanity check: on an account that has
  spent before, a daily budget above 10× its largest day of the last 30 days, in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime

from agents.common import client_of
from agents.orchestrator.card import spend_summary
from agents.orchestrator.meta_checks import asset_placeholders
from state.context import Context, act_id
from state.guardrails import GateResult, MoneyAction, format_refusals, gate, spend_sanity
from state.meta_tree import to_meta_tree
from tools.launch import create_actions
from tools.money import account_state, best_day_spend, clear


def plan_actions(plan: dict[str, Any], ctx: Any, *, go_live: bool) -> list[MoneyAction]:
    """Return the campaign and ad set creates of `plan` as the launcher will send them."""
    images = asset_placeholders(plan)  # budgets do not depend on the assets
    tree = to_meta_tree(plan, account_id=ctx.account_id, page_id=ctx.page_id or "0",
                        image_hashes=images["image"], video_ids=images["video"])
    return create_actions(tree, act_id(str(ctx.account_id)), live=go_live)


def requested_go_live(state: Mapping[str, Any], ctx: Any) -> bool:
    """Tell whether the launch is asked to go live before anyone approved it.

    An explicit choice (--live, an edit), else what the brief asked (`plan.go_live`: go live,
    or keep it paused), else the policy's default.
    """
    if state.get("go_live") is not None:
        return bool(state["go_live"])
    asked = (state.get("plan") or {}).get("go_live")
    return bool(ctx.policy.go_live if asked is None else asked)


def go_live_of(state: Mapping[str, Any], ctx: Any) -> bool:
    """Tell whether the launch goes live: the approval's choice, else `requested_go_live`."""
    approval = state.get("approval") or {}
    if "go_live" in approval:
        return bool(approval["go_live"])
    return requested_go_live(state, ctx)


def preview(client: Any, plan: dict[str, Any], ctx: Any, *, go_live: bool) -> GateResult:
    """Judge launching `plan` now (reads only, nothing ledgered)."""
    snapshot = account_state(client, currency=ctx.currency)
    return gate(plan_actions(plan, ctx, go_live=go_live), ctx.policy, snapshot)


def refusal_problems(result: GateResult) -> list[dict[str, Any]]:
    """Return the card's problems for a launch the gate would refuse (they block approval)."""
    return [{"path": "budget", "message": r.message, "rule": "money_gate",
             "fix": "lower the budget (edit the plan), or have a person raise the cap in the "
                    "policy file"} for r in result.refusals]


def refused_update(result: GateResult, where: str) -> dict[str, Any]:
    """Return the state update of a launch the gate refused after approval."""
    return {"phase": "refused", "refusals": [r.as_dict() for r in result.refusals],
            "gate": result.summary(),
            "status": f"refused by the money gate at {where}; nothing was written:\n"
                      + format_refusals(result.refusals)}


def clear_launch(state: Mapping[str, Any], runtime: Runtime[Context],
                 actions: list[MoneyAction] | None = None) -> GateResult:
    """Run the authoritative gate on the approved launch's creates (refusals are ledgered).

    `actions` default to the plan's (`plan_actions`); the launcher passes the real tree's.
    """
    ctx = runtime.context
    if actions is None:
        actions = plan_actions(state["plan"], ctx, go_live=go_live_of(state, ctx))
    return clear(client_of(runtime), actions, ctx.policy, currency=ctx.currency,
                 receipt=(state.get("approval") or {}).get("receipt"))


def check_launch(state: Mapping[str, Any], runtime: Runtime[Context], where: str) -> dict[str, Any] | None:
    """Return None when the approved launch may go on, else the state update of its refusal."""
    result = clear_launch(state, runtime)
    return None if result.ok else refused_update(result, where)


def spend_check(client: Any, plan: dict[str, Any], currency: str,
                now: datetime | None = None) -> dict[str, Any] | None:
    """Check a launch's daily budget against the account's best day (None: nothing to say).

    `now`: when the plan is checked (a lifetime budget without a start spreads from it).
    """
    best = best_day_spend(client, currency)
    if best <= 0:
        return None
    return spend_sanity(int(spend_summary(plan, now)["daily"]), best, currency)
