"""On `langgraph dev`, a card the served graph waits at is notified by the server process.

The same hook as the CLI's (`ask_until_valid`), driven through the HTTP API with langgraph-sdk:
the receiver gets one notification whose Studio link opens the thread on ADPILOT_SERVER_URL,
and a refused answer (the card asked again) sends nothing more.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notify.receiver import Receiver
from tests.server.test_langgraph_dev import BRIEF, _free_port, _pending_interrupts, _wait_until_up

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_a_served_card_is_notified_once_with_a_studio_link(tmp_path):
    cli = Path(sys.executable).parent / "langgraph"
    if not cli.exists():
        pytest.skip("langgraph-cli[inmem] is not installed: run `make install` (it is in the dev extras)")
    from langgraph_sdk import get_sync_client
    from PIL import Image

    from sandbox.server import SandboxServer

    image = tmp_path / "trail.jpg"
    Image.new("RGB", (1080, 1080), (90, 140, 60)).save(image)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "langgraph-dev.log"
    workdir = tmp_path / "srv"
    workdir.mkdir()
    config = json.loads((ROOT / "langgraph.json").read_text())
    config["dependencies"] = [str(ROOT) if d == "." else d for d in config["dependencies"]]
    config["graphs"] = {k: str(ROOT / v.removeprefix("./")) for k, v in config["graphs"].items()}
    (workdir / "langgraph.json").write_text(json.dumps(config))
    with SandboxServer(db_path=str(tmp_path / "sandbox.db"), seed=7) as sb, Receiver() as rx:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "META_", "ADPILOT_"))}
        env.update(META_GRAPH_URL=sb.url, META_ACCESS_TOKEN="sandbox-token", ADPILOT_HOME=str(tmp_path / "home"),
                   META_AD_ACCOUNT_ID=sb.account_id,
                   META_PAGE_ID=str(sb.store.list_objects("page")[0]["id"]),
                   META_PIXEL_ID=str(sb.store.list_objects("adspixel")[0]["id"]),
                   ADPILOT_MODEL="rules", LANGSMITH_TRACING="false", LANGGRAPH_CLI_NO_ANALYTICS="1",
                   ADPILOT_NOTIFY_WEBHOOK=rx.url, ADPILOT_SERVER_URL="https://adpilot.example.com",
                   ADPILOT_ASSET_DIR=str(tmp_path),  # the server reads the brief's image only there
                   PYTHONPATH=str(ROOT), NO_COLOR="1")
        with log.open("w") as out:
            proc = subprocess.Popen(
                [str(cli), "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(port),
                 "--config", str(workdir / "langgraph.json")],
                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        closer = contextlib.ExitStack()
        try:
            _wait_until_up(url, proc, log)
            client = get_sync_client(url=url)
            closer.callback(client.close)
            tid = client.threads.create()["thread_id"]
            client.runs.wait(tid, "adpilot", input={"brief": BRIEF.format(image=image)}, raise_error=True)
            pending = _pending_interrupts(client.threads.get_state(tid))[0]  # listed per task too
            (body,) = rx.wait_for(1)
            assert (body["kind"], body["thread_id"], body["interrupt_id"]) == ("approval", tid, pending["id"])
            assert body["receipt"] == pending["value"]["receipt"]
            assert body["answer"]["studio_url"] == (
                f"https://smith.langchain.com/studio/thread/{tid}?baseUrl=https%3A%2F%2Fadpilot.example.com")

            refused = {"decisions": [{"type": "approve"}, {"type": "approve"}]}  # one action, two answers
            client.runs.wait(tid, "adpilot", command={"resume": refused}, raise_error=True)
            again = _pending_interrupts(client.threads.get_state(tid))[0]["value"]
            assert again["receipt"] == body["receipt"] and again["error"]
            rx.wait_for(2, timeout=3)
            assert len(rx.posts) == 1
        finally:
            print(log.read_text()[-8000:])
            closer.close()
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
