"""Go on to the later asks of a combined request, one card each ("pause A and raise B by 10%").

    go_on(state, update) -> update, or the same update sent on to the next later ask

After a request's step ends — its card applied, refused or rejected, nothing to change, a
question answered — the thread proposes the next later ask (`Intent.also`) on its own card
(`state/later_asks.py::next_intent`): the intent becomes that ask, the
request its words (so an answer to its question re-reads only it) and the phase `next_ask`,
which the routers send to `propose_change` (or `answer_request` for a question). What cannot
be proposed that way (a condition, a question to answer first, a refusal) is said in the
status with the `adpilot ask` to run. A kill-switch stop ends the thread: nothing more is
proposed, and the status says which asks were not done.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from state.intent import Intent
from state.later_asks import later_note, next_intent


def go_on(state: Mapping[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Return `update`, sent on to the next later ask when there is one (see the module doc)."""
    intent = Intent.model_validate(state.get("intent") or {})
    if not intent.also:
        return update
    status = str(update.get("status") or "")
    if update.get("phase") == "stopped":
        lines = "".join(f"\n- not done (the thread was stopped): {later_note(a)}"
                        for a in intent.also)
        return {**update, "status": status + lines}
    following, skipped = next_intent(intent)
    status += "".join(f"\n- {line}" for line in skipped)
    if following is None:
        return {**update, "status": status}
    names = ", ".join(e.name for e in following.entities)
    return {**update, "intent": following.model_dump(), "phase": "next_ask",
            "request": following.text or str(state.get("request") or ""),
            "status": f"{status}\nnext: {following.route}" + (f" on {names}" if names else "")
                      + " — a later ask of this request, on its own card"}


__all__ = ["go_on"]
