"""Orchestrator nodes of the launch path: brief → plan (`plan_campaign`) → checked plan (`validate_plan`).

Longer than 300 lines because the launch path's first three nodes share the planner call, the
local checks and the clarify loop.

`validate_plan` also shows the money gate's verdict before approval (`agents/orchestrator/launch_gate.py`):
a plan the gate would refuse on the account's live state gets a problem naming the cap (so
"approve" is not offered), and a daily budget above 10× the account's largest day of the last
30 days is stated in words (`spend_check`; the CLI asks for the amount to be typed back).

`plan_campaign` picks the planner from `context.model` (`rules` = the offline parser, anything
else = the LLM planner), asks a `clarify` question when required facts are missing (the answer
is merged into the brief and the planner runs again), and resolves interest names to ids with
the targeting search. `validate_plan` runs the local rules (`state.plan_checks.validate_plan`, the
asset checks) and then Meta's `validate_only` for every object in one batch (agents/orchestrator/meta_checks).
Before the local rules it resolves audience and detailed-targeting names to ids
(`audience_refs.py`: no match or several is a problem, never a guess) and reads Meta's
minimum budgets for capped bids; last it asks Meta's delivery estimate per ad set for the card
(`estimates.py`, the `estimates` state key), which never fails a plan. First of all it pins the
plan's local files (`tools/asset_cache.py`): hashed and copied into ADPILOT_HOME, so the card
shows, and the launch uploads, those bytes from whatever folder the approval comes.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from langgraph.runtime import Runtime

from agents.common import ask_until_valid, client_of, thread_id_of, yields_on_throttle
from agents.common.tracing import meta_call_group
from agents.orchestrator import audience_refs, estimates, meta_checks
from agents.orchestrator.answers import merge_answer, reasked, waived_by
from agents.orchestrator.approval import card_pins, edited_assets, keep_card_before_edit
from agents.orchestrator.planning import PlanDefaults, PlannerResult
from agents.orchestrator.planning.copy import fill_missing_copy
from state import bounds, plan_checks
from state import plan as plans
from state.context import Context
from state.hitl import answer_text, clarify_payload
from state.schema import AdpilotState
from tools.account import account_now as account_clock_now
from tools.asset_cache import pin_assets
from tools.asset_checks import check_assets

MAX_CLARIFY_ROUNDS = 3


def run_now(ctx: Any, client: Any = None) -> datetime:
    """Now for a run context: UTC wall time off the sandbox, else `tools.account.account_now`."""
    if not ctx.sandbox:
        return datetime.now(UTC)
    return account_clock_now(client or ctx.client_factory(), ctx)


def account_today(ctx: Any, client: Any = None, now: datetime | None = None) -> date:
    """Today in the ad account's timezone, on the account's clock."""
    now = now or run_now(ctx, client)
    try:
        return now.astimezone(ZoneInfo(ctx.timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.date()


def plan_defaults(ctx: Any, today: date | None = None, waived: Any = ()) -> PlanDefaults:
    """Return the planner's defaults from the run context (account currency, page, pixel, today)."""
    known = {"currency": ctx.currency, "page_id": ctx.page_id, "pixel_id": ctx.pixel_id,
             "account_id": ctx.account_id, "today": today or date.today(), "timezone": ctx.timezone,
             "waived": tuple(waived or ())}
    roots = getattr(getattr(ctx, "assets", None), "roots", None)
    if roots:  # the server / MCP: relative names and globs mean the allowed folder
        known.update(asset_dir=roots[0], asset_roots=tuple(roots))
    names = {f.name for f in dataclasses.fields(PlanDefaults)}
    return PlanDefaults(**{k: v for k, v in known.items() if k in names and v is not None})


def planner_for(model: str) -> Any:
    """Return the planner function for `context.model` (`rules` or `provider:model`)."""
    if model == "rules":
        from agents.orchestrator.planning.rules import plan_brief

        return plan_brief
    from agents.orchestrator.planning.llm import plan_brief as llm_plan_brief

    return llm_plan_brief


