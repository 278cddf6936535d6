"""The offline trace of a thread: `adpilot trace THREAD [--json]`.

Built from what is on disk in ADPILOT_HOME, no LangSmith needed:

- the checkpoint history (`graph.get_state_history`, oldest first): every node that ran with
  a one-line summary of its update, every interrupt (approval, clarify, wait), the answer
  each card accepted (who decided what) and the answers it refused, each with its reason
  (`graph/trace_decisions.py`), every node error (and the re-run that followed it);
- the ledger: every Meta write with its operation, object type, Meta id, before/after values,
  approval receipt and its status history (`intent → sent → done`, or failed / unknown),
  a repeated write of the same plan key shown as a retry.

`trace_timeline(home, thread_id)` returns the events as dicts ordered by time;
`render_timeline(events)` prints them with Rich.
"""

from __future__ import annotations

import os
from typing import Any

from graph.trace_decisions import decision_events, short
from state.ledger import Ledger, ledger_exists
from state.secrets import scrub_obj

RESUME = "__resume__"
_SUMMARY_KEYS = ("status", "phase")


def _node_summary(node: str, update: Any) -> str:
    if not isinstance(update, dict):
        return short(update)
    bits = []
    plan = update.get("plan")
    if isinstance(plan, dict):
        n_ads = sum(len(s.get("ads", [])) for s in plan.get("ad_sets", []))
        bits.append(f"plan {plan.get('name')!r}: {len(plan.get('ad_sets', []))} ad set(s), {n_ads} ad(s)")
    if update.get("problems"):
        bits.append(f"{len(update['problems'])} problem(s): {short(update['problems'][0].get('message', ''), 80)}")
    if isinstance(update.get("created"), dict) and update["created"]:
        bits.append(f"{len(update['created'])} object(s) created")
    if isinstance(update.get("approval"), dict):
        bits.append(f"approval: {update['approval'].get('decision')}")
    if update.get("applied_actions"):
        bits.append(f"{len(update['applied_actions'])} action(s) applied")
    for key in _SUMMARY_KEYS:
        if isinstance(update.get(key), str) and update[key]:
            bits.append(f"{key}: {update[key]}")
            break
    return "; ".join(bits) or ("updated " + ", ".join(sorted(update)) if update else "no change")


def _interrupt_event(node: str, value: Any, at: str | None) -> dict[str, Any]:
    value = value if isinstance(value, dict) else {"value": value}
    kind = value.get("kind", "interrupt")
    if kind == "wait":
        summary = f"waiting until {value.get('until')}: {value.get('reason', '')}".strip()
    elif kind == "clarify":
        qs = value.get("questions") or []
        summary = f"asked {len(qs)} question(s): " + "; ".join(
            short(q.get("question", q) if isinstance(q, dict) else q, 60) for q in qs[:3])
    else:
        actions = [str(a.get("name")) for a in value.get("action_requests", []) if isinstance(a, dict)]
        first_line = str(value.get("description", "")).strip().splitlines()[:1]
        summary = f"approval requested for {', '.join(actions) or 'actions'}" + (
            f" — {short(first_line[0], 80)}" if first_line else "")
    return {"at": at, "kind": "interrupt", "node": node, "interrupt": kind, "summary": summary,
            "details": {"receipt": value.get("receipt"), "schema": value.get("schema")}}


def checkpoint_events(graph: Any, thread_id: str) -> list[dict[str, Any]]:
    """Events from the thread's checkpoint history (nodes, interrupts, decisions, errors)."""
    config = {"configurable": {"thread_id": thread_id}}
    history = list(reversed(list(graph.get_state_history(config))))
    if not history:
        raise KeyError(f"no thread {thread_id!r} in this ADPILOT_HOME; list them with `adpilot status`")
    saver = graph.checkpointer
    events: list[dict[str, Any]] = []
    for i, snap in enumerate(history):
        started = snap.created_at
        ended = history[i + 1].created_at if i + 1 < len(history) else None
        pending = (saver.get_tuple(snap.config).pending_writes or []) if saver else []
        resumes = [w[2] for w in pending if w[1] == RESUME and not isinstance(w[2], list)]
        for task in snap.tasks:
            if task.name == "__start__":
                brief = (task.result or {}).get("brief") if isinstance(task.result, dict) else None
                events.append({"at": started, "kind": "input", "node": "__start__",
                               "summary": f"brief: {short(brief, 100)}" if brief else "input",
                               "details": {}})
                continue
            for intr in task.interrupts:
                events.append(_interrupt_event(task.name, intr.value, started))
            # An answer by interrupt id is stored under the task (a list, one per interrupt).
            own = [v for w in pending if w[0] == task.id and w[1] == RESUME
                   for v in (w[2] if isinstance(w[2], list) else [w[2]])]
            if task.interrupts:
                # Refused answers are marked so; the decision is the answer the card accepted.
                events.extend(decision_events(task.name, task.interrupts[-1].value, own or resumes,
                                              task.result, ended))
            if task.error:
                events.append({"at": ended or started, "kind": "error", "node": task.name,
                               "summary": short(str(task.error), 160), "details": {}})
            if task.result is not None:
                events.append({"at": ended, "kind": "node", "node": task.name,
                               "summary": (("re-run after the error: " if task.error else "")
                                           + _node_summary(task.name, task.result)),
                               "details": {"step": snap.metadata.get("step") if snap.metadata else None,
                                           "keys": sorted(task.result) if isinstance(task.result, dict) else []}})
                for err in (task.result.get("errors") or []) if isinstance(task.result, dict) else []:
                    events.append({"at": ended, "kind": "error", "node": task.name,
                                   "summary": short(err.get("message", err) if isinstance(err, dict) else err, 160),
                                   "details": scrub_obj(err) if isinstance(err, dict) else {}})
    return events


