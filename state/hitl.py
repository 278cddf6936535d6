"""Interrupt payloads (approval v1, clarify, wait) and strict parsing of the human's answer.

Longer than 300 lines because the payloads, the UIs' answer shapes and the strict parsing of
those answers must change together.

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

**The UIs' own answer shapes** are mapped onto these decisions before they are checked
(`from_ui`, docs/langgraph-server.md "Answer shapes"): Agent Inbox sends a list, one
`{"type", "args"}` per action — `accept`/`approve` with null args, `edit` with
`{"action", "args"}`, `response`/`reject` with a message, `ignore` — and agent-chat-ui sends
`{"decisions": [...]}` whose edited nested args come back as JSON text (`"plan": "{...}"`).
Text is decoded only where the card's own value was not text, and only into the same type.
`accept` with args, an edit that is not an object, or text that is not JSON is refused naming
the decision and the field. `ignore` and `response` do not run the action: they are rejects
(with the person's words as the message).

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


_UI_TYPES = {"accept": "approve", "approve": "approve", "edit": "edit", "reject": "reject",
             "response": "reject", "respond": "reject", "ignore": "reject"}


def _json_like(original: Any, edited: Any, where: str) -> Any:
    """Decode `edited` when a UI sent JSON text where the card held another JSON type."""
    if not isinstance(edited, str) or isinstance(original, str) or original is None:
        return edited
    def finite(word: str) -> Any:
        raise ValueError(f"{word} is not a number a card can hold")

    try:  # strict: no NaN / Infinity, and an integer only where the card held one
        decoded = json.loads(edited, parse_constant=finite)
    except ValueError:
        raise ResumeError(f"{where}: the card held {type(original).__name__}, the answer sent "
                          f"text that is not JSON ({_short(edited)}); send the value itself or "
                          "valid JSON text") from None
    same = (isinstance(decoded, bool) == isinstance(original, bool)
            and (type(decoded) is type(original)
                 or (isinstance(decoded, int) and isinstance(original, float))))
    if not same:
        raise ResumeError(f"{where}: the card held {type(original).__name__}, the answer's JSON "
                          f"text is {type(decoded).__name__}; send a {type(original).__name__}")
    return decoded


def _edited_args(args: Any, original: dict[str, Any], where: str) -> Any:
    args = _json_like(original, args, f"{where}.args")
    if not isinstance(args, dict):
        return args  # the strict check below names it
    return {k: _json_like(original.get(k), v, f"{where}.args.{k}") for k, v in args.items()}


def _ui_decision(raw: Any, action: dict[str, Any], i: int) -> Any:
    """One decision in adpilot's shape, from a UI's (Agent Inbox, agent-chat-ui) or adpilot's."""
    if not isinstance(raw, dict) or not isinstance(raw.get("type"), str):
        return raw
    kind = _UI_TYPES.get(raw["type"].strip().lower())
    where = f"decisions[{i}]"
    original = action.get("args") or {}
    if kind is None:
        return raw  # the strict check names the unknown type
    if "args" not in raw:  # adpilot's / LangChain v1's own shape
        out = {**raw, "type": kind}
        if kind == "edit" and isinstance(raw.get("edited_action"), dict):
            edited = dict(raw["edited_action"])
            if "args" in edited:
                edited["args"] = _edited_args(edited["args"], original, f"{where}.edited_action")
            out["edited_action"] = edited
        if raw["type"] == "ignore":
            out.setdefault("message", "ignored")
        return out
    args, extra = raw["args"], {k: v for k, v in raw.items() if k not in ("type", "args")}
    if kind == "approve":
        if args not in (None, {}) and args != {"action": action["name"], "args": original}:
            raise ResumeError(f"{where}: an {raw['type']!r} carries no args (it runs the action "
                              "as shown); to change the action send an edit")
        return {"type": "approve", **extra}
    if kind == "reject":
        if args is not None and not isinstance(args, str):
            raise ResumeError(f"{where}: a {raw['type']!r} carries its message as text in args, "
                              f"not {type(args).__name__}")
        message = args or ("ignored" if raw["type"] == "ignore" else None)
        return {"type": "reject", **({"message": message} if message else {}), **extra}
    if isinstance(args, str):
        args = _json_like({}, args, f"{where}.args")
    if not isinstance(args, dict):
        raise ResumeError(f"{where}: an edit's args are the edited action "
                          '{"action": NAME, "args": {...}}, not ' + type(args).__name__)
    name = args.get("action", args.get("name", action["name"]))
    return {"type": "edit", **extra, "edited_action": {
        "name": name, "args": _edited_args(args.get("args"), original, f"{where}")}}


