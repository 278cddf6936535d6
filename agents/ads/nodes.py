"""Ad-creation agent: creatives and ads of the approved plan, batched, under the created ad sets.

Copy comes from the approved plan. An ad without copy gets template variants
(`agents.orchestrator.planning.copy.fill_missing_copy`, within Meta's text guidance)
in `validate_plan` — before the approval card, so the human approves the words that run.
The launcher reuses the campaign and ad sets `create_campaigns` made (ledger), so this node
only creates what is missing.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agents.campaigns.nodes import launch, meta_tree
from agents.common import client_of, yields_on_throttle
from state.context import Context
from state.schema import AdpilotState


@yields_on_throttle
def create_ads(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Create the creatives and ads (PAUSED) under the ad sets created before."""
    tree = meta_tree(state, runtime.context, client_of(runtime))  # + the page's Instagram id
    ids = launch(state, runtime, tree)
    created = {**state["created"],
               "creatives": {c["key"]: ids[c["key"]] for c in tree["creatives"]},
               "ads": {a["key"]: ids[a["key"]] for a in tree["ads"]}}
    return {"created": created, "phase": "ads_created",
            "status": f"{len(created['ads'])} ad(s) and their creatives created (PAUSED)"}
