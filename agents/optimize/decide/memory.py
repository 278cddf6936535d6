"""The reallocation's memory: an ad set's days, discounted by age, at its current spend.

The posteriors of value per unit of spend (`reallocation.posteriors`) used to read the last
week alone. On sparse data a week holds one or two results per ad set — noise — and the
three weeks before it were thrown away. `discounted` weighs every day of the judging window
by `0.5 ** ((age - 1) / half_life)` (yesterday counts fully; a day `half_life` days older
counts half), so a quiet ad set is judged on more than a week and a tiring one still mostly
on its recent days.

Days ran on different budgets. Under the loop's response model (`value(s) = a * s**e`, e =
`response_elasticity`) a day that spent `s_d` is worth `s_ref * (s_d / s_ref) ** e` of spend
at today's level `s_ref` (the mean spend of its last three days), so results bought on a
smaller budget (cheaper, per unit) are not read as today's rate. Counts (clicks, results,
value) are weighed, never rescaled.

Imports `state` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from state.insights_store import derive

COUNTS = ("impressions", "clicks", "link_clicks", "conversions", "conversion_value_minor",
          "recallers")
REF_DAYS = 3  # today's spend level: the mean of the ad set's last days with spend


def discounted(adset: Mapping[str, Any], half_life: float, elasticity: float
               ) -> dict[str, float] | None:
    """Return the ad set's discounted stats (the `stats` keys), or None without history."""
    rows = [r for r in adset.get("history") or [] if float(r.get("spend_minor") or 0) > 0]
    if half_life <= 0 or not rows:
        return None
    newest = min(float(r["age"]) for r in rows)
    recent = [float(r["spend_minor"]) for r in rows if float(r["age"]) < newest + REF_DAYS]
    ref = sum(recent) / len(recent)
    out = {"spend_minor": 0.0, **{k: 0.0 for k in COUNTS}}
    for r in rows:
        w = 0.5 ** ((float(r["age"]) - 1.0) / half_life)
        out["spend_minor"] += w * ref * (float(r["spend_minor"]) / ref) ** elasticity
        for k in COUNTS:
            out[k] += w * float(r.get(k) or 0)
    out["days"] = float(len(rows))
    return out


def settled(adset: Mapping[str, Any], first_days: int) -> Mapping[str, Any]:
    """Return the ad set's window sums without its first `first_days` days of delivery.

    A new ad set's first week is Meta's learning phase (dearer, noisier) and its newest
    conversions are still being restated: judging whether it can ever meet its target on
    that week cut or paused campaigns that later ran on target. Days before the window, or
    an evidence without `history`, leave `stats` as they are.
    """
    rows = adset.get("history") or []
    if not rows or not any(float(r.get("delivery_day") or 0) for r in rows):
        return adset.get("stats") or {}
    kept = [r for r in rows if float(r.get("delivery_day") or 0) > first_days]
    out = {"spend_minor": sum(float(r.get("spend_minor") or 0) for r in kept),
           **{k: sum(float(r.get(k) or 0) for r in kept) for k in COUNTS}}
    out["days"] = float(len(kept))
    return derive(out)  # with its ratios: the card shows these as the action's evidence
