"""Build a run's `Context` and Meta client factory from the environment.

With neither `META_ACCESS_TOKEN` nor `META_GRAPH_URL` set, adpilot runs against an embedded
sandbox started in-process on loopback (its data in `ADPILOT_HOME/sandbox.db`, so a later
process sees the same campaigns) and says so in one line. Account, page, pixel and currency
not given in the environment are discovered from the API (`/me/adaccounts`, `/me/accounts`,
`/act_<id>/adspixels`) — reads only.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.home import adpilot_home as adpilot_home  # where it always was, for its callers
from state.context import Context, MetaSettings, act_id
from state.control import CHECKPOINT_URL_ENV, LeaseLost, control_for, lease_lost, sqlite_file
from state.database import checkpoint_backend, open_database
from state.ledger import GENESIS, Ledger, LedgerError
from state.settings import env_value
from state.storage import StorageError
from tools.meta_client import MetaClient

SANDBOX_TOKEN = "sandbox-token"
DEFAULT_SCENARIO = "ecommerce_usd"


def wants_embedded_sandbox() -> bool:
    """Return True when nothing points adpilot at Meta or at an external sandbox."""
    return not os.environ.get("META_ACCESS_TOKEN") and not os.environ.get("META_GRAPH_URL")


def _halt(control: Any, thread_id: str) -> str | None:
    """When the kill switch stopped the thread; raises `LeaseLost` if this process lost its lease."""
    at = control.stopped(thread_id)
    if at is None and lease_lost(thread_id):
        raise LeaseLost(thread_id)
    return at


def open_ledger(home: Path) -> Ledger:
    """Open the ledger of `home`; refuse to recreate it empty once it has existed.

    A ledger that vanished (deleted, lost with a disk, its table dropped) would otherwise come
    back empty and writes would go on without their history — undo, audit and the kill switch
    would not know what was done. The checkpoint store remembers when the ledger was first
    created: per machine and home for `<home>/ledger.db`; once per database when the ledger is
    in PostgreSQL (`state/database.py`), where every worker shares it.
    """
    url = os.environ.get(CHECKPOINT_URL_ENV) or None
    if checkpoint_backend(url) == "postgres":
        assert url is not None
        return _open_shared_ledger(home, url)
    path = home / "ledger.db"
    # A home with no checkpoints yet has had no thread: nothing to check (and `plan` writes
    # no checkpoint store); the fact is recorded the first time both exist.
    control: Any = control_for(home) if url or sqlite_file(home, url).exists() else None
    fact = f"ledger_created {socket.gethostname()}:{home.resolve()}"  # one per machine and home
    try:
        first = control.recall(fact) if control is not None else None
    except StorageError:  # the checkpoint store is damaged: the ledger still opens on its own
        control, first = None, None
    if first is not None and not path.exists():
        raise StorageError(f"the ledger {path}", FileNotFoundError(
            f"missing, though this home has had a ledger since {first}; restore it from a "
            "backup before anything else writes to Meta (`adpilot stop --all` works without "
            "it; to start over on purpose use a new ADPILOT_HOME)"))
    ledger = Ledger(path)
    if first is None and control is not None:
        control.remember(fact, datetime.now(UTC).isoformat())
    return ledger


def _open_shared_ledger(home: Path, url: str) -> Ledger:
    """Open the ledger in PostgreSQL, beside the checkpoints, adopting the home's own `ledger.db`."""
    control = control_for(home, url)
    fact = "ledger_created shared"  # one per database: every worker writes the same table
    first = control.recall(fact)
    db = open_database(url, what="the ledger", synchronous="FULL")
    if first is not None and not db.has_table("writes"):
        db.close()
        raise StorageError(db.where, FileNotFoundError(
            f"missing: the table `writes` is gone, though this database has had a ledger since "
            f"{first}; restore it from a backup before anything else writes to Meta (`adpilot "
            "stop --all` works without it)"))
    ledger = Ledger(db, home=home)
    if first is None:
        control.remember(fact, datetime.now(UTC).isoformat())
    _adopt_home_ledger(ledger, home, control)
    return ledger


