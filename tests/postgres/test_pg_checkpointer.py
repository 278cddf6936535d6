"""The pluggable checkpointer: SQLite by default, PostgreSQL when the URL says so."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from operator import add
from pathlib import Path
from typing import Annotated, TypedDict

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt

from graph.checkpointer import (
    CheckpointerConfigError,
    checkpoint_backend,
    checkpoint_path,
    describe_checkpointer,
    open_checkpointer,
)


class _S(TypedDict, total=False):
    steps: Annotated[list[str], add]
    decision: str


def _ask(state: _S) -> dict:
    answer = interrupt({"kind": "approval", "description": "go?"})
    return {"steps": ["ask"], "decision": answer}


def _act(state: _S) -> dict:
    return {"steps": [f"act:{state['decision']}"]}


def _graph(saver):
    g = StateGraph(_S)
    g.add_node("ask", _ask)
    g.add_node("act", _act)
    g.add_edge(START, "ask")
    g.add_edge("ask", "act")
    g.add_edge("act", END)
    return g.compile(checkpointer=saver)


def _pause_then_resume(home: Path, url: str | None) -> list[str]:
    thread = {"configurable": {"thread_id": f"t-{uuid.uuid4().hex[:8]}"}}
    with open_checkpointer(home, url) as saver:
        out = _graph(saver).invoke({"steps": ["start"]}, thread, durability="sync")
        assert out["__interrupt__"][0].value["kind"] == "approval"
    # A new saver (as a new process would open) sees the paused thread and finishes it.
    with open_checkpointer(home, url) as saver:
        graph = _graph(saver)
        assert graph.get_state(thread).next == ("ask",)
        out = graph.invoke(Command(resume="yes"), thread, durability="sync")
        history = list(graph.get_state_history(thread))
    assert len(history) >= 4
    return out["steps"]


def test_backend_is_chosen_from_the_url(monkeypatch):
    monkeypatch.delenv("ADPILOT_CHECKPOINT_URL", raising=False)
    assert checkpoint_backend() == "sqlite"
    assert checkpoint_backend("postgresql://u@h/db") == "postgres"
    assert checkpoint_backend("postgres://u@h/db") == "postgres"
    assert checkpoint_backend("sqlite:///x.db") == "sqlite"
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", "postgresql://u@h/db")
    assert checkpoint_backend() == "postgres"
    with pytest.raises(CheckpointerConfigError, match="ADPILOT_CHECKPOINT_URL.*mysql"):
        checkpoint_backend("mysql://u@h/db")


def test_describe_hides_the_password():
    text = describe_checkpointer(".", "postgresql://bob:s3cret-pw@db.internal:5433/adpilot")
    assert "s3cret-pw" not in text and "bob" not in text
    assert text == "postgresql://db.internal:5433/adpilot"


def test_sqlite_default_lives_in_home_and_survives_reopen(tmp_path, monkeypatch):
    monkeypatch.delenv("ADPILOT_CHECKPOINT_URL", raising=False)
    home = tmp_path / "home"
    with open_checkpointer(home) as saver:
        assert isinstance(saver, SqliteSaver)
    assert checkpoint_path(home).exists()
    assert _pause_then_resume(home, None) == ["start", "ask", "act:yes"]


def test_sqlite_url_overrides_home(tmp_path):
    target = tmp_path / "elsewhere" / "cp.sqlite"
    steps = _pause_then_resume(tmp_path / "home", f"sqlite:///{target}")
    assert steps == ["start", "ask", "act:yes"]
    assert target.exists() and not checkpoint_path(tmp_path / "home").exists()


def test_unreachable_postgres_names_the_variable_and_hides_the_password(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://bob:s3cret-pw@127.0.0.1:{port}/adpilot?connect_timeout=2"
    with pytest.raises(CheckpointerConfigError) as info:
        with open_checkpointer(tmp_path, url):
            pass
    assert "ADPILOT_CHECKPOINT_URL" in str(info.value)
    assert "s3cret-pw" not in str(info.value) and info.value.__cause__ is None


def test_postgres_pause_and_resume_across_savers(tmp_path, postgres_url):
    from langgraph.checkpoint.postgres import PostgresSaver

    with open_checkpointer(tmp_path, postgres_url) as saver:
        assert isinstance(saver, PostgresSaver)
    assert _pause_then_resume(tmp_path, postgres_url) == ["start", "ask", "act:yes"]


def test_postgres_selected_by_env_and_resumed_by_another_process(tmp_path, postgres_url, monkeypatch):
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", postgres_url)
    thread_id = f"x-{uuid.uuid4().hex[:8]}"
    with open_checkpointer(tmp_path) as saver:
        _graph(saver).invoke({"steps": ["start"]}, {"configurable": {"thread_id": thread_id}})
    # Another process sharing the database (as a second worker would) finishes the thread.
    code = f"""
from tests.postgres.test_pg_checkpointer import _graph
from graph.checkpointer import open_checkpointer
from langgraph.types import Command
with open_checkpointer('.') as saver:
    out = _graph(saver).invoke(Command(resume='from-worker'), {{'configurable': {{'thread_id': {thread_id!r}}}}})
print(','.join(out['steps']))
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "start,ask,act:from-worker"
    assert not (tmp_path / "checkpoints.sqlite").exists()


def test_real_graph_pauses_on_postgres_and_launches_from_a_new_runner(tmp_path, postgres_url, monkeypatch):
    """The adpilot graph itself: approval card checkpointed in PostgreSQL, approved by a new runner."""
    import psycopg
    from PIL import Image

    from graph.environment import open_environment
    from graph.runner import open_runner

    image = tmp_path / "trail.jpg"
    Image.new("RGB", (1080, 1080), (90, 140, 60)).save(image)
    monkeypatch.setenv("ADPILOT_CHECKPOINT_URL", postgres_url)
    for name in ("META_ACCESS_TOKEN", "META_GRAPH_URL", "ADPILOT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    thread = f"pg-{uuid.uuid4().hex[:8]}"
    brief = ("Sales campaign for our trail running shoes in the US, $60/day, women 25-45 interested in "
             f"running, landing page https://example.com/trail, image {image}")
    with open_environment(home=tmp_path / "home", embedded=True, announce=lambda *_: None,
                          max_cycles=0) as env:
        with open_runner(env.home, env.context) as runner:
            out = runner.start(brief, thread_id=thread)
            assert out.waiting_for == "approval", out.values.get("problems")
        with psycopg.connect(postgres_url) as conn:
            stored = conn.execute("select count(*) from checkpoints where thread_id = %s", (thread,)).fetchone()
        assert stored and stored[0] >= 3
        assert not (tmp_path / "home" / "checkpoints.sqlite").exists()
        with open_runner(env.home, env.context) as runner:  # a new saver, as `adpilot approve` would open
            assert runner.status(thread).waiting_for == "approval"
            out = runner.resume(thread, {"decisions": [{"type": "approve"}]})
        campaigns = env.sandbox.admin("GET", "/__sandbox__/objects?type=campaign")["data"]
    assert out.values.get("created", {}).get("campaign") == str(campaigns[0]["id"])
    assert len(campaigns) == 1