def from_ui(value: Any, payload: dict[str, Any]) -> Any:
    """Map Agent Inbox's and agent-chat-ui's answers onto `{"decisions": [...]}` (module doc).

    Anything that is not recognisably one of them is returned unchanged, for the strict
    check to refuse with its own message.
    """
    actions = payload.get("action_requests") or []
    if isinstance(value, list):
        value = {"decisions": value}
    elif isinstance(value, dict) and "type" in value and "decisions" not in value and len(actions) == 1:
        value = {"decisions": [value]}
    if not isinstance(value, dict) or not isinstance(value.get("decisions"), list):
        return value
    raw = value["decisions"]
    if len(raw) != len(actions):
        return value  # the strict check says how many are needed
    return {**value, "decisions": [_ui_decision(d, a, i)
                                   for i, (d, a) in enumerate(zip(raw, actions, strict=True))]}


def answer_text(value: Any) -> Any:
    """Return the text of a UI's response answer (`[{"type": "response", "args": "..."}]`).

    Agent Inbox and agent-chat-ui answer a question with their "respond" decision; the
    question's reader gets the text. Anything else is returned unchanged.
    """
    one = value[0] if isinstance(value, list) and len(value) == 1 else value
    if isinstance(one, dict) and set(one) <= {"type", "args"} and \
            str(one.get("type")).lower() in ("response", "respond") and isinstance(one.get("args"), str):
        return one["args"]
    return value


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
    value = from_ui(value, payload)
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
    # Rejecting the newer card by mistake writes nothing; running it needs proof it was read.
    raw_list = value["decisions"] if isinstance(value["decisions"], list) else [None]
    rejects_only = all(isinstance(d, dict) and d.get("type") == "reject" for d in raw_list)
    if require_receipt and "receipt" not in value and not rejects_only:
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


# An answer a person could give to each kind of question, for the hint under the card.
ANSWER_EXAMPLES = {
    "landing_url": "https://shop.example/sale",
    "budget": "$60 a day",
    "country": "Germany",
    "countries": "US and Canada",
    "dsa_payor": "Beispiel GmbH",
    "page_id": "the page's id, e.g. 102030405060708",
    "pixel_id": "the pixel's id",
    "start_date": "2026-12-14",
    "end_date": "2027-01-10",
    "age": "25-45",
}


LAST_ANSWER_NOTE = ("One answer left: after it the thread ends if a question is still open "
                    "(start again with adpilot run).")


def clarify_payload(questions: Sequence[Any], *, brief: str | None = None,
                    answers_left: int | None = None) -> dict[str, Any]:
    """Build a clarify interrupt: what the brief leaves out or leaves unclear, as questions.

    Questions may be strings or dicts/objects with `field` and `question` (and optionally
    `kind` and `phrase`, see `agents.orchestrator.planning.Question`). Resume with plain text, `{"answers":
    {"<field>": "<value>"}}`, or — for not-understood and unsupported phrases only — "waive" /
    `{"waive": true | ["phrase", ...]}` to launch without them (the card then says so).

    `answers_left` (in the payload when given) is how many answers the thread still takes: at
    1 the card warns that the thread ends after this one if it leaves a question open —
    ending with no warning was the surprise.
    """
    items = []
    for q in questions:
        if isinstance(q, str):
            items.append({"field": q, "question": q, "kind": "missing"})
            continue
        d = q if isinstance(q, dict) else (q.to_dict() if hasattr(q, "to_dict") else vars(q))
        item = {"field": d.get("field", ""), "question": d.get("question", str(q)),
                "kind": d.get("kind") or "missing"}
        item.update({k: d[k] for k in ("phrase", "affects", "reason") if d.get(k)})
        item["example"] = d.get("example") or ANSWER_EXAMPLES.get(str(item["field"]), "")
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
    if answers_left == 1:
        parts.append(f"**{LAST_ANSWER_NOTE}**")
    return {"schema": CLARIFY_SCHEMA, "kind": "clarify", "questions": items,
            "description": "\n\n".join(parts),
            **({"brief": brief} if brief is not None else {}),
            **({"answers_left": answers_left} if answers_left is not None else {})}


def wait_payload(until: datetime | str, reason: str) -> dict[str, Any]:
    """Build a wait interrupt (a durable timer `adpilot tick` resumes after `until`)."""
    if isinstance(until, datetime):
        if until.tzinfo is None:
            raise ValueError("wait until: give a timezone-aware datetime (e.g. UTC)")
        text = until.astimezone(UTC).isoformat()
    else:
        text = datetime.fromisoformat(until).isoformat()
    return {"schema": WAIT_SCHEMA, "kind": "wait", "until": text, "reason": reason}
