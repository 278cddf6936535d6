"""Pause or resume campaigns, ad sets or ads by name ("pause Carousel A", "turn Spring Sale back on").

`propose_status(client, intent, ...)` reads each named object and proposes `pause_<level>` or
`activate_<level>` in the loop's shape. Already in that status → `nothing_to_do` (evals rule 6:
still a status request; the card says there is nothing to change). Resuming something whose
campaign (or ad set) end date has passed → `clarify` (it would not deliver: a new end date
first). Resuming raises spend, so it is `risk: high` and always asks a person
(`state.policy.NEVER_AUTO_APPROVED`); the money gate judges it again when it is applied.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from agents.optimize.oneoff.common import (
    LEVEL_WORD,
    budget_of,
    ended,
    fuzzy_of,
    make_action,
    money,
    name_of,
    proposal,
    read,
)
from state.intent import EntityRef, Intent, StatusParams

_GONE = {"DELETED", "ARCHIVED"}


def propose_status(
    client: Any, intent: Intent, *, account: dict[str, Any], policy: Any, now: datetime
) -> dict[str, Any]:
    """Return the proposal for a pause or resume request (no writes)."""
    params: StatusParams = intent.typed()
    currency = str(account.get("currency") or "USD")
    verb = "Pause" if params.to == "PAUSED" else "Resume"
    names = ", ".join(f"“{name_of(e)}”" for e in intent.entities)
    out = proposal(f"## {verb} {names or '—'}", currency)
    if not intent.entities:
        out["clarify"] = (f"Which campaign, ad set or ad should adpilot {verb.lower()}? Name it "
                          "(e.g. 'pause Carousel A').")
        return out
    fuzzy = fuzzy_of(intent.entities)
    already: list[str] = []
    for entity in intent.entities:
        obj = read(client, entity)
        word = LEVEL_WORD[entity.type]
        status = str(obj.get("status") or "")
        if status in _GONE:
            out["clarify"] = (f"{word.capitalize()} “{name_of(obj)}” is {status.lower()}: Meta "
                              "cannot pause or resume it. Name another one.")
            return out
        if status == params.to:
            already.append(f"{word} “{name_of(obj)}” is already "
                           f"{'paused' if status == 'PAUSED' else 'active'}")
            continue
        if params.to == "ACTIVE":
            problem = _resume_problem(client, entity, obj, now)
            if problem:
                out["clarify"] = problem
                out["actions"] = []
                return out
        out["actions"].append(_action(entity, obj, params.to, currency, fuzzy.get(entity.id)))
        out["summary"].append(f"{word.capitalize()} “{name_of(obj)}” (id {obj['id']}): "
                              f"{status or '?'} → {params.to}")
        if params.to == "ACTIVE":
            out["flags"] += _resume_flags(obj, entity, currency)
    out["summary"] += [f"Nothing to change: {a}." for a in already]
    if not out["actions"]:
        out["nothing_to_do"] = "; ".join(a[0].upper() + a[1:] for a in already) + "."
    return out


def _campaign_of(client: Any, entity: EntityRef, obj: dict[str, Any]) -> dict[str, Any]:
    if entity.type == "campaign":
        return obj
    cid = str(obj.get("campaign_id") or "")
    return dict(client.get(cid, {"fields": "id,name,status,stop_time"})) if cid else {}


def _resume_problem(
    client: Any, entity: EntityRef, obj: dict[str, Any], now: datetime
) -> str | None:
    """Why resuming would not deliver (an end date that has passed), as a question; or None."""
    campaign = _campaign_of(client, entity, obj)
    over = ended(campaign, now) if campaign else None
    if over is not None:
        return (f"Campaign “{name_of(campaign)}” ended on {over.date().isoformat()} (its end "
                "date has passed), so resuming it would not deliver. Set a later end date on it "
                "in Ads Manager first, then ask again — or launch a new campaign.")
    if entity.type == "adset" and (over := ended(obj, now)) is not None:
        return (f"Ad set “{name_of(obj)}” ended on {over.date().isoformat()} (its end time has "
                "passed), so resuming it would not deliver. Set a later end time first.")
    return None


def _resume_flags(obj: dict[str, Any], entity: EntityRef, currency: str) -> list[str]:
    flags = []
    effective = str(obj.get("effective_status") or "")
    if effective in ("CAMPAIGN_PAUSED", "ADSET_PAUSED"):
        parent = "campaign" if effective == "CAMPAIGN_PAUSED" else "ad set"
        flags.append(f"“{name_of(obj)}” will not deliver while its {parent} is paused: resume "
                     f"the {parent} too if it should spend")
    budget = budget_of(obj)
    if budget is not None:
        flags.append(f"resuming {LEVEL_WORD[entity.type]} “{name_of(obj)}” starts spending its "
                     f"{budget[0]} budget of {money(budget[1], currency)}")
    return flags


def _action(
    entity: EntityRef, obj: dict[str, Any], to: str, currency: str, fuzzy: EntityRef | None
) -> dict[str, Any]:
    level = entity.type
    pause = to == "PAUSED"
    kind = "pause" if pause else "activate"
    key = {"campaign": "campaign_id", "adset": "adset_id", "ad": "ad_id"}[level]
    campaign_id = str(obj["id"]) if level == "campaign" else str(obj.get("campaign_id") or "")
    adset_id = str(obj.get("adset_id") or "") or None
    effect = (
        "its spend stops until it is resumed" if pause
        else "it spends again (the money gate checks the account's exposure when it is applied)"
    )
    return make_action(
        f"{kind}_{level}",
        {key: str(obj["id"]), "status": to},
        obj=obj,
        level=level,
        campaign_id=campaign_id,
        adset_id=adset_id,
        verdict="REQUESTED",
        reasons=[f"requested: {kind} {LEVEL_WORD[level]} “{name_of(obj)}”"],
        evidence={"status_before": obj.get("status"),
                  "effective_status": obj.get("effective_status")},
        effect={"metric": "spend", "direction": "down" if pause else "up", "text": effect},
        risk="low" if pause else "high",
        requires_review=not pause,
        currency=currency,
        fuzzy=fuzzy,
    )
