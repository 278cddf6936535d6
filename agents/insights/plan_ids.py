"""Which Meta object each of the plan's ad sets and ads became (pure; no Meta call).

The launch names what it created by each node's key as `state.plan.plan_keys` computes it
(content and position, salted per thread), not by the `key` a plan dict happens to carry: the
plan stored on a thread may hold keys from before its salt or an edit, and a lookup by those
finds no launched ad set at all (the report then drew no budget lines and said "optimised for —").
So keys are recomputed here; an adopted ad set carries its Meta `id`; a plan that does not load
(an adopted campaign's partial plan, a test's) is looked up by the keys it carries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from state.plan import PlanError, load_plan, plan_keys


def node_keys(plan: Mapping[str, Any]) -> dict[str, str]:
    """Map each node's path (`ad_sets[0]`, `ad_sets[0].ads[1]`) to the key the launch used."""
    try:
        return plan_keys(load_plan(dict(plan)))
    except (PlanError, TypeError, ValueError):
        out = {}
        for i, s in enumerate(plan.get("ad_sets") or []):
            out[f"ad_sets[{i}]"] = str(s.get("key") or "")
            for j, a in enumerate(s.get("ads") or []):
                out[f"ad_sets[{i}].ads[{j}]"] = str(a.get("key") or "")
        return out


def _id(created: Mapping[str, Any], kind: str, *keys: Any) -> str | None:
    ids = created.get(kind) or {}
    return next((str(ids[k]) for k in keys if k and k in ids), None)


def ad_set_ids(plan: Mapping[str, Any], created: Mapping[str, Any]) -> list[str | None]:
    """Each plan ad set's Meta id, in plan order (None where it was not launched)."""
    keys = node_keys(plan)
    return [str(s["id"]) if s.get("id") else
            _id(created, "ad_sets", keys.get(f"ad_sets[{i}]"), s.get("key"))
            for i, s in enumerate(plan.get("ad_sets") or [])]


def ad_ids(plan: Mapping[str, Any], created: Mapping[str, Any]) -> list[list[str | None]]:
    """Each plan ad's Meta id, by ad set then ad, in plan order (None where not launched)."""
    keys = node_keys(plan)
    return [[str(a["id"]) if a.get("id") else
             _id(created, "ads", keys.get(f"ad_sets[{i}].ads[{j}]"), a.get("key"))
             for j, a in enumerate(s.get("ads") or [])]
            for i, s in enumerate(plan.get("ad_sets") or [])]


def plan_sets_by_id(plan: Mapping[str, Any], created: Mapping[str, Any]) -> dict[str, Any]:
    """Return the plan's ad sets by Meta id (launched and adopted ones alike)."""
    return {sid: s for sid, s in zip(ad_set_ids(plan, created), plan.get("ad_sets") or [],
                                     strict=True) if sid}


__all__ = ["ad_ids", "ad_set_ids", "node_keys", "plan_sets_by_id"]
