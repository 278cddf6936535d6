"""Insights agent: pull daily insights for the thread's campaign into the local store.

Graph node (wire it between `wait_for_data` and `decide_actions`)::

    collect_insights(state, runtime) -> {"optimize": {..., "collected": {...}}}

A Meta throttle longer than the client may sleep returns a wait record instead
(`agents.common.yields_on_throttle`), for its router to wait out.

Reads `state["created"]["campaign"]` (the launched campaign id), `state["plan"]` (start date;
what counts as each ad set's result, `agents/insights/results.py`) and `state["optimize"]`
(what was pulled before). Writes only under `state["optimize"]["collected"]`: `{"since",
"until", "rows", "round_trips", "graph_calls", "mode"}`. The rows themselves live in
`state/insights_store.py` (ADPILOT_HOME/insights.db), never in graph state.

Every cycle re-pulls the restatement window (Meta revises recent days), and the days since
the last pull, at three levels (ad, ad set, campaign; daily rows), plus ad-set rows broken
down by age and gender, plus two weekly windows per ad (true weekly reach, for fatigue).
Queries that would return many rows run as async report runs; every result is paged.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from langgraph.runtime import Runtime

from agents.common import home_of, yields_on_throttle
from agents.insights.results import conversion_event, events_by_adset
from state.context import Context
from state.insights_store import InsightsStore, parse_row
from state.schema import AdpilotState
from tools.account import account_info, account_now

LEVELS = ("ad", "adset", "campaign")
BREAKDOWNS: tuple[str, ...] = ("age", "gender")
RESTATEMENT_DAYS = 3
ASYNC_ROW_THRESHOLD = 2_000
PAGE_SIZE = 500
ASYNC_PAGE_SIZE = 1000  # report results page larger (the SDK's own example uses 1000)
FIELDS = (
    "campaign_id,campaign_name,adset_id,adset_name,ad_id,ad_name,impressions,reach,clicks,"
    "inline_link_clicks,spend,actions,action_values,estimated_ad_recallers,attribution_setting"
)
# breakdown value counts, to estimate how many rows a query returns
CARDINALITY = {"age": 7, "gender": 3, "country": 5, "publisher_platform": 4}


class InsightsError(RuntimeError):
    """An insights query that could not be completed (names the query and the fix)."""


def estimate_rows(entities: int, days: int, breakdowns: Sequence[str] = ()) -> int:
    """Rows a daily query returns at most (entities × days × breakdown values)."""
    n = entities * max(days, 1)
    for b in breakdowns:
        n *= CARDINALITY.get(b, 5)
    return n


def run_query(
    client: Any,
    object_id: str,
    params: dict[str, Any],
    *,
    use_async: bool,
    poll_s: float = 0.2,
    timeout_s: float = 120.0,
) -> list[dict[str, Any]]:
    """Run one insights query (sync, or as an async report run) and return every row."""
    if not use_async:
        return client.get_all(f"{object_id}/insights", params, limit=PAGE_SIZE)
    started = client.call("POST", f"{object_id}/insights", params)
    run_id = str(started.get("report_run_id") or started.get("id") or "")
    if not run_id:
        raise InsightsError(f"async insights for {object_id}: no report_run_id in {started}")
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(run_id, {"fields": "async_status,async_percent_completion"})
        status = job.get("async_status")
        if status == "Job Completed" and int(job.get("async_percent_completion", 100)) >= 100:
            break
        if status in ("Job Failed", "Job Skipped"):
            raise InsightsError(
                f"async insights report {run_id} for {object_id} ended as {status!r}: "
                "retry later or narrow the date range"
            )
        if time.monotonic() > deadline:
            raise InsightsError(
                f"async insights report {run_id} still {status!r} after {timeout_s:.0f} s"
            )
        time.sleep(poll_s)
    return client.get_all(f"{run_id}/insights", {}, limit=ASYNC_PAGE_SIZE)


def pull_window(
    client: Any,
    store: InsightsStore,
    *,
    campaign_id: str,
    since: str,
    until: str,
    currency: str,
    event: str = "PURCHASE",
    n_ads: int = 1,
    n_adsets: int = 1,
    breakdowns: Sequence[str] = BREAKDOWNS,
    force_async: bool | None = None,
    events: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Pull [since, until] at every level into `store`; return what it cost.

    `events` names the result of each ad set whose goal differs from the campaign's `event`
    (by ad set id); rows without an ad set (the campaign's) count `event`.
    """
    days = (date.fromisoformat(until) - date.fromisoformat(since)).days + 1
    before = dict(getattr(client, "stats", {}) or {})
    rows_total, modes = 0, set()
    counts = {"ad": n_ads, "adset": n_adsets, "campaign": 1}
    jobs: list[tuple[str, tuple[str, ...]]] = [(lvl, ()) for lvl in LEVELS]
    if breakdowns:
        jobs.append(("adset", tuple(breakdowns)))
    for level, dims in jobs:
        params: dict[str, Any] = {
            "level": level,
            "fields": FIELDS,
            "time_range": {"since": since, "until": until},
            "time_increment": 1,
        }
        if dims:
            params["breakdowns"] = ",".join(dims)
        big = estimate_rows(counts[level], days, dims) > ASYNC_ROW_THRESHOLD
        use_async = big if force_async is None else force_async
        modes.add("async" if use_async else "sync")
        raw = run_query(client, campaign_id, params, use_async=use_async)
        rows = [
            parse_row(r, level=level, currency=currency, dims=dims,
                      conversion_event=_event_of(r, event, events))
            for r in raw
        ]
        rows_total += store.replace_window(campaign_id, level, since, until, rows, dims)
    after = dict(getattr(client, "stats", {}) or {})
    return {
        "since": since,
        "until": until,
        "rows": rows_total,
        "mode": "+".join(sorted(modes)),
        "round_trips": after.get("round_trips", 0) - before.get("round_trips", 0),
        "graph_calls": after.get("graph_calls", 0) - before.get("graph_calls", 0),
    }


