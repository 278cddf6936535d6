"""Where LangGraph Server's runs talk to Meta: prepared once per server process, off the event loop.

The CLI opens its environment per command (`graph/environment.py::open_environment`): the
embedded sandbox when neither META_ACCESS_TOKEN nor META_GRAPH_URL is set, then the account,
page, pixel, currency and time zone discovered from the API. A server runs for days and takes
runs concurrently, so `ServerEnvironment` does the same once per process:

* `access()` — where Meta is: the environment's settings, or the embedded sandbox, started at
  the first run that needs it (on `ADPILOT_SANDBOX_PORT` when set, else a free port; its data in
  `ADPILOT_HOME/sandbox.db`) and announced in the server log with its URL and that nothing
  reaches Meta.
* `prepare(request)` — the run `Context` for a request's account, page and pixel: discovered
  once per combination (reads only) and reused; the policy is read again every run, so an
  operator's edit of the policy file applies to the next run. Blocking I/O: the graph factory
  (`graph/server.py::make_graph`) calls it in a worker thread, never on the event loop.
* `prepared(request)` — the context `prepare` last made for that combination, without I/O:
  what `ServerContext` reads when LangGraph builds the run context on the event loop.

Images: a served run reads files only under `ADPILOT_ASSET_DIR` (when the operator sets it)
and `ADPILOT_HOME/uploads` (what `POST /adpilot/images` stores, `graph/webapp.py`); URLs on
public addresses unless `ADPILOT_ALLOW_PRIVATE_URLS=1` (`state.context.AssetAccess`).

The token never enters a context: the client factory holds the sandbox's, or reads
META_ACCESS_TOKEN when it builds a client.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.environment import (
    DEFAULT_SCENARIO,
    SANDBOX_TOKEN,
    SetupError,
    build_context,
    loopback,
    wants_embedded_sandbox,
)
from state.context import (
    ASSET_DIR_ENV,
    DEFAULT_HOME,
    AssetAccess,
    Context,
    MetaSettings,
    act_id,
)
from state.policy import Policy
from state.settings import env_value

log = logging.getLogger("adpilot.server")
SANDBOX_PORT_ENV = "ADPILOT_SANDBOX_PORT"
Key = tuple[str | None, str | None, str | None]  # a request's (account_id, page_id, pixel_id)


def uploads_dir(home: str | Path) -> Path:
    """Where the server keeps uploaded images (`POST /adpilot/images`)."""
    return Path(home) / "uploads"


SANDBOX_SCENARIO_ENV = "ADPILOT_SANDBOX_SCENARIO"


def sandbox_port(env: dict[str, str] | None = None) -> int:
    """`ADPILOT_SANDBOX_PORT` (0, a free port, when unset); ValueError names the setting."""
    raw = env_value(SANDBOX_PORT_ENV, env)
    if raw is None:
        return 0
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"{SANDBOX_PORT_ENV}={raw!r}: use a port number from 1 to 65535, "
                         "or unset it to pick a free port")
    return int(raw)


class ServerSetupError(ValueError):
    """The server cannot reach or identify the ad account; the message names the setting."""


class ServerEnvironment:
    """One per server process: the embedded sandbox (if any) and each account's run context."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._access: tuple[MetaSettings, str | None, Any] | None = None
        self._contexts: dict[Key, Context] = {}

    @property
    def home(self) -> Path:
        """ADPILOT_HOME of the server process."""
        return Path(env_value("ADPILOT_HOME", None) or DEFAULT_HOME)

    @property
    def sandbox(self) -> Any:
        """The embedded `SandboxServer`, once started (None otherwise)."""
        return self._access[2] if self._access else None

    def access(self) -> tuple[MetaSettings, str | None, Any]:
        """Return (settings, token, embedded sandbox or None); starts the sandbox the first time."""
        with self._lock:
            if self._access is None:
                settings = MetaSettings.from_env(dict(os.environ))
                if not wants_embedded_sandbox():
                    self._access = (settings, None, None)
                else:
                    self._access = self._start_sandbox(settings)
            return self._access

    def _start_sandbox(self, settings: MetaSettings) -> tuple[MetaSettings, str | None, Any]:
        from sandbox.server import SandboxServer

        home = self.home
        home.mkdir(parents=True, exist_ok=True)
        # ADPILOT_SANDBOX_SCENARIO: a bundled scenario's name or a scenario file (a rehearsal
        # of a fault, say); the sandbox refuses one it cannot read, naming it.
        scenario = env_value(SANDBOX_SCENARIO_ENV, None) or DEFAULT_SCENARIO
        sandbox = SandboxServer(db_path=str(home / "sandbox.db"), scenario=scenario,
                                port=sandbox_port()).start()
        # The sandbox's ids are the ones that exist: META_* ids are ignored, ADPILOT_* kept.
        account = env_value("ADPILOT_ACCOUNT", None)
        settings = dataclasses.replace(
            settings, graph_url=sandbox.url, account_id=act_id(account) if account else None,
            page_id=env_value("ADPILOT_PAGE", None), pixel_id=env_value("ADPILOT_PIXEL", None))
        log.warning("adpilot: no META_ACCESS_TOKEN or META_GRAPH_URL set: using the embedded "
                    "sandbox at %s (token %s, data in %s); nothing reaches Meta",
                    sandbox.url, SANDBOX_TOKEN, home / "sandbox.db")
        return settings, SANDBOX_TOKEN, sandbox

    def asset_access(self) -> AssetAccess:
        """Files under ADPILOT_ASSET_DIR (if set) and the uploads; URLs as the operator allows."""
        roots = []
        if folder := env_value(ASSET_DIR_ENV, None):
            if not Path(folder).expanduser().is_dir():
                raise ServerSetupError(f"{ASSET_DIR_ENV}={folder!r} is not a folder on the "
                                       "server: point it at the folder of images runs may read")
            roots.append(str(Path(folder).expanduser().resolve()))
        roots.append(str(uploads_dir(self.home).resolve()))
        return AssetAccess.from_env(dict(os.environ), roots=tuple(roots))

    def prepare(self, key: Key) -> Context:
        """Return the run context for a request's (account, page, pixel); blocking I/O."""
        env = dict(os.environ)
        with self._lock:
            settings, token, sandbox = self.access()
            context = self._contexts.get(key)
            if context is None:
                account, page, pixel = key
                chosen = dataclasses.replace(
                    settings, account_id=act_id(account) if account else settings.account_id,
                    page_id=page or settings.page_id, pixel_id=pixel or settings.pixel_id)
                try:
                    context = build_context(
                        chosen, self.home, token=token, base=Context.from_env(env),
                        sandbox=sandbox is not None or loopback(chosen.graph_url),
                        assets=self.asset_access())
                except SetupError as exc:
                    raise ServerSetupError(
                        f"{exc} On LangGraph Server, choose in the run's context (account_id, "
                        "page_id, pixel_id) or with the server's ADPILOT_ACCOUNT, ADPILOT_PAGE, "
                        "ADPILOT_PIXEL.") from None
                context = self._same_client(context)
            # read every run: an edited policy file applies from the next run on
            context = dataclasses.replace(context, policy=Policy.from_env(env, str(self.home)))
            self._contexts[key] = context
            return context

    def _same_client(self, context: Context) -> Context:
        """Share one client factory (one ledger connection) per account, page and pixel."""
        ids = (context.account_id, context.page_id, context.pixel_id)
        for known in self._contexts.values():
            if (known.account_id, known.page_id, known.pixel_id) == ids:
                return dataclasses.replace(context, client_factory=known.client_factory)
        return context

    def prepared(self, key: Key) -> Context | None:
        """Return the context `prepare(key)` last made, or None.

        No I/O and no lock (a dict read): it runs on the event loop, while `prepare` may hold
        the lock for a discovery in a worker thread.
        """
        return self._contexts.get(key)

    def account_now(self) -> datetime:
        """Now on the accounts' clock: the sandbox's simulated clock there, else UTC wall time."""
        from tools.meta_client import MetaClient

        settings, token, sandbox = self.access()
        if sandbox is None and not loopback(settings.graph_url):
            return datetime.now(UTC)  # Meta's accounts run on real time
        return MetaClient(settings, ledger=None, token=token).account_clock()

    def close(self) -> None:
        """Stop the embedded sandbox (the server is shutting down)."""
        with self._lock:
            if self._access is not None and self._access[2] is not None:
                self._access[2].stop()
            self._access = None
            self._contexts.clear()



SERVER = ServerEnvironment()
