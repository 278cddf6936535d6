"""`adpilot mcp`: the tool surface (`graph/toolkit.py`) over the Model Context Protocol.

Built on the official `mcp` Python SDK (2.x, where FastMCP is `MCPServer`), so Claude
Desktop, Cursor and other agent clients can read accounts, campaign trees, insights and
threads, plan a brief, and propose changes. The server registers exactly the toolkit's
LangChain tools — their names, docstrings and argument schemas, derived from them and never
redefined — and runs each through `graph.toolkit.call_tool`, the function the LangChain tools
call. No tool approves, resumes, edits or applies anything: approval stays with a person
(`adpilot approve`, LangGraph Studio, Agent Inbox).

A failure is an MCP tool error (`isError`) whose text names the field and the fix: never a
traceback, never a token. The handle (`ToolEnv`: home, client, credentials) is built by the
operator's process before serving; nothing a client sends can change it. On stdio, stdout
carries only the protocol: the SDK points fd 1 at stderr while it serves, and adpilot's own
messages go to stderr.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools.base import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import CallToolResult, ContentBlock, TextContent, ToolAnnotations
from pydantic import BaseModel, ConfigDict

from graph.toolkit import ToolEnv, ToolInputError, call_tool, make_tools
from state.secrets import install_log_scrubbing

READ_ONLY = frozenset({"list_accounts", "campaign_tree", "query_insights", "thread_status",
                       "plan_brief"})
INSTRUCTIONS = (
    "adpilot runs Meta ads with a person approving every change. These tools read (accounts, "
    "the campaign tree, insights, threads, a plan for a brief) and propose: propose_request "
    "and propose_watch start a thread that stops at a card. No tool can approve it: tell the "
    "person to run `adpilot approve THREAD` (or use LangGraph Studio / Agent Inbox).")


class _Arguments(ArgModelBase):
    """The client's arguments, passed on as sent: the toolkit validates them (one schema)."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    def model_dump_one_level(self) -> dict[str, Any]:
        """Return the arguments as the client sent them."""
        return dict(self.model_extra or {})


def _text(data: Any) -> list[ContentBlock]:
    return _said(json.dumps(data, indent=2, default=str))


def _said(text: str) -> list[ContentBlock]:
    return [TextContent(type="text", text=text)]


def _runner(env: ToolEnv, name: str) -> Any:
    def run(**arguments: Any) -> CallToolResult:
        try:
            result = call_tool(env, name, arguments)
        except ToolInputError as exc:
            return CallToolResult(content=_said(str(exc)), is_error=True)
        return CallToolResult(content=_text(result), structured_content=result)

    run.__name__ = name
    return run


def mcp_tools(env: ToolEnv) -> list[Tool]:
    """Return the MCP tools: one per toolkit tool, with its name, docstring and schema."""
    out = []
    for lc in make_tools(env):
        schema = lc.args_schema
        assert isinstance(schema, type) and issubclass(schema, BaseModel)  # the toolkit's own
        parameters = schema.model_json_schema()
        read_only = lc.name in READ_ONLY
        out.append(Tool(
            fn=_runner(env, lc.name), name=lc.name, title=None, description=lc.description,
            parameters=parameters, fn_metadata=FuncMetadata(arg_model=_Arguments),
            is_async=False, context_kwarg=None,
            annotations=ToolAnnotations(read_only_hint=read_only, destructive_hint=False,
                                        idempotent_hint=read_only, open_world_hint=True)))
    return out


def build_server(env: ToolEnv) -> MCPServer:
    """Return the MCP server over `env`'s tools (nothing else is registered)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        release = version("adpilot")
    except PackageNotFoundError:
        release = ""
    return MCPServer(name="adpilot", instructions=INSTRUCTIONS, version=release,
                     tools=mcp_tools(env), log_level="WARNING")


def serve(env: ToolEnv, *, port: int | None = None, host: str = "127.0.0.1") -> None:
    """Serve until the client disconnects (stdio) or the process is stopped (HTTP)."""
    server = build_server(env)
    if port is None:
        install_log_scrubbing()  # after the SDK configured its logging
        server.run("stdio")
    else:
        install_log_scrubbing()
        server.run("streamable-http", host=host, port=port)
