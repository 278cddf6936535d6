"""The LLM planner's deterministic checks of a converted draft (`agents/orchestrator/planning/llm/__init__.py`).

- `missing_questions`: the facts the model says the brief leaves out, plus what the account
  lacks (a page; a pixel for sales; the advertiser for ads shown in the EU);
- `resolve_interests`: interest names to Meta ids through the targeting search — a name it
  does not know is asked about (kind "not_understood", who sees the ads), never dropped;
- `check_plan`: `state.plan_checks.validate_plan` on the account's "today";
- `repairable`: the problems the model may be asked to fix — not those about facts it must
  ask for, nor values the brief states (fixing those would change the plan silently);
- `add_targets`: target CPA / ROAS read with the rules parser (the draft has no field).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from agents.orchestrator.planning import WHO, NotUnderstood, Question
from agents.orchestrator.planning.llm.capability_plan import CAPABILITY_QUESTIONS
from agents.orchestrator.planning.llm.draft import DraftPlan
from agents.orchestrator.planning.llm.draft_plan import targeted_countries
from agents.orchestrator.planning.llm.draft_report import is_waived
from state import rules
from state.plan import PlanError, load_plan
from state.plan_checks import AccountInfo, validate_plan

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
    # issue 15: what a capability needs (the field names CAPABILITIES.md's labels use)
    **{m: (fld, CAPABILITY_QUESTIONS[fld]) for m, fld in (
        ("audience_source", "audiences"), ("customer_list_file", "customer_list"),
        ("bid_amount", "bid_amount"), ("min_roas", "bid_constraints"),
        ("privacy_policy", "lead_form.privacy_policy"), ("messaging_app", "destination_type"),
        ("advantage_audience", "advantage_audience"), ("language_variant", "languages"))},
}


def defaults_get(defaults: Any, name: str, fallback: Any = None) -> Any:
    """Read `name` from PlanDefaults or a dict of defaults (None -> `fallback`)."""
    if defaults is None:
        return fallback
    value = defaults.get(name) if isinstance(defaults, dict) else getattr(defaults, name, None)
    return fallback if value is None else value


def missing_questions(draft: DraftPlan, plan: dict[str, Any], defaults: Any) -> list[Question]:
    """Return the facts the brief does not give: the model's `missing`, and what the account lacks."""
    missing = list(dict.fromkeys(draft.missing))
    eu = bool(targeted_countries(plan) & rules.DSA_COUNTRIES)
    if eu and not (draft.advertiser or defaults_get(defaults, "advertiser")) and "advertiser" not in missing:
        missing.append("advertiser")
    needs_pixel = draft.objective == "OUTCOME_SALES" and not defaults_get(defaults, "pixel_id")
    if needs_pixel and "pixel" not in missing:
        missing.append("pixel")
    if not defaults_get(defaults, "page_id") and "page" not in missing:
        missing.append("page")
    return [Question(*QUESTIONS[m]) for m in missing]


def resolve_interests(plan: dict[str, Any], search: SearchInterests | None, waived: set[str]
             ) -> tuple[list[Question], list[NotUnderstood], list[dict[str, str]]]:
    """Give named interests Meta ids.

    A name the search does not know changes who sees the ads: it is left out of the plan and
    asked about (kind "not_understood"), or only shown when the person waived it.
    """
    if search is None:
        return [], [], []
    questions: list[Question] = []
    unknown: list[NotUnderstood] = []
    warnings: list[dict[str, str]] = []
    for i, ad_set in enumerate(plan.get("ad_sets", [])):
        targeting = ad_set.get("targeting", {})
        # interests to reach, and interests to leave out ("but not hunters")
        left_out = targeting.get("exclusions") if isinstance(targeting.get("exclusions"), dict) \
            else None
        for spec in [*targeting.get("flexible_spec", []), *([left_out] if left_out else [])]:
            kept = []
            for interest in spec.get("interests", []):
                name = interest["name"]
                hits = list(search(name))
                if hits:
                    kept.append({"id": str(hits[0]["id"]), "name": hits[0]["name"]})
                    continue
                q = Question(f"ad_sets[{i}].targeting.flexible_spec", f"No Meta interest matches "
                             f"'{name}', so it is not in the plan. Name an interest Meta lists, "
                             "or waive it to launch without it.", kind="not_understood",
                             phrase=name, affects=WHO)
                waive = is_waived(q, waived)
                if not any(u.phrase == name for u in unknown):
                    unknown.append(NotUnderstood(name, WHO, waive))
                if waive:
                    warnings.append({"path": q.field, "message": f"no Meta interest matches "
                                     f"{name!r}; left out (waived)", "fix": "name a broader interest"})
                else:
                    questions.append(q)
            if kept:
                spec["interests"] = kept
            else:
                spec.pop("interests", None)
        # a group keeps its other detailed targeting (behaviours, life events, ...)
        if left_out is not None and not any(left_out.values()):
            targeting.pop("exclusions", None)
        specs = [s for s in targeting.get("flexible_spec", []) if any(s.values())]
        if specs:
            targeting["flexible_spec"] = specs
        else:
            targeting.pop("flexible_spec", None)
    return questions, unknown, warnings


def check_plan(plan: dict[str, Any], defaults: Any) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return validate_plan's problems and warnings for `plan` (or why it does not load)."""
    try:
        model = load_plan(plan)
    except PlanError as exc:
        return [p.to_dict() for p in exc.problems], []
    today = defaults_get(defaults, "today", date.today())
    account = AccountInfo(currency=defaults_get(defaults, "currency", model.currency),
                          account_id=defaults_get(defaults, "account_id"),
                          page_id=defaults_get(defaults, "page_id"),
                          pixel_id=defaults_get(defaults, "pixel_id"),
                          now=datetime.combine(today, time(0), tzinfo=UTC))
    report = validate_plan(model, account)
    return [p.to_dict() for p in report.problems], [w.to_dict() for w in report.warnings]


# A missing fact's question field -> the problem paths its answer settles.
ASKED_PATHS = {"budget": ("budget",), "landing_url": ("landing_url", ".link"),
               "countries": ("geo_locations",), "pixel_id": ("promoted_object", "pixel_id"),
               "page_id": ("promoted_object",), "assets": ("assets", "cards"),
               "dsa_payor": ("dsa_payor", "dsa_beneficiary")}


def repairable(problems: list[dict[str, str]], questions: list[Question],
                no_repair: list[str]) -> list[dict[str, str]]:
    """Return the problems the model may fix.

    Not those about facts it was told to ask for, nor those an invalid-value question
    answers: "repairing" a value the brief states would change it silently.
    """
    skip = tuple(p for q in questions if q.kind == "missing"
                 for p in ASKED_PATHS.get(q.field, (q.field,))) + tuple(no_repair)
    return [p for p in problems if not any(s in p.get("path", "") for s in skip)]


def add_targets(plan: dict[str, Any], brief: str) -> list[dict[str, str]]:
    """Add target CPA / ROAS from the brief with the rules parser (the draft schema has none)."""
    from agents.orchestrator.planning.money.targets import find_targets
    from agents.orchestrator.planning.rules import plan_targets

    currency = str(plan.get("currency") or "USD")
    targets, warnings = plan_targets(find_targets(brief, currency), currency)
    if targets:
        plan["targets"] = targets
    return warnings
