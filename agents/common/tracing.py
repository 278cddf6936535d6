"""LangSmith tracing for the agents: the scrubbing client, `traced`, `meta_call_group`, `annotate`.

With `LANGSMITH_TRACING=true` (and a `LANGSMITH_API_KEY`), every run is traced. This module
makes those traces safe and lets the agents add to them:

- `configure_tracing()` installs one process-wide `langsmith.Client` whose `anonymizer` runs
  `trace_safe()` over every run's inputs, outputs, metadata and error text *before* anything
  is queued for upload: tokens and secrets removed (`state.secrets`), large payloads (insight
  rows, long lists, long strings) trimmed. LangChain/LangGraph runs and `@traceable` helpers
  both use that client; `flush_traces()` waits for it.
- `traced(name, tags=...)` is `langsmith.traceable` with the scrubbing hooks, for helpers
  that are not Runnables; `meta_call_group(name, ...)` wraps a group of Meta calls.
- `annotate(...)` adds metadata (campaign / ad set / ad ids touched, approval receipt and
  decision, spend delta) to the run that is current, so "why was ad set X paused?" is one
  metadata filter in LangSmith.

The run config of a graph run and the node tags are the graph's (`graph/tracing.py`,
`graph/trace_nodes.py`). Everything here is a no-op cost when tracing is off.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from state.secrets import REDACTED, register_secret, scrub

F = TypeVar("F", bound=Callable[..., Any])

# Keys whose values are never traced, whatever they hold (compared case-insensitively).
_SECRET_KEY = re.compile(
    r"(^|_)(token|access_token|secret|api_key|apikey|password|passwd|authorization|"
    r"appsecret_proof|cookie)$",
    re.I,
)
# Environment variables whose values are registered as secrets when tracing is configured.
SECRET_ENVS = (
    "META_ACCESS_TOKEN",
    "META_APP_SECRET",
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "LANGSMITH_API_KEY",
    "LANGCHAIN_API_KEY",
)
MAX_LIST_ITEMS = 20
MAX_STRING_CHARS = 4000
MAX_DEPTH = 12

_configured: dict[str, Any] = {}
_config_lock = threading.Lock()


# --- scrubbing and trimming -----------------------------------------------------------
def trace_safe(value: Any, _depth: int = 0) -> Any:
    """Return a JSON-like copy of `value` fit to leave the process.

    Secret-named keys are redacted, every string goes through `state.secrets.scrub`, lists
    longer than MAX_LIST_ITEMS keep their first items plus a `"… N more"` marker, strings are
    cut at MAX_STRING_CHARS, nesting below MAX_DEPTH is elided.
    """
    if _depth > MAX_DEPTH:
        return "[… nested too deep]"
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            skey = str(key)
            out[skey] = REDACTED if _SECRET_KEY.search(skey) else trace_safe(item, _depth + 1)
        return out
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        kept = [trace_safe(v, _depth + 1) for v in items[:MAX_LIST_ITEMS]]
        if len(items) > MAX_LIST_ITEMS:
            kept.append(f"[… {len(items) - MAX_LIST_ITEMS} more items trimmed]")
        return kept
    if isinstance(value, str):
        text = scrub(value)
        if len(text) > MAX_STRING_CHARS:
            text = text[:MAX_STRING_CHARS] + f"[… {len(text) - MAX_STRING_CHARS} chars trimmed]"
        return text
    if value is None or isinstance(value, bool | int | float):
        return value
    return trace_safe(repr(value), _depth + 1)


def _register_env_secrets() -> None:
    register_secret(*(os.environ.get(name) for name in SECRET_ENVS))


# --- configuration --------------------------------------------------------------------
def tracing_enabled() -> bool:
    """Return True when LangSmith tracing is switched on in the environment."""
    for name in ("LANGSMITH_TRACING", "LANGSMITH_TRACING_V2", "LANGCHAIN_TRACING_V2"):
        if os.environ.get(name, "").strip().lower() in ("1", "true", "yes"):
            return True
    return False


def configure_tracing(*, force: bool = False) -> Any | None:
    """Install the scrubbing LangSmith client process-wide; return it (None if tracing is off).

    Idempotent; `force=True` builds a new client (tests that change LANGSMITH_ENDPOINT).
    """
    if not tracing_enabled():
        return None
    with _config_lock:
        if _configured.get("client") is not None and not force:
            return _configured["client"]
        import langsmith

        _register_env_secrets()
        client = langsmith.Client(anonymizer=trace_safe)
        langsmith.configure(client=client)
        _configured["client"] = client
        return client


def flush_traces() -> None:
    """Block until every queued run has been sent (call before exit and in tests)."""
    from langchain_core.tracers.langchain import wait_for_all_tracers

    wait_for_all_tracers()
    client = _configured.get("client")
    if client is not None:
        client.flush()


def environment_tag(graph_url: str | None = None) -> str:
    """`sandbox` when the Graph URL is on loopback (the local emulator), else `live`."""
    url = graph_url if graph_url is not None else os.environ.get("META_GRAPH_URL", "")
    host = (urlsplit(url).hostname or "") if url else ""
    return "sandbox" if host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.") else "live"


# --- runs inside the graph ------------------------------------------------------------
def _current_run() -> Any | None:
    if not tracing_enabled():
        return None
    from langsmith.run_helpers import get_current_run_tree

    return get_current_run_tree()


def annotate(*, tags: Sequence[str] = (), **metadata: Any) -> None:
    """Add tags and metadata to the current traced run (node, tool or helper); no-op untraced.

    Conventional keys: `campaign_ids`, `adset_ids`, `ad_ids`, `receipt`, `decision`,
    `spend_delta_minor`, `action_kind`.
    """
    run = _current_run()
    if run is None:
        return
    if tags:
        run.add_tags(list(tags))
    clean = {k: v for k, v in metadata.items() if v is not None}
    if clean:
        run.add_metadata(trace_safe(clean))


_UNTRACED_ARGS = ("self", "cls", "client", "runtime", "session", "store", "ledger", "config")


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value


def _safe_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    # Injected collaborators (clients, models, callbacks) say nothing useful and their reprs
    # can hold a session: only the data arguments are traced.
    kept = {k: _plain(v) for k, v in inputs.items()
            if k not in _UNTRACED_ARGS and not callable(v) and not hasattr(v, "invoke")}
    return cast(dict[str, Any], trace_safe(kept))


def _safe_outputs(outputs: Any) -> dict[str, Any]:
    outputs = _plain(outputs)
    return cast(dict[str, Any], trace_safe(outputs if isinstance(outputs, Mapping) else {"output": outputs}))


def traced(
    name: str,
    tags: Sequence[str] = (),
    *,
    run_type: str = "chain",
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[F], F]:
    """`langsmith.traceable` with a fixed name, tags, and scrubbed, trimmed inputs/outputs."""
    import langsmith

    def decorate(fn: F) -> F:
        return cast(
            F,
            langsmith.traceable(
                name=name,
                run_type=cast(Any, run_type),
                tags=list(tags),
                metadata=dict(metadata or {}),
                process_inputs=_safe_inputs,
                process_outputs=_safe_outputs,
            )(fn),
        )

    return decorate


@contextmanager
def meta_call_group(
    name: str, *, kind: str, tags: Sequence[str] = (), **metadata: Any
) -> Iterator[Any]:
    """Trace a group of Meta calls (a batch, an upload round) as one `tool` run.

    `kind` is the action kind (`create`, `update`, `upload`, `read`, `validate`). Yields the
    run (or None when tracing is off); call `annotate(...)` inside to add the ids touched.
    """
    if not tracing_enabled():
        yield None
        return
    import langsmith

    configure_tracing()
    with langsmith.trace(
        name,
        run_type="tool",
        tags=["meta", f"action:{kind}", environment_tag(), *tags],
        metadata=trace_safe({"action_kind": kind, **metadata}),
    ) as run:
        yield run
