"""What the optimise loop observes on Meta from one cycle to the next (pure).

- `phase_budgets(tree, known, now)`: each ad set's budget at the start of its learning phase,
  and the last change of its budget (and of a campaign budget) seen between two cycles,
  whoever made it: the memory the loop's hysteresis and off-target wait read;
- `moved_by_loop(entry, edits)`: whether that change was the loop's own edit;
- `distinct_name(obj, siblings)`: an ad set's name as cards show it, told apart from a
  sibling of the same name; `shared_name(name)` takes that apart again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from state.exposure import as_int
from state.guardrails import parse_time
from state.provenance import display_name


def phase_budgets(
    tree: dict[str, Any], known: dict[str, dict[str, Any]] | None, now: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """Each ad set's budget at the start of its current learning phase, and its last move.

    A new `learning_stage_info.last_sig_edit_ts` means a new phase began with the budget the ad
    set has now; otherwise the remembered phase budget stands. Beside it, the budget seen last
    (`seen`, daily or lifetime as the ad set has it) and the direction of its last change
    (`last_move` +1 up / -1 down, `moved_at`), observed on Meta cycle to cycle whoever made it:
    the memory the loop's hysteresis reads (`agents/optimize/decide/hysteresis.py`). A campaign
    budget (CBO) is observed the same way, under `campaign:<id>` (the off-target wait reads it).
    """
    out = {k: dict(v) for k, v in (known or {}).items()}
    for a in tree["ad_sets"]:
        ts = (a.get("learning_stage_info") or {}).get("last_sig_edit_ts")
        key = str(a["id"])
        entry = out.get(key)
        if entry is None or entry.get("ts") != ts:
            entry = out[key] = {**(entry or {}), "ts": ts,
                                "budget": as_int(a.get("daily_budget")) or None}
        _observe(entry, a, now)
    campaign = tree.get("campaign") or {}
    if campaign.get("id") and (as_int(campaign.get("daily_budget"))
                               or as_int(campaign.get("lifetime_budget"))):
        _observe(out.setdefault(f"campaign:{campaign['id']}", {}), campaign, now)
    return out


def _observe(entry: dict[str, Any], obj: Mapping[str, Any], now: datetime | None) -> None:
    """Note the budget `obj` has now in `entry`, and the direction and window of a change."""
    seen = as_int(obj.get("daily_budget")) or as_int(obj.get("lifetime_budget")) or None
    before = entry.get("seen")
    if before and seen and seen != before:
        entry["last_move"] = 1 if seen > before else -1
        entry["moved_at"] = now.isoformat() if now else None
        entry["moved_after"] = entry.get("seen_at")  # the change happened in between
    entry["seen"] = seen
    entry["seen_at"] = now.isoformat() if now else None


def distinct_name(obj: Mapping[str, Any], siblings: list[dict[str, Any]]) -> str:
    """Return an ad set's name as cards show it: with its id's end when a sibling shares it.

    Real accounts hold "Copy of …" and duplicated names; a card that pauses one "Ages 25-34"
    and raises another must say which is which.
    """
    name = str(obj.get("name") or "")
    shown = display_name(name)
    if sum(1 for s in siblings if display_name(s.get("name")) == shown) < 2:
        return name
    return f"{shown} (id …{str(obj['id'])[-6:]})"


def shared_name(name: str) -> str:
    """Return a name as `distinct_name` found it shared: without the id end it added."""
    return re.sub(r" \(id …\w+\)$", "", name)


def moved_by_loop(entry: dict[str, Any], edits: list[str]) -> bool | None:
    """Whether the ad set's last observed budget change was the loop's own edit.

    True when one of the loop's budget edits (`budget_edits`) falls between the two cycles
    that saw the budget before and after; False when none does (a person, or another tool,
    changed it); None when no change has been seen. An edit stamped at the very time of the
    cycle that saw the old budget is the loop's (a cycle reads, then writes: on a clock that
    stands still between cycles, as the sandbox's does, both carry one time).
    """
    if not entry.get("last_move") or not entry.get("moved_at"):
        return None
    start, end = parse_time(entry.get("moved_after")), parse_time(entry.get("moved_at"))
    times = [t for t in (parse_time(e) for e in edits) if t is not None]
    if end is None:
        return None
    return any((start is None or t >= start) and t <= end for t in times)
