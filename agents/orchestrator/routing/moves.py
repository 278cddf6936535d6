"""Budget moves: "move X from A to B" is A down by X and B up by X, never one change on both.

A move is read from one ask ("move 10% of the budget from A to B", "shift $10 a day from A
into B", "transfer €5 out of A to B", "take $5 from A and give it to B" — the last one is two
asks the rules router links afterwards). The amount is money, money a day, or a percent of
the *source's* budget ("half of A's budget" is 50 %). The router makes it two budget asks,
the source's first (`move_to`, a negative change) and the destination's next (`move_from`,
the same amount positive: `state.intent.BudgetParams`); the request workflows propose both on
one card. A move that names no source, no destination or no amount, or more than one of
either, is asked about: it is never read as a new budget for the one object named.
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.routing.amounts import find_factor
from agents.orchestrator.routing.cues import E
from agents.orchestrator.routing.params import Clause, budget_params

MOVE_VERB = re.compile(r"\b(?:move|moving|moved|shift|shifting|transfer|transferring|realloc\w*|"
                       r"re-alloc\w*|redirect|redistribute|reassign|take|taking|pull|pulling|"
                       r"give|put|send)\b", re.I)
# Verbs that always mean a move; "take $20 off X" alone is a cut, "move $5 to X" is not a budget
MOVE_ONLY = re.compile(r"\b(?:move|moving|shift|shifting|transfer|transferring|realloc\w*|"
                       r"re-alloc\w*|redirect|redistribute|reassign)\b", re.I)
FROM = re.compile(rf"\b(?:from|out\s+of|off\s+of|away\s+from)\s+(?:the\s+)?(?:budget\s+(?:of|for)\s+)?"
                  rf"(?:(?:campaign|ad\s*set|adset)\s+)?({E})", re.I)
TO = re.compile(rf"\b(?:to|into|onto|over\s+to|towards?|in|on|for)\s+(?:the\s+)?(?:budget\s+(?:of|"
                rf"for)\s+)?(?:(?:campaign|ad\s*set|adset)\s+)?({E})", re.I)

WEAK_TO = re.compile(r"(?:in|on|for)\b", re.I)  # also "X in Y" (a container), never the "to" of a move


def says_move(text: str) -> bool:
    """Say whether raw words (names not resolved yet) ask to move budget between objects.

    A move verb with "from …", or "take … from … and give / put / add it …".
    """
    return bool((MOVE_ONLY.search(text) and re.search(r"\b(?:from|out\s+of)\b", text, re.I))
                or re.search(r"\b(?:take|pull)\b.*\bfrom\b.*\b(?:give|put|add)\b", text,
                             re.I))


def sides(text: str) -> tuple[str | None, str | None, list[str]] | None:
    """Return (source key, destination key, every name key) of a move said in one ask, or None.

    None when the ask is no move: no move verb, or neither "from ⟨A⟩" nor "to ⟨B⟩" beside it
    (the other side is None when only one is said).
    """
    if not MOVE_VERB.search(text):
        return None
    keys = re.findall(E, text)
    src = FROM.search(text)
    # "from Broad US in Trail Shoes over to Lookalike 3%": "in ⟨B⟩" right after the source only
    # finds the source, and a "to" is the destination before any "in" / "on" / "for"
    tos = [m for m in TO.finditer(text) if not src or (
        m.group(1) != src.group(1) and (text[src.end():m.start()].strip() or not WEAK_TO.match(m.group(0))))]
    dst = next((m for m in tos if not WEAK_TO.match(m.group(0))), tos[0] if tos else None)
    if src and dst:
        return src.group(1), dst.group(1), keys
    if MOVE_ONLY.search(text) and (src or dst):
        return (src.group(1) if src else None), (dst.group(1) if dst else None), keys
    return None


def moved(c: Clause) -> dict[str, Any] | None:
    """Return what a move takes from its source: {"pct"} or {"delta_minor", "currency"}, positive.

    Also "period" when said. None when the ask states no amount ("move some budget …").
    """
    found, changes = budget_params(c)
    if any("per" in ch for ch in changes):
        return None  # "$70 a week": no period Meta has; the amount is asked for
    period = (found or {}).get("period")
    for ch in changes:
        if "pct" in ch:
            return {"pct": abs(float(ch["pct"])), "period": period}
        for key in ("delta_minor", "to_minor"):
            if key in ch and ch[key]:
                return {"delta_minor": abs(int(ch[key])), "currency": ch.get("currency"),
                        "period": period}
    factor = find_factor(c.text)
    if factor is not None and 0 < factor < 1:
        return {"pct": round((1 - factor) * 100, 2) if factor > 0.5 else factor * 100,
                "period": period}
    return None


def side_params(amount: dict[str, Any], *, source: bool, other_id: str) -> dict[str, Any]:
    """Return the `budget` params of one side of a move (`state.intent.BudgetParams`)."""
    sign = -1 if source else 1
    change = ({"pct": sign * amount["pct"]} if "pct" in amount
              else {"delta_minor": sign * amount["delta_minor"]})
    params: dict[str, Any] = {"change": change, "period": amount.get("period"),
                              ("move_to" if source else "move_from"): other_id}
    if amount.get("currency"):
        params["currency"] = amount["currency"]
    return params


def follow_on(prior: dict[str, Any], source_id: str, destination_id: str) -> dict[str, Any] | None:
    """Return the destination's params for "… and give it to B" after a cut on the source.

    None when the cut before it is no amount that can be moved (a new total, a factor). The
    caller sets the cut's `move_to` once the destination's ask holds.
    """
    change = prior.get("change") or {}
    if (change.get("delta_minor") or 0) < 0:
        amount: dict[str, Any] = {"delta_minor": -change["delta_minor"],
                                  "currency": prior.get("currency")}
    elif (change.get("pct") or 0) < 0:
        amount = {"pct": -change["pct"]}
    else:
        return None
    return side_params({**amount, "period": prior.get("period")}, source=False,
                       other_id=source_id)


# "pause X and give its budget to Y": the money the pause frees, not an amount said
FREED = re.compile(r"\b(?:its|their|that|the)\s+(?:whole\s+|entire\s+|daily\s+|freed[- ]up\s+)?(?:budget|"
                   r"money|spend|savings|rest)\b|\bwhat\s+(?:it|they)\s+(?:was|were\s+)?spen(?:d|t|ding)\b|"
                   r"\bwhat(?:ever)?\s*(?:'s|’s|is)\s+left\b", re.I)


def freed_budget(text: str, prior: dict[str, Any] | None,
                 objs: list[Any]) -> tuple[dict[str, Any], str] | None:
    """Return (the destination's params, a note) for "… and give its budget to B" after a pause.

    The amount is the paused object's own budget (a campaign's, or an ad set's that holds one);
    None when the ask before is no pause of one object with a budget, or the words say no
    "its budget" — then the ask is read as before (and asked about when it has no amount).
    """
    said = FREED.search(text)
    if prior is None or prior.get("route") != "status" or prior["params"].get("to") != "PAUSED" \
            or len(prior.get("entities") or []) != 1 or said is None:
        return None
    src = next((o for o in objs if o.id == prior["entities"][0]["id"]), None)
    if src is None:
        return None
    for period in ("daily", "lifetime"):
        if minor := src.raw.get(f"{period}_budget"):
            from state.rules import format_money

            note = (f"Read \"{said.group(0)}\" as {src.name}'s {period} budget, "
                    f"{format_money(int(minor), src.currency)}, which the pause before it frees.")
            return {"change": {"delta_minor": int(minor)}, "period": period,
                    "currency": src.currency}, note
    return None


def missing_side(source: str | None, destination: str | None, names: dict[str, str],
                 amount: dict[str, Any] | None, currency: str | None) -> str | None:
    """Return the question a move leaves open (no source, destination or amount), or None."""
    how_much = "the amount"
    if amount and "pct" in amount:
        how_much = f"{amount['pct']:g}%"
    elif amount and amount.get("delta_minor"):
        from state.rules import format_money

        how_much = format_money(int(amount["delta_minor"]), str(amount.get("currency") or
                                                                  currency or "USD"))
    if source is None and destination is not None:
        return (f"Move {how_much} to {names.get(destination, destination)} from which campaign or "
                f"ad set? A move takes the amount from one budget and gives it to another: say "
                f"e.g. 'move {how_much} from <name> to {names.get(destination, destination)}'.")
    if destination is None and source is not None:
        return (f"Move {how_much} from {names.get(source, source)} to which campaign or ad set? "
                f"Say e.g. 'move {how_much} from {names.get(source, source)} to <name>', or "
                f"'lower {names.get(source, source)}'s budget by {how_much}' for a cut alone.")
    if amount is None:
        return ("How much should move? Say an amount ('$10 a day') or a percent of the "
                "source's budget ('10%').")
    return None


__all__ = ["MOVE_ONLY", "MOVE_VERB", "follow_on", "missing_side", "moved", "side_params", "sides"]
