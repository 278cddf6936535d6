"""What the one-off request workflows share: reading objects, the proposal and action shapes.

A one-off proposal (`agents/optimize/oneoff/__init__.py::propose_request`) carries actions in
exactly the optimise loop's shape (`agents/optimize/decide/decisions.py::pause_action`,
`agents/optimize/budget_requests.py::check_budget_request`), so the loop's card
(`prompts/optimize.py::card_markdown`) and apply path (`agents/optimize/cycle.py::
execute_approved`: `MoneyAction.from_action`, the money gate, a ledgered write, a read back)
take them as they are. The target also names the campaign, ad set and ad it sits in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from prompts.optimize import describe_action
from state.exposure import as_int
from state.guardrails import parse_time
from state.intent import EntityRef
from state.provenance import display_name
from state.rules import format_money, min_daily_budget_minor

# Fields read per object type (the loop's `meta_io` fields plus what a request needs).
FIELDS = {
    "campaign": "id,name,status,effective_status,objective,daily_budget,lifetime_budget,"
    "start_time,stop_time,created_time",
    "adset": "id,name,status,effective_status,daily_budget,lifetime_budget,learning_stage_info,"
    "billing_event,optimization_goal,promoted_object,start_time,end_time,campaign_id",
    "ad": "id,name,status,effective_status,adset_id,adset{name},campaign_id",
}
LEVEL_WORD = {"campaign": "campaign", "adset": "ad set", "ad": "ad"}


def proposal(title: str, currency: str, kpi: str = "conversions") -> dict[str, Any]:
    """Return an empty proposal: nothing proposed, nothing asked yet."""
    return {
        "title": title,
        "summary": [],
        "actions": [],
        "flags": [],
        "nothing_to_do": None,
        "clarify": None,
        "currency": currency,
        "kpi": kpi,
    }


def name_of(obj: dict[str, Any] | EntityRef) -> str:
    """Return the name a person sees (no provenance tag), or the id when it has none."""
    if isinstance(obj, EntityRef):
        return display_name(obj.name) or obj.id
    return display_name(str(obj.get("name") or "")) or str(obj.get("id") or "")


def money(minor: float | None, currency: str) -> str:
    """Render minor units, e.g. 4000 USD -> 'USD 40.00' ('—' for None)."""
    return "—" if minor is None else format_money(int(round(minor)), currency)


def read(client: Any, entity: EntityRef) -> dict[str, Any]:
    """Read one object as Meta has it now (status, budgets, schedule, parents)."""
    return dict(client.get(str(entity.id), {"fields": FIELDS[entity.type]}))


def read_children(client: Any, campaign_id: str, kind: str) -> list[dict[str, Any]]:
    """Read every ad set (`adset`) or ad (`ad`) of a campaign."""
    edge = "adsets" if kind == "adset" else "ads"
    return client.get_all(f"{campaign_id}/{edge}", {"fields": FIELDS[kind]}, limit=200)


def account_tz(account: dict[str, Any]) -> ZoneInfo:
    """Return the account's time zone (`account_info`'s `tz`, else its name, else UTC)."""
    tz = account.get("tz")
    if isinstance(tz, ZoneInfo):
        return tz
    return ZoneInfo(str(account.get("timezone_name") or "UTC"))


def ended(obj: dict[str, Any], now: datetime) -> datetime | None:
    """Return the object's end (campaign `stop_time`, ad set `end_time`) when it has passed."""
    end = parse_time(obj.get("stop_time") or obj.get("end_time"))
    return end if end is not None and end <= now else None


def min_daily(account: dict[str, Any], adsets: list[dict[str, Any]]) -> int:
    """Meta's minimum daily budget for these ad sets (the loop's rule: account and billing).

    One ad set's own minimum is the larger of the account's `min_daily_budget` and Meta's
    table for its billing event (`state/rules.py`); a campaign budget needs the sum over its
    ad sets (as `state/plan_checks.py` checks a plan's campaign budget).
    """
    currency = str(account.get("currency") or "USD")
    floor = int(account.get("min_daily_budget_minor") or 0)
    per = [
        max(floor, min_daily_budget_minor(currency, str(a.get("billing_event") or "IMPRESSIONS"),
                                          a.get("optimization_goal")))
        for a in adsets
    ]
    return sum(per) or max(floor, min_daily_budget_minor(currency))


def budget_of(obj: dict[str, Any]) -> tuple[str, int] | None:
    """Return ("daily" | "lifetime", minor units) of the object's own budget, or None."""
    daily, lifetime = as_int(obj.get("daily_budget")), as_int(obj.get("lifetime_budget"))
    if daily:
        return "daily", daily
    if lifetime:
        return "lifetime", lifetime
    return None


def fuzzy_note(entity: EntityRef) -> str:
    """Return the reason a write on a close (fuzzy) name carries: what it resolved to."""
    return (f"the request's name was a close match, read as {LEVEL_WORD[entity.type]} "
            f"“{name_of(entity)}” (id {entity.id}): check it is the one meant")


def make_action(
    name: str,
    args: dict[str, Any],
    *,
    obj: dict[str, Any],
    level: str,
    campaign_id: str,
    adset_id: str | None = None,
    verdict: str,
    reasons: list[str],
    evidence: dict[str, Any],
    effect: dict[str, Any],
    risk: str,
    requires_review: bool,
    currency: str,
    fuzzy: EntityRef | None = None,
) -> dict[str, Any]:
    """Build one action in the loop's shape, with its card line (`description`).

    The target holds the loop's keys (`id`, `name`, `level`, `parent_id`: what the card and
    the judging read) and the campaign, ad set and ad ids it sits in. A write on a fuzzy name
    always asks a person (`requires_review`) and says the name it resolved to.
    """
    oid = str(obj["id"])
    target: dict[str, Any] = {"id": oid, "name": name_of(obj), "level": level,
                              "campaign_id": campaign_id}
    if level == "ad":
        target.update(ad_id=oid, adset_id=adset_id, parent_id=adset_id)
        adset = obj.get("adset") if isinstance(obj, dict) else None
        if isinstance(adset, dict) and adset.get("name"):  # the card says which ad set it is in
            target["adset_name"] = str(adset["name"])
    elif level == "adset":
        target.update(adset_id=oid, parent_id=campaign_id)
    else:
        target["parent_id"] = None
    if fuzzy is not None:
        reasons = [fuzzy_note(fuzzy), *reasons]
        requires_review = True
    action = {
        "name": name,
        "args": args,
        "target": target,
        "verdict": verdict,
        "reasons": reasons,
        "evidence": evidence,
        "expected_effect": effect,
        "risk": risk,
        "requires_review": requires_review,
    }
    action["description"] = describe_action(action, currency)
    return action


def fuzzy_of(entities: list[EntityRef]) -> dict[str, EntityRef]:
    """Return the entities matched by a close name, by id."""
    return {e.id: e for e in entities if e.match == "fuzzy"}
