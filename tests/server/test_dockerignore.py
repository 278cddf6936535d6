"""`.dockerignore` keeps secrets and local state out of `langgraph build` images.

Matched the way Docker matches (moby/patternmatcher): patterns from the context root, `*` and
`?` inside one path element, `**` across elements, a matched folder excludes what is under it,
`!` re-includes.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _rules() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = line.removeprefix("!").strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((keep, re.compile(regex + "$")))
    return rules


def excluded(path: str) -> bool:
    """Whether Docker leaves `path` (relative to the context) out of the build context."""
    parts = path.split("/")
    out = False
    for keep, rule in _rules():
        # a rule matching the path or any folder above it applies to the path
        if any(rule.match("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            out = not keep
    return out


@pytest.mark.parametrize("path", [
    ".env", ".env.production", "deploy/.env", "deploy/.env.local",
    ".adpilot/ledger.db", ".adpilot/checkpoints.sqlite", ".adpilot/uploads/upload-1.png",
    "srv/.adpilot/policy.json", ".langgraph_api/.langgraph_checkpoint.1.pckl",
    "home/sandbox.db", "home/checkpoints.sqlite-wal", "ledger.db-journal",
    ".venv/bin/python", ".git/config", "graph/__pycache__/server.cpython-311.pyc",
    ".pytest_cache/v/cache/nodeids", ".mypy_cache/3.11/x.json", "bench/out/report.json",
    "adpilot.egg-info/PKG-INFO",
])
def test_secrets_state_and_caches_stay_out(path):
    assert excluded(path), path


def test_every_tracked_file_goes_in():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert "graph/server.py" in tracked and "langgraph.json" in tracked
    assert [p for p in tracked if excluded(p)] == []
