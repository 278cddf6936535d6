"""Undo one applied Meta write: restore its before-values, through approval when that raises spend.

`undo(thread_id, action_id, ...)` finds the thread's ledger write (`action_id` = its write id or
a unique prefix of ≥ 6 characters) and builds the action that restores what the write changed
(a create is undone by pausing what it created; a creative or an image, which Meta cannot
pause, by pausing the new ads this thread created with it, `tools/undo_ads.py`). A restore
that could raise spend (re-activating, a higher budget or bid) returns an approval payload
(`state.hitl`) instead of running, and runs only when called again with that payload's
receipt. Every restore that touches money (status, budgets, spend limits, end time) is then a
typed `MoneyAction` judged by the money gate on the account's live state (`tools.money.clear`,
budget-edit times from the ledger) and written with its pass; a refusal writes nothing and is
ledgered. An applied undo is recorded in the thread's action history (`tools/undo_record.py`).

An undo that would change nothing — Meta already holds the before-values — writes nothing
and says so: status `unchanged` (with `message`) when the write was already undone or the
object was set back another way; `NothingToUndo` (a `ValueError`) when the write's
before-values were read after an earlier attempt of the same write had applied (a ledger from
before retries kept their first attempt's before-values): the original value is in that
earlier write, which the message names with the command to undo it.

An undo of a write whose object changed since — Meta no longer holds what the write set,
because a later write (adpilot's or a person's in Ads Manager) changed it — is refused before
anything is sent (`tools/undo_check.py::ChangedSince`): setting the write's before-values
would silently throw the later changes away. The later writes are undone first, newest first.
Every message says the change as before → after in the account's money and names the object
(`tools/undo_check.py`); the undo's own writes carry the plan key `undo:<write id>`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from state import hitl
from state.action_history import ActionHistory
from state.guardrails import SPEND_LIMIT_KEYS, Refusal
from state.ledger import CREATE_OPS, Ledger
from state.provenance import display_name
from tools import undo_ads
from tools.fields import compare_fields
from tools.money import clear
from tools.undo_check import (
    ChangedSince,
    NothingToUndo,
    change_text,
    check_not_changed_since,
    kind_text,
    object_text,
    read_fields,
    said_unchanged,
    undo_key,
    values_text,
)
from tools.undo_money import money_action, raises_spend
from tools.undo_record import record_undone

__all__ = ["ChangedSince", "NothingToUndo", "UndoResult", "find_write", "undo", "undo_action"]

_RESTORABLE = (
    "status",
    "daily_budget",
    "lifetime_budget",
    "bid_amount",
    "name",
    "end_time",
    *SPEND_LIMIT_KEYS,
)
ClientFor = Callable[[str | None], Any]


@dataclass
class UndoResult:
    """The outcome of `undo`: applied, waiting for approval, or refused by the guardrails."""

    status: str  # "applied" | "needs_approval" | "refused" | "unchanged" | "not_done"
    action: dict[str, Any]
    approval: dict[str, Any] | None = None
    refusals: list[Refusal] = field(default_factory=list)
    result: dict[str, Any] | None = None
    message: str | None = None  # why nothing was sent ("unchanged", "not_done"), or what was
    before: dict[str, Any] | None = None  # what Meta held of the restored fields before it
    target: str | None = None  # the object in words: "ad set 'US, CA 45-54' (id 1202…)"


def find_write(ledger: Ledger, thread_id: str, action_id: str) -> dict[str, Any]:
    """Return the thread's ledger write whose id starts with `action_id` (≥ 6 characters)."""
    if len(action_id) < 6:
        raise ValueError(
            "undo: ACTION must be a ledger write id (at least its first 6 characters;"
            " list them with `adpilot audit log THREAD`)"
        )
    rows = [r for r in ledger.rows(thread_id) if r["write_id"].startswith(action_id)]
    if not rows:
        raise ValueError(f"undo: thread {thread_id!r} has no ledger write starting {action_id!r}")
    if len(rows) > 1:
        raise ValueError(f"undo: {action_id!r} matches {len(rows)} writes; give more characters")
    return rows[0]


