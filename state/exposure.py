"""Worst-case daily spend exposure of an ad account, and Meta time parsing (pure functions).

Exposure is what the account could spend in one day if everything switched on delivered its
full budget: the daily budgets of live objects plus, for live objects with a lifetime budget,
the unspent remainder spread evenly over the remaining (started) days until the end. "Live"
means the object's own `status` is ACTIVE (or unknown — worst case) and so is every
ancestor's, and it has not ended. `state/guardrails.py` caps it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

_OFF = frozenset({"PAUSED", "ARCHIVED", "DELETED"})


@dataclass
class _Obj:
    id: str
    parent: str | None
    status: str | None
    daily: int = 0
    lifetime: int = 0
    remaining: int | None = None
    end: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_time(value: Any) -> datetime | None:
    """Parse Meta / ISO-8601 times (`2026-01-02T00:00:00+0000`, unix seconds) to aware UTC."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(float(value), tz=UTC)
    text = str(value).replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]  # Meta writes +0000; fromisoformat wants +00:00
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _int(value: Any) -> int:
    if value in (None, ""):
        return 0
    return int(float(value))


def _objects(raw: Iterable[Mapping[str, Any]]) -> dict[str, _Obj]:
    out: dict[str, _Obj] = {}
    for o in raw:
        oid = str(o["id"])
        parent = o.get("parent_id") or o.get("adset_id") or o.get("campaign_id")
        remaining = o.get("budget_remaining")
        out[oid] = _Obj(
            id=oid,
            parent=str(parent) if parent and str(parent) != oid else None,
            status=(o.get("status") or o.get("configured_status") or None),
            daily=_int(o.get("daily_budget", o.get("daily_budget_minor"))),
            lifetime=_int(o.get("lifetime_budget", o.get("lifetime_budget_minor"))),
            remaining=_int(remaining) if remaining not in (None, "") else None,
            end=parse_time(o.get("end_time") or o.get("stop_time")),  # campaigns: stop_time
        )
    return out


def _live(obj: _Obj, objs: Mapping[str, _Obj], now: datetime) -> bool:
    seen: set[str] = set()
    cur: _Obj | None = obj
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        if (cur.status or "ACTIVE").upper() in _OFF:
            return False
        if cur.end is not None and cur.end <= now:
            return False
        cur = objs.get(cur.parent) if cur.parent else None
    return True


def _exposure(objs: Mapping[str, _Obj], now: datetime) -> int:
    total = 0
    for o in objs.values():
        if not _live(o, objs, now):
            continue
        total += o.daily
        if o.lifetime > 0:
            left = o.remaining if o.remaining is not None else o.lifetime
            if o.end is None:
                total += left  # no end date: the whole remainder could go in one day
            else:
                days = max(1, math.ceil((o.end - now) / timedelta(days=1)))
                total += math.ceil(left / days)
    return total


def daily_exposure(objects: Iterable[Mapping[str, Any]], now: Any) -> int:
    """Worst-case daily spend exposure (minor units) of the given account objects at `now`."""
    at = parse_time(now)
    if at is None:
        raise ValueError("daily_exposure: `now` is required (ISO-8601 time on the account clock)")
    return _exposure(_objects(objects), at)
