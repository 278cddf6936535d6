"""Ad-creation agent: creatives and ads of the approved plan, batched, under the created ad sets.

Copy comes from the approved plan. An ad without copy gets template variants
(`fill_missing_copy`, the rules planner's `agents.orchestrator.planning.copy`, within Meta's text guidance)
in `validate_plan` — before the approval card, so the human approves the words that run.
The launcher reuses the campaign and ad sets `create_campaigns` made (ledger), so this node
only creates what is missing.
"""

from __future__ import annotations

import copy
from typing import Any

from langgraph.runtime import Runtime

from agents.campaigns.nodes import launch, meta_tree
from agents.common import yields_on_throttle


def fill_missing_copy(plan: dict[str, Any], brief: str = "") -> dict[str, Any]:
    """Return the plan with copy for every ad that lacks primary text or a headline.

    Copy quoted in the brief (`agents.orchestrator.planning.parse_copy`) is used verbatim before any
    template copy; a field the ad already has is never replaced.
    """
    def lacks(ad: dict[str, Any]) -> bool:
        creative = ad.get("creative") or {}
        return not (creative.get("primary_text") and creative.get("headline"))

    if not any(lacks(ad) for s in plan.get("ad_sets", []) for ad in s.get("ads", [])):
        return plan
    from agents.orchestrator.planning.copy import make_copy
    from agents.orchestrator.planning.parse_copy import find_copy

    # Copy the brief quotes wins over templates: it is used verbatim, in order, one quoted
    # headline / text per ad (the first when there are fewer quotes than ads).
    quoted = find_copy(brief)
    given = {"headline": quoted.headlines, "primary_text": quoted.primary,
             "description": quoted.descriptions}
    plan = copy.deepcopy(plan)
    for ad_set in plan.get("ad_sets", []):
        ads = ad_set.get("ads", [])
        variants = make_copy(plan.get("objective", ""), brief or plan.get("name", ""),
                             plan.get("landing_url"), n=max(len(ads), 1))
        for i, variant in enumerate(variants):
            variant.update({k: v[i] if i < len(v) else v[0] for k, v in given.items() if v})
        for ad, variant in zip(ads, variants, strict=False):
            if lacks(ad):
                creative = ad.setdefault("creative", {})
                for field in ("primary_text", "headline", "description"):
                    creative[field] = creative.get(field) or variant.get(field)
    return plan


@yields_on_throttle
def create_ads(state: dict[str, Any], runtime: Runtime[Any]) -> dict[str, Any]:
    """Create the creatives and ads (PAUSED) under the ad sets created before."""
    tree = meta_tree(state, runtime.context)
    ids = launch(state, runtime, tree)
    created = {**state["created"],
               "creatives": {c["key"]: ids[c["key"]] for c in tree["creatives"]},
               "ads": {a["key"]: ids[a["key"]] for a in tree["ads"]}}
    return {"created": created, "phase": "ads_created",
            "status": f"{len(created['ads'])} ad(s) and their creatives created (PAUSED)"}
