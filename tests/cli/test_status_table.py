"""`adpilot status` in an 80-column terminal: ids are shown whole (issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.launchkit import brief_for, objects


def test_status_at_80_columns_shows_whole_thread_and_campaign_ids(cli, sample_images):
    server, run = cli
    thread = "spring-sale-trailblaze-2026-03-us"
    assert run("run", brief_for(sample_images), "--thread", thread, "--yes").exit_code == 0
    campaign = objects(server.url, "campaign")[0]["id"]
    # A new process: Rich takes its width from COLUMNS when the console is built.
    shown = subprocess.run([sys.executable, "-m", "graph", "status"], capture_output=True,
                           text=True, env={**os.environ, "COLUMNS": "80"}, timeout=120)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, shown.stdout
    assert any(thread in line for line in lines), shown.stdout
    # the campaign column folds the id onto two lines at most; nothing ends in "…"
    cells = "".join(line.split("│")[-2].strip() for line in lines if line.count("│") > 2)
    assert campaign in cells and "…" not in shown.stdout, shown.stdout
