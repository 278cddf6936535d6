"""`adset_budgets` on a campaign update: a campaign budget handed down to its ad sets.

Meta's campaign update takes `adset_budgets`, `[{"adset_id", "daily_budget" or
"lifetime_budget"}, ...]`, when it switches a campaign from a campaign budget to ad set budgets
(the campaign's `daily_budget` / `lifetime_budget` sent empty in the same call): one entry for
every ad set of the campaign that is not deleted, each budget at least the account's minimum
(CampaignRef, "adset_budgets"; meta-ads-mcp's `update_campaign` sends exactly this). Anything
else is refused with code 100 naming `adset_budgets`, and nothing is written; on success the
ad sets' budgets are written with the campaign's.
"""

from __future__ import annotations

from typing import Any

from sandbox.budgets import check_budget_minimum
from sandbox.context import RequestContext
from sandbox.enums import budget_class
from sandbox.errors import invalid
from sandbox.params import get_list

Move = tuple[str, str, int]  # (ad set id, budget field, amount in minor units)


def check(ctx: RequestContext, campaign: dict[str, Any], params: dict[str, Any]) -> list[Move]:
    """Return the ad set budgets an update hands down ([] when it has no `adset_budgets`)."""
    if "adset_budgets" not in params:
        return []
    entries = get_list(params, "adset_budgets") or []
    removing = all(str(params.get(k, "x")) == "" or not campaign.get(k)
                   for k in ("daily_budget", "lifetime_budget"))
    if not (campaign.get("daily_budget") or campaign.get("lifetime_budget")) or not removing:
        raise invalid("adset_budgets is taken only when the campaign budget is removed in the same "
                      "update (daily_budget or lifetime_budget sent empty).",
                      fields=["adset_budgets"])
    live = {str(a["id"]): a for a in ctx.store.list_objects("adset", parent_id=campaign["id"])
            if a.get("status") != "DELETED"}
    moves: list[Move] = []
    if not isinstance(entries, list):
        entries = [entries]
    for entry in entries:
        if not isinstance(entry, dict):
            entry = {}
        keys = [k for k in ("daily_budget", "lifetime_budget") if k in entry]
        sid = str(entry.get("adset_id", ""))
        if sid not in live or len(keys) != 1:
            raise invalid("Each adset_budgets entry needs the adset_id of one of the campaign's "
                          "ad sets and exactly one of daily_budget or lifetime_budget.",
                          fields=["adset_budgets"])
        try:
            amount = int(entry[keys[0]])
        except (TypeError, ValueError):
            raise invalid(f"adset_budgets: {keys[0]} of ad set {sid} must be a whole number of "
                          "minor units.", fields=["adset_budgets"]) from None
        doc = live[sid]
        if keys[0] == "lifetime_budget" and not doc.get("end_time"):
            raise invalid(f"Ad set {sid} has no end_time: a lifetime budget needs one (set it "
                          "first, or hand down a daily_budget).", fields=["adset_budgets"],
                          title="End Time Required")
        klass = budget_class(doc.get("billing_event"), doc.get("optimization_goal"))
        check_budget_minimum(ctx, {keys[0]: amount}, klass, days=1)
        moves.append((sid, keys[0], amount))
    missing = sorted(set(live) - {m[0] for m in moves})
    if missing:
        raise invalid(f"adset_budgets must give every ad set of the campaign a budget; missing: "
                      f"{', '.join(missing)}.", fields=["adset_budgets"])
    return moves


def apply(ctx: RequestContext, moves: list[Move], stamp: str) -> None:
    """Write the handed-down budgets (a new budget, so all of it remains)."""
    for sid, field, amount in moves:
        ctx.store.update_object(sid, {field: str(amount), "budget_remaining": str(amount),
                                      "updated_time": stamp})
