"""What the LLM planner reports beside its plan, and the checks it does not leave to the model.

- `report_questions`: the draft's `not_understood` (those that could change who sees the ads,
  what is spent or what is optimised), `unsupported`, `ambiguous`, `conflicts` and `invalid`
  lists as `Question`s naming the phrase — unless a person waived the phrase
  (`PlanDefaults.waived`, for the kinds in `WAIVABLE`);
- `not_understood` / `draft_adjustments`: the draft's lists as `PlannerResult` entries;
- `quoted_copy_problems`: copy the brief gives in quotes ("headline: 'Run further'") that no ad
  uses verbatim — the same patterns the rules planner reads copy with;
- `repair_adjustments`: every plan value a repair turn changed, so a fix the model made on its
  own is shown, never silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from agents.orchestrator.planning import (
    GOAL,
    SPEND,
    WAIVABLE,
    WHO,
    Adjustment,
    NotUnderstood,
    Question,
)
from agents.orchestrator.planning.llm.draft import DraftPlan
from agents.orchestrator.planning.llm.draft_plan import NO_REPAIR
from agents.orchestrator.planning.parse_copy import find_copy

# Unsupported feature -> (plan field, what it changes, how the question names it).
FEATURES: dict[str, tuple[str, str | None, str]] = {
    "custom_audience": ("targeting", WHO, "a custom audience (site visitors, customer lists)"),
    "lookalike": ("targeting", WHO, "a lookalike audience"),
    "exclusion_audience": ("targeting", WHO, "excluding an audience (e.g. existing customers)"),
    "cost_cap": ("bid_strategy", SPEND, "a cost cap"),
    "bid_cap": ("bid_strategy", SPEND, "a bid cap"),
    "min_roas": ("bid_strategy", SPEND, "minimum-ROAS bidding"),
    "lead_form": ("destination_type", GOAL, "an instant lead form"),
    "messaging": ("destination_type", GOAL, "a messaging destination (WhatsApp, Messenger)"),
    "budget_schedule": ("budget", SPEND, "a budget schedule (dayparting, budget changes by date)"),
    "other": ("brief", None, "a feature"),
}
# Features the draft has fields for (issue 15); reported only when the fields cannot express the ask.
HAS_FIELDS = frozenset({"custom_audience", "lookalike", "exclusion_audience", "cost_cap", "bid_cap",
                        "min_roas", "lead_form", "messaging"})
AFFECTS_FIELD = {WHO: "targeting", SPEND: "budget", GOAL: "objective"}
# What a conflict is about -> the problem paths the person's answer settles.
CONFLICT_PATHS = {"budget": ("budget",), "schedule": ("start_time", "end_time"),
                  "ages": ("targeting.age_",), "genders": ("genders",),
                  "places": ("geo_locations",), "languages": ("locales",),
                  "placements": ("platforms", "_positions")}


def waived_phrases(defaults: Any) -> set[str]:
    """Return the phrases a person chose to launch without, normalised for matching."""
    raw = defaults.get("waived") if isinstance(defaults, dict) else getattr(defaults, "waived", ())
    return {str(w).strip().lower() for w in raw or ()}


def is_waived(q: Question, waived: set[str]) -> bool:
    """Tell whether `q` is a waivable question whose phrase the person waived."""
    return q.kind in WAIVABLE and q.phrase.strip().lower() in waived


def _quote(phrases: Iterable[str]) -> str:
    return " and ".join(f"'{p}'" for p in phrases)


def report_questions(draft: DraftPlan) -> list[Question]:
    """Return the draft's own flags as questions (the caller applies waivers)."""
    qs: list[Question] = []
    for u in draft.not_understood:
        if u.affects:
            qs.append(Question(AFFECTS_FIELD[u.affects], f"What do you mean by '{u.phrase}'? It "
                               f"could change {u.affects} and adpilot did not read it. Rephrase "
                               "it, or waive it to launch without it.", kind="not_understood",
                               phrase=u.phrase, affects=u.affects))
    for x in draft.unsupported:
        fld, affects, label = FEATURES[x.feature]
        if x.feature in HAS_FIELDS:  # served since issue 15: the draft could not express this ask
            text = (f"'{x.phrase}' needs {label}, but the draft could not express it in the "
                    "plan's fields. Say exactly what it should be, or waive it to launch "
                    "without it.")
        else:
            text = (f"'{x.phrase}' needs {label}, which adpilot cannot set up yet. Launch "
                    "without it (waive it), or set it up in Ads Manager?")
        qs.append(Question(fld, text, kind="unsupported", phrase=x.phrase, affects=affects))
    for a in draft.ambiguous:
        qs.append(Question("brief", f"'{a.phrase}' could mean: {'; '.join(a.options)}. Which "
                           "one?", kind="ambiguous", phrase=a.phrase))
    for c in draft.conflicts:
        qs.append(Question(c.about, f"The brief says {_quote(c.phrases)} about the {c.about}. "
                           "Which one is right?", kind="conflict", phrase=" / ".join(c.phrases)))
    for v in draft.invalid:
        qs.append(Question(v.field, f"'{v.phrase}': {v.why.rstrip('.')}. What should the "
                           f"{v.field.replace('_', ' ')} be?", kind="invalid", phrase=v.phrase))
    return qs


