"""The LLM planner: a chat model drafts the campaign, deterministic code checks and repairs it.

`plan(brief, defaults)` returns the same `PlannerResult` as the rules planner:

1. `init_chat_model(ADPILOT_MODEL)` (e.g. `openai:gpt-4.1-mini`; `OPENAI_BASE_URL` points it at
   any OpenAI-compatible server) with `.with_structured_output(<DraftPlan JSON schema>)`, so
   the request carries the schema (OpenAI: `response_format` json_schema, strict; other
   providers: a forced tool call).
2. The reply is validated against `DraftPlan`, converted to a plan dict
   (`draft.draft_to_plan`) and checked with `state.plan.validate_plan`.
3. Schema errors and plan problems are fed back for at most `MAX_REPAIRS` (2) repairs.
   Facts the brief does not give are never repaired into existence: they become `questions`.
4. Interest names are resolved to Meta ids through the targeting search when a
   `search_interests` callable is given (the orchestrator resolves the rest).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from agents.planning import NotUnderstood, PlanDefaults, PlannerResult
from agents.planning.draft import DraftPlan, draft_to_plan
from graph.tracing import traced
from prompts import planner as prompts
from state import rules
from state.plan import AccountInfo, PlanError, load_plan, validate_plan

MAX_REPAIRS = 2
MAX_INTERESTS = 10
MODEL_ENV = "ADPILOT_MODEL"
SearchInterests = Callable[[str], Sequence[dict[str, Any]]]
# Missing facts the model reports → the question the human is asked.
QUESTIONS = {
    "budget": ("budget", "How much should the campaign spend, per day or in total?"),
    "landing_url": ("landing_url", "Which page should the ads send people to (a full https URL)?"),
    "countries": ("countries", "Which countries should the ads run in?"),
    "objective": ("objective", "What is the goal: sales, leads, traffic, awareness or engagement?"),
    "page": ("page_id", "Which Facebook page should the ads run from?"),
    "pixel": ("pixel_id", "Which Meta pixel tracks the purchases?"),
    "assets": ("assets", "Which images or videos should the ads use (file paths or URLs)?"),
    "advertiser": ("dsa_payor", "Ads shown in the EU must name who pays for them and who benefits "
                                "(Digital Services Act). What is the advertiser's legal name?"),
}


class PlannerConfigError(ValueError):
    """The model setting cannot be used; the message names the variable and the fix."""


def draft_schema() -> dict[str, Any]:
    """Return the JSON schema sent to the model (DraftPlan, strict-mode compatible)."""
    return DraftPlan.model_json_schema()


def chat_model(model: str | None = None) -> BaseChatModel:
    """Build the chat model for `provider:model` (default: ADPILOT_MODEL)."""
    from langchain.chat_models import init_chat_model

    name = (model or os.environ.get(MODEL_ENV) or "").strip()
    if not name or name == "rules":
        raise PlannerConfigError(
            f"{MODEL_ENV}: the LLM planner needs a `provider:model` string such as "
            "openai:gpt-4.1-mini (or use the offline planner with ADPILOT_MODEL=rules)"
        )
    kwargs: dict[str, Any] = {"temperature": 0}
    provider = name.split(":", 1)[0] if ":" in name else ""
    if provider == "openai" and os.environ.get("OPENAI_BASE_URL"):
        # langchain-openai reads OPENAI_API_BASE; OPENAI_BASE_URL is what users set.
        kwargs["base_url"] = os.environ["OPENAI_BASE_URL"]
    try:
        return init_chat_model(name, **kwargs)
    except (ValueError, ImportError) as exc:
        raise PlannerConfigError(
            f"{MODEL_ENV}={name!r} cannot be used ({exc}); write it as provider:model, e.g. "
            "openai:gpt-4.1-mini, and install the provider's langchain package"
        ) from exc


def _structured(llm: BaseChatModel) -> Any:
    schema = draft_schema()
    try:
        runnable = llm.with_structured_output(schema, method="json_schema", strict=True, include_raw=True)
    except (TypeError, ValueError, NotImplementedError):
        # Providers without native JSON-schema output fall back to a forced tool call.
        runnable = llm.with_structured_output(schema, include_raw=True)
    # One named run per model call in traces instead of LangChain's RunnableSequence.
    return runnable.with_config(run_name="planner.draft", tags=["agent:orchestrator", "action:plan", "llm"])


def _defaults_get(defaults: Any, name: str, fallback: Any = None) -> Any:
    if defaults is None:
        return fallback
    value = defaults.get(name) if isinstance(defaults, dict) else getattr(defaults, name, None)
    return fallback if value is None else value


def _system_prompt(defaults: Any) -> str:
    page, pixel = _defaults_get(defaults, "page_id"), _defaults_get(defaults, "pixel_id")
    return prompts.PLANNER_SYSTEM.format(
        today=_defaults_get(defaults, "today", date.today()).isoformat(),
        account_currency=_defaults_get(defaults, "currency", "USD"),
        page_status=f"{page} (use it)" if page else "not set",
        pixel_status=f"{pixel} (use it)" if pixel else "not set",
        max_interests=MAX_INTERESTS,
        primary_text_max=rules.TEXT_GUIDANCE["primary_text"],
        headline_max=rules.TEXT_GUIDANCE["headline"],
        description_max=rules.TEXT_GUIDANCE["description"],
        cta_examples=", ".join(rules.DEFAULT_CTA.values()),
    )


def _bullets(items: Sequence[dict[str, Any]]) -> str:
    return "\n".join(f"- {i.get('path', 'plan')}: {i.get('message')} (fix: {i.get('fix', '')})"
                     for i in items)


def _schema_errors(exc: ValidationError) -> str:
    lines = [f"- {'.'.join(str(p) for p in e['loc']) or 'draft'}: {e['msg']}" for e in exc.errors()]
    return prompts.PLANNER_SCHEMA_ERROR.format(error_count=len(lines), errors="\n".join(lines[:30]))


def _parse(parsed: Any, parsing_error: Any) -> tuple[DraftPlan | None, str]:
    """Validate the model's structured output; on failure return the feedback to send."""
    if parsing_error is not None or not isinstance(parsed, dict):
        return None, ("Your reply was not a JSON object matching the schema"
                      f"{f' ({parsing_error})' if parsing_error else ''}.")
    try:
        return DraftPlan.model_validate(parsed), ""
    except ValidationError as exc:
        return None, _schema_errors(exc)


