"""Change one campaign's or ad set's budget on request ("raise Retargeting's budget 15%").

`propose_budget(client, intent, ...)` reads the target and its campaign, computes the new
budget with `BudgetChange.apply` and proposes `set_campaign_budget` / `set_adset_budget` in the
loop's shape (`agents/optimize/budget_requests.py::check_budget_request`, whose CBO rule this
follows). It asks instead of guessing (`evals/README.md` "Router requests", rule 3):

- money in another currency than the account's → clarify (never converted);
- an absolute amount (`to_minor`, `delta_minor`) for a campaign whose budgets are on its ad
  sets → clarify how to split it; a relative one (`pct`, `factor`) → one action per active ad set;
- an ad set's budget inside a campaign-budget (CBO) campaign → clarify (change the campaign's);
- daily ↔ lifetime → clarify (Meta cannot switch an existing budget's period); a lifetime
  budget without an end time → clarify;
- below Meta's minimum (the loop's rule, `common.min_daily`) → clarify stating the minimum.

Flags: a large change or an ad set still learning (docs/meta-api-facts.md §3.9: large budget
changes are significant edits that restart learning; Meta gives no threshold — the "20 %" is
folklore, adpilot uses its policy's `significant_budget_change`), a paused target (a budget
change does not resume it, rule 6), and what the money gate would refuse now (its per-step
`max_budget_change_pct`, caps and cool-down): the gate judges again when it is applied.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from agents.optimize.decide.rules import in_learning
from agents.optimize.decide.stats import DecisionPolicy
from agents.optimize.oneoff.common import (
    LEVEL_WORD,
    budget_of,
    ended,
    fuzzy_of,
    make_action,
    min_daily,
    money,
    name_of,
    proposal,
    read,
    read_children,
)
from state.guardrails import MoneyAction, gate
from state.intent import BudgetChange, BudgetParams, EntityRef, Intent
from state.policy import as_policy
from tools.money import account_state

LEARNING_FACT = ("docs/meta-api-facts.md §3.9: Meta counts large budget changes as significant "
                 "edits that restart the learning phase; it publishes no threshold")


class _Ask(Exception):
    """A question for the person instead of a proposal."""


def propose_budget(
    client: Any, intent: Intent, *, account: dict[str, Any], policy: Any, now: datetime
) -> dict[str, Any]:
    """Return the proposal for a budget request (no writes)."""
    params: BudgetParams = intent.typed()
    currency = str(account.get("currency") or "USD")
    names = ", ".join(f"“{name_of(e)}”" for e in intent.entities)
    out = proposal(f"## Budget change: {names or '—'} ({_change_text(params.change, currency)})",
                   currency)
    fuzzy = fuzzy_of(intent.entities)
    try:
        if not intent.entities:
            raise _Ask("Which campaign or ad set's budget should change? Name it (e.g. 'raise "
                       "Retargeting's budget 15%').")
        money_given = params.change.to_minor is not None or params.change.delta_minor is not None
        if money_given and params.currency and params.currency.upper() != currency:
            raise _Ask(f"The amount is in {params.currency.upper()} but the account bills in "
                       f"{currency}; restate it in {currency} (adpilot never converts "
                       "currencies).")
        for entity in intent.entities:
            if entity.type == "ad":
                raise _Ask(f"Ad “{name_of(entity)}” has no budget of its own: name its ad set "
                           "or campaign.")
            for target, obj, campaign, adsets in _targets(client, entity, params, currency):
                out["actions"].append(
                    _one(target, obj, campaign, adsets, params, account, policy, now, out,
                         fuzzy.get(entity.id)))
    except _Ask as ask:
        out["clarify"] = str(ask)
        out["actions"] = []
        return out
    changed = [a for a in out["actions"] if a is not None]
    same = len(out["actions"]) - len(changed)
    out["actions"] = changed
    if not changed:
        out["nothing_to_do"] = "; ".join(out["summary"]) or "the budget is already that amount"
        return out
    if same:
        out["summary"].append(f"{same} budget(s) already at the amount asked: not changed")
    out["flags"] += _gate_preview(client, changed, policy, now, currency)
    return out


def _change_text(change: BudgetChange, currency: str) -> str:
    if change.to_minor is not None:
        return f"to {money(change.to_minor, currency)}"
    if change.delta_minor is not None:
        return f"{'+' if change.delta_minor >= 0 else '−'}{money(abs(change.delta_minor), currency)}"
    if change.pct is not None:
        return f"{change.pct:+g}%"
    return f"×{change.factor:g}"


def _targets(
    client: Any, entity: EntityRef, params: BudgetParams, currency: str
) -> list[tuple[str, dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
    """Return (level, object, campaign, its ad sets) for each budget the request changes."""
    obj = read(client, entity)
    if entity.type == "campaign":
        campaign = obj
    else:
        campaign = read(client, EntityRef(type="campaign", id=str(obj["campaign_id"]),
                                          name="", match="id"))
    adsets = read_children(client, str(campaign["id"]), "adset")
    cbo = budget_of(campaign) is not None
    if entity.type == "adset":
        if cbo:
            raise _Ask(
                f"Ad set “{name_of(obj)}” has no budget of its own: its campaign “"
                f"{name_of(campaign)}” has the budget (Advantage campaign budget). Change the "
                f"campaign's budget instead (e.g. 'raise {name_of(campaign)}'s budget 10%').")
        return [("adset", obj, campaign, adsets)]
    if cbo:
        return [("campaign", campaign, campaign, adsets)]
    if params.change.pct is None and params.change.factor is None:
        each = ", ".join(f"“{name_of(a)}” {_budget_text(a, currency)}" for a in adsets) or "none"
        raise _Ask(
            f"Campaign “{name_of(campaign)}” has no campaign budget: each ad set has its own "
            f"({each}). How should the {_change_text(params.change, currency)} be split? Name "
            "an ad set (e.g. 'set Broad US to $50 a day'), or give a relative change ('raise "
            f"{name_of(campaign)} 15%') to apply to each ad set.")
    live = [a for a in adsets if a.get("status") == "ACTIVE" and budget_of(a)]
    chosen = live or [a for a in adsets if budget_of(a)]
    if not chosen:
        raise _Ask(f"Campaign “{name_of(campaign)}” has no budget on it or on its ad sets "
                   "adpilot can change.")
    return [("adset", a, campaign, adsets) for a in chosen]


def _budget_text(obj: dict[str, Any], currency: str) -> str:
    budget = budget_of(obj)
    if budget is None:
        return "no budget"
    return f"{money(budget[1], currency)} {'a day' if budget[0] == 'daily' else 'lifetime'}"


def _one(
    level: str,
    obj: dict[str, Any],
    campaign: dict[str, Any],
    adsets: list[dict[str, Any]],
    params: BudgetParams,
    account: dict[str, Any],
    policy: Any,
    now: datetime,
    out: dict[str, Any],
    fuzzy: EntityRef | None,
) -> dict[str, Any] | None:
    """Check one budget change; return its action, None when it changes nothing, or ask."""
    currency = str(account.get("currency") or "USD")
    word, name = LEVEL_WORD[level], name_of(obj)
    budget = budget_of(obj)
    if budget is None:
        raise _Ask(f"{word.capitalize()} “{name}” has no budget adpilot can change.")
    period, before = budget
    if params.period and params.period != period:
        raise _Ask(
            f"{word.capitalize()} “{name}” has a {period} budget "
            f"({money(before, currency)}); Meta cannot switch an existing budget between daily "
            f"and lifetime. Give a new {period} amount, or create a new {word} with a "
            f"{params.period} budget.")
    end = obj.get("stop_time") or obj.get("end_time")
    if period == "lifetime" and not end:
        raise _Ask(f"{word.capitalize()} “{name}” has a lifetime budget but no end time; a "
                   "lifetime budget needs one. Set an end time in Ads Manager first.")
    if period == "lifetime" and ended(obj, now):
        raise _Ask(f"{word.capitalize()} “{name}” has ended (its end time has passed): its "
                   "lifetime budget no longer spends. Set a later end time first.")
    after = params.change.apply(before)
    if after == before:
        out["summary"].append(f"{word} “{name}” is already at {_budget_text(obj, currency)}")
        return None
    live_sets = [a for a in adsets if a.get("status") == "ACTIVE"] or adsets
    per_day = min_daily(account, live_sets if level == "campaign" else [obj])
    days = _days_left(end, now) if period == "lifetime" else 1
    minimum = per_day * days
    if after < minimum:
        span = "a day" if period == "daily" else f"in total for the {days} day(s) left"
        raise _Ask(
            f"{money(after, currency)} {span} is below Meta's minimum of "
            f"{money(minimum, currency)} for {word} “{name}”. Ask for at least "
            f"{money(minimum, currency)}.")
    change = (after - before) / before
    out["summary"].append(
        f"{word.capitalize()} “{name}” (id {obj['id']}): {period} budget "
        f"{money(before, currency)} → {money(after, currency)} ({change:+.0%}); Meta's minimum "
        f"{money(minimum, currency)}")
    out["flags"] += _flags(level, obj, adsets, change, policy, name, word)
    key = "campaign_id" if level == "campaign" else "adset_id"
    evidence: dict[str, Any] = {"before_minor": before, "period": period}
    if period == "daily":
        evidence["after_minor"] = after  # the card reads before → after as "a day"
    else:
        evidence["lifetime_after_minor"] = after
    return make_action(
        f"set_{level}_budget",
        {key: str(obj["id"]), f"{period}_budget": after},
        obj=obj,
        level=level,
        campaign_id=str(campaign["id"]),
        verdict="REQUESTED",
        reasons=[f"requested: {period} budget {money(before, currency)} → "
                 f"{money(after, currency)} ({change:+.0%})"],
        evidence=evidence,
        effect={"metric": "value_per_spend", "direction": "up",
                "text": f"{period} budget {money(before, currency)} → {money(after, currency)} "
                "as requested"},
        risk="high" if after > before else "low",
        requires_review=True,
        currency=currency,
        fuzzy=fuzzy,
    )


def _days_left(end: Any, now: datetime) -> int:
    from state.guardrails import parse_time

    stop = parse_time(end)
    if stop is None:
        return 1
    return max(1, math.ceil((stop - now).total_seconds() / 86400))


def _flags(
    level: str,
    obj: dict[str, Any],
    adsets: list[dict[str, Any]],
    change: float,
    policy: Any,
    name: str,
    word: str,
) -> list[str]:
    """Learning-phase and paused-target consequences of one change, in words."""
    pol = DecisionPolicy.from_policy(policy or {})
    flags = []
    learning = [a for a in ([obj] if level == "adset" else adsets)
                if a.get("status") == "ACTIVE" and in_learning(_stage(a))]
    large = abs(change) >= pol.significant_budget_change
    if large:
        flags.append(
            f"learning phase resets: a {change:+.0%} change to {word} “{name}” is a large budget "
            f"change, which restarts learning ({LEARNING_FACT}; adpilot counts "
            f"≥{pol.significant_budget_change:.0%} as large)")
    elif learning:
        sets = ", ".join(f"“{name_of(a)}”" for a in learning)
        flags.append(
            f"still learning: {sets} — a budget edit now may restart its learning phase "
            f"({LEARNING_FACT}); the optimise loop changes a learning ad set by at most "
            f"{pol.significant_budget_change:.0%}")
    if obj.get("status") != "ACTIVE":
        flags.append(f"{word} “{name}” is {str(obj.get('status') or '').lower() or 'not active'}: "
                     "the new budget applies when it is resumed; changing the budget does not "
                     "resume it")
    return flags


def _stage(adset: dict[str, Any]) -> dict[str, Any]:
    """Return the ad set as `in_learning` reads it (Meta's `learning_stage_info.status`)."""
    return {"learning": (adset.get("learning_stage_info") or {}).get("status")}


def _gate_preview(
    client: Any, actions: list[dict[str, Any]], policy: Any, now: datetime, currency: str
) -> list[str]:
    """Say what the money gate would refuse now (it judges again when applied)."""
    typed = [MoneyAction.from_action(a["name"], a["args"]) for a in actions]
    snapshot = account_state(client, now=now, currency=currency)
    verdict = gate(typed, as_policy(policy), snapshot)
    return [f"the money gate would refuse this now — {r.message}" for r in verdict.refusals]
