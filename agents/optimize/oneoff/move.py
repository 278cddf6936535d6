"""Move budget from one campaign or ad set to another: one card, both changes, nothing more spent.

`propose_move(client, intent, ...)` serves a `budget` intent whose params name `move_to` (the
router's reading of "move $10 a day from A to B", `agents/orchestrator/routing/moves.py`): the
source is the intent's entity, the destination the later ask with `move_from` (never
proposed on its own). The amount is money, or a percent of the *source's* budget (said on the
card). Each side is checked as any budget request is (`budget.py::_one`: Meta's minimum, the
period, learning, a paused object) and both go on one card as a reallocation
(`group: "reallocation"`): on apply, the increase is cut to what the applied decrease freed
(`agents/optimize/cycle.py::_reallocate`), so a refused or rejected cut never becomes a spend
increase, and each write passes the money gate. It asks instead of guessing when a side holds
no single budget (a campaign whose budgets are on several ad sets), or when the two budgets
are not both daily (a daily amount and a lifetime one are not the same money).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.optimize.oneoff.budget import _Ask, _gate_preview, _one, _targets
from agents.optimize.oneoff.common import budget_of, fuzzy_of, money, name_of, proposal
from state.intent import Ask, BudgetChange, BudgetParams, Intent


def destination_of(intent: Intent) -> Ask | None:
    """Return the later ask that receives the intent's move, or None."""
    source = intent.entities[0].id if intent.entities else None
    return next((a for a in intent.also if a.route == "budget"
                 and a.params.get("move_from") == source and a.entities
                 and a.entities[0].id == intent.params.get("move_to")), None)


def propose_move(client: Any, intent: Intent, *, account: dict[str, Any], policy: Any,
                 now: datetime) -> dict[str, Any]:
    """Return the proposal of a budget move (no writes): two actions on one card, or a question."""
    params: BudgetParams = intent.typed()
    currency = str(account.get("currency") or "USD")
    destination = destination_of(intent)
    out = proposal("## Budget move", currency)
    try:
        if destination is None or len(intent.entities) != 1:
            raise _Ask("Move how much, from which campaign or ad set to which one? Say e.g. "
                       "'move $10 a day from <name> to <name>'.")
        src_entity, dst_entity = intent.entities[0], destination.entities[0]
        src = _one_budget(client, src_entity, params, currency)
        dst = _one_budget(client, dst_entity, params, currency)
        (_, src_obj, src_camp, src_sets), (_, dst_obj, dst_camp, dst_sets) = src, dst
        if src_obj["id"] == dst_obj["id"]:
            raise _Ask(f"“{name_of(src_obj)}” holds both budgets named: a move needs two "
                       "different budgets. Which one gets the money?")
        src_period, src_before = budget_of(src_obj) or ("", 0)
        dst_period, _dst_before = budget_of(dst_obj) or ("", 0)
        if src_period != "daily" or dst_period != "daily":
            raise _Ask(f"“{name_of(src_obj)}” has a {src_period or 'no'} budget and "
                       f"“{name_of(dst_obj)}” a {dst_period or 'no'} one: adpilot moves money "
                       "between two daily budgets. Change each budget on its own instead.")
        pct = params.change.pct
        amount = round(src_before * abs(pct) / 100) if pct is not None else \
            abs(int(params.change.delta_minor or 0))
        if amount <= 0:
            raise _Ask("Move how much? Say an amount ('$10 a day') or a percent of the source's "
                       "budget ('10%').")
        of = f" ({abs(pct):g}% of “{name_of(src_obj)}”’s budget)" if pct is not None else ""
        out["title"] = (f"## Budget move: {money(amount, currency)} a day from “{name_of(src_obj)}” "
                        f"to “{name_of(dst_obj)}”{of}")
        out["summary"].append(
            f"a move: “{name_of(src_obj)}” gives {money(amount, currency)} a day{of} and "
            f"“{name_of(dst_obj)}” gets it — the total daily budget stays the same")
        fuzzy = fuzzy_of([src_entity, dst_entity])
        why = f"move: {money(amount, currency)} a day from “{name_of(src_obj)}” to " \
              f"“{name_of(dst_obj)}”{of}"
        actions = []
        for (level, obj, camp, sets), delta, entity in (
                ((src[0], src_obj, src_camp, src_sets), -amount, src_entity),
                ((dst[0], dst_obj, dst_camp, dst_sets), amount, dst_entity)):
            side = BudgetParams(change=BudgetChange(delta_minor=delta), period="daily")
            action = _one(level, obj, camp, sets, side, account, policy, now, out,
                          fuzzy.get(entity.id))
            if action is None:
                raise _Ask("Nothing would move: say an amount ('$10 a day') or a percent.")
            action["group"] = "reallocation"
            action["reasons"] = [why, *action["reasons"]]
            actions.append(action)
    except _Ask as ask:
        out.update(clarify=str(ask), actions=[])
        return out
    out["actions"] = actions
    out["flags"] += _gate_preview(client, actions, policy, now, currency)
    out["flags"].append("the increase applies only as far as the decrease does: if the cut is "
                        "rejected or refused, the raise is not applied either")
    return out


def _one_budget(client: Any, entity: Any, params: BudgetParams, currency: str
                ) -> tuple[str, dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Return the one budget a side of the move holds, or ask (ads, several ad-set budgets)."""
    if entity.type == "ad":
        raise _Ask(f"Ad “{name_of(entity)}” has no budget of its own: name its ad set or campaign.")
    relative = BudgetParams(change=BudgetChange(pct=1), period=params.period)  # every budget it holds
    found = _targets(client, entity, relative, currency)
    if len(found) != 1:
        each = ", ".join(f"“{name_of(t[1])}”" for t in found)
        raise _Ask(f"“{name_of(entity)}” has its budgets on {len(found)} ad sets ({each}): which "
                   "one should the move take from or give to? Name the ad set.")
    return found[0]


__all__ = ["destination_of", "propose_move"]
