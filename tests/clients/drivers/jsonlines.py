"""The request loop both client drivers run inside their client's venv (stdlib only).

One JSON request per line on stdin, one JSON response per line on stdout. The channel is moved
off file descriptors 0 and 1 first: the client under test may prompt on stdin (Meta's CLI asks
before deleting) and prints to stdout, and neither may touch the channel. Each request's own
stdout and stderr are captured at the descriptor level (Rich consoles and C code included) and
returned with the response. The access token is replaced by `<token>` in everything sent
back, so it never reaches pytest's output or logs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from typing import Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _open_channel() -> tuple[Any, Any]:
    """Duplicate stdin/stdout for the channel; the process's fd 0 becomes /dev/null, fd 1 stderr."""
    channel_in = os.fdopen(os.dup(0), "r", encoding="utf-8")
    channel_out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout.flush()
    os.dup2(2, 1)
    return channel_in, channel_out


@contextlib.contextmanager
def captured() -> Iterator[dict[str, str]]:
    """Capture fds 1 and 2 for the block; the text lands in the yielded dict afterwards."""
    out: dict[str, str] = {}
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = os.dup(1), os.dup(2)
        os.dup2(o.fileno(), 1)
        os.dup2(e.fileno(), 2)
        try:
            yield out
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            o.seek(0)
            e.seek(0)
            out["stdout"] = o.read().decode("utf-8", "replace")
            out["stderr"] = e.read().decode("utf-8", "replace")


def serve(handle: Handler, secrets: list[str]) -> None:
    """Answer requests until stdin closes; a handler crash becomes `{"ok": false, "error"}`."""
    channel_in, channel_out = _open_channel()
    channel_out.write(json.dumps({"ready": True}) + "\n")
    for line in channel_in:
        if not line.strip():
            continue
        try:
            response = handle(json.loads(line))
        except Exception as exc:  # the loop must survive anything one request does
            response = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                        "stderr": traceback.format_exc()}
        text = json.dumps(response, default=str)
        for secret in filter(None, secrets):
            text = text.replace(secret, "<token>")
        channel_out.write(text + "\n")
