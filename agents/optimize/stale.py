"""Cards that went stale: a budget card approved after the budget changed elsewhere.

A card shows "150.00 → 120.00". Approved after the budget was changed by another card, a
loop cycle or Ads Manager, sending 120.00 could raise spend under a card that reads as a cut.
`stale_refusal` compares the card's before-value with Meta's live value (the gate's
snapshot) and refuses the action naming both; `ledger_stale` records the refusal (never sent).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from state.guardrails import Refusal
from state.money import MoneyAction
from state.rules import format_money


def stale_refusal(i: int, action: dict[str, Any], typed: MoneyAction,
           snapshot: Mapping[str, Any]) -> Refusal | None:
    """Refuse a budget change whose card showed another before-value than Meta has now.

    A card says "150.00 → 120.00"; approved after the budget was changed elsewhere (another
    card, Ads Manager), sending 120.00 could raise spend under a card titled as a cut. The
    person is asked to look at a fresh card instead.
    """
    before = (action.get("evidence") or {}).get("before_minor")
    if typed.kind != "set_budget" or before is None or typed.object_id is None:
        return None
    field = "daily_budget" if typed.daily_budget is not None else "lifetime_budget"
    live = next((o.get(field) for o in snapshot.get("objects") or []
                 if str(o.get("id")) == typed.object_id), None)
    try:
        live_minor = int(live) if live not in (None, "") else None
    except (TypeError, ValueError):
        return None
    target = typed.daily_budget if field == "daily_budget" else typed.lifetime_budget
    if live_minor is None or live_minor in (int(before), target):
        return None  # unchanged, or this very write landed already (a re-run after a crash)
    word = field.replace("_", " ")
    currency = str(snapshot.get("currency") or "USD")  # said in money, as the card said it
    return Refusal(i, typed.name, "stale_card", int(before), live_minor,
                   f"Refused: the card was made when the {word} of {typed.object_type} "
                   f"{typed.object_id} was {format_money(int(before), currency)}; Meta has "
                   f"{format_money(live_minor, currency)} now — "
                   "it changed after the card was shown. Nothing was sent. Ask again for a "
                   "fresh card.", typed.object_id, None)


def ledger_stale(client: Any, action: dict[str, Any], refusal: Refusal,
                  receipt: str | None) -> None:
    """Ledger a stale card's action as refused (never sent), like the gate's refusals."""
    ledger = getattr(client, "ledger", None)
    if ledger is None:
        return
    args = dict(action.get("args") or {})
    ledger.refusal(op="update", path=str(refusal.object_id), params=args, message=refusal.message,
                   verdict={"cap": refusal.cap, "card_before": refusal.limit,
                            "meta_now": refusal.value},
                   plan_key=f"gate:stale:{action.get('name')}:{refusal.object_id}",
                   thread_id=getattr(client, "thread_id", None), receipt=receipt)
