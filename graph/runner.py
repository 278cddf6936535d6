"""Start, resume and inspect durable threads: the graph over the checkpointer in ADPILOT_HOME.

Every run streams `stream_mode="updates"` with `durability="sync"` — a checkpoint is on disk
before the next node starts, so a process killed between the approval and the launch resumes
exactly where it stopped (`continue_thread`), and the launcher's ledger makes the re-run
idempotent.

Human decisions go in as `Command(resume={interrupt_id: value})`: an answer is addressed to
one interrupt — the card the person saw — never to "whatever is pending now". When that card
was answered or replaced in the meantime (an edit made elsewhere re-issues the card under a
new id), the answer is refused as `StaleDecision` and nothing runs.

Longer than 300 lines because the thread's whole lifecycle (start, resume, continue, status,
the account check) holds one lease discipline in one place.

Contact data never enters a thread: a brief, a request and a clarification answer have their
e-mail addresses and phone numbers masked (`state/contacts.py`) before anything is stored, and
`Outcome.notes` says so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langgraph.errors import UnknownInterruptError
from langgraph.types import Command

from graph.builder import build_graph
from graph.checkpointer import open_checkpointer
from graph.tracing import flush_traces, run_config, tracing_enabled
from state.bounds import check_resume_value
from state.contacts import mask_contacts, masked_note
from state.control import CHECKPOINT_URL_ENV, ThreadControl, control_for
from state.storage import guarded

UpdateHook = Callable[[str, Any], None]
# `waiting_for` in words: "it waits for wait" said nothing (`Outcome.waits_for`).
WAITING_WORDS = {"approval": "its approval card", "clarify": "an answer to its question",
                 "wait": "a timer"}


@dataclass
class Outcome:
    """Where a run stopped: at an interrupt (`interrupt` set), at the end, or not started."""

    thread_id: str
    updates: list[tuple[str, Any]] = field(default_factory=list)
    interrupt: dict[str, Any] | None = None
    interrupt_id: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    next: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)  # said to the person before the card

    @property
    def done(self) -> bool:
        """True when the thread reached END."""
        return self.interrupt is None and not self.next

    @property
    def waiting_for(self) -> str | None:
        """The kind of the pending interrupt: approval, clarify, wait (or None)."""
        return (self.interrupt or {}).get("kind") if self.interrupt else None

    @property
    def waits_for(self) -> str:
        """What the thread waits for, in words a person reads ("a timer", never "wait")."""
        kind = self.waiting_for
        return WAITING_WORDS.get(kind or "", f"its {kind}") if kind else "nothing"


class StaleDecision(ValueError):
    """An answer to an interrupt that is no longer pending (answered or replaced elsewhere).

    `current` is where the thread stands now (its pending card, if any), to show again.
    """

    def __init__(self, current: Outcome) -> None:
        self.current = current
        now = (f"it now waits for {current.waits_for} (id {str(current.interrupt_id)[:8]})"
               if current.interrupt is not None else "it waits for nothing")
        super().__init__(f"stale answer: thread {current.thread_id!r} is no longer waiting for "
                         f"the card you answered — it was answered or changed since it was "
                         f"shown ({now}). Nothing was applied; read the current card and "
                         "answer that one.")


def control_of(saver: Any) -> ThreadControl | None:
    """Return the thread-control store beside a checkpointer (its SQLite file, or PostgreSQL)."""
    if saver is None:
        return None
    conn = getattr(saver, "conn", None)
    if type(saver).__name__ == "SqliteSaver" and conn is not None:
        rows = conn.execute("PRAGMA database_list").fetchall()
        path = next((r[2] for r in rows if r[1] == "main"), "")
        if not path:
            return None  # an in-memory checkpointer: one process, nothing to share
        return control_for(Path(path).parent, f"sqlite:///{path}")
    if type(saver).__name__ == "PostgresSaver" and os.environ.get(CHECKPOINT_URL_ENV):
        return control_for(".", os.environ[CHECKPOINT_URL_ENV])
    return None


class Runner:
    """Runs the compiled graph for a context; one instance per process.

    Every call that advances a thread (`start`, `resume`, `continue_thread`) holds the thread's
    lease (`state.control`) while it runs, so two processes never advance one thread at once;
    `lease(thread_id)` lets a command hold it across its own reads and decisions too.
    """

    def __init__(self, graph: Any, context: Any, control: ThreadControl | None = None) -> None:
        self.graph = graph
        self.context = context
        self.control = control if control is not None else control_of(
            getattr(graph, "checkpointer", None))
        self.where = self.control.where if self.control is not None else "the checkpoint store"

    @contextmanager
    def lease(self, thread_id: str, *, wait_s: float | None = None) -> Iterator[None]:
        """Hold the thread's lease (re-entrant); raises `ThreadBusy` when another process has it."""
        if self.control is None:
            yield
            return
        with self.control.lease(thread_id, wait_s=wait_s):
            yield

    def config(self, thread_id: str, action: str | None = None) -> dict[str, Any]:
        """Return the run config: thread id, run name, tags and metadata (settings live in context)."""
        return dict(run_config(thread_id, self.context, action=action))

    def _stream(self, value: Any, thread_id: str, on_update: UpdateHook | None, action: str) -> Outcome:
        outcome = Outcome(thread_id)
        for chunk in self.graph.stream(value, self.config(thread_id, action), context=self.context,
                                       stream_mode="updates", durability="sync"):
            for node, update in chunk.items():
                outcome.updates.append((node, update))
                if on_update is not None:
                    on_update(node, update)
        return self._fill(outcome)

    def _fill(self, outcome: Outcome) -> Outcome:
        with guarded(self.where):
            snapshot = self.graph.get_state(self.config(outcome.thread_id))
        outcome.values = dict(snapshot.values or {})
        outcome.next = tuple(snapshot.next or ())
        pending = [i for task in snapshot.tasks for i in task.interrupts]
        if not outcome.next and not pending and snapshot.tasks:
            # A step whose nodes finished (their results are saved as pending writes) but whose
            # next checkpoint was never written — a full disk, a kill at that instant. LangGraph
            # lists no `next` then; it is not finished: continue_thread applies those results
            # and goes on from there.
            outcome.next = tuple(task.name for task in snapshot.tasks)
        outcome.interrupt = pending[0].value if pending else None
        outcome.interrupt_id = pending[0].id if pending else None
        return outcome

    def start(self, brief: str, thread_id: str | None = None, *, plan: dict[str, Any] | None = None,
              go_live: bool | None = None, on_update: UpdateHook | None = None,
              request: str | None = None, watch: dict[str, Any] | None = None) -> Outcome:
        """Start a new thread; runs to the first interrupt or the end.

        From a brief (or a ready plan), a `request` about existing objects (`adpilot ask`) or
        a campaign to `watch` (`{"campaign_id", "target_cpa_minor", "target_roas"}`).
        """
        thread_id = thread_id or f"t-{uuid.uuid4().hex[:10]}"
        with self.lease(thread_id):
            if self.exists(thread_id):
                raise ValueError(f"thread {thread_id!r} already exists: pick another --thread id, "
                                 f"or continue it with `adpilot resume {thread_id}`")
            brief, said = mask_contacts(brief)
            value: dict[str, Any] = {"brief": brief}
            if request is not None:
                request, said = mask_contacts(request)
                value = {"request": request}
            if watch is not None:
                value = {"watch": watch}
            if plan is not None:
                value["plan"] = plan
            if go_live is not None:  # otherwise the context's policy decides
                value["go_live"] = go_live
            outcome = self._stream(value, thread_id, on_update, "run")
            if said:
                outcome.notes.append(masked_note(said, "the brief" if request is None
                                                 else "the request"))
            return outcome

    def resume(self, thread_id: str, value: Any, *, expect: str | None = None,
               interrupt_id: str | None = None, on_update: UpdateHook | None = None) -> Outcome:
        """Answer one interrupt of the thread (of kind `expect`, if given) with `value`.

        `interrupt_id` names the interrupt the person saw (`Outcome.interrupt_id` when it was
        shown); an approval answered that way quotes that card's receipt when it quotes none.
        Without it the answer goes to the interrupt pending now, by its id, unchanged. Raises
        `StaleDecision` when the named interrupt is no longer the pending one.
        """
        check_resume_value(value)  # too big, too deep or not JSON: never stored
        if value is None:
            # LangGraph fails internally on Command(resume=None); say what to send.
            raise ValueError('the resume value is empty (null): answer an approval with '
                             '{"decisions": [{"type": "approve"}]}, a wait with {"woke_at": ...}')
        with self.lease(thread_id):
            return self._resume(thread_id, value, expect=expect, interrupt_id=interrupt_id,
                                on_update=on_update)

    def account_problem(self, current: Outcome) -> str | None:
        """Why this process may not run the thread: it works in another ad account (or None).

        A thread records its account at its first node; its cards, money gate and writes are
        about that account, so it only runs with a client for it.
        """
        from state.context import act_id

        recorded = current.values.get("account")
        mine = getattr(self.context, "account_id", None)
        if not recorded or not mine or act_id(str(recorded)) == act_id(str(mine)):
            return None
        return (f"thread {current.thread_id!r} works in ad account {recorded}, not {act_id(mine)}:"
                f" run the command again with `--account {recorded}`")

    def _resume(self, thread_id: str, value: Any, *, expect: str | None,
                interrupt_id: str | None, on_update: UpdateHook | None) -> Outcome:
        current = self.status(thread_id)
        if (problem := self.account_problem(current)) is not None:
            raise ValueError(problem)
        if current.interrupt is None:
            where = "finished" if current.done else "next: " + ", ".join(current.next)
            raise ValueError(f"thread {thread_id!r} is not waiting for a decision ({where})")
        if interrupt_id is not None and interrupt_id != current.interrupt_id:
            raise StaleDecision(current)
        if expect is not None and current.waiting_for != expect:
            raise ValueError(f"thread {thread_id!r} is not waiting for {expect} (it waits for "
                             f"{current.waits_for}); see `adpilot status {thread_id}`")
        payload = current.interrupt or {}
        said: list[str] = []
        if payload.get("kind") == "clarify":  # an answer is free text: no contact data kept
            value, said = _mask_answer(value)
        if interrupt_id is not None and payload.get("kind") == "approval" and \
                isinstance(value, dict) and "receipt" not in value and payload.get("receipt"):
            value = {**value, "receipt": payload["receipt"]}  # the card the person saw
        target = current.interrupt_id
        try:
            resume: Command[Any] = Command(resume={target: value} if target else value)
            outcome = self._stream(resume, thread_id, on_update, "resume")
            if said:
                outcome.notes.append(masked_note(said, "the answer"))
            return outcome
        except UnknownInterruptError:
            # Answered or replaced by another process between our read and this resume.
            raise StaleDecision(self.status(thread_id)) from None

    def continue_thread(self, thread_id: str, *, on_update: UpdateHook | None = None) -> Outcome:
        """Re-run whatever was pending when the process stopped (after a crash)."""
        with self.lease(thread_id):
            current = self.status(thread_id)
            if current.interrupt is not None or current.done:
                return current
            if (problem := self.account_problem(current)) is not None:
                raise ValueError(problem)
            return self._stream(None, thread_id, on_update, "resume")

    def status(self, thread_id: str) -> Outcome:
        """Return the thread's current values, pending nodes and interrupt, without running anything."""
        if not self.exists(thread_id):
            raise KeyError(f"no thread {thread_id!r} in this ADPILOT_HOME; list them with `adpilot status`")
        return self._fill(Outcome(thread_id))

    def exists(self, thread_id: str) -> bool:
        """Return True when the checkpointer holds at least one checkpoint of the thread."""
        with guarded(self.where):
            return self.graph.checkpointer.get_tuple(self.config(thread_id)) is not None

    def threads(self) -> list[str]:
        """Return every thread id in the checkpointer, least recently updated first."""
        seen: dict[str, None] = {}
        with guarded(self.where):
            for item in self.graph.checkpointer.list(None):
                seen.setdefault(item.config["configurable"]["thread_id"], None)
        return list(reversed(seen))


