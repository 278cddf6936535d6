"""The admin API under `/__sandbox__/` (same token as Graph calls; never a Graph path).

| method | path | does |
| --- | --- | --- |
| GET | `/__sandbox__/clock` | simulated now (UTC and account-local) |
| POST | `/__sandbox__/clock/advance` | `{"days", "hours"}` → `sandbox.delivery.advance` |
| GET/POST | `/__sandbox__/faults` | read / replace the fault config (JSON keys as `--faults`) |
| GET | `/__sandbox__/truth` | `sandbox.delivery.truth` (evaluation only) |
| GET | `/__sandbox__/oracle?budget_minor=N` | `sandbox.delivery.oracle` |
| GET | `/__sandbox__/stats` | `{"http_requests", "graph_calls", "writes", "by_path"}` |
| POST | `/__sandbox__/stats/reset` | zero the stats |
| GET | `/__sandbox__/objects?type=campaign` | every stored object of a type, deleted ones too |
| GET/POST | `/__sandbox__/settings` | `tier`, `min_api_version`, `review_seconds`, `disapprove_terms` |
| POST | `/__sandbox__/ratelimit/reset` | forget rate-limit counters |
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request

from sandbox.context import RequestContext, fmt_time
from sandbox.errors import GraphError
from sandbox.faults import FaultConfig

if TYPE_CHECKING:
    from sandbox.app import SandboxApp

SETTINGS = {
    "tier": str,
    "min_api_version": int,
    "review_seconds": float,
    "disapprove_terms": list,
}


def _body(request: Request) -> dict[str, Any]:
    body = request.get_json(silent=True)
    out: dict[str, Any] = dict(request.args.items())
    out.update(request.form.items())
    if isinstance(body, dict):
        out.update(body)
    out.pop("access_token", None)
    return out


def _delivery() -> Any:
    try:
        from sandbox import delivery
    except ImportError as exc:
        raise GraphError(1, "The delivery model is not available.", http_status=501) from exc
    return delivery


def handle_admin(app: SandboxApp, request: Request) -> Any:
    """Serve one admin call; unknown paths raise `GraphError`."""
    path = request.path[len("/__sandbox__") :].strip("/")
    method = request.method.upper()
    body = _body(request)
    store = app.store
    ctx = RequestContext(store, "v26.0", base_url=app.base_url)
    accounts = store.list_objects("adaccount")
    if accounts:
        ctx.account_id = str(accounts[0]["id"])[4:]
    try:
        if path == "clock" and method == "GET":
            now = ctx.now()
            return {
                "now": now.isoformat(),
                "now_local": fmt_time(now, ctx.tz()),
                "timezone": str(ctx.tz()),
            }
        if path == "clock/advance" and method == "POST":
            days, hours = float(body.get("days", 0) or 0), float(body.get("hours", 0) or 0)
            if days < 0 or hours < 0:
                raise GraphError(100, "days and hours must not be negative.")
            with store.lock:
                return _advance(store, days, hours)
        if path == "faults":
            if method == "POST":
                app.faults.configure(FaultConfig.parse(body))
            return {**app.faults.config.to_dict(), "injected": dict(app.faults.injected)}
        if path == "truth" and method == "GET":
            with store.lock:
                return _delivery().truth(store)
        if path == "oracle" and method == "GET":
            budget = body.get("budget_minor")
            with store.lock:
                return _delivery().oracle(store, int(budget) if budget not in (None, "") else None)
        if path == "stats" and method == "GET":
            return app.stats.to_dict()
        if path == "stats/reset" and method == "POST":
            app.stats.reset()
            return {"success": True}
        if path == "ratelimit/reset" and method == "POST":
            app.limiter.reset()
            return {"success": True}
        if path == "objects" and method == "GET":
            type_ = body.get("type")
            if not type_:
                raise GraphError(
                    100, "objects needs ?type= (campaign, adset, ad, adcreative, ...)."
                )
            return {"data": store.list_objects(str(type_))}
        if path == "settings":
            if method == "POST":
                for key, value in body.items():
                    if key not in SETTINGS:
                        raise GraphError(
                            100, f"Unknown setting {key!r}; known: {sorted(SETTINGS)}."
                        )
                    if key == "tier" and value not in ("development", "standard"):
                        raise GraphError(100, "tier must be development or standard.")
                    store.set_setting(key, SETTINGS[key](value))
            return {k: store.get_setting(k) for k in SETTINGS}
    except (TypeError, ValueError) as exc:
        raise GraphError(100, f"Invalid admin request: {exc}") from exc
    raise GraphError(2500, f"Unknown admin path: {method} /__sandbox__/{path}", http_status=404)


def _advance(store: Any, days: float, hours: float) -> dict[str, Any]:
    try:
        from sandbox import delivery
    except ImportError:
        delivery = None  # type: ignore[assignment]
    if delivery is not None and hasattr(delivery, "advance"):
        return dict(delivery.advance(store, days=days, hours=hours))
    offset = float(store.get_setting("clock_offset_s", 0) or 0) + days * 86400 + hours * 3600
    store.set_setting("clock_offset_s", offset)
    return {
        "now": datetime.fromtimestamp(time.time() + offset, UTC).isoformat(),
        "generated_days": [],
    }
