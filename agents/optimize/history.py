"""A thread's state stays bounded over a long loop: what the checkpoint keeps of the past.

Every checkpoint holds the thread's whole state and is written at every step, so a list that
grows per cycle grows every checkpoint with it. Measured on the demo's campaign with daily
cycles (`python -m bench.checkpoint_growth`): the applied-action history was 90 % of a
90-cycle checkpoint, the budget-edit times most of the rest. So, at every cycle
(`decide_actions`, after judging):

- every applied action is recorded, with its judgement, in the thread's action history
  outside the checkpoint (`state/action_history.py`); `full_history` gives reports all of it;
- `state["applied_actions"]` keeps only its working set: the actions still to be judged
  (`judge_applied` looks at these; none older than `OPEN_FOR_DAYS`), then one compact entry
  for each of the newest judgements the card shows (`prompts.optimize.MAX_JUDGED_LINES`;
  a reallocation's moves share one); `optimize.judged_earlier` counts the judgement lines
  left out, for the card's "… and N earlier" line;
- `optimize.budget_edits` keeps the newest `EDITS_KEPT` edit times per object: the rules
  read an object's latest edit (cool-down, a settled plateau) and how many fell in the last
  hour (at most Meta's 4), and the gate adds every thread's edits from the ledger anyway.

Undone actions: `adpilot undo` records each undone ledger write in the action history
(`tools/undo_record.py`); `mark_undone` marks the applied actions that write belonged to —
`undone_at` (the account's clock), `undone_by_write` (the undo's own write), `undone_write` —
before they are judged (`with_undos`, in `decide_actions`) and in the report's history
(`full_history`). An action belongs to an undone write when the write was about an object the
action made (a refresh's new ads or creatives, whatever its receipt) or, for any other action,
about its target under the same approval receipt. Any undone write undoes the action: what
runs is no longer what was approved. `undone_actions` gives the next cycles' evidence the
undone ones, so the loop does not propose them again for a while (`decide/undo_hold.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from agents.optimize.decide.undo_hold import undone_of
from prompts.optimize import MAX_JUDGED_LINES
from state.action_history import ActionHistory, entry_id

UNDONE_KEYS = ("undone_at", "undone_by_write", "undone_write")
OPEN_FOR_DAYS = 28  # the judging window: an action still unjudged after it is not carried on
EDITS_KEPT = 8  # per object: above Meta's 4 budget edits an hour, and only the newest matters
# What a judged action needs on the card; the rest of it is in the action history.
COMPACT_KEYS = ("name", "args", "target", "verdict", "status", "advice", "approved_by",
                "applied_at", "applied_date", "receipt", "group", "judgement",
                "created",  # a refresh's new ads: its ad set is left alone for a while
                *UNDONE_KEYS)  # `mark_undone`
REALLOCATION_GROUPS = ("reallocation", "cbo_spend_limits")


def is_open(entry: Mapping[str, Any], today: str | None) -> bool:
    """Tell whether `judge_applied` still judges the entry (applied, not advice, not judged)."""
    if entry.get("status") != "applied" or entry.get("advice") or not entry.get("applied_date"):
        return False
    if (entry.get("judgement") or {}).get("judgement") not in (None, "pending"):
        return False
    if today is None:
        return True
    try:
        age = date.fromisoformat(today) - date.fromisoformat(str(entry["applied_date"])[:10])
    except ValueError:
        return True
    return age <= timedelta(days=OPEN_FOR_DAYS)


def _line_of(entry: Mapping[str, Any]) -> str:
    """Return the card line a judged entry belongs to (a reallocation's moves share one)."""
    scope = (entry.get("judgement") or {}).get("scope") or {}
    if scope.get("level") == "reallocation" and scope.get("id"):
        return f"reallocation:{scope['id']}"
    return entry_id(entry)


def working_set(applied: Sequence[Mapping[str, Any]], today: str | None,
                lines: int = MAX_JUDGED_LINES) -> tuple[list[dict[str, Any]], int]:
    """Return (what the checkpoint keeps, how many judgement lines it leaves out), in order.

    Kept: every open entry, whole; one compact entry per line for the newest `lines` lines
    of judged entries.
    """
    judged_lines: list[str] = []
    first_of: dict[str, int] = {}
    for i, entry in enumerate(applied):
        if not entry.get("judgement") or is_open(entry, today):
            continue
        line = _line_of(entry)
        if line not in first_of:
            first_of[line] = i
            judged_lines.append(line)
    shown = {first_of[line] for line in judged_lines[-lines:]} if lines > 0 else set()
    kept: list[dict[str, Any]] = []
    for i, entry in enumerate(applied):
        if is_open(entry, today):
            kept.append(dict(entry))
        elif i in shown:
            kept.append({k: entry[k] for k in COMPACT_KEYS if k in entry})
    return kept, max(len(judged_lines) - lines, 0)


def bound_history(applied: Sequence[Mapping[str, Any]], opt: dict[str, Any], *,
                  thread_id: str, home: str | Path, today: str | None) -> list[dict[str, Any]]:
    """Record every entry in the action history; return the working set to keep in state.

    Updates `opt` in place: `judged_earlier` (judgement lines no longer in state, added to
    those counted before) and `budget_edits` (the newest `EDITS_KEPT` per object).
    """
    ActionHistory(home).record(thread_id, applied)
    kept, left_out = working_set(applied, today)
    opt["judged_earlier"] = int(opt.get("judged_earlier") or 0) + left_out
    opt["budget_edits"] = bounded_edits(opt.get("budget_edits") or {})
    return kept


def bounded_edits(edits: Mapping[str, Sequence[str]], keep: int = EDITS_KEPT) -> dict[str, list[str]]:
    """Keep the newest `keep` budget-edit times of each object (ISO strings sort by time per object)."""
    return {str(k): sorted(str(t) for t in v)[-keep:] for k, v in edits.items() if v}


def full_history(state: Mapping[str, Any], thread_id: str, home: str | Path,
                 undos: Sequence[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every applied action of the thread: the recorded history, brought up to date by state.

    An entry the checkpoint still holds is newer there (its judgement) but may be compact,
    so the two are merged; entries only in state (a thread from before the history existed,
    or applied since the last cycle) are added in order. `undos`: the thread's recorded undos
    when the caller has read them already.
    """
    history = ActionHistory(home)
    recorded = history.entries(thread_id)
    in_state = {entry_id(e): e for e in state.get("applied_actions") or []}
    out = [{**e, **in_state.pop(entry_id(e), {})} for e in recorded]
    out += [dict(e) for e in state.get("applied_actions") or [] if entry_id(e) in in_state]
    return mark_undone(out, history.undos(thread_id) if undos is None else undos)


def undone_actions(state: Mapping[str, Any], thread_id: str, home: str | Path
                   ) -> list[dict[str, Any]]:
    """Return the thread's applied actions a person undid (and did not put back), compact.

    The next cycles hold off proposing them again (`decide/undo_hold.py`): read from the whole
    history, since an undo may come after the action was judged and left the working set.
    """
    undos = ActionHistory(home).undos(thread_id)
    if not undos:
        return []
    return [u for e in full_history(state, thread_id, home, undos)
            if (u := undone_of(e)) is not None]


def with_undos(applied: Sequence[Mapping[str, Any]], thread_id: str, home: str | Path
               ) -> list[dict[str, Any]]:
    """Return `applied` with the thread's recorded undos marked (see `mark_undone`)."""
    return mark_undone(applied, ActionHistory(home).undos(thread_id))


def _objects(entry: Mapping[str, Any]) -> tuple[set[str], bool]:
    """Return (the objects an action was about, whether only its own receipt's writes count)."""
    created = entry.get("created") or {}
    made = {str(i) for k in ("ad_ids", "creative_ids") for i in created.get(k) or []}
    if made:  # objects it made are its alone
        return made, False
    target, args = entry.get("target") or {}, entry.get("args") or {}
    return {str(v) for v in (target.get("id"), args.get("object_id")) if v}, True


def mark_undone(applied: Sequence[Mapping[str, Any]], undos: Sequence[Mapping[str, Any]]
                ) -> list[dict[str, Any]]:
    """Mark each applied action an undone write belonged to: `undone_at`, `undone_by_write`."""
    out = []
    for entry in applied:
        entry = {k: v for k, v in entry.items() if k not in UNDONE_KEYS}  # a redo unmarks
        objects, by_receipt = _objects(entry)
        if entry.get("status") == "applied" and not entry.get("advice") and objects:
            for undo in undos:
                if by_receipt and (not entry.get("receipt")
                                   or str(undo.get("receipt")) != str(entry["receipt"])):
                    continue
                if objects & {str(i) for i in undo.get("object_ids") or []}:
                    entry.update(undone_at=undo.get("undone_at"),
                                 undone_by_write=(list(undo.get("undone_by") or []) or [None])[-1],
                                 undone_write=undo.get("write_id"))
                    break
        out.append(entry)
    return out
