"""Budget rules (docs/meta-api-facts.md §3.7, §3.8, §14.3, §14.7): minimums per currency, caps, edit limits.

Money is integer minor units of the account currency (JPY/KRW have none). Minimums come from
`sandbox.enums.minimum_budgets` (the `GET /act_<id>/minimum_budgets` rows): daily budget, or
lifetime budget per day of the schedule, below the minimum → 100/1885272 blaming the field;
lifetime budgets above the 1M USD equivalent → 100/1885261; budget edits more than 4 times an
hour per object → 613/1487632; a new budget below spent + 10% → 100.
"""

from __future__ import annotations

from typing import Any

from sandbox.clock import parse_time
from sandbox.context import RequestContext
from sandbox.enums import CURRENCIES, minimum_budgets, usd_to_minor
from sandbox.errors import GraphError, invalid


def money_text(ctx: RequestContext, minor: int) -> str:
    """Format minor units as the account currency for messages (`12.50 USD`, `1,500 JPY`)."""
    acct = ctx.account() or {}
    currency = str(acct.get("currency", "USD"))
    offset = CURRENCIES.get(currency, (100, 1.0))[0]
    return f"{minor / offset:,.2f} {currency}" if offset > 1 else f"{minor:,} {currency}"


def account_currency(ctx: RequestContext) -> str:
    """Return the account's currency code (USD when unknown)."""
    return str((ctx.account() or {}).get("currency", "USD"))


def check_budget_pair(spec: dict[str, Any]) -> None:
    """Not both daily and lifetime budget; no negative amounts."""
    for key in ("daily_budget", "lifetime_budget"):
        if spec.get(key) is not None and spec[key] < 0:
            raise invalid(f"{key} must not be negative.", fields=[key])
    if spec.get("daily_budget") and spec.get("lifetime_budget"):
        raise invalid(
            "Set either daily_budget or lifetime_budget, not both.",
            fields=["daily_budget", "lifetime_budget"],
            title="Conflicting Budgets",
        )


def schedule_days(spec: dict[str, Any], start_key: str, end_key: str) -> int:
    """Return the whole days between two schedule fields (1 when either is missing)."""
    start = parse_time(spec.get(start_key))
    end = parse_time(spec.get(end_key))
    if not start or not end:
        return 1
    return max(1, -(-int((end - start).total_seconds()) // 86400))


def check_budget_minimum(ctx: RequestContext, spec: dict[str, Any], klass: str, days: int) -> None:
    """Daily budget (or lifetime ÷ days) ≥ the account currency's minimum → 1885272."""
    currency = account_currency(ctx)
    floor = int(minimum_budgets(currency)[f"min_daily_budget_{klass}"])
    bid = spec.get("bid_amount")
    if bid and spec.get("_strategy") == "LOWEST_COST_WITH_BID_CAP":
        floor = max(floor, bid if spec.get("billing_event") == "IMPRESSIONS" else 5 * bid)
    lifetime = spec.get("lifetime_budget")
    if lifetime:
        cap = usd_to_minor(1_000_000, currency)
        if lifetime > cap:
            raise invalid(
                f"The lifetime budget {money_text(ctx, lifetime)} is above the maximum of "
                f"{money_text(ctx, cap)}.",
                fields=["lifetime_budget"],
                subcode=1885261,
                title="Budget Too High",
            )
        if lifetime < floor * days:
            raise invalid(
                f"Your budget is too low. The minimum lifetime budget for {days} day(s) is "
                f"{money_text(ctx, floor * days)} ({money_text(ctx, floor)} per day).",
                fields=["lifetime_budget"],
                subcode=1885272,
                title="Budget Too Low",
            )
    daily = spec.get("daily_budget")
    if daily is not None and daily < floor:
        raise invalid(
            f"Your budget is too low. The minimum budget for this ad set is {money_text(ctx, floor)} "
            "per day.",
            fields=["daily_budget"],
            subcode=1885272,
            title="Budget Too Low",
        )


def check_budget_edit(
    ctx: RequestContext, current: dict[str, Any], spec: dict[str, Any]
) -> list[float]:
    """Budget edits: ≤ 4 per hour per object (613/1487632) and ≥ spent + 10%. Returns new log."""
    now = ctx.now().timestamp()
    edits = [t for t in current.get("_budget_edits", []) if t > now - 3600]
    if len(edits) >= 4:
        raise GraphError(
            613,
            "(#613) Calls to this api have exceeded the rate limit.",
            subcode=1487632,
            user_title="Too Many Budget Changes",
            user_msg="You can change an ad set's budget up to 4 times an hour. Try again later.",
            error_data={"blame_field_specs": [["daily_budget"]]},
        )
    spent = spent_minor(current)
    for key in ("daily_budget", "lifetime_budget"):
        new = spec.get(key)
        if new and spent and new < int(spent * 1.1):
            raise invalid(
                f"The new {key} {money_text(ctx, new)} is below the amount already spent plus 10% "
                f"({money_text(ctx, int(spent * 1.1))}).",
                fields=[key],
                title="Budget Too Low",
            )
    return [*edits, now]


def spent_minor(doc: dict[str, Any]) -> int:
    """Return what an object has spent: `_spent_minor` (delivery) or lifetime - remaining."""
    if doc.get("_spent_minor") is not None:
        return int(doc["_spent_minor"])
    if doc.get("lifetime_budget") and doc.get("budget_remaining") is not None:
        return max(0, int(doc["lifetime_budget"]) - int(doc["budget_remaining"]))
    return 0