def _adopt_home_ledger(ledger: Ledger, home: Path, control: Any) -> None:
    """Copy the rows of `<home>/ledger.db` the shared ledger lacks (once per head of that file).

    A home that wrote its ledger to SQLite before the checkpoints moved to PostgreSQL keeps
    its history: undo, audit and the kill switch of its threads work from any worker. The
    file is left as it was.
    """
    local = home / "ledger.db"
    if not local.exists():
        return
    old = Ledger(local)
    try:
        head = old.head()
        fact = f"ledger_adopted {socket.gethostname()}:{home.resolve()} {head}"
        if head == GENESIS or control.recall(fact) is not None:
            return
        try:
            added = ledger.adopt(old)
        except LedgerError as exc:
            raise StorageError(f"the ledger {local}", exc) from None
        control.remember(fact, f"{added} rows at {datetime.now(UTC).isoformat()}")
        if added:
            logging.getLogger(__name__).warning(
                "copied %d row(s) of %s into the shared ledger (%s); the file is kept as it was",
                added, local, ledger.path)
    finally:
        old.close()


class ClientFactory:
    """Builds a ledgered `MetaClient` per call; holds the token privately (never in repr)."""

    def __init__(self, settings: MetaSettings, home: Path, token: str | None = None) -> None:
        self.settings = settings
        self.home = home
        self._token = token
        self._ledger: Ledger | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ClientFactory(graph_url={self.settings.graph_url!r}, home={str(self.home)!r})"

    @property
    def ledger(self) -> Ledger:
        """The thread-safe ledger in ADPILOT_HOME, opened once per factory."""
        with self._lock:
            if self._ledger is None:
                self._ledger = open_ledger(self.home)
            return self._ledger

    def without_ledger(self) -> ClientFactory:
        """Return this factory writing no ledger rows (the kill switch, when the ledger is damaged)."""
        other = ClientFactory(self.settings, self.home, self._token)
        other.ledgerless = True
        return other

    ledgerless = False

    def __call__(self, thread_id: str | None = None) -> MetaClient:
        """Build a client writing ledger rows for `thread_id`."""
        kwargs: dict[str, Any] = {"token": self._token} if self._token else {}
        if thread_id:  # read before any write that could spend
            kwargs["stopped"] = functools.partial(_halt, control_for(self.home), thread_id)
        ledger = None if self.ledgerless else self.ledger
        return MetaClient(self.settings, ledger=ledger, thread_id=thread_id, **kwargs)


@dataclass
class Environment:
    """What a CLI command needs: the run context, where things live, the embedded sandbox."""

    context: Context
    home: Path
    sandbox: Any | None = None

    @property
    def client_factory(self) -> Callable[..., MetaClient]:
        """The context's client factory."""
        assert self.context.client_factory is not None
        return self.context.client_factory


class SetupError(ValueError):
    """adpilot cannot reach or identify the ad account; the message names the setting to fix."""


def _discover(settings: MetaSettings, home: Path, token: str | None) -> dict[str, Any]:
    """Fill account, page, pixel and currency that the environment did not give (reads only)."""
    try:  # no ledger: discovery only reads
        client = MetaClient(settings, ledger=None, token=token or None)
    except RuntimeError as exc:  # the token is missing: the message says how to set it
        raise SetupError(str(exc)) from None
    found: dict[str, Any] = {}
    account = settings.account_id
    if not account:
        accounts = client.get_all("me/adaccounts", {"fields": "id,name"})
        if not accounts:
            raise SetupError("META_AD_ACCOUNT_ID is not set and the token sees no ad account: "
                             "set META_AD_ACCOUNT_ID=act_<digits>")
        account = only_one(accounts, "ad account", "--account act_ID, or ADPILOT_ACCOUNT")
    account = act_id(str(account))
    found["account_id"] = account
    info = client.get(account, {"fields": "currency,timezone_name"})
    found["currency"] = info.get("currency")
    found["timezone"] = info.get("timezone_name")
    if not settings.page_id:
        pages = client.get_all("me/accounts", {"fields": "id,name"})
        found["page_id"] = only_one(pages, "Facebook page", "META_PAGE_ID") if pages else None
    if not settings.pixel_id:
        pixels = client.get_all(f"{account}/adspixels", {"fields": "id,name"})
        found["pixel_id"] = only_one(pixels, "pixel", "META_PIXEL_ID") if pixels else None
    return found


