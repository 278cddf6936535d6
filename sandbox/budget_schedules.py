"""Budget schedules: Meta's high-demand periods on a campaign or ad set budget.

`POST /{campaign_id|adset_id}/budget_schedules` with `budget_value`, `budget_value_type`
(`ABSOLUTE` | `MULTIPLIER`), `time_start` and `time_end` (UNIX seconds) schedules a budget
increase and answers `{"id"}`; `GET` on the edge lists the periods (`time_start` keeps those
ending after it, `time_stop` those starting before it); `GET|POST|DELETE /{id}` reads, edits
and removes one (the SDK's `HighDemandPeriod`). Sources: Meta's reference pages "Ad Campaign
Budget Schedules" (ad set and campaign edges) and the SDK's `HighDemandPeriod`.

Rules the sandbox applies (code 100, Meta's "Invalid parameter"): every parameter required;
the value a positive whole number; the period on 15-minute boundaries (as Zernio's API
documents for Meta's, [3P]), starting in the future and ending after it starts; no overlap
with another period of the same object; and the object must hold a daily budget itself (a
campaign with Advantage campaign budget, or an ad set of a campaign without one). Lifetime
budgets and overlaps are refused because Meta's pages do not say how they combine [U].

Delivery honours the periods: while one is in force the daily budget rises by `budget_value`
(ABSOLUTE, minor units, as every Meta money field) or by `budget_value` per cent of the
budget (MULTIPLIER: the reference's "140 could be $140 or 140%"), for the hours it covers
(`extra_for_day`, added on top of the day's paced target in `sandbox.pacing`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from facebook_business.adobjects.highdemandperiod import HighDemandPeriod

from sandbox.clock import parse_time
from sandbox.context import RequestContext
from sandbox.enums import values
from sandbox.errors import invalid, nonexisting_field, not_found, required
from sandbox.fields import base_name, select
from sandbox.paging import paginate
from sandbox.params import get_fields, get_int, get_str, validate_only
from sandbox.store import Store
from sandbox.tree import money

TYPE = "budget_schedule"
TYPE_NAME = "HighDemandPeriod"
FIELDS = values(HighDemandPeriod.Field)
VALUE_TYPES = values(HighDemandPeriod.BudgetValueType)
DEFAULT_FIELDS = ("id", "budget_value", "budget_value_type", "time_start", "time_end")
QUARTER_HOUR = 900
MAX_AHEAD_S = 37 * 31 * 86400  # the furthest a schedule may reach (sandbox bound)
MAX_MULTIPLIER_PCT = 1000  # at most a tenfold budget on the scheduled hours (sandbox bound)
_PARAMS = ("budget_value", "budget_value_type", "time_start", "time_end")


def create(ctx: RequestContext, owner_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """`POST /{campaign_id|adset_id}/budget_schedules`: schedule a budget increase."""
    with ctx.store.lock:
        owner = ctx.store.get_object(owner_id) or {}
        for name in _PARAMS:
            if params.get(name) in (None, ""):
                raise required(name, "a budget schedule needs budget_value, budget_value_type, "
                               "time_start and time_end.")
        spec = _spec(params)
        _check(ctx, owner, spec, None)
        if validate_only(params):
            return {"success": True}
        doc = ctx.store.insert_object(
            TYPE, {"ad_object_id": owner_id, "recurrence_type": "ONE_TIME", **spec},
            account_id=str(ctx.account_id or ""), parent_id=owner_id)
    out: dict[str, Any] = {"id": doc["id"]}
    if get_fields(params):
        out.update(_view(ctx, doc, params))
    return out


def list_for(ctx: RequestContext, owner_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{campaign_id|adset_id}/budget_schedules`, filtered by `time_start`/`time_stop`."""
    since = _when(params, "time_start")
    until = _when(params, "time_stop")
    docs = [d for d in live(ctx.store, owner_id)
            if (since is None or d["time_end"] > since) and (until is None or d["time_start"] < until)]
    return paginate(ctx, [_view(ctx, d, params) for d in docs], params)


