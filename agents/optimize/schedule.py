"""When the optimise loop's cycles run, and when the loop ends (docs/timers.md).

A cycle judges delivery data, so the first one waits for the campaign to deliver: it is
due `cycle_days` after the latest of the campaign's creation (or adoption), its start on
Meta (a campaign scheduled two weeks ahead starts then, not when it was created) and its
activation (a paused launch delivers nothing until a person approves its activation card).
Later cycles are due `cycle_days` after the previous one. No timer is set past the
campaign's end: the last one is due when the campaign ends, and that cycle collects the
final numbers, judges what was applied, proposes nothing and ends the thread (phase
`ended`).

The flight is read from Meta, not only from the plan — a person may move the start or
extend the end in Ads Manager: the campaign's `start_time` / `stop_time` and its ad sets'
`start_time` / `end_time` (the campaign delivers from its first ad set's start; it has no
end while any live ad set has none), the plan's `start_time` / `end_time` where Meta says
nothing. A campaign deleted or archived on Meta has ended too. Every time is compared on the account clock (`tools.account.account_now`: the
sandbox's simulated clock there).

`max_cycles` is only a limit a person sets (`Context.max_cycles`, `--max-cycles`): by
default there is none, and an open-ended campaign loops until `adpilot stop`. The first run
that sets one records it on the thread (`state["max_cycles"]`), so a later `adpilot tick`
without it keeps the limit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from state.exposure import parse_time
from tools.account import account_now

__all__ = ["Flight", "first_until", "loop_end", "loop_limit", "next_until", "read_flight",
           "wait_reason", "when"]

GONE = ("DELETED", "ARCHIVED")  # a campaign deleted or archived on Meta delivers no more
LIVE = ("ACTIVE", "PAUSED", "IN_PROCESS", "WITH_ISSUES", "CAMPAIGN_PAUSED", "PENDING_REVIEW",
        "PREAPPROVED", "PENDING_BILLING_INFO", "DISAPPROVED", "ADSET_PAUSED")


def when(value: Any) -> datetime | None:
    """Parse Meta's or ISO-8601 times (`state.exposure.parse_time`); None when it is not one."""
    try:
        return parse_time(value)
    except (TypeError, ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class Flight:
    """A campaign's schedule as Meta has it: created, first delivery possible, end (or None)."""

    created: datetime | None
    start: datetime | None
    end: datetime | None
    status: str | None = None  # the campaign's `effective_status` on Meta

    def ended(self, now: datetime) -> bool:
        """Tell whether the campaign's end has passed on the account clock (or it is gone)."""
        return self.status in GONE or (self.end is not None and now >= self.end)


def read_flight(client: Any, campaign_id: str, plan: Mapping[str, Any] | None = None) -> Flight:
    """Read the campaign's schedule from Meta (two reads); the plan's where Meta has none."""
    plan = plan or {}
    campaign = client.get(str(campaign_id),
                          {"fields": "created_time,start_time,stop_time,effective_status"})
    adsets = [a for a in client.get_all(f"{campaign_id}/adsets",
                                        {"fields": "start_time,end_time,effective_status"},
                                        limit=200)
              if str(a.get("effective_status") or "ACTIVE") in LIVE]
    starts = [t for t in (when(a.get("start_time")) for a in adsets) if t is not None]
    ends = [when(a.get("end_time")) for a in adsets]
    candidates = [t for t in (when(campaign.get("start_time")),
                              min(starts) if starts else None) if t is not None]
    start = max(candidates) if candidates else when(plan.get("start_time"))
    end = when(campaign.get("stop_time"))
    if end is None and adsets:
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    elif end is None:
        end = when(plan.get("end_time"))
    return Flight(created=when(campaign.get("created_time")), start=start, end=end,
                  status=str(campaign.get("effective_status") or "") or None)


def first_until(state: Mapping[str, Any], client: Any, ctx: Any) -> str:
    """When the first cycle is due: `cycle_days` after the campaign can first deliver.

    That is the latest of its creation on Meta (or its adoption by `watch`), its start and
    its activation; never past its end. Anchored on facts that do not move while the thread
    waits, so the node computes the same `until` when it re-runs on resume (a start a person
    moves later on Meta moves it too); "now" only when Meta says nothing.
    """
    campaign_id = str((state.get("created") or {}).get("campaign") or "")
    flight = (read_flight(client, campaign_id, state.get("plan")) if campaign_id
              else Flight(None, when((state.get("plan") or {}).get("start_time")), None))
    adopted = when((state.get("adopted") or {}).get("at"))
    activated = when((state.get("activation") or {}).get("activated_at"))
    anchors = [t for t in (adopted or flight.created, flight.start, activated) if t is not None]
    anchor = max(anchors) if anchors else account_now(client, ctx)
    until = anchor + timedelta(days=cadence(state, ctx))
    if flight.end is not None and until > flight.end:
        until = max(flight.end, anchor)  # a flight shorter than a cycle: judge it at its end
    return until.isoformat()


def cadence(state: Mapping[str, Any], ctx: Any) -> int:
    """Days between cycles: what the thread recorded at launch, else this run's context.

    A later run (a server ticker's wake, Agent Inbox's answer) may carry no context; the
    thread keeps the cadence it was launched with, so its timers do not move on resume.
    """
    return int(state.get("cycle_days") or ctx.cycle_days)


def next_until(now: datetime, cycle_days: int, end: datetime | None) -> str:
    """When the next cycle is due: `cycle_days` from now, or the campaign's end if sooner."""
    until = now + timedelta(days=cycle_days)
    if end is not None and now < end < until:
        until = end
    return until.isoformat()


def loop_limit(state: Mapping[str, Any], ctx: Any) -> int | None:
    """Return the cycle limit a person set: this run's context, else the one the thread recorded."""
    limit = getattr(ctx, "max_cycles", None)
    if limit is None:
        limit = state.get("max_cycles")
    return None if limit is None else int(limit)


def wait_reason(state: Mapping[str, Any], ctx: Any, *, first: bool) -> str:
    """Return the wait interrupt's reason: what the timer waits for, and the cycle it leads to."""
    cycle = int(state.get("cycle") or 0) + 1
    limit = loop_limit(state, ctx)
    which = f"optimise cycle {cycle} of {limit}" if limit is not None else (
        f"optimise cycle {cycle} (no cycle limit: the loop runs until the campaign ends)")
    if first:
        return (f"waiting for the campaign to start and deliver {cadence(state, ctx)} day(s) of "
                f"data before {which}")
    return f"waiting {cadence(state, ctx)} day(s) for delivery data before {which}"


def loop_end(state: Mapping[str, Any], ctx: Any, cycle: int, now: datetime,
             flight: Flight | None, stopped: str | None) -> tuple[str, str] | None:
    """Why the loop ends after cycle `cycle`, as (phase, status line); None: it goes on.

    The campaign has ended (phase `ended`), the thread was stopped by the kill switch, or the
    limit a person set is reached.
    """
    if flight is not None and flight.status in GONE:
        return "ended", (f"the campaign is {flight.status} on Meta: the optimise loop ends "
                         f"after {cycle} cycle(s); final numbers collected")
    if flight is not None and flight.end is not None and flight.ended(now):
        return "ended", (f"the campaign ended on {flight.end.isoformat()} (account clock): the "
                         f"optimise loop ends after {cycle} cycle(s); final numbers collected")
    if stopped:
        return "stopped", (f"the thread was stopped by the kill switch at {stopped}: the "
                           "optimise loop ends here")
    limit = loop_limit(state, ctx)
    if limit is not None and cycle >= limit:
        return "limit", (f"the optimise loop stopped at its limit of {limit} cycle(s) "
                         "(max_cycles, set by a person); the campaign keeps running on Meta")
    return None
