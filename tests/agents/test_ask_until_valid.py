"""`ask_until_valid`: one interrupt, and the same question again (with why) until parse accepts."""

from typing import Any, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents.common import ask_until_valid
from state import bounds
from state.hitl import ResumeError


class S(TypedDict, total=False):
    got: Any


def parse(answer: Any) -> int:
    if not isinstance(answer, int):
        raise ResumeError(f"expected a number, got {type(answer).__name__}")
    return answer * 2


def graph():
    g = StateGraph(S)
    g.add_node("ask", lambda s: {"got": ask_until_valid({"kind": "question", "q": "how many?"}, parse)})
    g.add_edge(START, "ask")
    g.add_edge("ask", END)
    return g.compile(checkpointer=InMemorySaver())


def pending(g, cfg):
    return [i.value for t in g.get_state(cfg).tasks for i in t.interrupts]


def test_asks_again_with_the_reason_and_only_a_digest_until_valid():
    g, cfg = graph(), {"configurable": {"thread_id": "a"}}
    g.invoke({}, cfg)
    assert pending(g, cfg) == [{"kind": "question", "q": "how many?"}]
    g.invoke(Command(resume="seven"), cfg)
    (again,) = pending(g, cfg)
    assert again["q"] == "how many?" and again["error"] == "expected a number, got str"
    assert again["rejected"]["digest"] == bounds.digest("seven")[0] and "seven" not in str(again)
    g.invoke(Command(resume=[7]), cfg)
    assert pending(g, cfg)[0]["error"] == "expected a number, got list"
    g.invoke(Command(resume=7), cfg)
    assert not pending(g, cfg) and g.get_state(cfg).values == {"got": 14}


def test_other_errors_are_not_asked_again():
    def boom(answer: Any) -> Any:
        raise KeyError("bug")

    g = StateGraph(S)
    g.add_node("ask", lambda s: {"got": ask_until_valid({"kind": "q"}, boom)})
    g.add_edge(START, "ask")
    compiled, cfg = g.compile(checkpointer=InMemorySaver()), {"configurable": {"thread_id": "b"}}
    compiled.invoke({}, cfg)
    try:
        compiled.invoke(Command(resume=1), cfg)
    except KeyError:
        pass
    else:
        raise AssertionError("KeyError was swallowed")
