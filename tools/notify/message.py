"""What a notification says: one short line, the card, and the exact way to answer it.

A person reads it in Slack, a mail client or a webhook consumer, away from the terminal that
started the thread, so it carries everything needed to act without running anything first:
what waits (an approval card, a question, an alert), for which campaign and thread, the card's
own markdown, and the command that answers it. An approval's command quotes the card's receipt
(`adpilot approve THREAD --receipt R`): `approve` refuses a card this terminal never showed
unless the receipt names it, and the receipt pins the answer to exactly this card. With the
server's public URL set (`ADPILOT_SERVER_URL`), a LangGraph Studio link to the thread too.

Pure functions of the interrupt value and where the thread runs; no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

SCHEMA = "adpilot.notification/1"
STUDIO_ORIGIN = "https://smith.langchain.com"
DEFAULT_HOME = ".adpilot"
# The interrupt kinds that wait for a clock, not a person: timers and Meta throttling waits.
NOT_FOR_A_PERSON = frozenset({"wait"})
# What `state.hitl.reask` (and `agents.common.ask`, its list) adds when an answer was refused:
# not part of the card itself.
_REASK_KEYS = ("error", "rejected", "refused_answers")
_CARD_CHARS = 30_000  # Slack cuts a message at 40,000 characters; leave room for the rest


@dataclass(frozen=True)
class Where:
    """Where the waiting thread runs: its ids, its home and how a person reaches it."""

    thread_id: str
    interrupt_id: str | None = None
    account_id: str | None = None
    home: str = DEFAULT_HOME
    sandbox: bool = False
    server_url: str | None = None  # the LangGraph Server's public URL, for the Studio link
    studio_origin: str = STUDIO_ORIGIN


def waits_for_person(payload: Any) -> bool:
    """Return True for an interrupt a person answers: anything but a timer (`wait`)."""
    return isinstance(payload, Mapping) and payload.get("kind") not in NOT_FOR_A_PERSON


def is_reask(payload: Mapping[str, Any]) -> bool:
    """Return True when the interrupt asks again after a refused answer (the card was already sent)."""
    return any(k in payload for k in _REASK_KEYS)


def card_digest(payload: Mapping[str, Any]) -> str:
    """Return the sha256 of the card (the interrupt value without a re-ask's error), canonical JSON."""
    core = {k: v for k, v in payload.items() if k not in _REASK_KEYS}
    text = json.dumps(core, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def notification_id(payload: Mapping[str, Any], where: Where) -> str:
    """Return the outbox key: thread, interrupt and card digest (a node re-run gets the same one).

    LangGraph derives an interrupt's id from its task, and a task re-run from the same
    checkpoint (after a crash) has the same id; a card issued again later is a new interrupt.
    """
    seed = "\0".join([where.thread_id, where.interrupt_id or "", card_digest(payload)])
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def studio_link(where: Where) -> str | None:
    """Return the thread's LangGraph Studio link, when the server's public URL is known."""
    if not where.server_url:
        return None
    base = quote(where.server_url.rstrip("/"), safe="")
    return (f"{where.studio_origin.rstrip('/')}/studio/thread/{quote(where.thread_id, safe='')}"
            f"?baseUrl={base}")


def _cli(where: Where, *args: str) -> str:
    words = ["adpilot", *args]
    prefix = "" if where.home in ("", DEFAULT_HOME) else f"ADPILOT_HOME={shlex.quote(where.home)} "
    return prefix + " ".join(shlex.quote(w) for w in words)


def answer_commands(payload: Mapping[str, Any], where: Where) -> dict[str, Any]:
    """Return the command that answers the card (and the one that rejects an approval)."""
    thread = where.thread_id
    studio = studio_link(where)
    if payload.get("action_requests") and payload.get("receipt"):  # approval-shaped, alerts too
        receipt = str(payload["receipt"])[:12]
        return {"command": _cli(where, "approve", thread, "--receipt", receipt),
                "reject": _cli(where, "approve", thread, "--receipt", receipt,
                               "--reject", "the reason"),
                "studio_url": studio}
    return {"command": _cli(where, "resume", thread, "--answer", "your answer"), "studio_url": studio}


def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        text = line.strip().lstrip("#").strip().strip("*").strip()
        if text:
            return text[:160]
    return None


def _campaign(payload: Mapping[str, Any]) -> str | None:
    """Return the campaign a card is about: a launch plan's name, else a campaign id in the args."""
    for action in payload.get("action_requests") or []:
        args = action.get("args") if isinstance(action, Mapping) else None
        if not isinstance(args, Mapping):
            continue
        plan = args.get("plan")
        if isinstance(plan, Mapping) and plan.get("name"):
            return f"“{plan['name']}”"
        for key in ("campaign_name", "campaign_id"):
            if args.get(key):
                return f"campaign {args[key]}"
    return None


def _what(payload: Mapping[str, Any]) -> str:
    kind = str(payload.get("kind") or "card")
    if kind == "approval":
        n = len(payload.get("action_requests") or [])
        return "approval needed" + (f" ({n} actions)" if n > 1 else "")
    if kind == "clarify":
        n = len(payload.get("questions") or [])
        return "a question needs an answer" if n <= 1 else f"{n} questions need answers"
    return f"{kind.replace('_', ' ')} needs a decision"


def _questions(payload: Mapping[str, Any]) -> list[str]:
    out = []
    for q in payload.get("questions") or []:
        text = q.get("question") if isinstance(q, Mapping) else q
        if text:
            out.append(re.sub(r"\s+", " ", str(text)))
    return out


def _subject(payload: Mapping[str, Any], description: str) -> str | None:
    """Say what the card is about in a few words: the campaign, the request, or its title."""
    if payload.get("kind") == "clarify":
        request = re.sub(r"\s+", " ", str(payload.get("request") or "")).strip()
        if request:
            return f"about the request “{request[:80]}{'…' if len(request) > 80 else ''}”"
        return "about the brief"
    return _campaign(payload) or _first_heading(description)


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn reads as markup (`&`, `<`, `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build(payload: Mapping[str, Any], where: Where, *, now: datetime | None = None) -> dict[str, Any]:
    """Build the notification body for an interrupt value (secrets are scrubbed by the caller).

    `text` is Slack mrkdwn (`&`, `<`, `>` escaped, the Studio link as `<url|label>`); every
    other field is plain.
    """
    kind = str(payload.get("kind") or "")
    description = str(payload.get("description") or "")
    answer = answer_commands(payload, where)
    subject = _subject(payload, description)
    about = (f" {subject}" if kind == "clarify" else f": {subject}") if subject else ""
    questions = _questions(payload)
    account = where.account_id or "account not chosen yet"
    line = f"adpilot · {_what(payload)}{about}"
    line += f" ({account}, thread {where.thread_id}{', sandbox' if where.sandbox else ''})"
    if kind == "clarify" and questions:
        more = f" (+{len(questions) - 1} more)" if len(questions) > 1 else ""
        line += f": {questions[0][:200]}{more}"
    text = slack_escape(line + f". Answer: `{answer['command']}`")
    if answer.get("studio_url"):
        text += f" or in <{answer['studio_url']}|LangGraph Studio>"
    card = description if len(description) <= _CARD_CHARS else (
        description[:_CARD_CHARS] + "\n\n… (cut; the whole card is in `adpilot status`)")
    body: dict[str, Any] = {
        "schema": SCHEMA,
        "id": notification_id(payload, where),
        "text": text,
        "kind": kind,
        "title": _what(payload) + about,
        "thread_id": where.thread_id,
        "interrupt_id": where.interrupt_id,
        "account_id": where.account_id,
        "sandbox": where.sandbox,
        "card": card,
        "answer": answer,
        "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
    }
    if payload.get("receipt"):
        body["receipt"] = payload["receipt"]
    if questions:
        body["questions"] = questions
    return body


def email_text(body: Mapping[str, Any]) -> str:
    """Write the plain-text e-mail for a notification body: the line, the card, how to answer."""
    answer = body.get("answer") or {}
    lines = [str(body.get("text", "")), "", str(body.get("card", "")), "", "To answer:",
             f"  {answer.get('command', '')}"]
    if answer.get("reject"):
        lines.append(f"  {answer['reject']}   (to reject)")
    if answer.get("studio_url"):
        lines.append(f"  or in LangGraph Studio: {answer['studio_url']}")
    lines += ["", f"thread {body.get('thread_id')} · account {body.get('account_id') or '—'}"
                  f" · notification {body.get('id')}"]
    return "\n".join(lines)
