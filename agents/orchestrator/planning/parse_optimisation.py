"""What a brief asks the ad sets to optimise for: "optimise for add to cart", "bid for LPVs".

A named optimisation is a goal (Meta's `optimization_goal`) and, for website conversions, the
pixel event (`custom_event_type`). `find_optimisation` reads it; `settle` checks it against the
objective planned (docs/meta-api-facts.md §3.4, `state.rules.OBJECTIVE_GOALS`). A goal the objective cannot
use is asked, never swapped for a default; an optimisation the planner cannot name ("optimise
for happiness") is left to the not-understood net, which asks about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.orchestrator.planning import GOAL, Question
from agents.orchestrator.planning.names.derive import goal_words
from state import rules

# The cue, then what to optimise for.
CUE = re.compile(r"\b(?:optimi[sz](?:e|ed|ing|ation)(?:\s+(?:goal|event))?|opt\s+for|"
                 r"(?:conversion|pixel)\s+event|bid\s+(?:for|on))\s*(?:[:=-]\s*|(?:for|on|to|"
                 r"towards?|around|against|is|=)\s+)*(?:(?:the|more|les|la|le|los|las|el|die|der|"
                 r"das|os|as|o)\s+)?", re.I)
# (pattern, optimization_goal, pixel event or None)
EVENTS: tuple[tuple[str, str, str | None], ...] = (
    (r"adds?[- ]to[- ]carts?|atcs?|add[- ]to[- ]bag|basket\s+adds", "OFFSITE_CONVERSIONS",
     "ADD_TO_CART"),
    (r"(?:initiated?|started?|begin)[- ]checkouts?|checkouts?(?:\s+starts?)?|ics?",
     "OFFSITE_CONVERSIONS", "INITIATED_CHECKOUT"),
    (r"add(?:ing|s)?\s+payment(?:\s+info)?", "OFFSITE_CONVERSIONS", "ADD_PAYMENT_INFO"),
    (r"adds?[- ]to[- ]wish[- ]?lists?|wish[- ]?list\s+adds", "OFFSITE_CONVERSIONS",
     "ADD_TO_WISHLIST"),
    (r"(?:complete(?:d)?\s+)?registrations?|sign[- ]?ups?", "OFFSITE_CONVERSIONS",
     "COMPLETE_REGISTRATION"),
    (r"(?:content\s+views?|view\s+content|product\s+views?|page\s+views?)", "OFFSITE_CONVERSIONS",
     "CONTENT_VIEW"),
    (r"(?:free\s+)?trials?(?:\s+starts?)?|start\s+trials?", "OFFSITE_CONVERSIONS", "START_TRIAL"),
    (r"subscriptions?|subscribes?", "OFFSITE_CONVERSIONS", "SUBSCRIBE"),
    (r"searches|search", "OFFSITE_CONVERSIONS", "SEARCH"),
    (r"contacts?", "OFFSITE_CONVERSIONS", "CONTACT"),
    (r"(?:leads?|lead\s+events?)", "OFFSITE_CONVERSIONS", "LEAD"),
    # "purchase value" before "purchase": the longer reading wins
    (r"(?:purchase\s+|conversion\s+|highest\s+|max(?:imum)?\s+)?(?:value|valeur|valor|wert)|roas|revenue",
     "VALUE",
     "PURCHASE"),
    (r"purchases?|sales|orders|conversions|buys", "OFFSITE_CONVERSIONS", "PURCHASE"),
    (r"landing[- ]page[- ]views?|lpvs?", "LANDING_PAGE_VIEWS", None),
    (r"(?:link\s+)?clicks|traffic", "LINK_CLICKS", None),
    (r"reach|unique\s+reach", "REACH", None),
    (r"impressions", "IMPRESSIONS", None),
    (r"thru[- ]?plays?|video\s+views?|views", "THRUPLAY", None),
    (r"(?:post\s+)?engagement", "POST_ENGAGEMENT", None),
    (r"page\s+likes|likes|follows", "PAGE_LIKES", None),
    (r"(?:app\s+)?installs", "APP_INSTALLS", None),
    (r"conversations|messages", "CONVERSATIONS", None),
    (r"ad\s+recall(?:\s+lift)?", "AD_RECALL_LIFT", None),
)
# The goal an optimisation implies when the brief names no other.
OBJECTIVE_OF_GOAL: dict[tuple[str, str | None], str] = {
    **{("OFFSITE_CONVERSIONS", e): "OUTCOME_SALES" for e in (
        "ADD_TO_CART", "INITIATED_CHECKOUT", "ADD_PAYMENT_INFO", "ADD_TO_WISHLIST", "PURCHASE",
        "CONTENT_VIEW", "SEARCH")},
    **{("OFFSITE_CONVERSIONS", e): "OUTCOME_LEADS" for e in (
        "LEAD", "COMPLETE_REGISTRATION", "CONTACT", "START_TRIAL", "SUBSCRIBE")},
    ("VALUE", "PURCHASE"): "OUTCOME_SALES",
    ("LANDING_PAGE_VIEWS", None): "OUTCOME_TRAFFIC", ("LINK_CLICKS", None): "OUTCOME_TRAFFIC",
    ("REACH", None): "OUTCOME_AWARENESS", ("IMPRESSIONS", None): "OUTCOME_AWARENESS",
    ("AD_RECALL_LIFT", None): "OUTCOME_AWARENESS",
    ("THRUPLAY", None): "OUTCOME_ENGAGEMENT", ("POST_ENGAGEMENT", None): "OUTCOME_ENGAGEMENT",
    ("PAGE_LIKES", None): "OUTCOME_ENGAGEMENT", ("CONVERSATIONS", None): "OUTCOME_ENGAGEMENT",
    ("APP_INSTALLS", None): "OUTCOME_APP_PROMOTION",
}
# The LLM draft's names (agents.orchestrator.planning.llm.draft.OptimiseFor) -> (goal, pixel event).
DRAFT_NAMES: dict[str, tuple[str, str | None]] = {
    "purchase": ("OFFSITE_CONVERSIONS", "PURCHASE"), "value": ("VALUE", "PURCHASE"),
    **{n: ("OFFSITE_CONVERSIONS", n.upper()) for n in (
        "add_to_cart", "initiated_checkout", "add_payment_info", "add_to_wishlist",
        "complete_registration", "content_view", "start_trial", "subscribe", "search", "contact",
        "lead")},
    **{n: (n.upper(), None) for n in (
        "landing_page_views", "link_clicks", "reach", "impressions", "thruplay",
        "post_engagement", "page_likes", "app_installs", "conversations", "ad_recall_lift")},
}
EVENT_RE = [(re.compile(rf"(?:{pat})\b", re.I), goal, event) for pat, goal, event in EVENTS]


@dataclass
class Optimisation:
    """The optimisation a brief names: goal, pixel event (or None), the phrase and its span."""

    goal: str
    event: str | None
    phrase: str
    span: tuple[int, int]


def find_optimisation(text: str) -> list[Optimisation]:
    """Return each optimisation the brief names, in order."""
    out = []
    for cue in CUE.finditer(text):
        start, at = cue.start(), cue.end()
        while hit := _event(text, at):
            m, goal, event = hit
            out.append(Optimisation(goal, event, text[start:m.end()], (start, m.end())))
            # "optimise for add to cart, not purchases": the rejected one is read, not used
            if (no := NOT_GAP.match(text, m.end())) and (other := _event(text, no.end())):
                out[-1].span = (start, other[0].end())
                out[-1].phrase = text[start:other[0].end()]
                break
            # "optimise for ATC and purchases": each one named is an optimisation
            more = LIST_GAP.match(text, m.end())
            if more is None:
                break
            start = at = more.end()
    return out


NOT_GAP = re.compile(r"\s*,?\s*(?:not|rather\s+than|instead\s+of|over)\s+(?:for\s+)?(?:the\s+)?"
                     r"(?:(?:#|number|no\.|count|amount)\s*(?:of\s+)?)?", re.I)
LIST_GAP = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bor\b|\bthen\b)\s*(?:(?:also|maybe|then)\s+)?",
                      re.I)


def _event(text: str, at: int) -> tuple[re.Match[str], str, str | None] | None:
    for pat, goal, event in EVENT_RE:
        if m := pat.match(text, at):
            return m, goal, event
    return None


def settle(found: list[Optimisation], objective: str, setup: dict[str, str | None]
           ) -> tuple[dict[str, str | None], list[Question]]:
    """Apply the brief's optimisation to `setup`, or ask when the objective cannot use it.

    Two different optimisations are asked about (the later one is not guessed to win).
    """
    if not found:
        return setup, []
    wanted = {(o.goal, o.event) for o in found}
    last = found[-1]
    if len(wanted) > 1:
        said = " and ".join(f"'{o.phrase}'" for o in found)
        return setup, [Question(
            "ad_sets[0].optimization_goal", f"The brief says {said}. Which one should the ad "
            "sets optimise for?", "conflict", last.phrase, GOAL)]
    destination = setup.get("destination_type")
    allowed = rules.allowed_goals(objective, destination)
    if last.goal not in allowed:
        nice = goal_words(objective).lower()
        goals = ", ".join(g.lower().replace("_", " ") for g in allowed) or "none"
        return setup, [Question(
            "ad_sets[0].optimization_goal", f"'{last.phrase}': a {nice} campaign cannot "
            f"optimise for {last.goal.lower().replace('_', ' ')} (Meta allows: {goals}). "
            "Change the goal of the campaign, or what it optimises for?", "conflict",
            last.phrase, GOAL)]
    new = dict(setup)
    new["optimization_goal"] = last.goal
    new["custom_event_type"] = last.event if last.goal in rules.PIXEL_GOALS else None
    return new, []