def only_one(rows: list[dict[str, Any]], what: str, setting: str) -> str:
    """Return the id of the only row; with several, ask which (never silently the first)."""
    if len(rows) == 1:
        return str(rows[0]["id"])
    listed = "; ".join(f"{r['id']} ({r.get('name') or 'no name'})" for r in rows[:20])
    more = f" and {len(rows) - 20} more (`adpilot accounts` lists them)" if len(rows) > 20 else ""
    raise SetupError(f"the token reaches {len(rows)} {what}s and none was chosen: {listed}{more}. "
                     f"Choose one with {setting}; nothing was done.")


def build_context(settings: MetaSettings, home: str | Path, *, token: str | None = None,
                  sandbox: bool = False, base: Context | None = None, **overrides: Any) -> Context:
    """Build a run context for `settings`, discovering account, page, pixel and currency when missing."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    base = base or Context.from_env()
    found = _discover(settings, home, token)
    settings = dataclasses.replace(settings, account_id=found["account_id"],
                                   page_id=settings.page_id or found.get("page_id"),
                                   pixel_id=settings.pixel_id or found.get("pixel_id"))
    changes: dict[str, Any] = {
        "account_id": settings.account_id, "page_id": settings.page_id, "pixel_id": settings.pixel_id,
        "client_factory": ClientFactory(settings, home, token), "home": str(home),
        "sandbox": sandbox, "meta": settings, **overrides,
    }
    for key in ("currency", "timezone"):  # the account's own, unless the caller overrides
        if found.get(key) and key not in overrides:
            changes[key] = found[key]
    return dataclasses.replace(base, **changes)


@contextmanager
def open_environment(
    *,
    home: str | Path | None = None,
    embedded: bool | None = None,
    scenario: str = DEFAULT_SCENARIO,
    seed: int | None = None,
    announce: Callable[[str], None] = print,
    **overrides: Any,
) -> Iterator[Environment]:
    """Yield the run environment; starts (and stops) the embedded sandbox when needed."""
    home = Path(home) if home is not None else adpilot_home()
    home.mkdir(parents=True, exist_ok=True)
    # A policy given by the caller (the kill switch reads it, or falls back) is not read again.
    base = Context.from_env(**({"policy": overrides["policy"]} if "policy" in overrides else {}))
    with meta_access(base.meta, home, embedded=embedded, scenario=scenario, seed=seed,
                     announce=announce) as (settings, token, sandbox):
        context = build_context(settings, home, token=token, sandbox=sandbox is not None or loopback(settings.graph_url),
                                base=base, **overrides)
        yield Environment(context=context, home=home, sandbox=sandbox)


@contextmanager
def meta_access(
    settings: MetaSettings,
    home: Path,
    *,
    embedded: bool | None = None,
    scenario: str = DEFAULT_SCENARIO,
    seed: int | None = None,
    announce: Callable[[str], None] = print,
) -> Iterator[tuple[MetaSettings, str | None, Any]]:
    """Yield (settings, token, embedded sandbox or None): where Meta is, before any account is chosen."""
    from sandbox.server import SandboxServer

    embedded = wants_embedded_sandbox() if embedded is None else embedded
    token: str | None = None
    sandbox = None
    if embedded:
        sandbox = SandboxServer(db_path=str(home / "sandbox.db"), scenario=scenario, seed=seed)
        sandbox.start()
        token = SANDBOX_TOKEN
        # The embedded sandbox's ids are the ones that exist: ignore META_* ids in the env, but
        # keep what the person chose for this run (--account, --page, --pixel).
        account = env_value("ADPILOT_ACCOUNT", None)
        settings = dataclasses.replace(
            settings, graph_url=sandbox.url, account_id=act_id(account) if account else None,
            page_id=env_value("ADPILOT_PAGE", None), pixel_id=env_value("ADPILOT_PIXEL", None))
        announce(f"No META_ACCESS_TOKEN or META_GRAPH_URL set: using the embedded sandbox at "
                 f"{sandbox.url} (data in {home / 'sandbox.db'})")
    try:
        yield settings, token, sandbox
    finally:
        if sandbox is not None:
            sandbox.stop()



def loopback(url: str | None) -> bool:
    """Return whether a Graph URL points at this machine (a sandbox, not Meta)."""
    from urllib.parse import urlsplit

    host = urlsplit(url or "").hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
