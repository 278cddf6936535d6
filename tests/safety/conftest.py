"""Fixtures: a real sandbox over HTTP, a ledger, and ledgered Meta clients per thread."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from sandbox.server import SandboxServer
from state.ledger import Ledger
from tools.meta_client import MetaClient

TOKEN = "sandbox-token"


class World:
    """A sandbox, a ledger in a fake ADPILOT_HOME, and a client factory like the CLI's."""

    def __init__(self, sb: SandboxServer, home: Path) -> None:
        self.sb = sb
        self.home = home
        self.ledger = Ledger.in_home(home)
        probe = MetaClient({"graph_url": sb.url, "account_id": sb.account_id}, token=TOKEN)
        pages = probe.get_all("me/accounts", {"fields": "id"})
        pixels = probe.get_all(f"{sb.account_id}/adspixels", {"fields": "id"})
        self.settings = {"graph_url": sb.url, "account_id": sb.account_id,
                         "page_id": pages[0]["id"], "pixel_id": pixels[0]["id"] if pixels else None}

    def client(self, thread_id: str | None = None, *, ledger: bool = True) -> MetaClient:
        return MetaClient(self.settings, ledger=self.ledger if ledger else None,
                          thread_id=thread_id, token=TOKEN, retry_initial_s=0.01,
                          retry_max_s=0.05)

    __call__ = client

    def writes(self) -> int:
        return int(self.sb.admin("GET", "/__sandbox__/stats")["writes"])

    def objects(self, type_: str) -> list[dict[str, Any]]:
        body = self.sb.admin("GET", f"/__sandbox__/objects?type={type_}")
        return body.get("data", body.get("objects", [])) if isinstance(body, dict) else body


@pytest.fixture
def world(tmp_path):
    with SandboxServer(db_path=tmp_path / "sb.db", seed=3, token=TOKEN) as sb:
        w = World(sb, tmp_path / "home")
        yield w
        w.ledger.close()


def png(size: int = 1080) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def launch(world: World, thread_id: str, *, go_live: bool = True) -> dict[str, str]:
    """Launch the fuzz base plan (2 ad sets) through the real launcher; activate it."""
    import copy

    from state.meta_tree import to_meta_tree
    from state.plan import load_plan
    from tools.launch import activate_tree, launch_tree

    from .strategies import BASE_PLAN

    doc = copy.deepcopy(BASE_PLAN)
    doc["key_salt"] = thread_id
    doc["ad_sets"][0]["promoted_object"]["pixel_id"] = world.settings["pixel_id"]
    second = copy.deepcopy(doc["ad_sets"][0])
    second["name"] = "US older"
    second["targeting"]["age_min"] = 55
    second["targeting"]["age_max"] = 65
    doc["ad_sets"].append(second)
    doc["budget"] = {"kind": "daily", "amount_minor": 2500, "level": "ad_set"}
    client = world.client(thread_id)
    image = client.upload_image(png(), "a.png", plan_key=f"{thread_id}-img")
    plan = load_plan(doc)
    tree = to_meta_tree(plan, account_id=world.settings["account_id"],
                        page_id=world.settings["page_id"],
                        image_hashes={"https://example.com/a.jpg": image["hash"]}, video_ids={})
    result = launch_tree(client, tree, thread_id=thread_id, receipt="r-launch")
    assert result.ok, result.failed
    if go_live:  # through the money gate, like the graph's activate node
        by_type = {t: {k: result.ids[k] for k, kt in result.types.items() if kt == t}
                   for t in ("campaign", "adset", "ad")}
        created = {"campaign": next(iter(by_type["campaign"].values())),
                   "ad_sets": by_type["adset"], "ads": by_type["ad"]}
        keys = {v: k for t in ("adset", "ad") for k, v in by_type[t].items()}
        outcomes = activate_tree(client, created, policy=None, receipt="r-launch",
                                 campaign_key=next(iter(by_type["campaign"])), plan_keys=keys)
        assert all(res.ok for _item, res in outcomes)
    return {k: v for k, v in result.ids.items()}


@contextmanager
def graph_rig(root: Path) -> Iterator[tuple[SandboxServer, Any, Any, Path, sqlite3.Connection]]:
    """A sandbox, a run context on it, a Runner over a SQLite checkpoint file in `root`, an image.

    Yields `(sb, ctx, runner, image, conn)`; the checkpoint file is `root / "cp.sqlite"`.
    """
    from langgraph.checkpoint.sqlite import SqliteSaver

    from graph.builder import build_graph
    from graph.environment import build_context
    from graph.runner import Runner
    from state.context import Context, MetaSettings

    with SandboxServer(db_path=root / "sb.db", seed=5, token=TOKEN) as sb:
        ctx = build_context(MetaSettings(graph_url=sb.url), root / "home", token=TOKEN,
                            sandbox=True, base=Context())
        conn = sqlite3.connect(root / "cp.sqlite", check_same_thread=False)
        runner = Runner(build_graph(checkpointer=SqliteSaver(conn)), ctx)
        image = root / "shoe.png"
        image.write_bytes(png())
        try:
            yield sb, ctx, runner, image, conn
        finally:
            conn.close()
