"""Cursor paging shared by every list edge (objects and insights).

`paginate(ctx, items, params)` returns `{"data": page, "paging": {"cursors": {"before",
"after"}, "next"?, "previous"?}}` and, when `summary=true`, `"summary": {"total_count": N}`.
`next` is present only when a further page exists (the SDK stops on its absence). `next` and
`previous` are full URLs a client can fetch as they are, as Meta's are: the request's
`access_token` first (and its `appsecret_proof` / `appsecret_time` when it had them), then
its other parameters (structured values JSON-encoded), `limit` and the cursor. Cursors are
opaque base64 of a position.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlencode

from sandbox.context import RequestContext
from sandbox.errors import invalid

DEFAULT_LIMIT = 25
MAX_LIMIT = 5000
_SECRET_PARAMS = {"access_token", "appsecret_proof", "appsecret_time"}


def encode_cursor(pos: int) -> str:
    """Opaque cursor for a position in a list."""
    return base64.urlsafe_b64encode(f"pos:{pos}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, name: str) -> int:
    """Position of a cursor; a bad cursor is a code-100 error naming the parameter."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("pos:"):
            raise ValueError(raw)
        return int(raw[4:])
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(
            f"The {name} cursor is not one this API returned; use paging.cursors from the "
            "previous response.",
            fields=[name],
        ) from exc


def _limit(params: dict[str, Any]) -> int:
    raw = params.get("limit", DEFAULT_LIMIT)
    try:
        limit = int(raw)
    except (TypeError, ValueError) as exc:
        raise invalid("limit must be a positive integer.", fields=["limit"]) from exc
    if limit < 1:
        raise invalid("limit must be a positive integer.", fields=["limit"])
    return min(limit, MAX_LIMIT)


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _text(value: Any) -> str:
    """Return a parameter as it travels in a query string (the SDK's encoding for structures)."""
    if isinstance(value, dict | list | tuple | bool):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def page_url(ctx: RequestContext, params: dict[str, Any], **changes: Any) -> str:
    """Full URL of this edge: the request's credentials, its `params`, then `changes`."""
    query = {k: v for k, v in ctx.credentials.items() if k in _SECRET_PARAMS}
    for key, value in params.items():
        if key not in _SECRET_PARAMS and not key.startswith("_") and key not in ("after", "before"):
            query[key] = _text(value)
    query.pop("limit", None)
    query.update({k: _text(v) for k, v in changes.items()})
    return f"{ctx.base_url}/{ctx.api_version}/{ctx.path}?{urlencode(query)}"


def paginate(ctx: RequestContext, items: list[Any], params: dict[str, Any]) -> dict[str, Any]:
    """Cut `items` into the page that `limit`/`after`/`before` select."""
    limit = _limit(params)
    total = len(items)
    if params.get("after"):
        start = decode_cursor(str(params["after"]), "after") + 1
        end = min(start + limit, total)
    elif params.get("before"):
        end = decode_cursor(str(params["before"]), "before")
        start = max(0, end - limit)
    else:
        start, end = 0, min(limit, total)
    start = max(0, min(start, total))
    end = max(start, end)
    page = items[start:end]
    body: dict[str, Any] = {"data": page}
    paging: dict[str, Any] = {
        "cursors": {
            "before": encode_cursor(start),
            "after": encode_cursor(max(start, end - 1)),
        }
    }
    if end < total:
        paging["next"] = page_url(ctx, params, limit=limit, after=encode_cursor(end - 1))
    if start > 0:
        paging["previous"] = page_url(ctx, params, limit=limit, before=encode_cursor(start))
    body["paging"] = paging
    if _truthy(params.get("summary", "")):
        body["summary"] = {"total_count": total}
    return body
