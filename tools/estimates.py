"""Meta's estimates before launch: delivery estimates and bid-dependent minimum budgets (reads only).

- `delivery_estimate`: `GET /act_<id>/delivery_estimate` with the ad set's `targeting_spec`,
  `optimization_goal` and `promoted_object` → Meta's row: `daily_outcomes_curve` (points of
  `spend`, `reach`, `impressions`, `actions`), `estimate_dau`, `estimate_mau_lower_bound`,
  `estimate_mau_upper_bound`, `estimate_ready` (docs/facts-bidding-placements-destinations.md §6).
- `minimum_budget_row`: `GET /act_<id>/minimum_budgets` (with `bid_amount` for capped ad sets)
  → the row of the account's currency: `min_daily_budget_imp`, `_high_freq`, `_low_freq`,
  `_video_views` in minor units (§1.4: ask Meta instead of hard-coding bid multiples).

Errors are `tools.errors.MetaError`s from the client; callers decide what an error means (an
estimate error never fails a plan).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

ESTIMATE_FIELDS = ("daily_outcomes_curve", "estimate_dau", "estimate_mau_lower_bound",
                   "estimate_mau_upper_bound", "estimate_ready")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def delivery_estimate(client: MetaClient, targeting: dict[str, Any], optimization_goal: str,
                      promoted_object: dict[str, Any] | None = None) -> dict[str, Any]:
    """Meta's delivery estimate for one ad set's targeting and goal (`{}` when Meta has none)."""
    params: dict[str, Any] = {"targeting_spec": _json(targeting),
                              "optimization_goal": optimization_goal}
    if promoted_object:
        params["promoted_object"] = _json(promoted_object)
    body = client.get(f"{client._account()}/delivery_estimate", params)
    rows = body.get("data") or []
    row = rows[0] if rows else {}
    return {k: row[k] for k in ESTIMATE_FIELDS if k in row}


def minimum_budget_row(client: MetaClient, currency: str,
                       bid_amount: int | None = None) -> dict[str, Any] | None:
    """Return the account's `minimum_budgets` row for `currency` (given the bid, when there is one)."""
    params: dict[str, Any] = {"bid_amount": int(bid_amount)} if bid_amount is not None else {}
    rows = client.get_all(f"{client._account()}/minimum_budgets", params, max_items=200)
    return next((r for r in rows if str(r.get("currency", "")).upper() == currency.upper()), None)


__all__ = ["delivery_estimate", "minimum_budget_row"]
