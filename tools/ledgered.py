"""The write path's rules, below the client: gate check, cut test, retry before-values, ledger rows.

* `require_pass`: a write that can raise spend (`state.money.spend_reason`) is refused with
  `UngatedSpendError` — before it is ledgered or sent — unless it carries a `GatePass`
  covering exactly that request; the pass's policy digest goes on the ledger row.
* `cuts_only`: a write a stopped thread may still make (pause, delete, lower an amount).
* `first_before`: an update retried after an unknown outcome, or repeated by a node that ran
  again, keeps the first attempt's `before` (after a crash the object may already hold the new
  value, which must not become the value undo restores); its earlier attempts are returned so
  its confirmation can settle them (`Ledger.resolve_retried`).
* `compact`, `ids_only`, `result_id`: the params and after-values as ledgered (big blobs become
  their sha256) and the Meta id a write's answer names.
* The write-ahead steps, the one implementation `GraphClient.write`, `run_batch` and the video
  upload share: `record_intents` (each write's before-values, then its `intent` with the values
  it asks for), `mark_sent`, then `settle` (`done` / `failed` / `unknown`, and a confirmed
  retry settles its earlier attempts). Each step is one ledger transaction for all its writes;
  without a ledger (an unledgered client) each step does nothing.
  A mark that finds its write already confirmed by an identical retry elsewhere (`mark_own`:
  e.g. the kill switch pausing what an optimise run is pausing) is not an error.
* `create_once`: one create outside a batch (an audience, a lead form) exactly once — reused
  from the ledger, or looked up by its provenance after a lost answer before any resend.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from state.guardrails import GatePass, UngatedSpendError
from state.ledger import Ledger, LedgerError
from state.money import BUDGET_KEYS, MONEY_FIELDS, SPEND_LIMIT_KEYS, spend_reason
from tools.errors import UnknownOutcomeError
from tools.fields import compare_fields


def split_path(path: str) -> tuple[str, ...]:
    """Return a Graph path's non-empty segments (`"/act_1/ads/"` → `("act_1", "ads")`)."""
    return tuple(p for p in str(path).strip("/").split("/") if p)


def compact(value: Any) -> Any:
    """After-values for the ledger: big blobs (base64 images) become their sha256."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [compact(v) for v in value]
    if isinstance(value, str | bytes) and len(value) > 2000:
        data = value.encode() if isinstance(value, str) else value
        return f"<{len(data)} bytes sha256:{hashlib.sha256(data).hexdigest()[:16]}>"
    return value


def require_pass(method: str, path: str, params: dict[str, Any], plan_key: str | None,
                 gate_pass: GatePass | None) -> str | None:
    """Raise `UngatedSpendError` unless a spend-raising request has a pass covering it.

    Returns the pass's policy digest (None when the request cannot raise spend).
    """
    reason = spend_reason(method, path, params)
    if reason is None:
        return gate_pass.policy_digest if gate_pass is not None else None
    if gate_pass is None or not gate_pass.covers(path, params, plan_key):
        why = ("none was given" if gate_pass is None else
               "the pass given covers a different request")
        raise UngatedSpendError(
            f"refused before sending {method} {path}: it {reason}, which can raise spend, so it "
            "needs a pass from the money gate (state/guardrails.py::gate) for exactly this "
            f"request; {why}. Nothing was ledgered or sent.")
    return gate_pass.policy_digest


def first_before(ledger: Ledger, thread_id: str | None, op: str, path: str,
                 logged: dict[str, Any], before: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Return the before-values to record for a write, and its earlier attempts with no outcome.

    `logged` is the compacted params as ledgered; `before` what the caller read just now.
    A retry after an unknown outcome keeps the first attempt's before (the object may already
    hold the new values: they are not what the write changed). A repeat of an identical `done`
    write that is still the object's last (a node re-run after a crash), when the object
    already holds the values, keeps that write's before. Otherwise `before` as given.
    """
    earlier, repeated = ledger.earlier_attempts(thread_id=thread_id, path=path, op=op,
                                                params=logged)
    if earlier and earlier[0]["before"] is not None:
        return earlier[0]["before"], earlier
    if (repeated is not None and repeated["before"] is not None and isinstance(before, dict)
            and compare_fields(logged, before) == ([], [])):
        return repeated["before"], earlier
    return before, earlier


