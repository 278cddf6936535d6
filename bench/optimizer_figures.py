"""What a strategy actually did in an optimiser-bench run, read from the sandbox's stored objects.

The figures are measured, not taken from the optimiser's own claims: after launch and after
every simulated day (each strategy acts at most once a day), `Trail.observe` reads the
campaign, its ad sets and its ads straight from the sandbox store (`sandbox.store.Store`, the
objects Meta would hold) and records every change of a money field or a status.

- **Budget-direction reversals** (`reversals`): for each ad set and money field (its daily or
  lifetime budget, or under a campaign budget its spend limits), the sequence of changes as
  observed; a reversal is a change whose sign differs from the previous change's
  (40 → 32 → 36.8 → 30.4 → 36.48 is down, up, down, up: 3 reversals). Several writes on one
  day are seen as their net effect, as Meta's learning phase sees them.
- **Changes by type** (`changes_by_type`): every observed change, named
  `<level>_<what>` — `adset_budget_up`, `adset_budget_down`, `adset_spend_limit_up`,
  `campaign_budget_down`, `ad_pause`, `adset_activate`, … — so actions per cycle can be
  counted by type whichever strategy (or rule tool) made them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

MONEY_FIELDS = (
    "daily_budget",
    "lifetime_budget",
    "daily_spend_cap",
    "daily_min_spend_target",
    "lifetime_spend_cap",
    "lifetime_min_spend_target",
)
SPEND_LIMITS = frozenset(MONEY_FIELDS[2:])
PAUSED = frozenset({"PAUSED", "ARCHIVED", "DELETED"})


def reversals(values: list[float]) -> int:
    """Sign changes in the sequence of (non-zero) deltas between consecutive values."""
    signs = [1 if b > a else -1 for a, b in zip(values, values[1:], strict=False) if b != a]
    return sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)


def _money(doc: dict[str, Any], field: str) -> float | None:
    value = doc.get(field)
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _what(field: str) -> str:
    return "spend_limit" if field in SPEND_LIMITS else "budget"


class Trail:
    """The observed money values and statuses of one run's campaign tree, in order."""

    def __init__(self, created: dict[str, Any]) -> None:
        self.objects: dict[str, tuple[str, str]] = {str(created["campaign"]): ("campaign", "")}
        for key, oid in (created.get("ad_sets") or {}).items():
            self.objects[str(oid)] = ("adset", str(key))
        for key, oid in (created.get("ads") or {}).items():
            self.objects[str(oid)] = ("ad", str(key))
        self.money: dict[tuple[str, str], list[float]] = {}
        self.status: dict[str, str] = {}
        self.changes: Counter[str] = Counter()

    def observe(self, store: Any) -> None:
        """Read every object of the tree from the sandbox store and record what changed."""
        for oid, (level, _) in self.objects.items():
            doc = store.get_object(oid)
            if doc is None:
                continue
            status = str(doc.get("status") or "")
            old = self.status.get(oid)
            if old is not None and status != old:
                if status in PAUSED and old not in PAUSED:
                    self.changes[f"{level}_pause"] += 1
                elif old in PAUSED and status not in PAUSED:
                    self.changes[f"{level}_activate"] += 1
            self.status[oid] = status
            for field in MONEY_FIELDS if level != "ad" else ():
                value = _money(doc, field)
                if value is None:
                    continue
                seq = self.money.setdefault((oid, field), [])
                if seq and value != seq[-1]:
                    way = "up" if value > seq[-1] else "down"
                    self.changes[f"{level}_{_what(field)}_{way}"] += 1
                if not seq or value != seq[-1]:
                    seq.append(value)

    def reversals_by_adset(self) -> dict[str, int]:
        """Budget-direction reversals per ad set (keyed by its bench key), all money fields."""
        out = {key: 0 for level, key in self.objects.values() if level == "adset"}
        for (oid, _), seq in self.money.items():
            level, key = self.objects[oid]
            if level == "adset":
                out[key] += reversals(seq)
        return out

    def budget_changes_by_adset(self) -> dict[str, int]:
        """How many money changes were observed per ad set."""
        out = {key: 0 for level, key in self.objects.values() if level == "adset"}
        for (oid, _), seq in self.money.items():
            level, key = self.objects[oid]
            if level == "adset":
                out[key] += max(0, len(seq) - 1)
        return out

    def figures(self, cycles: int) -> dict[str, Any]:
        """The run's figures: reversals per ad set and changes per optimise cycle, by type."""
        rev = self.reversals_by_adset()
        changes = dict(sorted(self.changes.items()))
        total = sum(changes.values())
        return {
            "cycles": cycles,
            "budget_reversals": sum(rev.values()),
            "budget_reversals_per_adset": round(sum(rev.values()) / len(rev), 4) if rev else 0.0,
            "budget_reversals_by_adset": rev,
            "budget_changes_by_adset": self.budget_changes_by_adset(),
            "changes_by_type": changes,
            "actions_per_cycle": per_cycle({**changes, "all": total}, cycles),
        }


def per_cycle(counts: dict[str, int], cycles: int) -> dict[str, float]:
    """Counts divided by the number of optimise cycles (0 when the strategy never decides)."""
    return {k: round(v / cycles, 4) if cycles else 0.0 for k, v in counts.items()}
