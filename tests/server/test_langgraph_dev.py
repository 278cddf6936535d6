"""`langgraph dev` serves adpilot, driven with the langgraph-sdk client only.

Each test starts `langgraph dev --no-browser --no-reload` on `langgraph.json` (paths made
absolute so the server runs in a temp dir):

* with no Meta settings at all: the embedded sandbox, ids discovered, the card saying nothing
  reaches Meta, refusals of a bad request context before any node runs, schemas for Studio,
  an Agent Inbox approval launching into the sandbox, and — after the sandbox clock moves — the
  thread's timer woken by the server's own ticker (no CLI) into an optimise card; image URLs on
  internal addresses and files outside the allowed folder refused; the root run labelled like
  the CLI's (traces sent to a capture server on loopback);
* with Meta settings naming an external sandbox (META_GRAPH_URL, META_ACCESS_TOKEN): a brief to
  its approval, an oversized answer refused by digest, the launch, and requests.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.server import RequestContext

ROOT = Path(__file__).resolve().parents[2]
BRIEF = ("Sales campaign for our trail running shoes in the US, $60/day, women 25-45 interested in "
         "running, landing page https://example.com/trail, image {image}")
LOOP_BRIEF = ("Sell our new TrailBlaze running shoes to runners in the US and Canada. One ad set per "
              "age group: 18-24, 25-34, 35-44 and 45-54. Budget $160/day, target CPA $40. Landing "
              "page https://shop.example.com/trailblaze. Use images {images}. Go live.")
# Agent Inbox's answer to a one-action card
AGENT_INBOX_ACCEPT = [{"type": "accept", "args": None}]
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
        time.sleep(0.3)
    raise AssertionError(f"langgraph dev did not answer /ok in {timeout}s:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def langgraph_dev(tmp_path: Path, env_extra: dict[str, str]) -> Iterator[tuple[str, Path]]:
    """Run `langgraph dev` on this repo's langgraph.json; yield (its URL, its log file)."""
    cli = Path(sys.executable).parent / "langgraph"
    if not cli.exists():
        pytest.skip("langgraph-cli[inmem] is not installed: run `make install` (it is in the dev extras)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "langgraph-dev.log"
    workdir = tmp_path / "srv"  # langgraph dev writes .langgraph_api/ next to its config
    workdir.mkdir()
    config = json.loads((ROOT / "langgraph.json").read_text())
    config["dependencies"] = [str(ROOT) if d == "." else d for d in config["dependencies"]]
    config["graphs"] = {k: str(ROOT / v.removeprefix("./")) for k, v in config["graphs"].items()}
    (workdir / "langgraph.json").write_text(json.dumps(config))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "META_", "ADPILOT_"))}
    env.update({"ADPILOT_HOME": str(tmp_path / "home"), "ADPILOT_MODEL": "rules",
                "LANGSMITH_TRACING": "false", "LANGGRAPH_CLI_NO_ANALYTICS": "1",
                "PYTHONPATH": str(ROOT), "NO_COLOR": "1", **env_extra})
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(cli), "dev", "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(port),
             "--config", str(workdir / "langgraph.json")],
            cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(url, proc, log)
        yield url, log
    finally:
        print(log.read_text()[-8000:])  # shown by pytest only when the test fails
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def _pending_interrupts(state: dict) -> list[dict]:
    found = list(state.get("interrupts") or [])
    for task in state.get("tasks") or []:
        found += task.get("interrupts") or []
    return found


def _objects(payload) -> list[dict]:
    if isinstance(payload, dict):
        return list(payload.get("data") or payload.get("objects") or [])
    return list(payload or [])


