"""The launch card's A/B test: what is tested, the arms, how the budget splits, the metric, the end.

The planner records a test in `plan["experiment"]` (`{"kind": "audience" | "creative",
"variants": [{"label", "ad_set" | "ad"}], "metric", "kpi", "stopping_rule"}`) and labels the
variant ad sets or ads with `variant`; the optimise loop judges the test by the same record
(`agents/optimize/experiments.py`) and never moves budget between arms nor pauses one before
the stopping rule decides. Whoever approves the launch approves the test too, so the card says
all of it in words: which arms differ in what, and when and how a winner is called.
"""

from __future__ import annotations

from typing import Any

from agents.orchestrator.card_audiences import genders_text
from state.plan import CampaignPlan, budget_for_ad_set, uses_cbo
from state.rules import format_money
from state.stopping_rule import stopping_rule

HIGHER_WINS = ("ctr", "roas")  # every other metric is a cost: the lower one wins


def experiment_lines(plan: dict[str, Any], model: CampaignPlan) -> list[str]:
    """Return the card's "A/B test" section (none when the plan runs no test)."""
    exp = plan.get("experiment")
    if not isinstance(exp, dict):
        return []
    kind = str(exp.get("kind") or "?")
    arms = _arms(plan, kind)
    tested = {"audience": "which audience does better (each arm is an ad set)",
              "creative": "which ad does better (each arm is an ad)"}.get(kind, f"{kind} variants")
    differs = _differences(arms, kind)
    lines = [f"### A/B test: {tested}", ""]
    if differs:
        lines.append(f"- **Tested:** {', '.join(differs)} — everything else is the same")
    shown = [f"{label} “{arm.get('name', '?')}”" + (f" ({_said(arm, differs, kind)})" if differs
                                                     else "")
             for label, arm in arms]
    lines.append("- **Arms:** " + (" · ".join(shown) if shown else "none labelled in the plan"))
    lines.append(f"- **Split:** {_split(plan, model, kind, arms)}")
    lines.append(f"- **Decided by:** {_metric(exp)}; {_rule(exp.get('stopping_rule'))}")
    return [*lines, ""]


def _arms(plan: dict[str, Any], kind: str) -> list[tuple[str, dict[str, Any]]]:
    """(label, ad set or ad) of each arm, in plan order."""
    sets = [s for s in plan.get("ad_sets") or [] if isinstance(s, dict)]
    if kind == "audience":
        return [(str(s["variant"]), s) for s in sets if s.get("variant")]
    return [(str(a["variant"]), a) for s in sets for a in s.get("ads") or []
            if isinstance(a, dict) and a.get("variant")]


def _audience_words(ad_set: dict[str, Any]) -> dict[str, str]:
    t = ad_set.get("targeting") or {}
    geo = t.get("geo_locations") or {}
    places = [*(geo.get("countries") or []),
              *[c.get("name", "?") for c in geo.get("cities") or []],
              *[r.get("name", "?") for r in geo.get("regions") or []]]
    interests = [i.get("name") or str(i.get("id")) for spec in t.get("flexible_spec") or []
                 for i in spec.get("interests") or []]
    return {"ages": f"ages {t.get('age_min', 18)}–{t.get('age_max', 65)}",
            "people": genders_text(t),
            "places": ", ".join(places) or "no location",
            "interests": "interests: " + (", ".join(interests) or "none"),
            "languages": "languages: " + (", ".join(str(k) for k in t.get("locales") or [])
                                          or "any"),
            "audiences": "audiences: " + (", ".join(
                str(a.get("key") or a.get("id") or a.get("name")) for a in
                t.get("custom_audiences") or []) or "none")}


def _creative_words(ad: dict[str, Any]) -> dict[str, str]:
    c = ad.get("creative") or {}
    media = [str(a.get("name") or a.get("path") or a.get("url") or "?").rsplit("/", 1)[-1]
             for a in c.get("assets") or [] if isinstance(a, dict)]
    return {"headline": f"headline “{c.get('headline') or ''}”",
            "primary text": f"text “{c.get('primary_text') or ''}”",
            "description": f"description “{c.get('description') or ''}”",
            "call to action": f"CTA {c.get('call_to_action') or '—'}",
            "format": f"{c.get('format') or 'image'}",
            "image or video": ", ".join(media) or "no media"}


def _words(arm: dict[str, Any], kind: str) -> dict[str, str]:
    return _audience_words(arm) if kind == "audience" else _creative_words(arm)


def _differences(arms: list[tuple[str, dict[str, Any]]], kind: str) -> list[str]:
    """Return the aspects in which the arms differ ("ages", "headline"), in a fixed order."""
    said = [_words(arm, kind) for _label, arm in arms]
    return [k for k in (said[0] if said else {}) if len({s[k] for s in said}) > 1]


def _said(arm: dict[str, Any], differs: list[str], kind: str) -> str:
    words = _words(arm, kind)
    return "; ".join(words[k] for k in differs)


def _split(plan: dict[str, Any], model: CampaignPlan, kind: str,
           arms: list[tuple[str, dict[str, Any]]]) -> str:
    """How the budget divides between the arms, in the plan's money."""
    currency = str(plan.get("currency") or "USD")
    hands_off = "adpilot moves no budget between the arms and pauses none until the test ends"
    if kind != "audience":
        return ("the arms run side by side in one ad set and share its budget (Meta's delivery "
                f"decides how much each gets); {hands_off}")
    if uses_cbo(model):
        return f"the arms share the campaign budget (Meta's delivery decides); {hands_off}"
    index = {id(s): i for i, s in enumerate(plan.get("ad_sets") or [])}
    budgets = [budget_for_ad_set(model, index[id(arm)]) for _label, arm in arms]
    amounts = [f"{format_money(b.amount_minor, currency)} {b.kind}" if b else "—" for b in budgets]
    if len(set(amounts)) == 1:
        return f"even: each arm's ad set gets {amounts[0]}; {hands_off}"
    return ("uneven: " + ", ".join(f"{label} {amount}" for (label, _), amount
                                   in zip(arms, amounts, strict=True)) + f"; {hands_off}")


def _metric(exp: dict[str, Any]) -> str:
    metric = str(exp.get("metric") or "cost per result")
    words = metric.replace("_", " ").replace("cpm", "cost per 1,000 impressions (CPM)") \
        .replace("ctr", "click-through rate (CTR)").replace("roas", "return on ad spend (ROAS)")
    return f"{words} ({'higher' if metric.lower() in HIGHER_WINS else 'lower'} wins)"


def _rule(raw: Any) -> str:
    """Say the stopping rule: when a winner is called, and when the test ends without one."""
    if isinstance(raw, str) and raw.strip():
        return f"stops as the brief said: {raw.strip()}"
    # Read the way the optimise loop will apply it (aliases and defaults included).
    try:
        rule = stopping_rule(raw if isinstance(raw, dict) else None)
    except ValueError as exc:  # the loop could not apply it either: say so, do not guess
        return f"the stopping rule cannot be applied: {exc}"
    least = int(float(rule["min_days"]))
    most = int(float(rule["max_days"]))
    events = int(float(rule.get("min_conversions") or 0))
    return (f"an arm wins once it is at least {float(rule['probability']):.0%} likely to be best, "
            f"after at least {least} day{'s' if least != 1 else ''}"
            + (f" and {events} results per arm" if events else "")
            + f"; after {most} days with no such arm the test is inconclusive (the arms keep "
            "running and you decide)")
