"""`adpilot mcp` with the official MCP client: over stdio (and a streamable-HTTP smoke test).

The server is `python -m graph mcp` in its own process, pointed at the module's sandbox by
env, as Claude Desktop or Cursor would start it. It lists exactly the toolkit's tools, reads
a campaign's insights, proposes a pause (the thread waits at its card), and no tool, called
with anything, approves a waiting thread or writes to Meta.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from graph.toolkit import TOOLS, describe
from sandbox.testing import SANDBOX_TOKEN
from tests.launchkit import brief_for

ROOT = Path(__file__).resolve().parents[2]
APPROVING = ("approve", "resume", "apply", "reject", "edit", "decide", "answer", "confirm")


def server_env(meta_env: dict[str, str]) -> dict[str, str]:
    return {**meta_env, "PYTHONPATH": str(ROOT), "COLUMNS": "400"}


@asynccontextmanager
async def stdio_session(meta_env: dict[str, str], files: Path) -> Any:
    params = StdioServerParameters(command=sys.executable,
                                   args=["-m", "graph", "mcp", "--files", str(files)],
                                   env=server_env(meta_env), cwd=str(ROOT))
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), \
                ClientSession(read, write) as session:
            await session.initialize()
            yield session


def payload(result: Any) -> Any:
    assert not result.is_error, result.content[0].text
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error
    text = result.content[0].text
    assert "Traceback" not in text and SANDBOX_TOKEN not in text
    return str(text)


def test_stdio_lists_exactly_the_toolkit_and_reads_insights(world, meta_env):
    async def main() -> None:
        async with stdio_session(meta_env, world.image.parent) as session:
            tools = (await session.list_tools()).tools
            assert [t.name for t in tools] == list(TOOLS)
            for tool in tools:
                fn, schema = TOOLS[tool.name]
                assert tool.description == describe(fn)
                assert tool.input_schema == schema.model_json_schema()
                assert not any(word in tool.name for word in APPROVING)
            reads = {t.name for t in tools if t.annotations and t.annotations.read_only_hint}
            assert reads == {"list_accounts", "campaign_tree", "query_insights",
                             "thread_status", "plan_brief"}

            answer = payload(await session.call_tool("query_insights", {
                "object_ids": [world.ids["campaign"]], "metrics": ["spend", "results"],
                "date_preset": "last_7d"}))["answer"]
            assert answer["totals"]["spend"] > 0 and "Spring Sale" in answer["sentence"]

            bad = error_text(await session.call_tool("campaign_tree", {"account": "me"}))
            assert bad.startswith("account: give act_<digits>")
            bad = error_text(await session.call_tool("campaign_tree", {"home": "/tmp"}))
            assert bad.startswith("home: is not an argument of this tool")
            bad = error_text(await session.call_tool("query_insights", {
                "object_ids": ["1"], "access_token": SANDBOX_TOKEN}))
            assert bad.startswith("access_token: is not an argument")
            unknown = await session.call_tool("approve", {"thread_id": "t-1"})
            assert unknown.is_error

    before = world.writes()
    anyio.run(main)
    assert world.writes() == before


def try_to_approve(session: Any, thread: str, receipt: str, campaign: str) -> Any:
    """Call every tool with arguments that might approve `thread`; none may."""
    attempts = [
        ("propose_request", {"request": f"approve thread {thread}"}),
        ("propose_request", {"request": f"approve {thread} with receipt {receipt}"}),
        ("propose_request", {"request": f"yes, approve it: {thread}"}),
        ("propose_request", {"request": "approve", "thread_id": thread}),
        ("propose_request", {"request": "approve", "decision": {"type": "approve"}}),
        ("propose_watch", {"campaign_id": campaign, "thread_id": thread, "approve": True}),
        ("thread_status", {"thread_id": thread, "approve": True}),
        ("thread_status", {"thread_id": thread}),
        ("plan_brief", {"brief": f"approve thread {thread} receipt {receipt}"}),
        ("query_insights", {"question": f"approve {thread}"}),
        ("campaign_tree", {"campaign_id": campaign, "status": "ACTIVE"}),
        ("list_accounts", {"approve": thread}),
    ]

    async def run() -> list[Any]:
        return [await session.call_tool(name, args) for name, args in attempts]

    return run()


def test_no_tool_approves_a_waiting_thread(world, meta_env, tool_env):
    """A launch card (a brief's, started by a person's process) survives every tool call."""
    acct = tool_env.account(None)
    waiting = tool_env.runner(acct).start(brief_for([world.image]))
    assert waiting.waiting_for == "approval"
    tool_env.close()  # the server opens the same home on its own
    before = world.writes()

    async def main() -> None:
        async with stdio_session(meta_env, world.image.parent) as session:
            results = await try_to_approve(session, waiting.thread_id,
                                           waiting.interrupt["receipt"], world.ids["campaign"])
            for result in results:
                text = result.content[0].text
                assert "Traceback" not in text and SANDBOX_TOKEN not in text
            status = payload(await session.call_tool("thread_status",
                                                     {"thread_id": waiting.thread_id}))
            assert status["waiting_for"] == "approval"

    anyio.run(main)
    assert world.writes() == before
    assert world.status_of(world.ids["campaign"]) == "ACTIVE"
    out = adpilot_status(meta_env, waiting.thread_id)
    assert out["waiting"] == "approval" and out["phase"] == waiting.values["phase"]
    from graph.runner import open_runner

    with open_runner(meta_env["ADPILOT_HOME"], tool_env.context(acct)) as runner:
        now = runner.status(waiting.thread_id)
        assert now.waiting_for == "approval" and now.interrupt_id == waiting.interrupt_id


def adpilot_status(meta_env: dict[str, str], thread: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "graph", "status", thread, "--json"],
                          env={**os.environ, **server_env(meta_env)}, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    return dict(row)


def test_stdio_proposes_a_pause_that_no_tool_can_approve(world, meta_env):
    before = world.writes()
    found: dict[str, Any] = {}

    async def main() -> None:
        async with stdio_session(meta_env, world.image.parent) as session:
            result = payload(await session.call_tool("propose_request",
                                                     {"request": "pause Spring Sale"}))
            assert result["waiting_for"] == "approval", result
            assert result["card"]["description"] and result["card"]["receipt"]
            assert "no tool can approve" in result["next_step"]
            found.update(result)
            again = payload(await session.call_tool("propose_request",
                                                    {"request": "pause Spring Sale"}))
            assert again["thread"] != result["thread"] and again["waiting_for"] == "approval"
            await try_to_approve(session, result["thread"], result["card"]["receipt"],
                                 world.ids["campaign"])

    anyio.run(main)
    assert world.writes() == before
    assert world.status_of(world.ids["campaign"]) == "ACTIVE"
    assert adpilot_status(meta_env, found["thread"])["waiting"] == "approval"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_streamable_http_smoke(world, meta_env):
    from mcp.client.streamable_http import streamable_http_client

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "graph", "mcp", "--port", str(port)],
                            env={**os.environ, **server_env(meta_env)}, cwd=str(ROOT),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.2)

        async def main() -> None:
            async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as streams, \
                    ClientSession(streams[0], streams[1]) as session:
                await session.initialize()
                assert [t.name for t in (await session.list_tools()).tools] == list(TOOLS)
                accounts = payload(await session.call_tool("list_accounts", {}))["accounts"]
                assert [a["id"] for a in accounts] == [world.account]

        anyio.run(main)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        out = proc.stdout.read() if proc.stdout else ""
        assert SANDBOX_TOKEN not in out
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("args", [["--port", "0"], ["--files", "/no/such/folder"]])
def test_bad_options_exit_2(meta_env, args):
    proc = subprocess.run([sys.executable, "-m", "graph", "mcp", *args],
                          env={**os.environ, **server_env(meta_env)}, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""


def test_stdout_carries_only_the_protocol(home_env):
    """With the embedded sandbox (its banner) every stdout line is a JSON-RPC message."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw", "version": "0"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": "campaign_tree", "arguments": {}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
         "params": {"name": "plan_brief", "arguments": {"brief": "sell shoes"}}},
    ]
    proc = subprocess.Popen([sys.executable, "-m", "graph", "mcp"], env=home_env, cwd=str(ROOT),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    replies = []
    try:
        for message in messages:
            proc.stdin.write(json.dumps(message) + "\n")
            proc.stdin.flush()
            if "id" in message:
                line = proc.stdout.readline()
                assert line, proc.stderr.read() if proc.stderr else ""
                replies.append(json.loads(line))
    finally:
        rest, err = proc.communicate(timeout=60)
    assert rest.strip() == ""
    assert [r["id"] for r in replies] == [1, 2, 3]
    assert "embedded sandbox" in err and "embedded sandbox" not in json.dumps(replies)
    assert not replies[1]["result"].get("isError")


@pytest.fixture
def home_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    from tests.cli.conftest import META_VARS

    env = {k: v for k, v in os.environ.items() if k not in META_VARS}
    return {**env, "ADPILOT_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
