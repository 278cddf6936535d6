"""`/{object}/insights` (sync GET and async POST) and the AdReportRun nodes.

Sync: `get_insights` validates (`sandbox.insights_query`), brings delivery up to date
(`delivery.catch_up`), aggregates (`sandbox.insights_rows`) and pages the rows. A query whose
result has more than `insights_sync_row_limit` rows (a store setting, default 10,000) is refused
with 100 / 1487534 ("reduce the amount of data"), which is what pushes big queries to async.

Async: `start_report_run` validates the same parameters (errors come back on the POST),
computes the rows at once and stores them with a `report_run` object. Polling
`read_report_run` walks `async_status` through `Job Not Started` -> `Job Started` ->
`Job Running` -> `Job Completed` (`async_percent_completion` 0 -> 100), one step per poll or
per 0.7 s of wall time, whichever is faster; `report_run_insights` pages the stored rows
once the job is complete. With the store setting `insights_async_fail_rate` (0-1, seeded)
some jobs end in `Job Failed` with `error_code` -2 / `error_subcode` 2490547 instead, and their
rows are refused with that error: clients must retry the report.
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from sandbox.context import RequestContext
from sandbox.delivery import ROWS, catch_up, ensure_tables
from sandbox.errors import GraphError, invalid, nonexisting_field, not_found
from sandbox.insights_format import Formatter
from sandbox.insights_query import Query, parse_query
from sandbox.insights_rows import aggregate, compare
from sandbox.paging import paginate
from sandbox.params import get_fields
from sandbox.scenario import account_scenario, get_seed
from sandbox.status import effective_status
from sandbox.tree import load_tree
from sandbox.truth import rng_for

SYNC_ROW_LIMIT = 10_000
RUN_ROWS = "report_run_rows"
STAGES = [("Job Not Started", 0), ("Job Started", 5), ("Job Running", 55), ("Job Completed", 100)]
STAGE_SECONDS = 0.7
RUN_FIELDS = (
    "id",
    "account_id",
    "async_status",
    "async_percent_completion",
    "async_report_url",
    "date_start",
    "date_stop",
    "time_ref",
    "time_completed",
    "emails",
    "friendly_name",
    "is_async_export",
    "is_bookmarked",
    "is_running",
    "schedule_id",
    "error_code",
    "error_subcode",
    "error_message",
    "error_user_title",
    "error_user_msg",
)


def _object_type(ctx: RequestContext, object_id: str) -> str:
    if object_id.startswith("act_"):
        if ctx.store.get_object(object_id, "adaccount") is None:
            raise not_found(object_id)
        return "account"
    doc = ctx.store.get_object(object_id)
    if doc is None or doc["_type"] not in ("campaign", "adset", "ad"):
        raise not_found(object_id)
    return str(doc["_type"])


def _query(ctx: RequestContext, object_id: str, params: dict[str, Any]) -> Query:
    store = ctx.store
    catch_up(store)
    sc = account_scenario(store, ctx.account_id)[0]
    today = ctx.now().astimezone(sc.tz).date()
    with store.lock:
        ensure_tables(store)
        first = next(iter(store.db.query(f"select min(date) d from {ROWS}")))["d"]
    return parse_query(
        params,
        object_id,
        _object_type(ctx, object_id),
        today,
        date.fromisoformat(first) if first else sc.start,
    )


def _rows(ctx: RequestContext, q: Query) -> list[dict[str, Any]]:
    store = ctx.store
    sc, seed = account_scenario(store, ctx.account_id)
    with store.lock:
        tree = load_tree(store, sc.account.id)
        account = store.get_object(sc.account.id) or {}
        now = ctx.now()
        cache: dict[str, str] = {}

        def status(oid: str) -> str:
            if oid not in cache:
                doc = store.get_object(oid)
                cache[oid] = effective_status(store, doc, now) if doc else "DELETED"
            return cache[oid]

        groups = aggregate(store, q, sc, seed, tree, status)
    fmt = Formatter(sc, q, tree, account)
    metric_filters = [f for f in q.filtering if "." not in f["field"]]
    kept = [
        g
        for g in groups
        if all(
            compare(fmt.metric(f["field"], g) or 0, f["operator"], f["value"])
            for f in metric_filters
        )
    ]
    for name, desc in reversed(q.sort):

        def key(g: dict[str, Any], name: str = name) -> Any:
            v = fmt.metric(name, g)
            return v if v is not None else (fmt.identity(name, g) or "")

        kept.sort(key=key, reverse=desc)
    return [fmt.row(g) for g in kept]


def get_insights(ctx: RequestContext, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """Sync `GET /{object}/insights`."""
    q = _query(ctx, object_id, params)
    rows = _rows(ctx, q)
    limit = int(ctx.store.get_setting("insights_sync_row_limit", SYNC_ROW_LIMIT))
    if len(rows) > limit:
        raise invalid(
            f"This query returns {len(rows)} rows, more than a synchronous call allows ({limit}): "
            "run it as an async report (POST /insights), or narrow the dates, level or breakdowns.",
            subcode=1487534,
            title="Too much data",
            message="Please reduce the amount of data you're asking for, then retry your request",
        )
    return paginate(ctx, rows, params)


def _ensure_run_table(ctx: RequestContext) -> None:
    if RUN_ROWS not in ctx.store.db.table_names():
        ctx.store.db.table(RUN_ROWS).create(
            {"run_id": str, "seq": int, "row": str}, pk=("run_id", "seq")
        )


def start_report_run(ctx: RequestContext, object_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """Async `POST /{object}/insights` → `{"report_run_id": ...}`."""
    q = _query(ctx, object_id, params)
    rows = _rows(ctx, q)
    store = ctx.store
    sc = account_scenario(store, ctx.account_id)[0]
    with store.lock:
        _ensure_run_table(ctx)
        since = min(r[0] for r in q.ranges)
        until = max(r[1] for r in q.ranges)
        doc = store.insert_object(
            "report_run",
            {
                "account_id": sc.account.id.removeprefix("act_"),
                "date_start": since.isoformat(),
                "date_stop": until.isoformat(),
                "time_ref": int(ctx.now().timestamp()),
                "friendly_name": str(params.get("export_name") or ""),
                "emails": [],
                "is_async_export": 0,
                "is_bookmarked": False,
                "_created_wall": time.time(),
                "_polls": 0,
                "_object_id": object_id,
                "_rows": len(rows),
                "_fail": _rolls_failure(store),
            },
            account_id=sc.account.id.removeprefix("act_"),
            parent_id=object_id,
        )
        store.db.table(RUN_ROWS).insert_all(
            ({"run_id": doc["id"], "seq": i, "row": json.dumps(r)} for i, r in enumerate(rows)),
            pk=("run_id", "seq"),
        )
    return {"report_run_id": doc["id"]}


def _run(ctx: RequestContext, run_id: str) -> dict[str, Any]:
    doc = ctx.store.get_object(run_id, "report_run")
    if doc is None:
        raise not_found(run_id)
    return doc


def _rolls_failure(store: Any) -> bool:
    """Seeded roll of `insights_async_fail_rate` (a store setting, default 0) for a new job."""
    rate = float(store.get_setting("insights_async_fail_rate", 0) or 0)
    if rate <= 0:
        return False
    n = int(store.get_setting("insights_async_jobs", 0)) + 1
    store.set_setting("insights_async_jobs", n)
    return bool(rng_for(get_seed(store), "report_fail", n).random() < rate)


def _failed(doc: dict[str, Any]) -> GraphError:
    return GraphError(
        -2,
        "Async report job failed",
        subcode=2490547,
        user_title="Report failed",
        user_msg="The async report failed. Retry it later or ask for less data.",
    )


def _stage(doc: dict[str, Any]) -> int:
    elapsed = time.time() - float(doc.get("_created_wall", 0))
    return min(len(STAGES) - 1, max(int(doc.get("_polls", 0)) - 1, int(elapsed / STAGE_SECONDS)))


def read_report_run(ctx: RequestContext, run_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{report_run_id}`: the AdReportRun node; each poll moves the job along."""
    with ctx.store.lock:
        doc = _run(ctx, run_id)
        doc = ctx.store.update_object(run_id, {"_polls": int(doc.get("_polls", 0)) + 1})
    stage = _stage(doc)
    status, pct = STAGES[stage]
    node = {
        "id": run_id,
        "account_id": doc["account_id"],
        "async_status": status,
        "async_percent_completion": pct,
        "async_report_url": f"https://www.facebook.com/ads/ads_insights/export_report?report_run_id={run_id}&format=csv",
        "date_start": doc["date_start"],
        "date_stop": doc["date_stop"],
        "time_ref": doc["time_ref"],
        "emails": doc.get("emails", []),
        "friendly_name": doc.get("friendly_name", ""),
        "is_async_export": 0,
        "is_bookmarked": False,
        "is_running": stage < len(STAGES) - 1,
    }
    if stage == len(STAGES) - 1 and doc.get("_fail"):
        err = _failed(doc)
        node.update(
            async_status="Job Failed",
            async_percent_completion=STAGES[-2][1],
            error_code=err.code,
            error_subcode=err.subcode,
            error_message=err.message,
            error_user_title=err.user_title,
            error_user_msg=err.user_msg,
        )
    elif stage == len(STAGES) - 1:
        node["time_completed"] = int(doc["time_ref"]) + 2
    fields = get_fields(params)
    if fields:
        for f in fields:
            if f not in RUN_FIELDS:
                raise nonexisting_field(f, "AdReportRun")
        node = {k: v for k, v in node.items() if k in fields or k == "id"}
    return node


def report_run_insights(ctx: RequestContext, run_id: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /{report_run_id}/insights`: the job's rows, paged; refused until complete."""
    doc = _run(ctx, run_id)
    if _stage(doc) == len(STAGES) - 1 and doc.get("_fail"):
        raise _failed(doc)
    if _stage(doc) < len(STAGES) - 1:
        raise GraphError(
            100,
            "(#100) The report is not ready yet: poll the report run until "
            "async_status is 'Job Completed' and async_percent_completion is 100.",
            user_title="Report not ready",
            user_msg="Wait for the async report to complete before reading its rows.",
        )
    with ctx.store.lock:
        _ensure_run_table(ctx)
        rows = [
            json.loads(r["row"])
            for r in ctx.store.db.query(
                f"select row from {RUN_ROWS} where run_id = ? order by seq", [run_id]
            )
        ]
    return paginate(ctx, rows, params)
