"""What every `adpilot` command exits with, and the JSON a script reads of where a run stopped.

One rule for every command (docs: README "Exit codes", `../shared/DESIGN.md` §2):

- `0` — done, or stopped where asked: at an approval card, a question or a timer;
- `2` — refused or invalid input, and nothing was written: a bad option, brief, plan or
  decisions file, an unknown thread, an answer the card or question did not accept (it is
  asked again, saying why), a launch or change the money gate refused;
- `1` — an internal error: Meta or storage failed, or a command could not finish what it
  set out to do (a thread failed in `tick`, the kill switch could not pause everything).

Nothing here imports LangGraph: `adpilot --help` and `adpilot status` start without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.runner import Outcome

EXIT_OK = 0  # done, or stopped where asked (a card, a question, a timer)
EXIT_INTERNAL = 1  # Meta, storage or adpilot itself failed
EXIT_INVALID = 2  # the brief, plan, file or decision needs fixing; nothing was written

# What `adpilot plan --json` says of a plan, and `--json` of a run says the same way.
PLAN_FINDINGS = ("problems", "warnings", "not_understood", "adjustments")

# Interrupts a person answers: one carrying `error` was asked again because an answer was refused.
_ANSWERED_KINDS = ("approval", "clarify")


def refusals_of(updates: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """Every refusal (money gate, budget request) the nodes of one run reported."""
    return [r for _node, update in updates if isinstance(update, dict)
            for r in update.get("refusals") or [] if isinstance(r, dict)]


def refused_answer(outcome: Outcome) -> str | None:
    """Why the answer this command gave was refused (None: it was not, or none was given).

    A card or question carries `error` only when it is asked again after a refused answer, and
    a planner question carries `reason` when the answer did not give what it asked
    (`state.hitl.reask`), and the interrupt was raised by this command's run only if the run
    reported it (`__interrupt__`): a card that was refused in an earlier command, merely read
    again here, does not count.
    """
    pending = outcome.interrupt or {}
    raised_here = any(node == "__interrupt__" for node, _ in outcome.updates)
    if raised_here and pending.get("kind") in _ANSWERED_KINDS and pending.get("error"):
        return str(pending["error"])
    # A question asked again after this command's answer says why that answer did not fit.
    # Every question the answer left open carries the same reason: say it once.
    reasons = list(dict.fromkeys(str(q["reason"]) for q in pending.get("questions") or []
                                 if isinstance(q, dict) and q.get("reason")))
    if raised_here and pending.get("kind") == "clarify" and reasons:
        return "; ".join(reasons)
    return None


def exit_code(outcome: Outcome) -> int:
    """Return 2 when the plan cannot launch, something was refused, or this command's answer was.

    Otherwise 0: the thread is done, or it waits at a card, a question or a timer.
    """
    refused = outcome.values.get("phase") == "refused" or refusals_of(outcome.updates)
    invalid = outcome.values.get("phase") in ("unplannable", "invalid")
    return EXIT_INVALID if invalid or refused or refused_answer(outcome) else EXIT_OK


def outcome_json(outcome: Outcome, code: int | None = None) -> dict[str, Any]:
    """Where a run stopped, for `--json`: phase, what it waits for, what it created, exit code.

    `interrupt` is the pending card, question or timer as the thread holds it (an approval
    card's `receipt` is what `adpilot approve --receipt` quotes); `answer_refused` says why
    this command's answer was not taken; `refusals` are the money gate's. `problems`,
    `warnings`, `not_understood` and `adjustments` are the plan's, as `adpilot plan --json`
    prints them: a plan that cannot launch says why here too.
    """
    values = outcome.values
    created = values.get("created") or {}
    return {
        "thread_id": outcome.thread_id,
        "phase": values.get("phase"),
        "status": values.get("status"),
        "done": outcome.done,
        "waiting_for": outcome.waiting_for,
        "interrupt_id": outcome.interrupt_id,
        "interrupt": outcome.interrupt,
        "answer_refused": refused_answer(outcome),
        "refusals": refusals_of(outcome.updates),
        **{key: values.get(key) or [] for key in PLAN_FINDINGS},
        "next": list(outcome.next),
        "notes": list(outcome.notes),
        "account_id": values.get("account"),
        "campaign_id": created.get("campaign"),
        "created": created or None,
        "exit_code": exit_code(outcome) if code is None else code,
    }
