"""Reading the JSONL datasets of `evals/datasets/` (one JSON object a line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_jsonl(path: Path, required: tuple[str, ...] = ("id", "brief", "expected"),
               check: Any = None) -> list[dict[str, Any]]:
    """Read a JSONL dataset, naming the line of any malformed row.

    `check(row)` may return a message that makes the row malformed too.
    """
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})") from None
        for key in required:
            if key not in row:
                raise SystemExit(f"{path}:{n}: missing {key!r}")
        if check is not None and (problem := check(row)):
            raise SystemExit(f"{path}:{n}: {problem}")
        rows.append(row)
    return rows
