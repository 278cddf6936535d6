"""Who decided what on each card of the trace: the answer that was accepted, and the refused ones.

A card (any interrupt but a timer) is asked through `agents.common.ask_until_valid`: an answer
the node refuses asks the same card again, so one task may hold several answers, all but the
accepted one refused. The checkpoint keeps less than that, and differently per saver:

- the task's `__resume__` write lists its answers in order, but SQLite and Postgres keep the
  list as it was at the last refusal: the accepted answer, sent in the run that completed the
  task, is missing from it (LangGraph's in-memory saver keeps it);
- only the task's latest interrupt is kept: after a refusal it is the card asked again, with
  `"rejected"` (the last refused answer's digest and reason) and `"refused_answers"` (each
  refused answer's digest and reason, the last few).

So every answer but the last is refused; the last is refused too when its digest is a refused
one, and then the accepted answer is read from what the node returned (its approval record,
review, or clarification). Showing the first stored answer as "the decision" — a refused
`approve` on a card whose accepted answer was an edit — is the bug this module exists to stop.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from state.bounds import digest
from state.secrets import scrub_obj

REASON_NOT_KEPT = "its reason is no longer kept"


def short(value: Any, limit: int = 120) -> str:
    """One line of at most `limit` characters (JSON for a non-string), cut with an ellipsis."""
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def what_was_answered(resume: Any) -> str:
    """One line for an answer: the decision types (and first message), or the answer's text."""
    if not isinstance(resume, dict):
        return "resumed" if resume is None else short(resume, 80)
    decisions = resume.get("decisions")
    if isinstance(decisions, list):
        kinds = [d.get("type") if isinstance(d, dict) else d for d in decisions]
        what = ", ".join(str(k) for k in kinds) or "no decision"
        msgs = [d.get("message") for d in decisions if isinstance(d, dict) and d.get("message")]
        return what + (f" ({short(msgs[0], 60)})" if msgs else "")
    if isinstance(resume.get("answers"), dict):
        return "answered " + ", ".join(sorted(resume["answers"]))
    return short(resume, 80)


def _who(resume: Any) -> str:
    if isinstance(resume, dict):
        return str(resume.get("by") or resume.get("reviewer") or resume.get("user") or "human")
    return "human"


def refusal_reasons(card: Any) -> dict[str, str]:
    """Digest → reason of every refused answer the card still names."""
    if not isinstance(card, Mapping):
        return {}
    records = [r for r in (card.get("refused_answers") or []) if isinstance(r, Mapping)]
    if isinstance(card.get("rejected"), Mapping):
        records.append(card["rejected"])
    return {str(r.get("digest")): str(r.get("reason") or REASON_NOT_KEPT) for r in records}


def accepted_from_result(result: Any) -> Any:
    """Return the accepted answer as the node recorded it (the checkpoint lost the answer itself)."""
    if not isinstance(result, Mapping):
        return None
    for key in ("approval", "activation"):
        record = result.get(key)
        if isinstance(record, Mapping) and isinstance(record.get("decisions"), list):
            return {"decisions": record["decisions"]}
    review = (result.get("optimize") or {}).get("review") if isinstance(result.get("optimize"), Mapping) else None
    if isinstance(review, Mapping) and isinstance(review.get("decisions"), list):
        return {"decisions": [d for d in review["decisions"]
                              if isinstance(d, Mapping) and d.get("by") != "policy"]}
    if result.get("phase") == "edited":
        return {"decisions": [{"type": "edit"}]}
    asked = result.get("clarifications")
    if isinstance(asked, list) and asked and isinstance(asked[-1], Mapping):
        return asked[-1].get("answer")
    return None


def decision_events(node: str, card: Any, answers: list[Any], result: Any,
                    ended: str | None) -> list[dict[str, Any]]:
    """Return a `refused` event per refused answer of a card, then its accepted `decision`.

    `card` is the task's latest interrupt value, `answers` its stored resume values in order,
    `result` what the node returned (None while the card waits), `ended` when the step ended.
    """
    kind = card.get("kind") if isinstance(card, Mapping) else None
    if kind == "wait":  # a durable timer woken by `adpilot tick` (or a client), not a decision
        if not answers and result is None:
            return []
        return [{"at": ended, "kind": "decision", "node": node, "by": "timer",
                 "summary": "timer woke the thread",
                 "details": {"resume": scrub_obj(answers[-1] if answers else None)}}]
    reasons = refusal_reasons(card)
    last_refused = bool(answers) and digest(answers[-1])[0] in reasons
    refused = answers if last_refused else answers[:-1]
    events = []
    for value in refused:
        reason = reasons.get(digest(value)[0], REASON_NOT_KEPT)
        events.append({"at": ended, "kind": "refused", "node": node, "by": _who(value),
                       "summary": f"{_who(value)} answered: {what_was_answered(value)} — refused: {reason}",
                       "details": {"resume": scrub_obj(value), "refused": reason}})
    accepted: Any = None
    if answers and not last_refused:
        accepted = answers[-1]
    elif result is not None:
        accepted = accepted_from_result(result)
        if accepted is None:
            accepted = "an answer the checkpoint no longer holds"
    if accepted is not None:
        by = _who(accepted)
        events.append({"at": ended, "kind": "decision", "node": node, "by": by,
                       "summary": f"{by} decided: {what_was_answered(accepted)}",
                       "details": {"resume": scrub_obj(accepted)}})
    return events
