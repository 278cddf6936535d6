"""The optimise loop's graph nodes and routers.

Longer than 300 lines because the loop's nodes and the routers between them read the same
working state and are wired together.

Wire (graph/builder.py)::

    activate → wait_for_data ⏸ → collect_insights (agents/insights/collect.py)
    collect_insights --route_after_collect_insights--> decide_actions | wait_out_throttle
    decide_actions  --route_after_decide_actions-->  review_actions | wait_for_data | END
                                                     | wait_out_throttle   (END: phase ended)
    review_actions ⏸ → apply_actions
    apply_actions   --route_after_apply_actions-->   wait_for_data | END | wait_out_throttle

The three Meta nodes wait out a long Meta throttle like the launch steps
(`agents.common.throttle`): they return a wait record, their router sends the thread to
`wait_out_throttle` (a durable `wait`), and the throttled node runs again after it.

When cycles are due and when the loop ends is `agents/optimize/schedule.py` (the first cycle
waits for the campaign's start, data and activation; the loop ends with the campaign, when
stopped, or at a `max_cycles` a person set — never the recursion limit): docs/timers.md.

State keys read: `created` (campaign / ad_sets / ads ids), `plan`, `cycle`, `optimize`,
`activation`, `adopted`, `max_cycles`.
State keys written: `cycle` (optimise cycles decided so far), `max_cycles` (a person's limit,
recorded), `proposed_actions` (the current card's action_requests), `applied_actions` (the
working set — open judgements and the newest judged ones, each with before/after, expected
effect and its judgement; the whole history is outside the checkpoint,
`agents/optimize/history.py`), `phase` (`ended` once the campaign has), `status`, `throttle` /
`throttle_waits` (a Meta throttle), and `optimize` (one dict, `state.types.OptimizeState`:
`wait_until`, `requests`, `collected`, `today`, `phase_budgets`, `proposal`, `receipt`,
`review`, `done`, `end`, `budget_edits`, `judged_earlier`, `last_refusals`, `alerts_raised`,
`woken_by` (the alerts between cycles, `agents/optimize/alerts.py`); `targets` is read).
Everything is JSON-like.

Rules: nothing side-effecting runs before an `interrupt()` in the same node (the node re-runs
on resume); `apply_actions` executes only actions whose approval quotes the proposal's receipt,
and only what the money gate (`state/guardrails.py`) lets through: its refusals are in
`refusals` (and the ledger), and a card whose every write was refused ends in phase `refused`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from langgraph.runtime import Runtime

from agents.common import ask_until_valid, home_of, thread_id_of, yields_on_throttle
from agents.optimize.alerts import KINDS as ALERT_KINDS
from agents.optimize.alerts import confirm, raised_after
from agents.optimize.cycle import (
    auto_approvable,
    execute_approved,
    judge_applied,
    propose,
)
from agents.optimize.history import bound_history, with_undos
from agents.optimize.schedule import (
    cadence,
    first_until,
    loop_end,
    loop_limit,
    next_until,
    read_flight,
    wait_reason,
)
from prompts.optimize import card_markdown
from state import bounds
from state.context import Context
from state.hitl import (
    ResumeError,
    approval_payload,
    parse_decisions,
    receipt,
    wait_payload,
)
from state.schema import AdpilotState
from tools.account import account_info, account_now

__all__ = [
    "WAKE_NOW",
    "apply_actions",
    "decide_actions",
    "review_actions",
    "route_after_apply_actions",
    "route_after_collect_insights",
    "route_after_decide_actions",
    "wait_for_data",
]


def _opt(state: Mapping[str, Any]) -> dict[str, Any]:
    return dict(state.get("optimize") or {})


def _client(runtime: Runtime[Context]) -> Any:
    from agents.common import client_of

    return client_of(runtime)


WAKE_NOW: dict[str, Any] = {"wake": "now"}  # `adpilot optimize THREAD`: a cycle now, on purpose
WAKE_KEYS = {"woke_at", "woke", "wake", "tick", "requests", "alerts"}


def _when(value: Any) -> datetime | None:
    try:
        out = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return out if out.tzinfo else out.replace(tzinfo=UTC)


def wake_problem(answer: Any, until: str, now: datetime) -> str | None:
    """Why a resume value may not wake this timer (None when it may).

    Accepted: None, `{"woke_at": ISO or label}` (`adpilot tick`), `{"woke": true}` /
    `{"wake": true}` / `{"tick": true}`, `{"requests": ["raise ... to $80 a day"]}`,
    `WAKE_NOW` (`{"wake": "now"}`, `adpilot optimize`), which starts the cycle before the
    timer is due, and `{"alerts": [kind, ...]}` (`adpilot tick` on an alert between cycles,
    `agents/optimize/alerts.py`), which may start it early only once `wait_for_data` has found
    such an alert on Meta's data itself. A wake-up over the resume limits (`state/bounds.py`)
    is refused first.
    """
    try:
        bounds.check_resume_value(answer, "wake-up")
    except bounds.BoundsError as exc:
        return str(exc)
    if answer is not None:
        if not isinstance(answer, dict):
            return (f"a wait timer takes null or an object such as {{\"woke_at\": \"...\"}}, "
                    f"not {type(answer).__name__}")
        extra = sorted(str(k) for k in set(answer) - WAKE_KEYS)
        if extra:
            return (f"unknown key(s) {bounds.shorten(', '.join(extra), 200)} in the wake-up; use "
                    "woke_at, woke, wake, tick, requests or alerts")
        if "woke_at" in answer and not isinstance(answer["woke_at"], str):
            return "woke_at must be a string (an ISO time or a label)"
        for flag in ("woke", "tick"):
            if flag in answer and answer[flag] is not True:
                return f"{flag} must be true"
        if "wake" in answer and answer["wake"] not in (True, "now"):
            return 'wake must be true (when due) or "now" (start the cycle now)'
        reqs = answer.get("requests", [])
        if not isinstance(reqs, list) or not all(isinstance(r, str) and r.strip() for r in reqs):
            return 'requests must be a list of plain-word requests, e.g. ["raise X to $80 a day"]'
        if any(len(r) > bounds.MAX_ANSWER_CHARS for r in reqs):
            return (f"a request is longer than {bounds.MAX_ANSWER_CHARS:,} characters; say it in "
                    'a sentence, e.g. ["raise X to $80 a day"]')
        named = answer.get("alerts", [])
        if not isinstance(named, list) or not all(isinstance(k, str) for k in named) or \
                ("alerts" in answer and not named):
            return ('alerts must be a non-empty list of alert kinds, e.g. ["tracking_broken"] '
                    f"(kinds: {', '.join(ALERT_KINDS)})")
        unknown = sorted({k for k in named if k not in ALERT_KINDS})
        if unknown:
            return (f"unknown alert kind(s) {bounds.shorten(', '.join(unknown), 200)}; the kinds "
                    f"are {', '.join(ALERT_KINDS)}")
        if answer.get("wake") == "now" or named:
            return None
    due = _when(until)
    if due is not None and now < due:
        return (f"this timer is not due yet: it is due at {due.isoformat()} (account clock now "
                f"{now.isoformat()}); wait for it (`adpilot tick`, or `--advance-days N` on the "
                "sandbox) or start a cycle now with `adpilot optimize THREAD`")
    return None


def wait_for_data(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Pause the thread until `cycle_days` of new data exist (a durable `wait` interrupt).

    A resume that is malformed, or that arrives before `until` on the account clock, asks
    again with what was wrong and the
    refused value's digest, never the value.
    """
    opt = _opt(state)
    client = _client(runtime)
    # The first cycle waits for the campaign to start and deliver; later ones `cycle_days`.
    until = opt.get("wait_until") or first_until(state, client, runtime.context)
    reason = wait_reason(state, runtime.context, first=not opt.get("wait_until"))

    held: list[dict[str, Any]] = []

    def wake(answer: Any) -> Any:
        now = account_now(client, runtime.context)
        problem = wake_problem(answer, until, now)
        if problem:
            raise ResumeError(problem)
        named = answer.get("alerts") if isinstance(answer, dict) else None
        due = _when(until)
        if named and answer.get("wake") != "now" and due is not None and now < due:
            # An alert wake-up starts the cycle early only on what Meta's data shows now: the
            # value names kinds, never evidence (the card is built from a fresh read as well).
            held[:] = confirm_alerts(named, state, client, runtime.context, now, until)
        return answer

    answer = ask_until_valid(wait_payload(until, reason), wake)
    opt["wait_until"] = until
    # the last card's alerts join the cooldown log (`agents/optimize/alerts.py`)
    opt["alerts_raised"] = raised_after(opt)
    opt["woken_by"] = ({"alerts": sorted({a["kind"] for a in held}),
                        "keys": [a["key"] for a in held]} if held else None)
    if isinstance(answer, dict) and answer.get("requests"):
        # plain-word budget requests ride on the wake-up (`adpilot optimize THREAD --request`)
        opt["requests"] = [str(r) for r in answer["requests"]]
    status = "collecting insights"
    if held:
        status = f"woken by alert(s): {', '.join(opt['woken_by']['alerts'])}; collecting insights"
    return {"optimize": opt, "phase": "collecting", "status": status}