def run_planner(brief: str, ctx: Any, search: Any = None, today: date | None = None,
                waived: Any = ()) -> PlannerResult:
    """Plan `brief` with the context's planner; the LLM planner resolves interests via `search`.

    `waived` lists phrases a person chose to launch without: they are shown, not asked again.
    """
    planner = planner_for(ctx.model)
    defaults = plan_defaults(ctx, today, waived)
    if ctx.model == "rules":
        return planner(brief, defaults)
    return planner(brief, defaults, model=ctx.model, search_interests=search)


def issue_dicts(items: Any) -> list[dict[str, Any]]:
    """Return planner or validation findings (dicts, dataclasses, models, text) as dicts."""
    out = []
    for item in items or []:
        if isinstance(item, dict):
            out.append(item)
        elif hasattr(item, "to_dict"):
            out.append(item.to_dict())
        elif hasattr(item, "model_dump"):
            out.append(item.model_dump(mode="json"))
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            out.append(dataclasses.asdict(item))
        else:
            out.append({"path": "brief", "message": str(item), "fix": ""})
    return out


def unique_issues(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeats (the planner and the local check report some problems alike)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for issue in issues:
        key = (str(issue.get("path")), str(issue.get("message")))
        if key not in seen:
            seen.add(key)
            out.append(issue)
    return out


def _interest_search(runtime: Runtime[Context]) -> Any:
    """Return a `name -> [{id, name}]` lookup through Meta's targeting search (one client, lazily)."""
    from tools.targeting import search_interests

    client: list[Any] = []

    def search(name: str) -> list[dict[str, Any]]:
        if not client:
            client.append(client_of(runtime))
        with meta_call_group("targeting_search", kind="read", query=name):
            return search_interests(client[0], name, limit=1)

    return search


def _resolve_interests(plan: dict[str, Any], search: Any) -> dict[str, Any]:
    """Give every interest named without an id the id Meta's targeting search returns."""
    for ad_set in plan.get("ad_sets", []):
        for spec in (ad_set.get("targeting") or {}).get("flexible_spec") or []:
            for interest in spec.get("interests") or []:
                if not interest.get("id") and interest.get("name"):
                    hits = search(interest["name"])
                    if hits:
                        interest.update(id=str(hits[0]["id"]), name=hits[0]["name"])
    return plan


def plan_campaign(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Turn the brief into a plan, asking the human for what the brief leaves out or unclear."""
    brief = state.get("brief") or ""
    search = _interest_search(runtime)
    if (given := state.get("plan")) and state.get("phase") in (None, "brief"):
        # A ready plan given as input (`adpilot run --plan FILE`): no planner, same checks after.
        plan = {**given, "key_salt": thread_id_of(runtime)}
        return {"plan": _resolve_interests(plan, search), "problems": [], "warnings": [],
                "phase": "planned", "status": "plan given as input; checking with Meta"}
    waived = list(state.get("waived") or [])
    try:
        today = account_today(runtime.context, client_of(runtime))
        result = run_planner(brief, runtime.context, search, today, waived)
    except ValueError as exc:  # planners refuse unusable briefs (e.g. empty) with a clear message
        return {"plan": None, "problems": [{"path": "brief", "message": str(exc),
                                            "fix": "describe product, goal, budget, audience, landing page"}],
                "warnings": [], "phase": "unplannable", "status": "the brief cannot be planned"}
    reading = {"not_understood": result.not_understood, "adjustments": result.adjustments}
    rounds = len(state.get("clarifications") or [])
    questions = reasked(issue_dicts(result.questions), state.get("clarifications") or [])
    if questions and rounds < MAX_CLARIFY_ROUNDS:
        def read(answer: Any) -> tuple[Any, str, list[str] | None]:
            bounds.check_resume_value(answer, "clarify answer")
            answer = answer_text(answer)  # Agent Inbox / agent-chat-ui "respond"
            more = waived_by(answer, questions)
            return (answer, brief if more is not None else merge_answer(brief, answer, questions),
                    more)

        # an unusable answer asks again, saying why
        # The card says when this is the last answer the thread takes (it ends after it).
        payload = clarify_payload(questions, brief=brief, answers_left=MAX_CLARIFY_ROUNDS - rounds)
        answer, merged, more = ask_until_valid(payload, read, invalid=ValueError)
        return {"brief": merged, "phase": "clarified", "waived": waived + (more or []),
                "status": "clarification received; planning again", **reading,
                "clarifications": [*(state.get("clarifications") or []),
                                   {"questions": questions, "answer": answer}]}
    problems = issue_dicts(result.problems)
    problems += [{"path": q.get("field", "brief"), "message": f"still open after {rounds} answers: "
                  f"{q.get('question', q)}", "fix": "start again with a brief that states it",
                  "rule": q.get("kind", "missing")}
                 for q in questions]
    if result.plan is None or questions:
        return {"plan": None, "problems": problems, "warnings": issue_dicts(result.warnings),
                **reading, "phase": "unplannable", "status": "the brief cannot be planned"}
    warnings = issue_dicts(result.warnings)
    # Keys are salted with the thread id so two threads launching one brief never share objects.
    plan = {**result.plan, "key_salt": thread_id_of(runtime)}
    return {"plan": _resolve_interests(plan, search), "problems": problems, "warnings": warnings,
            "planner_warnings": warnings, **reading,
            "phase": "planned", "status": "planned; checking with Meta"}


def plan_account_info(ctx: Any, now: datetime | None = None,
                      min_budget_row: dict[str, Any] | None = None) -> plan_checks.AccountInfo:
    """Return what local validation needs to know about the ad account, from the run context.

    `min_budget_row`: Meta's `minimum_budgets` row when it was fetched (for a capped bid).
    """
    return plan_checks.AccountInfo(currency=ctx.currency, account_id=ctx.account_id,
                                   page_id=ctx.page_id, pixel_id=ctx.pixel_id, now=now,
                                   min_budget_row=min_budget_row)


def check_locally(plan: dict[str, Any], ctx: Any, now: datetime | None = None,
                  min_budget_row: dict[str, Any] | None = None) -> tuple[list[dict], list[dict]]:
    """Local checks only (plan rules + asset files): no network, nothing written."""
    try:
        model = plans.load_plan(plan)
    except plans.PlanError as exc:
        return issue_dicts(exc.problems), []
    report = plan_checks.validate_plan(model, plan_account_info(ctx, now, min_budget_row))
    problems, warnings = issue_dicts(report.problems), issue_dicts(report.warnings)
    asset_problems, asset_warnings = check_assets(plan, getattr(ctx, "assets", None),
                                                  getattr(ctx, "home", None))
    return unique_issues(problems + asset_problems), unique_issues(warnings + asset_warnings)


@yields_on_throttle
def validate_plan(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Check the plan locally, then with Meta's validate_only; nothing is created.

    An edit with problems is not applied: the card before it is put back, saying why.
    """
    return keep_card_before_edit(state, _check_plan(state, runtime), thread_id_of(runtime))


def _check_plan(state: AdpilotState, runtime: Runtime[Context]) -> dict[str, Any]:
    planned = cast(dict[str, Any], state["plan"])  # validate_plan runs only after a plan was made
    # Local files are pinned now (hashed, copied into ADPILOT_HOME/assets): the approval and
    # the launch may come from another folder or after the file moved (tools/asset_cache.py).
    pinned = pin_assets(fill_missing_copy(planned, state.get("brief") or ""), runtime.context.home,
                        runtime.context.assets, keep=card_pins(state))  # an edit keeps the card's
    plan = pinned.plan
    # Only a plan that gained template copy is written back (keeps checkpoints small).
    client = client_of(runtime)
    # The account clock now: a plan without a start launches from here (its days count from it).
    now = run_now(runtime.context, client)
    # Names become ids (audiences, detailed targeting) and capped bids get Meta's minimums
    # before the local checks; reads only, and none for a plan without such references.
    with meta_call_group("resolve_references", kind="read"):
        resolved, ref_problems, facts = audience_refs.resolve(plan, client)
        names = audience_refs.coded_names(resolved, audience_refs.cached_search(client))
        min_row, bid_problems = meta_checks.bid_minimums(client, resolved, now)
    plan = resolved if resolved != plan else plan
    filled = {"checked_at": now.isoformat(), **edited_assets(state, plan, runtime.context.assets),
              **({"plan": plan} if plan is not planned else {})}
    problems, warnings = check_locally(plan, runtime.context, now, min_row)
    seed_problems, ready_warnings = audience_refs.audience_checks(plan, facts)
    problems = unique_issues(problems + ref_problems + bid_problems + seed_problems)
    pinned.discard(problems)  # a refused file (a junk video) is not kept in the cache
    # The planner's warnings stay beside the checks' (the check step never overwrites them).
    warnings = unique_issues(issue_dicts(state.get("planner_warnings")) + pinned.warnings + warnings
                             + ready_warnings)
    known: dict[str, Any] = {"audiences": facts, "details": names, "ad_sets": []}
    if problems:
        return {**filled, "problems": problems, "warnings": warnings, "validation": None, "phase": "invalid",
                "estimates": known,
                "status": f"{len(problems)} problem(s) to fix before launch; nothing was written"}
    from agents.orchestrator import launch_gate

    go_live = launch_gate.go_live_of(state, runtime.context)
    with meta_call_group("money_gate_preview", kind="read"):
        verdict = launch_gate.preview(client, plan, runtime.context, go_live=go_live)
        spend = launch_gate.spend_check(client, plan, verdict.currency, now)
    if spend:
        warnings = [*warnings, spend_warning(spend)]
    summary = {**verdict.summary(), "created_paused": not go_live}
    gated = {"gate": summary, "spend_check": spend}
    if not verdict.ok:
        return {**filled, **gated, "estimates": known, "problems": launch_gate.refusal_problems(verdict),
                "warnings": warnings, "validation": None, "phase": "invalid",
                "status": "the money gate would refuse this launch; nothing was written"}
    with meta_call_group("validate_only", kind="validate"):
        validation = meta_checks.validate_with_meta(client, plan, runtime.context)
    problems = validation.pop("problems")
    validation["gate"] = summary
    ok = validation["ok"]
    # Last, so a throttled estimate cannot hold up the checks; an estimate never fails a plan.
    with meta_call_group("delivery_estimate", kind="read"):
        known["ad_sets"] = estimates.estimate_plan(client, plan, runtime.context, now)
    return {**filled, **gated, "estimates": known, "problems": problems, "warnings": warnings,
            "validation": validation,
            "phase": "validated" if ok else "invalid",
            "status": "checked by Meta; waiting for approval" if ok else "Meta refused the plan"}


def confirm_amount(spend: dict[str, Any]) -> str:
    """Return the daily amount a person types back to confirm a budget spelled out."""
    from state.rules import currency_offset

    offset = currency_offset(str(spend["currency"]))
    daily = int(spend["daily_minor"])
    return str(daily) if offset == 1 else f"{daily / offset:.2f}"


def spend_warning(spend: dict[str, Any]) -> dict[str, str]:
    """Return the card line of the launch sanity check (`agents/orchestrator/launch_gate.py`)."""
    return {"path": "budget", "rule": "spend_check",
            "message": f"{spend['text']} To approve it from the CLI, type the daily amount back "
                       f"(`adpilot approve THREAD --confirm-budget {confirm_amount(spend)}`).",
            "fix": "check the amount: lower it if it is a typo"}