def ledger_events(ledger: Ledger, thread_id: str) -> list[dict[str, Any]]:
    """One event per Meta write of the thread, with its status history; repeats marked retries."""
    by_write: dict[str, list[dict[str, Any]]] = {}
    for row in ledger.events(thread_id):
        by_write.setdefault(row["write_id"], []).append(row)
    seen: dict[tuple[Any, Any], int] = {}
    events = []
    for rows in by_write.values():
        first, last = rows[0], rows[-1]
        attempt_key = (first.get("plan_key") or first["write_id"], first["op"])
        seen[attempt_key] = seen.get(attempt_key, 0) + 1
        statuses = [r["status"] for r in rows]
        target = f"{first.get('object_type') or 'object'} {last.get('meta_id') or ''}".strip()
        summary = f"{first['op']} {target} → {last['status']}"
        if seen[attempt_key] > 1:
            summary = f"retry #{seen[attempt_key] - 1}: " + summary
        if last.get("error"):
            summary += f" ({short(last['error'], 80)})"
        events.append({
            "at": first.get("created_at") or first.get("updated_at"), "kind": "meta_write",
            "node": None, "summary": summary,
            "details": {"op": first["op"], "object_type": first.get("object_type"),
                        "path": first.get("path"), "meta_id": last.get("meta_id"),
                        "status": last["status"], "statuses": statuses,
                        "before": last.get("before"), "after": last.get("after"),
                        "receipt": first.get("receipt"), "plan_key": first.get("plan_key"),
                        "error": last.get("error"), "retry": seen[attempt_key] > 1},
        })
    return events


def merge_events(nodes: list[dict[str, Any]], writes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order by time; each Meta write is attributed to the node that was running then."""
    windows = [(e["at"], e["node"]) for e in nodes if e["kind"] == "node" and e["at"]]
    for w in writes:
        # The first node to finish after the write started is the node that made it.
        owner = next((node for end, node in sorted(windows) if w["at"] and end >= w["at"]), None)
        w["node"] = owner
    # At equal times: a step's decision, then its writes and errors, then the node's completion,
    # then the next step's interrupt (which shares the checkpoint time).
    rank = {"input": 0, "refused": 1, "decision": 1, "meta_write": 2, "error": 3, "node": 4, "interrupt": 5}
    keyed = [(e["at"] or "9999", rank.get(e["kind"], 9), i, e) for i, e in enumerate(nodes + writes)]
    return [e for *_, e in sorted(keyed, key=lambda k: (k[0], k[1], k[2]))]


def trace_timeline(home: str | os.PathLike[str], thread_id: str, *, url: str | None = None) -> list[dict[str, Any]]:
    """Return the thread's timeline: checkpoint events and ledger writes, oldest first."""
    from graph.builder import build_graph
    from graph.checkpointer import CHECKPOINT_URL_ENV, checkpoint_path, open_checkpointer

    configured = url if url is not None else os.environ.get(CHECKPOINT_URL_ENV)
    if not configured and not checkpoint_path(home).exists():
        # Reading must not create an empty checkpoint database in the wrong folder.
        raise KeyError(f"no thread {thread_id!r}: {home} holds no checkpoints; set ADPILOT_HOME "
                       "to the folder the run used")
    with open_checkpointer(home, url) as saver:
        nodes = checkpoint_events(build_graph(checkpointer=saver, reading=True), thread_id)
    writes: list[dict[str, Any]] = []
    if ledger_exists(home, url):
        ledger = Ledger.in_home(home, url)
        try:
            writes = ledger_events(ledger, thread_id)
        finally:
            ledger.close()
    return merge_events(nodes, writes)


_STYLE = {"node": "cyan", "interrupt": "yellow", "decision": "green", "refused": "red", "meta_write": "magenta",
          "error": "red", "input": "dim"}


def render_timeline(events: list[dict[str, Any]], console: Any = None, *, thread_id: str = "") -> None:
    """Print the timeline as a table: time, kind, node, what happened (+ before/after of writes)."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"thread {thread_id}" if thread_id else None, show_lines=False)
    for col in ("time", "kind", "node", "what happened"):
        table.add_column(col, overflow="fold")
    for e in events:
        at = (e.get("at") or "")[11:19]
        what = e["summary"]
        d = e.get("details") or {}
        if e["kind"] == "meta_write":
            if d.get("before") is not None or d.get("after") is not None:
                what += f"\n  before: {short(d.get('before'), 90)}\n  after:  {short(d.get('after'), 90)}"
            if d.get("receipt"):
                what += f"\n  receipt: {str(d['receipt'])[:12]}…"
        style = _STYLE.get(e["kind"], "")
        table.add_row(at, f"[{style}]{e['kind']}[/]" if style else e["kind"], e.get("node") or "", what)
    console.print(table)
