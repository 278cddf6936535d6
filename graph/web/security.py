"""Who may use `adpilot web`, and that every form post is one of its own pages' (CSRF).

- **Where it listens.** Loopback (127.0.0.1, ::1, localhost) unless the operator binds
  elsewhere; then `ADPILOT_WEB_TOKEN` must be set (`adpilot web` refuses to start without
  it) and every page asks for it once per browser session (`/login`).
- **Host header.** On loopback, a request whose `Host` is not a loopback name is refused
  (403): a page on another site cannot reach the dashboard by rebinding its DNS name to
  127.0.0.1.
- **Sessions.** A random id in an `HttpOnly`, `SameSite=Strict` cookie, kept in this
  process's memory only (a restart logs everyone out), forgotten after `SESSION_IDLE_S`
  unused or past `MAX_SESSIONS`. With a token, a session exists only after the token was
  typed on `/login` (compared in constant time; a wrong one is answered after
  `LOGIN_DELAY_S`), and `/logout` ends it. The dashboard speaks plain HTTP: bound off
  loopback, put it behind a TLS proxy so the token and the cookie never cross a network in
  clear.
- **CSRF.** Every form carries `csrf`, an HMAC of the session id under a key made fresh in
  this process; a post without it, with another session's, or from another origin (`Origin`
  header, when the browser sends one) is refused (403) before anything reads the form's
  decision. Nothing is written on a refused post.

No token, cookie value or CSRF value is ever logged or put in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

SESSION_COOKIE = "adpilot_session"
TOKEN_ENV = "ADPILOT_WEB_TOKEN"
SESSION_IDLE_S = 12 * 3600  # a session unused this long must log in again
MAX_SESSIONS = 1000  # past this, the least recently used are forgotten
LOGIN_DELAY_S = 1.0  # every wrong token waits this long before the answer
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


class Refused(Exception):
    """A request the access rules refuse: `status` (401/403) and what to do, in words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_loopback(host: str) -> bool:
    """Return True when `host` (a name or an address) is this machine only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """Return the host part of a `Host` header (`127.0.0.1:8765` → `127.0.0.1`, `[::1]:80` → `::1`)."""
    header = header.strip()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def bind_problem(host: str, token: str | None) -> str | None:
    """Why `adpilot web` may not listen on `host` (None: it may)."""
    if is_loopback(host):
        return None
    if not token or len(token) < 12:
        return (f"--host {host} makes the dashboard reachable from other machines: set "
                f"{TOKEN_ENV} to a secret of 12+ characters first (it is asked for on the "
                "login page), or leave --host at 127.0.0.1")
    return None


@dataclass
class Guard:
    """The access rules of one `adpilot web` process (see the module docstring)."""

    bind_host: str
    token: str | None = None
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _sessions: dict[str, float] = field(default_factory=dict, repr=False)  # id → last use

    @property
    def needs_login(self) -> bool:
        """True when pages ask for the operator's token (bound off loopback, or a token set)."""
        return bool(self.token) or not is_loopback(self.bind_host)

    def check_host(self, host_header: str) -> None:
        """Refuse a request for another host name while listening on loopback."""
        if is_loopback(self.bind_host) and not is_loopback(host_name(host_header or "")):
            raise Refused(403, "this dashboard answers on localhost only (the Host header "
                               "names another machine)")

    def session(self, cookie: str | None) -> str | None:
        """Return the request's session id when this process issued it and it is live (else None)."""
        now = time.monotonic()
        if not cookie or now - self._sessions.get(cookie, -SESSION_IDLE_S) > SESSION_IDLE_S:
            self._sessions.pop(cookie or "", None)
            return None
        self._sessions[cookie] = now
        return cookie

    def open_session(self) -> str:
        """Issue a new session id (the oldest idle ones are forgotten past `MAX_SESSIONS`)."""
        sid = secrets.token_urlsafe(32)
        self._sessions[sid] = time.monotonic()
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.pop(min(self._sessions, key=self._sessions.__getitem__))
        return sid

    def close_session(self, sid: str | None) -> None:
        """Forget a session (log out)."""
        self._sessions.pop(sid or "", None)

    def live(self, sid: str) -> bool:
        """Return True while `sid` is a session this process knows."""
        return sid in self._sessions

    def login(self, typed: str) -> str:
        """Return a new session id when `typed` is the operator's token; refuse otherwise."""
        if not self.token:
            raise Refused(403, f"no login is configured: {TOKEN_ENV} is not set")
        if not hmac.compare_digest(typed.encode(), self.token.encode()):
            raise Refused(401, "that is not the dashboard's token: type the value of "
                               f"{TOKEN_ENV} the operator set")
        return self.open_session()

    def csrf(self, sid: str) -> str:
        """Return the CSRF value of session `sid` (what every form of its pages carries)."""
        return hmac.new(self._key, sid.encode(), hashlib.sha256).hexdigest()

    def check_post(self, sid: str | None, sent: str | None, origin: str | None,
                   host_header: str) -> None:
        """Refuse a form post that is not from one of this session's own pages."""
        if sid is None:
            raise Refused(401 if self.needs_login else 403,
                          "no session: open the dashboard's page again and submit from there")
        if not sent:
            raise Refused(403, "the form has no csrf field: submit it from the dashboard's "
                               "own page (reload it)")
        if not hmac.compare_digest(sent, self.csrf(sid)):
            raise Refused(403, "the form's csrf value is not this session's: reload the page "
                               "and submit it again")
        if origin and origin != "null":
            got = urlsplit(origin).netloc
            if got and got.lower() != (host_header or "").lower():
                raise Refused(403, f"the form was posted from another site ({origin})")


def set_session(response: Any, sid: str) -> None:
    """Give the browser its session cookie (never readable by scripts, never sent cross-site)."""
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict", path="/")
