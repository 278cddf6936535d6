"""The graph as LangGraph Server serves it (`langgraph.json` → `graph/server.py:graph`).

LangGraph Server (and `langgraph dev`) supplies the checkpointer and builds each run's context
from the request's `context` object — plain JSON, so it can never carry the Meta client
factory, and usually carries nothing at all. `ServerContext` fills what the request leaves at
its default from the server's environment, exactly as the CLI does (`Context.from_env`):
`META_GRAPH_URL`, `META_AD_ACCOUNT_ID`, `META_PAGE_ID`, `META_PIXEL_ID`, `ADPILOT_MODEL`,
`ADPILOT_HOME`, `ADPILOT_CURRENCY`; the client factory reads `META_ACCESS_TOKEN` only when a
node builds a client. Nothing here does I/O: the server coerces the context on its event
loop, and the ledger opens lazily in the worker thread that first writes.

A request may still set any field, e.g. `{"account_id": "act_123", "page_id": "456"}`, to
serve several ad accounts from one deployment (docs/scale-out.md). What it sets is bounded
(`state/bounds.py`: `MAX_CONTEXT_BYTES`, `MAX_CONTEXT_DEPTH`, JSON only) before anything
reads it. Resume values (`Command(resume=...)`) reach the nodes directly, without
`graph.runner.Runner`: the nodes that read them check the same limits and refuse by digest.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from pathlib import Path
from typing import Any

from graph.builder import build_graph
from state import bounds
from state.context import Context, MetaSettings

_FROM_ENV = ("account_id", "page_id", "pixel_id", "currency", "model", "home", "meta")
_factories: dict[tuple[MetaSettings, str], Any] = {}
_lock = threading.Lock()


def _factory(settings: MetaSettings, home: str) -> Any:
    """One client factory (and so one ledger connection) per Meta settings and home, per process."""
    from graph.environment import ClientFactory

    key = (settings, home)
    with _lock:
        if key not in _factories:
            # No mkdir here (event loop): the ledger creates its folder when first opened.
            _factories[key] = ClientFactory(settings, Path(home))
        return _factories[key]


def _loopback(url: str | None) -> bool:
    from urllib.parse import urlsplit

    host = urlsplit(url or "").hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


_JSON_TYPES = (str, int, float, bool, dict, list, tuple)


def _check_request(ctx: Context) -> None:
    """Refuse a request `context` over the context limits (what a request can set is JSON)."""
    sent = {f.name: getattr(ctx, f.name) for f in dataclasses.fields(ctx)
            if isinstance(getattr(ctx, f.name), _JSON_TYPES)}
    bounds.check(sent, "server request context", max_bytes=bounds.MAX_CONTEXT_BYTES,
                 max_depth=bounds.MAX_CONTEXT_DEPTH,
                 fix="Nothing was sent to Meta; a request's context names an ad account, page, "
                     "pixel, currency or model, "
                     'e.g. {"account_id": "act_123", "page_id": "456"}')


@dataclasses.dataclass(frozen=True)
class ServerContext(Context):
    """A `Context` whose unset fields come from the server's environment (see module doc)."""

    def __post_init__(self) -> None:
        _check_request(self)
        super().__post_init__()
        if self.client_factory is not None:
            return
        # env=os.environ: read the process environment only (no .env file I/O on the event loop).
        env_ctx = Context.from_env(dict(os.environ))
        defaults = Context()
        for name in _FROM_ENV:
            if getattr(self, name) == getattr(defaults, name):
                object.__setattr__(self, name, getattr(env_ctx, name))
        meta = dataclasses.replace(self.meta, account_id=self.account_id, page_id=self.page_id,
                                   pixel_id=self.pixel_id)
        object.__setattr__(self, "meta", meta)
        object.__setattr__(self, "sandbox", self.sandbox or _loopback(meta.graph_url))
        object.__setattr__(self, "client_factory", _factory(meta, self.home))


# Served without a checkpointer: LangGraph Server brings its own.
graph = build_graph(context_schema=ServerContext)
