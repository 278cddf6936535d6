"""Pages: `GET /me/accounts` (the pages the token's user manages) and `GET /<page id>`.

A page reads as Meta's Page node: its stored profile (`sandbox.scenario_nodes.Page.fields`:
category, link, fan and follower counts, username, ...), under which the scenario's page
config is laid so a store made before a field existed still serves it. Computed on read:

* `picture` — the profile picture edge read as a field, `{"data": {"height", "is_silhouette",
  "url", "width"}}`; `picture.type(large)` / `.width(n)` / `.height(n)` pick the size and
  `picture{url}` the keys, as on Meta.
* `access_token` — a page token derived from the sandbox's token (never the token itself);
  given only when asked for. The sandbox does not accept it as a credential.
* `instagram_business_account{...}` — the linked IG user's fields.
* `business` — the Business Manager that owns the page.
* `tasks` — only on the `/me/accounts` edge (Meta lists it there, not on the Page node).

`/me/accounts` answers `id, name, category, category_list, tasks` when no fields are asked,
as Meta's "Manage a Page" guide shows (less the page token, given only on request).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from sandbox.context import RequestContext
from sandbox.errors import nonexisting_field, not_found
from sandbox.fields import base_name, check_fields, select
from sandbox.paging import paginate
from sandbox.params import get_fields, split_fields
from sandbox.scenario import Scenario, get_scenario

ACCOUNTS_DEFAULT = ["id", "name", "category", "category_list", "tasks"]
_MODIFIER = re.compile(r"\.(\w+)\(([^)]*)\)")
_PICTURE_SIZES = {"small": 50, "square": 50, "normal": 100, "large": 200, "album": 200}
_PICTURE_KEYS = ("height", "is_silhouette", "url", "width")


def scenario_of(ctx: RequestContext) -> Scenario | None:
    """Return the store's scenario (None for a store made without one)."""
    try:
        return get_scenario(ctx.store)
    except RuntimeError:
        return None


def list_pages(ctx: RequestContext, params: dict[str, Any], files: Any = None) -> dict[str, Any]:
    """`GET /me/accounts`: the pages the user manages, with the tasks the user may do on each."""
    fields = get_fields(params) or ACCOUNTS_DEFAULT
    docs = ctx.store.list_objects("page")
    return paginate(ctx, [page_view(ctx, d, fields, edge=True) for d in docs], params)


def read_page(ctx: RequestContext, oid: str, params: dict[str, Any]) -> dict[str, Any]:
    """`GET /<page id>` (default fields `id`, `name`)."""
    doc = ctx.store.get_object(oid, "page")
    if doc is None:
        raise not_found(oid)
    return page_view(ctx, doc, get_fields(params) or ["id", "name"])


def page_view(
    ctx: RequestContext, doc: dict[str, Any], fields: list[str], edge: bool = False
) -> dict[str, Any]:
    """Render the page with `fields`; `edge`: as `/me/accounts` lists it (with `tasks`)."""
    sc = scenario_of(ctx)
    configured = sc.page if sc is not None and sc.page.id == str(doc["id"]) else None
    if configured is not None:
        doc = {**configured.fields(), **doc}
    plain = [f for f in fields if field_name(f) not in ("picture", "tasks")]
    computed = {
        "access_token": lambda: page_token(ctx, str(doc["id"])),
        "instagram_business_account": lambda: _instagram(ctx, doc, fields),
    }
    if sc is not None:
        biz = sc.business
        computed["business"] = lambda: {"id": biz.id, "name": biz.name}
    out = select(doc, "page", {}, computed, fields=plain)
    for f in fields:
        if field_name(f) == "picture":
            out["picture"] = picture(ctx, str(doc["id"]), f)
        elif field_name(f) == "tasks":
            if not edge:
                check_fields("page", ["tasks"])  # Meta's nonexisting-field error
            out["tasks"] = list(configured.tasks) if configured else []
    return out


def page_token(ctx: RequestContext, page_id: str) -> str:
    """Return a page access token for `page_id`: fixed by the sandbox's token, not revealing it."""
    digest = hmac.new(ctx.token.encode(), f"page:{page_id}".encode(), hashlib.sha256)
    return "EAA" + digest.hexdigest().upper()


def picture(ctx: RequestContext, page_id: str, field: str) -> dict[str, Any]:
    """Render the `picture` field: `{"data": {...}}` at the size the modifiers ask (default 50×50)."""
    mods = dict(_MODIFIER.findall(field.split("{", 1)[0]))
    side = _PICTURE_SIZES.get(mods.get("type", "small"), 50)
    asked = [int(v) for k, v in mods.items() if k in ("width", "height") and v.isdigit()]
    if asked:
        side = min(max(max(asked), 1), 2048)
    data: dict[str, Any] = {
        "height": side,
        "is_silhouette": False,
        "url": f"{ctx.base_url}/__sandbox__/pages/{page_id}/picture_{side}x{side}.jpg",
        "width": side,
    }
    if "{" in field:
        keys = [k for k in split_fields(field.split("{", 1)[1].rstrip("}")) if k]
        unknown = [k for k in keys if k not in _PICTURE_KEYS]
        if unknown:
            raise nonexisting_field(unknown[0], "ProfilePictureSource")
        data = {k: data[k] for k in _PICTURE_KEYS if k in keys}
    return {"data": data}


def field_name(field: str) -> str:
    """`picture.type(large){url}` → `picture`: a field's name without modifiers or keys."""
    return base_name(field).split(".", 1)[0]


def _instagram(ctx: RequestContext, doc: dict[str, Any], fields: list[str]) -> Any:
    linked = doc.get("instagram_business_account")
    if not linked:
        return None
    asked = next((f for f in fields if base_name(f) == "instagram_business_account"), "")
    if "{" not in asked:
        return linked
    ig = ctx.store.get_object(str(linked["id"]), "iguser") or {"id": linked["id"]}
    return select(ig, "iguser", {}, fields=split_fields(asked.split("{", 1)[1][:-1]))
