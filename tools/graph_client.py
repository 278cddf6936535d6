"""The low-level Graph client at the bottom of the seam: session, errors, retries, pacing, writes.

Longer than 300 lines because it is one class whose parts all share the SDK session, the retry policy,
the governor and the counters.

`MetaClient` (tools/meta_client.py) builds on it with batching and video uploads.

`GraphClient` owns a private `FacebookAdsApi` on its own `FacebookSession` (never the SDK's
global default API, never the crash reporter), pointed at `settings.graph_url` (Meta's or the
local sandbox).

* Transient failures are retried with exponential backoff and jitter (tenacity; 4 attempts,
  under ~2 s of sleep in total). Throttles shorter than the governor's 2 s are waited out;
  longer ones raise `ThrottledError`. An `UnknownOutcomeError` is never retried here: the caller
  reconciles first with `find_created` (every created object carries its provenance label or
  name tag, `state/provenance.py`).
* Every write goes through `write()` (or `MetaClient.batch()`): ledger `intent` (with the
  values it asks for) before sending, `sent`, then `done` / `failed` / `unknown` with the Meta
  id and the after-values; a retry keeps the first attempt's `before` (`tools/ledgered.py`).
* **The money gate is structural.** A write that can raise spend is refused with
  `UngatedSpendError` before it is ledgered or sent unless it carries a `GatePass` covering
  exactly that request (`tools.ledgered.require_pass`). `validate_only` dry runs, pauses,
  deletes and reads need none; `call()` refuses such a request outright (only `write()` and
  `batch()` take passes).
* `stats` counts `round_trips` (HTTP requests), `graph_calls` (Graph operations; a batch item
  counts as one), `retries` and `throttle_waits` (governor sleeps).
* `account_clock()`: now on the account's clock — the sandbox's simulated clock when the Graph
  URL is not Meta's (its admin API takes the Graph token, which only the session holds), else
  wall-clock UTC.
* `transport=`: a `requests` adapter mounted for the Graph URL on the SDK's session (and on the
  client's own requests to the sandbox's admin API), so a test can answer without a server.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession
from requests.adapters import BaseAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from state import secrets
from state.context import act_id
from state.control import ThreadStopped
from state.exposure import parse_time
from state.guardrails import GatePass, UngatedSpendError
from state.ledger import Ledger
from state.provenance import carries, read_fields
from tools.errors import (
    MetaError,
    PermanentError,
    ThrottledError,
    TransientError,
    classify,
    from_error_body,
)
from tools.governor import Governor
from tools.ledgered import (
    Write,
    compact,
    cuts_only,
    first_before,
    ids_only,
    mark_sent,
    outcome_of,
    record_intents,
    require_pass,
    result_id,
    settle,
    split_path,
)

META_GRAPH_URL = "https://graph.facebook.com"
META_HOSTS = ("graph.facebook.com", "graph.beta.facebook.com")


def _attr(settings: Any, name: str, default: Any = None) -> Any:
    if isinstance(settings, dict):
        return settings.get(name, default)
    return getattr(settings, name, default)


class GraphClient:
    """A Graph API client with classified errors, retries, pacing and ledgered writes."""

    def __init__(
        self,
        settings: Any,
        *,
        ledger: Ledger | None = None,
        thread_id: str | None = None,
        token: str | None = None,
        app_secret: str | None = None,
        timeout_s: float = 30.0,
        retry_attempts: int = 4,
        retry_initial_s: float = 0.2,
        retry_max_s: float = 1.0,
        governor: Governor | None = None,
        sleep: Callable[[float], None] = time.sleep,
        stopped: Callable[[], str | None] | None = None,
        transport: BaseAdapter | None = None,
    ) -> None:
        token = token or secrets.access_token(_attr(settings, "token_env", secrets.TOKEN_ENV))
        if app_secret is None:
            app_secret = secrets.app_secret(_attr(settings, "secret_env", secrets.SECRET_ENV))
        secrets.register_secret(token, app_secret)
        account = str(_attr(settings, "account_id", "") or "")
        self.account_id = act_id(account)
        self.page_id = _attr(settings, "page_id")
        self.pixel_id = _attr(settings, "pixel_id")
        self.graph_url = str(_attr(settings, "graph_url") or META_GRAPH_URL).rstrip("/")
        session = FacebookSession(access_token=token, app_secret=app_secret or None,
                                  timeout=timeout_s)
        session.GRAPH = self.graph_url  # instance attribute: no global SDK state touched
        if getattr(session, "appsecret_proof", None):
            secrets.register_secret(session.appsecret_proof)
        self._transport = transport
        if transport is not None:
            session.requests.mount(f"{self.graph_url}/", transport)
        self.api = FacebookAdsApi(session, api_version=_attr(settings, "api_version") or None)
        self.api_version: str = self.api._api_version
        self.ledger = ledger
        self.thread_id = thread_id
        self.stopped = stopped  # when the kill switch stopped this thread (state/control.py)
        self.governor = governor or Governor(sleep=sleep)
        self._sleep = sleep
        self._retry_attempts = retry_attempts
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._lock = threading.Lock()
        self.stats: dict[str, int] = {"round_trips": 0, "graph_calls": 0, "retries": 0,
                                      "throttle_waits": 0}

    def __repr__(self) -> str:  # never show the session (it holds the token)
        return (f"{type(self).__name__}(graph_url={self.graph_url!r}, "
                f"account_id={self.account_id!r})")

    @property
    def last_usage(self) -> dict[str, Any]:
        """The last parsed usage headers (see `tools.governor.parse_usage`)."""
        return self.governor.last_usage

    usage = last_usage

    def count(self, key: str, n: int = 1) -> None:
        """Add `n` to `stats[key]` (for code sending on the client's behalf, e.g. batching)."""
        self._count(key, n)

    def _count(self, key: str, n: int = 1) -> None:  # the one counter (bench hooks it)
        with self._lock:
            self.stats[key] += n

    # -- one HTTP request --------------------------------------------------------------

    def _send(self, method: str, path: str, params: dict[str, Any] | None,
              files: dict[str, Any] | None, *, write: bool, graph_calls: int = 1) -> Any:
        """One attempt: pace, send, observe headers, classify. Returns the parsed JSON."""
        waited = self.governor.before_call()
        if waited:
            self._count("throttle_waits")
        self._count("round_trips")
        self._count("graph_calls", graph_calls)
        try:
            response = self.api.call(method, split_path(path), params=dict(params or {}),
                                     files=files or None)
        except FacebookRequestError as exc:
            self.governor.observe(exc.http_headers())
            error = classify(exc, write=write)
            if isinstance(error, ThrottledError):
                self.governor.block_for(error.retry_after_s)
            raise error from None
        except requests.exceptions.RequestException as exc:
            raise classify(exc, write=write) from None
        except (ValueError, TypeError) as exc:
            # The SDK could not even parse Meta's error (e.g. non-JSON error_data): a refusal.
            raise PermanentError(f"unreadable Graph API error response: {exc}") from None
        self.governor.observe(response.headers())
        body = response.json()
        if not isinstance(body, dict | list):
            # The SDK counts a non-JSON 5xx ("Bad Gateway") as success; it is not.
            if (response.status() or 200) >= 400 or body:
                raise from_error_body(response.body(), http_status=response.status(),
                                      headers=response.headers(), write=write)
            body = {}
        return body

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, TransientError):
            return True
        return isinstance(exc, ThrottledError) and exc.retry_after_s <= self.governor.max_sleep_s

    def _on_retry(self, state: RetryCallState) -> None:
        self._count("retries")

    def call(self, method: str, path: str, params: dict[str, Any] | None = None, *,
             files: dict[str, Any] | None = None, write: bool = False,
             graph_calls: int = 1, _gated: bool = False) -> Any:
        """Send one request with retries for transient failures; raises `MetaError`.

        A request that can raise spend is refused here (`UngatedSpendError`): send it with
        `write()` or `batch()` and a gate pass.
        """
        if not _gated and method.upper() != "GET":
            if not split_path(path) and "batch" in (params or {}):
                raise UngatedSpendError("refused: a raw batch request bypasses the money gate; "
                                        "use MetaClient.batch()")
            require_pass(method, path, dict(params or {}), None, None)
        retrying = Retrying(
            stop=stop_after_attempt(self._retry_attempts),
            wait=wait_exponential_jitter(multiplier=self._retry_initial_s, max=self._retry_max_s,
                                         jitter=self._retry_initial_s),
            retry=retry_if_exception(self._retryable),
            before_sleep=self._on_retry,
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(self._send, method, path, params, files, write=write,
                        graph_calls=graph_calls)

    # -- reads -------------------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a node or one page of an edge."""
        return self.call("GET", path, params)

    def iter_all(self, path: str, params: dict[str, Any] | None = None, *,
                 limit: int = 100) -> Iterator[dict[str, Any]]:
        """Yield every item of an edge, following `paging.cursors.after` while `next` exists."""
        query = {"limit": limit, **(params or {})}
        while True:
            page = self.get(path, query)
            yield from page.get("data", [])
            paging = page.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            query = {**query, "after": after}

    def get_all(self, path: str, params: dict[str, Any] | None = None, *, limit: int = 100,
                max_items: int | None = None) -> list[dict[str, Any]]:
        """Every item of an edge (page size `limit`), optionally capped at `max_items`."""
        out: list[dict[str, Any]] = []
        for item in self.iter_all(path, params, limit=limit):
            out.append(item)
            if max_items is not None and len(out) >= max_items:
                break
        return out

    def find_created(self, edge_path: str, plan_key: str, *,
                     fields: str = "id,name,status,effective_status") -> dict[str, Any] | None:
        """Return the object under `edge_path` that `plan_key` created, or None.

        Listed with `adlabels` where the edge's objects carry labels; matched by label, or by
        the name tag of objects that carry one (`state.provenance.carries`).
        """
        for item in self.iter_all(edge_path, {"fields": read_fields(edge_path, fields)},
                                  limit=200):
            if carries(item, plan_key):
                return item
        return None

    # -- writes ------------------------------------------------------------------------

    def write(self, op: str, path: str, params: dict[str, Any], *, plan_key: str | None = None,
              object_type: str | None = None, receipt: str | None = None, before: Any = None,
              method: str = "POST", files: dict[str, Any] | None = None,
              gate_pass: GatePass | None = None) -> dict[str, Any]:
        """Send one ledgered write: intent → sent → done | failed | unknown (tools/ledgered.py).

        A write that can raise spend needs `gate_pass` covering exactly it (module docstring).
        A retry of an update (its earlier attempt has no known outcome, or a node re-ran it)
        keeps the first attempt's `before` (`first_before`), and once Meta confirms it the
        earlier attempts without an outcome are resolved `done` too (`Ledger.resolve_retried`).
        """
        self.refuse_if_stopped([(op, method, path, params, before)])
        policy_digest = require_pass(method, path, params, plan_key, gate_pass)
        logged = compact(params)
        entry = Write(op, path, logged, after=logged, plan_key=plan_key, object_type=object_type,
                      receipt=receipt, before=before, policy_digest=policy_digest)
        record_intents(self.ledger, self.thread_id, [entry])
        try:
            self.governor.check()  # a long throttle fails before anything is sent
            mark_sent(self.ledger, [entry])
            body = self.call(method, path, params, files=files, write=True, _gated=True)
        except MetaError as exc:
            settle(self.ledger, [(entry, outcome_of(exc), {"error": str(exc)})])
            raise
        result = body if isinstance(body, dict) else {"data": body}
        settle(self.ledger, [(entry, "done", {"meta_id": result_id(op, path, result),
                                              "after": compact({**params, **ids_only(result)})})])
        return result

    def retry_before(self, op: str, path: str, params: dict[str, Any], before: Any) -> Any:
        """Return the before-values to record for this write (`first_before`)."""
        if self.ledger is None:
            return before
        return first_before(self.ledger, self.thread_id, op, path, compact(params), before)[0]

    def refuse_if_stopped(self, writes: list[tuple[str, str, str, dict[str, Any], Any]]) -> None:
        """Raise `ThreadStopped` if the kill switch stopped this thread and a write could spend.

        `writes` are `(op, method, path, params, before)`. A stopped thread may still pause,
        archive, delete and lower (`cuts_only`); nothing is ledgered or sent otherwise.
        """
        if self.stopped is None:
            return
        risky = [w for w in writes if not cuts_only(*w)]
        if not risky:
            return
        at = self.stopped()
        if at:
            op, method, path, _params, _before = risky[0]
            raise ThreadStopped(str(self.thread_id), at, f"{op} {method} {path}")

    # -- media -------------------------------------------------------------------------

    def upload_image(self, path_or_bytes: str | Path | bytes, name: str | None = None, *,
                     plan_key: str | None = None) -> dict[str, Any]:
        """Upload an image (base64 `bytes`); returns `{hash, width, height, name}`."""
        if isinstance(path_or_bytes, bytes):
            data, name = path_or_bytes, name or "image.png"
        else:
            data, name = Path(path_or_bytes).read_bytes(), name or Path(path_or_bytes).name
        result = self.write("upload", f"{self._account()}/adimages",
                            {"bytes": base64.b64encode(data).decode(), "name": name},
                            plan_key=plan_key, object_type="image")
        return image_result(result, name)

    # -- the account's clock -------------------------------------------------------------

    @property
    def is_sandbox(self) -> bool:
        """Tell whether the client talks to something other than Meta (the local sandbox)."""
        return not any(host in self.graph_url for host in META_HOSTS)

    def account_clock(self) -> datetime:
        """Now on the account's clock: the sandbox's simulated clock there, else wall-clock UTC."""
        if not self.is_sandbox:
            return datetime.now(UTC)
        # The admin API shares the Graph token; the session holds it (never logged or returned).
        token = self.api._session.access_token
        with requests.Session() as http:  # not the SDK's: no token in the query, default CAs
            if self._transport is not None:
                http.mount(f"{self.graph_url}/", self._transport)
            resp = http.get(f"{self.graph_url}/__sandbox__/clock",
                            headers={"Authorization": f"OAuth {token}"}, timeout=10)
        resp.raise_for_status()
        body = resp.json()
        parsed = parse_time(body.get("now") or body.get("sim_now") or body.get("time"))
        if parsed is None:
            raise RuntimeError("the sandbox clock answered without a `now` time")
        return parsed

    def _account(self) -> str:
        if not self.account_id:
            raise PermanentError("no ad account configured: set META_AD_ACCOUNT_ID "
                                 "(or MetaSettings.account_id) to act_<digits>")
        return self.account_id


def image_result(result: dict[str, Any], name: str) -> dict[str, Any]:
    """Reduce an `{"images": {key: {...}}}` response to `{hash, width, height, name}`."""
    images = result.get("images") or {}
    image: dict[str, Any] = next(iter(images.values()), {}) if isinstance(images, dict) else {}
    return {"hash": image.get("hash"), "width": image.get("width"),
            "height": image.get("height"), "name": image.get("name") or name}