_OFF = ("PAUSED", "ARCHIVED", "DELETED")
# Amounts a lower value of which can only take spend away (budgets, caps, spend targets, bids).
_AMOUNTS = (*BUDGET_KEYS, "spend_cap", *SPEND_LIMIT_KEYS, "bid_amount")
# Fields that change how (or when) money is spent without being an amount: never a cut.
_SPEND_SHAPING = ("start_time", "end_time_utc", "bid_strategy", "bid_constraints",
                  "budget_schedule_specs", "adset_schedule", "pacing_type")


def cuts_only(op: str, method: str, path: str, params: dict[str, Any], before: Any) -> bool:
    """Tell whether a write can only take spend away: a delete, a pause, or a lower amount.

    Creates, copies and uploads never are; an amount counts as lower only against the
    before-value the caller read (`before`); any other money field (a schedule, …) is never a
    cut. Fields that do not touch money (a name) are harmless.
    """
    if method.upper() == "DELETE" or op == "delete":
        return True
    if op in ("create", "copy", "upload") or method.upper() != "POST":
        return False
    was = before if isinstance(before, dict) else {}
    for key, value in params.items():
        if key in ("status", "status_option"):
            if str(value).upper() not in _OFF:
                return False
        elif key in _AMOUNTS:
            try:
                if was.get(key) in (None, "") or int(float(value)) > int(float(was[key])):
                    return False
            except (TypeError, ValueError):
                return False
        elif key in MONEY_FIELDS or key in _SPEND_SHAPING:
            return False
    return True


def ids_only(result: dict[str, Any]) -> dict[str, Any]:
    """Keep the keys of a write's answer that go into its after-values (`id`, `success`, …)."""
    return {k: v for k, v in result.items() if k in ("id", "success", "video_id")}


def result_id(op: str, path: str, result: dict[str, Any]) -> str | None:
    """Return the Meta id a write's answer names (an image's hash, a copy's id, or the path's)."""
    if result.get("id"):
        return str(result["id"])
    if "images" in result and isinstance(result["images"], dict):
        for image in list(result["images"].values())[:1]:
            return str(dict(image).get("hash"))
    if op in ("create", "copy", "upload"):
        for key in ("copied_campaign_id", "copied_adset_id", "copied_ad_id", "video_id"):
            if result.get(key):
                return str(result[key])
        return None
    return split_path(path)[0] if split_path(path) else None


# -- the write-ahead steps: intent → sent → outcome -----------------------------------------


@dataclass
class Write:
    """One write on its way through the ledger: `record_intents` → `mark_sent` → `settle`."""

    op: str
    path: str
    params: dict[str, Any]  # as ledgered (`compact`)
    after: Any = None  # what the write asks Meta to hold, recorded with its intent
    plan_key: str | None = None
    object_type: str | None = None
    receipt: str | None = None
    before: Any = None
    policy_digest: str | None = None
    write_id: str | None = None  # set by `record_intents`
    earlier: list[str] = field(default_factory=list)  # open attempts its confirmation settles


def record_intents(ledger: Ledger | None, thread_id: str | None, writes: Sequence[Write]
                   ) -> None:
    """Write ahead: give each write the before-values to keep (`first_before`), then its intent.

    The intents of all `writes` land in one ledger transaction; each write gets its `write_id`
    and the ids of its earlier attempts with no outcome.
    """
    if ledger is None or not writes:
        return
    for w in writes:
        w.before, earlier = first_before(ledger, thread_id, w.op, w.path, w.params, w.before)
        w.earlier = [r["write_id"] for r in earlier]
    ids = ledger.intent_many([
        {"op": w.op, "path": w.path, "params": w.params, "plan_key": w.plan_key,
         "object_type": w.object_type, "thread_id": thread_id, "receipt": w.receipt,
         "before": w.before, "after": w.after, "policy_digest": w.policy_digest}
        for w in writes])
    for w, write_id in zip(writes, ids, strict=True):
        w.write_id = write_id


def mark_sent(ledger: Ledger | None, writes: Sequence[Write]) -> None:
    """Record that `writes` are about to leave (one ledger transaction)."""
    if ledger is None or not writes:
        return
    with ledger.transaction():
        for w in writes:
            mark_own(ledger, _id(w), "sent")


