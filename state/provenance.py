"""Provenance tags: how an object adpilot created is recognised at Meta (pure, no I/O).

Every created object's name ends with `tag_for(plan_key)` = `" [ap:xxxxxxxx]"`: the first 8
characters of the lower-cased plan key when it is hex of at least 8 characters (plan keys are
sha256 hex digests), else the first 8 hex characters of the sha256 of the lower-cased key.
Ads also carry the ad label `label_for(plan_key)` = `"ap-xxxxxxxx"`. After a lost response
the client finds the object again by its tag (`MetaClient.find_by_tag`).
"""

from __future__ import annotations

import hashlib
import re

TAG_RE = re.compile(r" \[ap:[0-9a-f]{8}\]$")
# Any adpilot tag at the end of a name, however many hex digits and spaces: what a person sees
# is the name without it (cards, messages, the sandbox's truth view, budget requests by name).
ANY_TAG_RE = re.compile(r"\s*\[ap:[0-9a-f]+\]\s*$")


def display_name(name: str | None) -> str:
    """Return a name without adpilot's ` [ap:xxxx]` provenance tag: the name a person gave.

    Cards, reports, exports, messages and the sandbox's truth view show names this way.
    """
    return ANY_TAG_RE.sub("", name or "")


def key_hex(plan_key: str) -> str:
    """Return the 8 hex characters that stand for a plan key in its tag and ad label."""
    key = str(plan_key).lower()
    if re.fullmatch(r"[0-9a-f]{8,}", key):
        return key[:8]
    return hashlib.sha256(key.encode()).hexdigest()[:8]


def tag_for(plan_key: str) -> str:
    """Return the provenance name suffix for a plan key: `" [ap:xxxxxxxx]"`."""
    return f" [ap:{key_hex(plan_key)}]"


def label_for(plan_key: str) -> str:
    """Return the provenance ad label name for a plan key: `"ap-xxxxxxxx"`."""
    return f"ap-{key_hex(plan_key)}"


def with_tag(name: str, plan_key: str, max_len: int = 100) -> str:
    """Return `name` with its provenance tag appended (once), trimmed to fit `max_len`."""
    tag = tag_for(plan_key)
    base = TAG_RE.sub("", str(name))
    return base[: max_len - len(tag)] + tag
