"""The LLM planner: a chat model drafts the campaign, deterministic code checks and repairs it.

`plan_brief(brief, defaults)` returns the same `PlannerResult` as the rules planner:

1. `init_chat_model(ADPILOT_MODEL)` (e.g. `openai:gpt-4.1-mini`; `OPENAI_BASE_URL` points it at
   any OpenAI-compatible server) with `.with_structured_output(<DraftPlan JSON schema>)`, so
   the request carries the schema (OpenAI: `response_format` json_schema, strict; other
   providers: a forced tool call).
2. The reply is validated against `DraftPlan`, converted to a plan dict
   (`draft_plan.draft_to_plan`: places get keys, impossible values become questions) and
   checked with `state.plan_checks.validate_plan` and against the copy the brief quotes.
3. Schema errors and plan problems are fed back for at most `MAX_REPAIRS` (2) repairs.
   Facts the brief does not give are never repaired into existence (they become `questions`),
   values the brief states are never "repaired" away (an invalid one is a question), and
   every value a repair changed is listed in `adjustments`.
4. What the model reports beside the plan — phrases it could not map, unsupported asks,
   ambiguous words, conflicts, invalid values — becomes `questions` / `not_understood`
   (`draft_report`), unless the person waived the phrase. The unsupported-ask recogniser
   also runs on the brief itself: the model is not trusted to have flagged everything.
5. Interest names are resolved to Meta ids through the targeting search when a
   `search_interests` callable is given (the orchestrator resolves the rest); a name it does
   not know is a question, never a silent drop.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Sequence
from datetime import date
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from agents.common.structured import structured
from agents.common.tracing import traced
from agents.orchestrator.planning import GOAL, SPEND, WHO, PlanDefaults, PlannerResult, Question
from agents.orchestrator.planning.capabilities.net import (
    dropped_capabilities,
    served_unsupported,
)
from agents.orchestrator.planning.llm.checks import (
    SearchInterests,
    add_targets,
    check_plan,
    defaults_get,
    missing_questions,
    repairable,
    resolve_interests,
)
from agents.orchestrator.planning.llm.draft import DraftPlan
from agents.orchestrator.planning.llm.draft_plan import SearchPlaces, draft_to_plan
from agents.orchestrator.planning.llm.draft_report import (
    FEATURES,
    asked_paths,
    draft_adjustments,
    is_waived,
    merge_questions,
    not_understood,
    quoted_copy_problems,
    repair_adjustments,
    report_questions,
    waived_phrases,
)
from agents.orchestrator.planning.people.audience import LOCALES
from agents.orchestrator.planning.schedule.golive import find_go_live
from prompts import planner as prompts
from state import rules

MAX_REPAIRS = 2
MAX_INTERESTS = 10
MODEL_ENV = "ADPILOT_MODEL"


class PlannerConfigError(ValueError):
    """The model setting cannot be used; the message names the variable and the fix."""


def _strict(node: Any) -> Any:
    """Every property required and no `default` keyword (OpenAI strict mode), recursively.

    The issue-15 fields have defaults so drafts written before them still load; the model is
    still asked for every one of them.
    """
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items() if k != "default"}
        if isinstance(out.get("properties"), dict):
            out["required"] = list(out["properties"])
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def draft_schema() -> dict[str, Any]:
    """Return the JSON schema sent to the model (DraftPlan, strict-mode compatible)."""
    return _strict(DraftPlan.model_json_schema())


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
    return structured(llm, draft_schema(), run_name="planner.draft",
                      tags=["agent:orchestrator", "action:plan", "llm"])


def _system_prompt(defaults: Any) -> str:
    page, pixel = defaults_get(defaults, "page_id"), defaults_get(defaults, "pixel_id")
    return prompts.system_prompt(
        today=defaults_get(defaults, "today", date.today()).isoformat(),
        account_currency=defaults_get(defaults, "currency", "USD"),
        page_status=f"{page} (use it)" if page else "not set",
        pixel_status=f"{pixel} (use it)" if pixel else "not set",
        max_interests=MAX_INTERESTS,
        primary_text_max=rules.TEXT_GUIDANCE["primary_text"],
        headline_max=rules.TEXT_GUIDANCE["headline"],
        description_max=rules.TEXT_GUIDANCE["description"],
        cta_examples=", ".join(dict.fromkeys(rules.DEFAULT_CTA.values())),
        age_floor=rules.AGE_MIN_FLOOR, age_ceil=rules.AGE_MAX_CEIL,
        facebook_positions=", ".join(rules.FACEBOOK_POSITIONS),
        instagram_positions=", ".join(rules.INSTAGRAM_POSITIONS),
        languages=", ".join(LOCALES),
        who=WHO, spend=SPEND, goal=GOAL,
        features=", ".join(FEATURES),
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


def _readings(brief: str) -> list[str]:
    """Return the brief as written and as the planners' normaliser reads it (other languages in English)."""
    from agents.orchestrator.planning.normalise import normalise

    return [brief, normalise(brief).text]


def _one_per_field(questions: list[Question]) -> list[Question]:
    """Drop a missing-fact question whose field an earlier missing-fact question already asks."""
    seen: set[str] = set()
    out = []
    for q in questions:
        if q.kind == "missing":
            if q.field in seen:
                continue
            seen.add(q.field)
        out.append(q)
    return out


