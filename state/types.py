"""Shapes of the JSON-like values the graph state carries: phases, the throttle wait, the optimise loop.

Documentation as types: every TypedDict is `total=False` where writers fill keys in steps,
and none is checked at run time (the state stays plain dicts, as checkpoints store it).
Money is integer minor units of the account currency; times are ISO-8601 strings.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import TypedDict

# Every `phase` a node sets, in graph order. Routers read it (graph/routing.py,
# agents/optimize/nodes.py): plan_campaign → planned | clarified | unplannable; validate_plan →
# validated | invalid; review_plan → approved | edited | rejected; the launch steps →
# assets_uploaded, campaigns_created, ads_created, live | launched_paused (or refused by the
# money gate, or stopped by the kill switch); a paused launch's activation card →
# activation_approved | activation_rejected; the optimise loop → collecting (wait_for_data),
# decided | ended (the campaign's end has passed), reviewed, applied (or refused, or stopped).
Phase = Literal[
    "planned", "clarified", "unplannable",
    "validated", "invalid", "edit_refused",
    "approved", "edited", "rejected",
    "assets_uploaded", "campaigns_created", "ads_created", "live", "launched_paused",
    "activation_approved", "activation_rejected",
    "refused", "stopped",
    "collecting", "decided", "ended", "reviewed", "applied",
    # a request about existing objects (`adpilot ask` / `watch`, agents/orchestrator/requests.py)
    "brief", "routed", "answered", "unsupported", "nothing_to_do", "adopted",
    # a combined request goes on to its next later ask (agents/optimize/oneoff/chain.py)
    "next_ask",
]


class ThrottleRecord(TypedDict):
    """A pending Meta-throttle wait (`agents.common.throttle.wait_record`)."""

    kind: Literal["wait"]
    until: str  # when Meta allows calls again
    reason: str  # "throttled until T: Meta rate limit (code C) hit in NODE; ..."
    node: str  # the graph node to run again once the wait is over
    code: int | None  # Meta's error code (4, 17, 32, 613, 80000-80014)
    retry_after_s: float | None
    count: int  # throttle waits over the thread's life, this one included


class ActionTarget(TypedDict, total=False):
    """The Meta object an action changes."""

    id: str
    name: str
    level: str  # "ad", "adset" or "campaign"
    parent_id: str
    campaign_id: str  # the thread's campaign (set on every proposed action)


class ActionEvidence(TypedDict, total=False):
    """The figures an approval card shows for one action (`prompts.optimize.evidence_text`).

    The insights window (`agents/optimize/decide/stats.py::evidence_of`), then what the rule
    that proposed the action adds: posterior probabilities, budgets before and after, spend
    limits under a campaign budget, week-over-week fatigue, or an experiment's variant.
    """

    spend_minor: int | None
    impressions: int | None
    clicks: int | None
    conversions: float | None
    cpa_minor: int | None
    roas: float | None
    ctr: float | None
    recallers: int | None
    days: int | None
    p_best: float | None
    p_worse_than_target: float
    p_worse_than_best: float
    p_worse_than_favoured: float
    before_minor: int  # daily budget before / after a budget change
    after_minor: int
    spend_per_day_minor: int  # CBO spend limits: spend now, spend aimed at, limits before/after
    target_spend_minor: int
    cap_before_minor: int
    cap_after_minor: int
    min_before_minor: int
    min_after_minor: int
    campaign_budget_minor: int
    spend_delta_minor: int
    frequency_before: float  # creative fatigue, week over week
    frequency_after: float
    ctr_before: float
    ctr_after: float
    variant: str  # an experiment's arm


class ExpectedEffect(TypedDict):
    """What an action should change, judged after it ran (`agents/optimize/judging.py`)."""

    metric: str  # "value_per_spend", "ctr", ...
    direction: Literal["up", "down"]
    text: str


class Action(TypedDict, total=False):
    """One proposed optimise action (`agents/optimize/decide/`), before the card.

    `name` is the tool that runs it (`pause_ad`, `set_adset_budget`, ...; its policy kind is
    `state.guardrails.action_kind(name)`) and `args` that tool's arguments.
    """

    name: str
    args: dict[str, Any]
    target: ActionTarget
    verdict: str  # CONTINUE / OPTIMIZE / MONITOR / PAUSE / EMERGENCY_PAUSE
    reasons: list[str]
    evidence: ActionEvidence
    expected_effect: ExpectedEffect
    risk: Literal["low", "medium", "high"]
    requires_review: bool  # never auto-approved, whatever the policy says
    advice: bool  # nothing to write: approving records the task
    group: str  # actions applied together ("reallocation", "cbo_spend_limits")
    spend_delta_minor: int
    description: str  # the card's line (`prompts.optimize.describe_action`)


class ActionRequest(TypedDict):
    """An action as the approval card asks about it (`state.hitl` v1 `action_requests`)."""

    name: str
    args: dict[str, Any]
    description: str


class AppliedAction(TypedDict):
    """What `apply_actions` did with one approved action (`agents/optimize/cycle.py::_record`)."""

    name: str
    args: dict[str, Any]  # as written (a reallocation's increase may have been shrunk)
    target: ActionTarget | None
    verdict: str | None
    reasons: list[str] | None
    evidence: ActionEvidence | None
    expected_effect: ExpectedEffect | None
    advice: bool
    approved_by: str | None  # "human", "human (edited)" or "policy"
    status: str  # "applied", "noted", ...
    before: dict[str, Any] | None  # the object's fields read back before and after the write
    after: dict[str, Any] | None
    applied_at: str
    applied_date: str  # the account's day
    receipt: str | None  # the approval receipt it ran under
    group: str | None
    judgement: dict[str, Any] | None  # improved / regressed / inconclusive / undone, once judged
    undone_at: str | None  # when `adpilot undo` took it back (agents/optimize/history.py)
    undone_by_write: str | None  # the undo's own ledger write
    undone_write: str | None  # the ledger write of this action that was undone


class Proposal(TypedDict, total=False):
    """A cycle's proposal (`agents/optimize/cycle.py::propose`), as the card shows it."""

    verdicts: list[dict[str, Any]]  # one per ad / ad set: {"id", "name", "level", "verdict", "reasons"}
    actions: list[Action]
    flags: list[str]  # said on the card, nothing to approve
    p_best: dict[str, float]
    experiment: dict[str, Any]
    request_problems: list[str]  # plain-word budget requests that could not be proposed
    kpi: str
    currency: str
    targets_text: str
    today: str
    stopped: dict[str, Any]  # {"at", "held_back"} when the kill switch stopped the thread
    alerts: list[dict[str, Any]]  # alerts between cycles on this card (agents/optimize/alerts.py)


