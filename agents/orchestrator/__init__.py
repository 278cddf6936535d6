"""The orchestrator: a brief becomes a plan, the plan is checked, shown and approved.

- `planning/` — brief → `CampaignPlan` dict: the offline rules planner and the LLM planner;
- `nodes.py` — the launch path's first nodes: `plan_campaign`, `validate_plan`, `review_plan`;
- `meta_checks.py` — Meta's own `validate_only` check of every object in one batch;
- `launch_gate.py` — the plan's money judged against the live account (`state.guardrails.gate`);
- `audience_refs.py` — audience and detailed-targeting names resolved against the account;
- `estimates.py` — Meta's delivery estimate per ad set, for the card;
- `card.py` (+ `card_audiences.py`, `card_delivery.py`), `approval.py` — the approval card and
  the interrupt that waits for a person.

Imports `agents.common`, `tools`, `state`, `prompts`; no other agent package.
"""
