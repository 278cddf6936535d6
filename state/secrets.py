"""Credentials from the environment (or `.env`), and scrubbing them out of everything else.

Tokens live only in the process environment and in the `MetaClient` that reads them at
construction. Everything that leaves the process as text (log records, exceptions shown to
users, ledger rows, reports, traces) goes through `scrub()` first, which removes:

* every secret value registered with `register_secret()` (the client registers its token and
  app secret, so an echo of them anywhere — a URL, a JSON body, a repr — is caught);
* `access_token=...` and `appsecret_proof=...` query/form values, JSON `"access_token": "..."`
  style pairs, and `Authorization: OAuth|Bearer ...` header values, whatever the token.

`ScrubFilter` is a `logging.Filter` applying `scrub()` to every record; `install_log_scrubbing()`
puts it on the root logger's handlers (call it once at start-up, after logging is configured).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable

from dotenv import find_dotenv, load_dotenv

REDACTED = "[REDACTED]"
TOKEN_ENV = "META_ACCESS_TOKEN"
SECRET_ENV = "META_APP_SECRET"

_registered: set[str] = set()
_lock = threading.Lock()
_dotenv_loaded = False

# Secret-looking parameter names; values are cut at the first delimiter a URL, form body,
# header or repr would use.
_PARAM_NAMES = r"(?:access_token|appsecret_proof|app_secret|client_secret|input_token)"
# query/form: access_token=abc&...  (also URL-encoded %3D)
_PARAM = re.compile(_PARAM_NAMES + r"(=|%3D)[^&\s\"'<>,;)}\[\]]+", re.I)
# JSON / repr: "access_token": "abc"  or  'access_token': 'abc'
_PAIR = re.compile(r"([\"']" + _PARAM_NAMES + r"[\"']\s*:\s*)([\"'])(?:(?!\2).)*\2", re.I)
# headers: Authorization: OAuth abc / Bearer abc
_HEADER = re.compile(r"\b(OAuth|Bearer)\s+[A-Za-z0-9._\-|~+/=]{6,}", re.I)


def _sub_param(match: re.Match[str]) -> str:
    text = match.group(0)
    sep = "=" if "=" in text else "%3D"
    name = text.split(sep, 1)[0]
    return f"{name}{sep}{REDACTED}"


def scrub(text: object) -> str:
    """Return `text` as a string with every token, app secret and proof value replaced."""
    out = text if isinstance(text, str) else str(text)
    with _lock:
        secrets = sorted(_registered, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, REDACTED)
    out = _PARAM.sub(_sub_param, out)
    out = _PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", out)
    out = _HEADER.sub(lambda m: f"{m.group(1)} {REDACTED}", out)
    return out


def scrub_obj(value: object) -> object:
    """Scrub a JSON-like value recursively: secret-named keys are redacted, strings scrubbed."""
    if isinstance(value, dict):
        return {
            k: REDACTED if re.fullmatch(_PARAM_NAMES, str(k), re.I) else scrub_obj(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [scrub_obj(v) for v in value]
    if isinstance(value, str):
        return scrub(value)
    return value


def register_secret(*values: str | None) -> None:
    """Remember secret values so `scrub()` removes them wherever they appear."""
    with _lock:
        # Very short values would redact ordinary words; real tokens are long.
        _registered.update(v for v in values if v and len(v) >= 6)


def registered_secrets() -> Iterable[str]:
    """Return the registered secret values (for leak tests that grep files for them)."""
    with _lock:
        return tuple(_registered)


def _load_dotenv_once() -> None:
    global _dotenv_loaded
    if not _dotenv_loaded:
        # `.env` of the working directory (not of this package); the real environment wins.
        load_dotenv(find_dotenv(usecwd=True), override=False)
        _dotenv_loaded = True


def read_secret(env_name: str, *, required: bool = False) -> str | None:
    """Read a credential from the environment (after loading `.env`) and register it."""
    _load_dotenv_once()
    value = os.environ.get(env_name) or None
    if value is None and required:
        raise RuntimeError(
            f"{env_name} is not set: export it or put `{env_name}=...` in a .env file "
            "(for the local sandbox the token is `sandbox-token`)."
        )
    register_secret(value)
    return value


def access_token(env_name: str = TOKEN_ENV) -> str:
    """Return the Meta access token from `env_name` (required)."""
    token = read_secret(env_name, required=True)
    assert token is not None
    return token


def app_secret(env_name: str = SECRET_ENV) -> str | None:
    """Return the Meta app secret from `env_name`, or None when unset."""
    return read_secret(env_name)


class ScrubFilter(logging.Filter):
    """A logging filter that scrubs secrets from every record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place with its fully formatted, scrubbed message."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Exceptions are formatted later by the handler; pre-format and scrub them now.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install_log_scrubbing(logger: logging.Logger | None = None) -> ScrubFilter:
    """Attach one `ScrubFilter` to `logger` (default root) and all its handlers; idempotent."""
    target = logger or logging.getLogger()
    existing = [f for f in target.filters if isinstance(f, ScrubFilter)]
    filt = existing[0] if existing else ScrubFilter()
    if not existing:
        target.addFilter(filt)
    for handler in target.handlers:
        if not any(isinstance(f, ScrubFilter) for f in handler.filters):
            handler.addFilter(filt)
    return filt
