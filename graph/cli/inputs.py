"""What a person gives on the command line, read and bounded (`state/bounds.py`).

The brief (text, a file, or stdin), a plan file, a decisions file, and free-text options;
anything unreadable or over its bound exits 2 naming the option and the fix.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from graph.cli.common import fail

BRIEF_FILES = (".txt", ".md")
GIVE_BRIEF = "give the brief text in quotes, or the path of an existing .txt/.md file"


def looks_like_path(text: str) -> bool:
    """Tell whether an argument is a file's path rather than a brief's words.

    One word ending in .txt/.md/.json, or with a path separator (not a URL): no brief reads
    like that, and planning the file's name as the brief would be a silent mistake.
    """
    if len(text) >= 255 or any(c.isspace() for c in text) or "://" in text:
        return False
    return Path(text).suffix.lower() in (*BRIEF_FILES, ".json") or "/" in text or \
        (os.sep != "/" and os.sep in text)


def read_brief(brief: str) -> str:
    """Return the brief text: the argument itself, a file it names, or stdin for "-".

    An argument that looks like a path (`looks_like_path`) but names no readable .txt/.md file
    exits 2 saying so, instead of being planned as the brief's text.
    """
    if brief == "-":
        brief = sys.stdin.read()
    else:
        path = Path(brief)
        if len(brief) < 255 and "\n" not in brief and path.suffix.lower() in BRIEF_FILES and \
                path.is_file():
            try:
                brief = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                fail(f"BRIEF file {path} is not UTF-8 text (byte {exc.start}): save it as plain "
                     "UTF-8 text, or paste the brief as the argument")
            except OSError as exc:
                fail(f"BRIEF file {path} cannot be read ({exc.strerror}): check its permissions")
        elif looks_like_path(brief):
            fail(_not_a_brief_file(path))
    if "\x00" in brief:
        fail("BRIEF contains binary data (NUL bytes): give the brief as plain text")
    if not brief.strip():
        fail("BRIEF is empty: describe the campaign, e.g. \"Sell running shoes in the US, $50/day\"")
    return brief


def _not_a_brief_file(path: Path) -> str:
    """Say why a path-like BRIEF is not read as a brief file, and what to give instead."""
    if not path.exists():
        return f"brief file {path} not found; {GIVE_BRIEF}"
    if path.is_dir():
        return f"brief file {path} is a folder; {GIVE_BRIEF}"
    if path.suffix.lower() == ".json":
        return (f"brief file {path} is JSON, not a brief: a plan file launches with `adpilot run "
                f"--plan {path}`; otherwise {GIVE_BRIEF}")
    return f"brief file {path} is not a .txt or .md file; {GIVE_BRIEF}"


DECISIONS_FIX = ("Nothing was sent to Meta; write one decision per action of the card, e.g. "
                 '{"decisions": [{"type": "approve"}]}')


def read_decisions_file(path: Path, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the resume value in a decisions file, checked against the pending card's size.

    The file is bounded like every resume value (`state/bounds.py`): at most
    `MAX_JSON_FILE_BYTES` on disk, `MAX_RESUME_BYTES` / `MAX_RESUME_DEPTH` as JSON.
    """
    from state import bounds

    field = f"--decisions {path}"
    try:
        doc = bounds.read_json_file(path, field, max_bytes=bounds.MAX_JSON_FILE_BYTES,
                                    max_depth=bounds.MAX_RESUME_DEPTH, fix=DECISIONS_FIX)
    except bounds.BoundsError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{field}: cannot read it ({exc.strerror})")
    except UnicodeDecodeError as exc:
        fail(f"{field}: not UTF-8 text (byte {exc.start}); save it as UTF-8 JSON")
    except json.JSONDecodeError as exc:
        fail(f"{field}: not valid JSON ({exc.msg}, line {exc.lineno})")
    decisions = doc.get("decisions") if isinstance(doc, dict) else doc
    wanted = len(payload.get("action_requests") or [])
    if not isinstance(decisions, list) or len(decisions) != wanted:
        fail(f"--decisions {path}: give a list of {wanted} decisions, one per action in card "
             'order, each {"type": "approve"}, {"type": "reject", "message": "..."} or '
             '{"type": "edit", "edited_action": {"name": ..., "args": {...}}}')
    value: dict[str, Any] = {"decisions": decisions}
    # A receipt quoted in the file says which card it answers; it is never replaced.
    quoted = doc.get("receipt") if isinstance(doc, dict) else None
    if quoted is not None or payload.get("receipt"):
        value["receipt"] = quoted if quoted is not None else payload["receipt"]
    try:
        bounds.check_resume_value(value, field)
    except bounds.BoundsError as exc:
        fail(str(exc))
    return value


def read_plan_file(path: Path, option: str, thread: str | None = None) -> dict[str, Any]:
    """Return the plan in a JSON file (a bare plan or `adpilot plan --json` output).

    Bounded (`state/bounds.py`): at most `MAX_JSON_FILE_BYTES` on disk, nested at most
    `MAX_PLAN_DEPTH` levels (checked on the text, before parsing), and the plan at most
    `MAX_PLAN_BYTES` as JSON; otherwise exit 2 naming the option, the limit and the fix. The
    fix starts from the thread's pending plan for an edit (`thread`: `adpilot plan THREAD
    --export FILE`), from a brief's plan otherwise.
    """
    from state import bounds

    field = f"{option} {path}"
    start = (f"write the plan on the card with `adpilot plan {thread} --export FILE` and edit "
             "that file" if thread is not None else
             "write the output of `adpilot plan BRIEF --json` (its \"plan\") to a file and edit that")
    fix = bounds.PLAN_FIX if thread is None else \
        bounds.plan_fix(f"`adpilot plan {thread} --export FILE` writes")
    try:
        # +1: `adpilot plan --json` output holds the plan one level down ({"plan": {...}}).
        doc = bounds.read_json_file(path, field, max_bytes=bounds.MAX_JSON_FILE_BYTES,
                                    max_depth=bounds.MAX_PLAN_DEPTH + 1,
                                    fix=f"Nothing was sent to Meta; {fix}")
    except bounds.BoundsError as exc:
        fail(str(exc))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{field}: cannot read a JSON plan ({exc.__class__.__name__}: {exc}); {start}")
    plan = doc.get("plan", doc) if isinstance(doc, dict) else None
    if not isinstance(plan, dict):
        fail(f"{field}: expected a JSON object with the plan (or {{\"plan\": {{...}}}}); {start}")
    try:
        bounds.check_plan(plan, field, fix)
    except bounds.BoundsError as exc:
        fail(str(exc))
    return plan


def bounded_text(text: str, option: str, fix: str) -> None:
    """Exit 2 when a person's text option is longer than `bounds.MAX_ANSWER_CHARS`."""
    from state import bounds

    try:
        bounds.check_text(text, option, fix=fix)
    except bounds.BoundsError as exc:
        fail(str(exc))
