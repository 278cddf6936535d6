"""The money gate's I/O: read the account's live state, run `gate()`, ledger refusals, write.

`state/guardrails.py::gate` is pure; this module is what every spend path calls around it:

- `account_state(client, ...)` reads the ad account as Meta has it now — every campaign and
  ad set, adpilot's or not (`GET act_<id>/campaigns`, `act_<id>/adsets`), the currency and the
  clock (`MetaClient.account_clock`) — plus the times of earlier budget edits (the caller's,
  or the ledger's).
- `clear(client, actions, policy, ...)` = `account_state` + `gate` + `record_refusals`: each
  refusal becomes a `refused` ledger row (never sent); returns the `GateResult` whose passes
  the writers hand to `MetaClient.write` / `batch`.
- `require(...)` is `clear` that raises `GateRefused` when anything was refused.
- `apply_update(client, action, gate_pass, ...)` is the one writer of an update-type
  `MoneyAction` (status, budget, spend limits, end time): before-values, write, read-back.
- `best_day_spend(client, ...)`: the account's largest daily spend of the last 30 days, for
  the launch's sanity check (`state.guardrails.spend_sanity`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from state.exposure import as_int
from state.guardrails import GatePass, GateResult, MoneyAction, format_refusals, gate, parse_time
from state.ledger import CREATE_OPS
from state.money import BUDGET_KEYS, SPEND_LIMIT_KEYS
from state.rules import currency_offset
from tools.common import update_object

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

CAMPAIGN_FIELDS = ("id,name,status,daily_budget,lifetime_budget,budget_remaining,start_time,"
                   "stop_time")
ADSET_FIELDS = ("id,name,status,daily_budget,lifetime_budget,budget_remaining,start_time,"
                "end_time,campaign_id,daily_spend_cap")
_UPDATE_KINDS = ("activate", "pause", "set_budget", "set_spend_limits", "set_schedule")


class GateRefused(Exception):
    """The money gate refused at least one action; nothing of the batch was sent."""

    def __init__(self, result: GateResult) -> None:
        super().__init__(format_refusals(result.refusals))
        self.result = result


def _ledger_edits(client: Any, now: datetime, *, others_only: bool = False) -> dict[str, list[str]]:
    """Budget-edit times from the ledger's done writes, moved onto the account clock.

    The ledger stamps wall-clock times; an edit's age is kept (`now - (wall_now - stamp)`).
    `others_only`: only other threads' edits (the caller keeps its own on the account clock).
    """
    ledger = getattr(client, "ledger", None)
    if ledger is None:
        return {}
    wall = datetime.now(UTC)
    edits: dict[str, list[str]] = {}
    mine = getattr(client, "thread_id", None)
    for row in ledger.rows():
        if others_only and row.get("thread_id") == mine:
            continue
        after = row.get("after") if isinstance(row.get("after"), dict) else {}
        money = [k for k in (*BUDGET_KEYS, *SPEND_LIMIT_KEYS) if k in after]
        if row["status"] == "done" and row["op"] not in CREATE_OPS and money and row["meta_id"]:
            stamp = parse_time(row["updated_at"])
            if stamp is not None:
                edits.setdefault(str(row["meta_id"]), []).append((now - (wall - stamp)).isoformat())
    return edits


def account_state(client: Any, *, now: datetime | None = None,
                  budget_edits: Mapping[str, list[str]] | None = None,
                  currency: str | None = None) -> dict[str, Any]:
    """Read the gate's snapshot of the client's ad account live from Meta (reads only).

    Every campaign and ad set of the account counts, whoever created it. `budget_edits` are
    the caller's own edit times on the account clock (the optimise loop keeps them); the
    ledger's edits by other threads are added to them (an `adpilot ask` budget change and a
    loop's are one object's edits), and without them every ledgered edit is used. `currency`
    (the account's, when the caller knows it) saves a read.
    """
    account = client._account()
    if currency is None:
        currency = str(client.get(account, {"fields": "currency"}).get("currency") or "USD")
    now = now or client.account_clock()
    objects = [{**o, "type": "campaign"}
               for o in client.get_all(f"{account}/campaigns", {"fields": CAMPAIGN_FIELDS},
                                       limit=200)]
    objects += [{**o, "type": "adset"}
                for o in client.get_all(f"{account}/adsets", {"fields": ADSET_FIELDS},
                                        limit=200)]
    if budget_edits is None:
        edits = _ledger_edits(client, now)
    else:
        edits = {k: list(v) for k, v in budget_edits.items()}
        for oid, times in _ledger_edits(client, now, others_only=True).items():
            edits.setdefault(oid, []).extend(times)
    return {"now": now.isoformat(), "currency": currency.upper(),
            "objects": objects, "budget_edits": edits}


def _op_of(action: MoneyAction) -> str:
    if action.kind in ("create_campaign", "create_adset"):
        return "create"
    return "copy" if action.kind == "copy" else "update"


def record_refusals(client: Any, result: GateResult, *, receipt: str | None = None) -> None:
    """Write one `refused` ledger row per refusal (never sent, no Meta id)."""
    ledger = getattr(client, "ledger", None)
    if ledger is None:
        return
    for r in result.refusals:
        a = result.actions[r.index]
        ledger.refusal(op=_op_of(a), path=a.path, params=a.params(), message=r.message,
                       verdict={"cap": r.cap, "limit": r.limit, "value": r.value,
                                "action": r.action, "currency": result.currency},
                       plan_key=a.key or f"gate:{a.object_id}:{a.name}",
                       object_type=a.object_type, thread_id=getattr(client, "thread_id", None),
                       receipt=receipt, policy_digest=result.policy_digest)


def record_malformed(client: Any, action: Mapping[str, Any], refusal: Any, *,
                     receipt: str | None = None) -> None:
    """Ledger an approved action that could not be read as one typed action (never sent)."""
    ledger = getattr(client, "ledger", None)
    if ledger is None:
        return
    raw = action.get("args")
    args: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {}
    ledger.refusal(op="update", path=f"(unreadable action {action.get('name')})",
                   params=args, message=refusal.message,
                   verdict={"cap": refusal.cap, "field": refusal.limit, "args": args},
                   plan_key=f"gate:unreadable:{action.get('name')}",
                   thread_id=getattr(client, "thread_id", None), receipt=receipt)


def clear(client: Any, actions: Sequence[MoneyAction], policy: Any, *,
          receipt: str | None = None, state: Mapping[str, Any] | None = None,
          currency: str | None = None) -> GateResult:
    """Read the account (unless `state` is given), run the gate, ledger its refusals."""
    snapshot = state if state is not None else account_state(client, currency=currency)
    result = gate(list(actions), policy, snapshot)
    record_refusals(client, result, receipt=receipt)
    return result


def require(client: Any, actions: Sequence[MoneyAction], policy: Any, **kw: Any) -> GateResult:
    """`clear`, raising `GateRefused` when the gate refused anything."""
    result = clear(client, actions, policy, **kw)
    if not result.ok:
        raise GateRefused(result)
    return result


def apply_update(client: MetaClient, action: MoneyAction, gate_pass: GatePass | None, *,
                 receipt: str | None, plan_key: str | None = None) -> dict[str, Any]:
    """Write an update-type action exactly as typed, ledgered, and read the fields back."""
    if action.kind not in _UPDATE_KINDS or not action.object_id:
        raise ValueError(f"apply_update: {action.kind} `{action.name}` is not an update of an "
                         "existing object")
    change = action.params()
    before = update_object(client, action.object_id, change, object_type=action.object_type,
                           receipt=receipt, plan_key=plan_key, gate_pass=gate_pass)["before"]
    after_raw = client.get(action.object_id, {"fields": ",".join(change)})
    after = {k: after_raw.get(k) for k in change}
    # A removed spend limit (0) may read back as absent.
    ok = all(str(after[k]) == str(v) or (k in SPEND_LIMIT_KEYS and as_int(after[k]) == v)
             for k, v in change.items())
    return {"name": action.name, "object_id": action.object_id,
            "status": "applied" if ok else "mismatch", "before": dict(before), "after": after}


def best_day_spend(client: Any, currency: str) -> int:
    """Return the account's largest daily spend of the last 30 days in minor units (0: none)."""
    rows = client.get_all(f"{client._account()}/insights",
                          {"level": "account", "time_increment": 1, "date_preset": "last_30d",
                           "fields": "spend"})
    factor = currency_offset(currency)
    return max((round(float(r.get("spend") or 0) * factor) for r in rows), default=0)
