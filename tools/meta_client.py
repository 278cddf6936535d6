"""The one seam to Meta: an SDK session, classified errors, retries, the governor, the ledger.

Every call adpilot makes to the Graph API goes through `MetaClient`. It owns a private
`FacebookAdsApi` on its own `FacebookSession` (never the SDK's global default API, never the
crash reporter), pointed at `settings.graph_url` (Meta's or the local sandbox).

```
MetaError                        every failure the client raises (tools/errors.py)
├── TransientError               code 1, 2, is_transient; network error / non-JSON 5xx on a read
├── ThrottledError               4, 17, 32, 341, 613, 80000-80014; .retry_after_s, .until (UTC)
├── PermanentError               everything Meta refuses: .code .subcode .user_title .user_msg
│   └── AuthError                190, 102, 104, appsecret_proof        .blame_fields
└── UnknownOutcomeError          timeout / dropped connection / non-JSON 5xx on a write
```

* Transient failures are retried with exponential backoff and jitter (tenacity; 4 attempts,
  under ~2 s of sleep in total). Throttles shorter than the governor's 2 s are waited out;
  longer ones raise `ThrottledError`. An `UnknownOutcomeError` is never retried here: the caller
  reconciles first with `find_by_tag` (the provenance tag is in every created object's name).
* Every write goes through `write()` (or `batch()`): ledger `intent` (with the values it asks
  for) before sending, `sent`, then `done` / `failed` / `unknown` with the Meta id and the
  after-values. An update retried after an unknown outcome, or repeated by a node that ran
  again (`first_before`), keeps the first attempt's `before`, and its confirmation settles the
  earlier attempts (`Ledger.resolve_retried`): after a crash the object may already hold the
  new value, which must not become the value undo restores.
* **The money gate is structural.** A write that can raise spend (`state.money.spend_reason`:
  a campaign or ad set created with a budget or ACTIVE, any activation, a budget, spend cap,
  spend limit or end-time change, any `/copies`) is refused with `UngatedSpendError` —
  before it is ledgered or sent — unless it carries a `GatePass` from `state.guardrails.gate`
  covering exactly that request. The pass's policy digest is recorded on the ledger row.
  `validate_only` dry runs, pauses, deletes and reads need none; `call()` refuses such a
  request outright (only `write()` and `batch()` take passes).
* `stats` counts `round_trips` (HTTP requests), `graph_calls` (Graph operations; a batch item
  counts as one), `retries` and `throttle_waits` (governor sleeps).

Provenance: `tag_for(plan_key)` is the name suffix `" [ap:<8 hex>]"` — the first 8 hex
characters of the plan key (a key that is not hex is sha256-hashed first); ads also get the
ad label `label_for(plan_key)` = `"ap-<8 hex>"`. `find_by_tag(edge, tag)` finds the object
whose name carries the tag under a parent edge.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from state import secrets
from state.control import ThreadStopped
from state.guardrails import GatePass, UngatedSpendError
from state.ledger import Ledger, LedgerError
from state.money import BUDGET_KEYS, MONEY_FIELDS, SPEND_LIMIT_KEYS, spend_reason
from tools.errors import (
    AuthError,
    MetaError,
    PermanentError,
    ThrottledError,
    TransientError,
    UnknownOutcomeError,
    classify,
    from_error_body,
)
from tools.governor import Governor
from tools.provenance import label_for, tag_for, with_tag

__all__ = [
    "AuthError", "MetaClient", "MetaError", "PermanentError", "ThreadStopped", "ThrottledError",
    "TransientError", "UngatedSpendError", "UnknownOutcomeError", "label_for", "require_pass",
    "tag_for", "with_tag",
]

META_GRAPH_URL = "https://graph.facebook.com"


def _attr(settings: Any, name: str, default: Any = None) -> Any:
    if isinstance(settings, dict):
        return settings.get(name, default)
    return getattr(settings, name, default)


def _split(path: str) -> tuple[str, ...]:
    return tuple(p for p in str(path).strip("/").split("/") if p)


def compact(value: Any) -> Any:
    """After-values for the ledger: big blobs (base64 images) become their sha256."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [compact(v) for v in value]
    if isinstance(value, str | bytes) and len(value) > 2000:
        data = value.encode() if isinstance(value, str) else value
        return f"<{len(data)} bytes sha256:{hashlib.sha256(data).hexdigest()[:16]}>"
    return value


def require_pass(method: str, path: str, params: dict[str, Any], plan_key: str | None,
                 gate_pass: GatePass | None) -> str | None:
    """Raise `UngatedSpendError` unless a spend-raising request has a pass covering it.

    Returns the pass's policy digest (None when the request cannot raise spend).
    """
    reason = spend_reason(method, path, params)
    if reason is None:
        return gate_pass.policy_digest if gate_pass is not None else None
    if gate_pass is None or not gate_pass.covers(path, params, plan_key):
        why = ("none was given" if gate_pass is None else
               "the pass given covers a different request")
        raise UngatedSpendError(
            f"refused before sending {method} {path}: it {reason}, which can raise spend, so it "
            "needs a pass from the money gate (state/guardrails.py::gate) for exactly this "
            f"request; {why}. Nothing was ledgered or sent.")
    return gate_pass.policy_digest


