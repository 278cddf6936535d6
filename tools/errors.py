"""The error tree of the Meta seam, and the one place failures are classified.

```
MetaError                        every failure the client raises
├── TransientError               code 1, 2 (not 2/1504041-42), is_transient, -2, 1504038/43/44;
│                                a network error or non-JSON 5xx on a *read*. Retried.
├── ThrottledError               4, 17, 32, 341, 613, 80000-80014, insights 1504022/39;
│                                .retry_after_s, .until (UTC). Short waits are slept,
│                                longer ones become a durable `wait` in the graph.
├── PermanentError               everything Meta refuses: .code .subcode .user_title
│   │                            .user_msg .blame_fields. Never retried.
│   └── AuthError                190, 102, 104, bad/missing appsecret_proof
└── UnknownOutcomeError          timeout / dropped connection / non-JSON 5xx on a *write*:
                                 it may have committed. Never retried blindly — the caller
                                 reconciles by provenance first (`find_created`).
```

`classify(exc, write=...)` turns a `FacebookRequestError`, a `requests` exception or a bad
response into one of these. Every message is scrubbed of tokens (the SDK puts the token in
request URLs, and `requests` repeats URLs in its exception text).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from facebook_business.exceptions import FacebookRequestError

from state.secrets import scrub

TRANSIENT_CODES = {1, 2, -2}
TRANSIENT_SUBCODES = {1504038, 1504043, 1504044}
# Code 2 is usually a passing outage, but Meta also files request mistakes under it (facts
# §7.10): an invalid breakdown combination or invalid custom metrics must not be retried.
PERMANENT_SUBCODES = {1504041, 1504042}
THROTTLE_CODES = {4, 17, 32, 341, 613, *range(80000, 80015)}
THROTTLE_SUBCODES = {1504022, 1504039}
AUTH_CODES = {102, 104, 190}
DEFAULT_THROTTLE_S = 60.0


class MetaError(Exception):
    """Base of every failure raised by the Meta client (message already scrubbed)."""

    def __init__(self, message: str, *, code: int | None = None, subcode: int | None = None,
                 http_status: int | None = None) -> None:
        super().__init__(scrub(message))
        self.message = scrub(message)
        self.code = code
        self.subcode = subcode
        self.http_status = http_status

    def to_dict(self) -> dict[str, Any]:
        """Return a compact, token-free description for tool results, state and the ledger."""
        return {"kind": type(self).__name__, "message": self.message, "code": self.code,
                "subcode": self.subcode}


class TransientError(MetaError):
    """A temporary failure; retrying the same request is safe."""


class ThrottledError(MetaError):
    """Meta (or the governor) says: stop calling this account until `until`."""

    def __init__(self, message: str, *, retry_after_s: float, code: int | None = None,
                 subcode: int | None = None, http_status: int | None = None) -> None:
        super().__init__(message, code=code, subcode=subcode, http_status=http_status)
        self.retry_after_s = max(0.0, float(retry_after_s))
        self.until = datetime.now(UTC) + timedelta(seconds=self.retry_after_s)

    def words(self) -> str:
        """Say it to a person: what Meta said, and when to try again (CLI, web, tools alike)."""
        secs = max(1, round(self.retry_after_s))
        wait = f"{secs} s" if secs < 120 else f"{-(-secs // 60)} min"
        said = scrub(str(self)).strip().rstrip(".")
        return (f"Meta asks adpilot to slow down for this account: {said}. "
                f"Try again after {self.until:%Y-%m-%d %H:%M} UTC (in about {wait}).")

    def to_dict(self) -> dict[str, Any]:
        """Add the wait, so a node can turn it into a durable `wait` interrupt."""
        return {**super().to_dict(), "retry_after_s": self.retry_after_s,
                "until": self.until.isoformat()}


class PermanentError(MetaError):
    """Meta refused the request; fix it (Meta's user message says how) — never retried."""

    def __init__(self, message: str, *, code: int | None = None, subcode: int | None = None,
                 http_status: int | None = None, user_title: str | None = None,
                 user_msg: str | None = None, blame_fields: list[str] | None = None,
                 error_type: str | None = None, error_data: dict[str, Any] | None = None) -> None:
        super().__init__(message, code=code, subcode=subcode, http_status=http_status)
        self.error_data = error_data or {}
        self.user_title = scrub(user_title) if user_title else None
        self.user_msg = scrub(user_msg) if user_msg else None
        self.blame_fields = blame_fields or []
        self.error_type = error_type

    def __str__(self) -> str:
        parts = [self.message]
        if self.user_title or self.user_msg:
            parts.append(" — ".join(p for p in (self.user_title, self.user_msg) if p))
        if self.blame_fields:
            parts.append("fields: " + ", ".join(self.blame_fields))
        return " | ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Add Meta's user-facing title/message and the blamed fields."""
        return {**super().to_dict(), "user_title": self.user_title, "user_msg": self.user_msg,
                "blame_fields": self.blame_fields}


class AuthError(PermanentError):
    """The token or app-secret proof was refused: re-authenticate, do not retry."""


class UnknownOutcomeError(MetaError):
    """A write whose outcome is unknown (it may have committed): reconcile before retrying."""


def header_value(headers: Any, name: str) -> str | None:
    """Case-insensitive header lookup over a dict, requests' mapping or batch [{name, value}]."""
    if not headers:
        return None
    if isinstance(headers, list):
        for h in headers:
            if isinstance(h, dict) and str(h.get("name", "")).lower() == name.lower():
                return h.get("value")
        return None
    for key, value in dict(headers).items():
        if str(key).lower() == name.lower():
            return value
    return None


def _loads(text: Any) -> Any:
    if isinstance(text, dict | list):
        return text
    try:
        return json.loads(text) if text else None
    except (TypeError, ValueError):
        return None


def throttle_wait_s(headers: Any, error: dict[str, Any] | None = None) -> float | None:
    """Seconds until Meta accepts calls again, from usage headers or the error body."""
    waits: list[float] = []
    buc = _loads(header_value(headers, "X-Business-Use-Case-Usage"))
    if isinstance(buc, dict):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else [entries]:
                if isinstance(entry, dict) and entry.get("estimated_time_to_regain_access"):
                    waits.append(float(entry["estimated_time_to_regain_access"]) * 60.0)
    acc = _loads(header_value(headers, "X-Ad-Account-Usage"))
    if isinstance(acc, dict) and acc.get("reset_time_duration"):
        waits.append(float(acc["reset_time_duration"]))
    if error:
        data = _loads(error.get("error_data")) or {}
        for src in (error, data if isinstance(data, dict) else {}):
            if src.get("estimated_time_to_regain_access"):
                waits.append(float(src["estimated_time_to_regain_access"]) * 60.0)
            if src.get("reset_time_duration"):
                waits.append(float(src["reset_time_duration"]))
    return max(waits) if waits else None


def from_error_body(body: Any, *, http_status: int | None = None, headers: Any = None,
                    write: bool = False) -> MetaError:
    """Classify a Graph response body (dict or JSON text) that is not a success."""
    data = _loads(body)
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        if http_status is not None and http_status >= 500 or data is None:
            text = f"HTTP {http_status} with a non-JSON body from the Graph API"
            if write:
                return UnknownOutcomeError(text + "; the write may have committed",
                                           http_status=http_status)
            return TransientError(text, http_status=http_status)
        return PermanentError(f"Graph API call failed (HTTP {http_status}): {str(body)[:300]}",
                              http_status=http_status)
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = str(error.get("message") or "Graph API error")
    kwargs: dict[str, Any] = {"code": code, "subcode": subcode, "http_status": http_status}
    if code in THROTTLE_CODES or subcode in THROTTLE_SUBCODES:
        wait = throttle_wait_s(headers, error)
        return ThrottledError(message, retry_after_s=wait if wait is not None
                              else DEFAULT_THROTTLE_S, **kwargs)
    transient = (error.get("is_transient") or code in TRANSIENT_CODES
                 or subcode in TRANSIENT_SUBCODES)
    if transient and subcode not in PERMANENT_SUBCODES:
        return TransientError(message, **kwargs)
    err_data = _loads(error.get("error_data")) or {}
    blame = err_data.get("blame_field_specs") if isinstance(err_data, dict) else None
    fields = [".".join(map(str, spec)) if isinstance(spec, list) else str(spec)
              for spec in (blame or [])]
    cls = PermanentError
    if code in AUTH_CODES or "appsecret_proof" in message:
        cls = AuthError
    return cls(message, user_title=error.get("error_user_title"),
               user_msg=error.get("error_user_msg"), blame_fields=fields,
               error_type=error.get("type"),
               error_data=err_data if isinstance(err_data, dict) else None, **kwargs)


def classify(exc: BaseException, *, write: bool) -> MetaError:
    """Turn any failure of a Graph call into the error tree (idempotent for MetaError)."""
    if isinstance(exc, MetaError):
        return exc
    if isinstance(exc, FacebookRequestError):
        return from_error_body(exc.body(), http_status=exc.http_status(),
                               headers=exc.http_headers(), write=write)
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.ConnectionError)\
            and not _maybe_sent(exc):
        # The connection was never established: nothing reached Meta.
        return TransientError(f"could not connect to the Graph API: {exc}")
    if isinstance(exc, requests.exceptions.RequestException):
        text = f"{type(exc).__name__} talking to the Graph API: {exc}"
        if write:
            return UnknownOutcomeError(text + "; the write may have committed")
        return TransientError(text)
    return MetaError(f"{type(exc).__name__}: {exc}")


def _maybe_sent(exc: BaseException) -> bool:
    """Return False only when requests failed before any byte of the request could be sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    text = str(exc)
    return not any(s in text for s in ("Connection refused", "Failed to establish",
                                       "Name or service not known"))
