"""Graph batch requests at the root (docs/meta-api-facts.md §1.8, §13.5).

`POST /vXX.0/` with `batch=[{method, relative_url, body?, name?, depends_on?,
omit_response_on_success?, attached_files?}, ...]` (≤ 50 items, else GraphBatchException),
read as JSON or in the single-quoted spelling Meta's parser also takes (`sandbox/params.py`).
An item's own version in `relative_url` is judged like a request's (`sandbox/versions.py`).
Items run in order; `{result=<name>:<JSONPath>}` in `relative_url` or `body` is replaced by
the named item's result (several matches are comma-joined). Supported JSONPath: `$.id`,
`$.a.b`, `$.data.*.id`, `$.images.*.hash`, list indexes. An item whose dependency failed fails
too (keeping the dependency's code when that was transient or a throttle, so clients retry it
the same way). Each element of the answer is `{"code", "headers": [{name, value}], "body":
"<JSON text>"}`; with `omit_response_on_success: true` a successful item answers `null`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote

from sandbox.calls import CallResult, GraphApp
from sandbox.errors import GraphError, batch_too_large, invalid
from sandbox.params import loads
from sandbox.versions import check, served_minimum

MAX_ITEMS = 50
_REF = re.compile(r"\{result=([^:}]+):(\$[^}]*)\}")
_VERSION = re.compile(r"^/?v\d+\.\d+/")


def jsonpath(doc: Any, path: str) -> list[Any]:
    """Evaluate the small JSONPath subset Meta's batch references use."""
    if not path.startswith("$"):
        raise ValueError(path)
    values = [doc]
    for tok in [t for t in path[1:].split(".") if t]:
        nxt: list[Any] = []
        for v in values:
            if tok == "*":
                nxt.extend(v.values() if isinstance(v, dict) else v if isinstance(v, list) else [])
            elif isinstance(v, dict) and tok in v:
                nxt.append(v[tok])
            elif isinstance(v, list) and tok.isdigit() and int(tok) < len(v):
                nxt.append(v[int(tok)])
        values = nxt
    return values


def _item_error(code: int, message: str, **kw: Any) -> GraphError:
    return GraphError(code, message, **kw)


def _dependency_error(name: str, cause: GraphError | None) -> GraphError:
    msg = f"This request depends on the batch request named {name!r}, which failed."
    if cause is not None and (cause.is_transient or cause.is_throttle):
        return GraphError(
            cause.code,
            msg,
            subcode=cause.subcode,
            is_transient=cause.is_transient,
            http_status=cause.http_status,
            error_data={"depends_on": name, **cause.error_data},
        )
    return GraphError(100, f"(#100) {msg}", error_data={"depends_on": name})


class _Run:
    """One batch execution: results by name, for references and dependencies."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}
        self.failed: dict[str, GraphError | None] = {}

    def substitute(self, text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            name, path = m.group(1), m.group(2)
            if name in self.failed or name not in self.results:
                raise _dependency_error(name, self.failed.get(name))
            values = jsonpath(self.results[name], path)
            if not values:
                raise invalid(
                    f"The reference {m.group(0)} matched nothing in the result of {name!r}.",
                    fields=["batch"],
                )
            return ",".join(str(v) for v in values)

        return _REF.sub(repl, text)


def _names_in(text: str) -> set[str]:
    return {m.group(1) for m in _REF.finditer(text or "")}


def run_batch(
    app: GraphApp,
    version: str,
    params: dict[str, Any],
    files: dict[str, Any],
    credentials: dict[str, str] | None = None,
) -> tuple[list[Any], bool]:
    """Run a batch; returns the per-item answers and whether any write was committed.

    `credentials` are the batch request's; an item's own `access_token` overrides them.
    """
    try:
        raw = params["batch"]
        items = loads(raw.strip()) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise invalid("batch must be a JSON array of requests.", fields=["batch"]) from exc
    if not isinstance(items, list):
        raise invalid("batch must be a JSON array of requests.", fields=["batch"])
    if len(items) > MAX_ITEMS:
        raise batch_too_large(len(items))
    include_headers = str(params.get("include_headers", "true")).lower() != "false"
    run = _Run()
    out: list[Any] = []
    committed = False
    for item in items:
        result, name = _run_item(app, version, run, item, files, credentials)
        committed = committed or result.committed
        if name:
            if result.error is None:
                run.results[name] = result.body
            else:
                run.failed[name] = result.error
        omit = (
            isinstance(item, dict)
            and str(item.get("omit_response_on_success", "false")).lower() == "true"
        )
        if omit and result.error is None:
            out.append(None)
            continue
        headers = [{"name": "Content-Type", "value": "text/javascript; charset=UTF-8"}]
        if include_headers:
            headers += [{"name": k, "value": v} for k, v in result.headers.items()]
            headers.append({"name": "facebook-api-version", "value": version})
        out.append({"code": result.status, "headers": headers, "body": json.dumps(result.body)})
    return out, committed


def _run_item(
    app: GraphApp,
    version: str,
    run: _Run,
    item: Any,
    files: dict[str, Any],
    credentials: dict[str, str] | None,
) -> tuple[CallResult, str | None]:
    name = item.get("name") if isinstance(item, dict) else None
    try:
        if (
            not isinstance(item, dict)
            or not item.get("relative_url")
            and item.get("relative_url") != ""
        ):
            raise invalid("Each batch request needs method and relative_url.", fields=["batch"])
        method = str(item.get("method", "GET")).upper()
        rel_url = str(item["relative_url"])
        body = str(item.get("body") or "")
        deps = _names_in(unquote(rel_url)) | _names_in(unquote(body))
        if item.get("depends_on"):
            deps.add(str(item["depends_on"]))
        for dep in deps:
            if dep in run.failed or dep not in run.results:
                raise _dependency_error(dep, run.failed.get(dep))
        path, _, query = rel_url.partition("?")
        path = run.substitute(unquote(path))
        item_params = {k: run.substitute(v) for k, v in parse_qsl(query, keep_blank_values=True)}
        item_params.update(
            {k: run.substitute(v) for k, v in parse_qsl(body, keep_blank_values=True)}
        )
        item_files = {}
        for part in [
            p.strip() for p in str(item.get("attached_files") or "").split(",") if p.strip()
        ]:
            if part not in files:
                raise invalid(
                    f"attached_files names {part!r}, which is not in the upload.",
                    fields=["attached_files"],
                )
            item_files[part] = files[part]
        item_version = version
        m = _VERSION.match(path)
        if m:
            item_version = m.group(0).strip("/")
            path = path[m.end() :]
            check(item_version, path, served_minimum(app.store))
        injected = app.faults.before_call()
        if injected is not None:
            app.count_call(method, path)
            app.stats.count_error(injected.code, None)
            return CallResult(
                injected.http_status, injected.to_body(), injected.headers, error=injected
            ), name
        return app.call(method, path, item_params, item_files, item_version, credentials), name
    except GraphError as exc:
        return CallResult(exc.http_status, exc.to_body(), exc.headers, error=exc), name
