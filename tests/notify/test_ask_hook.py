"""The hook: a thread that suspends in `ask_until_valid` notifies once, and only then.

A real LangGraph graph on a SQLite checkpointer: the first `interrupt()` suspends (notified),
a resume replays the answer (not notified), a refused answer re-asks the same card (not
notified), a timer is not for a person, and a node re-run after a crash — its interrupt never
saved — finds the outbox row and sends nothing twice.
"""

from dataclasses import dataclass
from typing import Any, TypedDict

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents.common.ask import ask_until_valid
from state.hitl import ResumeError, approval_payload, wait_payload
from tools import notify

CARD = approval_payload([{"name": "launch_campaign", "args": {"plan": {"name": "Trail"}}}],
                        description="## Launch “Trail”")


class State(TypedDict, total=False):
    kind: str
    answer: Any


@dataclass(frozen=True)
class Ctx:
    home: str
    account_id: str = "act_7"
    sandbox: bool = True


def decide(state: State) -> dict[str, Any]:
    def parse(value: Any) -> Any:
        if value == "bad":
            raise ResumeError("say yes or no")
        return value

    payload = wait_payload("2030-01-01T00:00:00+00:00", "data") if state.get("kind") == "wait" else CARD
    return {"answer": ask_until_valid(payload, parse)}


def graph(saver: Any) -> Any:
    builder = StateGraph(State, context_schema=Ctx)
    builder.add_node("decide", decide)
    builder.add_edge(START, "decide")
    builder.add_edge("decide", END)
    return builder.compile(checkpointer=saver)


class CrashOnce(SqliteSaver):
    """Fails the first time an interrupt is saved, as if the process died at that instant."""

    crashed = False

    def put_writes(self, config, writes, task_id, task_path=""):  # type: ignore[no-untyped-def]
        if not self.crashed and any(channel == "__interrupt__" for channel, _ in writes):
            self.crashed = True
            raise OSError("killed while saving the interrupt")
        return super().put_writes(config, writes, task_id, task_path)


@pytest.fixture
def run(tmp_path):
    def go(app: Any, value: Any, thread: str) -> dict[str, Any]:
        out = app.invoke(value, {"configurable": {"thread_id": thread}},
                         context=Ctx(home=str(tmp_path)), durability="sync")
        assert notify.drain(20) == 0
        return out
    return go


def test_one_notification_when_the_card_suspends_none_on_resume_or_reask(tmp_path, receiver, run):
    with SqliteSaver.from_conn_string(str(tmp_path / "cp.sqlite")) as saver:
        app = graph(saver)
        out = run(app, {"kind": "approval"}, "t-1")
        (interrupt,) = out["__interrupt__"]
        assert len(receiver.delivered) == 1
        body = receiver.delivered[0]
        assert (body["thread_id"], body["interrupt_id"], body["account_id"], body["sandbox"]) == (
            "t-1", interrupt.id, "act_7", True)
        assert body["answer"]["command"].startswith(f"ADPILOT_HOME={tmp_path} adpilot approve t-1")

        reasked = run(app, Command(resume="bad"), "t-1")  # refused: the same card asks again
        assert reasked["__interrupt__"][0].value["error"] == "say yes or no"
        done = run(app, Command(resume="yes"), "t-1")
        assert done["answer"] == "yes"
    assert len(receiver.posts) == 1
    assert [(r.thread_id, r.status) for r in notify.rows(tmp_path)] == [("t-1", "delivered")]


def test_a_timer_is_not_notified(tmp_path, receiver, run):
    with SqliteSaver.from_conn_string(str(tmp_path / "cp.sqlite")) as saver:
        out = run(graph(saver), {"kind": "wait"}, "w-1")
    assert out["__interrupt__"][0].value["kind"] == "wait"
    assert receiver.posts == [] and notify.rows(tmp_path) == []


def test_a_node_re_run_after_a_crash_does_not_notify_twice(tmp_path, receiver, run):
    with SqliteSaver.from_conn_string(str(tmp_path / "cp.sqlite")) as real:
        saver = CrashOnce(real.conn)
        app = graph(saver)
        with pytest.raises(OSError, match="killed"):
            run(app, {"kind": "approval"}, "c-1")
        assert notify.drain(20) == 0
        assert len(receiver.delivered) == 1  # told before the interrupt was saved
        out = run(app, None, "c-1")  # `adpilot resume`: the node runs again and suspends again
        assert out["__interrupt__"][0].value["receipt"] == CARD["receipt"]
    assert len(receiver.posts) == 1
    assert receiver.delivered[0]["interrupt_id"] == out["__interrupt__"][0].id


def test_cards_this_process_answers_itself_are_held_and_the_rest_sent_when_it_stops(tmp_path, receiver, run):
    with SqliteSaver.from_conn_string(str(tmp_path / "cp.sqlite")) as saver:
        app = graph(saver)
        with notify.answered_here("approval"):  # `--yes`
            out = run(app, {"kind": "approval"}, "y-1")
            notify.answered("y-1", out["__interrupt__"][0].id)  # approved by --yes
            run(app, Command(resume="yes"), "y-1")
            stuck = run(app, {"kind": "approval"}, "y-2")  # --yes stopped at it (say, a budget to confirm)
            assert receiver.posts == []
        assert notify.drain(20) == 0
    assert [(b["thread_id"], b["interrupt_id"]) for b in receiver.delivered] == [
        ("y-2", stuck["__interrupt__"][0].id)]
