"""Limits on every value that enters adpilot from outside, and one checker for them.

Longer than 300 lines because it holds the table of every limit next to the one walker that
enforces them all.

A resume value (an approval's decisions, a clarify answer, a wake-up), a plan or decisions
file, a clarify answer or reject reason typed on the command line, a policy file and a
LangGraph Server request's context are measured before they reach the graph, the
checkpointer or the disk:

- **size**: bytes of the value as canonical JSON (sorted keys, no spaces, UTF-8 — what
  `state.hitl.canonical` writes);
- **depth**: containers inside containers (`"x"` is 0, `{}` is 1, `{"a": [1]}` is 2).

The walk is iterative, so a value nested 100,000 deep is measured and refused, never a
`RecursionError`; it stops as soon as a limit is passed, so a 5 MB string costs one
comparison. A value that is not JSON (a set, bytes, an object, NaN or Infinity, a key that
is not a string, text with a lone surrogate) or an integer beyond 64 bits is refused too:
it would not survive the checkpoint's serializer (msgpack: "Integer exceeds 64-bit range")
or an HTTP round trip. Every refusal is a `BoundsError` (a
`ValueError`) whose message names the field, what was measured, the limit and the fix.

A refused answer is remembered by `rejection()` — `{"digest", "size", "reason"}` — never
kept whole: the sha256 says which value it was, the size how big, the reason why.

Why these numbers (each is the largest legitimate input with a wide margin, and small
enough that a stream of refused inputs cannot grow the checkpoint by more than the limit
each):

- `MAX_RESUME_BYTES` 256 KiB, `MAX_RESUME_DEPTH` 32: the largest real answer is an edited
  launch plan. As `adpilot plan --json` prints it (keys included), a plan of 10 ad sets × 5
  ads with Meta's recommended copy lengths is ~35 KiB of canonical JSON, 200 ads ~125 KiB,
  50 ads with 2,000-character texts and 255-character headlines ~148 KiB. A plan nests 8
  levels (ad_sets[].targeting.flexible_spec[].interests[]); wrapped in `{"decisions":
  [{"type": "edit", "edited_action": {"args": {"plan": ...}}}]}`, 13. A typical edit uses
  a seventh of the size and under half the depth (tests/state/test_bounds.py measures it).
- `MAX_PLAN_BYTES` 240 KiB, `MAX_PLAN_DEPTH` 24: a plan file (`--plan`, `--edit`) or an
  edited plan; below the resume limits by the edit's wrapper (5 levels, < 200 bytes), so a
  plan file that passes is never refused as a resume value.
- `MAX_JSON_FILE_BYTES` 1 MiB: a plan or decisions file on disk before parsing; the
  pretty-printed `adpilot plan BRIEF --json` output of a plan at the limit, with its
  problems and warnings, is ~2–3× its canonical size.
- `MAX_ANSWER_CHARS` 10,000: a clarify answer or a reject reason — sentences (a URL, a
  budget, a country), merged into the brief at most `MAX_CLARIFY_ROUNDS` times.
- `MAX_POLICY_FILE_BYTES` 64 KiB, `MAX_POLICY_DEPTH` 4: a complete policy file is ~600
  bytes, an object of numbers and lists of action kinds (depth 2).
- `MAX_CONTEXT_BYTES` 16 KiB, `MAX_CONTEXT_DEPTH` 8: a server request's `context` holds
  ids and names (an ad account, a page, a pixel, a model).
- `MAX_REASON_CHARS` 1,000: the reason shown with a refused answer (a reason quoting a
  huge key or phrase is shortened in the middle, so the fix at its end stays).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KIB = 1024
MAX_RESUME_BYTES = 256 * KIB
MAX_RESUME_DEPTH = 32
MAX_PLAN_BYTES = 240 * KIB
MAX_PLAN_DEPTH = 24
MAX_JSON_FILE_BYTES = 1024 * KIB
MAX_ANSWER_CHARS = 10_000
MAX_POLICY_FILE_BYTES = 64 * KIB
MAX_POLICY_DEPTH = 4
MAX_CONTEXT_BYTES = 16 * KIB
MAX_CONTEXT_DEPTH = 8
MAX_REASON_CHARS = 1_000
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what msgpack (the checkpoint) and SQLite store

RESUME_FIX = ("answer an approval with {\"decisions\": [{\"type\": \"approve\"}]} (one decision "
              "per action; an edit carries the plan `adpilot plan THREAD --export FILE` writes), a "
              "clarify question with a few words, a wait with {\"woke_at\": \"...\"}")


def plan_fix(start: str) -> str:
    """Say how to make a plan file within bounds, starting from `start` (a command's plan)."""
    return (f"start from the plan {start} and change only the fields you mean to; a campaign "
            "larger than this is several campaigns")


PLAN_FIX = plan_fix("`adpilot plan BRIEF --json` prints")


class BoundsError(ValueError):
    """An input over a size or depth limit, or not JSON; the message names field, limit and fix."""


@dataclass(frozen=True)
class Measure:
    """What `measure` found: canonical JSON bytes and nesting depth (both partial when cut)."""

    size: int
    depth: int
    problem: str | None = None  # why the value is not JSON, or which limit it passed
    where: str = ""  # the path of the offending part, e.g. decisions[0].edited_action


class _Stop(Exception):
    def __init__(self, problem: str) -> None:
        self.problem = problem


_END = object()


def _path_text(path: list[Any], limit: int = 6) -> str:
    parts = [p for p in path if p is not None]
    out = ""
    for p in parts[:limit]:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    if len(parts) > limit:
        out += "…"
    return shorten(out, 120)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def _text_bytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _scalar(value: Any, strict: bool) -> str:
    """Canonical JSON of a non-container (json.dumps' rules; `str()` for others unless strict)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if strict and not INT_MIN <= value <= INT_MAX:
            raise _Stop("an integer outside -2**63 … 2**63-1 (the 64-bit range a checkpoint "
                        "can store) is not a number adpilot can keep")
        try:
            return int.__repr__(value)
        except ValueError:  # Python refuses to print ints of more than 4300 digits
            return f'"int:{value:x}"'
    if isinstance(value, float):
        if math.isfinite(value):
            return float.__repr__(value)
        text = "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
        if strict:
            raise _Stop(f"{text} is not a JSON number (write a finite number)")
        return text
    if isinstance(value, str):
        if strict:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _Stop("text with a lone surrogate is not valid Unicode") from None
        return json.dumps(value, ensure_ascii=False)
    if strict:
        raise _Stop(f"{_a(type(value).__name__)} is not JSON (use objects, arrays, strings, "
                    "numbers, true, false or null)")
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: Any, strict: bool) -> str:
    if isinstance(key, str):
        return key
    if strict:
        raise _Stop(f"{_a(type(key).__name__)} key ({shorten(repr(key), 40)}) is not JSON: "
                    "object keys are strings")
    if key is None or isinstance(key, bool | int | float):
        return _scalar(key, False).strip('"')
    return str(key)


def _walk(value: Any, emit: Callable[[str], None] | None, *, strict: bool,
          max_bytes: int | None, max_depth: int | None) -> Measure:
    """Write `value` as canonical JSON piece by piece (iteratively), measuring as it goes."""
    size = deepest = 0
    path: list[Any] = []
    stack: list[tuple[str, Iterator[Any], list[bool], int]] = []
    open_ids: set[int] = set()
    pending: Any = value

    def out(piece: str) -> None:
        nonlocal size
        size += _text_bytes(piece)
        if emit is not None:
            emit(piece)
        if max_bytes is not None and size > max_bytes:
            raise _Stop("bytes")

    try:
        while True:
            if pending is not _END:
                item, pending = pending, _END
                if isinstance(item, dict | list | tuple):
                    if id(item) in open_ids:
                        if strict:
                            raise _Stop("the value contains itself (a cycle) and is not JSON")
                        out('"<cycle>"')
                    else:
                        depth = len(stack) + 1
                        deepest = max(deepest, depth)
                        if max_depth is not None and depth > max_depth:
                            raise _Stop("depth")
                        if isinstance(item, dict):
                            pairs = sorted(((_key(k, strict), v) for k, v in item.items()),
                                           key=lambda kv: kv[0])
                            it: Iterator[Any] = iter(pairs)
                            close = "}"
                        else:
                            it, close = iter(enumerate(item)), "]"
                        out("{" if close == "}" else "[")
                        open_ids.add(id(item))
                        stack.append((close, it, [True], id(item)))
                        path.append(None)
                else:
                    out(_scalar(item, strict))
            if not stack:
                return Measure(size, deepest)
            close, it, first, ident = stack[-1]
            nxt: Any = next(it, _END)
            if nxt is _END:
                stack.pop()
                path.pop()
                open_ids.discard(ident)
                out(close)
                continue
            if not first[0]:
                out(",")
            first[0] = False
            key: Any = nxt[0]
            pending = nxt[1]
            if close == "}":
                out(json.dumps(key, ensure_ascii=False) + ":")
            path[-1] = key
    except _Stop as stop:
        return Measure(size, deepest, stop.problem, _path_text(path))


def measure(value: Any, *, max_bytes: int | None = None, max_depth: int | None = None,
            strict: bool = True) -> Measure:
    """Measure `value` (see module doc); stops at the first limit passed or non-JSON part."""
    return _walk(value, None, strict=strict, max_bytes=max_bytes, max_depth=max_depth)


def digest(value: Any) -> tuple[str, int]:
    """Return (sha256 hex of the canonical JSON, its size in bytes) of any value, never raising.

    Equals `sha256(state.hitl.canonical(value))` for JSON values; values that are not JSON
    are written the way `canonical` writes them (`str()`), cycles as "<cycle>".
    """
    sha = hashlib.sha256()
    found = _walk(value, lambda piece: sha.update(piece.encode("utf-8", "surrogatepass")),
                  strict=False, max_bytes=None, max_depth=None)
    return sha.hexdigest(), found.size


def shorten(text: str, limit: int = MAX_REASON_CHARS) -> str:
    """`text`, cut in the middle when longer than `limit` characters (its end — the fix — stays)."""
    if len(text) <= limit:
        return text
    head = (limit * 2) // 3
    tail = limit - head - 3
    return f"{text[:head]} … {text[-tail:]}" if tail > 0 else text[:limit]


def rejection(value: Any, reason: str) -> dict[str, Any]:
    """How a refused value is remembered: its digest, size and the reason — never the value."""
    sha, size = digest(value)
    return {"digest": sha, "size": size, "reason": shorten(str(reason))}


def _human(n: int) -> str:
    return f"{n:,} bytes ({n / KIB:,.0f} KiB)" if n >= KIB else f"{n:,} bytes"


def check(value: Any, field: str, *, max_bytes: int, max_depth: int, fix: str) -> int:
    """Refuse `value` over `max_bytes` / `max_depth` or not JSON; return its size in bytes.

    Raises `BoundsError`: "FIELD: what was measured; the limit is N; FIX".
    """
    found = measure(value, max_bytes=max_bytes, max_depth=max_depth)
    if found.problem is None:
        return found.size
    where = f" (at {found.where})" if found.where else ""
    if found.problem == "bytes" and found.where:
        where = f" (the limit is passed at {found.where})"
    if found.problem == "bytes":
        _sha, size = digest(value)
        raise BoundsError(f"{field} is {_human(size)} as JSON{where}; the limit is "
                          f"{_human(max_bytes)}. {fix}")
    if found.problem == "depth":
        raise BoundsError(f"{field} is nested more than {max_depth} levels deep{where}; the limit "
                          f"is {max_depth} levels. {fix}")
    raise BoundsError(f"{field}{where}: {found.problem}. {fix}")


def check_resume_value(value: Any, field: str = "resume value") -> int:
    """Refuse a resume value over `MAX_RESUME_BYTES` / `MAX_RESUME_DEPTH`, or not JSON.

    Called before `Command(resume=...)` (`graph.runner.Runner.resume`), so a refused value is
    never stored, and again in the nodes that read resume values (a LangGraph Server request
    reaches them without the Runner).
    """
    return check(value, field, max_bytes=MAX_RESUME_BYTES, max_depth=MAX_RESUME_DEPTH,
                 fix=f"Nothing was sent to Meta; {RESUME_FIX}.")


def check_plan(plan: Any, field: str, fix: str = PLAN_FIX) -> int:
    """Refuse a plan (a `--plan`/`--edit` file's, or an edit's) over the plan limits.

    `fix` says where to start from (an edit: the plan the thread's card carries).
    """
    return check(plan, field, max_bytes=MAX_PLAN_BYTES, max_depth=MAX_PLAN_DEPTH,
                 fix=f"Nothing was sent to Meta; {fix}.")



def check_text(text: str, field: str, *, max_chars: int = MAX_ANSWER_CHARS,
               fix: str = "say it in a few sentences") -> str:
    """Refuse human text (a clarify answer, a reject reason) longer than `max_chars`."""
    if len(text) > max_chars:
        raise BoundsError(f"{field} is {len(text):,} characters; the limit is {max_chars:,}. "
                          f"Nothing was sent to Meta; {fix}.")
    return text


# A JSON string (with escapes) or one bracket: enough to measure nesting without parsing.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_text_depth(text: str, limit: int) -> int:
    """Return the nesting depth of JSON text, scanning (not parsing); stops past `limit`."""
    depth = deepest = 0
    for token in _TOKENS.finditer(text):
        char = token.group()[0]
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def read_json_file(path: str | Path, field: str, *, max_bytes: int, max_depth: int, fix: str,
                   parse_constant: Callable[[str], Any] | None = None) -> Any:
    """Read and parse a JSON file that comes from a person, bounded in size and depth.

    Reads at most `max_bytes` + 1 bytes (a larger file is refused without being read into
    memory), checks the nesting depth of the text before parsing it (so `json.loads` never
    recurses deeper than `max_depth`), then parses it. Raises `BoundsError` for a limit,
    `OSError` / `UnicodeDecodeError` / `json.JSONDecodeError` for the caller to phrase.
    """
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise BoundsError(f"{field} is larger than the limit of {_human(max_bytes)} (it was not "
                          f"read). {fix}")
    text = data.decode("utf-8")
    depth = json_text_depth(text, max_depth)
    if depth > max_depth:
        raise BoundsError(f"{field} is nested more than {max_depth} levels deep; the limit is "
                          f"{max_depth} levels. {fix}")
    if parse_constant is None:
        return json.loads(text)
    return json.loads(text, parse_constant=parse_constant)