def confirm_alerts(kinds: list[str], state: Any, client: Any, ctx: Any, now: datetime,
                   until: str) -> list[dict[str, Any]]:
    """Return the alerts of `kinds` that hold on Meta's data now; refuse the wake-up if none do."""
    from tools.errors import MetaError

    try:
        held = confirm(kinds, state, client, ctx, now)
    except MetaError as exc:
        raise ResumeError(f"could not read Meta to confirm the alert(s) {', '.join(kinds)} "
                          f"({exc}); nothing was started and the timer stays at {until}") from None
    if not held:
        raise ResumeError(f"no {' or '.join(kinds)} alert holds on Meta's data now (or it was "
                          f"raised already): nothing was started; the timer stays at {until}")
    return held


def stopped_at(runtime: Runtime[Context]) -> str | None:
    """When `adpilot stop` stopped this thread (None when it did not)."""
    from langgraph.config import get_config

    from agents.common import home_of
    from tools.kill_switch import stopped_threads

    try:
        thread_id = str(get_config().get("configurable", {}).get("thread_id") or "")
    except RuntimeError:  # called outside a graph run
        return None
    return stopped_threads(home_of(runtime.context)).get(thread_id) if thread_id else None


@yields_on_throttle
def decide_actions(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Judge past actions, then propose this cycle's actions with evidence (no writes).

    A thread the kill switch stopped never proposes an activation or a budget increase.
    """
    from tools.kill_switch import hold_back_for_stop

    client = _client(runtime)
    opt = _opt(state)
    proposal, evidence = propose(client, state, runtime.context,
                                 thread_id=thread_id_of(runtime))
    # What the money gate refused after the last card was approved is said on this one too.
    proposal["flags"] = list(proposal.get("flags") or []) + [
        f"refused by the money gate after the last approval (nothing was sent): {r['message']}"
        for r in opt.get("last_refusals") or []
    ]
    stopped = stopped_at(runtime)
    proposal["actions"], held = hold_back_for_stop(proposal["actions"], stopped)
    if stopped:
        proposal["stopped"] = {"at": stopped, "held_back": [a["name"] for a in held]}
    # What `adpilot undo` undid since is marked first: it is not judged as if it still ran.
    marked = with_undos(state.get("applied_actions") or [], thread_id_of(runtime),
                        home_of(runtime.context))
    judgements = judge_applied(marked, evidence, runtime.context)
    applied = [
        {**a, "judgement": judgements.get(str(i), a.get("judgement"))}
        for i, a in enumerate(marked)
    ]
    cycle = int(state.get("cycle") or 0) + 1
    # The loop ends with the campaign (on Meta's schedule), when stopped, or at a person's limit.
    now = datetime.fromisoformat(evidence["now"])
    flight = read_flight(client, str((state.get("created") or {}).get("campaign")),
                         state.get("plan"))
    end = loop_end(state, runtime.context, cycle, now, flight, stopped)
    if end is not None and end[0] == "ended" and proposal["actions"]:
        proposal["flags"].append(f"{len(proposal['actions'])} action(s) not proposed: the "
                                 "campaign has ended")
        proposal["actions"] = []
    requests = [
        {"name": a["name"], "args": a["args"], "description": a.get("description", "")}
        for a in proposal["actions"]
    ]
    opt.update(
        phase_budgets=evidence["phase_budgets"],
        proposal=proposal,
        receipt=receipt(requests) if requests else None,
        review=None,
        done=end is not None,
        end={"why": end[0], "status": end[1]} if end is not None else None,
        wait_until=next_until(now, cadence(state, runtime.context), flight.end),
    )
    opt["requests"] = []  # plain-word budget requests are proposed once
    # The applied-action history leaves the checkpoint; what the next cycles read stays.
    applied = bound_history(applied, opt, thread_id=thread_id_of(runtime),
                            home=home_of(runtime.context), today=evidence.get("today"))
    # A budget request that cannot be proposed is said, never dropped: on the card (flags),
    # in the status and in `refusals` (the CLI prints them and exits 2).
    asked = list(proposal.get("request_problems") or [])
    update: dict[str, Any] = {
        "optimize": opt,
        "cycle": cycle,
        "proposed_actions": requests,
        "applied_actions": applied,
        "refusals": [{"action": "budget_request", "cap": "budget_request", "message": m}
                     for m in asked],
        "phase": "ended" if end is not None and end[0] == "ended" else "decided",
        "status": f"cycle {cycle}: {len(requests)} action(s) proposed"
        + (f" (thread stopped at {stopped}: no reactivation)" if stopped else "")
        + "".join(f"\n- budget request refused: {m}" for m in asked)
        + "".join(f"\n- {m}" for m in proposal.get("held") or [])  # a person's undo holds
        + (f"\n{end[1]}" if end is not None and not requests else ""),
    }
    if (limit := loop_limit(state, runtime.context)) is not None:
        update["max_cycles"] = limit  # a person's limit holds for every later run of the thread
    return update


def review_actions(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """One approval card for every proposed action; low-risk kinds may pass by policy."""
    opt = _opt(state)
    proposal = opt.get("proposal") or {"actions": []}
    actions = proposal["actions"]
    policy = runtime.context.policy
    auto = [auto_approvable(a, policy) for a in actions]
    card_idx = [i for i, ok in enumerate(auto) if not ok]
    decisions: list[dict[str, Any]] = [
        {"type": "approve", "by": "policy"} if ok else {} for ok in auto
    ]
    if card_idx:
        card_actions = [actions[i] for i in card_idx]
        payload = approval_payload(
            [
                {"name": a["name"], "args": a["args"], "description": a.get("description", "")}
                for a in card_actions
            ],
            description=card_markdown(
                state,
                proposal,
                card_actions,
                auto_applied=[actions[i] for i, ok in enumerate(auto) if ok],
            ),
        )
        if proposal.get("alerts"):  # marks an alert card for inboxes and notifications
            payload["alerts"] = [{k: a.get(k) for k in ("kind", "tier", "key", "object")}
                                 for a in proposal["alerts"]]
        # A forged, stale or malformed answer re-asks with what was wrong.
        parsed = ask_until_valid(payload, lambda answer: parse_decisions(answer, payload))
        for i, d in zip(card_idx, parsed, strict=True):
            decisions[i] = {**d.model_dump(), "by": "human"}
    opt["review"] = {"receipt": opt.get("receipt"), "decisions": decisions}
    return {"optimize": opt, "phase": "reviewed", "status": "actions reviewed"}


@yields_on_throttle
def apply_actions(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Execute the approved actions (receipt checked, guardrails enforced, read back)."""
    opt = _opt(state)
    proposal = opt.get("proposal") or {"actions": []}
    review = opt.get("review") or {}
    if review.get("receipt") != opt.get("receipt"):
        raise RuntimeError(
            "apply_actions: the approval quotes a different receipt than the proposal; "
            "nothing was applied — run the cycle again to get a fresh approval"
        )
    from tools.kill_switch import hold_back_for_stop

    client = _client(runtime)
    stopped = stopped_at(runtime)
    decisions = list(review.get("decisions") or [])
    if stopped:
        # stopped after the card was shown: an approval must not turn spend back on
        _, held = hold_back_for_stop(proposal["actions"], stopped)
        decisions = [
            {"type": "reject", "message": f"thread stopped at {stopped}"}
            if any(a is h for h in held) else d
            for a, d in zip(proposal["actions"], decisions, strict=False)
        ]
    from agents.optimize.oneoff.nodes import VARIANT_ACTION, apply_variants
    from agents.optimize.refresh_io import image_roots

    now = account_now(client, runtime.context)
    # Applied today on the account's calendar — the card may have been shown days earlier,
    # and reports and judgements measure from when the change reached Meta.
    applied_on = now.astimezone(account_info(client)["tz"]).date().isoformat()
    # An A/B test's variant is created by the ad-creation agent (its own gate pass) after the
    # card's budget cuts; every other action is one typed MoneyAction.
    actions = list(proposal["actions"])
    plain = [i for i, a in enumerate(actions) if a.get("name") != VARIANT_ACTION]
    result = execute_approved(
        client,
        [actions[i] for i in plain],
        [decisions[i] for i in plain] if len(decisions) == len(actions) else decisions,
        receipt=opt.get("receipt"),
        policy=runtime.context.policy,
        now=now,
        budget_edits=opt.get("budget_edits") or {},
        today=applied_on,
        image_roots=image_roots(runtime.context),  # an edited refresh's new image file
    )
    if len(plain) < len(actions):
        v_applied, v_refused, experiment = apply_variants(
            client, actions, decisions, policy=runtime.context.policy,
            receipt_=opt.get("receipt"), now=now)
        result["applied"] += v_applied
        result["refusals"] += v_refused
        if experiment:
            opt["experiment"] = experiment
    opt["budget_edits"] = result["budget_edits"]
    opt["last_refusals"] = result["refusals"]
    applied = list(state.get("applied_actions") or []) + result["applied"]
    done = [a for a in result["applied"] if a.get("status") != "noted"]
    refused = result["refusals"]
    label = f"cycle {state.get('cycle')}"
    request = (state.get("intent") or {}).get("route")
    if request and request != "adopt":
        label = "request"  # a card from `adpilot ask`, not an optimise cycle
    status = applied_status(label, done, refused)
    if opt.get("done") and (opt.get("end") or {}).get("status") and label != "request":
        status += f"\n{opt['end']['status']}"
    update = {
        "optimize": opt,
        "applied_actions": applied,
        "proposed_actions": [],
        "refusals": refused,
        # `refused` when the gate refused every write of the card: nothing was applied.
        "phase": "refused" if refused and not done else "applied",
        "status": status,
    }
    if label == "request":
        from agents.optimize.oneoff.nodes import finish_request_card

        update = finish_request_card(state, update, decisions, now,
                                     cadence(state, runtime.context))
    return update


def applied_status(label: str, done: list[dict[str, Any]], refused: list[dict[str, Any]]) -> str:
    """Say what a card's apply did: its writes, each refusal, each write not as its card said."""
    status = f"{label}: {len(done)} action(s) applied"
    if refused:
        status = (
            f"{label}: {len(done)} action(s) written, {len(refused)} REFUSED "
            f"{refused_by(refused)} (nothing sent for them):\n"
            + "\n".join(f"- {r['message']}" for r in refused)
        )
    # Applied, but not exactly as the card said (a raise shrunk to what its cut freed).
    return status + "".join(f"\nNote — {(a.get('target') or {}).get('name') or a['name']}: "
                            f"{a['note']}" for a in done if a.get("note"))


def refused_by(refused: list[dict[str, Any]]) -> str:
    """Name who refused: the money gate's caps, Meta, or adpilot's own checks (each line says)."""
    own = {"meta_refused": "by Meta", "budget_move": "as unfunded budget-move raises",
           "stale_card": "as stale (Meta's values changed since the card)",
           "action": "as invalid edits"}
    said = sorted({own.get(str(r.get("cap")), "by the money gate") for r in refused})
    return " and ".join(said) if len(said) <= 2 else "by the money gate, Meta or adpilot's checks"


def _done(state: dict[str, Any]) -> bool:
    return bool((state.get("optimize") or {}).get("done"))


def route_after_collect_insights(state: dict[str, Any]) -> Literal["decide_actions", "wait_out_throttle"]:
    """Decide on the fresh numbers, or wait out a Meta throttle first."""
    return "wait_out_throttle" if state.get("throttle") else "decide_actions"


def route_after_decide_actions(
    state: dict[str, Any],
) -> Literal["review_actions", "wait_for_data", "wait_out_throttle", "__end__"]:
    """Review proposals; with none, wait for the next cycle, or end with the loop."""
    if state.get("throttle"):
        return "wait_out_throttle"
    if state.get("phase") == "ended":
        return "__end__"  # the campaign has ended: its last numbers are in, nothing to propose
    if state.get("phase") != "decided":
        raise RuntimeError(f"route_after_decide_actions: unexpected phase {state.get('phase')!r}")
    if state.get("proposed_actions"):
        return "review_actions"
    return "__end__" if _done(state) else "wait_for_data"


def route_after_apply_actions(
    state: dict[str, Any],
) -> Literal["wait_for_data", "wait_out_throttle", "__end__"]:
    """Next cycle, or end: the campaign ended, the thread was stopped, or a person's limit."""
    if state.get("throttle"):
        return "wait_out_throttle"
    if state.get("phase") not in ("applied", "refused", "stopped", "rejected"):
        raise RuntimeError(f"route_after_apply_actions: unexpected phase {state.get('phase')!r}")
    return "__end__" if _done(state) or state.get("phase") in ("stopped", "rejected") \
        else "wait_for_data"
