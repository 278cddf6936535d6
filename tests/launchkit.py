"""Shared helpers for the launch-path tests (graph, agents, cli): a sandbox, a context, a brief."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PIL import Image

from graph.environment import SANDBOX_TOKEN, build_context
from state.context import Context, MetaSettings

APPROVE = {"decisions": [{"type": "approve"}]}


def images(folder: Path, n: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        path = folder / f"shoe_{i}.png"
        Image.new("RGB", (1080, 1080), (40 * i, 120, 200)).save(path)
        out.append(path)
    return out


def brief_for(paths: list[Path], budget: str = "$60/day") -> str:
    return (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget {budget} "
            f"for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
            f"Use images {', '.join(str(p) for p in paths)}. Shop now.")


def context_for(url: str, home: Path, **overrides: Any) -> Context:
    return build_context(MetaSettings(graph_url=url), home, token=SANDBOX_TOKEN, sandbox=True,
                         base=Context(), **overrides)


def said(result: Any) -> str:
    """A CLI result's output with line wrapping undone."""
    return " ".join(result.output.split())


def writes(server: Any) -> int:
    """How many writes the sandbox behind `server` has taken."""
    return int(admin(server.url, "GET", "/__sandbox__/stats")["writes"])


def admin(url: str, method: str, path: str, body: dict | None = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{url}{path}", data=data, method=method,
                                 headers={"Authorization": f"OAuth {SANDBOX_TOKEN}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def objects(url: str, kind: str) -> list[dict[str, Any]]:
    body = admin(url, "GET", f"/__sandbox__/objects?type={kind}")
    return body.get("data", body) if isinstance(body, dict) else body


def adpilot(*args: str, env_extra: dict | None = None, code: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the CLI in a new process (or `code` before it, e.g. a crash hook)."""
    env = {**os.environ, **(env_extra or {}), "COLUMNS": "400"}
    if code is None:
        cmd = [sys.executable, "-m", "graph", *args]
    else:
        cmd = [sys.executable, "-c", code + f"\nfrom graph.cli import app\napp({list(args)!r}, prog_name='adpilot')"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


def plan_for(ctx: Any, paths: list[Path], *, salt: str = "t1", daily_minor: int = 6000) -> dict[str, Any]:
    """A valid sales plan with one ad per image, written by hand (no planner involved)."""
    ads = [{"name": f"Ad {i}", "creative": {"format": "image", "primary_text": "Grip that lasts.",
                                             "headline": "Trail ready", "call_to_action": "SHOP_NOW",
                                             "assets": [{"kind": "image", "path": str(p)}]}}
           for i, p in enumerate(paths)]
    return {"name": "Trail shoes", "objective": "OUTCOME_SALES", "currency": ctx.currency,
            "budget": {"kind": "daily", "amount_minor": daily_minor, "level": "campaign"},
            "start_time": "2030-01-01T00:00:00+00:00", "end_time": "2030-01-15T00:00:00+00:00",
            "landing_url": "https://shop.example.com/trail", "key_salt": salt,
            "ad_sets": [{"name": "US runners", "optimization_goal": "OFFSITE_CONVERSIONS",
                         "billing_event": "IMPRESSIONS", "destination_type": "WEBSITE",
                         "promoted_object": {"pixel_id": ctx.pixel_id, "custom_event_type": "PURCHASE"},
                         "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25, "age_max": 45},
                         "ads": ads}]}


def runtime_for(ctx: Any, thread_id: str) -> Any:
    from langgraph.runtime import ExecutionInfo, Runtime

    return Runtime(context=ctx, execution_info=ExecutionInfo(
        checkpoint_id="", checkpoint_ns="", task_id="", thread_id=thread_id))


@contextmanager
def demo_runner(tmp_path: Path, monkeypatch: Any) -> Iterator[tuple[Path, Any, str]]:
    """A runner on the embedded sandbox in a fresh home (no loop cycles), with the demo's brief.

    Yields (home, runner, brief); the Meta, checkpoint and model settings of the machine are
    cleared so the run is the offline one every test expects.
    """
    from graph.cli.demo import DEMO_BRIEF, sample_images
    from graph.environment import open_environment
    from graph.runner import open_runner

    home = tmp_path / "home"
    monkeypatch.setenv("ADPILOT_HOME", str(home))
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_CHECKPOINT_URL", "ADPILOT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    images = ", ".join(str(p) for p in sample_images(tmp_path / "img"))
    with open_environment(home=home, embedded=True, announce=lambda *_: None, max_cycles=0) as env, \
            open_runner(env.home, env.context) as runner:
        yield home, runner, DEMO_BRIEF.format(images=images)
