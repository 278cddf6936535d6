"""Approval node: the launch plan goes to a human before anything is written to Meta.

`review_plan` raises one `approval` interrupt (payload v1 of `state/hitl.py`, a single
`launch_campaign` action whose args are the plan and whether to go live) with a markdown card
(`agents/orchestrator/card.py`). It has no side effect before `interrupt()` — the node re-runs on resume.
The card names each file by the hash that launches; one changed on disk since it was pinned
(`tools/asset_cache.py`) is a line on the card: a new asset, not the one that uploads.
Decisions: approve → launch; edit → the edited plan (its derived names made again from the
edited content, `planning/names/rederive.py`) is re-validated and shown again, the card
saying what the edit changed (`card_diff.py`) — or, when the edit has problems, the card
before it is put back, saying why the edit was not applied (below); reject →
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
from agents.orchestrator.card_diff import asset_lines, edit_changes
from agents.orchestrator.launch_gate import requested_go_live
from agents.orchestrator.planning.names.rederive import rederive_names
from state import bounds, hitl
from state import plan as plans
from state.context import Context
from state.exposure import parse_time
from state.schema import AdpilotState
from tools.asset_cache import asset_changes, change_text, pins

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
    refused = state.get("edit_refused") or {}
    card = "\n".join([*refusal_lines(refused), card])
    # A plan with open problems (a bad edit) can only be edited again or rejected.
    allowed = ["edit", "reject"] if problems else ["approve", "edit", "reject"]
    # Agent Inbox and agent-chat-ui show each action's description, not the card's: the
    # launch's one action carries the whole card (the receipt pins name and args only).
    actions = [{**a, "description": card} for a in launch_actions(plan, go_live)]
    payload = hitl.approval_payload(actions, description=card, allowed_decisions=allowed)
    # Asked again after a refused edit: the answer (the edit) was not taken, and says why.
    return {**payload, "error": refused["error"]} if refused.get("error") else payload


def _edited_plan(decision: hitl.EditDecision, thread: str) -> tuple[dict[str, Any], bool | None]:
    action = decision.edited_action
    args = action.get("args") or {} if isinstance(action, dict) else action.args
    plan = args.get("plan")
    if not isinstance(plan, dict):
        raise hitl.ResumeError('edit: edited_action.args.plan must be the full plan object '
                               f'(start from `adpilot plan {thread} --export FILE`)')
    try:
        bounds.check_plan(plan, "edit: edited_action.args.plan",
                          bounds.plan_fix(f"`adpilot plan {thread} --export FILE` writes"))
    except bounds.BoundsError as exc:
        raise hitl.ResumeError(str(exc)) from None
    try:
        plans.load_plan(plan)
    except plans.PlanError as exc:  # the card stays as it was: asked again, saying why
        raise hitl.ResumeError(refusal_text([p.to_dict() for p in exc.problems], thread)) from None
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
        return decision, (_edited_plan(decision, thread_id_of(runtime))
                          if isinstance(decision, hitl.EditDecision) else None)

    decision, edit = ask_until_valid(payload, read)
    kind = decision.type
    at = datetime.now(UTC).isoformat()
    record = {"receipt": payload["receipt"], "decisions": [decision.model_dump(mode="json")], "at": at}
    if kind == "approve":
        return {"approval": {**record, "decision": "approve", "go_live": go_live},
                "edit_refused": None, "before_edit": None,
                "phase": "approved", "status": "approved; launching"}
    if edit is not None:
        edited, live = edit
        # A name the planner made of what the edit changed is made again (ad set "US 25-45"
        # follows its edited ages); one the person wrote in the file is kept.
        edited, renamed = rederive_names(state.get("plan") or {}, edited)
        edited["key_salt"] = thread_id_of(runtime)  # keys stay per-thread after an edit
        changes = edit_changes(state.get("plan") or {}, edited, renamed)  # on the next card
        return {"plan": edited, "go_live": go_live if live is None else live, "approval": None,
                "edit_changes": changes, "edit_refused": None,
                # the card shown now, put back if the edit is refused (`keep_card_before_edit`)
                "before_edit": card_before_edit(state),
                "revision": int(state.get("revision") or 0) + 1, "phase": "edited",
                "status": "plan edited; checking it again"}
    message = getattr(decision, "message", None) or "rejected"
    return {"approval": {**record, "decision": "reject", "message": message},
            "edit_refused": None, "before_edit": None, "phase": "rejected",
            "status": f"rejected: {message}; nothing was written"}


# -- a refused edit ------------------------------------------------------------------------------
# Why: a bad edit (over the money cap, ages 70–45, a currency that is not the account's) used to
# become the pending card, which allowed only edit or reject — the good card before it was lost
# and a plain `approve` was refused. Now `review_plan` keeps what the pending card showed when an
# edit comes in (`card_before_edit` → state `before_edit`); when `validate_plan` finds problems in
# the edited plan, `keep_card_before_edit` puts that card back (plan, checks, gate verdict,
# estimates: the same receipt) with the edit's problems in `edit_refused` (phase `edit_refused`).
# `review_plan` asks again with it: the card says the edit was not applied and why
# (`refusal_lines`) and the interrupt carries the same text as `error`, so the CLI exits 2 naming
# each field and its fix — and `approve` approves the plan the card shows. A plan that does not
# even parse is refused the same way before any check (`_edited_plan` → `refusal_text`).

# What the pending card is made of: put back whole, so the card and its receipt are as before.
CARD_KEYS = ("plan", "go_live", "problems", "warnings", "validation", "estimates", "gate",
             "spend_check", "edit_changes", "checked_at")
SHOWN = 5  # problems spelled out in the error; the card lists them all


def again(thread: str) -> str:
    """Say what to do after a refused edit (the card before it is still the pending one)."""
    return (f"the card before the edit is still pending: approve it as it is (adpilot approve "
            f"{thread}), or edit the file again: adpilot approve {thread} --edit FILE")


def refusal_text(problems: list[Mapping[str, Any]], thread: str) -> str:
    """Return the error of a refused edit: each field, what is wrong and its fix, then what next."""
    named = [f"plan.{p.get('path', '?')}: {p.get('message', '')} — fix: {p.get('fix', '')}"
             for p in problems[:SHOWN]]
    more = f"; and {len(problems) - SHOWN} more (listed on the card)" if len(problems) > SHOWN else ""
    return f"edit not applied — {'; '.join(named)}{more}. Nothing was written; {again(thread)}"


def card_before_edit(state: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return what the pending card shows, to put back if the edit coming in is refused.

    A card with problems could not be approved: the one before it (if any) stays the fallback.
    """
    if state.get("problems"):
        return state.get("before_edit")
    return {key: state.get(key) for key in CARD_KEYS}


