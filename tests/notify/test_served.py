"""On `langgraph dev`, a card the served graph waits at is notified by the server process.

The same hook as the CLI's (`ask_until_valid`), driven through the HTTP API with langgraph-sdk:
the receiver gets one notification whose Studio link opens the thread on ADPILOT_SERVER_URL,
and a refused answer (the card asked again) sends nothing more.
"""

from __future__ import annotations

import contextlib

import pytest

from tests.notify.receiver import Receiver
from tests.server.test_langgraph_dev import BRIEF, _pending_interrupts, langgraph_dev

pytestmark = pytest.mark.slow


def test_a_served_card_is_notified_once_with_a_studio_link(tmp_path):
    from langgraph_sdk import get_sync_client
    from PIL import Image

    from sandbox.server import SandboxServer

    image = tmp_path / "trail.jpg"
    Image.new("RGB", (1080, 1080), (90, 140, 60)).save(image)
    with SandboxServer(db_path=str(tmp_path / "sandbox.db"), seed=7) as sb, Receiver() as rx, \
            contextlib.ExitStack() as stack, langgraph_dev(tmp_path, {
                "META_GRAPH_URL": sb.url, "META_ACCESS_TOKEN": "sandbox-token",
                "META_AD_ACCOUNT_ID": sb.account_id,
                "META_PAGE_ID": str(sb.store.list_objects("page")[0]["id"]),
                "META_PIXEL_ID": str(sb.store.list_objects("adspixel")[0]["id"]),
                "ADPILOT_NOTIFY_WEBHOOK": rx.url, "ADPILOT_SERVER_URL": "https://adpilot.example.com",
                "ADPILOT_ASSET_DIR": str(tmp_path),  # the server reads the brief's image only there
            }) as (url, _log):
        client = stack.enter_context(contextlib.closing(get_sync_client(url=url)))
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
