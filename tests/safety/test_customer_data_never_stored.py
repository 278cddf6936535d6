"""A customer-list launch through the graph leaves no email or phone anywhere adpilot writes.

The launch runs in a subprocess (so its tracing and logging configuration cannot leak into
other tests): the real graph with a SQLite checkpointer in `ADPILOT_HOME`, the sandbox over
HTTP, DEBUG logging to stderr and LangSmith tracing on, pointed at a capture server on
loopback. Afterwards every byte under `ADPILOT_HOME` (checkpoints, ledger, WAL files,
assets, downloads...), the process's stdout/stderr and every traced run are searched for the
file's emails and phone numbers — as written, normalised, and as their SHA-256 — and for the
file's rows in any of those forms. Only counts and the file's digest may remain.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from PIL import Image

from tests.launchkit import objects
from tests.tracing.capture import CaptureServer
from tests.tracing.test_tracing import ROOT, traced_env

N = 250
SCRIPT = """
import json, logging, sys
from pathlib import Path
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
from langgraph.types import Command
from agents.common.tracing import configure_tracing, flush_traces
from graph.builder import build_graph
from graph.checkpointer import open_checkpointer
from tests.launchkit import APPROVE, context_for

home, plan_file, url = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
ctx = context_for(url, home)
plan = json.loads(plan_file.read_text())
plan["audiences"][0]["pixel_id"] = ctx.pixel_id
plan["ad_sets"][0]["promoted_object"]["pixel_id"] = ctx.pixel_id
configure_tracing()
cfg = {"configurable": {"thread_id": "t-list"}}
with open_checkpointer(home) as saver:
    graph = build_graph(checkpointer=saver)
    for value in ({"brief": "Retarget buyers", "plan": plan}, Command(resume=APPROVE)):
        for chunk in graph.stream(value, cfg, context=ctx, stream_mode="updates", durability="sync"):
            print(json.dumps({k: str(v)[:300] for k, v in chunk.items()}))
    values = graph.get_state(cfg).values
flush_traces()
print("RESULT " + json.dumps({"created": values.get("created"), "phase": values.get("phase"),
                              "log": values.get("log"), "problems": values.get("problems")}))
"""


def people(n: int) -> list[tuple[str, str, str]]:
    """(email as written, phone as written, phone normalised) per customer."""
    return [(f"  Customer.{i:03d}@Example.com", f"+1 (415) 555-{7000 + i:04d}",
             f"1415555{7000 + i:04d}") for i in range(n)]


def test_customer_list_launch_stores_no_email_or_phone(sandbox_server, tmp_path):
    rows = people(N)
    folder = tmp_path / "input"  # the file lives outside ADPILOT_HOME, as a user's file does
    folder.mkdir()
    customers = folder / "customers.csv"
    customers.write_text("Email,Phone\n" + "".join(f"{e},{p}\n" for e, p, _ in rows))
    image = folder / "shoe.png"
    Image.new("RGB", (1080, 1080), (10, 120, 200)).save(image)
    plan = {
        "name": "Retarget buyers", "objective": "OUTCOME_SALES", "currency": "USD",
        "budget": {"kind": "daily", "amount_minor": 5000, "level": "campaign"},
        "start_time": "2030-01-01T00:00:00+00:00", "end_time": "2030-01-15T00:00:00+00:00",
        "landing_url": "https://shop.example.com/trail", "key_salt": "no-pii",
        "audiences": [
            {"key": "visitors", "kind": "website", "name": "Visitors 30d", "retention_days": 30},
            {"key": "buyers", "kind": "customer_list", "name": "Buyers", "file": str(customers)},
            {"key": "lal", "kind": "lookalike", "name": "LAL 1% buyers",
             "seed": {"key": "buyers"}, "country": ["US"], "ratio": 0.01}],
        "ad_sets": [{"name": "Lookalikes", "optimization_goal": "OFFSITE_CONVERSIONS",
                     "destination_type": "WEBSITE",
                     "promoted_object": {"custom_event_type": "PURCHASE"},
                     "targeting": {"geo_locations": {"countries": ["US"]}, "age_min": 25,
                                   "custom_audiences": [{"key": "lal"}, {"key": "visitors"}],
                                   "excluded_custom_audiences": [{"key": "buyers"}]},
                     "ads": [{"name": "Ad", "creative": {
                         "format": "image", "primary_text": "Grip that lasts.",
                         "headline": "Trail ready", "call_to_action": "SHOP_NOW",
                         "assets": [{"kind": "image", "path": str(image)}]}}]}]}
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(plan))
    home = tmp_path / "home"
    with CaptureServer() as cap:
        env = traced_env(cap.url, ADPILOT_HOME=str(home), NO_COLOR="1")
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(home), str(plan_file),
                               sandbox_server.url], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=120)
        traced = b"".join(cap.raw)
        runs = cap.runs()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(proc.stdout.split("RESULT ", 1)[1])
    created = result["created"]
    assert created and len(created["audiences"]) == 3, result
    assert result["phase"] in ("live", "launched_paused"), result

    # the upload happened: the sandbox holds the list's (matched) members, and the thread's
    # log line says how many rows went up, in counts
    [seed] = [a for a in objects(sandbox_server.url, "customaudience")
              if a["id"] in created["audiences"].values() and a.get("subtype") == "CUSTOM"]
    assert int(seed["approximate_count_upper_bound"]) >= 100
    assert any(f"{N} row(s) uploaded" in line for line in result["log"]), result["log"]
    assert runs, "tracing was on: the capture server must have received runs"

    # every form a customer's data could take
    needles: list[bytes] = []
    for email, phone, digits in rows:
        for text in (email.strip(), email.strip().lower(), phone, digits, phone.split(")")[1]):
            needles += [text.encode(), hashlib.sha256(text.encode()).hexdigest().encode()]
    needles += [hashlib.sha256(e.strip().lower().encode()).hexdigest().encode()
                for e, _, _ in rows]

    raw = customers.read_bytes()  # the search finds what it looks for: every row is in the file
    assert sum(needle in raw for needle in needles) >= 3 * N

    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name.startswith("ledger") for p in files) and len(files) >= 3
    places = {str(p.relative_to(home)): p.read_bytes() for p in files}
    places["stdout"], places["stderr"] = proc.stdout.encode(), proc.stderr.encode()
    places["langsmith"] = traced
    leaks = {where: needle.decode() for where, blob in places.items() for needle in needles
             if needle in blob}
    assert not leaks, f"customer data found: {sorted(leaks.items())[:5]}"
