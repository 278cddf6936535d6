"""A sandbox over HTTP with one SDK-made campaign, and the tools' handle pointed at it.

`world` is one sandbox per test module: "Spring Sale" (an ACTIVE sales campaign with a
campaign budget, one ad set, one ad) created with the facebook_business SDK — not by
adpilot — and seven days of delivery. Every test gets its own ADPILOT_HOME; the tools never
write to the sandbox, so the module can share it (each test checks the write count).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from facebook_business.adobjects.campaign import Campaign

from sandbox.server import SandboxServer
from sandbox.testing import SANDBOX_TOKEN, make_api
from tests.cli.conftest import META_VARS
from tests.requests.world import sdk_world


class World:
    """The module's sandbox and the SDK-made objects."""

    def __init__(self, sb: SandboxServer, ids: dict[str, str], image: Path) -> None:
        self.sb, self.ids, self.image = sb, ids, image
        self.url = sb.url
        self.account = sb.account_id

    def writes(self) -> int:
        """Return the sandbox's write count so far."""
        return int(self.sb.admin("GET", "/__sandbox__/stats")["writes"])

    def status_of(self, object_id: str) -> str:
        """Return an object's status as Meta says it (read with the SDK, not adpilot)."""
        return str(Campaign(object_id, api=make_api(self.url)).api_get(fields=["status"])["status"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("mcp")
    files = tmp / "files"
    files.mkdir()
    with SandboxServer(tmp / "sb.db", scenario="ecommerce_usd", seed=7,
                       token=SANDBOX_TOKEN) as sb:
        ids = sdk_world(sb, files)  # made with the SDK, not by adpilot
        sb.admin("POST", "/__sandbox__/clock/advance", {"days": 7})
        yield World(sb, {"campaign": ids["campaign"], "adset": ids["adsets"]["Women 25-34"],
                         "ad": ids["ads"]["Video - Trail"]}, files / "shoe.png")


@pytest.fixture
def meta_env(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point adpilot at the world's sandbox by env, with a fresh ADPILOT_HOME."""
    for name in META_VARS:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    env = {"META_GRAPH_URL": world.url, "META_ACCESS_TOKEN": SANDBOX_TOKEN,
           "ADPILOT_HOME": str(tmp_path / "home")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    return env


@pytest.fixture
def tool_env(world: World, meta_env: dict[str, str]) -> Iterator[Any]:
    """The tools' handle, built the way `adpilot mcp` builds it (files: the world's image folder)."""
    from graph.toolkit import open_tool_env

    with open_tool_env(files=world.image.parent, announce=lambda _: None) as env:
        yield env
