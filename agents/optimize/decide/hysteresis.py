"""When a budget may move, and in which direction: evidence that persists, and hysteresis.

Pure functions used by `agents/optimize/decide/reallocation.py`. Moving money on noise costs
twice: the move itself buys less than it could, and the next cycle's noise moves it back (the
flip-flop a marketer reads as "it does not know what it is doing"). So a budget moves only
when the evidence for that direction is strong *and* persists:

- **Direction.** From posterior draws of each ad set's value per unit of spend, `p_up` is the
  probability that it does better than the campaign's budget-weighted average by more than
  `move_margin` (5 %), `p_down` that it does worse by as much. The marginal value is the
  average times the response elasticity, the same for every ad set, so the comparison of
  averages is the comparison of marginals.
- **Not too soon.** Nothing moves on value before every ad set has `min_move_days` (7) days
  of data: the first days are the learning phase, and a move made on them is the one noise
  most often reverses later. A flight shorter than two weeks (every ad set ends within its
  `ends_in_days`) waits `short_flight_share` (half) of its length instead, never under
  `min_days` (3): a 7-day flight moves from its fourth day, not never (`move_after_days`).
- **Strong.** An increase needs `p_up` ≥ `move_probability` (70 %) on its recent days (about
  the current budget); a cut `p_down` ≥ the same. Ad sets short of that stay where they are.
- **Persists.** The same direction must also hold on the whole judging window (four weeks),
  with probability ≥ `persist_probability` (50 %): a good week against a worse month is not
  a trend.
- **Hysteresis.** An ad set whose budget last moved the other way (`last_move`, observed on
  Meta cycle to cycle by `agents/optimize/meta_io.py::phase_budgets`, whoever changed it) is
  reversed only after `reverse_days` (5) days at the new budget and with `reverse_probability`
  (95 %) on its recent days and `move_probability` on the whole window.

The other side of a move needs less: money for a strong raise comes from ad sets probably
below the average (`other_side_probability`, 50 %), a strong cut's goes to ones probably
above it — never from or to an ad set whose last move went the other way, and only when the
strong side can move (`reallocation.py` drops the other side of a raise the audience cannot
spend).

Budget cuts that are not about value — a paused ad set's budget, an ad set that cannot spend
its budget (plateau) — are not gated here; `reallocation.py` applies them as before.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from state.guardrails import parse_time


@dataclass(frozen=True)
class Directions:
    """Per ad set of the pool: may its budget rise / fall this cycle, and the evidence."""

    may_raise: np.ndarray  # strong, or the other side of a strong move
    may_cut: np.ndarray
    strong_raise: np.ndarray  # strong and persistent on its own evidence
    strong_cut: np.ndarray
    p_above: np.ndarray  # P(above the budget-weighted average), no margin
    p_up: np.ndarray  # last week
    p_down: np.ndarray
    p_up_long: np.ndarray  # whole window
    p_down_long: np.ndarray
    held: list[str | None]  # why a move the week alone suggests is held back (None: not held)
    young: bool = False  # fewer days of data than `move_after_days`: no move on value

    def stated(self, k: int, up: bool) -> tuple[float, float, bool]:
        """Return what a move of ad set `k` was made on: (P last week, P window, other side).

        A strong move states its margin test; a move on the other side of a strong one
        (`may_raise` / `may_cut` without `strong_*`) states P(above / below the average).
        """
        strong = bool(self.strong_raise[k] if up else self.strong_cut[k])
        week = (self.p_up[k] if up else self.p_down[k]) if strong else \
            (self.p_above[k] if up else 1 - self.p_above[k])
        return float(week), float(self.p_up_long[k] if up else self.p_down_long[k]), not strong


def direction_probabilities(
    draws: np.ndarray, current: np.ndarray, margin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (p_up, p_down): P(rate > average × (1 + margin)), P(rate < average × (1 - margin)).

    `draws` are posterior samples (ad sets × samples) of value per unit of spend; the average
    is weighted by the ad sets' `current` budgets, draw by draw.
    """
    weights = current / max(float(current.sum()), 1e-12)
    average = (weights[:, None] * draws).sum(axis=0)
    p_up = (draws > average * (1 + margin)).mean(axis=1)
    p_down = (draws < average * (1 - margin)).mean(axis=1)
    return p_up, p_down


