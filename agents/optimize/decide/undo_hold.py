"""A person's undo is a decision: the loop does not propose the same change again for a while.

Why: a reviewer undid the loop's pause of an ad (`adpilot undo THREAD WRITE_ID`) and the very
next card proposed the same pause again, on the same evidence — the loop overruling a person
who had just looked at it erodes the trust the approval card depends on. So, pure functions
(no I/O, no clock: the day is the evidence's `today`), used by `decisions.py`,
`reallocation.py`, `cbo.py` and `agents/optimize/cycle.py`:

- `undone_of(entry)`: the compact form of one applied action `adpilot undo` took back (marked
  `undone_at` by `agents/optimize/history.py::mark_undone`), as the cycle puts it in the
  evidence (`evidence["undone"]`): its kind, the object, the direction of a budget move, when.
- `holds_of(evidence, policy)`: the undos still holding on the evidence's day — for
  `undo_hold_days` (7) from the day of the undo. `hold_on(holds, name, object_id, direction)`:
  the hold a proposal would break — the same kind of action on the same object (pause that
  ad again, a budget move the same way on that ad set; the opposite move is not held: it
  goes the person's way).
- Where each kind is held: an ad's pause in `decisions.judge_ads` (the held ad stays active,
  so the never-the-last-ad rule counts it); a budget or spend-limit move in the direction a
  person took back is taken out of the directions it may move (`MoveHolds`, before the
  reallocation is split, so the total stays kept); anything else (an ad set's or the
  campaign's pause, a creative refresh, an off-target cut) by `hold_actions` at the end.
- An emergency still goes through (`rules.emergency_reason`: spend far past the target with
  nothing to show, or the alerts' emergency pauses): the person's undo was about the evidence
  then, an emergency is a new fact; the action says it overrides the undo, and why.
- Every held action is said in words on the card's flags (and in the cycle's status, and in
  the held entity's verdict): `held_note` — "held: you undid the pause of ad 'X' (ad set
  'Y') on Mar 12; adpilot will not propose it again before Mar 19 unless it becomes an
  emergency".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from agents.optimize.decide.hysteresis import Directions
from agents.optimize.decide.stats import DecisionPolicy
from state.provenance import display_name

HELD = "held: you undid"  # how every undo-hold note starts (`undo_notes` finds them)
MOVES = ("set_adset_budget", "set_adset_spend_limits")  # held in the directions they may move
MOVE_GROUPS = ("reallocation", "cbo_spend_limits")
WHAT = {"pause_ad": "the pause", "pause_adset": "the pause", "pause_campaign": "the pause",
        "refresh_creative": "the creative refresh", "set_adset_spend_limits": "the spend-limit",
        "set_adset_budget": "the budget", "set_campaign_budget": "the budget"}
LEVEL_WORD = {"ad": "ad", "adset": "ad set", "campaign": "campaign"}


def direction(action: Mapping[str, Any]) -> int:
    """Return +1 / -1 for a budget or spend-limit move up / down, 0 for anything else."""
    if str(action.get("name")) not in (*MOVES, "set_campaign_budget"):
        return 0
    ev, args = action.get("evidence") or {}, action.get("args") or {}
    if ev.get("target_spend_minor") is not None:  # CBO spend limits: target vs actual spend
        delta = float(ev["target_spend_minor"]) - float(ev.get("spend_per_day_minor") or 0)
    else:
        after = args.get("daily_budget", args.get("lifetime_budget", ev.get("after_minor")))
        before = ev.get("before_minor", (action.get("before") or {}).get("daily_budget"))
        if after is None or before is None:
            return 0
        delta = float(after) - float(before)
    return (delta > 0) - (delta < 0)


def undone_of(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """Return the compact evidence of an applied action a person undid (None: not undone)."""
    if not entry.get("undone_at") or entry.get("advice") or entry.get("status") != "applied":
        return None
    target = entry.get("target") or {}
    object_id = target.get("id") or next(
        (v for k, v in (entry.get("args") or {}).items() if k.endswith("_id")), None)
    if not object_id:
        return None
    return {"name": str(entry.get("name")), "object_id": str(object_id),
            "object_name": display_name(target.get("name")), "level": target.get("level"),
            "parent_id": str(target.get("parent_id") or ""), "direction": direction(entry),
            "undone_at": str(entry["undone_at"])}


def holds_of(evidence: Mapping[str, Any], policy: Any) -> list[dict[str, Any]]:
    """Return the undos that still hold on the evidence's day, each with `until` (when it ends)."""
    today = str(evidence.get("today") or evidence.get("now") or "")[:10]
    days = DecisionPolicy.from_policy(policy or {}).undo_hold_days
    out = []
    for undo in evidence.get("undone") or []:
        try:
            until = date.fromisoformat(str(undo["undone_at"])[:10]) + timedelta(days=days)
        except (KeyError, ValueError):
            continue
        if today and today < until.isoformat():
            out.append({**undo, "until": until.isoformat()})
    return out


