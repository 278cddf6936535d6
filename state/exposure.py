"""Worst-case daily spend of an ad account and of one campaign, and Meta time parsing (pure).

**Account exposure** (`daily_exposure`) is what the account could spend in one day if every
live campaign and ad set delivered all it may: the daily budgets of live objects × (1 +
`META_DAILY_OVERSPEND`), plus for live objects with a lifetime budget the unspent remainder
spread evenly over the remaining days (from now, or from the start when it is later, to the
end; all of it when there is no end). "Live" means the object's own `status` is ACTIVE (or
unknown — worst case) and so is every ancestor's, and it has not ended. Under a campaign
budget (CBO) whose live ad sets all carry a `daily_spend_cap`, the campaign cannot spend more
than the caps add up to, so its exposure is the smaller of the two.

**Campaign daily budget** (`campaign_daily_budget`) is the budget one campaign holds per day,
live or not: its own (CBO) or the sum of its ad sets' (archived and deleted ones excluded),
lifetime budgets spread per day — no overspend allowance (it is a budget, not a spend).

`state/guardrails.py` caps both, simulating writes on the parsed `AccountObject`s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

# Meta may spend up to 75 % more than a daily budget on one day (since Meta's 2024 change;
# older pages say 25 %), keeping a week within 7 × the daily budget: docs/meta-api-facts.md §3.1,
# "Edit rules".
META_DAILY_OVERSPEND = 0.75
_OFF = frozenset({"PAUSED", "ARCHIVED", "DELETED"})
_GONE = frozenset({"ARCHIVED", "DELETED"})


@dataclass
class AccountObject:
    """A campaign, ad set or ad as the exposure model sees it: parent, status, budgets, schedule."""

    id: str
    parent: str | None
    status: str | None
    type: str | None = None  # campaign | adset | ad (None: unknown)
    daily: int = 0
    lifetime: int = 0
    remaining: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    spend_cap: int = 0  # an ad set's daily_spend_cap under a campaign budget (0 = none)
    extra: dict[str, Any] = field(default_factory=dict)

    def copy(self) -> AccountObject:
        """Return a copy (its `extra` too) that a simulated write can change."""
        return replace(self, extra=dict(self.extra))


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


def as_int(value: Any) -> int:
    """Read a number as Meta returns it (`"1500"`, `1500.0`) as an int; missing or empty is 0."""
    if value in (None, ""):
        return 0
    return int(float(value))


def _type_of(o: Mapping[str, Any]) -> str | None:
    kind = str(o.get("type") or o.get("object_type") or "").lower().replace("_", "")
    if kind in ("campaign", "adset", "ad"):
        return kind
    if o.get("adset_id"):
        return "ad"
    if o.get("campaign_id"):
        return "adset"
    return None


def parse_objects(raw: Iterable[Mapping[str, Any]]) -> dict[str, AccountObject]:
    """Read campaigns, ad sets and ads as Meta lists them into `AccountObject`s by id."""
    out: dict[str, AccountObject] = {}
    for o in raw:
        oid = str(o["id"])
        parent = o.get("parent_id") or o.get("adset_id") or o.get("campaign_id")
        remaining = o.get("budget_remaining")
        out[oid] = AccountObject(
            id=oid,
            parent=str(parent) if parent and str(parent) != oid else None,
            status=(o.get("status") or o.get("configured_status") or None),
            type=_type_of(o),
            daily=as_int(o.get("daily_budget", o.get("daily_budget_minor"))),
            lifetime=as_int(o.get("lifetime_budget", o.get("lifetime_budget_minor"))),
            remaining=as_int(remaining) if remaining not in (None, "") else None,
            start=parse_time(o.get("start_time")),
            end=parse_time(o.get("end_time") or o.get("stop_time")),  # campaigns: stop_time
            spend_cap=as_int(o.get("daily_spend_cap")),
        )
    return out


def _live(obj: AccountObject, objs: Mapping[str, AccountObject], now: datetime) -> bool:
    seen: set[str] = set()
    cur: AccountObject | None = obj
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        if (cur.status or "ACTIVE").upper() in _OFF:
            return False
        if cur.end is not None and cur.end <= now:
            return False
        cur = objs.get(cur.parent) if cur.parent else None
    return True


def _window(o: AccountObject, objs: Mapping[str, AccountObject] | None
            ) -> tuple[datetime | None, datetime | None]:
    """Return when `o`'s budget can spend: its own schedule inside its parent's and children's.

    An ad set delivers only inside its campaign's schedule, and a campaign only while one of its
    ad sets runs: Meta sets a campaign's `start_time` to its creation, so a campaign lifetime
    budget whose ad sets start a week later is spent over their days, not from today.
    """
    starts, ends = [o.start], [o.end]
    if objs is not None:
        parent = objs.get(o.parent) if o.parent else None
        if parent is not None:
            starts.append(parent.start)
            ends.append(parent.end)
        kids = [c for c in objs.values() if c.parent == o.id and c.type != "ad"
                and (c.status or "").upper() not in _GONE]
        if kids and all(c.start is not None for c in kids):
            starts.append(min(c.start for c in kids if c.start))
        if kids and all(c.end is not None for c in kids):
            ends.append(max(c.end for c in kids if c.end))
    return (max((t for t in starts if t is not None), default=None),
            min((t for t in ends if t is not None), default=None))


def _spread(o: AccountObject, now: datetime,
            objs: Mapping[str, AccountObject] | None = None) -> int:
    """Return a lifetime budget's remainder per remaining day (all of it without an end).

    The days are those it can still spend on (`_window`): from the later of now and its start
    (its ad sets' first start, for a campaign budget) to its end.
    """
    if o.lifetime <= 0:
        return 0
    left = o.remaining if o.remaining is not None else o.lifetime
    start, end = _window(o, objs)
    if end is None:
        return left
    start = max(now, start) if start is not None else now
    days = max(1, math.ceil((end - start) / timedelta(days=1)))
    return math.ceil(left / days)


def per_day(o: AccountObject, now: datetime,
            objs: Mapping[str, AccountObject] | None = None) -> int:
    """Return the budget an object holds per day: daily budget plus lifetime spread."""
    return o.daily + _spread(o, now, objs)


def _worst_day(o: AccountObject, now: datetime, objs: Mapping[str, AccountObject]) -> int:
    return math.ceil(o.daily * (1 + META_DAILY_OVERSPEND)) + _spread(o, now, objs)


def exposure_of(objs: Mapping[str, AccountObject], now: datetime) -> int:
    """Worst-case daily spend of parsed objects at `now` (`daily_exposure` reads raw ones)."""
    children: dict[str, list[AccountObject]] = {}
    for o in objs.values():
        if o.parent:
            children.setdefault(o.parent, []).append(o)
    total = 0
    for o in objs.values():
        if (o.daily <= 0 and o.lifetime <= 0) or not _live(o, objs, now):
            continue
        worst = _worst_day(o, now, objs)
        live_sets = [c for c in children.get(o.id, []) if c.type != "ad" and _live(c, objs, now)]
        if o.daily > 0 and live_sets and all(c.spend_cap > 0 for c in live_sets):
            # Under a campaign budget, spend caps on every live ad set bound the campaign.
            capped = sum(c.spend_cap for c in live_sets)
            worst = min(worst, math.ceil(capped * (1 + META_DAILY_OVERSPEND))
                        + _spread(o, now, objs))
        total += worst
    return total


def campaign_of(oid: str, objs: Mapping[str, AccountObject]) -> str | None:
    """Return the id of the campaign an object belongs to (itself for a campaign)."""
    seen: set[str] = set()
    cur = objs.get(oid)
    while cur is not None and cur.id not in seen:
        seen.add(cur.id)
        if cur.type == "campaign" or (cur.parent is None and cur.type is None):
            return cur.id
        cur = objs.get(cur.parent) if cur.parent else None
    return None


def campaign_budget_of(objs: Mapping[str, AccountObject], campaign_id: str, now: datetime) -> int:
    """One campaign's daily budget over parsed objects (`campaign_daily_budget` reads raw ones)."""
    camp = objs.get(campaign_id)
    total = per_day(camp, now, objs) if camp is not None else 0
    for o in objs.values():
        if o.parent == campaign_id and o.type != "ad" and (o.status or "").upper() not in _GONE:
            total += per_day(o, now, objs)
    return total


def daily_exposure(objects: Iterable[Mapping[str, Any]], now: Any) -> int:
    """Worst-case daily spend exposure (minor units) of the given account objects at `now`."""
    at = parse_time(now)
    if at is None:
        raise ValueError("daily_exposure: `now` is required (ISO-8601 time on the account clock)")
    return exposure_of(parse_objects(objects), at)


def campaign_daily_budget(objects: Iterable[Mapping[str, Any]], campaign_id: str, now: Any) -> int:
    """One campaign's daily budget (minor units): its own, or its ad sets' sum, lifetime spread."""
    at = parse_time(now)
    if at is None:
        raise ValueError("campaign_daily_budget: `now` is required (ISO-8601 time)")
    return campaign_budget_of(parse_objects(objects), str(campaign_id), at)