def _repeats(q: Question, o: Question) -> bool:
    if q.kind != o.kind:
        return False
    a, b = sorted((q.phrase.strip().lower(), o.phrase.strip().lower()), key=len)
    if a and re.search(rf"(?<!\w){re.escape(a)}(?!\w)", b):
        return True
    return q.kind == "invalid" and q.field == o.field


def asked_paths(draft: DraftPlan) -> list[str]:
    """Return the problem paths the draft's invalid values and conflicts ask the person about.

    Their problems are not sent back to the model: "repairing" them would pick an answer for
    the person, silently.
    """
    return [p for v in draft.invalid for p in NO_REPAIR.get(v.field, ())] + \
        [p for c in draft.conflicts for p in CONFLICT_PATHS.get(c.about, ())]


def merge_questions(*groups: Iterable[Question]) -> list[Question]:
    """Join question lists, dropping one that repeats an earlier one.

    A repeat has the same kind and a phrase that holds the other's as whole words (the model
    and the unsupported-ask recogniser naming one "cost cap"), or is an invalid-value question
    about the same field (the model and a deterministic check naming one negative budget).
    """
    out: list[Question] = []
    for q in (q for group in groups for q in group):
        if not any(_repeats(q, o) for o in out):
            out.append(q)
    return out


def not_understood(draft: DraftPlan, waived: set[str]) -> list[NotUnderstood]:
    """Return the draft's not-understood phrases, marked when waived."""
    return [NotUnderstood(u.phrase, u.affects, u.phrase.strip().lower() in waived)
            for u in draft.not_understood]


def draft_adjustments(draft: DraftPlan) -> list[Adjustment]:
    """Return the values the model says it set differently from the brief."""
    return [Adjustment(a.path, a.from_, a.to, a.why) for a in draft.adjustments]


def _quoted(brief: str, text: str) -> bool:
    # A real quotation, not the span between two apostrophes ("our shop's 'best' deals").
    return bool(re.search(rf"(?<!\w)[\"“‘']\s*{re.escape(text)}\s*[\"”’'](?!\w)", brief))


def quoted_copy_problems(plan: dict[str, Any], brief: str) -> list[dict[str, str]]:
    """Copy quoted in the brief that no ad uses verbatim (one ad per quoted headline)."""
    # The rules planner's reader of quoted copy: both planners agree on what the brief quoted.
    found = find_copy(brief)
    quoted = {"headline": found.headlines, "primary_text": found.primary,
              "description": found.descriptions}
    ads = [ad.get("creative", {}) for s in plan.get("ad_sets", []) for ad in s.get("ads", [])]
    # dynamic creative: the asset feed's headlines / texts / descriptions are used too
    feeds = [c.get("asset_feed_spec") or {} for c in ads]
    feed_keys = {"headline": "titles", "primary_text": "bodies", "description": "descriptions"}
    problems = []
    for key, texts in quoted.items():
        used = {str(c.get(key) or "").strip() for c in ads} | {
            str(t.get("text") or "").strip() for f in feeds for t in f.get(feed_keys[key]) or []}
        label = key.replace("_", " ")
        for text in dict.fromkeys(t.strip() for t in texts):
            if text and text not in used and _quoted(brief, text):
                problems.append({"path": f"ad_sets[*].ads[*].creative.{key}",
                                 "message": f"the brief gives the {label} \"{text}\" in quotes; "
                                            "no ad uses it verbatim",
                                 "fix": f"use \"{text}\" exactly as written as the {label}"
                                        + (" (one ad per quoted headline)" if key == "headline" else ""),
                                 "rule": "verbatim_copy"})
    return problems


def _diff(a: Any, b: Any, path: str) -> list[tuple[str, Any, Any]]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in dict.fromkeys([*a, *b])
                for d in _diff(a.get(k), b.get(k), f"{path}.{k}" if path else k)]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [(path, a, b)]


def repair_adjustments(first: dict[str, Any], final: dict[str, Any],
                       fed_back: list[dict[str, str]]) -> list[Adjustment]:
    """Return what the repair turns changed between the first converted plan and the last."""
    out = []
    for path, before, after in _diff(first, final, ""):
        why = [p.get("message", "") for p in fed_back
               if p.get("path") and (path.startswith(p["path"]) or p["path"].startswith(path))]
        out.append(Adjustment(path, before, after, "changed by the model when asked to fix: "
                              + "; ".join(dict.fromkeys(why)) if why else
                              "changed by the model while fixing the draft's problems"))
    return out