def read(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{id}` of one high-demand period."""
    return _view(ctx, _get(ctx, oid, "get"), params)


def update(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`POST /{id}`: change a period's value, type or times (the rules of creation hold)."""
    with ctx.store.lock:
        doc = _get(ctx, oid, "post")
        if doc["time_end"] <= ctx.now().timestamp():
            raise invalid("This budget schedule has ended; it can no longer be edited.",
                          fields=["time_end"], title="Invalid Budget Schedule")
        spec = {**{k: doc[k] for k in _PARAMS}, **_spec(params)}
        started = doc["time_start"] <= ctx.now().timestamp()
        if started and spec["time_start"] != doc["time_start"]:
            raise invalid("This budget schedule has started; its time_start can no longer "
                          "change.", fields=["time_start"], title="Invalid Budget Schedule")
        owner = ctx.store.get_object(str(doc["ad_object_id"])) or {}
        _check(ctx, owner, spec, oid, future=not started)
        if not validate_only(params):
            ctx.store.update_object(oid, spec)
    return {"success": True}


def delete(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`DELETE /{id}`: remove a period (later reads answer as for a missing object)."""
    with ctx.store.lock:
        _get(ctx, oid, "delete")
        ctx.store.update_object(oid, {"_deleted": True})
    return {"success": True}


def live(store: Store, owner_id: str) -> list[dict[str, Any]]:
    """Return the object's periods that are not deleted, earliest first."""
    docs = [d for d in store.list_objects(TYPE, parent_id=str(owner_id)) if not d.get("_deleted")]
    return sorted(docs, key=lambda d: (d["time_start"], d["id"]))


def extra_for_day(store: Store, owner: dict[str, Any], amount: int, day_start: datetime) -> float:
    """Minor units the owner's periods add to its daily budget on the day from `day_start`."""
    if not owner.get("id"):
        return 0.0
    lo_day = day_start.timestamp()
    hi_day = (day_start + timedelta(days=1)).timestamp()
    extra = 0.0
    for d in live(store, str(owner["id"])):
        covered = min(hi_day, d["time_end"]) - max(lo_day, d["time_start"])
        if covered > 0:
            rise = (d["budget_value"] if d["budget_value_type"] == "ABSOLUTE"
                    else amount * d["budget_value"] / 100)
            extra += rise * covered / (hi_day - lo_day)
    return extra


# -- helpers ------------------------------------------------------------------------------


def _spec(params: dict[str, Any]) -> dict[str, Any]:
    """Return the given parameters, typed (absent ones left out)."""
    spec: dict[str, Any] = {}
    value = get_int(params, "budget_value")
    if value is not None:
        spec["budget_value"] = value
    kind = get_str(params, "budget_value_type")
    if kind is not None:
        spec["budget_value_type"] = kind
    for name in ("time_start", "time_end"):
        raw = params.get(name)
        if raw in (None, ""):
            continue
        if not str(raw).strip().isdigit():
            raise invalid(f"The parameter {name} must be a UNIX time in seconds (int64), got "
                          f"{str(raw)[:40]!r}.", fields=[name])
        if len(str(raw).strip()) > 18:  # beyond int64 seconds
            raise invalid(f"The parameter {name} must be a UNIX time in seconds (int64).",
                          fields=[name])
        spec[name] = int(str(raw).strip())
    return spec


def _check(ctx: RequestContext, owner: dict[str, Any], spec: dict[str, Any], own_id: str | None,
           future: bool = True) -> None:
    def bad(field: str, msg: str) -> Exception:
        return invalid(msg, fields=[field], title="Invalid Budget Schedule")

    if spec["budget_value_type"] not in VALUE_TYPES:
        raise bad("budget_value_type", f"budget_value_type must be ABSOLUTE or MULTIPLIER, got "
                  f"{spec['budget_value_type']!r}.")
    if spec["budget_value"] <= 0:
        raise bad("budget_value", "budget_value must be positive: ABSOLUTE adds that many minor "
                  "units (cents) to the daily budget, MULTIPLIER that many per cent of it.")
    daily = money(owner.get("daily_budget")) or 0
    most = MAX_MULTIPLIER_PCT if spec["budget_value_type"] == "MULTIPLIER" else (
        daily * MAX_MULTIPLIER_PCT // 100)
    if daily and spec["budget_value"] > most:
        raise bad("budget_value", f"budget_value may add at most {MAX_MULTIPLIER_PCT // 100} "
                  f"times the daily budget (ABSOLUTE up to {most} minor units here, MULTIPLIER "
                  f"up to {MAX_MULTIPLIER_PCT}) [sandbox bound].")
    start, end = spec["time_start"], spec["time_end"]
    horizon = ctx.now().timestamp() + MAX_AHEAD_S
    if start > horizon or end > horizon:
        raise bad("time_end" if start <= horizon else "time_start",
                  "A budget schedule may reach at most 37 months ahead [sandbox bound].")
    if start % QUARTER_HOUR or end % QUARTER_HOUR:
        raise bad("time_start", "time_start and time_end must fall on quarter hours (:00, :15, "
                  ":30 or :45).")
    if future and start <= ctx.now().timestamp():
        raise bad("time_start", f"time_start must be in the future (now is {ctx.iso()}).")
    if end <= start:
        raise bad("time_end", "time_end must be after time_start.")
    _check_owner(owner)
    for other in live(ctx.store, str(owner["id"])):
        if other["id"] != own_id and other["time_start"] < end and start < other["time_end"]:
            raise bad("time_start", f"This period overlaps budget schedule {other['id']} "
                      f"({other['time_start']}–{other['time_end']}) of the same object.")


def _check_owner(owner: dict[str, Any]) -> None:
    """Refuse an object without a daily budget of its own (schedules raise it where it lives)."""
    oid, type_ = str(owner.get("id")), owner.get("_type")
    if money(owner.get("lifetime_budget")):
        raise invalid(f"{oid} has a lifetime budget; budget schedules raise daily budgets.",
                      fields=["budget_value"], title="Invalid Budget Schedule")
    if money(owner.get("daily_budget")):
        return
    if type_ == "campaign":
        msg = (f"Campaign {oid} has no campaign budget: its ad sets hold the budgets, so "
               "schedule the increase on an ad set.")
    else:
        msg = (f"Ad set {oid} has no budget of its own: its campaign "
               f"{owner.get('campaign_id')} holds the budget (Advantage campaign budget), so "
               "schedule the increase on the campaign.")
    raise invalid(msg, fields=["budget_value"], title="Invalid Budget Schedule")


def _when(params: dict[str, Any], name: str) -> float | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        dt = parse_time(raw)
    except (ValueError, OverflowError, OSError) as exc:
        raise invalid(f"The parameter {name} must be a UNIX time or an ISO-8601 date-time.",
                      fields=[name]) from exc
    return dt.timestamp() if dt else None


def _get(ctx: RequestContext, oid: str, method: str) -> dict[str, Any]:
    doc = ctx.store.get_object(oid, TYPE)
    if doc is None or doc.get("_deleted"):
        raise not_found(oid, method)
    return doc


def _view(ctx: RequestContext, doc: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    fields = get_fields(params) or list(DEFAULT_FIELDS)
    for f in fields:
        if base_name(f) not in FIELDS:
            raise nonexisting_field(base_name(f), TYPE_NAME)
    computed = {
        "time_start": lambda: ctx.iso(datetime.fromtimestamp(doc["time_start"], UTC)),
        "time_end": lambda: ctx.iso(datetime.fromtimestamp(doc["time_end"], UTC)),
    }
    return select(doc, TYPE, params, computed, fields)
