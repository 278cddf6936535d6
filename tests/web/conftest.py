"""A dashboard over a real thread: the embedded sandbox, a runner, the app served on loopback.

`dashboard(home)` opens the environment the way `adpilot web` does (the embedded sandbox on
`HOME/sandbox.db`, the demo's scenario and seed so the optimise cards are the demo's), starts a
launch thread at its approval card, and serves `graph.web.app` on a free loopback port.
`chromium()` is Debian's Chromium, which `.ci/run` installs (`.ci/chromium.sh`); the browser
tests skip, saying so, where it is not installed — a browser is never downloaded.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

BRIEF = ("Sell our new TrailBlaze running shoes to runners in the US and Canada. One ad set per "
         "age group: 18-24, 25-34, 35-44 and 45-54. Budget $160/day for 21 days starting "
         "tomorrow, target CPA $40. Landing page https://shop.example.com/trailblaze. Use images "
         "{images}. Shop now.")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / ".artifacts" / "web"


@dataclass
class Dashboard:
    """A served dashboard: its URL, environment, runner, app and the launch thread's id."""

    url: str
    env: Any
    runner: Any
    app: Any
    thread_id: str


@contextmanager
def dashboard(home: Path, *, launch: bool = True, guard: Any = None) -> Iterator[Dashboard]:
    """Serve the dashboard over `home` (with a launch card waiting when `launch`)."""
    from graph.cli.demo import DEMO_SEED, demo_scenario, sample_images
    from graph.environment import open_environment
    from graph.runner import open_runner
    from graph.web.app import create_app
    from graph.web.security import Guard
    from graph.web.serve import background, bound_socket, url_of

    home.mkdir(parents=True, exist_ok=True)
    images = sample_images(home / "demo_assets")
    with open_environment(home=home, embedded=True, seed=DEMO_SEED, announce=lambda *_: None,
                          scenario=demo_scenario(home)) as env:
        policy = dataclasses.replace(env.context.policy, go_live=True)
        env.context = dataclasses.replace(env.context, policy=policy, max_cycles=None)
        with open_runner(env.home, env.context) as runner:
            tid = ""
            if launch:
                brief = BRIEF.format(images=", ".join(str(p) for p in images))
                tid = runner.start(brief, "web-launch").thread_id
            app = create_app(env, runner, guard or Guard(bind_host="127.0.0.1"))
            sock = bound_socket("127.0.0.1", 0)
            stop = background(app, sock)
            try:
                yield Dashboard(url_of(sock).rstrip("/"), env, runner, app, tid)
            finally:
                stop()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Meta settings from the machine: the embedded sandbox, in a home under tmp_path."""
    for name in list(os.environ):
        if name.startswith(("META_", "ADPILOT_")) or name in ("OPENAI_API_KEY", "LANGSMITH_API_KEY"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("ADPILOT_HOME", str(home))
    return home


def chromium() -> str:
    """Debian's Chromium, or skip saying how to get it."""
    path = os.environ.get("ADPILOT_TEST_CHROMIUM") or shutil.which("chromium") or ""
    if not path or not Path(path).exists():
        pytest.skip("Debian's Chromium is not installed: `.ci/run` installs it "
                    "(`apt-get install chromium`), or set ADPILOT_TEST_CHROMIUM to a Chromium "
                    "binary; the browser tests never download one")
    return path


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under `.artifacts/web/` (kept after the run)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