def _raw_text(raw: Any) -> str:
    if isinstance(raw, AIMessage):
        if raw.tool_calls:
            return json.dumps(raw.tool_calls[0]["args"])
        return raw.content if isinstance(raw.content, str) else json.dumps(raw.content)
    return json.dumps(raw) if raw is not None else ""


def _questions(draft: DraftPlan, defaults: Any) -> list[dict[str, str]]:
    missing = list(dict.fromkeys(draft.missing))
    eu = any(set(c.upper() for c in s.countries) & rules.EU_COUNTRIES for s in draft.ad_sets)
    if eu and not (draft.advertiser or _defaults_get(defaults, "advertiser")) and "advertiser" not in missing:
        missing.append("advertiser")
    needs_pixel = draft.objective == "OUTCOME_SALES" and not _defaults_get(defaults, "pixel_id")
    if needs_pixel and "pixel" not in missing:
        missing.append("pixel")
    if not _defaults_get(defaults, "page_id") and "page" not in missing:
        missing.append("page")
    return [{"field": QUESTIONS[m][0], "question": QUESTIONS[m][1]} for m in missing]


def _resolve(plan: dict[str, Any], search: SearchInterests | None) -> list[dict[str, str]]:
    """Give named interests Meta ids; return warnings for names the search does not know."""
    if search is None:
        return []
    warnings = []
    for i, ad_set in enumerate(plan.get("ad_sets", [])):
        for spec in ad_set.get("targeting", {}).get("flexible_spec", []):
            kept = []
            for interest in spec.get("interests", []):
                hits = list(search(interest["name"]))
                if hits:
                    kept.append({"id": str(hits[0]["id"]), "name": hits[0]["name"]})
                else:
                    warnings.append({"path": f"ad_sets[{i}].targeting.flexible_spec",
                                     "message": f"no Meta interest matches {interest['name']!r}; dropped",
                                     "fix": "name a broader interest, or edit the plan"})
            spec["interests"] = kept
        specs = [s for s in ad_set.get("targeting", {}).get("flexible_spec", []) if s.get("interests")]
        if "targeting" in ad_set and "flexible_spec" in ad_set["targeting"]:
            ad_set["targeting"]["flexible_spec"] = specs or None
            if not specs:
                del ad_set["targeting"]["flexible_spec"]
    return warnings


def _check(plan: dict[str, Any], defaults: Any) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    try:
        model = load_plan(plan)
    except PlanError as exc:
        return [p.to_dict() for p in exc.problems], []
    account = AccountInfo(currency=_defaults_get(defaults, "currency", model.currency),
                          account_id=_defaults_get(defaults, "account_id"),
                          page_id=_defaults_get(defaults, "page_id"),
                          pixel_id=_defaults_get(defaults, "pixel_id"), now=datetime.now(UTC))
    report = validate_plan(model, account)
    return [p.to_dict() for p in report.problems], [w.to_dict() for w in report.warnings]


