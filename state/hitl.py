"""Interrupt payloads (approval v1, clarify, wait) and strict parsing of the human's answer.

The approval payload follows LangChain v1's human-in-the-loop shape so Agent Inbox and
agent-chat-ui render it (docs/design.md §3):

    {"schema": "adpilot.approval/1", "kind": "approval",
     "action_requests": [{"name", "args", "description"}],
     "review_configs": [{"action_name", "allowed_decisions"}],
     "description": markdown, "receipt": sha256 of the canonical actions}

Resume with `{"decisions": [{"type": "approve"} | {"type": "edit", "edited_action": {"name",
"args"}} | {"type": "reject", "message": ...}]}`, one per action, in order. `parse_decisions`
refuses anything malformed, partial, too big or too deep (`state/bounds.py`), or quoting another
receipt with a `ResumeError` that says what is wrong and how to fix it. The receipt covers each
action's `name` and `args` (not the human-readable description), so it pins exactly what will be
executed.

A node that refuses an answer asks again with `reask(payload, value, reason)`: the same
payload plus `"error"` (the reason, at most `bounds.MAX_REASON_CHARS`) and `"rejected"`
(`{"digest", "size", "reason"}` of the refused value) — never the value itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from state import bounds

APPROVAL_SCHEMA = "adpilot.approval/1"
CLARIFY_SCHEMA = "adpilot.clarify/1"
WAIT_SCHEMA = "adpilot.wait/1"
DECISION_TYPES = ("approve", "edit", "reject")


class ResumeError(ValueError):
    """A resume value that cannot be accepted; the message names the problem and the fix."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EditedAction(_Strict):
    """The action as the human changed it: same name, new args."""

    name: str
    args: dict[str, Any]


class ApproveDecision(_Strict):
    """Run the action as shown."""

    type: Literal["approve"]


class EditDecision(_Strict):
    """Run the action with the human's edited args.

    `edited_action` stays a plain dict (`{"name", "args"}`, checked against `EditedAction`) so
    nodes can read it like the rest of the JSON-like state.
    """

    type: Literal["edit"]
    edited_action: dict[str, Any]

    @field_validator("edited_action")
    @classmethod
    def _shape(cls, value: dict[str, Any]) -> dict[str, Any]:
        return EditedAction.model_validate(value).model_dump()


class RejectDecision(_Strict):
    """Do not run the action."""

    type: Literal["reject"]
    message: str | None = Field(default=None, max_length=bounds.MAX_ANSWER_CHARS)


Decision = Annotated[ApproveDecision | EditDecision | RejectDecision, Field(discriminator="type")]
_DECISIONS: TypeAdapter[list[Decision]] = TypeAdapter(list[Decision])


def canonical(value: Any) -> str:
    """Return the canonical JSON text used for receipts (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def receipt(actions: Sequence[dict[str, Any]]) -> str:
    """Return the sha256 hex of the actions' canonical names and args, in order."""
    core = [{"name": a["name"], "args": a.get("args", {})} for a in actions]
    return hashlib.sha256(canonical(core).encode()).hexdigest()


def reask(payload: dict[str, Any], value: Any, reason: str) -> dict[str, Any]:
    """Return the interrupt that asks again after refusing `value`: why, and only its digest."""
    record = bounds.rejection(value, reason)
    return {**payload, "error": record["reason"], "rejected": record}


def _short(value: Any, limit: int = 60) -> str:
    """Quote a piece of a refused value in an error: repr, cut to `limit` characters."""
    return bounds.shorten(repr(value), limit)


def approval_payload(actions: Sequence[dict[str, Any]], *, description: str,
                     allowed_decisions: Sequence[str] = DECISION_TYPES) -> dict[str, Any]:
    """Build the v1 approval interrupt value for `actions` ({"name", "args", "description"})."""
    if not actions:
        raise ValueError("an approval needs at least one action")
    bad = set(allowed_decisions) - set(DECISION_TYPES)
    if bad:
        raise ValueError(f"unknown decision types {sorted(bad)}; use {DECISION_TYPES}")
    requests = [{"name": a["name"], "args": a.get("args", {}),
                 "description": a.get("description", "")} for a in actions]
    return {
        "schema": APPROVAL_SCHEMA,
        "kind": "approval",
        "action_requests": requests,
        "review_configs": [{"action_name": a["name"], "allowed_decisions": list(allowed_decisions)}
                           for a in actions],
        "description": description,
        "receipt": receipt(requests),
    }


