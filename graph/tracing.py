"""Tracing of graph runs: the `RunnableConfig` (run name, tags, metadata) each run starts with.

- `run_config(thread_id, context)` is the `RunnableConfig` for a graph run: run name
  `adpilot`, tags (`adpilot`, `sandbox`|`live`, `action:<kind>`), metadata (thread id, ad
  account, page, model, policy).
- `graph/trace_nodes.py` tags every node's run with its agent and action kind, and adds the
  ids / receipt / spend delta its update carries.
- The scrubbing client (`configure_tracing`, `trace_safe`, `flush_traces`) and the helpers the
  agents trace with (`traced`, `meta_call_group`, `annotate`) live in `agents/common/tracing.py`
  and are re-exported here for the graph's own use.

Everything here is a no-op cost when tracing is off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig

from agents.common.tracing import (
    MAX_DEPTH,
    MAX_LIST_ITEMS,
    MAX_STRING_CHARS,
    SECRET_ENVS,
    annotate,
    configure_tracing,
    environment_tag,
    flush_traces,
    meta_call_group,
    trace_safe,
    traced,
    tracing_enabled,
)

__all__ = [
    "GRAPH_RUN_NAME", "MAX_DEPTH", "MAX_LIST_ITEMS", "MAX_STRING_CHARS", "SECRET_ENVS",
    "annotate", "configure_tracing", "context_metadata", "environment_tag", "flush_traces",
    "meta_call_group", "run_config", "trace_safe", "traced", "tracing_enabled",
]

GRAPH_RUN_NAME = "adpilot"


def _first_attr(obj: Any, *paths: str) -> Any:
    for path in paths:
        cur = obj
        for part in path.split("."):
            cur = cur.get(part) if isinstance(cur, Mapping) else getattr(cur, part, None)
            if cur is None:
                break
        if cur is not None:
            return cur
    return None


def _policy_summary(policy: Any) -> str | None:
    """Describe the approval policy in one short, filterable string (not the whole dataclass)."""
    if policy is None or isinstance(policy, str):
        return policy
    auto = sorted(getattr(policy, "auto_approve", ()) or ())
    return (f"auto_approve={','.join(auto) or 'none'};"
            f"go_live={getattr(policy, 'go_live', False)};"
            f"max_change={getattr(policy, 'max_budget_change_pct', '?')}")


def context_metadata(context: Any) -> dict[str, Any]:
    """Metadata worth filtering on from a run `Context` (or a dict shaped like one)."""
    if context is None:
        return {}
    found = {
        "ad_account": _first_attr(context, "meta.account_id", "account_id", "ad_account_id"),
        "page_id": _first_attr(context, "meta.page_id", "page_id"),
        "model": _first_attr(context, "model"),
        "policy": _policy_summary(_first_attr(context, "policy")),
    }
    graph_url = _first_attr(context, "meta.graph_url", "graph_url")
    if graph_url:
        found["env"] = environment_tag(str(graph_url))
    return {k: v if isinstance(v, str | int | float | bool) else str(v) for k, v in found.items() if v is not None}


def run_config(
    thread_id: str,
    context: Any = None,
    *,
    action: str | None = None,
    tags: Sequence[str] = (),
    metadata: Mapping[str, Any] | None = None,
    run_name: str = GRAPH_RUN_NAME,
    recursion_limit: int | None = None,
) -> RunnableConfig:
    """Build the `RunnableConfig` for a graph run: thread id, run name, tags and metadata.

    `action` is the CLI verb (`run`, `approve`, `resume`, `optimize`, `tick`, `demo`).
    Also configures tracing (idempotent) so callers need nothing else.
    """
    configure_tracing()
    meta = {"thread_id": thread_id, **context_metadata(context), **dict(metadata or {})}
    env = meta.get("env") or environment_tag()
    meta["env"] = env
    all_tags = ["adpilot", str(env), *([f"action:{action}"] if action else []), *tags]
    config: RunnableConfig = {
        "configurable": {"thread_id": thread_id},
        "run_name": run_name,
        "tags": list(dict.fromkeys(all_tags)),
        "metadata": meta,
    }
    if recursion_limit is not None:
        config["recursion_limit"] = recursion_limit
    return config
