"""How adpilot shows a Meta object's name to people: without its provenance tag.

Every object adpilot creates carries the tag ` [ap:xxxxxxxx]` at the end of its name
(`state/plan.py::tag`); cards, reports and exports show the name a marketer typed.
"""

from __future__ import annotations

import re

_TAG_AT_END = re.compile(r"\s*\[ap:[0-9a-f]+\]$")


def display_name(name: str | None) -> str:
    """Return a name without adpilot's provenance tag (` [ap:xxxxxxxx]`), for people."""
    return _TAG_AT_END.sub("", name or "")
