"""The LLM request router: a chat model with structured output drafts the asks, code does the rest.

The model fills `draft.RouterDraft` (routes, params, and names as written). Every name goes
through the same deterministic resolver as the rules router (`resolve.resolve_name`): the
model never supplies an id the request does not contain, and a name it reports that the
catalog does not have is a `clarify`. Every ask then passes the same catalog checks
(`checks.check_ask`). A reply that does not fit the schema gets one repair turn; if it still
does not fit, or the model fails, the intent is `clarify` naming the problem — never a write.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import ValidationError

from agents.common.structured import structured
from agents.orchestrator.routing.checks import check_ask, clarify, name_problem
from agents.orchestrator.routing.draft import DraftAsk, RouterDraft, to_ask
from agents.orchestrator.routing.lexicon import BREAKDOWNS, METRICS
from agents.orchestrator.routing.resolve import ID, Obj, index, resolve_name
from prompts import router as prompts
from state.intent import Ask, Intent
from state.later_asks import later_note

MAX_NAMES = 400


def _names(objs: list[Obj], account: str | None) -> str:
    shown = [o for o in objs if account is None or o.account == account][:MAX_NAMES]
    return "\n".join(f"- {o.type}: {o.name}" for o in shown)


def draft_schema() -> dict[str, Any]:
    """Return the JSON schema sent to the model (`RouterDraft`, strict-mode compatible)."""
    return RouterDraft.model_json_schema()


def _structured(model: Any) -> Any:
    return structured(model, draft_schema(), run_name="router.draft",
                      tags=["agent:orchestrator", "action:route", "llm"])


def _draft(model: Any, messages: list[Any]) -> tuple[RouterDraft | None, str]:
    """Call the model once; return the draft or the problem in words."""
    try:
        out = _structured(model).invoke(messages)
    except Exception as exc:  # the model or its provider failed: say so, never guess
        return None, f"the model call failed ({type(exc).__name__}: {exc})"
    parsed, error = (out.get("parsed"), out.get("parsing_error")) if isinstance(out, dict) \
        and "raw" in out else (out, None)
    if error is not None or not isinstance(parsed, dict | RouterDraft):
        return None, f"the reply was not the router schema ({error or 'no structured output'})"
    try:
        draft = parsed if isinstance(parsed, RouterDraft) else RouterDraft.model_validate(parsed)
    except ValidationError as exc:
        return None, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
    if not draft.asks:
        return None, "the reply had no asks"
    return draft, ""


def _resolve(d: DraftAsk, request: str, objs: list[Obj], account: str | None
             ) -> tuple[list[Obj], list[dict[str, Any]], dict[str, Any] | None]:
    """Resolve the ask's references; return (objects, refs, the clarification they need)."""
    targets: list[Obj] = []
    refs: list[dict[str, Any]] = []
    for e in d.entities:
        if ID.fullmatch(e.ref.strip()) and e.ref.strip() not in request:
            return [], [], clarify(f"The model named id {e.ref}, which the request does not "
                                   "contain; which object is meant?")
        m = resolve_name(e.ref, objs, account=account, type=e.type, within=e.within,
                         every=e.all_matches)
        if problem := name_problem(m, objs, account):
            return [], [], problem
        targets += m.candidates
        refs += m.refs()
    return targets, refs, None


def read_llm(request: str, catalog: list[dict[str, Any]], *, account: str | None, today: date,
             model: Any) -> Intent:
    """Route `request` with `model` (see the module docstring)."""
    objs = index(catalog)
    currency = next((o.currency for o in objs if o.account == account), None) or \
        (objs[0].currency if objs else "USD")
    system = prompts.ROUTER_SYSTEM.format(
        today=today.isoformat(), currency=currency,
        metrics=", ".join(m for m, _ in METRICS), breakdowns=", ".join(b for b, _ in BREAKDOWNS))
    messages: list[Any] = [SystemMessage(system), HumanMessage(prompts.ROUTER_REQUEST.format(
        names=_names(objs, account), request=request))]
    draft, problem = _draft(model, messages)
    if draft is None:
        messages.append(HumanMessage(prompts.ROUTER_REPAIR.format(error=problem)))
        draft, problem = _draft(model, messages)
    if draft is None:
        ask = clarify(f"The model's reading could not be used ({problem}); please rephrase, or "
                      "use the offline router (ADPILOT_MODEL=rules).")
        return Intent(request=request, account=account, source="llm", route="clarify",
                      entities=[], params=ask["params"], notes=[f"LLM router: {problem}"])
    asks: list[dict[str, Any]] = []
    for d in draft.asks:
        targets, refs, needs = _resolve(d, request, objs, account)
        if needs is not None:
            asks.append(needs)
            continue
        ask = {**to_ask(d, currency), "entities": refs}
        if ask["route"] == "new_campaign":
            ask["entities"] = []
        money = [d.currency.upper()] if d.currency and ask["route"] != "new_campaign" else []
        try:
            ask = check_ask(ask, targets, objs, account=account, today=today,
                            money_currencies=money)
            Intent.model_validate({"route": ask["route"], "params": ask["params"]})
        except (ValueError, StopIteration) as exc:
            ask = clarify(f"The model's {d.route} ask is incomplete ({exc}); what exactly should "
                          "be done?", entities=refs)
        asks.append(ask)
    first, also = asks[0], asks[1:]
    later = [Ask.model_validate(a) for a in also]
    notes = [later_note(a) for a in later]
    if re.search(r"\S", first["params"].get("why", "") or "") and first["route"] == "clarify":
        notes.append(f"Asked: {first['params']['why']}")
    return Intent(request=request, account=account, source="llm", route=first["route"],
                  entities=first["entities"], params=first["params"], also=later, notes=notes)


__all__ = ["read_llm"]