def _repairable(problems: list[dict[str, str]], questions: list[dict[str, str]]) -> list[dict[str, str]]:
    """Problems the model can fix; those about facts it was told to ask for are not."""
    asked = {q["field"] for q in questions}
    asked_paths = {"budget": ("budget",), "landing_url": ("landing_url", ".link"),
                   "countries": ("geo_locations",), "pixel_id": ("promoted_object",),
                   "page_id": ("promoted_object",), "assets": ("assets", "cards"),
                   "dsa_payor": ("dsa_payor", "dsa_beneficiary")}
    skip = tuple(p for field in asked for p in asked_paths.get(field, (field,)))
    return [p for p in problems if not any(s in p.get("path", "") for s in skip)]


def _add_targets(plan: dict[str, Any], brief: str) -> list[dict[str, str]]:
    """Read target CPA / ROAS from the brief with the rules parser (the draft schema has none)."""
    from agents.planning.parse_targets import find_targets
    from agents.planning.rules import plan_targets

    currency = str(plan.get("currency") or "USD")
    targets, warnings = plan_targets(find_targets(brief, currency), currency)
    if targets:
        plan["targets"] = targets
    return warnings


@traced("planner.llm", tags=["agent:orchestrator", "action:plan"])
def plan(brief: str, defaults: PlanDefaults | dict[str, Any] | None = None, *,
         model: BaseChatModel | str | None = None,
         search_interests: SearchInterests | None = None) -> PlannerResult:
    """Plan a campaign from `brief` with a chat model; see the module docstring."""
    if not brief or not brief.strip():
        raise ValueError("brief: it is empty; describe the product, goal, budget, audience and landing page")
    llm = model if isinstance(model, BaseChatModel) else chat_model(model)
    runnable = _structured(llm)
    currency = str(_defaults_get(defaults, "currency", "USD"))
    messages: list[BaseMessage] = [SystemMessage(_system_prompt(defaults)),
                                   HumanMessage(prompts.PLANNER_BRIEF.format(brief=brief.strip()))]
    problems: list[dict[str, str]] = []
    for attempt in range(MAX_REPAIRS + 1):
        out = runnable.invoke(messages, config={"metadata": {"attempt": attempt, "repairs_left": MAX_REPAIRS - attempt}})
        raw, parsed = out.get("raw"), out.get("parsed")
        draft, feedback = _parse(parsed, out.get("parsing_error"))
        if draft is None:
            problems = [{"path": "draft", "message": feedback,
                         "fix": "the model's output did not fit the schema; try again or use ADPILOT_MODEL=rules"}]
            messages += [AIMessage(_raw_text(raw) or "(empty reply)"), HumanMessage(feedback)]
            continue
        questions = _questions(draft, defaults)
        plan_dict, problems = draft_to_plan(
            draft, currency=currency, today=_defaults_get(defaults, "today", date.today()),
            page_id=_defaults_get(defaults, "page_id"), pixel_id=_defaults_get(defaults, "pixel_id"),
            advertiser=_defaults_get(defaults, "advertiser"), asset_dir=str(_defaults_get(defaults, "asset_dir", ".")))
        warnings = _resolve(plan_dict, search_interests)
        warnings += _add_targets(plan_dict, brief)
        checked, checked_warnings = _check(plan_dict, defaults)
        problems += checked
        fixable = _repairable(problems, questions)
        if not fixable or attempt == MAX_REPAIRS:
            return PlannerResult(plan=plan_dict, problems=problems, warnings=warnings + checked_warnings,
                                 questions=questions,
                                 not_understood=[NotUnderstood(u).to_dict() for u in draft.unparsed])
        messages += [AIMessage(json.dumps(parsed)),
                     HumanMessage(prompts.PLANNER_REPAIR.format(problems=_bullets(fixable)))]
    # Every attempt failed the schema: nothing usable to show.
    return PlannerResult(plan=None, problems=problems, warnings=[], questions=[])


def plan_brief(brief: str, defaults: PlanDefaults | dict[str, Any] | None = None, *,
               model: BaseChatModel | str | None = None,
               search_interests: SearchInterests | None = None) -> PlannerResult:
    """Plan with `model` (default: ADPILOT_MODEL); the orchestrator's entry point."""
    return plan(brief, defaults, model=model, search_interests=search_interests)