def _confirmed(row: Mapping[str, Any]) -> None:
    """Raise `ValueError` unless `row` is a done write with a Meta id (nothing else is undone)."""
    if row["status"] in ("intent", "sent", "unknown"):
        raise ValueError(
            f"undo: write {row['write_id']} is {row['status']!r}: its outcome is not known (a "
            "crash or a lost response), so there is nothing confirmed to undo yet; run "
            f"`adpilot audit reconcile {row.get('thread_id') or ''}` first, then undo it")
    if row["status"] != "done":
        raise ValueError(
            f"undo: write {row['write_id']} is {row['status']!r}; only a done write can be undone"
        )
    if not row.get("meta_id"):
        raise ValueError(f"undo: write {row['write_id']} has no Meta object id")


def shows_ads(row: Mapping[str, Any]) -> bool:
    """Tell whether `row` made a creative or an image: undone by pausing the ads showing it."""
    return row["op"] == "upload" or (row["op"] == "create"
                                     and str(row.get("object_type") or "") == "creative")


def undo_action(row: Mapping[str, Any], currency: str | None = None) -> dict[str, Any]:
    """Build the action that restores a done write's before-values (a create is undone by a pause)."""
    _confirmed(row)
    if row["op"] in CREATE_OPS:
        restore: dict[str, Any] = {"status": "PAUSED"}
    else:
        before = row.get("before") or {}
        restore = {k: before[k] for k in _RESTORABLE if isinstance(before, dict) and k in before}
        # An ad set spend limit that was unset is restored as 0 (no limit).
        restore.update({k: int(restore[k] or 0) for k in SPEND_LIMIT_KEYS if k in restore})
        if not restore:
            raise ValueError(f"undo: write {row['write_id']} recorded no before-values to restore")
    name = (
        "undo_budget"
        if any("budget" in k for k in restore)
        else "undo_spend_limits"
        if any(k in SPEND_LIMIT_KEYS for k in restore)
        else (
            "activate"
            if restore.get("status") == "ACTIVE"
            else "pause"
            if restore.get("status") == "PAUSED"
            else "rename"
        )
    )
    args = {"object_id": str(row["meta_id"]), **restore}
    return {
        "name": name,
        "args": args,
        "description": f"Undo write {row['write_id'][:12]}: set {kind_text(row.get('object_type'))} "
        f"{row['meta_id']} back to {values_text(restore, currency)}",
    }


def undo(
    thread_id: str,
    action_id: str,
    *,
    ledger: Ledger,
    client_for: ClientFor,
    policy: Any = None,
    receipt: str | None = None,
    currency: str | None = None,
    history: ActionHistory | None = None,
) -> UndoResult:
    """Restore the before-values of one applied write of `thread_id`.

    Spend-raising restores need `receipt` equal to the receipt of the returned approval; every
    restore touching money then passes the money gate on the account's live state. A write
    whose object changed since raises `ChangedSince` (nothing sent). `currency`: the
    account's (read from Meta when not given). An applied undo is recorded in `history`.
    """
    row = find_write(ledger, thread_id, action_id)
    client = client_for(thread_id)
    if shows_ads(row):
        _confirmed(row)
        result = _pause_new_ads(row, ledger=ledger, client=client, policy=policy,
                                receipt=receipt)
    else:
        result = _restore(row, ledger=ledger, client_for=client_for, policy=policy,
                          receipt=receipt, currency=currency)
    if result.status == "applied" and history is not None:
        record_undone(history, thread_id, row, result=result, ledger=ledger, client=client)
    return result


