"""Drive pipeboard's meta-ads-mcp tools against a Graph base URL (runs in the client's venv).

    python mcp_driver.py --graph http://127.0.0.1:PORT/v24.0

then JSON lines on stdin (see jsonlines.py): `{"tool": "get_campaigns", "args": {...}}` →
`{"ok": true, "result": <the tool's JSON, decoded>, "content": [...], "stderr": "..."}`; a tool
FastMCP refuses (bad arguments) → `{"ok": false, "error": "..."}`. `{"list_tools": true}` →
the registered tool names.

Tools are called through the package's own `FastMCP.call_tool`, so arguments are validated
as a real MCP request's would be. The token comes from `META_ACCESS_TOKEN` (the harness sets
one of 20+ characters: the package ignores shorter ones), exactly as a user configures it.

What is patched, in this process only (the package has no setting for any of it):
* `meta_ads_mcp.core.api.META_GRAPH_API_BASE` → `--graph`: every Graph call is built from that
  module global at call time.
* `meta_ads_mcp.core.utils.validate_public_url` (the SSRF guard of the image tools) lets
  through URLs on the sandbox's own loopback host and port, and nothing else: the sandbox
  serves its images on 127.0.0.1, which the guard refuses for any other address.
HOME (`~/.config/meta-ads-mcp`: log and token cache) is the harness's temp dir, and the
OAuth callback server is disabled.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import json
import os
import warnings
from typing import Any
from urllib.parse import urlparse

import jsonlines


def _decode(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _content(block: Any) -> dict[str, Any]:
    if getattr(block, "type", "") == "image":  # an image the tool downloaded: its size, not bytes
        from PIL import Image  # a dependency of meta-ads-mcp

        raw = base64.b64decode(block.data)
        width, height = Image.open(io.BytesIO(raw)).size
        return {"type": "image", "mimeType": block.mimeType, "bytes": len(raw),
                "width": width, "height": height}
    return {"type": getattr(block, "type", "?"), "text": getattr(block, "text", None)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--graph", required=True, help="Graph base URL with version")
    graph = parser.parse_args().graph.rstrip("/")
    os.environ.setdefault("META_ADS_DISABLE_CALLBACK_SERVER", "1")
    warnings.filterwarnings("ignore")  # pydantic-settings noise from mcp at import

    with jsonlines.captured():  # import-time warnings on stderr
        import meta_ads_mcp  # noqa: F401  (registers every tool on the FastMCP server)
        from meta_ads_mcp.core import api, utils
        from meta_ads_mcp.core.server import mcp_server

    api.META_GRAPH_API_BASE = graph
    sandbox = urlparse(graph)
    guard = utils.validate_public_url

    def sandbox_or_public(url: str) -> None:
        u = urlparse(url.strip()) if isinstance(url, str) else None
        if u and (u.hostname, u.port) == (sandbox.hostname, sandbox.port):
            return None
        return guard(url)

    utils.validate_public_url = sandbox_or_public
    loop = asyncio.new_event_loop()

    def handle(request: dict[str, Any]) -> dict[str, Any]:
        if request.get("list_tools"):
            tools = loop.run_until_complete(mcp_server.list_tools())
            return {"ok": True, "result": sorted(t.name for t in tools)}
        with jsonlines.captured() as out:
            try:
                result = loop.run_until_complete(
                    mcp_server.call_tool(request["tool"], request.get("args") or {})
                )
                error = None
            except Exception as exc:  # ToolError: FastMCP refused the arguments
                result, error = None, f"{type(exc).__name__}: {exc}"
        if error is not None:
            return {"ok": False, "error": error, "stderr": out["stderr"]}
        content, structured = result if isinstance(result, tuple) else (result, None)
        blocks = [_content(b) for b in content]
        value = (structured or {}).get("result")
        if value is None and blocks and blocks[0].get("text") is not None:
            value = blocks[0]["text"]
        return {"ok": True, "result": _decode(value) if isinstance(value, str) else value,
                "content": blocks, "stderr": out["stderr"] + out["stdout"]}

    jsonlines.serve(handle, [os.environ.get("META_ACCESS_TOKEN", "")])


if __name__ == "__main__":
    main()