def settle(ledger: Ledger | None, outcomes: Sequence[tuple[Write, str, dict[str, Any]]]
           ) -> None:
    """Record each write's outcome, then let each confirmed one settle its earlier attempts.

    `outcomes` are `(write, status, {meta_id, after, error})` with status `done`, `failed` or
    `unknown` (`outcome_of`); all of it lands in one ledger transaction.
    """
    if ledger is None or not outcomes:
        return
    with ledger.transaction():
        for w, status, extra in outcomes:
            mark_own(ledger, _id(w), status, **extra)
        for w, status, extra in outcomes:
            if status == "done":
                ledger.resolve_retried(w.earlier, _id(w), meta_id=extra.get("meta_id"),
                                       after=extra.get("after"))


def outcome_of(error: BaseException | None) -> str:
    """Return the ledger status of a write that raised `error`: `unknown` (may have run) or `failed`."""
    return "unknown" if isinstance(error, UnknownOutcomeError) else "failed"


def mark_own(ledger: Ledger, write_id: str, status: str, **kw: Any) -> None:
    """Mark a write, unless an identical retry elsewhere already settled it.

    (Another process retrying the same write — e.g. the kill switch pausing what an optimise
    run is pausing — may have confirmed it meanwhile; anything else is an error.)
    """
    try:
        ledger.mark(write_id, status, **kw)
    except LedgerError:
        row = ledger.get(write_id) or {}
        after = row.get("after")
        if row.get("status") == "done" and isinstance(after, dict) and after.get(
                "confirmed_by"):
            return
        raise


def _id(write: Write) -> str:
    if write.write_id is None:
        raise LedgerError(f"{write.op} {write.path} has no intent recorded (record_intents)")
    return write.write_id


# -- create exactly once, outside a batch (audiences, lead forms) ---------------------------


def create_once(client: Any, edge: str, params: dict[str, Any], *, plan_key: str,
                object_type: str, receipt: str | None, attempts: int = 3,
                fields: str = "id,name") -> tuple[str, str]:
    """Create one object under `edge` exactly once; return `(meta_id, how)`.

    `how` is `reused` (the ledger has this create `done`), `adopted` (an earlier attempt
    whose outcome was lost — in the ledger or in this call — is found under `edge` by its
    provenance label or name tag, `state.provenance.carries`) or `created`. A create whose
    outcome is unknown is always looked up before it is sent again; one not found is marked
    `failed` and sent again, up to
    `attempts` times, then `UnknownOutcomeError` says to re-run (which reconciles first).
    `params` must already carry `plan_key`'s mark: the name tag, or on an object that takes
    labels the ad label (`state.provenance.marked`).
    """
    ledger: Ledger | None = client.ledger
    thread = client.thread_id

    def status() -> tuple[str | None, str | None]:
        """(Meta id of a `done` create, write id of an attempt with no known outcome)."""
        rec = ledger.find(plan_key, "create", thread) if ledger is not None else None
        if rec and rec["status"] == "done" and rec["meta_id"]:
            return str(rec["meta_id"]), None
        if rec and rec["status"] in ("intent", "sent", "unknown"):
            return None, str(rec["write_id"])
        return None, None

    done, open_write = status()
    if done:
        return done, "reused"
    # Without a ledger an earlier run cannot be known: look it up before creating.
    lost = open_write is not None or ledger is None
    for _ in range(attempts):
        if lost:
            found = client.find_created(edge, plan_key, fields=fields)
            if found:
                if ledger is not None and open_write:
                    mark_own(ledger, open_write, "done", meta_id=str(found["id"]),
                             after={"id": str(found["id"]), "reconciled": True})
                return str(found["id"]), "adopted"
            if ledger is not None and open_write:
                mark_own(ledger, open_write, "failed",
                         error=f"reconciled: not found under {edge}")
        try:
            body = client.write("create", edge, params, plan_key=plan_key,
                                object_type=object_type, receipt=receipt)
        except UnknownOutcomeError:
            lost = True
            open_write = status()[1]
            continue
        return str(body["id"]), "created"
    raise UnknownOutcomeError(f"{object_type} {params.get('name')!r}: the create's outcome is "
                              f"still unknown after {attempts} attempts; re-run the launch "
                              "(it looks the object up by its provenance before sending again)")

