"""The inbox: every thread waiting for a person, and each card as the marketer reads it.

`inbox_items(runner)` lists the threads whose pending interrupt is an approval card or a
question (a clarification of a brief, or of an `ask` request), newest first; an approval card
that carries `alerts` (a thread woken between cycles, `docs/alerts.md`) is marked as one.
`card_view(outcome)` is what the thread page draws: the card's markdown (the same text the CLI
prints) rendered to HTML with raw HTML switched off, and one row per action with the decisions
its `review_configs` allow. Reads only: nothing here resumes a thread.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

from markdown_it import MarkdownIt

from state.secrets import scrub_obj

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
DECISION_WORDS = {"approve": "Approve", "edit": "Edit", "reject": "Reject"}


def markdown_html(text: str) -> str:
    """Render a card's markdown; any HTML in it is shown as text, never run."""
    return _MD.render(text or "")


def title_of(payload: dict[str, Any]) -> str:
    """Return the card's first heading (or its kind, said in words)."""
    for line in str(payload.get("description") or "").splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    if payload.get("kind") == "clarify":
        return ("The request needs an answer" if "request" in payload
                else "A question before anything is planned")
    return "Approval needed"


def is_launch(payload: dict[str, Any]) -> bool:
    """Return True for a launch card (one `launch_campaign` action)."""
    return any(isinstance(a, dict) and a.get("name") == "launch_campaign"
               for a in payload.get("action_requests") or [])


def inbox_items(runner: Any) -> list[dict[str, Any]]:
    """Every thread waiting for a person's answer, newest first."""
    items = []
    for tid in reversed(runner.threads()):
        out = runner.status(tid)
        if out.waiting_for not in ("approval", "clarify"):
            continue
        payload = out.interrupt or {}
        alerts = [a for a in payload.get("alerts") or [] if isinstance(a, dict)]
        kind = "alert" if alerts else ("launch" if is_launch(payload) else out.waiting_for)
        items.append({
            "thread_id": tid,
            "kind": kind,
            "waiting_for": out.waiting_for,
            "account": out.values.get("account"),
            "title": title_of(payload),
            "actions": len(payload.get("action_requests") or []),
            "alerts": [str(a.get("kind") or "") for a in alerts],
            "campaign": (out.values.get("created") or {}).get("campaign"),
        })
    return items


def _allowed(payload: dict[str, Any], name: str) -> list[str]:
    for config in payload.get("review_configs") or []:
        if isinstance(config, dict) and config.get("action_name") == name:
            return [d for d in config.get("allowed_decisions") or [] if d in DECISION_WORDS]
    return ["approve", "reject"]


def edit_text(action: dict[str, Any]) -> str:
    """Return what an edit box starts with: a launch's plan, another action's arguments."""
    args = action.get("args") or {}
    if action.get("name") == "launch_campaign" and isinstance(args.get("plan"), dict):
        return json.dumps(args["plan"], indent=2, ensure_ascii=False)
    return json.dumps(args, indent=2, ensure_ascii=False)


def summary_of(description: str, limit: int = 160) -> str:
    """Return an action's first line as plain words (its verdict, kind and object)."""
    line = next((x for x in description.splitlines() if x.strip()), "")
    plain = re.sub(r"[*`#>]+", "", line).strip()
    # up to the first ": " outside a quoted name (“Image 2: trailblaze_2.png” is one name)
    depth, cut = 0, len(plain)
    for i, ch in enumerate(plain):
        depth += {"“": 1, "”": -1}.get(ch, 0)
        if depth <= 0 and plain.startswith(": ", i):
            cut = i
            break
    head = plain[:cut]
    return head if len(head) <= limit else head[:limit - 1] + "…"


def budget_change(description: str) -> str:
    """Return " — USD 40.00 → USD 48.00 a day" when the action's evidence states its budget move."""
    found = re.search(r"budget ([A-Z]{3} [\d,.]+) → ([A-Z]{3} [\d,.]+)( a day)?", description)
    return f" — {found.group(1)} → {found.group(2)}{found.group(3) or ''}" if found else ""


def card_view(outcome: Any) -> dict[str, Any] | None:
    """Return the pending card of a thread for the page (None: nothing waits for a person)."""
    if outcome.waiting_for not in ("approval", "clarify"):
        return None
    payload = cast(dict[str, Any], scrub_obj(outcome.interrupt or {}))
    view: dict[str, Any] = {
        "kind": payload.get("kind"),
        "interrupt_id": outcome.interrupt_id,
        "receipt": str(payload.get("receipt") or ""),
        "title": title_of(payload),
        "html": markdown_html(str(payload.get("description") or "")),
        "error": payload.get("error"),
        "launch": is_launch(payload),
        "alerts": [a for a in payload.get("alerts") or [] if isinstance(a, dict)],
    }
    if payload.get("kind") == "clarify":
        questions = payload.get("questions") or []
        view["questions"] = [q.get("question", q) if isinstance(q, dict) else str(q)
                             for q in questions]
        view["example"] = next((q.get("example") for q in questions
                                if isinstance(q, dict) and q.get("example")), "")
        view["answers_left"] = payload.get("answers_left")
        return view
    actions = []
    for i, action in enumerate(payload.get("action_requests") or []):
        if not isinstance(action, dict):
            continue
        name = str(action.get("name") or "")
        actions.append({
            "index": i,
            "name": name,
            "summary": summary_of(str(action.get("description") or name)) + budget_change(
                str(action.get("description") or "")),
            "description_html": markdown_html(str(action.get("description") or "")),
            "allowed": _allowed(payload, name),
            "edit": edit_text(action),
        })
    view["actions"] = actions
    return view
