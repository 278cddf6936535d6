"""The graph as LangGraph Server serves it: `langgraph.json` → `graph/server.py:make_graph`.

**What a request may set.** LangGraph Server builds each run's context from the request's
`context` (merged over its assistant's), as plain JSON. `RequestContext` is what a request may
choose — `account_id`, `page_id`, `pixel_id`, `model`, `max_cycles`, `cycle_days` — each with
its type, bounds and description; its JSON schema is what `assistants.get_schemas` returns and
Studio renders. The rest of `state.context.Context` is the server's: where files live
(`home`), the client factory and the Meta settings (`meta`, and so the token), the `policy`
(a file the operator chooses), `sandbox`, and what the account says (`currency`, `timezone`),
and which files and URLs may be read (`assets`). A request naming one of them, a key that is
no setting, or a bad value is refused with a message naming the field, and nothing runs.

**Why a graph factory.** langgraph-api 0.16 filters a run's context down to the keys of the
context schema *before* LangGraph sees it (`langgraph_api/stream.py::_filter_context_by_schema`),
so a check made when LangGraph builds the context would never see an unknown key or `home`:
they would be dropped silently. The graph factory is the one place that sees the context as
it was sent: the server calls `make_graph(config, runtime)` for every run, with the context in
`runtime.execution_runtime.context`, before anything else. It refuses there by raising — the
run fails with that message, no node has run and no checkpoint is written. Being async, the
factory also does the run's blocking preparation in a worker thread (`graph/server_env.py`:
the embedded sandbox, discovering account, page and pixel, reading the policy file) and labels
the run as the CLI labels its own (`graph.tracing.run_config`: run name `adpilot`; tags
`adpilot`, `sandbox`|`live`, `action:run`|`action:resume`; metadata thread, account, page,
model, policy). For schemas, state reads and Studio's drawing it returns the same graph.

**Nodes still read a full `Context`.** The context schema is `ServerContext`: a `Context` whose
constructor takes a request's fields only. LangGraph 1.2 builds the run context on the event
loop with `ServerContext(**context)` (`Pregel._coerce_context`); the constructor checks the
request again (the graph used directly, as in tests, refuses the same way) and takes every
other field from the context `prepare` made, without I/O. Its pydantic core schema is
`RequestContext`'s, which is how `get_context_jsonschema()` (a `TypeAdapter` over the
dataclass) gives Studio a schema instead of failing on the client factory's `Callable`.

Resume values (`Command(resume=...)`) reach the nodes directly, without `graph.runner.Runner`:
the nodes that read them check the same limits and refuse by digest.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import RunnableConfig
from langgraph.constants import CONFIG_KEY_CHECKPOINTER
from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, ValidationError
from pydantic_core import CoreSchema, core_schema

from graph.builder import build_graph
from graph.server_env import SERVER, Key
from graph.tracing import run_config
from state import bounds
from state.context import Context, act_id

if TYPE_CHECKING:  # the server resolves the annotation itself (its factory classification)
    from langgraph_sdk.runtime import ServerRuntime

log = logging.getLogger("adpilot.server")

# Settings a request cannot make, with where they come from instead.
SERVER_ONLY = {
    "home": "the server's ADPILOT_HOME",
    "client_factory": "the server (it holds the credentials)",
    "meta": "the server's META_GRAPH_URL, META_API_VERSION and META_ACCESS_TOKEN",
    "policy": "the server's policy file (ADPILOT_POLICY, or policy.json in ADPILOT_HOME)",
    "sandbox": "the server (it knows whether it talks to the sandbox)",
    "assets": "the server's ADPILOT_ASSET_DIR and ADPILOT_ALLOW_PRIVATE_URLS",
    "currency": "the ad account (read from Meta)",
    "timezone": "the ad account (read from Meta)",
}
# LangGraph's own keys, which reach the context when a caller sends `config.configurable`.
LANGGRAPH_KEYS = {"thread_id", "checkpoint_id", "checkpoint_ns", "checkpoint_map", "run_id",
                  "assistant_id", "graph_id", "user_id", "cron_id"}
_IDS = ("account_id", "page_id", "pixel_id")


class RequestRefused(ValueError):
    """A run's context asks for something it may not; the message names the field and the fix."""


