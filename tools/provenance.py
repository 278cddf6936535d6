"""Provenance tags: how an object created by adpilot is recognised at Meta.

Every created object's name ends with `tag_for(plan_key)` = `" [ap:xxxxxxxx]"`, the first 8
hex characters of its plan key (plan keys are sha256 hex digests; a key that is not hex is
sha256-hashed first). Ads also carry the ad label `label_for(plan_key)` = `"ap-xxxxxxxx"`.
After a lost response, `MetaClient.find_by_tag(parent_edge, tag)` finds the object again.
"""

from __future__ import annotations

import hashlib
import re

_TAG_RE = re.compile(r" \[ap:[0-9a-f]{8}\]$")


def _key_hex(plan_key: str) -> str:
    key = str(plan_key).lower()
    if re.fullmatch(r"[0-9a-f]{8,}", key):
        return key[:8]
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def tag_for(plan_key: str) -> str:
    """Return the provenance name suffix for a plan key: `" [ap:xxxxxxxx]"`."""
    return f" [ap:{_key_hex(plan_key)}]"


def label_for(plan_key: str) -> str:
    """Return the provenance ad label name for a plan key: `"ap-xxxxxxxx"`."""
    return f"ap-{_key_hex(plan_key)}"


def with_tag(name: str, plan_key: str, max_len: int = 100) -> str:
    """`name` with its provenance tag appended (once), trimmed to fit Meta's name limit."""
    tag = tag_for(plan_key)
    base = _TAG_RE.sub("", str(name))
    return base[: max_len - len(tag)] + tag