def _admin(url: str, method: str, path: str, body: dict | None = None):
    """The embedded sandbox's admin API (its token is the documented `sandbox-token`)."""
    req = urllib.request.Request(f"{url}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "OAuth sandbox-token",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def _next_card(client, tid: str, timeout: float = 30) -> dict | None:
    """The approval card the thread stops at next (the server's ticker wakes it), or None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = _pending_interrupts(client.threads.get_state(tid))
        if pending and pending[0]["value"]["kind"] == "approval" and \
                client.threads.get(tid)["status"] == "interrupted":
            return pending[0]["value"]
        time.sleep(0.5)
    return None


def _image_b64(color: tuple[int, int, int]) -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (1080, 1080), color).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_no_meta_settings_a_brief_to_an_optimise_card_woken_by_the_server(tmp_path):
    from langgraph_sdk import get_sync_client

    from tests.tracing.capture import CaptureServer

    sandbox_port = _free_port()
    with contextlib.ExitStack() as stack, CaptureServer() as traces, langgraph_dev(tmp_path, {
            "ADPILOT_TICK_EVERY": "1s", "ADPILOT_SANDBOX_PORT": str(sandbox_port),
            "LANGSMITH_TRACING": "true", "LANGSMITH_ENDPOINT": traces.url,
            "LANGSMITH_API_KEY": "lsv2_pt_test_not_a_key"}) as (url, log):
        sandbox = f"http://127.0.0.1:{sandbox_port}"
        client = stack.enter_context(contextlib.closing(get_sync_client(url=url)))

        # (e) Studio's schemas: input, output and the context a request may set
        assistant = client.assistants.search(graph_id="adpilot")[0]["assistant_id"]
        schemas = client.assistants.get_schemas(assistant)
        assert schemas["input_schema"]["properties"]["brief"]
        assert schemas["output_schema"]["properties"]["phase"]
        assert set(schemas["context_schema"]["properties"]) == set(RequestContext.model_fields)

        # (d) a request that sets `home` or an unknown key is refused before any node runs
        for context, says in (({"home": str(tmp_path / "elsewhere")}, "`home`, which a request cannot set"),
                              ({"acount_id": "act_1"}, "`acount_id` is not a setting")):
            tid = client.threads.create()["thread_id"]
            with pytest.raises(Exception, match=says):
                client.runs.wait(tid, "adpilot", input={"brief": "anything"}, context=context,
                                 raise_error=True)
            assert client.threads.get_history(tid) == []  # not one checkpoint
        assert not (tmp_path / "elsewhere").exists()

        # images arrive as uploaded bytes; internal URLs and other server files are refused
        names = [client.http.post("/adpilot/images", json={"data": _image_b64(c)})["path"]
                 for c in ((200, 60, 40), (40, 90, 200))]
        refused = client.threads.create()["thread_id"]
        client.runs.wait(refused, "adpilot", raise_error=True, input={"brief": LOOP_BRIEF.format(
            images=f"http://169.254.169.254/latest/meta-data/hero.jpg and {ROOT}/tests/x.png")})
        problems = " | ".join(p["message"] for p in client.threads.get_state(refused)["values"]["problems"])
        assert "169.254.169.254/latest/meta-data/hero.jpg points at a link-local address" in problems
        assert f"{ROOT}/tests/x.png is outside the folders this server reads images from" in problems

        # (a) a brief reaches a card whose first action shows the daily budget and the audience
        tid = client.threads.create()["thread_id"]
        client.runs.wait(tid, "adpilot", input={"brief": LOOP_BRIEF.format(images=" and ".join(names))},
                         raise_error=True)
        card = _pending_interrupts(client.threads.get_state(tid))[0]["value"]
        assert card["kind"] == "approval", card
        first = card["action_requests"][0]["description"]
        assert "USD 160.00 a day" in first and "Audience: US, CA; ages 18–24" in first, first
        assert "sandbox: nothing reaches Meta" in card["description"]
        said = log.read_text()
        assert f"using the embedded sandbox at {sandbox}" in said and "nothing reaches Meta" in said
        assert _objects(_admin(sandbox, "GET", "/__sandbox__/objects?type=campaign")) == []

        # an answer meant for this thread but run in another ad account is refused, unrun
        recorded = client.threads.get_state(tid)["values"]["account"]
        with pytest.raises(Exception, match=f"works in ad account {recorded}"):
            client.runs.wait(tid, "adpilot", command={"resume": AGENT_INBOX_ACCEPT},
                             context={"account_id": "act_2020202020"}, raise_error=True)
        assert _objects(_admin(sandbox, "GET", "/__sandbox__/objects?type=campaign")) == []

        # (b) Agent Inbox's accept launches into the embedded sandbox
        client.runs.wait(tid, "adpilot", command={"resume": AGENT_INBOX_ACCEPT}, raise_error=True)
        values = client.threads.get_state(tid)["values"]
        assert values["phase"] == "live", values.get("phase")
        campaigns = _objects(_admin(sandbox, "GET", "/__sandbox__/objects?type=campaign"))
        assert [str(c["id"]) for c in campaigns] == [str(values["created"]["campaign"])]
        timer = _pending_interrupts(client.threads.get_state(tid))[0]["value"]
        assert timer["kind"] == "wait", timer

        # (c) the sandbox clock moves; the server's own ticker wakes the timer (no CLI) and
        # the optimise cycle stops at its card
        _admin(sandbox, "POST", "/__sandbox__/clock/advance", {"days": 6})
        card = _next_card(client, tid)
        assert card is not None, f"no optimise card; thread {client.threads.get(tid)['status']}"
        assert card["description"].startswith("## Optimise cycle 1")
        assert {a["name"] for a in card["action_requests"]} & {"pause_ad", "set_adset_budget"}
        assert f"adpilot ticker: woke thread {tid}" in log.read_text()

        # the root runs carry the CLI's name, tags and metadata
        deadline, roots = time.monotonic() + 20, []
        while time.monotonic() < deadline:
            roots = [r for r in traces.runs().values() if r.get("name") == "adpilot"
                     and not r.get("parent_run_id") and "action:resume" in (r.get("tags") or [])]
            if roots:
                break
            time.sleep(0.5)
        assert roots, [(r.get("name"), r.get("tags")) for r in traces.runs().values()][:20]
        run = roots[0]
        assert {"adpilot", "sandbox"} <= set(run["tags"])
        metadata = (run.get("extra") or {}).get("metadata") or {}
        assert metadata.get("ad_account") == values["account"] and metadata.get("env") == "sandbox"
        assert metadata.get("thread_id") == tid


def test_brief_to_approval_to_launch_through_langgraph_server(tmp_path):
    from langgraph_sdk import get_sync_client
    from PIL import Image

    from sandbox.server import SandboxServer

    image = tmp_path / "assets" / "trail.jpg"
    image.parent.mkdir()
    Image.new("RGB", (1080, 1080), (90, 140, 60)).save(image)
    with SandboxServer(db_path=str(tmp_path / "sandbox.db"), scenario="ecommerce_usd", seed=7) as sb, \
            langgraph_dev(tmp_path, {  # the served graph takes its Meta settings from the environment
                "META_GRAPH_URL": sb.url, "META_ACCESS_TOKEN": "sandbox-token",
                "META_AD_ACCOUNT_ID": sb.account_id,
                "META_PAGE_ID": str(sb.store.list_objects("page")[0]["id"]),
                "META_PIXEL_ID": str(sb.store.list_objects("adspixel")[0]["id"]),
                "ADPILOT_ASSET_DIR": str(image.parent)}) as (url, _log), \
            contextlib.closing(get_sync_client(url=url)) as client:
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


def test_an_alert_between_cycles_wakes_a_served_thread_for_a_card(tmp_path):
    """The server's ticker looks at waiting threads for alerts too: the account is disabled on
    day 1, long before the first timer, and a card saying so appears with no CLI call."""
    from langgraph_sdk import get_sync_client

    from sandbox.scenario import load_scenario

    scenario = load_scenario("ecommerce_usd").model_dump(mode="json")
    scenario["incidents"] = [{"kind": "account_disabled", "day": 1}]
    path = tmp_path / "disabled.json"
    path.write_text(json.dumps(scenario))
    sandbox_port = _free_port()
    with contextlib.ExitStack() as stack, langgraph_dev(tmp_path, {
            "ADPILOT_TICK_EVERY": "1s", "ADPILOT_SANDBOX_PORT": str(sandbox_port),
            "ADPILOT_SANDBOX_SCENARIO": str(path)}) as (url, log):
        sandbox = f"http://127.0.0.1:{sandbox_port}"
        client = stack.enter_context(contextlib.closing(get_sync_client(url=url)))
        names = [client.http.post("/adpilot/images", json={"data": _image_b64(c)})["path"]
                 for c in ((200, 60, 40), (40, 90, 200))]
        tid = client.threads.create()["thread_id"]
        client.runs.wait(tid, "adpilot", input={"brief": LOOP_BRIEF.format(images=" and ".join(names))},
                         raise_error=True)
        client.runs.wait(tid, "adpilot", command={"resume": AGENT_INBOX_ACCEPT}, raise_error=True)
        timer = _pending_interrupts(client.threads.get_state(tid))[0]["value"]
        assert timer["kind"] == "wait", timer
        time.sleep(2.5)  # ticks pass: nothing is due, nothing is wrong
        assert _pending_interrupts(client.threads.get_state(tid))[0]["value"]["kind"] == "wait"

        _admin(sandbox, "POST", "/__sandbox__/clock/advance", {"days": 1, "hours": 12})
        card = _next_card(client, tid)
        assert card is not None, f"no alert card; thread {client.threads.get(tid)['status']}"
        assert "disabled" in card["description"].lower(), card["description"]
        said = log.read_text()
        assert f"adpilot ticker: woke thread {tid} (alerts delivery_stopped" in said, said[-3000:]