def hold_on(holds: Sequence[Mapping[str, Any]], name: str, object_id: Any,
            way: int = 0) -> Mapping[str, Any] | None:
    """Return the newest hold on this kind of action on this object (this way, for a move)."""
    found = [h for h in holds if h["name"] == name and h["object_id"] == str(object_id)
             and int(h.get("direction") or 0) == way]
    return max(found, key=lambda h: str(h["undone_at"]), default=None)


def _day(iso: str) -> str:
    d = date.fromisoformat(iso[:10])
    return f"{d:%b} {d.day}"


def _what(hold: Mapping[str, Any], evidence: Mapping[str, Any]) -> str:
    """Say which change was undone: "the pause of ad 'X' (ad set 'Y')"."""
    names = {str(o.get("id")): display_name(o.get("name")) for key in ("ads", "ad_sets")
             for o in evidence.get(key) or []}
    campaign = evidence.get("campaign") or {}
    names[str(campaign.get("id"))] = display_name(campaign.get("name"))
    level = str(hold.get("level") or "")
    name = names.get(hold["object_id"]) or hold.get("object_name") or hold["object_id"]
    what = WHAT.get(hold["name"], f"the {hold['name']}")
    if hold.get("direction"):
        what += " cut" if int(hold["direction"]) < 0 else " raise"
    text = f"{what} of {LEVEL_WORD.get(level, level or 'object')} '{name}'"
    if level == "ad" and hold.get("parent_id"):
        text += f" (ad set '{names.get(hold['parent_id']) or hold['parent_id']}')"
    return text


def held_note(hold: Mapping[str, Any], evidence: Mapping[str, Any]) -> str:
    """Say why an action is not proposed: the person's undo, and until when it holds."""
    return (f"{HELD} {_what(hold, evidence)} on {_day(hold['undone_at'])}; adpilot will not "
            f"propose it again before {_day(hold['until'])} unless it becomes an emergency")


def override_note(hold: Mapping[str, Any], evidence: Mapping[str, Any], why: str) -> str:
    """Say that an emergency overrides the person's undo, and why."""
    return (f"this overrides your undo of {_what(hold, evidence)} on {_day(hold['undone_at'])} "
            f"(held until {_day(hold['until'])}): it is an emergency — "
            f"{why.removeprefix('EMERGENCY: ')}")


def emergency_of(action: Mapping[str, Any]) -> str | None:
    """Return the emergency an action answers (its first reason), or None."""
    reasons = [str(r) for r in action.get("reasons") or []]
    if action.get("verdict") == "EMERGENCY_PAUSE" or (reasons and reasons[0].startswith(
            "EMERGENCY")):
        return reasons[0] if reasons else "an emergency pause"
    return None


