"""The Business node: `GET /me/businesses`, `GET /<business id>` and its asset edges.

One business per scenario (`Scenario.business`, stored by `init_store`; `/me/businesses`
also stores it in a sandbox made before businesses existed). It owns every ad account, the
page and every pixel of the scenario and has no clients, so its edges are:

| edge | lists |
| --- | --- |
| `owned_ad_accounts` | every ad account, as `GET /act_<id>` renders it |
| `owned_pages` | the page(s), as `GET /<page id>` renders them |
| `adspixels`, `owned_pixels` | every pixel |
| `owned_product_catalogs` | the stored product catalogs (the sandbox holds none yet) |
| `client_ad_accounts`, `client_pages`, `client_pixels`, `client_product_catalogs` | nothing |

Each is a paged list (`sandbox.paging`) and checks `fields=` against the listed node type,
empty or not. `GET /<business id>` is a plain stored node (`accounts.read_simple`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.accounts import account_view
from sandbox.context import RequestContext
from sandbox.errors import not_found
from sandbox.fields import DEFAULTS, check_fields, select
from sandbox.pages import field_name, page_view, scenario_of
from sandbox.paging import paginate
from sandbox.params import get_fields

# edge -> (node type listed, whether the business owns them; client edges list nothing)
EDGES: dict[str, tuple[str, bool]] = {
    "owned_ad_accounts": ("adaccount", True),
    "client_ad_accounts": ("adaccount", False),
    "owned_pages": ("page", True),
    "client_pages": ("page", False),
    "adspixels": ("adspixel", True),
    "owned_pixels": ("adspixel", True),
    "client_pixels": ("adspixel", False),
    "owned_product_catalogs": ("productcatalog", True),
    "client_product_catalogs": ("productcatalog", False),
}


def list_businesses(
    ctx: RequestContext, params: dict[str, Any], files: Any = None
) -> dict[str, Any]:
    """`GET /me/businesses`: the businesses the user belongs to (the scenario's)."""
    ensure_business(ctx)
    docs = ctx.store.list_objects("business")
    return paginate(ctx, [select(d, "business", params) for d in docs], params)


def ensure_business(ctx: RequestContext) -> None:
    """Store the scenario's business if this sandbox's store predates businesses."""
    sc = scenario_of(ctx)
    if sc is None or sc.business.id is None or ctx.store.get_object(sc.business.id):
        return
    ctx.store.insert_object(
        "business", sc.business.fields(sc.start_dt(), sc.tz, sc.page), id_=sc.business.id
    )


def list_edge(
    ctx: RequestContext, business_id: str, edge: str, params: dict[str, Any]
) -> dict[str, Any]:
    """`GET /<business id>/<edge>` for an edge of `EDGES`."""
    if ctx.store.get_object(business_id, "business") is None:
        raise not_found(business_id)
    type_, owned = EDGES[edge]
    fields = get_fields(params)
    check_fields(type_, [f for f in fields or () if field_name(f) != "picture"])
    docs = ctx.store.list_objects(type_) if owned else []
    render = _renderer(ctx, type_, fields)
    return paginate(ctx, [render(d) for d in docs], params)


def _renderer(
    ctx: RequestContext, type_: str, fields: list[str] | None
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    asked = {"fields": ",".join(fields)} if fields else {}
    if type_ == "adaccount":
        return lambda d: account_view(ctx, d, asked)
    if type_ == "page":
        return lambda d: page_view(ctx, d, fields or list(DEFAULTS["page"]))
    return lambda d: select(d, type_, asked)
