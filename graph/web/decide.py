"""A card answered from the browser: the form read into the same resume value the CLI sends.

The form of a card carries the card's `interrupt_id` and `receipt` (hidden), and per action
`decision-<i>` (approve / edit / reject), `reason-<i>` (a rejection's reason) and `edit-<i>`
(the edited plan of a launch, or the edited arguments of another action, as JSON). Buttons
"approve all" / "reject all" send `all`. `decision_value` checks every field and says which one
is wrong and how to fix it (`FormProblem`); the web app then resumes the thread exactly as
`adpilot approve` does — the receipt quoted, addressed to the interrupt the page showed, the
spend confirmation asked when the card needs it — so a stale or forged post changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from state import bounds

MAX_REASON = bounds.MAX_REASON_CHARS


class FormProblem(ValueError):
    """A field of a posted form that cannot be used, and how to fix it."""


def _text(form: Mapping[str, Any], key: str, *, limit: int = MAX_REASON) -> str:
    value = form.get(key)
    text = value if isinstance(value, str) else ""
    if len(text) > limit:
        raise FormProblem(f"{key}: {len(text)} characters, more than {limit}; say it shorter")
    return text.strip()


def card_identity(form: Mapping[str, Any]) -> tuple[str, str]:
    """Return the card the page showed: (interrupt_id, receipt), both required."""
    interrupt_id, receipt = _text(form, "interrupt_id", limit=200), _text(form, "receipt",
                                                                         limit=200)
    if not interrupt_id or not receipt:
        missing = "interrupt_id" if not interrupt_id else "receipt"
        raise FormProblem(f"{missing}: the form does not say which card it answers; open the "
                          "card's page again and answer it there")
    return interrupt_id, receipt


def _edited(form: Mapping[str, Any], i: int, action: Mapping[str, Any]) -> dict[str, Any]:
    key = f"edit-{i}"
    raw = _text(form, key, limit=bounds.MAX_RESUME_BYTES)
    if not raw:
        raise FormProblem(f"{key}: empty; an edit needs the changed JSON (or choose approve)")
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FormProblem(f"{key}: not valid JSON ({exc.msg}, line {exc.lineno} column "
                          f"{exc.colno}); fix it or choose approve/reject") from None
    if not isinstance(doc, dict):
        raise FormProblem(f"{key}: give a JSON object ({{...}}), not {type(doc).__name__}")
    name = str(action.get("name") or "")
    args = {"plan": doc} if name == "launch_campaign" else doc
    return {"type": "edit", "edited_action": {"name": name, "args": args}}


def decision_value(form: Mapping[str, Any], payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the resume value for the pending approval `payload` from the posted `form`."""
    actions = [a for a in payload.get("action_requests") or [] if isinstance(a, dict)]
    configs = {c.get("action_name"): c.get("allowed_decisions") or []
               for c in payload.get("review_configs") or [] if isinstance(c, dict)}
    every = _text(form, "all", limit=20)
    if every and every not in ("approve", "reject"):
        raise FormProblem(f"all: {every!r}; use approve or reject")
    decisions = []
    for i, action in enumerate(actions):
        kind = every or _text(form, f"decision-{i}", limit=20)
        if not kind:
            raise FormProblem(f"decision-{i}: no decision for action {i + 1} "
                              f"({action.get('name')}); choose approve, edit or reject")
        allowed = configs.get(action.get("name")) or ["approve", "reject"]
        if kind not in allowed:
            raise FormProblem(f"decision-{i}: {kind!r} is not allowed for action {i + 1} "
                              f"({action.get('name')}); choose one of {', '.join(allowed)}")
        if kind == "approve":
            decisions.append({"type": "approve"})
        elif kind == "reject":
            reason = _text(form, "reason" if every else f"reason-{i}") or "rejected in the web inbox"
            decisions.append({"type": "reject", "message": reason})
        else:
            decisions.append(_edited(form, i, action))
    if not decisions:
        raise FormProblem("the card has no action to decide")
    value: dict[str, Any] = {"decisions": decisions}
    bounds.check_resume_value(value)
    return value


def approves_any(value: Mapping[str, Any]) -> bool:
    """Return True when the answer approves any action."""
    return any(d.get("type") == "approve" for d in value.get("decisions") or [])