def _event_of(raw: Mapping[str, Any], event: str, events: Mapping[str, str] | None) -> str:
    return (events or {}).get(str(raw.get("adset_id") or ""), event)


def pull_weeks(
    client: Any,
    store: InsightsStore,
    *,
    campaign_id: str,
    until: str,
    currency: str,
    event: str,
    events: Mapping[str, str] | None = None,
) -> None:
    """Store the last two 7-day windows per ad (weekly reach is not a sum of daily reach)."""
    end = date.fromisoformat(until)
    for k in (1, 0):
        w_until = end - timedelta(days=7 * k)
        w_since = w_until - timedelta(days=6)
        params = {
            "level": "ad",
            "fields": FIELDS,
            "time_range": {"since": w_since.isoformat(), "until": w_until.isoformat()},
        }
        raw = client.get_all(f"{campaign_id}/insights", params, limit=PAGE_SIZE)
        rows = [
            parse_row(r, level="ad", currency=currency, conversion_event=_event_of(r, event, events))
            for r in raw
        ]
        store.replace_weeks(campaign_id, w_since.isoformat(), w_until.isoformat(), rows)


def window_to_pull(
    start: str, yesterday: str, last_stored: str | None, restatement_days: int = RESTATEMENT_DAYS
) -> tuple[str, str] | None:
    """Return the [since, until] to (re-)pull: new days plus the restatement window; None if nothing."""
    if yesterday < start:
        return None
    since = start
    if last_stored:
        redo = date.fromisoformat(last_stored) - timedelta(days=restatement_days - 1)
        since = max(start, redo.isoformat())
    return since, yesterday


def collect(
    client: Any,
    store: InsightsStore,
    *,
    campaign_id: str,
    start: str,
    today: str,
    currency: str,
    event: str = "PURCHASE",
    n_ads: int = 1,
    n_adsets: int = 1,
    breakdowns: Sequence[str] = BREAKDOWNS,
    weeks: bool = True,
    events: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Pull everything a cycle needs for one campaign (the node and the bench call this)."""
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    window = window_to_pull(start, yesterday, store.last_date(campaign_id))
    if window is None:
        return {
            "since": None,
            "until": None,
            "rows": 0,
            "mode": "none",
            "round_trips": 0,
            "graph_calls": 0,
        }
    out = pull_window(
        client,
        store,
        campaign_id=campaign_id,
        since=window[0],
        until=window[1],
        currency=currency,
        event=event,
        n_ads=n_ads,
        n_adsets=n_adsets,
        breakdowns=breakdowns,
        events=events,
    )
    if weeks:
        pull_weeks(client, store, campaign_id=campaign_id, until=window[1], currency=currency,
                   event=event, events=events)
    return out


@yields_on_throttle
def collect_insights(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Graph node: refresh the insights store for this thread's campaign."""
    from agents.common import client_of

    created = state.get("created") or {}
    campaign_id = created.get("campaign")
    if not campaign_id:
        raise InsightsError("collect_insights: state has no created campaign — launch it first")
    client = client_of(runtime)
    account = account_info(client)
    now = account_now(client, runtime.context)
    today = now.astimezone(account["tz"]).date().isoformat()
    plan = state.get("plan") or {}
    start = _start_date(plan, client, campaign_id, account)
    store = InsightsStore(home_of(runtime.context))
    collected = collect(
        client,
        store,
        campaign_id=str(campaign_id),
        start=start,
        today=today,
        currency=account["currency"],
        event=conversion_event(plan),
        n_ads=len(created.get("ads") or {}) or 1,
        n_adsets=len(created.get("ad_sets") or {}) or 1,
        events=events_by_adset(plan, created),
    )
    return {"optimize": {**(state.get("optimize") or {}), "collected": collected, "today": today}}


def _start_date(
    plan: dict[str, Any], client: Any, campaign_id: str, account: dict[str, Any]
) -> str:
    raw = plan.get("start_time")
    if not raw:
        raw = client.get(str(campaign_id), {"fields": "start_time,created_time"})
        raw = raw.get("start_time") or raw.get("created_time")
    from state.guardrails import parse_time

    parsed = parse_time(raw) if raw else None
    if parsed is None:
        return datetime.now(account["tz"]).date().isoformat()
    return parsed.astimezone(account["tz"]).date().isoformat()
