"""Run the sandbox: `SandboxServer` (embedded, for tests and the demo) and `serve()` (the CLI).

    with SandboxServer(db_path="sb.db", scenario="ecommerce_usd", seed=7) as sb:
        FacebookSession.GRAPH = sb.url          # http://127.0.0.1:PORT
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 1})

Werkzeug's threaded WSGI server, loopback only. Request logging is off on purpose: request
lines carry `access_token` in their query strings and tokens must never reach logs.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandbox.app import SandboxApp
from sandbox.bounds import heal
from sandbox.faults import FaultConfig
from sandbox.store import Store


class _QuietHandler(WSGIRequestHandler):
    """No access log: request lines contain credentials."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002
        # Only connection-level errors reach here; keep them off stdout and token-free.
        if type == "error" and "access_token" not in (message % args if args else message):
            super().log(type, message, *args)


def check_loopback(host: str) -> None:
    """Refuse to bind anything but a loopback address."""
    try:
        addr = ipaddress.ip_address(socket.gethostbyname(host))
    except (OSError, ValueError) as exc:
        raise ValueError(f"sandbox host {host!r} cannot be resolved; use 127.0.0.1") from exc
    if not addr.is_loopback:
        raise ValueError(
            f"sandbox host {host!r} is not a loopback address: the sandbox only listens on "
            "loopback (use --host 127.0.0.1)"
        )


class SandboxServer:
    """A running sandbox on a loopback port, persisted in `db_path`."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        scenario: str = "ecommerce_usd",
        seed: int | None = None,
        token: str = "sandbox-token",
        app_secret: str | None = None,
        tier: str = "standard",
        faults: str | dict[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        check_loopback(host)
        if tier not in ("development", "standard"):
            raise ValueError(f"tier must be 'development' or 'standard', got {tier!r}")
        if not token:
            raise ValueError("token must not be empty: the sandbox always requires a token")
        self.db_path = str(db_path)
        self.scenario = scenario
        self.seed = seed
        self.host = host
        self.port = port
        self._token = token
        self._app_secret = app_secret
        self.tier = tier
        self.fault_config = FaultConfig.parse(faults)
        self.store: Store | None = None
        self.app: SandboxApp | None = None
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> SandboxServer:
        """Open the store (initialising a fresh one from the scenario) and start serving."""
        if self._server is not None:
            return self
        self.store = Store(self.db_path)
        init_if_fresh(self.store, self.scenario, self.seed)
        heal(self.store)  # admin state an older sandbox persisted out of bounds: reset, warned
        self.store.set_setting("tier", self.tier)
        self.app = SandboxApp(
            self.store,
            token=self._token,
            app_secret=self._app_secret,
            faults=self.fault_config,
        )
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.port = self._server.server_port
        self.app.base_url = self.url
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},  # quick shutdown: tests start and stop many servers
            name=f"sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the store."""
        if self._server is not None:
            _shut_down(self._server, self.host, self.port)
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The Graph base URL, e.g. `http://127.0.0.1:54321`."""
        return f"http://{self.host}:{self.port}"

    @property
    def account_id(self) -> str:
        """The first ad account's id (`act_<digits>`)."""
        assert self.store is not None, "start the sandbox first"
        accounts = self.store.list_objects("adaccount")
        return str(accounts[0]["id"])

    def admin(self, method: str, path: str, json_body: Any = None, **kw: Any) -> dict[str, Any]:
        """Call the admin API (`/__sandbox__/...`) and return its JSON body."""
        if "json" in kw:
            json_body = kw.pop("json")
        if not path.startswith("/"):
            path = "/" + path
        if not path.startswith("/__sandbox__"):
            path = "/__sandbox__" + path
        data = json.dumps(json_body).encode() if json_body is not None else None
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method.upper(),
            headers={"Authorization": f"OAuth {self._token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return json.loads(body)
            except ValueError:
                raise RuntimeError(f"admin {method} {path}: HTTP {exc.code}") from exc


def _shut_down(server: BaseWSGIServer, host: str, port: int) -> None:
    """`server.shutdown()` without waiting out the accept loop's poll interval.

    The loop notices a shutdown request only when its wait for a connection ends; an empty
    connection ends it at once (the handler reads nothing and closes), so tests that start and
    stop a sandbox each do not pay up to 50 ms for every stop.
    """
    stopper = threading.Thread(target=server.shutdown, name=f"sandbox-stop:{port}", daemon=True)
    stopper.start()
    while stopper.is_alive():
        with contextlib.suppress(OSError):
            socket.create_connection((host, port), timeout=1).close()
        stopper.join(0.005)


def init_if_fresh(store: Store, scenario: str, seed: int | None) -> None:
    """Create the scenario's account, page and pixel on a fresh database."""
    if store.list_objects("adaccount"):
        return
    try:
        from sandbox import scenario as scenario_module
    except (ImportError, SyntaxError):
        scenario_module = None  # type: ignore[assignment]
    if scenario_module is not None and hasattr(scenario_module, "init_store"):
        scenario_module.init_store(store, scenario, seed)
    else:
        _fallback_init(store, seed)


def _fallback_init(store: Store, seed: int | None) -> None:
    # Used only while sandbox.scenario is absent: one USD account in Los Angeles time.
    digits = "1000000000001"
    acct = f"act_{digits}"
    store.insert_object(
        "adaccount",
        {
            "id": acct,
            "account_id": digits,
            "name": "Sandbox Ad Account",
            "currency": "USD",
            "timezone_name": "America/Los_Angeles",
            "account_status": 1,
            "min_daily_budget": 100,
            "spend_cap": "0",
            "amount_spent": "0",
        },
        account_id=digits,
    )
    store.insert_object(
        "page",
        {"id": "100000000000001", "name": "Sandbox Page", "category": "Shopping & retail"},
        account_id=digits,
        parent_id=acct,
    )
    store.insert_object(
        "adspixel",
        {"id": "200000000000001", "name": "Sandbox Pixel"},
        account_id=digits,
        parent_id=acct,
    )
    store.set_setting("seed", seed or 0)
    store.set_setting("clock_offset_s", 0)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    db: str | Path = ".adpilot/sandbox.db",
    scenario: str = "ecommerce_usd",
    seed: int | None = None,
    token: str = "sandbox-token",
    app_secret: str | None = None,
    tier: str = "standard",
    faults: str | None = None,
) -> None:
    """Serve until Ctrl-C, after printing exactly `Sandbox listening on http://HOST:PORT`."""
    server = SandboxServer(
        db,
        scenario=scenario,
        seed=seed,
        token=token,
        app_secret=app_secret,
        tier=tier,
        faults=faults,
        host=host,
        port=port,
    )
    server.start()
    print(f"Sandbox listening on {server.url}", flush=True)
    try:
        assert server._thread is not None
        while server._thread.is_alive():
            server._thread.join(timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        sys.stdout.flush()
