"""Approval node: the launch plan goes to a human before anything is written to Meta.

`review_plan` raises one `approval` interrupt (payload v1 of `state/hitl.py`, a single
`launch_campaign` action whose args are the plan and whether to go live) with a markdown card
(`agents/orchestrator/card.py`). It has no side effect before `interrupt()` — the node re-runs on resume.
The card names each file by the hash that launches; one changed on disk since it was pinned
(`tools/asset_cache.py`) is a line on the card: a new asset, not the one that uploads.
Decisions: approve → launch; edit → the edited plan (its derived names made again from the
edited content, `planning/names/rederive.py`) is re-validated and shown again, the card
saying what the edit changed (`card_diff.py`); reject →
the thread ends with nothing written. A malformed, too big or too deep resume value re-asks
with what was wrong (`hitl.reask`: the reason and the refused value's digest, never the value).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from langgraph.runtime import Runtime

from agents.common import ask_until_valid, thread_id_of
from agents.orchestrator.card import render_card
from agents.orchestrator.card_diff import edit_changes
from agents.orchestrator.launch_gate import requested_go_live
from agents.orchestrator.planning.names.rederive import rederive_names
from state import bounds, hitl
from state import plan as plans
from state.context import Context
from state.exposure import parse_time
from state.schema import AdpilotState
from tools.asset_cache import asset_changes, change_text

Decision = hitl.ApproveDecision | hitl.EditDecision | hitl.RejectDecision
ACTION = "launch_campaign"


def launch_actions(plan: dict[str, Any], go_live: bool) -> list[dict[str, Any]]:
    """Return the single approvable action of a launch."""
    name = plan.get("name", "campaign")
    return [{"name": ACTION, "args": {"plan": plan, "go_live": go_live},
             "description": f"Create “{name}” on Meta ({'live' if go_live else 'paused'})"}]


def reading_of(state: Mapping[str, Any]) -> dict[str, Any]:
    """How the thread's brief was read: what was not understood, adjusted or waived."""
    return {k: state.get(k) or [] for k in ("not_understood", "adjustments", "waived")}


def approval_payload(state: Mapping[str, Any], go_live: bool,
                     where: Mapping[str, Any] | None = None,
                     asset_notes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Build the approval interrupt for the current plan (pure).

    `where` names the ad account, page and pixel the launch uses (shown on the card);
    `asset_notes` are the card lines of files changed since they were pinned.
    """
    plan = state["plan"]
    problems = state.get("problems") or []
    warnings = [*(state.get("warnings") or []), *(asset_notes or [])]
    card = render_card(plan, validation=state.get("validation"), problems=problems,
                       warnings=warnings, go_live=go_live, reading=reading_of(state),
                       where=where, estimates=state.get("estimates"),
                       changes=state.get("edit_changes"),
                       now=parse_time(state.get("checked_at")))
    # A plan with open problems (a bad edit) can only be edited again or rejected.
    allowed = ["edit", "reject"] if problems else ["approve", "edit", "reject"]
    # Agent Inbox and agent-chat-ui show each action's description, not the card's: the
    # launch's one action carries the whole card (the receipt pins name and args only).
    actions = [{**a, "description": card} for a in launch_actions(plan, go_live)]
    return hitl.approval_payload(actions, description=card, allowed_decisions=allowed)


def _edited_plan(decision: hitl.EditDecision) -> tuple[dict[str, Any], bool | None]:
    action = decision.edited_action
    args = action.get("args") or {} if isinstance(action, dict) else action.args
    plan = args.get("plan")
    if not isinstance(plan, dict):
        raise hitl.ResumeError('edit: edited_action.args.plan must be the full plan object '
                               '(start from `adpilot plan BRIEF --json`)')
    try:
        bounds.check_plan(plan, "edit: edited_action.args.plan")
    except bounds.BoundsError as exc:
        raise hitl.ResumeError(str(exc)) from None
    try:
        plans.load_plan(plan)
    except plans.PlanError as exc:
        first = exc.problems[0]
        raise hitl.ResumeError(f"edit: plan.{first.path}: {first.message} — {first.fix}") from None
    go_live = args.get("go_live")
    return plan, go_live if isinstance(go_live, bool) else None


def review_plan(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Ask the human to approve, edit or reject the launch; record the decision."""
    go_live = requested_go_live(state, runtime.context)
    ctx = runtime.context
    where = {"account": state.get("account") or ctx.account_id, "page": ctx.page_id,
             "pixel": ctx.pixel_id, "sandbox": bool(ctx.sandbox)}
    # A file changed since the plan pinned it is a new asset: the card says which one uploads.
    notes = [{"path": f"{c['field']}.path", "message": change_text(c, thread_id_of(runtime)),
              "rule": "asset"}
             for c in asset_changes(state.get("plan") or {}, ctx.assets)]
    payload = approval_payload(state, go_live, where, notes)

    def read(value: Any) -> tuple[Decision, tuple[dict[str, Any], bool | None] | None]:
        # An edited plan is a new card: an answer must show it is for this one.
        decision = hitl.parse_decisions(value, payload, require_receipt=bool(state.get("revision")))[0]
        if decision.type == "approve" and state.get("problems"):
            raise hitl.ResumeError("approve: the plan still has problems; edit it or reject it")
        return decision, _edited_plan(decision) if isinstance(decision, hitl.EditDecision) else None

    decision, edit = ask_until_valid(payload, read)
    kind = decision.type
    at = datetime.now(UTC).isoformat()
    record = {"receipt": payload["receipt"], "decisions": [decision.model_dump(mode="json")], "at": at}
    if kind == "approve":
        return {"approval": {**record, "decision": "approve", "go_live": go_live},
                "phase": "approved", "status": "approved; launching"}
    if edit is not None:
        edited, live = edit
        # A name the planner made of what the edit changed is made again (ad set "US 25-45"
        # follows its edited ages); one the person wrote in the file is kept.
        edited, renamed = rederive_names(state.get("plan") or {}, edited)
        edited["key_salt"] = thread_id_of(runtime)  # keys stay per-thread after an edit
        changes = edit_changes(state.get("plan") or {}, edited, renamed)  # on the next card
        return {"plan": edited, "go_live": go_live if live is None else live, "approval": None,
                "edit_changes": changes,
                "revision": int(state.get("revision") or 0) + 1, "phase": "edited",
                "status": "plan edited; checking it again"}
    message = getattr(decision, "message", None) or "rejected"
    return {"approval": {**record, "decision": "reject", "message": message},
            "phase": "rejected", "status": f"rejected: {message}; nothing was written"}
