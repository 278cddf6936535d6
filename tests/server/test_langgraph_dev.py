"""`langgraph dev` serves adpilot: a brief through the HTTP API to the approval, resumed to a launch.

Starts a sandbox on loopback, then `langgraph dev --no-browser --host 127.0.0.1 --port P` with
`langgraph.json`, whose graph takes its Meta settings from the environment (META_GRAPH_URL of
that sandbox, META_ACCESS_TOKEN=sandbox-token). Talks to the server with the langgraph-sdk client.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BRIEF = ("Sales campaign for our trail running shoes in the US, $60/day, women 25-45 interested in "
         "running, landing page https://example.com/trail, image {image}")
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"langgraph dev exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/ok", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"langgraph dev did not answer /ok in {timeout}s:\n{log.read_text()[-4000:]}")


def _pending_interrupts(state: dict) -> list[dict]:
    found = list(state.get("interrupts") or [])
    for task in state.get("tasks") or []:
        found += task.get("interrupts") or []
    return found


def test_brief_to_approval_to_launch_through_langgraph_server(tmp_path):
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
    workdir = tmp_path / "srv"  # langgraph dev writes .langgraph_api/ next to its config
    workdir.mkdir()
    config = json.loads((ROOT / "langgraph.json").read_text())
    # Same config, with paths made absolute so the server's working dir can be a temp dir.
    config["dependencies"] = [str(ROOT) if d == "." else d for d in config["dependencies"]]
    config["graphs"] = {k: str(ROOT / v.removeprefix("./")) for k, v in config["graphs"].items()}
    (workdir / "langgraph.json").write_text(json.dumps(config))
    with SandboxServer(db_path=str(tmp_path / "sandbox.db"), scenario="ecommerce_usd", seed=7) as sb:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "META_", "ADPILOT_"))}
        # The served graph takes its Meta settings from the environment, like the CLI.
        env.update(META_GRAPH_URL=sb.url, META_ACCESS_TOKEN="sandbox-token", ADPILOT_HOME=str(tmp_path / "home"),
                   META_AD_ACCOUNT_ID=sb.account_id,
                   META_PAGE_ID=str(sb.store.list_objects("page")[0]["id"]),
                   META_PIXEL_ID=str(sb.store.list_objects("adspixel")[0]["id"]),
                   ADPILOT_MODEL="rules", LANGSMITH_TRACING="false", LANGGRAPH_CLI_NO_ANALYTICS="1",
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
            thread = client.threads.create()
            tid = thread["thread_id"]
            client.runs.wait(tid, "adpilot", input={"brief": BRIEF.format(image=image)}, raise_error=True)
            state = client.threads.get_state(tid)
            interrupts = _pending_interrupts(state)
            assert interrupts, f"no interrupt; values: {state['values']}"
            card = interrupts[0]["value"]
            assert card["schema"] == "adpilot.approval/1" and card["kind"] == "approval"
            assert card["action_requests"][0]["name"] and card["review_configs"][0]["allowed_decisions"]
            assert "Trail" in card["description"] or "trail" in card["description"]
            before = sb.admin("GET", "/__sandbox__/objects?type=campaign")
            assert not [o for o in _objects(before) if o.get("status") != "DELETED"], "written before approval"

            # an answer over the resume limit reaches the node without the Runner:
            # refused there, the card asked again with its digest, never the answer itself
            huge = {"decisions": [{"type": "reject", "message": "x" * 300_000}]}
            client.runs.wait(tid, "adpilot", command={"resume": huge}, raise_error=True)
            again = _pending_interrupts(client.threads.get_state(tid))[0]["value"]
            assert again["receipt"] == card["receipt"] and "256 KiB" in again["error"]
            assert again["rejected"]["size"] > 300_000 and len(json.dumps(again)) < 100_000
            assert client.threads.get_state(tid)["values"].get("phase") != "rejected"

            client.runs.wait(tid, "adpilot", command={"resume": {"decisions": [{"type": "approve"}]}},
                             raise_error=True)
            values = client.threads.get_state(tid)["values"]
            created = values.get("created") or {}
            assert created, f"nothing created; phase={values.get('phase')} problems={values.get('problems')}"
            campaigns = _objects(sb.admin("GET", "/__sandbox__/objects?type=campaign"))
            assert len(campaigns) == 1
            assert str(campaigns[0]["id"]) in {str(v) for v in created.values()}

            # the same entry takes a request about what exists: a question answered at once,
            # a status change (turning the paused campaign on) stopped at its card
            asked = client.threads.create()["thread_id"]
            client.runs.wait(asked, "adpilot", input={
                "request": f"how much did {campaigns[0]['name']} spend today?"}, raise_error=True)
            values = client.threads.get_state(asked)["values"]
            assert values["phase"] == "answered" and values["answer"]["sentence"], values
            pause = client.threads.create()["thread_id"]
            client.runs.wait(pause, "adpilot", input={
                "request": f"resume {campaigns[0]['name']}"}, raise_error=True)
            pending = _pending_interrupts(client.threads.get_state(pause))
            assert pending and pending[0]["value"]["kind"] in ("approval", "clarify"), pending
        finally:
            print(log.read_text()[-8000:])  # shown by pytest only when the test fails
            closer.close()
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def _objects(payload) -> list[dict]:
    if isinstance(payload, dict):
        return list(payload.get("data") or payload.get("objects") or [])
    return list(payload or [])
