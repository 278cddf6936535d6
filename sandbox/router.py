"""Graph path routing: `(method, path)` → handler, rate-limit kind and whether it writes.

Paths arrive without the version and without surrounding slashes (`act_1/campaigns`,
`1202.../`, `` for the root). The node type comes from the store, so `/{id}` and `/{id}/edge`
dispatch on what the id is. Resolving also fills `ctx.account_id` for rate limiting.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox import (
    accounts,
    ad_library,
    audiences,
    audiences_edit,
    audiences_users,
    budget_schedules,
    business,
    estimates,
    leadforms,
    media,
    no_permission,
    objects,
    pages,
    recommendations,
    targeting_search,
    videos,
    writes,
)
from sandbox.context import RequestContext
from sandbox.errors import GraphError, invalid, nonexisting_field, not_found, unknown_path
from sandbox.fields import type_name

Handler = Callable[[RequestContext, dict[str, Any], dict[str, Any]], Any]


@dataclass
class Route:
    """A resolved Graph call."""

    handler: Handler
    kind: str  # "read" | "write" | "insights" (rate-limit bucket)
    is_write: bool = False
    units: int = 1  # calls charged to rate limits (each id of `?ids=` counts)


def _insights(fn_name: str, *args: Any) -> Handler:
    """Delegate to `sandbox.insights.<fn_name>(ctx, *args, params)` (the delivery engineer's)."""

    def run(ctx: RequestContext, params: dict[str, Any], files: dict[str, Any]) -> Any:
        try:
            module = importlib.import_module("sandbox.insights")
        except ImportError as exc:
            raise GraphError(
                1, "Insights are not available in this sandbox build.", http_status=500
            ) from exc
        return getattr(module, fn_name)(ctx, *args, params)

    return run


def _route(method: str, handler: Handler, kind: str | None = None) -> Route:
    write = method in ("POST", "DELETE") and kind != "insights"
    return Route(handler, kind or ("write" if write else "read"), write)


_OBJECT_EDGES = {
    "campaigns": "campaign",
    "adsets": "adset",
    "ads": "ad",
    "adcreatives": "adcreative",
}
_CHILD_EDGES = {
    "campaign": {"adsets": "adset", "ads": "ad"},
    "adset": {"ads": "ad", "adcreatives": "adcreative"},
    "ad": {"adcreatives": "adcreative"},
}


def resolve(ctx: RequestContext, method: str, rel: str, params: dict[str, Any]) -> Route:
    """Find the handler for a Graph call; unknown paths and objects raise `GraphError`."""
    segs = [s for s in rel.split("/") if s]
    if not segs:
        if method == "GET" and params.get("ids"):
            ids = [i for i in str(params["ids"]).split(",") if i.strip()]
            first = ctx.store.get_object(ids[0].strip()) if ids else None
            ctx.account_id = (first or {}).get("_account_id") or None
            route = _route(method, objects.read_ids)
            route.units = max(1, len(ids))
            return route
        raise unknown_path(rel)
    head, rest = segs[0], segs[1:]
    if len(segs) > 2 or (head == "search" and rest):
        raise unknown_path(rel)
    if head == "me":
        return _me(method, rest)
    if head == "search" and not rest and method == "GET":
        return _route(method, targeting_search.search)
    if head == "ads_archive" and not rest and method == "GET":
        return _route(method, ad_library.ads_archive)
    if head.startswith("act_"):
        if not ctx.store.get_object(head, "adaccount"):
            raise not_found(head, method)
        ctx.account_id = head[4:]
        return _account(method, head, rest)
    doc = ctx.store.get_object(head)
    if doc is None:
        raise not_found(head, method)
    ctx.account_id = doc.get("_account_id") or None
    return _node(method, doc, rest)


def _me(method: str, rest: list[str]) -> Route:
    if method != "GET" or len(rest) > 1:
        raise not_found("me", method)
    if not rest:
        return _route(method, accounts.read_me)
    if rest[0] == "adaccounts":
        return _route(method, accounts.list_adaccounts)
    if rest[0] == "accounts":
        return _route(method, pages.list_pages)
    if rest[0] == "businesses":
        return _route(method, business.list_businesses)
    raise nonexisting_field(rest[0], "User")


def _account(method: str, act: str, rest: list[str]) -> Route:
    if not rest:
        if method == "GET":
            return _route(method, lambda c, p, f: accounts.read_account(c, act, p))
        raise not_found(act, method)
    if len(rest) > 1:
        raise unknown_path("/".join([act, *rest]))
    edge = rest[0]
    if edge in _OBJECT_EDGES:
        type_ = _OBJECT_EDGES[edge]
        if method == "GET":
            return _route(method, lambda c, p, f: objects.list_edge(c, type_, p, account=act))
        if method == "POST":
            return _route(method, lambda c, p, f: writes.create(c, type_, p))
    table: dict[tuple[str, str], Handler] = {
        ("GET", "adimages"): media.list_images,
        ("POST", "adimages"): media.upload_image,
        ("DELETE", "adimages"): media.delete_image,
        ("GET", "advideos"): videos.list_videos,
        ("POST", "advideos"): videos.upload_video,
        ("GET", "adspixels"): accounts.list_pixels,
        ("GET", "minimum_budgets"): estimates.minimum_budgets,
        ("GET", "delivery_estimate"): estimates.account_delivery_estimate,
        ("GET", "reachestimate"): estimates.reach_estimate,
        ("GET", "customaudiences"): audiences.list_audiences,
        ("POST", "customaudiences"): audiences.create,
        ("GET", "targetingsearch"): targeting_search.account_search,
        ("GET", "recommendations"): recommendations.list_recommendations,
    }
    if (method, edge) in table:
        return _route(method, table[(method, edge)])
    permission = no_permission.needs(method, "adaccount", edge)
    if permission:
        return _route(method, no_permission.refuse(permission))
    if edge == "insights" and method in ("GET", "POST"):
        fn = "get_insights" if method == "GET" else "start_report_run"
        return _route(method, _insights(fn, act), "insights")
    if method == "GET":
        raise nonexisting_field(edge, "AdAccount")
    raise invalid(f"Unsupported {method.lower()} request on /{act}/{edge}.", fields=[edge])


def _node(method: str, doc: dict[str, Any], rest: list[str]) -> Route:
    oid, type_ = str(doc["id"]), str(doc["_type"])
    if not rest:
        return _node_route(method, oid, type_)
    if len(rest) > 1:
        raise unknown_path("/".join([oid, *rest]))
    edge = rest[0]
    if edge == "insights":
        if type_ == "report_run" and method == "GET":
            return _route(method, _insights("report_run_insights", oid), "insights")
        if type_ in ("campaign", "adset", "ad") and method in ("GET", "POST"):
            fn = "get_insights" if method == "GET" else "start_report_run"
            return _route(method, _insights(fn, oid), "insights")
    if type_ in ("campaign", "adset") and edge == "budget_schedules" and method in ("GET", "POST"):
        if method == "GET":
            return _route(method, lambda c, p, f: budget_schedules.list_for(c, oid, p))
        return _route(method, lambda c, p, f: budget_schedules.create(c, oid, p))
    if type_ == "adset" and edge == "delivery_estimate" and method == "GET":
        return _route(method, lambda c, p, f: estimates.adset_delivery_estimate(c, oid, p))
    child = _CHILD_EDGES.get(type_, {}).get(edge)
    if child and method == "GET":
        return _route(method, lambda c, p, f: objects.list_children(c, child, type_, oid, p))
    if type_ == "advideo" and edge == "thumbnails" and method == "GET":
        return _route(method, lambda c, p, f: videos.video_thumbnails(c, oid, p))
    if type_ == "customaudience" and edge == "users" and method in ("POST", "DELETE"):
        removing = method == "DELETE"
        return _route(method, lambda c, p, f: audiences_users.upload(c, oid, p, removing))
    if type_ == "customaudience" and edge == "sessions" and method == "GET":
        return _route(method, lambda c, p, f: audiences_users.list_sessions(c, oid, p))
    permission = no_permission.needs(method, type_, edge)
    if permission:
        return _route(method, no_permission.refuse(permission))
    if type_ == "business" and edge in business.EDGES and method == "GET":
        return _route(method, lambda c, p, f: business.list_edge(c, oid, edge, p))
    if type_ == "page" and edge == "leadgen_forms" and method in ("GET", "POST"):
        if method == "GET":
            return _route(method, lambda c, p, f: leadforms.list_forms(c, oid, p))
        return _route(method, lambda c, p, f: leadforms.create(c, oid, p))
    if method == "GET":
        raise nonexisting_field(edge, type_name(type_))
    raise not_found(oid, method)


def _node_route(method: str, oid: str, type_: str) -> Route:
    if type_ in ("campaign", "adset", "ad", "adcreative"):
        handlers: dict[str, Handler] = {
            "GET": lambda c, p, f: objects.read_node(c, oid, p),
            "POST": lambda c, p, f: writes.update(c, oid, p),
            "DELETE": lambda c, p, f: writes.delete(c, oid, p),
        }
    elif type_ == "advideo":
        handlers = {
            "GET": lambda c, p, f: videos.read_video(c, oid, p),
            "POST": lambda c, p, f: videos.update_video(c, oid, p),
            "DELETE": lambda c, p, f: videos.delete_video(c, oid, p),
        }
    elif type_ == "customaudience":
        handlers = {
            "GET": lambda c, p, f: audiences.read(c, oid, p),
            "POST": lambda c, p, f: audiences_edit.update(c, oid, p),
            "DELETE": lambda c, p, f: audiences_edit.delete(c, oid, p),
        }
    elif type_ == "leadgen_form":
        handlers = {
            "GET": lambda c, p, f: leadforms.read(c, oid, p),
            "POST": lambda c, p, f: leadforms.update(c, oid, p),
        }
    elif type_ == budget_schedules.TYPE:
        handlers = {
            "GET": lambda c, p, f: budget_schedules.read(c, oid, p),
            "POST": lambda c, p, f: budget_schedules.update(c, oid, p),
            "DELETE": lambda c, p, f: budget_schedules.delete(c, oid, p),
        }
    elif type_ == "report_run":
        handlers = {"GET": _insights("read_report_run", oid)}
    elif type_ == "adimage":
        handlers = {"GET": lambda c, p, f: media.read_image(c, oid, p)}
    else:
        handlers = {"GET": lambda c, p, f: accounts.read_simple(c, oid, p)}
    if method not in handlers:
        raise not_found(oid, method)
    return _route(method, handlers[method])


_ID_RE = re.compile(r"^(act_)?\d+(:\w+)?$")


def pattern(rel: str) -> str:
    """Return the path with ids replaced (`act_{id}/campaigns`, `{id}/insights`) for stats."""
    out = []
    for seg in (s for s in rel.split("/") if s):
        if _ID_RE.match(seg):
            out.append("act_{id}" if seg.startswith("act_") else "{id}")
        else:
            out.append(seg)
    return "/".join(out)
