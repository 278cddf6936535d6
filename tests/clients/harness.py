"""Talk to the client drivers and to the sandbox itself, from the pytest process.

`Driver` runs one driver script (tests/clients/drivers/) in its client's venv as a long-lived
subprocess, one JSON line per request (see drivers/jsonlines.py), with a clean environment:
HOME and XDG_CONFIG_HOME in a temp dir, the temp dir as working directory (no `.env` above
it is read), no proxy for loopback, and only the variables the client needs. `Mcp` and `Cli`
wrap it per client; `Graph` reads the sandbox directly over HTTP, to check what a client wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sandbox.server import SandboxServer

DRIVERS = Path(__file__).resolve().parent / "drivers"
TOKEN = "sandbox-clients-token-0123456789"  # meta-ads-mcp ignores tokens under 20 characters
CLIENT_VERSION = 24  # both clients are pinned to Graph v24.0


def graph_version(sb: SandboxServer) -> str:
    """The clients' own v24.0, or the oldest version the sandbox still serves if newer."""
    assert sb.store is not None
    oldest = int(sb.store.get_setting("min_api_version", 23))
    return f"v{max(CLIENT_VERSION, oldest)}.0"


def decode(value: Any) -> Any:
    """JSON strings nested in a tool's JSON (meta-ads-mcp wraps some answers twice), decoded."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return decode(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def graph_error(value: Any) -> dict[str, Any] | None:
    """Graph's error object (`{"code", "message", ...}`) wherever a client nested the envelope."""
    if isinstance(value, dict):
        inner = value.get("error")
        if isinstance(inner, dict) and isinstance(inner.get("code"), int):
            return inner
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = graph_error(item)
            if found is not None:
                return found
    return None


def refusal(value: Any) -> str:
    """`""`, or Graph's refusal in one line (`#100/33: message`) for an assertion message."""
    error = graph_error(value)
    if error is None:
        return ""
    code = f"#{error['code']}" + (f"/{error['error_subcode']}" if "error_subcode" in error else "")
    return f"Graph refused it, {code}: {error.get('error_user_msg') or error.get('message')}"


class Driver:
    """A driver subprocess and its JSON-lines channel."""

    def __init__(self, python: Path, script: str, args: list[str], env: dict[str, str],
                 home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "driver-stderr.log"
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
                "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
                "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(python), str(DRIVERS / script), *args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env={**base, **env}, cwd=home, text=True, bufsize=1,
            )
        self._selector = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self._selector.register(self.proc.stdout, selectors.EVENT_READ)
        try:
            ready = self._read(timeout=120)
            assert ready.get("ready"), f"driver {script} did not start: {self.tail()}"
        except BaseException:
            self.close()
            raise

    def tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-2000:].replace(TOKEN, "<token>")

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        if not self._selector.select(timeout):
            self.proc.kill()  # a late answer must not be read as the next request's
            raise AssertionError(f"driver gave no answer in {timeout:.0f} s: {self.tail()}")
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"driver exited ({self.proc.poll()}): {self.tail()}")
        return dict(json.loads(line))

    def request(self, payload: dict[str, Any], timeout: float = 90) -> dict[str, Any]:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(payload) + "\n")
            self.proc.stdin.flush()
        except OSError as exc:
            raise AssertionError(f"driver exited ({self.proc.poll()}): {self.tail()}") from exc
        return self._read(timeout)

    def close(self) -> None:
        if self.proc.stdin:
            with contextlib.suppress(OSError):  # a driver that died leaves a broken pipe
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._selector.close()


@dataclass
class Mcp:
    """meta-ads-mcp's tools, called through its FastMCP server."""

    driver: Driver

    def raw(self, tool: str, **args: Any) -> dict[str, Any]:
        """The whole driver response: ok, result (decoded), content blocks, stderr."""
        return self.driver.request({"tool": tool, "args": args})

    def __call__(self, tool: str, **args: Any) -> Any:
        """The tool's result, with nested JSON decoded; fails if FastMCP refused the call."""
        response = self.raw(tool, **args)
        assert response["ok"], f"{tool} refused: {response.get('error')}"
        return decode(response["result"])

    def tools(self) -> list[str]:
        return list(self.driver.request({"list_tools": True})["result"])


@dataclass
class Run:
    """One CLI invocation: exit code and what it printed."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def api_error(self) -> int | None:
        """The Graph code of `Error: API error (<code>): ...`, the CLI's report of a refusal."""
        m = re.search(r"API error \((\d+)\)", self.stderr)
        return int(m.group(1)) if m else None


@dataclass
class Cli:
    """Meta's `meta` CLI; `json(...)` runs `meta -o json ...` and expects success."""

    driver: Driver
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *argv: str, env: dict[str, str] | None = None) -> Run:
        r = self.driver.request({"argv": list(argv), "env": {**self.env, **(env or {})}})
        if "exit_code" not in r:
            raise AssertionError(f"driver failed: {r.get('error')} {r.get('stderr', '')[-1500:]}")
        return Run(int(r["exit_code"]), r.get("stdout", ""), r.get("stderr", ""))

    def json(self, *argv: str, env: dict[str, str] | None = None) -> Any:
        run = self.run("-o", "json", *argv, env=env)
        assert run.exit_code == 0, f"meta {' '.join(argv)} → exit {run.exit_code}: {run.stderr[-1500:]}"
        return run.json()

    def commands(self) -> list[str]:
        return list(self.driver.request({"list_commands": True})["result"])


class Graph:
    """Read (or write) the sandbox directly, with the sandbox's token, as any HTTP client would."""

    def __init__(self, sb: SandboxServer, version: str) -> None:
        self.base = f"{sb.url}/{version}"

    def call(self, method: str, path: str, **params: Any) -> dict[str, Any]:
        """The JSON answer, error envelopes included (they are what tests assert on)."""
        flat = {k: json.dumps(v) if isinstance(v, dict | list) else str(v)
                for k, v in params.items()}
        flat["access_token"] = TOKEN
        query = urllib.parse.urlencode(flat)
        url = f"{self.base}/{path.lstrip('/')}"
        data = None
        if method == "GET":
            url += "?" + query
        else:
            data = query.encode()
        req = urllib.request.Request(url, data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return dict(json.loads(resp.read()))
        except urllib.error.HTTPError as exc:
            return dict(json.loads(exc.read()))

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", path, **params)

    def post(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("POST", path, **params)