def thread_kind(values: dict[str, Any]) -> str:
    """Say what started the thread: a brief (launch), a request (ask) or a campaign (watch)."""
    if values.get("watch") or values.get("adopted"):
        return "watch"
    if values.get("request") and not values.get("plan"):
        return "ask"
    return "launch"


def tune_sqlite(saver: Any) -> None:
    """Use synchronous=NORMAL on a WAL-mode SQLite checkpointer.

    In WAL mode a committed checkpoint then survives a killed process (what `durability="sync"`
    is for, and what the SIGKILL tests exercise); only an OS crash or power loss can drop the
    last commits, which is recoverable because every Meta write is in the ledger (synchronous
    FULL) and reconciled by provenance tag. It halves the cost of a checkpoint (one fsync per
    WAL checkpoint instead of per commit).
    """
    conn = getattr(saver, "conn", None)
    if conn is not None and type(saver).__name__ == "SqliteSaver":
        conn.execute("PRAGMA synchronous=NORMAL")


@contextmanager
def open_runner(home: str | Path, context: Any) -> Iterator[Runner]:
    """Open the checkpointer in `home` and yield a Runner over the compiled graph."""
    with open_checkpointer(home) as saver:
        tune_sqlite(saver)
        try:
            yield Runner(build_graph(checkpointer=saver), context)
        finally:
            if tracing_enabled():
                flush_traces()


def _mask_answer(value: Any) -> tuple[Any, list[str]]:
    """Mask contact data in a clarification answer: a string, or the strings of a dict."""
    if isinstance(value, str):
        return mask_contacts(value)
    if isinstance(value, dict):
        said: list[str] = []
        out = {}
        for k, v in value.items():
            if isinstance(v, str):
                v, found = mask_contacts(v)
                said += found
            out[k] = v
        return out, said
    return value, []