class RequestContext(BaseModel):
    """What a request to LangGraph Server may set for its run (everything else is the server's)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              title="adpilot run context")

    account_id: str | None = Field(None, pattern=r"^(act_)?[0-9]{1,20}$", description=(
        "the ad account to work in, act_<digits> (default: the server's ADPILOT_ACCOUNT, else "
        "the only account its token reaches)"))
    page_id: str | None = Field(None, pattern=r"^[0-9]{1,20}$", description=(
        "the Facebook page that runs the ads (default: ADPILOT_PAGE, else the only page)"))
    pixel_id: str | None = Field(None, pattern=r"^[0-9]{1,20}$", description=(
        "the Meta pixel that measures conversions (default: ADPILOT_PIXEL, else the only one)"))
    model: str | None = Field(None, max_length=200,
                              pattern=r"^(rules|[A-Za-z0-9_.-]+:[A-Za-z0-9_.:/@-]+)$",
                              description=("'rules' (the offline planner) or 'provider:model', "
                                           "e.g. openai:gpt-4.1-mini (default: ADPILOT_MODEL)"))
    max_cycles: int | None = Field(None, ge=0, le=1000, description=(
        "stop the optimise loop after this many cycles"))
    cycle_days: int | None = Field(None, ge=1, le=90, description=(
        "days between optimise cycles"))


_FORMS = {"account_id": 'use act_<digits>, e.g. "act_123"',
          "page_id": 'use the page\'s numeric id, e.g. "102030405060708"',
          "pixel_id": 'use the pixel\'s numeric id, e.g. "880011223344556"',
          "model": "use 'rules' or 'provider:model', e.g. openai:gpt-4.1-mini"}


def _say(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "context"
    if first["type"] == "extra_forbidden":
        return (f"`{where}` is not a setting a run's context can have; it can set "
                f"{', '.join(RequestContext.model_fields)}")
    what = _FORMS.get(where) if first["type"] == "string_pattern_mismatch" else first["msg"]
    return f"`{where}`: {what} (got {first.get('input')!r})"


def read_request(raw: Any) -> RequestContext:
    """Check a run's context as sent; return what it sets, or raise `RequestRefused`."""
    if isinstance(raw, RequestContext):
        return raw
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise RequestRefused('the run\'s context must be a JSON object such as '
                             '{"account_id": "act_123"}; nothing ran')
    sent = {str(k): v for k, v in raw.items()
            if k not in LANGGRAPH_KEYS and not str(k).startswith(("__", "langgraph_"))}
    try:
        bounds.check(sent, "the run's context", max_bytes=bounds.MAX_CONTEXT_BYTES,
                     max_depth=bounds.MAX_CONTEXT_DEPTH, fix="Nothing ran; a run's context "
                     'names an ad account, page, pixel or model, e.g. {"account_id": "act_123"}')
    except bounds.BoundsError as exc:
        raise RequestRefused(str(exc)) from None
    for key in sent:
        if key in SERVER_ONLY:
            raise RequestRefused(f"the run's context sets `{key}`, which a request cannot set: "
                                 f"it comes from {SERVER_ONLY[key]}. Remove `{key}` from the "
                                 "context; nothing ran")
    try:
        return RequestContext.model_validate(sent)
    except ValidationError as exc:
        raise RequestRefused(f"the run's context: {_say(exc)}. Nothing ran") from None


def request_key(asked: RequestContext) -> Key:
    """Return the (account, page, pixel) a request names: what the server prepares a context for."""
    return (act_id(asked.account_id) if asked.account_id else None, asked.page_id, asked.pixel_id)


class ServerContext(Context):
    """The run context on LangGraph Server: a request's fields over the server's (module doc)."""

    def __init__(self, **request: Any) -> None:
        asked = read_request(request)
        key = request_key(asked)
        base = SERVER.prepared(key)
        if base is None:
            if _on_event_loop():
                log.warning("adpilot: the run context was prepared on the event loop; serve "
                            "graph/server.py:make_graph (langgraph.json) to prepare it off it")
            base = SERVER.prepare(key)
        chosen = {k: v for k, v in asked.model_dump(exclude_none=True).items() if k not in _IDS}
        context = dataclasses.replace(base, **chosen) if chosen else base
        for f in dataclasses.fields(Context):
            object.__setattr__(self, f.name, getattr(context, f.name))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """Validate and describe as `RequestContext` (what a request sends), then build."""
        return core_schema.no_info_after_validator_function(
            lambda asked: cls(**asked.model_dump(exclude_none=True)), handler(RequestContext))


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def _thread_values(config: RunnableConfig) -> dict[str, Any] | None:
    """Return the thread's saved state values (None before its first checkpoint: a new run)."""
    configurable = config.get("configurable") or {}
    saver = configurable.get(CONFIG_KEY_CHECKPOINTER)
    thread_id = configurable.get("thread_id")
    if saver is None or not thread_id:
        return None
    found = await saver.aget_tuple({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}})
    if found is None:
        return None
    return dict(found.checkpoint.get("channel_values") or {})


async def make_graph(config: RunnableConfig, runtime: ServerRuntime) -> Any:
    """Return the served graph; for a run, check its context and prepare it first (module doc)."""
    execution = runtime.execution_runtime
    if execution is None:  # schemas, state reads, drawing: no run, no context
        return graph
    asked = read_request(execution.context)
    thread_id = str((config.get("configurable") or {}).get("thread_id") or "")
    values = await _thread_values(config)
    recorded = act_id(str(values.get("account") or "")) if values else ""
    named = request_key(asked)[0]
    context = None if recorded and named and named != recorded else \
        await asyncio.to_thread(SERVER.prepare, request_key(asked))
    if context is None or (recorded and recorded != context.account_id):
        # A resume without a context (Agent Inbox sends none) would run in the server's
        # default account: another account's money. Refuse, naming the one to send.
        raise RequestRefused(
            f"thread {thread_id} works in ad account {recorded}, and this run's context means "
            f"{named or (context.account_id if context else None) or 'no account'}; send the context "
            f'{{"account_id": "{recorded}"}} (or use an assistant configured with it). '
            "Nothing ran")
    labels = run_config(thread_id, context, action="resume" if values is not None else "run")
    return graph.with_config(run_name=labels.get("run_name"), tags=labels.get("tags"),
                             metadata=labels.get("metadata"))


# Served without a checkpointer: LangGraph Server brings its own.
graph = build_graph(context_schema=ServerContext)
