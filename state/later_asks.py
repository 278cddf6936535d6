"""The later asks of a combined request ("pause A and raise B by 10%"): what happens to each.

The first ask is the intent; each later one (`Intent.also`) is proposed after the card before
it is answered, on its own card (a question is answered), by the request workflows
(`agents/optimize/oneoff/chain.py`). What cannot be proposed that way is said, with
the exact `adpilot ask` to run: a later ask that waits on a condition (adpilot never checks
one before writing), one that needs an answer first, one adpilot cannot do, a new campaign or
watching a campaign. A move's destination (`move_from`) is never a later ask: it is on the
source's card.

    later_note(ask) -> the line the card, `--json` notes and the status say about it
    next_intent(intent) -> the intent of the next later ask to propose, or None
"""

from __future__ import annotations

from state.intent import Ask, Intent

# Later asks the thread goes on to propose (or answer) after the card before them.
PROPOSED_LATER = frozenset({"question", "pause_underperformers", "budget", "status", "ab_test"})


def is_move_destination(ask: Ask) -> bool:
    """Return True for the destination side of a budget move: proposed on its source's card."""
    return ask.route == "budget" and bool(ask.params.get("move_from"))


def _names(ask: Ask) -> str:
    return f" on {', '.join(e.name for e in ask.entities)}" if ask.entities else ""


def _command(ask: Ask) -> str:
    return f"`adpilot ask \"{ask.text}\"`" if ask.text else "it as a request of its own"


def proposable(ask: Ask) -> bool:
    """Return True when the thread proposes (or answers) this later ask after the card before it."""
    return ask.route in PROPOSED_LATER and not ask.condition and not is_move_destination(ask)


def later_note(ask: Ask) -> str:
    """Say what happens to one later ask, in words for the person."""
    if is_move_destination(ask):
        return (f"Moved with the first change: budget{_names(ask)} gets what the source gives up, "
                "on the same card.")
    if ask.condition:
        return (f"Not done: {ask.route}{_names(ask)} (only if {ask.condition}) — adpilot never "
                f"checks a condition before writing; ask for the numbers first, then run "
                f"{_command(ask)} if it holds.")
    if ask.route == "question":
        return f"Next: the question{_names(ask)} — answered after this one."
    if ask.route in PROPOSED_LATER:
        return (f"Next: {ask.route}{_names(ask)} — a later ask, proposed on its own card once "
                "this one is answered.")
    why = ask.params.get("why") if ask.route in ("clarify", "unsupported") else None
    if ask.route == "unsupported" and why:  # asking the same again gets the same answer
        return f"Not done: {ask.route}{_names(ask)} — {why}"
    return (f"Not done: {ask.route}{_names(ask)}" + (f" ({why})" if why else "")
            + f" — run {_command(ask)} on its own.")


def next_intent(intent: Intent) -> tuple[Intent | None, list[str]]:
    """Return (the next later ask as an intent, the lines said about the ones skipped before it).

    The asks after it stay in its `also`; a move's destination and what cannot be proposed
    are skipped, each said in words.
    """
    skipped: list[str] = []
    rest = list(intent.also)
    while rest:
        ask = rest.pop(0)
        if proposable(ask):
            return Intent(request=intent.request, account=intent.account, source=intent.source,
                          route=ask.route, entities=ask.entities, params=ask.params,
                          text=ask.text, also=rest,
                          notes=[later_note(a) for a in rest if not is_move_destination(a)]), skipped
        if not is_move_destination(ask):
            skipped.append(later_note(ask))
    return None, skipped


__all__ = ["PROPOSED_LATER", "is_move_destination", "later_note", "next_intent", "proposable"]