class MetaClient:
    """A Graph API client with classified errors, retries, pacing, batching and a ledger."""

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
    ) -> None:
        token = token or secrets.access_token(_attr(settings, "token_env", secrets.TOKEN_ENV))
        if app_secret is None:
            app_secret = secrets.app_secret(_attr(settings, "secret_env", secrets.SECRET_ENV))
        secrets.register_secret(token, app_secret)
        account = str(_attr(settings, "account_id", "") or "")
        self.account_id = account if account.startswith("act_") or not account else f"act_{account}"
        self.page_id = _attr(settings, "page_id")
        self.pixel_id = _attr(settings, "pixel_id")
        self.graph_url = str(_attr(settings, "graph_url") or META_GRAPH_URL).rstrip("/")
        session = FacebookSession(access_token=token, app_secret=app_secret or None,
                                  timeout=timeout_s)
        session.GRAPH = self.graph_url  # instance attribute: no global SDK state touched
        if getattr(session, "appsecret_proof", None):
            secrets.register_secret(session.appsecret_proof)
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
        return f"MetaClient(graph_url={self.graph_url!r}, account_id={self.account_id!r})"

    @property
    def last_usage(self) -> dict[str, Any]:
        """The last parsed usage headers (see `tools.governor.parse_usage`)."""
        return self.governor.last_usage

    usage = last_usage

    def _count(self, key: str, n: int = 1) -> None:
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
            response = self.api.call(method, _split(path), params=dict(params or {}),
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
            if not _split(path) and "batch" in (params or {}):
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

    def find_by_tag(self, edge_path: str, tag: str, *,
                    fields: str = "id,name,status,effective_status") -> dict[str, Any] | None:
        """Return the object under `edge_path` whose name carries provenance `tag`, or None."""
        for item in self.iter_all(edge_path, {"fields": fields}, limit=200):
            if str(item.get("name", "")).endswith(tag) or tag.strip() in str(item.get("name")):
                return item
        return None

    # -- writes ------------------------------------------------------------------------

    def write(self, op: str, path: str, params: dict[str, Any], *, plan_key: str | None = None,
              object_type: str | None = None, receipt: str | None = None, before: Any = None,
              method: str = "POST", files: dict[str, Any] | None = None,
              gate_pass: GatePass | None = None) -> dict[str, Any]:
        """Send one ledgered write: intent → sent → done | failed | unknown.

        A write that can raise spend needs `gate_pass` covering exactly it (module docstring).
        A retry of an update (its earlier attempt has no known outcome, or a node re-ran it)
        keeps the first attempt's `before` (`first_before`), and once Meta confirms it the
        earlier attempts without an outcome are resolved `done` too (`Ledger.resolve_retried`).
        """
        self.refuse_if_stopped([(op, method, path, params, before)])
        policy_digest = require_pass(method, path, params, plan_key, gate_pass)
        write_id = None
        earlier: list[dict[str, Any]] = []
        if self.ledger is not None:
            logged = compact(params)
            before, earlier = first_before(self.ledger, self.thread_id, op, path, logged, before)
            write_id = self.ledger.intent(op=op, path=path, params=logged,
                                          plan_key=plan_key, object_type=object_type,
                                          thread_id=self.thread_id, receipt=receipt,
                                          before=before, policy_digest=policy_digest,
                                          after=logged)
        try:
            self.governor.check()  # a long throttle fails before anything is sent
            if write_id:
                self._mark_own(write_id, "sent")
            body = self.call(method, path, params, files=files, write=True, _gated=True)
        except MetaError as exc:
            if write_id:
                status = "unknown" if isinstance(exc, UnknownOutcomeError) else "failed"
                self._mark_own(write_id, status, error=str(exc))
            raise
        result = body if isinstance(body, dict) else {"data": body}
        if write_id:
            meta_id = self._result_id(op, path, result)
            after = compact({**params, **_ids_only(result)})
            assert self.ledger is not None
            with self.ledger.transaction():  # the outcome and what it settles, together
                self._mark_own(write_id, "done", meta_id=meta_id, after=after)
                self.ledger.resolve_retried([r["write_id"] for r in earlier], write_id,
                                            meta_id=meta_id, after=after)
        return result

    def retry_before(self, op: str, path: str, params: dict[str, Any], before: Any) -> Any:
        """Return the before-values to record for this write (`first_before`)."""
        if self.ledger is None:
            return before
        return first_before(self.ledger, self.thread_id, op, path, compact(params), before)[0]

    def _mark_own(self, write_id: str, status: str, **kw: Any) -> None:
        """Mark this call's own write, unless an identical retry elsewhere already settled it.

        (Another process retrying the same write — e.g. the kill switch pausing what an
        optimise run is pausing — may have confirmed it meanwhile; anything else is an error.)
        """
        assert self.ledger is not None
        try:
            self.ledger.mark(write_id, status, **kw)
        except LedgerError:
            row = self.ledger.get(write_id) or {}
            after = row.get("after")
            if row.get("status") == "done" and isinstance(after, dict) and after.get(
                    "confirmed_by"):
                return
            raise

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

    @staticmethod
    def _result_id(op: str, path: str, result: dict[str, Any]) -> str | None:
        if result.get("id"):
            return str(result["id"])
        if "images" in result and isinstance(result["images"], dict):
            for image in list(result["images"].values())[:1]:
                return str(dict(image).get("hash"))
        if op in ("create", "copy", "upload"):
            for key in ("copied_campaign_id", "copied_adset_id", "copied_ad_id", "video_id"):
                if result.get(key):
                    return str(result[key])
            return None
        return _split(path)[0] if _split(path) else None

    def batch(self, items: list[Any]) -> list[Any]:
        """Run `BatchItem`s in as few Graph batch requests as allowed (see tools/batching.py)."""
        from tools.batching import run_batch

        return run_batch(self, items)

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

    def upload_video(self, path: str | Path, name: str | None = None, *,
                     plan_key: str | None = None, wait_ready: bool = True,
                     timeout_s: float = 60.0) -> str:
        """Upload a video in start/transfer/finish phases to the configured Graph URL."""
        from tools.videos import chunked_upload, wait_until_ready

        video_id = chunked_upload(self, Path(path), name=name, plan_key=plan_key)
        if wait_ready:
            wait_until_ready(self, video_id, timeout_s=timeout_s)
        return video_id

    def _account(self) -> str:
        if not self.account_id:
            raise PermanentError("no ad account configured: set META_AD_ACCOUNT_ID "
                                 "(or MetaSettings.account_id) to act_<digits>")
        return self.account_id


def first_before(ledger: Ledger, thread_id: str | None, op: str, path: str,
                 logged: dict[str, Any], before: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Return the before-values to record for a write, and its earlier attempts with no outcome.

    `logged` is the compacted params as ledgered; `before` what the caller read just now.
    A retry after an unknown outcome keeps the first attempt's before (the object may already
    hold the new values: they are not what the write changed). A repeat of an identical `done`
    write that is still the object's last (a node re-run after a crash), when the object
    already holds the values, keeps that write's before. Otherwise `before` as given.
    """
    from tools.common import compare_fields

    earlier, repeated = ledger.earlier_attempts(thread_id=thread_id, path=path, op=op,
                                                params=logged)
    if earlier and earlier[0]["before"] is not None:
        return earlier[0]["before"], earlier
    if (repeated is not None and repeated["before"] is not None and isinstance(before, dict)
            and compare_fields(logged, before) == ([], [])):
        return repeated["before"], earlier
    return before, earlier


_OFF = ("PAUSED", "ARCHIVED", "DELETED")
# Amounts a lower value of which can only take spend away (budgets, caps, spend targets, bids).
_AMOUNTS = (*BUDGET_KEYS, "spend_cap", *SPEND_LIMIT_KEYS, "bid_amount")
# Fields that change how (or when) money is spent without being an amount: never a cut.
_SPEND_SHAPING = ("start_time", "end_time_utc", "bid_strategy", "bid_constraints",
                  "budget_schedule_specs", "adset_schedule", "pacing_type")


def cuts_only(op: str, method: str, path: str, params: dict[str, Any], before: Any) -> bool:
    """Tell whether a write can only take spend away: a delete, a pause, or a lower amount.

    Creates, copies and uploads never are; an amount counts as lower only against the
    before-value the caller read (`before`); any other money field (a schedule, …) is never a
    cut. Fields that do not touch money (a name) are harmless.
    """
    if method.upper() == "DELETE" or op == "delete":
        return True
    if op in ("create", "copy", "upload") or method.upper() != "POST":
        return False
    was = before if isinstance(before, dict) else {}
    for key, value in params.items():
        if key in ("status", "status_option"):
            if str(value).upper() not in _OFF:
                return False
        elif key in _AMOUNTS:
            try:
                if was.get(key) in (None, "") or int(float(value)) > int(float(was[key])):
                    return False
            except (TypeError, ValueError):
                return False
        elif key in MONEY_FIELDS or key in _SPEND_SHAPING:
            return False
    return True


def _ids_only(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k in ("id", "success", "video_id")}


def image_result(result: dict[str, Any], name: str) -> dict[str, Any]:
    """Reduce an `{"images": {key: {...}}}` response to `{hash, width, height, name}`."""
    images = result.get("images") or {}
    image: dict[str, Any] = next(iter(images.values()), {}) if isinstance(images, dict) else {}
    return {"hash": image.get("hash"), "width": image.get("width"),
            "height": image.get("height"), "name": image.get("name") or name}
