"""Provenance tags as the tools use them; the one implementation is `state/provenance.py`.

The plan (`state/plan.py::tag`) and every writer here name objects with the same tag, so a
lost response is reconciled by `MetaClient.find_by_tag(parent_edge, tag_for(plan_key))`.
"""

from __future__ import annotations

from state.provenance import TAG_RE, label_for, tag_for, with_tag

__all__ = ["TAG_RE", "label_for", "tag_for", "with_tag"]

_TAG_RE = TAG_RE  # the name bench/faults.py imports