def _unsupported_asks(brief: str) -> list[Question]:
    """Asks adpilot cannot serve yet, recognised in the brief itself (not trusted to the model).

    The same recogniser the rules planner runs (`agents.orchestrator.planning.understand`), on the brief
    read through the same normaliser (Spanish, French, German, Portuguese words in English).
    """
    from agents.orchestrator.planning.normalise import normalise
    from agents.orchestrator.planning.understand import unsupported_asks

    return unsupported_asks(normalise(brief))[0]


@traced("planner.llm", tags=["agent:orchestrator", "action:plan"])
def plan_brief(brief: str, defaults: PlanDefaults | dict[str, Any] | None = None, *,
         model: BaseChatModel | str | None = None,
         search_interests: SearchInterests | None = None,
         search_places: SearchPlaces | None = None) -> PlannerResult:
    """Plan a campaign from `brief` with a chat model; see the module docstring."""
    if not brief or not brief.strip():
        raise ValueError("brief: it is empty; describe the product, goal, budget, audience and landing page")
    llm = model if isinstance(model, BaseChatModel) else chat_model(model)
    runnable = _structured(llm)
    messages: list[BaseMessage] = [SystemMessage(_system_prompt(defaults)),
                                   HumanMessage(prompts.PLANNER_BRIEF.format(brief=brief.strip()))]
    # --- the one call site of the unsupported-ask recogniser (runs on the brief, not the draft)
    recognised = _unsupported_asks(brief)
    problems: list[dict[str, str]] = []
    first_plan: dict[str, Any] | None = None
    fed_back: list[dict[str, str]] = []
    for attempt in range(MAX_REPAIRS + 1):
        out = runnable.invoke(messages, config={"metadata": {"attempt": attempt, "repairs_left": MAX_REPAIRS - attempt}})
        raw, parsed = out.get("raw"), out.get("parsed")
        draft, feedback = _parse(parsed, out.get("parsing_error"))
        if draft is None:
            problems = [{"path": "draft", "message": feedback,
                         "fix": "the model's output did not fit the schema; try again or use ADPILOT_MODEL=rules"}]
            messages += [AIMessage(_raw_text(raw) or "(empty reply)"), HumanMessage(feedback)]
            continue
        result, fixable, drafted = _assess(brief, draft, defaults, search_interests, search_places,
                                           recognised)
        first_plan = first_plan or drafted
        if not fixable or attempt == MAX_REPAIRS:
            # What the repair turns changed is shown: the model's fixes are never silent.
            result.adjustments += [a.to_dict() for a in repair_adjustments(first_plan, drafted, fed_back)]
            return result
        fed_back += fixable
        messages += [AIMessage(json.dumps(parsed)),
                     HumanMessage(prompts.PLANNER_REPAIR.format(problems=_bullets(fixable)))]
    # Every attempt failed the schema: nothing usable to show.
    return PlannerResult(plan=None, problems=problems, warnings=[], questions=[])


def _assess(brief: str, draft: DraftPlan, defaults: Any, search_interests: SearchInterests | None,
            search_places: SearchPlaces | None, recognised: list[Question]
            ) -> tuple[PlannerResult, list[dict[str, str]], dict[str, Any]]:
    """Convert and check one draft.

    Returns the result it gives, the problems the model may fix, and the plan as drafted
    (before interest ids are filled in) to compare across repair turns.
    """
    waived = waived_phrases(defaults)
    converted = draft_to_plan(
        draft, currency=str(defaults_get(defaults, "currency", "USD")),
        today=defaults_get(defaults, "today", date.today()),
        page_id=defaults_get(defaults, "page_id"), pixel_id=defaults_get(defaults, "pixel_id"),
        advertiser=defaults_get(defaults, "advertiser"),
        asset_dir=str(defaults_get(defaults, "asset_dir", ".")), search_places=search_places)
    plan_dict = converted.plan
    drafted = copy.deepcopy(plan_dict)
    missing = missing_questions(draft, plan_dict, defaults)
    interest_qs, unknown, warnings = resolve_interests(plan_dict, search_interests, waived)
    warnings += add_targets(plan_dict, brief)
    if "go_live" not in plan_dict and find_go_live(brief).value is False:
        plan_dict["go_live"] = False  # "keep it paused": the model's field says only "go live"
    flags = merge_questions(report_questions(draft), served_unsupported(recognised, plan_dict),
                            converted.flags, interest_qs)
    questions = _one_per_field(missing + [q for q in flags if not is_waived(q, waived)])
    # what the model dropped: a capability the brief names that the plan does not carry
    questions += [q for q in dropped_capabilities(_readings(brief), plan_dict, questions)
                  if not is_waived(q, waived)]
    checked, checked_warnings = check_plan(plan_dict, defaults)
    problems = converted.problems + checked + quoted_copy_problems(plan_dict, brief)
    fixable = repairable(problems, questions, converted.no_repair + asked_paths(draft))
    result = PlannerResult(
        plan=plan_dict, problems=problems, warnings=warnings + checked_warnings,
        questions=[q.to_dict() for q in questions],
        not_understood=[u.to_dict() for u in not_understood(draft, waived) + unknown],
        adjustments=[a.to_dict() for a in draft_adjustments(draft)])
    return result, fixable, drafted