def _restore(row: Mapping[str, Any], *, ledger: Ledger, client_for: ClientFor, policy: Any,
             receipt: str | None, currency: str | None) -> UndoResult:
    """Undo an update (or a create, by a pause): set the write's before-values back."""
    thread_id = str(row.get("thread_id") or "")
    action = undo_action(row, currency)
    money = money_action(row, action)
    # Restoring what the kill switch paused is a person's decision about the stopped thread
    # (an adopted campaign was running before adpilot): it is written and ledgered under its
    # own thread, `<thread>:undo-stop`, so the stopped thread itself still never activates.
    undo_stop = row.get("receipt") == "kill-switch"
    client = client_for(f"{thread_id}:undo-stop" if undo_stop else thread_id)
    if currency is None:
        currency = str(client.get(client._account(), {"fields": "currency"}).get("currency")
                       or "") or None
    restore = {k: v for k, v in action["args"].items() if k != "object_id"}
    extra = [f for f in read_fields(row.get("object_type")) if f not in restore]
    read = client.get(action["args"]["object_id"], {"fields": ",".join([*restore, *extra])})
    current = {k: read.get(k) for k in restore}
    what = object_text(client, row.get("object_type"), row["meta_id"], read)
    action["description"] = (f"Undo write {row['write_id'][:12]}: {what}: "
                              f"{change_text(current, restore, currency)}")
    said: dict[str, Any] = {"before": current, "target": what}
    differ, unknown = compare_fields(restore, current)
    if not differ and not unknown:
        return UndoResult("unchanged", action, message=said_unchanged(
            ledger, row, restore, what=what, currency=currency), **said)
    check_not_changed_since(ledger, row, restore, current, currency=currency, what=what)
    if raises_spend(action, current):
        approval = hitl.approval_payload(
            [action],
            allowed_decisions=("approve", "reject"),
            description=action["description"] + " — this raises spend, so a person must "
            "approve it: re-run with the receipt (`adpilot undo ... --yes`) after reading it.",
        )
        if receipt != approval["receipt"]:
            return UndoResult("needs_approval", action, approval=approval, **said)
    gate_pass = None
    used_receipt = receipt or f"undo:{row['write_id']}"
    if money is not None:
        verdict = clear(client, [money], policy, receipt=used_receipt, currency=currency)
        if not verdict.ok:
            return UndoResult("refused", action, refusals=list(verdict.refusals), **said)
        gate_pass = verdict.passes[0]
    params = dict(restore)
    if money is not None:
        params.update(money.params())  # exactly the values the gate passed
    result = client.write(
        "update",
        action["args"]["object_id"],
        params,
        plan_key=undo_key(row["write_id"]),  # the ledger's link: this write undid that one
        object_type=row.get("object_type"),
        receipt=used_receipt,
        before={k: current.get(k) for k in params},
        gate_pass=gate_pass,
    )
    return UndoResult("applied", action, result=result, **said)


def _pause_new_ads(row: Mapping[str, Any], *, ledger: Ledger, client: Any, policy: Any,
                   receipt: str | None) -> UndoResult:
    """Undo a creative or an image: pause the new ads this thread created with it."""
    wid, what = row["write_id"][:12], "creative" if row["op"] == "create" else "image"
    raw = row.get("after")
    after: dict[str, Any] = raw if isinstance(raw, dict) else {}
    made = f"{what} {row['meta_id']}"
    if after.get("name"):
        made += f" ('{display_name(after['name'])}')"
    cannot = f"{made} cannot be paused at Meta (only an ad can)"
    ads = undo_ads.new_ads(client, ledger, row)
    if not ads:
        raise ValueError(
            f"undo: write {wid} created {made}; a {what} cannot be paused at Meta, and no ad "
            "this thread created after it shows it, so there is nothing to pause: nothing was "
            "changed. Pause an ad showing it in Ads Manager, or undo that ad's own write "
            f"(`adpilot audit log {row.get('thread_id') or ''}`).")
    action = {"name": "pause_new_ads", "args": {"ad_ids": [a["id"] for a in ads]},
              "description": f"Undo write {wid}: pause the new ads showing {made}"}
    done = undo_ads.pause_ads(client, ads, policy=policy,
                              receipt=receipt or f"undo:{row['write_id']}",
                              plan_key=undo_key(row["write_id"]))
    if done.refusals:
        return UndoResult("refused", action, refusals=done.refusals)
    named = undo_ads.named
    off = (f"; already paused: {named(done.already_off)}" if done.already_off else "")
    if done.not_paused:
        still = ", ".join(f"{named([a])} is {a['status'] or 'unreadable'}"
                          for a in done.not_paused)
        return UndoResult("not_done", action, message=(
            f"undo of write {wid} ({made}) did not take: after the pause {still} on Meta"
            + (f"; paused {named(done.paused)}" if done.paused else "")
            + ". Pause it in Ads Manager, or run the undo again."))
    if not done.paused:
        return UndoResult("unchanged", action, message=(
            f"Nothing to undo: write {wid} created {cannot}, and every new ad showing it is "
            f"already off ({named(done.already_off)}): nothing was sent."))
    one = len(done.paused) == 1
    return UndoResult("applied", action, result={"paused": done.paused,
                                                  "already_off": done.already_off},
                      message=(f"{cannot}, so the new ad{'' if one else 's'} showing it "
                               f"{'was' if one else 'were'} paused: {named(done.paused)}{off}; "
                               "no other ad was changed"))
