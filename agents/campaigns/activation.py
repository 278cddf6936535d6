"""Activation of a paused launch: its own approval card, then the money gate, then the write.

A launch approved without "go live" creates the tree PAUSED. Before this card the thread
then went on to its optimise timer anyway, and the loop ran its cycles on a campaign that
could not deliver ("0 actions"), while the only way to switch it on was Ads Manager. Now the
thread waits for activation: `review_activation` raises an approval interrupt (payload v1 of
`state/hitl.py`, one `activate_launch` action; approve or reject, nothing to edit). The wait
is durable like every interrupt — the thread sits in the checkpoint until someone answers,
from the CLI (`adpilot approve THREAD`), LangGraph Server or an inbox.

- approve → `state["activation"]` records the decision with the card's receipt and the thread
  goes back to `activate` (`agents/campaigns/nodes.py`), which sets the tree ACTIVE in one
  batch under that receipt, after the money gate passed every activation on the account's
  live state (`tools.launch.activate_tree` → `tools.money.require`; a refusal ends the thread
  in phase `refused`, nothing written), then records when (`activation.activated_at`, on
  the account clock: the first optimise cycle counts from it);
- reject → the thread ends in phase `activation_rejected`; the tree stays PAUSED.

The card is built from the thread's state only (the plan and the ids created), never from a
live read, so it is the same card — with the same receipt — when the node re-runs on resume.
`adpilot run --yes` approves the launch, not this card: `--yes` never switches spend on by
itself (`graph/cli/common.py::drive` stops here).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from langgraph.runtime import Runtime

from agents.common import ask_until_valid
from agents.orchestrator.card import spend_summary
from state import hitl
from state.context import Context
from state.exposure import parse_time
from state.rules import format_money
from state.schema import AdpilotState

ACTION = "activate_launch"


def activation_action(state: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """Return the card's one action: switch on the launched tree (args name every object)."""
    plan = dict(state.get("plan") or {})
    created = state.get("created") or {}
    ad_sets = sorted(str(v) for v in (created.get("ad_sets") or {}).values())
    ads = sorted(str(v) for v in (created.get("ads") or {}).values())
    money = spend_summary(plan, launched_at(state))
    daily = format_money(int(money["daily"]), currency)
    total = "no end date" if money["total"] is None else \
        f"at most {format_money(int(money['total']), currency)} in all"
    start = str(plan.get("start_time") or "")[:10] or "as soon as it is on"
    end = str(plan.get("end_time") or "")[:10]
    description = (f"Switch on “{plan.get('name') or 'campaign'}” (campaign {created.get('campaign')}, "
                   f"{len(ad_sets)} ad set(s), {len(ads)} ad(s)): {daily} a day, {total}; "
                   f"delivers from {start}" + (f" to {end}" if end else "") + ". It was created "
                   "PAUSED; approving sets it ACTIVE after the money gate checks it against the "
                   "account's live spend.")
    return {"name": ACTION, "description": description,
            "args": {"campaign_id": str(created.get("campaign")), "ad_set_ids": ad_sets,
                     "ad_ids": ads, "daily_budget_minor": int(money["daily"])}}


def launched_at(state: Mapping[str, Any]) -> datetime | None:
    """When the tree was created (the launch gate's account clock), else when it was checked.

    A plan without a start delivers from its launch, so a lifetime budget's daily share counts
    its days from then, as the money gate did. Read from state: the card stays the same card.
    """
    for at in ((state.get("gate") or {}).get("at"), state.get("checked_at")):
        if at:
            return parse_time(at)
    return None


def activation_card(state: Mapping[str, Any], currency: str) -> dict[str, Any]:
    """Build the activation approval interrupt (pure: the same state gives the same receipt)."""
    action = activation_action(state, currency)
    markdown = "\n".join([
        "## Switch the campaign on?", "",
        f"- {action['description']}",
        "- **Approve** to activate it now (the first optimise cycle then waits for its start "
        "and its first days of data).",
        "- **Reject** to leave it PAUSED; this thread then ends (start it later in Ads Manager, "
        "and `adpilot watch CAMPAIGN_ID` to optimise it).",
    ])
    # Agent Inbox and agent-chat-ui show the action's description: it carries the whole card.
    return hitl.approval_payload([{**action, "description": markdown}], description=markdown,
                                 allowed_decisions=["approve", "reject"])


def is_activation_card(payload: Mapping[str, Any] | None) -> bool:
    """Tell whether an interrupt is this card (the CLI's `--yes` never answers it)."""
    return any(r.get("name") == ACTION for r in (payload or {}).get("action_requests") or [])


def review_activation(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask whether to switch the paused launch on; record the decision (no write here)."""
    payload = activation_card(state, runtime.context.currency)
    decision = ask_until_valid(payload, lambda value: hitl.parse_decisions(value, payload)[0])
    record = {"receipt": payload["receipt"], "decision": decision.type,
              "decisions": [decision.model_dump(mode="json")],
              "at": datetime.now(UTC).isoformat()}
    if decision.type == "approve":
        return {"activation": record, "phase": "activation_approved",
                "status": "activation approved; switching the campaign on"}
    message = getattr(decision, "message", None) or "rejected"
    return {"activation": {**record, "message": message}, "phase": "activation_rejected",
            "status": f"activation rejected ({message}): the campaign stays PAUSED on Meta; "
                      "this thread ends (`adpilot watch CAMPAIGN_ID` optimises it once it runs)"}