def move_after_days(pool: Sequence[Mapping[str, Any]], have: int, policy: Any) -> int:
    """Days of data before budgets move on value: `min_move_days`, less for a short flight.

    `have` is the fewest days of data in the pool; the flight is that plus the fewest days
    left (`ends_in_days`, known only when every ad set has an end time).
    """
    ends = [int(e) for a in pool if (e := a.get("ends_in_days")) is not None]
    if policy.short_flight_share <= 0 or not ends or len(ends) < len(pool):
        return int(policy.min_move_days)
    flight = have + min(ends)
    short = math.ceil(flight * policy.short_flight_share)
    return max(int(policy.min_days), min(int(policy.min_move_days), short))


def days_since_move(adset: Mapping[str, Any], evidence: Mapping[str, Any]) -> float | None:
    """Days since the ad set's budget last moved (None: never seen to move)."""
    now, at = parse_time(evidence.get("now")), parse_time(adset.get("moved_at"))
    if now is None or at is None:
        return None
    return (now - at) / timedelta(days=1)


def directions(
    pool: Sequence[Mapping[str, Any]],
    recent: np.ndarray,
    long: np.ndarray,
    current: np.ndarray,
    evidence: Mapping[str, Any],
    policy: Any,
) -> Directions:
    """Which way each pool ad set's budget may move this cycle (see the module docstring).

    `recent` and `long` are posterior draws (ad sets × samples) of value per unit of spend on
    the last week and on the whole window.
    """
    p_up, p_down = direction_probabilities(recent, current, policy.move_margin)
    p_up_l, p_down_l = direction_probabilities(long, current, policy.move_margin)
    may_raise = np.zeros(len(pool), dtype=bool)
    may_cut = np.zeros(len(pool), dtype=bool)
    held: list[str | None] = []
    have = min(int((a.get("stats") or {}).get("days") or 0) for a in pool)
    need = move_after_days(pool, have, policy)
    young = have < need
    for k, a in enumerate(pool):
        last = a.get("last_move")
        since = days_since_move(a, evidence)
        note = None
        for sign, p, p_long, out in ((1, p_up, p_up_l, may_raise), (-1, p_down, p_down_l, may_cut)):
            reversing = last == -sign
            q = policy.reverse_probability if reversing else policy.move_probability
            q_long = policy.move_probability if reversing else policy.persist_probability
            if p[k] < policy.move_probability:
                continue  # the week does not point this way: nothing to hold back
            word = "raise" if sign > 0 else "cut"
            if young:
                note = (f"the last days point to a {word} ({p[k]:.0%}), but budgets move on "
                        f"value only after {need} days of data")
            elif reversing and since is not None and since < policy.reverse_days - 1 / 24:
                note = (f"a {word} would reverse its last budget move {since:.0f} day(s) ago: "
                        f"held for {policy.reverse_days} days at the new budget")
            elif p[k] < q:
                note = (f"a {word} would reverse its last budget move: its recent days say so "
                        f"with {p[k]:.0%}, under the {q:.0%} a reversal needs")
            elif p_long[k] < q_long:
                note = (f"its recent days point to a {word} ({p[k]:.0%}) but the whole window "
                        f"does not agree ({p_long[k]:.0%} < {q_long:.0%}): not yet a trend")
            else:
                out[k] = True
        held.append(note)
    # The other side of a move: money for a strong raise comes from ad sets that are probably
    # below the average, and a strong cut's money goes to those probably above it (never one
    # whose last move went the other way: a reversal needs its own strong evidence).
    above, below = direction_probabilities(recent, current, 0.0)
    last = np.array([a.get("last_move") or 0 for a in pool])
    strong_raise, strong_cut = may_raise.copy(), may_cut.copy()
    if strong_raise.any():
        may_cut |= (below >= policy.other_side_probability) & (last != 1) & ~strong_raise
    if strong_cut.any():
        may_raise |= (above >= policy.other_side_probability) & (last != -1) & ~strong_cut
    return Directions(may_raise, may_cut, strong_raise, strong_cut, above, p_up, p_down, p_up_l,
                      p_down_l, held, young)
