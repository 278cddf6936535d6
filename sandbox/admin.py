"""The admin API under `/__sandbox__/` (same token as Graph calls; never a Graph path).

| method | path | does |
| --- | --- | --- |
| GET | `/__sandbox__/clock` | simulated now (UTC and account-local) |
| POST | `/__sandbox__/clock/advance` | `{"days", "hours"}` → `sandbox.delivery.advance` |
| GET/POST | `/__sandbox__/faults` | read / replace the fault config (JSON keys as `--faults`) |
| GET | `/__sandbox__/truth` | `sandbox.truthview.truth_view` (evaluation only) |
| GET | `/__sandbox__/oracle?budget_minor=N` | `sandbox.oracle.oracle` |
| GET | `/__sandbox__/stats` | `{"http_requests", "graph_calls", "writes", "by_path"}` |
| POST | `/__sandbox__/stats/reset` | zero the stats |
| GET | `/__sandbox__/objects?type=campaign` | every stored object of a type, deleted ones too |
| GET/POST | `/__sandbox__/settings` | `tier`, `min_api_version`, `review_seconds`, `disapprove_terms` |
| POST | `/__sandbox__/ratelimit/reset` | forget rate-limit counters |

Input is bounded (`sandbox.bounds`): a POST takes one JSON object body (empty = `{}`)
and no query parameters; a GET only its query keys; numbers must be finite, typed and in range.
A refusal is Meta's code-100 envelope, HTTP 400, naming the field and the fix, and changes
nothing.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from sandbox import bounds, clock, delivery
from sandbox.bounds import InputError
from sandbox.calls import GraphApp
from sandbox.clock import fmt_time
from sandbox.context import RequestContext
from sandbox.errors import GraphError, admin_invalid
from sandbox.faults import FaultConfig
from sandbox.oracle import oracle
from sandbox.truthview import truth_view

# The query keys each GET takes, and an example body for each POST (checked in `_input`).
GET_QUERY: dict[str, tuple[str, ...]] = {
    "clock": (),
    "faults": (),
    "truth": (),
    "oracle": ("budget_minor",),
    "stats": (),
    "objects": ("type",),
    "settings": (),
}
POST_EXAMPLE: dict[str, str] = {
    "clock/advance": bounds.ADVANCE_EXAMPLE,
    "faults": bounds.FAULTS_EXAMPLE,
    "settings": bounds.SETTINGS_EXAMPLE,
    "stats/reset": "an empty body",
    "ratelimit/reset": "an empty body",
}
_CREDENTIALS = ("access_token", "appsecret_proof", "appsecret_time")


def _input(path: str, method: str, request: Request) -> dict[str, Any]:
    """Return the call's checked input: a GET's known query keys, a POST's JSON object body."""
    query = {k: v for k, v in request.args.items() if k not in _CREDENTIALS}
    if method == "GET" and path in GET_QUERY:
        bounds.only_keys(
            query, GET_QUERY[path], f"GET /__sandbox__/{path}", "remove it from the query string"
        )
        return query
    if method == "POST" and path in POST_EXAMPLE:
        example = POST_EXAMPLE[path]
        if query:
            key = next(iter(query))
            raise InputError(
                bounds.key_field(key),
                f"POST /__sandbox__/{path} takes its parameters as a JSON body, not in the query "
                f"string (got {json.dumps(key[:40])}); send e.g. {example}.",
            )
        return bounds.json_object(request.get_data(cache=True), example)
    raise GraphError(2500, f"Unknown admin path: {method} /__sandbox__/{path}", http_status=404)


def handle_admin(app: GraphApp, request: Request) -> Any:
    """Serve one admin call; unknown paths and refused input raise `GraphError`.

    Input is checked in full before anything changes, so a refused call changes nothing.
    """
    path = request.path[len("/__sandbox__") :].strip("/")
    method = request.method.upper()
    try:
        body = _input(path, method, request)
        return _serve(app, path, method, body)
    except InputError as exc:
        raise admin_invalid(exc.field, str(exc)) from None
    except (TypeError, ValueError) as exc:
        raise GraphError(100, f"Invalid admin request: {exc}") from exc


def _serve(app: GraphApp, path: str, method: str, body: dict[str, Any]) -> Any:
    store = app.store
    ctx = RequestContext(store, "v26.0", base_url=app.base_url)
    accounts = store.list_objects("adaccount")
    if accounts:
        ctx.account_id = str(accounts[0]["id"])[4:]
    if path == "clock" and method == "GET":
        now = ctx.now()
        return {
            "now": now.isoformat(),
            "now_local": fmt_time(now, ctx.tz()),
            "timezone": str(ctx.tz()),
        }
    if path == "clock/advance":
        days, hours = bounds.advance_amount(body)
        with store.lock:
            bounds.check_clock_target(clock.now(store), days * 86400 + hours * 3600)
            return delivery.advance(store, days=days, hours=hours)
    if path == "faults":
        if method == "POST":
            app.faults.configure(FaultConfig.parse(body))
        return {**app.faults.config.to_dict(), "injected": dict(app.faults.injected)}
    if path == "truth":
        with store.lock:
            return truth_view(store)
    if path == "oracle":
        budget = bounds.budget_minor(body.get("budget_minor"))
        with store.lock:
            return oracle(store, budget)
    if path == "stats":
        return app.stats.to_dict()
    if path == "stats/reset":
        bounds.only_keys(body, (), "stats/reset", "send an empty body")
        app.stats.reset()
        return {"success": True}
    if path == "ratelimit/reset":
        bounds.only_keys(body, (), "ratelimit/reset", "send an empty body")
        app.limiter.reset()
        return {"success": True}
    if path == "objects":
        return {"data": store.list_objects(bounds.object_type(body.get("type")))}
    # settings
    if method == "POST":
        changes = bounds.settings_changes(body)  # every key checked before any is stored
        with store.lock:
            for key, value in changes.items():
                store.set_setting(key, value)
    return {k: store.get_setting(k) for k in bounds.SETTING_DEFAULTS}
