"""Ad set spend limits under a campaign budget (CBO): the rules a request must meet.

How delivery honours them (re-splitting a campaign budget within its ad sets' limits) is
`limit_split` in `sandbox.pacing`.

Meta's ad set fields `daily_min_spend_target` / `daily_spend_cap` (and the lifetime pair) bound
how a campaign budget is split over its ad sets. What this relies on, with its confidence
(docs/meta-api-facts.md's marks):

- [S] field reference (the SDK's AdSet fields and Meta's field descriptions): "To use this
  field, daily budget must be specified in the Campaign" (lifetime pair: lifetime budget); the
  minimum "is not a guarantee but our best effort"; money in minor units, read as strings.
- [S] practitioners' docs: the maximum is a hard limit — once reached the ad set stops spending
  even with campaign budget left; that Meta then spends the rest on its siblings is inferred
  from how CBO works [U].
- [U] the minimums of a campaign's ad sets may not add up to more than its budget (Ads
  Manager's rule; not verified for the API), and 0 clears a limit (how the API clears one is
  not documented). Spend-limit edits do not count toward the sandbox's 4-per-hour
  budget-edit limit, nor restart learning [U].
"""

from __future__ import annotations

from typing import Any

from sandbox.budgets import money_text
from sandbox.context import RequestContext
from sandbox.errors import invalid


def check_spend_limits(ctx: RequestContext, spec: dict[str, Any], campaign: dict[str, Any]) -> None:
    """Ad set spend limits (docs/meta-api-facts.md §3, "less common"): only under a campaign budget of their kind.

    `daily_min_spend_target` / `daily_spend_cap` need a campaign daily budget, the lifetime pair
    a campaign lifetime budget (Meta's field reference); amounts are non-negative minor units,
    0 = no limit; the minimum may not exceed the cap; and the minimums of a campaign's ad sets
    may not add up to more than its budget (Ads Manager's rule; unverified for the API).
    """
    for kind in ("daily", "lifetime"):
        low_key, cap_key = f"{kind}_min_spend_target", f"{kind}_spend_cap"
        low, cap = spec.get(low_key), spec.get(cap_key)
        if not low and not cap:
            continue
        budget = int(campaign.get(f"{kind}_budget") or 0)
        for key, value in ((low_key, low), (cap_key, cap)):
            if value is not None and value < 0:
                raise invalid(f"{key} must not be negative (0 removes the limit).", fields=[key])
            if value and not budget:
                raise invalid(
                    f"{key} is an ad set spend limit: it only applies to ad sets of a campaign "
                    f"with a {kind} campaign budget (Advantage campaign budget). Set a "
                    f"{kind}_budget on the campaign or remove {key}.",
                    fields=[key],
                    title="Spend Limit Needs a Campaign Budget",
                )
        if low and cap and low > cap:
            raise invalid(
                f"{low_key} ({money_text(ctx, low)}) is above {cap_key} "
                f"({money_text(ctx, cap)}); the minimum must not exceed the cap.",
                fields=[low_key, cap_key],
            )
        if low:
            own = str(spec.get("id") or "")
            siblings = sum(
                int(a.get(low_key) or 0)
                for a in ctx.store.list_objects("adset", parent_id=str(campaign.get("id")))
                if str(a.get("id")) != own and a.get("status") not in ("DELETED", "ARCHIVED")
            )
            if siblings + low > budget:
                raise invalid(
                    f"The ad set minimums of this campaign would add up to "
                    f"{money_text(ctx, siblings + low)}, above its {kind} budget of "
                    f"{money_text(ctx, budget)}; lower {low_key}.",
                    fields=[low_key],
                    title="Spend Limits Above Budget",
                )
