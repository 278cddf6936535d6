"""A thread started in one folder, acted on from another (issue 18).

With ADPILOT_HOME unset the home is `./.adpilot`: a command typed in another folder must say
which absolute home it looked in and how to reach the thread's, and create nothing there.
The CLI runs in-process (Typer's runner) against a sandbox server over HTTP.
"""

from __future__ import annotations

from tests.launchkit import brief_for, images, said

THREAD_COMMANDS = (["approve", "h-1"], ["resume", "h-1"], ["optimize", "h-1"], ["report", "h-1"],
                   ["stop", "h-1"], ["undo", "h-1", "abcdef"], ["trace", "h-1"],
                   ["status", "h-1"], ["audit", "log", "h-1"], ["audit", "reconcile", "h-1"])


def test_a_thread_command_from_another_folder_refuses_naming_the_home_and_creates_nothing(
        cli, tmp_path, monkeypatch):
    _server, run = cli
    monkeypatch.delenv("ADPILOT_HOME")  # the default: ./.adpilot of the current folder
    started_in = tmp_path / "campaigns"
    shoes = images(started_in / "assets")
    monkeypatch.chdir(started_in)
    started = run("run", brief_for(shoes), "--thread", "h-1")
    assert started.exit_code == 0, started.output
    home = (started_in / ".adpilot").resolve()
    # The card says which home the thread lives in, so a person can point another folder at it.
    assert f"state: {home} (set ADPILOT_HOME={home} to approve from another folder)" in said(started)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for args in THREAD_COMMANDS:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        text = said(result)
        assert f"no thread 'h-1' under {elsewhere / '.adpilot'}" in text, (args, text)
        assert "ADPILOT_HOME=/absolute/path/of/its/.adpilot" in text, (args, text)
        assert "holds no threads" in text and "Traceback" not in result.output, (args, text)
        assert list(elsewhere.iterdir()) == [], (args, "created state in the wrong folder")

    # An empty .adpilot here stays empty (no checkpoint store opened to look for the account).
    (elsewhere / ".adpilot").mkdir()
    empty = run("approve", "h-1")
    assert empty.exit_code == 2 and "holds no threads" in said(empty), empty.output
    assert list((elsewhere / ".adpilot").iterdir()) == []
    (elsewhere / ".adpilot").rmdir()

    # A home that holds other threads says so, and still creates nothing new.
    (elsewhere / "notes.txt").write_text("not adpilot")
    monkeypatch.setenv("ADPILOT_HOME", str(home))
    other = run("approve", "h-2")
    assert other.exit_code == 2 and "holds other threads only" in said(other), other.output

    # Pointed at the run's home, the same command works from here.
    approved = run("approve", "h-1")
    assert approved.exit_code == 0, approved.output
    assert "created on Meta" in approved.output
    assert sorted(p.name for p in elsewhere.iterdir()) == ["notes.txt"]
