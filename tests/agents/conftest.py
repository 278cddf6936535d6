import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from launchkit import context_for, images  # noqa: E402


@pytest.fixture
def sandbox_server(tmp_path):
    from sandbox.server import SandboxServer

    with SandboxServer(db_path=tmp_path / "sandbox.db", seed=7) as server:
        yield server


@pytest.fixture
def launch_context(sandbox_server, tmp_path):
    return context_for(sandbox_server.url, tmp_path / "home")


@pytest.fixture
def sample_images(tmp_path):
    return images(tmp_path / "assets")
