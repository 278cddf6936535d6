"""Token leak: a recognisable token through demo, a faulty launch + optimise, report, stop and
audit leaves zero occurrences under ADPILOT_HOME (every file, SQLite as bytes), in captured
stdout/stderr, or in the trace payloads a LangSmith endpoint received."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.server import SandboxServer
from tests.tracing.capture import CaptureServer

from .conftest import png

CANARY = "EAAB-leak-canary-9f3c"
ROOT = Path(__file__).resolve().parents[2]
# The token, and pieces of it long enough to be meaningful (a scrubber that cut it in half
# would still leak).
NEEDLES = [CANARY.encode(), b"leak-canary-9f3c", b"canary-9f3c"]


def run_cli(env: dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def leaks_in(data: bytes) -> list[bytes]:
    return [n for n in NEEDLES if n in data]


@pytest.mark.slow
def test_no_token_anywhere_after_demo_faults_report_stop(tmp_path):
    home = tmp_path / "home"
    image = tmp_path / "img" / "shoe.png"
    image.parent.mkdir()
    image.write_bytes(png())
    brief = (f"Sell TrailBlaze running shoes to runners in the US, ages 25-45. Budget $60/day "
             f"for 14 days starting tomorrow. Landing page https://shop.example.com/trail. "
             f"Use images {image}. Shop now.")
    outputs: list[str] = []
    with SandboxServer(db_path=tmp_path / "meta" / "sandbox.db", seed=9, token=CANARY) as sb, \
            CaptureServer() as cap:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LANGSMITH_", "LANGCHAIN_", "META_", "ADPILOT_"))}
        env.update(LANGSMITH_TRACING="true", LANGSMITH_ENDPOINT=cap.url,
                   LANGSMITH_API_KEY="lsv2_fake_key_for_leak_test", LANGSMITH_PROJECT="leak",
                   META_ACCESS_TOKEN=CANARY, ADPILOT_HOME=str(home), ADPILOT_MODEL="rules",
                   PYTHONPATH=str(ROOT), COLUMNS="200")

        def cli(*args: str, extra: dict[str, str] | None = None, ok: bool = True):
            proc = run_cli({**env, **(extra or {})}, *args)
            outputs.append(proc.stdout + proc.stderr)
            if ok:
                assert proc.returncode == 0, (args, proc.stdout[-1500:], proc.stderr[-1500:])
            return proc

        # 1. The demo (embedded sandbox) with the canary in the environment.
        demo = cli("demo", "--yes", extra={"ADPILOT_HOME": str(home / "demo")}, ok=False)
        assert "120210000000000001" in demo.stdout, demo.stdout[-1500:] + demo.stderr[-1500:]
        # 2. A launch and optimise cycles against a sandbox that only accepts the canary,
        #    with lost responses, transient errors and throttling on.
        ext = {"META_GRAPH_URL": sb.url}
        sb.admin("POST", "/__sandbox__/faults", {"lost_response": 0.3, "transient": 0.2,
                                                 "throttle": 0.1, "seed": 26})
        cli("run", brief, "--thread", "leak-1", "--yes", extra=ext, ok=False)
        for _ in range(6):
            cli("resume", "leak-1", extra=ext, ok=False)
            cli("tick", "--advance-days", "3", "--yes", extra=ext, ok=False)
        injected = sb.admin("GET", "/__sandbox__/faults")["injected"]
        assert all(injected[k] > 0 for k in ("lost_response", "transient", "throttle")), injected
        sb.admin("POST", "/__sandbox__/faults", {"lost_response": 0, "transient": 0, "throttle": 0})
        # 3. Report, trace, kill switch, audit, status — and one error path (a wrong graph path).
        cli("report", "leak-1", "--format", "md", "--out", str(home / "reports"), extra=ext, ok=False)
        cli("trace", "leak-1", extra=ext, ok=False)
        stop = cli("stop", "leak-1", "--json", extra=ext, ok=False)
        # The sandbox accepts only the canary: a stop that paused objects proves the runs
        # really authenticated with it (so there was a token to leak).
        assert '"paused"' in stop.stdout and stop.returncode == 0, stop.stdout + stop.stderr
        cli("audit", "verify", extra=ext, ok=False)
        cli("status", extra=ext, ok=False)
        cli("status", "leak-1", extra={**ext, "META_GRAPH_URL": sb.url + "/nope"}, ok=False)
        # 4. Debug logging on (urllib3 logs every request URL, token included): with the
        #    scrubbing filter installed the URLs are logged, the token is not. `report` reads
        #    Meta (`status` no longer does: it makes no Meta call).
        code = ("import logging, sys; logging.basicConfig(level=logging.DEBUG); "
                "from state.secrets import install_log_scrubbing; install_log_scrubbing(); "
                "from graph.cli import app; app(sys.argv[1:], prog_name='adpilot')")
        debug = subprocess.run([sys.executable, "-c", code, "report", "leak-1", "--format", "json",
                                "--out", str(home / "reports-debug")],
                               env={**env, **ext}, cwd=ROOT, capture_output=True, text=True,
                               timeout=240)
        outputs.append(debug.stdout + debug.stderr)
        assert "access_token=[REDACTED]" in debug.stderr, debug.stderr[-2000:]
        raw_traces = list(cap.raw)

    from state.ledger import Ledger

    ledger = Ledger(home / "ledger.db")
    created = ledger.created_objects("leak-1")
    ledger.close()
    assert len(created) >= 4, "the faulty launch did not create its tree: nothing was tested"
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "ledger.db" for p in files), "the run wrote no ledger: nothing was tested"
    assert any(p.suffix in (".sqlite", ".db") and "checkpoint" in p.name for p in files)
    leaked = {str(p): leaks_in(p.read_bytes()) for p in files}
    assert not {k: v for k, v in leaked.items() if v}, "token found under ADPILOT_HOME"
    for out in outputs:
        assert not leaks_in(out.encode()), out[-2000:]
    assert raw_traces, "no trace reached the capture server: tracing was not exercised"
    for body in raw_traces:
        assert not leaks_in(body), body[:2000]
