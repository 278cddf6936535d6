"""How `@tool` functions get their `MetaClient` without the model ever seeing it.

Tools take `runtime: ClientRuntime` (langchain's `ToolRuntime`, injected by the tool node and
hidden from the model's schema) and call `client_from(runtime)`, which builds the client from
the run context's `client_factory` (`state.context.Context.client_factory`).
"""

from __future__ import annotations

from typing import Any

from langchain.tools import ToolRuntime

# Parametrised with Any so langchain does not try to validate the run's context type.
ClientRuntime = ToolRuntime[Any, Any]


def client_from(runtime: ToolRuntime[Any, Any]) -> Any:
    """Return the `MetaClient` for this run, from `runtime.context.client_factory()`.

    Typed `Any`: naming `MetaClient` here would import upward (meta_client imports videos).
    """
    factory = getattr(runtime.context, "client_factory", None)
    if factory is None:
        raise RuntimeError(
            "the run context has no client_factory: run the graph with "
            "context=Context(client_factory=...) (state/context.py)"
        )
    return factory()
