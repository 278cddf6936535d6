"""Insights: params, synchronous queries, async report runs (start / status / fetch)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tools.errors import MetaError, PermanentError

if TYPE_CHECKING:
    from tools.meta_client import MetaClient

DEFAULT_FIELDS = ["impressions", "clicks", "spend", "reach", "ctr", "cpc", "cpm", "actions",
                  "action_values"]
DONE, FAILED = "Job Completed", ("Job Failed", "Job Skipped")


def insights_params(fields: list[str] | None = None, *, level: str | None = None,
                    date_preset: str | None = None, time_range: dict[str, str] | None = None,
                    time_increment: int | str | None = None,
                    breakdowns: list[str] | None = None,
                    filtering: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Build Meta insights params; `time_range` is `{"since": "YYYY-MM-DD", "until": ...}`."""
    if date_preset and time_range:
        raise ValueError("give date_preset or time_range, not both")
    params: dict[str, Any] = {"fields": ",".join(fields or DEFAULT_FIELDS)}
    for key, value in (("level", level), ("date_preset", date_preset),
                       ("time_range", time_range), ("time_increment", time_increment),
                       ("breakdowns", ",".join(breakdowns) if breakdowns else None),
                       ("filtering", filtering)):
        if value is not None:
            params[key] = value
    return params


def query_insights(client: MetaClient, object_id: str, params: dict[str, Any], *,
                   limit: int = 500) -> list[dict[str, Any]]:
    """Read synchronous insights for an account, campaign, ad set or ad; every page."""
    return client.get_all(f"{object_id}/insights", params, limit=limit)


def start_report(client: MetaClient, object_id: str, params: dict[str, Any]) -> str:
    """Start an async report run (`POST /{object}/insights`); returns `report_run_id`."""
    body = client.call("POST", f"{object_id}/insights", params)
    run_id = body.get("report_run_id") or body.get("id")
    if not run_id:
        raise MetaError("the insights report did not return a report_run_id")
    return str(run_id)


def report_status(client: MetaClient, report_run_id: str) -> dict[str, Any]:
    """Read a report run: `{id, async_status, async_percent_completion, done}`."""
    body = client.get(str(report_run_id),
                      {"fields": "id,async_status,async_percent_completion"})
    status = body.get("async_status")
    pct = int(body.get("async_percent_completion") or 0)
    if status in FAILED:
        raise PermanentError(f"report run {report_run_id}: {status}",
                             code=body.get("error_code"), subcode=body.get("error_subcode"),
                             user_msg=body.get("error_user_msg"))
    return {"id": str(report_run_id), "async_status": status, "async_percent_completion": pct,
            "done": status == DONE and pct == 100}


def fetch_report(client: MetaClient, report_run_id: str, *, limit: int = 500
                 ) -> list[dict[str, Any]]:
    """Read every row of a completed report run."""
    return client.get_all(f"{report_run_id}/insights", {}, limit=limit)


def run_report(client: MetaClient, object_id: str, params: dict[str, Any], *,
               timeout_s: float = 60.0, interval_s: float = 0.5) -> list[dict[str, Any]]:
    """Start an async report, poll it until done (within `timeout_s`) and return its rows."""
    run_id = start_report(client, object_id, params)
    deadline = time.monotonic() + timeout_s
    while not report_status(client, run_id)["done"]:
        if time.monotonic() > deadline:
            raise MetaError(f"report run {run_id} not finished after {timeout_s:.0f} s")
        time.sleep(interval_s)
    return fetch_report(client, run_id)