class Review(TypedDict):
    """The decisions on a proposal, one per action (`by` "human" or "policy")."""

    receipt: str | None
    decisions: list[dict[str, Any]]


class OptimizeState(TypedDict, total=False):
    """The optimise loop's working data (state key `optimize`)."""

    wait_until: str  # when the next cycle is due (account clock)
    requests: list[str]  # plain-word budget requests riding on the last wake-up
    collected: dict[str, Any]  # the last insights pull: {"since", "until", "rows", ...}
    today: str  # the account's day at the last pull
    targets: dict[str, Any]  # KPI targets overriding the plan's (target_cpa_minor, ...)
    phase_budgets: dict[str, Any]  # learning-phase budgets seen, per ad set
    proposal: Proposal
    receipt: str | None  # of the proposal's action requests (None: nothing to approve)
    review: Review
    done: bool  # the loop ends after this cycle
    end: dict[str, str] | None  # why: {"why": "ended" | "stopped" | "limit", "status": ...}
    judged_earlier: int  # judgement lines no longer in the checkpoint (agents/optimize/history.py)
    budget_edits: dict[str, list[str]]  # object id -> times its budget was written
    last_refusals: list[dict[str, Any]]  # what the money gate refused at the last apply
    alerts_raised: dict[str, dict[str, Any]]  # alert key -> {"data_through", "tier"} (cooldown)
    woken_by: dict[str, Any] | None  # {"alerts", "keys"} when an alert woke the last wait