def keep_card_before_edit(state: Mapping[str, Any], update: dict[str, Any],
                          thread: str) -> dict[str, Any]:
    """Turn `validate_plan`'s update for a refused edit into the card before it, saying why.

    Anything else (a valid edit, a plan planned from a brief, a throttle wait) passes unchanged.
    """
    before = state.get("before_edit")
    if update.get("phase") != "invalid" or not int(state.get("revision") or 0) or not before:
        return update
    problems = list(update.get("problems") or [])
    return {**before, "phase": "edit_refused",
            "edit_refused": {"problems": problems, "error": refusal_text(problems, thread)},
            "status": f"edit not applied: {len(problems)} problem(s); the card before it is "
                      "pending again and nothing was written"}


def card_pins(state: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    """Return the card's pinned assets that an edit being checked keeps (none without an edit).

    Editing a headline must not swap in whatever an image file holds now: the bytes the card
    showed still launch unless the edit changes the asset (`tools.asset_cache.pin_assets`).
    """
    if not int(state.get("revision") or 0):
        return frozenset()
    return pins((state.get("before_edit") or {}).get("plan"))


def edited_assets(state: Mapping[str, Any], plan: dict[str, Any], access: Any) -> dict[str, Any]:
    """Add to the edit's diff which file launches for assets changed on disk since the card."""
    before = (state.get("before_edit") or {}).get("plan")
    if not int(state.get("revision") or 0) or not before:
        return {}
    said = list(state.get("edit_changes") or [])
    lines = [line for line in asset_lines(before, plan, asset_changes(plan, access))
             if line not in said]  # a check run again (after a throttle) adds nothing twice
    return {"edit_changes": [*said, *lines]} if lines else {}


def refusal_lines(refused: Mapping[str, Any] | None) -> list[str]:
    """Return the card's block about a refused edit (none when the last edit was applied)."""
    if not refused:
        return []
    return ["### ⚠️ Your edit was not applied",
            *[f"- ❌ `plan.{p.get('path', '?')}`: {p.get('message', '')} — fix: {p.get('fix', '')}"
              for p in refused.get("problems") or []],
            "- The plan below is the card from before the edit, unchanged: approve it as it is, "
            "or fix the plan and edit it again.", ""]
