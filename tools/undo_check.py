"""What an undo says in plain words, and the check that it would not wipe out a later change.

Why: an undo sets a write's before-values back. When the object changed after that write — a
later approved adpilot write, or a person in Ads Manager — setting the old values over it
silently throws those changes away (a budget moved 40.00 → 41.30 → 49.29 → 59.14 by three
approved writes went straight from 59.14 to 40.00 on `adpilot undo` of the first, a 32 % cut,
and said only "back to USD 40.00"). So `tools/undo.py` asks `check_not_changed_since` before
anything is sent, and every message says the change as before → after, in the account's money,
naming the object by its name (an ad with its ad set), never as a Python dict.

* `values_text(values, currency)` — "daily budget USD 40.00, status PAUSED".
* `change_text(before, after, currency)` — "daily budget USD 59.14 → USD 40.00".
* `object_text(client, object_type, meta_id, read)` — "ad set 'US, CA 45-54' (id 1202…)";
  an ad as "ad 'Image 1' in ad set 'US, CA 25-34' (id …)".
* `check_not_changed_since(...)` — raise `ChangedSince` (a `ValueError`: exit 2, nothing
  written) when Meta no longer holds what the write set, naming the later ledgered writes on
  the object that still stand (newest first) and the command that undoes the newest one.
* `said_unchanged(...)` — why an undo would change nothing (Meta already holds the
  before-values), or `NothingToUndo` naming the earlier attempt whose undo would.
* `undo_key(write_id)` / `undone_by(row)` — an undo's own writes carry the plan key
  `undo:<write id>`, so the ledger says which write each undo undid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from state.ledger import CREATE_OPS, Ledger
from state.money import SPEND_LIMIT_KEYS
from state.provenance import display_name
from state.rules import format_money
from tools.fields import BOOKKEEPING, compare_fields

_MONEY = ("daily_budget", "lifetime_budget", "bid_amount", "spend_cap", *SPEND_LIMIT_KEYS)
_WORDS = {"adset": "ad set", "adcreative": "creative"}


class ChangedSince(ValueError):
    """The object no longer holds what the write set: undoing it would wipe later changes."""


def position(rows: list[dict[str, Any]], write_id: str) -> int:
    """Return the index of ledger write `write_id` in `rows` (their length when it is not there)."""
    return next((i for i, r in enumerate(rows) if r["write_id"] == write_id), len(rows))


def undo_key(write_id: str) -> str:
    """Return the plan key of the writes that undo `write_id` (the ledger's link between them)."""
    return f"undo:{write_id}"


def undone_by(row: Mapping[str, Any]) -> str | None:
    """Return the id of the write a ledger row undid, or None when it is no undo."""
    for value in (row.get("plan_key"), row.get("receipt")):
        text = str(value or "")
        if text.startswith("undo:"):
            return text.split(":")[1] or None
    return None


def value_text(key: str, value: Any, currency: str | None) -> str:
    """Say one field's value: money in the account's currency, an unset spend limit as none."""
    if key in SPEND_LIMIT_KEYS and not value:
        return "none"  # an unset spend limit is restored as 0: no limit
    if key in _MONEY and value not in (None, ""):
        try:
            minor = int(float(value))
        except (TypeError, ValueError):
            return str(value)
        return format_money(minor, currency) if currency else f"{minor} (minor units)"
    return "unset" if value in (None, "") else str(value)


def _key_text(key: str) -> str:
    return key.replace("_", " ")


def values_text(values: Mapping[str, Any], currency: str | None) -> str:
    """Say field values in words, e.g. "daily budget USD 40.00, status PAUSED"."""
    return ", ".join(f"{_key_text(k)} {value_text(k, v, currency)}"
                     for k, v in values.items() if k not in BOOKKEEPING and k != "object_id")


def change_text(before: Mapping[str, Any] | None, after: Mapping[str, Any],
                currency: str | None) -> str:
    """Say a change field by field, e.g. "daily budget USD 59.14 → USD 40.00"."""
    was = before if isinstance(before, Mapping) else {}
    parts = []
    for key, value in after.items():
        if key in BOOKKEEPING or key == "object_id":
            continue
        old = (f"{value_text(key, was[key], currency)} → " if key in was else "")
        parts.append(f"{_key_text(key)} {old}{value_text(key, value, currency)}")
    return ", ".join(parts)


def kind_text(object_type: Any) -> str:
    """Say an object type in words ("ad set", not "adset")."""
    kind = str(object_type or "object")
    return _WORDS.get(kind, kind)


def read_fields(object_type: Any) -> tuple[str, ...]:
    """Return the fields `object_text` needs read with the values (an ad's name, its ad set)."""
    return ("name", "adset_id") if str(object_type or "") == "ad" else ("name",)


def object_text(client: Any, object_type: Any, meta_id: Any, read: Mapping[str, Any]) -> str:
    """Name an object by its name, an ad also by its ad set's: "ad 'A' in ad set 'S' (id 1)"."""
    kind = kind_text(object_type)
    name = display_name(read.get("name")) if read.get("name") else ""
    text = f"{kind} '{name}'" if name else kind
    if str(object_type or "") == "ad" and read.get("adset_id"):
        text += f" in ad set {adset_name(client, read['adset_id'])}"
    return f"{text} (id {meta_id})"


def adset_name(client: Any, adset_id: Any) -> str:
    """Name an ad set in quotes (its id when it cannot be read)."""
    try:
        name = display_name(client.get(str(adset_id), {"fields": "name"}).get("name"))
    except Exception:  # a message must not fail on a name: the id says which one
        name = ""
    return f"'{name}'" if name else str(adset_id)


def later_writes(ledger: Ledger, row: Mapping[str, Any], keys: Sequence[str]
                 ) -> list[dict[str, Any]]:
    """Return the ledgered updates of `row`'s object after it that touch `keys`, newest first.

    Every thread counts (a stop's `<thread>:undo-stop` writes, an `adpilot ask`); a write
    that failed or was refused changed nothing and does not.
    """
    rows = ledger.rows()
    at = position(rows, row["write_id"])
    wanted = set(keys)

    def touches(r: Mapping[str, Any]) -> bool:
        fields = {k for side in ("before", "after") if isinstance(r.get(side), dict)
                  for k in r[side]}
        return bool(fields & wanted)

    return [r for r in reversed(rows[at + 1:])
            if str(r.get("meta_id")) == str(row["meta_id"]) and r["op"] not in CREATE_OPS
            and r["status"] not in ("failed", "refused") and touches(r)]


def standing(later: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Keep the later writes that still stand: neither an undo nor undone by a later one."""
    undone = {undone_by(r) for r in later}
    return [r for r in later if undone_by(r) is None and r["write_id"] not in undone]


class NothingToUndo(ValueError):
    """Meta already holds the before-values, which were read after an earlier attempt applied."""


def said_unchanged(ledger: Ledger, row: Mapping[str, Any], restore: Mapping[str, Any], *,
                   what: str, currency: str | None) -> str:
    """Say why undoing `row` changes nothing; raise `NothingToUndo` when another write would."""
    thread = row.get("thread_id")
    wid = row["write_id"]
    head = (f"write {wid[:12]} ({row['op']} of {what}) would set it back to "
            f"{values_text(restore, currency)}, which Meta already holds: nothing would "
            "change, so nothing was sent.")
    rows = ledger.rows(thread)
    at = position(rows, wid)
    earlier = [  # an earlier attempt comes before it (a later undo may send the same values)
        r for r in rows[:at]
        if r["path"] == row["path"] and r["op"] == row["op"]
        and r["request_digest"] == row["request_digest"]
        and r["status"] not in ("failed", "refused") and r.get("before") != row.get("before")
    ]
    if not earlier:
        return (f"Nothing to undo: {head} It was already undone, or the object was set back "
                "another way.")
    first = earlier[0]
    fix = f"`adpilot undo {thread} {first['write_id'][:12]}`"
    if first["status"] != "done":
        fix = f"`adpilot audit reconcile {thread}`, then " + fix
    raise NothingToUndo(
        f"undo: {head} Its before-values were read after an earlier attempt of the same write "
        f"had already reached Meta: write {first['write_id'][:12]} ({first['status']}) recorded "
        f"the original {values_text(first.get('before') or {}, currency)}. Run {fix} instead.")


def check_not_changed_since(ledger: Ledger, row: Mapping[str, Any], restore: Mapping[str, Any],
                            current: Mapping[str, Any], *, currency: str | None,
                            what: str) -> None:
    """Raise `ChangedSince` unless Meta still holds what `row` set on the fields `restore` sets.

    A row from before after-values were ledgered (no `after` for these fields) is judged by
    the ledger alone: refused when a later write on the object still stands. A create is
    undone by pausing what it made, whatever was changed on it since (its activation
    included): that is what undoing it means, and a pause wipes out no other change.
    """
    if row["op"] in CREATE_OPS:
        return
    wrote = _set(row, restore)
    if wrote and not compare_fields(wrote, current)[0]:
        return  # Meta still holds what the write set: the usual case reads no more ledger
    still = standing(later_writes(ledger, row, list(restore)))
    if not wrote and not still:
        return
    wid, thread = row["write_id"][:12], row.get("thread_id") or "THREAD"
    now = {k: current.get(k) for k in restore}
    head = (f"undo of write {wid} refused, nothing was changed: that write set {what} "
            f"{change_text(row.get('before'), wrote or restore, currency)}, but it has changed "
            f"since: Meta now holds {values_text(now, currency)}. Undoing it now would set "
            f"{change_text(now, restore, currency)} and throw away every change made since.")
    if not still:
        raise ChangedSince(
            f"{head} No later adpilot write explains it, so it was changed outside adpilot (in "
            f"Ads Manager or by another tool). If you still want {values_text(restore, currency)}"
            ", set it in Ads Manager.")
    listed = "; ".join(
        f"{r['write_id'][:12]} ({change_text(r.get('before'), _set(r, restore), currency)}"
        + (f", {r['status']}" if r["status"] != "done" else "") + ")" for r in still)
    steps = ", then ".join(f"`adpilot undo {r.get('thread_id') or thread} {r['write_id'][:12]}`"
                           for r in still)
    raise ChangedSince(
        f"{head} Later writes on it, newest first: {listed}. To go back to "
        f"{values_text(restore, currency)}, undo the later writes first, newest first: "
        f"{steps}, then `adpilot undo {thread} {wid}`.")


def _set(row: Mapping[str, Any], restore: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values a later write set on the fields an undo restores."""
    raw = row.get("after")
    after = raw if isinstance(raw, dict) else {}
    return {k: after[k] for k in restore if k in after}
