"""Fixtures for the third-party clients suite (`make test-clients`, marker `clients`).

Each test module gets its own sandbox (token of 20+ characters, which meta-ads-mcp requires)
and one long-lived driver per client it uses, each in the client's own venv (built on first
use by setup_envs.py; a client that cannot be installed skips with the reason). At the end of
the run a line per client says how many of its operations passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.server import SandboxServer
from tests.clients import setup_envs
from tests.clients.harness import TOKEN, Cli, Driver, Graph, Mcp, graph_version

# Test module prefix → client; every test in tests/clients belongs to exactly one.
CLIENT_OF_MODULE = {"test_mcp_": "meta-ads-mcp", "test_cli_": "meta-ads"}


def _venv(name: str) -> Path:
    try:
        return setup_envs.ensure(name)
    except setup_envs.Unavailable as exc:
        pytest.skip(f"{name} unavailable: {exc}")


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A sandbox for the module (scenario ecommerce_usd, seed 7)."""
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    with SandboxServer(db, scenario="ecommerce_usd", seed=7, token=TOKEN) as server:
        yield server


@pytest.fixture(scope="module")
def graph(sb: SandboxServer) -> Graph:
    return Graph(sb, graph_version(sb))


@pytest.fixture(scope="module")
def mcp(sb: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mcp]:
    """meta-ads-mcp pointed at `sb`, its token from META_ACCESS_TOKEN."""
    python = _venv("meta-ads-mcp")
    driver = Driver(python, "mcp_driver.py", ["--graph", f"{sb.url}/{graph_version(sb)}"],
                    {"META_ACCESS_TOKEN": TOKEN}, tmp_path_factory.mktemp("mcp-home"))
    yield Mcp(driver)
    driver.close()


@pytest.fixture(scope="module")
def cli(sb: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """Meta's CLI pointed at `sb`, with ACCESS_TOKEN and AD_ACCOUNT_ID set as its docs say."""
    python = _venv("meta-ads")
    version = graph_version(sb)
    args = ["--graph", sb.url] + ([] if version == "v24.0" else ["--version", version])
    driver = Driver(python, "cli_driver.py", args,
                    {"ACCESS_TOKEN": TOKEN, "AD_ACCOUNT_ID": sb.account_id},
                    tmp_path_factory.mktemp("cli-home"))
    yield Cli(driver)
    driver.close()


@pytest.fixture(scope="module")
def ids(sb: SandboxServer) -> dict[str, str]:
    """The scenario's account, page and pixel ids."""
    assert sb.store is not None
    return {
        "account": sb.account_id,
        "page": str(sb.store.list_objects("page")[0]["id"]),
        "pixel": str(sb.store.list_objects("adspixel")[0]["id"]),
    }


# -- the per-client summary -----------------------------------------------------------------
def _client(nodeid: str) -> str | None:
    name = nodeid.split("::")[0].rsplit("/", 1)[-1]
    return next((c for p, c in CLIENT_OF_MODULE.items() if name.startswith(p)), None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """`meta-ads-mcp: N/M operations passed`, one line per client, skips counted apart."""
    outcome: dict[str, str] = {}
    skips: dict[str, str] = {}
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    for status, reports in terminalreporter.stats.items():
        kind = {"passed": "passed", "skipped": "skipped", "failed": "failed",
                "error": "failed"}.get(status)
        for rep in reports:
            nodeid = getattr(rep, "nodeid", "")
            if kind is None or _client(nodeid) is None:
                continue
            if rank[kind] >= rank[outcome.get(nodeid, "passed")]:
                outcome[nodeid] = kind
            if kind == "skipped" and isinstance(rep.longrepr, tuple):
                skips[nodeid] = str(rep.longrepr[2]).removeprefix("Skipped: ")
    if not outcome:
        return
    terminalreporter.section("third-party clients")
    for client in CLIENT_OF_MODULE.values():
        mine = {n: o for n, o in outcome.items() if _client(n) == client}
        if not mine:
            continue
        counts = {k: sum(1 for o in mine.values() if o == k) for k in rank}
        ran = counts["passed"] + counts["failed"]
        line = f"{client}: {counts['passed']}/{ran} operations passed"
        if counts["skipped"]:
            line += f", {counts['skipped']} skipped"
        terminalreporter.write_line(line)
        for reason in sorted({skips[n] for n in mine if n in skips}):
            terminalreporter.write_line(f"  skipped: {reason}")
