"""What `tick`, `report` and `undo` print: each thread's lines under its own header, JSON for
scripts, and an undo said once, in plain words, with no receipt to copy.
"""

from __future__ import annotations

import json

from state.provenance import display_name
from tests.launchkit import brief_for, objects, said


def _headers(output: str) -> list[tuple[int, str]]:
    """(line number, thread id) of each thread header in a tick's output."""
    found = []
    for i, line in enumerate(output.splitlines()):
        text = line.strip("─ ").strip()
        if text.startswith("thread ") and "─" in line:
            found.append((i, text.split()[1]))
    return found


def test_tick_groups_each_threads_lines_under_its_header(cli, sample_images):
    _server, run = cli
    for tid in ("g-1", "g-2"):
        launched = run("run", brief_for(sample_images), "--thread", tid, "--live", "--yes")
        assert launched.exit_code == 0, launched.output
    woke = run("tick", "--advance-days", "5", "--yes")
    assert woke.exit_code == 0, woke.output
    lines = woke.output.splitlines()
    headers = _headers(woke.output)
    assert [tid for _, tid in headers] == ["g-1", "g-2"], woke.output
    (first, _), (second, _) = headers
    for start, end, tid in ((first, second, "g-1"), (second, len(lines), "g-2")):
        section = "\n".join(lines[start:end])
        # every line about the thread is in its section: its progress and where it stopped
        assert "collect_insights" in section, section
        assert "g-1" not in section or tid == "g-1"
        assert "g-2" not in section or tid == "g-2"
    assert "2 thread(s) woken" in said(woke)
    # Nothing is due now: no thread says anything, so no header is printed.
    quiet = run("tick")
    assert quiet.exit_code == 0 and _headers(quiet.output) == []
    assert said(quiet).startswith("0 thread(s) woken")


def test_tick_and_report_json(cli, sample_images, home):
    _server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "j-1", "--live", "--yes").exit_code == 0
    woke = run("tick", "--advance-days", "5", "--yes", "--json")
    assert woke.exit_code == 0, woke.output
    body = json.loads(woke.stdout)
    assert (body["woken"], body["failed"], body["exit_code"]) == (1, 0, 0)
    [thread] = body["threads"]
    assert thread["thread_id"] == "j-1" and thread["result"] == "woken"
    assert thread["outcome"]["thread_id"] == "j-1" and thread["outcome"]["waiting_for"]
    assert body["clock"].startswith("20")
    assert json.loads(run("tick", "--json").stdout)["threads"] == [
        {"thread_id": "j-1", "result": "not_due"}]

    written = run("report", "j-1", "--json")
    assert written.exit_code == 0, written.output
    files = json.loads(written.stdout)
    assert files["thread_id"] == "j-1"
    assert files["report"] == str(home / "reports" / "j-1" / "report.md")
    assert all(str(c).endswith(".png") for c in files["charts"])


def test_undo_says_what_it_restores_once_and_asks_for_yes_without_a_receipt(cli, sample_images):
    server, run = cli
    assert run("run", brief_for(sample_images), "--thread", "u-1", "--live", "--yes").exit_code == 0
    assert run("stop", "u-1").exit_code == 0
    rows = json.loads(run("audit", "log", "u-1", "--json").stdout)
    campaign = objects(server.url, "campaign")[0]["id"]
    pause = next(r for r in rows if r.get("meta_id") == campaign  # the stop's pause
                 and r.get("before") == {"status": "ACTIVE"})
    wid = pause["write_id"][:12]

    asked = run("undo", "u-1", wid)  # switching it back on raises spend: it needs --yes
    assert asked.exit_code == 2, asked.output
    text = said(asked)
    name = display_name(objects(server.url, "campaign")[0]["name"])
    said_it = f"campaign '{name}' (id {campaign}): status PAUSED → ACTIVE"  # by name, before → after
    assert text == (f"Undoing write {wid} ({said_it}) raises "
                    "spend, so it needs your approval: nothing was changed. To apply it, run "
                    f"`adpilot undo u-1 {wid} --yes`."), text
    assert objects(server.url, "campaign")[0]["status"] == "PAUSED"

    undone = run("undo", "u-1", wid, "--yes")
    assert undone.exit_code == 0, undone.output
    text = said(undone)
    assert "receipt" not in text and text.count("ndo") == 2, text  # "undoing" once, "Undone" once
    assert text.endswith(f"Undone: write {wid} ({said_it}).")
    assert objects(server.url, "campaign")[0]["status"] == "ACTIVE"
