"""The graph state: a TypedDict of JSON-like values (no SDK objects, no pydantic instances).

Every key is optional (`total=False`): nodes return partial updates. Reducers are used only
where several writers fan in during one step (`log`, `errors`); everything else is
last-writer-wins, which is what a single-writer key wants. Money is integer minor units of the
account currency; ids are strings; times are ISO-8601 strings. The shapes of the structured
values (phases, the throttle wait, the optimise loop's data and actions) are in `state/types.py`.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any

from typing_extensions import TypedDict

from state.types import ActionRequest, AppliedAction, OptimizeState, Phase, ThrottleRecord

JSON = Any  # a JSON-like value: dict / list / str / int / float / bool / None


class AdpilotState(TypedDict, total=False):
    """Everything a thread carries between nodes and across restarts."""

    account: str  # act_<digits> the thread works in (recorded by its first node)
    request: str  # `adpilot ask`: a request about existing objects, answers appended
    watch: dict[str, JSON] | None  # `adpilot watch`: {"campaign_id", "target_cpa_minor", "target_roas"}
    intent: dict[str, JSON] | None  # state.intent.Intent as a dict: what the router read
    answer: dict[str, JSON] | None  # a question's answer (agents/insights/answer.py)
    adopted: dict[str, JSON] | None  # an adopted campaign as Meta described it (watch)
    brief: str  # the marketer's brief, with clarification answers appended
    clarifications: list[dict[str, JSON]]  # [{"questions": [...], "answer": ...}]
    plan: dict[str, JSON] | None  # state.plan.CampaignPlan as a dict (keys assigned)
    problems: list[dict[str, str]]  # blocking: [{"path", "message", "fix", "rule"}]
    warnings: list[dict[str, str]]  # legal but unwise, same shape
    # How the brief was read (shown on the card, never dropped): phrases no field took,
    # values changed on the planner's own account, and phrases the person chose to waive.
    not_understood: list[dict[str, JSON]]  # [{"phrase", "affects", "waived"}]
    adjustments: list[dict[str, JSON]]  # [{"path", "from", "to", "why"}]
    waived: list[str]  # phrases a person answered "waive" to
    planner_warnings: list[dict[str, str]]  # the planner's warnings, kept beside the checks'
    validation: dict[str, JSON] | None  # Meta validate_only result: {"ok", "results": [...]}
    # When validate_plan last checked the plan (account clock, ISO-8601): a plan without a
    # start launches from about then, so the card counts its days from it, as the gate does.
    checked_at: str
    # Meta's estimates for the card (agents/orchestrator/estimates.py): {"ad_sets": [per ad set
    # {"status", "reason", "mau_lower", "mau_upper", "daily", ...}], "audiences": {id: {"name",
    # "subtype", "lower", "upper", "delivery_status"}}, "details": {key: {code: name}}};
    # never a reason to refuse a plan.
    estimates: dict[str, JSON] | None
    approval: dict[str, JSON] | None  # decision record: {"receipt", "decisions", "go_live", "at"}
    # A paused launch's activation card and its outcome: {"receipt", "decision", "decisions",
    # "at", "message"}, plus "activated_at" (account clock) once the tree is ACTIVE.
    activation: dict[str, JSON] | None
    assets: dict[str, dict[str, JSON]]  # content sha256 -> {"kind", "hash" | "video_id", "path"}
    # Meta ids of what was created: {"campaign": id, "ad_sets" / "creatives" / "ads": {plan key: id}}
    created: dict[str, JSON]
    status: str  # human-readable one-liner of where the thread is
    phase: Phase  # machine phase the routers read: planned, validated, approved, ..., applied
    cycle: int  # optimise cycles decided so far
    max_cycles: int | None  # a limit a person set on the cycles (recorded from the context)
    cycle_days: int  # days between optimise cycles, recorded at launch (the loop's cadence)
    insights: dict[str, JSON]  # latest insights summary per object id
    proposed_actions: list[ActionRequest]  # action_requests awaiting approval
    # What was executed, with Meta results: the working set (open judgements and the newest
    # judged ones); the whole history is in ADPILOT_HOME (agents/optimize/history.py).
    applied_actions: list[AppliedAction]
    go_live: bool  # whether activate turns the tree on (approval may override)
    revision: int  # times the plan was edited at review
    edit_changes: list[str] | None  # what the last edit changed, in words (the next card shows it)
    # The pending card's plan and checks while an edit is checked (agents/orchestrator/
    # approval.py): an edit with problems is not applied, and this card is put back.
    before_edit: dict[str, JSON] | None
    edit_refused: dict[str, JSON] | None  # that refused edit's {"problems", "error"}
    throttle: ThrottleRecord | None  # a pending Meta-throttle wait record
    throttle_waits: int  # throttle waits so far
    optimize: OptimizeState  # optimise-loop working data: collected insights, proposal, review, ...
    refusals: list[dict[str, JSON]]  # the money gate's refusals of the last write step
    gate: dict[str, JSON] | None  # the money gate's last verdict (exposure, policy digest)
    spend_check: dict[str, JSON] | None  # a launch budget > 10x the account's best day, in words
    log: Annotated[list[str], operator.add]  # human-readable progress lines
    errors: Annotated[list[dict[str, JSON]], operator.add]  # {"node", "message", "fix"}


class InputState(TypedDict, total=False):
    """What a caller passes to start a thread: a brief, a request, or a campaign to watch."""

    brief: str
    request: str
    watch: dict[str, JSON] | None
    go_live: bool
    plan: dict[str, JSON] | None  # optional: a ready plan (e.g. `adpilot run --plan FILE`)


class OutputState(TypedDict, total=False):
    """What a finished (or paused) thread reports to its caller."""

    account: str
    intent: dict[str, JSON] | None
    answer: dict[str, JSON] | None
    plan: dict[str, JSON] | None
    problems: list[dict[str, str]]
    warnings: list[dict[str, str]]
    not_understood: list[dict[str, JSON]]
    adjustments: list[dict[str, JSON]]
    validation: dict[str, JSON] | None
    estimates: dict[str, JSON] | None
    approval: dict[str, JSON] | None
    created: dict[str, JSON]
    status: str
    phase: Phase
    cycle: int
    applied_actions: list[AppliedAction]
    refusals: list[dict[str, JSON]]
    spend_check: dict[str, JSON] | None
    errors: list[dict[str, JSON]]
