"""Shared fixtures: a running sandbox on a free loopback port and an SDK pointed at it.

    def test_x(sandbox, fb_api):
        account = AdAccount(sandbox.account_id, api=fb_api)
        sandbox.admin("POST", "/__sandbox__/clock/advance", {"days": 1})

`sandbox` is function-scoped (a fresh DB per test); `sandbox_module` is one server per test
module for read-mostly tests. `SANDBOX_TOKEN` is the token both use.
"""

from __future__ import annotations

import os

# The CLI's Rich consoles take their width from COLUMNS when first built (graph/cli/console.py),
# which is whenever a test first imports the CLI; a wide one keeps long tmp paths (longer still
# under pytest-xdist's per-worker folders) on one line, so messages can be matched as text.
os.environ["COLUMNS"] = "400"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path

import pytest
from facebook_business.api import FacebookAdsApi

from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api
from tests.launchkit import context_for, images

__all__ = ["SANDBOX_TOKEN", "make_api"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A fresh sandbox (scenario ecommerce_usd, seed 7) on a free loopback port."""
    with SandboxServer(
        tmp_path / "sandbox.db", scenario="ecommerce_usd", seed=7, token=SANDBOX_TOKEN
    ) as sb:
        yield sb


@pytest.fixture(scope="module")
def sandbox_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One sandbox shared by a test module."""
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    with SandboxServer(db, scenario="ecommerce_usd", seed=7, token=SANDBOX_TOKEN) as sb:
        yield sb


@pytest.fixture
def fb_api(sandbox: SandboxServer) -> Iterator[FacebookAdsApi]:
    """An SDK api bound to the function-scoped `sandbox`, also the SDK default for the test.

    Built without `FacebookAdsApi.init`, so no crash reporter is installed (crash_log=False).
    """
    api = make_api(sandbox.url)
    previous = FacebookAdsApi.get_default_api()
    FacebookAdsApi.set_default_api(api)
    yield api
    FacebookAdsApi.set_default_api(previous)


# -- launch fixtures (tests/agents, tests/graph, tests/cli) ------------------------------------
@pytest.fixture
def sandbox_server(tmp_path: Path) -> Iterator[SandboxServer]:
    """A sandbox with the launch tests' seed (7)."""
    with SandboxServer(db_path=tmp_path / "sandbox.db", seed=7) as server:
        yield server


@pytest.fixture
def launch_context(sandbox_server: SandboxServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A run `Context` pointed at `sandbox_server`, its home in tmp."""
    return context_for(sandbox_server.url, tmp_path / "home")


@pytest.fixture
def sample_images(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Three small, valid PNGs for plans to use."""
    return images(tmp_path / "assets")


# -- scheduling under pytest-xdist (`make test`: -n 2 --dist loadfile) --------------------------
# Order only, never which tests run. xdist hands out whole files, by default those with the most
# tests first; here the files with the fewest tests are the longest (a bench run in real
# processes is one test), so one worker was left running them alone at the end while the other
# idled. The longest files go first instead (seconds from `--durations`, two busy cores, at
# 5c01426), the rest in collection order: the two workers then finish within seconds.
LONGEST_FIRST = (
    "safety/test_races.py",  # 157 s
    "safety/test_storage_faults.py",  # 148 s
    "safety/test_crash_matrix.py",  # 120 s
    "safety/test_token_leak.py",  # 116 s
    "safety/test_cli_safety.py",  # 64 s
    "evals/test_make_evals.py",  # 63 s
    "cli/test_cli_launch.py",  # 63 s
    "optimize/test_noise_reversals.py",  # 46 s
    "server/test_langgraph_dev.py",  # 43 s
    "mcp/test_mcp_server.py",  # 38 s
    "cli/test_cli_reading.py",  # 35 s
    "reporting/test_report_readable.py",  # 32 s
    "web/test_access.py",  # 28 s
    "optimize/test_alerts_graph.py",  # 27 s
    "tracing/test_demo_trace.py",  # 25 s
    "web/test_browser.py",  # 19 s
)


def pytest_configure(config: pytest.Config) -> None:
    """Keep the collection order below under `--dist loadfile` (xdist's reorder would undo it)."""
    if getattr(config.option, "dist", "no") == "loadfile":
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the files of `LONGEST_FIRST` first, in its order; the rest keep theirs."""
    rank = {f"tests/{path}": i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