def hold_actions(actions: Sequence[dict[str, Any]], evidence: Mapping[str, Any], policy: Any
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """Drop the actions a person's undo holds; an emergency goes through, saying it overrides.

    Returns (the actions kept, the held notes). An ad's pause and the budget moves are held
    where they are decided (`judge_ads`, `MoveHolds`) and pass here untouched.
    """
    holds = holds_of(evidence, policy)
    kept: list[dict[str, Any]] = []
    notes: list[str] = []
    for action in actions:
        name = str(action.get("name"))
        moved = name in MOVES and action.get("group") in MOVE_GROUPS
        target = (action.get("target") or {}).get("id")
        hold = None if (not holds or name == "pause_ad" or moved or action.get("advice")) \
            else hold_on(holds, name, target, direction(action))
        if hold is None:
            kept.append(action)
        elif (why := emergency_of(action)) is not None:
            kept.append({**action, "reasons": [*(action.get("reasons") or []),
                                               override_note(hold, evidence, why)]})
        else:
            notes.append(held_note(hold, evidence))
    return kept, notes


@dataclass(frozen=True)
class MoveHolds:
    """Which ad sets of a reallocation pool may not move which way: a person undid that move."""

    no_raise: np.ndarray
    no_cut: np.ndarray
    notes: tuple[tuple[str, str, str], ...]  # (ad set id, "raise" | "cut", held note)

    @classmethod
    def of(cls, pool: Sequence[Mapping[str, Any]], evidence: Mapping[str, Any], policy: Any,
           name: str) -> MoveHolds:
        """Build the holds on `name` (a budget or spend-limit move) over the pool's ad sets."""
        holds = holds_of(evidence, policy)
        no_raise: list[bool] = []
        no_cut: list[bool] = []
        notes: list[tuple[str, str, str]] = []
        for a in pool:
            for way, word, out in ((1, "raise", no_raise), (-1, "cut", no_cut)):
                hold = hold_on(holds, name, a["id"], way)
                out.append(hold is not None)
                if hold is not None:
                    notes.append((str(a["id"]), word, held_note(hold, evidence)))
        return cls(np.array(no_raise, dtype=bool), np.array(no_cut, dtype=bool), tuple(notes))

    def _say(self, may_raise: np.ndarray, may_cut: np.ndarray, pool: Sequence[Mapping[str, Any]],
             held: dict[str, str] | None) -> None:
        if held is None:
            return
        index = {str(a["id"]): k for k, a in enumerate(pool)}
        for adset_id, word, note in self.notes:
            if (may_raise if word == "raise" else may_cut)[index[adset_id]]:
                held[adset_id] = note  # the evidence pointed that way: held by the undo

    def directions(self, dirs: Directions, pool: Sequence[Mapping[str, Any]],
                   held: dict[str, str] | None = None) -> Directions:
        """Return `dirs` without the held directions (noting those the evidence pointed to)."""
        if not self.notes:
            return dirs
        self._say(dirs.may_raise, dirs.may_cut, pool, held)
        return replace(dirs, may_raise=dirs.may_raise & ~self.no_raise,
                       strong_raise=dirs.strong_raise & ~self.no_raise,
                       may_cut=dirs.may_cut & ~self.no_cut,
                       strong_cut=dirs.strong_cut & ~self.no_cut)

    def mask(self, may_raise: np.ndarray, may_cut: np.ndarray,
             pool: Sequence[Mapping[str, Any]], held: dict[str, str] | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
        """Return (may_raise, may_cut) without the held directions, noting those cleared."""
        if not self.notes:
            return may_raise, may_cut
        self._say(may_raise, may_cut, pool, held)
        return may_raise & ~self.no_raise, may_cut & ~self.no_cut


def undo_notes(notes: Iterable[str]) -> list[str]:
    """Return the undo-hold notes among a cycle's notes (held-back moves, flags)."""
    return [n for n in notes if n.startswith(HELD)]