def parse_decisions(value: Any, payload: dict[str, Any], *, require_receipt: bool = False
                    ) -> list[ApproveDecision | EditDecision | RejectDecision]:
    """Validate a resume value against the approval it answers; return one decision per action.

    Raises `ResumeError` for a value that is not `{"decisions": [...]}`, has the wrong number of
    decisions, uses a decision type the action does not allow, edits an action into another
    one, or quotes a receipt other than the payload's (a forged or stale approval). With
    `require_receipt` (a card that replaced an earlier version of itself), a value quoting no
    receipt is refused too: it may have been meant for the earlier card.
    """
    if payload.get("schema") != APPROVAL_SCHEMA:
        raise ResumeError(f"this is not an {APPROVAL_SCHEMA} payload; nothing to decide")
    try:
        bounds.check_resume_value(value)
    except bounds.BoundsError as exc:
        raise ResumeError(str(exc)) from None
    expected = receipt(payload["action_requests"])
    if payload.get("receipt") != expected:
        raise ResumeError("the approval payload was altered after it was issued (receipt "
                          "mismatch); ask for a fresh approval")
    if not isinstance(value, dict) or "decisions" not in value:
        raise ResumeError('resume value: expected {"decisions": [{"type": "approve"}]} '
                          f"(one per action), got {type(value).__name__}")
    extra = set(value) - {"decisions", "receipt"}
    if extra:
        raise ResumeError(f"resume value: unexpected keys {_short(sorted(extra), 200)}; send only "
                          '"decisions" (and optionally "receipt")')
    if "receipt" in value and value["receipt"] != expected:
        raise ResumeError("resume value: receipt does not match this approval (it answers a "
                          "different or older plan); review the current approval and resend")
    if require_receipt and "receipt" not in value:
        raise ResumeError("resume value: this card was changed after it was first shown, so an "
                          "answer that quotes no receipt may be meant for the older card; read "
                          f'this card and send its receipt with the decisions ("receipt": '
                          f'"{expected}"), or answer it by its interrupt id')
    raw = value["decisions"]
    actions = payload["action_requests"]
    if not isinstance(raw, list):
        raise ResumeError("decisions: expected a list with one decision per action")
    if len(raw) != len(actions):
        raise ResumeError(f"decisions: got {len(raw)} for {len(actions)} action(s); send exactly "
                          "one decision per action, in order")
    try:
        decisions = _DECISIONS.validate_python(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = bounds.shorten(".".join(str(p) for p in err["loc"]), 120)
        raise ResumeError(f"decisions[{where}]: {bounds.shorten(err['msg'], 200)}; each decision is "
                          '{"type": "approve"}, {"type": "edit", "edited_action": {"name", '
                          '"args"}} or {"type": "reject", "message": "..."}') from None
    configs = {c["action_name"]: c["allowed_decisions"] for c in payload["review_configs"]}
    for i, (decision, action) in enumerate(zip(decisions, actions, strict=True)):
        allowed = configs.get(action["name"], [])
        if decision.type not in allowed:
            raise ResumeError(f"decisions[{i}]: {decision.type!r} is not allowed for "
                              f"{action['name']}; allowed: {', '.join(allowed)}")
        edited = decision.edited_action if isinstance(decision, EditDecision) else None
        if edited is not None and edited["name"] != action["name"]:
            raise ResumeError(f"decisions[{i}].edited_action.name: an edit may change the args "
                              f"of {action['name']!r}, not turn it into {_short(edited['name'])}")
    return list(decisions)


def clarify_payload(questions: Sequence[Any], *, brief: str | None = None) -> dict[str, Any]:
    """Build a clarify interrupt: what the brief leaves out or leaves unclear, as questions.

    Questions may be strings or dicts/objects with `field` and `question` (and optionally
    `kind` and `phrase`, see `agents.orchestrator.planning.Question`). Resume with plain text, `{"answers":
    {"<field>": "<value>"}}`, or — for not-understood and unsupported phrases only — "waive" /
    `{"waive": true | ["phrase", ...]}` to launch without them (the card then says so).
    """
    items = []
    for q in questions:
        if isinstance(q, str):
            items.append({"field": q, "question": q, "kind": "missing"})
            continue
        d = q if isinstance(q, dict) else (q.to_dict() if hasattr(q, "to_dict") else vars(q))
        item = {"field": d.get("field", ""), "question": d.get("question", str(q)),
                "kind": d.get("kind") or "missing"}
        item.update({k: d[k] for k in ("phrase", "affects") if d.get(k)})
        items.append(item)
    missing = [i for i in items if i["kind"] == "missing"]
    unclear = [i for i in items if i["kind"] != "missing"]
    parts = []
    if missing:
        parts.append("The brief is missing facts adpilot will not guess:\n\n" + "\n".join(
            f"- **{i['field']}**: {i['question']}" for i in missing))
    if unclear:
        parts.append("adpilot will not launch a plan that differs from the brief without "
                     "saying so:\n\n" + "\n".join(
                         f"- **{i['kind'].replace('_', ' ')}** ‘{i.get('phrase', '')}’: "
                         f"{i['question']}" for i in unclear))
    if any(i["kind"] in ("not_understood", "unsupported") for i in items):
        parts.append("Answer with the missing words, or `waive` to launch without the "
                     "not-understood / unsupported phrases (the card will list them).")
    return {"schema": CLARIFY_SCHEMA, "kind": "clarify", "questions": items,
            "description": "\n\n".join(parts),
            **({"brief": brief} if brief is not None else {})}


def wait_payload(until: datetime | str, reason: str) -> dict[str, Any]:
    """Build a wait interrupt (a durable timer `adpilot tick` resumes after `until`)."""
    if isinstance(until, datetime):
        if until.tzinfo is None:
            raise ValueError("wait until: give a timezone-aware datetime (e.g. UTC)")
        text = until.astimezone(UTC).isoformat()
    else:
        text = datetime.fromisoformat(until).isoformat()
    return {"schema": WAIT_SCHEMA, "kind": "wait", "until": text, "reason": reason}
