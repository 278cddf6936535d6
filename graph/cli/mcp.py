"""The `mcp` command: serve adpilot's read and proposal tools to agent clients over MCP.

`adpilot mcp` speaks MCP on stdio (what Claude Desktop and Cursor start); `--port N` serves
streamable HTTP at `http://HOST:N/mcp` instead, on loopback unless `--host` says otherwise
(there is no authentication: expose it only where every caller may read the accounts).
The tools are `graph/toolkit.py`'s; none approves anything. `--files DIR` is the only folder
a brief or request may name media files in (default: the current directory).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph.cli.common import clear_errors, fail, talks_to_meta
from graph.cli.console import err_console
from graph.cli.root import app


@app.command()
@talks_to_meta
def mcp(port: Annotated[int | None, typer.Option(
            help="serve streamable HTTP on this port instead of stdio")] = None,
        host: Annotated[str, typer.Option(help="address to bind with --port")] = "127.0.0.1",
        files: Annotated[Path | None, typer.Option(
            help="the folder briefs may name media files in (default: the current one)")] = None,
        ) -> None:
    """Serve the read and proposal tools over MCP (stdio; HTTP with --port); none approves."""
    from graph.mcp_server import serve
    from graph.toolkit import open_tool_env

    if port is not None and not 0 < port < 65536:
        fail(f"--port {port}: give a port between 1 and 65535")
    if files is not None and not files.is_dir():
        fail(f"--files {files}: not a folder; give the folder the briefs' media files are in")
    if port is not None and host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"[yellow]warning:[/] serving MCP on {host} without authentication")
    with clear_errors(), open_tool_env(files=files, announce=err_console.print) as env:
        serve(env, port=port, host=host)
