"""The sandbox's WSGI app: auth, API version, faults, rate limits, stats, routing, envelopes.

Every HTTP request passes, in order: the files behind image and thumbnail URLs (plain GET,
no token, like Meta's CDN: `sandbox/media_files.py`), admin API (`/__sandbox__/...`, same
token, no added latency) or Graph: added latency (faults) → credentials (token in query/form or
`Authorization: OAuth|Bearer`, and `appsecret_proof` when the sandbox has an app secret) →
API version (`sandbox/versions.py`: unreleased → 2500, older than `min_api_version` → 2635,
none → the oldest served) → batch at the root, or one Graph call: injected transient/throttle
faults → route → ad-account rate limits → handler → usage headers. A committed write may then
lose its response (fault `lost_response`). Handlers raise `GraphError`; it becomes Meta's
envelope here. Each batch item is one Graph call for stats and rate limits. The credentials
a call carried travel in its context only so that paging URLs can carry them, as Meta's do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sys
import time
import traceback
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Request, Response

from sandbox import media_files, router
from sandbox.admin import handle_admin
from sandbox.batch import run_batch
from sandbox.calls import CallResult, Stats
from sandbox.context import RequestContext
from sandbox.errors import (
    GraphError,
    appsecret_proof_invalid,
    appsecret_proof_missing,
    bad_token,
    missing_token,
    trace_id,
)
from sandbox.faults import FaultConfig, Faults
from sandbox.ratelimit import RateLimiter
from sandbox.status import effective_status
from sandbox.store import Store
from sandbox.versions import resolve, served_minimum

DEFAULT_VERSION = "v26.0"
_CREDENTIALS = ("access_token", "appsecret_proof", "appsecret_time")


class SandboxApp:
    """The WSGI callable."""

    def __init__(
        self,
        store: Store,
        *,
        token: str,
        app_secret: str | None = None,
        faults: FaultConfig | None = None,
        base_url: str = "",
    ) -> None:
        self.store = store
        self._token = token
        self._secret = app_secret
        self.faults = Faults(faults or FaultConfig())
        self.stats = Stats()
        self.base_url = base_url
        self.limiter = RateLimiter(
            lambda: str(store.get_setting("tier", "standard")), self._active_ads
        )

    # -- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Serve a WSGI request."""
        request = Request(environ)
        try:
            response = self.handle(request)
        finally:
            request.close()  # closes uploaded files' temporary spools
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Serve one HTTP request."""
        with self.stats.lock:
            self.stats.http_requests += 1
        if request.method in ("GET", "HEAD") and media_files.PATH.match(request.path):
            found = media_files.lookup(self.store, request.path)  # a CDN file: no token
            if found is None:
                return Response(b"", status=404)
            return Response(found[0], status=200, mimetype=found[1])
        try:
            if request.path.startswith("/__sandbox__"):
                self.authenticate(request, {}, admin=True)
                try:
                    return json_response(200, handle_admin(self, request), {})
                except GraphError:
                    raise
                except Exception as exc:
                    raise internal_error(exc) from exc
            # Added latency slows Graph calls only: the admin API must stay quick to undo it.
            if self.faults.config.latency_ms > 0:
                time.sleep(self.faults.config.latency_ms / 1000.0)
            params = request_params(request)
            credentials = self.authenticate(request, params)
            version, rel = resolve(request.path, self.min_version())
        except GraphError as exc:
            return json_response(exc.http_status, exc.to_body(), exc.headers)
        files = dict(request.files.items())
        if rel == "" and request.method == "POST" and "batch" in params:
            try:
                items, committed = run_batch(self, version, params, files, credentials)
            except GraphError as exc:
                return json_response(exc.http_status, exc.to_body(), exc.headers)
            return self._maybe_lose(request, json_response(200, items, {}), committed)
        injected = self.faults.before_call()
        if injected is not None:
            self.count_call(request.method, rel)
            self.stats.count_error(injected.code, None)
            return json_response(injected.http_status, injected.to_body(), injected.headers)
        result = self.call(request.method, rel, params, files, version, credentials)
        resp = json_response(result.status, result.body, result.headers, version)
        return self._maybe_lose(request, resp, result.committed)

    # -- one Graph call -----------------------------------------------------------------
    def call(
        self,
        method: str,
        rel: str,
        params: dict[str, Any],
        files: dict[str, FileStorage],
        version: str,
        credentials: dict[str, str] | None = None,
    ) -> CallResult:
        """Route and run one Graph call; errors become Meta envelopes.

        `credentials` are those of the enclosing request (a batch's top level); a call's own
        `access_token`/`appsecret_proof` override them. Handlers see them only in the context.
        """
        method = method.upper()
        own = {k: str(params[k]) for k in _CREDENTIALS if params.get(k)}
        credentials = {**(credentials or {}), **own}
        params = {k: v for k, v in params.items() if k not in _CREDENTIALS}
        rel = rel.strip("/")
        ctx = RequestContext(
            store=self.store,
            api_version=version,
            base_url=self.base_url,
            token=self._token,
            method=method,
            path=rel,
            app=self,
            credentials=credentials,
        )
        self.count_call(method, rel)
        headers: dict[str, str] = {}
        try:
            route = router.resolve(ctx, method, rel, params)
            self.stats.count_account(ctx.account_id)
            for _ in range(route.units):
                headers = self.limiter.charge(ctx.account_id, route.kind)
            with self.store.lock:
                body = route.handler(ctx, params, files)
        except GraphError as exc:
            self.stats.count_error(exc.code, ctx.account_id)
            return CallResult(exc.http_status, exc.to_body(), {**headers, **exc.headers}, error=exc)
        except Exception as exc:  # a sandbox bug must still answer in Meta's envelope
            err = internal_error(exc)
            return CallResult(err.http_status, err.to_body(), {}, error=err)
        committed = route.is_write and not _dry_run(params)
        if committed:
            with self.stats.lock:
                self.stats.writes += 1
        return CallResult(200, body, headers, committed)

    def count_call(self, method: str, rel: str) -> None:
        """Count one Graph call in the stats, by method and path pattern."""
        with self.stats.lock:
            self.stats.graph_calls += 1
            self.stats.by_path[f"{method.upper()} /{router.pattern(rel)}"] += 1

    def min_version(self) -> int:
        """Return the oldest API major version served (`min_api_version`)."""
        return served_minimum(self.store)

    # -- auth ---------------------------------------------------------------------------
    def authenticate(
        self, request: Request, params: dict[str, Any], admin: bool = False
    ) -> dict[str, str]:
        """Check the token (and appsecret_proof when the sandbox has an app secret).

        Returns the request's credentials (`access_token`, and `appsecret_proof` /
        `appsecret_time` when it carried them), whether the token came as a parameter or in
        the `Authorization` header.
        """
        token = params.get("access_token") or request.args.get("access_token")
        header = request.headers.get("Authorization", "")
        if not token and header:
            scheme, _, value = header.partition(" ")
            if scheme.lower() in ("oauth", "bearer"):
                token = value.strip()
        if not token:
            raise missing_token()
        if not hmac.compare_digest(str(token), self._token):
            raise bad_token()
        credentials = {"access_token": self._token}
        for key in ("appsecret_proof", "appsecret_time"):
            given = params.get(key) or request.args.get(key)
            if given:
                credentials[key] = str(given)
        if admin or not self._secret:
            return credentials
        proof = credentials.get("appsecret_proof")
        if not proof:
            raise appsecret_proof_missing()
        expected = hmac.new(self._secret.encode(), self._token.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(str(proof), expected):
            raise appsecret_proof_invalid()
        return credentials

    # -- faults -------------------------------------------------------------------------
    def _maybe_lose(self, request: Request, resp: Response, committed: bool) -> Response:
        if not committed:
            return resp
        how = self.faults.lose_response()
        if how is None:
            return resp
        if how == "drop":
            sock = request.environ.get("werkzeug.socket")
            if isinstance(sock, socket.socket):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return Response(b"", status=502)
        return Response(
            b"<html><body><h1>502 Bad Gateway</h1><p>Service Unavailable</p></body></html>",
            status=502,
            content_type="text/html",
        )

    def _active_ads(self, account: str) -> int:
        now = RequestContext(self.store, DEFAULT_VERSION).now()
        return sum(
            1
            for ad in self.store.list_objects("ad", account_id=account)
            if effective_status(self.store, ad, now) in ("ACTIVE", "PENDING_REVIEW")
        )


# -- helpers ------------------------------------------------------------------------------
def internal_error(exc: Exception) -> GraphError:
    """Code 1 for an unexpected sandbox failure; the traceback goes to stderr (no params)."""
    traceback.print_exception(exc, file=sys.stderr)
    return GraphError(
        1, f"An unknown error occurred ({type(exc).__name__}).", subcode=99, http_status=500
    )


def request_params(request: Request) -> dict[str, Any]:
    """Query and form parameters merged (form wins), one value per key."""
    params: dict[str, Any] = dict(request.args.items())
    params.update(request.form.items())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            params.update(body)
    return params


def _dry_run(params: dict[str, Any]) -> bool:
    return "validate_only" in str(params.get("execution_options", ""))


def json_response(
    status: int, body: Any, headers: dict[str, str], version: str = DEFAULT_VERSION
) -> Response:
    """Return a JSON response with Meta's common headers."""
    resp = Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        content_type="application/json; charset=UTF-8",
    )
    for key, value in headers.items():
        resp.headers[key] = value
    resp.headers["facebook-api-version"] = version
    resp.headers["x-fb-trace-id"] = trace_id()
    resp.headers["x-fb-rev"] = "1000000"
    return resp
