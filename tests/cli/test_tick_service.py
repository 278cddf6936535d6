"""`adpilot tick --every` as a service: a process that wakes due threads each period.

Run as a subprocess against an external sandbox, stopped with SIGTERM like a service manager
does; one thread whose campaign Meta does not know fails every pass and is logged, and the
others are still woken.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.launchkit import admin, brief_for, said

ROOT = Path(__file__).resolve().parents[2]  # this checkout's code, whatever is installed


def _cli(*args: str, **env: str):
    from graph.cli import app

    return CliRunner().invoke(app, list(args), env={"COLUMNS": "400", **env})


class Lines:
    """A child's output, line by line, as it comes."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, test, proc, timeout: float = 90) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if test(self.lines):
                return self.lines
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"timed out or exited ({proc.poll()}); output so far:\n"
                             + "\n".join(self.lines))

    def done(self) -> list[str]:
        self._thread.join(timeout=10)
        return self.lines


def test_tick_every_wakes_due_threads_each_period_and_stops_cleanly_on_sigterm(
        home, external_sandbox, tmp_path, sample_images):
    from sandbox.server import SandboxServer

    launched = _cli("run", brief_for(sample_images), "--thread", "svc-1", "--live", "--yes")
    assert launched.exit_code == 0, launched.output
    # A thread whose campaign the external sandbox does not know: launched on another sandbox
    # (after a first campaign there, so its ids are not svc-1's).
    with SandboxServer(db_path=tmp_path / "other.db", seed=5) as other:
        filler = _cli("run", brief_for(sample_images), "--thread", "filler", "--live", "--yes",
                      "--max-cycles", "0", META_GRAPH_URL=other.url)
        assert filler.exit_code == 0, filler.output
        gone = _cli("run", brief_for(sample_images), "--thread", "gone", "--live", "--yes",
                    META_GRAPH_URL=other.url)
        assert gone.exit_code == 0, gone.output
    admin(external_sandbox, "POST", "/__sandbox__/clock/advance", {"days": 5})

    proc = subprocess.Popen([sys.executable, "-m", "graph", "tick", "--every", "1s"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "400", "PYTHONPATH": str(ROOT)})
    out, err = Lines(proc.stdout), Lines(proc.stderr)
    try:
        out.wait_for(lambda lines: any("thread svc-1: woke" in x for x in lines), proc)
        # a second period: svc-1 is no longer due; "gone" fails again, and the service lives on
        out.wait_for(lambda lines: sum("tick: " in x and "woken" in x for x in lines) >= 2, proc)
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        stdout, stderr = out.done(), err.done()
        proc.stdout.close()
        proc.stderr.close()
    assert code == 0, "\n".join(stdout + stderr)
    assert any("SIGTERM received" in x for x in stdout)
    assert stdout[-1].endswith("pass(es)") and "tick: stopped after" in stdout[-1]
    woke = [x for x in stdout if "thread svc-1: woke" in x]
    assert len(woke) == 1 and ("next timer" in woke[0] or "approval" in woke[0])
    failed = [x for x in stderr if "thread gone: FAILED" in x]
    assert len(failed) >= 2 and "adpilot resume gone" in failed[0]
    # every line is stamped, and every line about a thread names it
    for line in stdout + [x for x in stderr if "thread " in x]:
        stamp, _, rest = line.partition(" ")
        assert stamp[:4].isdigit() and "T" in stamp, line
        assert rest.startswith(("tick:", "thread ")), line
    assert not any("filler" in x for x in stdout + stderr)  # it ended after its launch
    # the thread that failed stayed where it was; svc-1 moved on
    [gone] = json.loads(_cli("status", "gone", "--json").output)
    [svc] = json.loads(_cli("status", "svc-1", "--json").output)
    assert gone["waiting"] == "wait" and not gone.get("cycle")
    assert svc["cycle"] == 1


@pytest.mark.parametrize(("args", "message"), [
    (["--every", "soon"], "--every='soon' is not a duration"),
    (["--every", "0s"], "out of range"),
    (["--every", "1s", "--advance-days", "1"], "does not combine with --every"),
])
def test_tick_every_refuses_what_it_cannot_do(cli, args, message):
    _server, run = cli
    refused = run("tick", *args)
    assert refused.exit_code == 2 and message in said(refused)
