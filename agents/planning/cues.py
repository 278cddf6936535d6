"""Words that tell a later statement replaces an earlier one ("actually", "no wait", "scratch that").

Shared by the money and schedule parsers: with such a cue the later value wins and the card says
so; without one, two different values are a conflict the planner asks about. Also the money
cues around an amount: an alternative ("or maybe $100"), a rejected value ("instead of $50"),
a period left open ("… or weekly?").
"""

from __future__ import annotations

import re

CORRECTION_CUE = (
    r"\bactually\b|\bno\s*,?\s*wait\b|\bwait\b|\bscratch\s+that\b|\bsorry\b|\bcorrection\b|"
    r"\bi\s+mean[t]?\b|\bmake\s+(?:it|that)\b|\bnvm\b|\bnever\s*mind\b|\boops\b|\bedit\s*:|"
    r"\b(?:budget|start|end|date)(?:'s|\s+is)\s+now\b|\bupdate[d]?\s*:|\brather\b|\binstead\b|"
    r"\bon\s+second\s+thought\b|\blet'?s\s+(?:do|say|go\s+with|make\s+it)\b|\bgo\s+with\b|"
    r"\bnew\s+(?:budget|date|start|end)\b|\brevised\b|"
    r"\b(?:change|increase|raise|reduce|cut|drop|lower|bump|up|move|push|set)(?:d|ed)?\s+"
    r"(?:it|that|this|the\s+\w+(?:\s+date)?)\s+(?:up\s+|down\s+|back\s+)?to\b"
)
# A later statement replaces the earlier budget: a correction cue just before it, or the answer
# line the orchestrator appends to the brief ("Budget: $75 a day", see orchestrator.merge_answer).
CORRECTION = re.compile(rf"(?:{CORRECTION_CUE}|\n\s*budget\s*[:=])", re.I)
# A bare number ("no wait, 70") is a budget only right after the cue.
CUE_THEN_NUMBER = re.compile(rf"(?:{CORRECTION.pattern})[\s,:.!–—-]*(?:(?:make\s+it|to|is|it'?s|"
                             r"just|only|say)\s+)?$", re.I)
INSTEAD_AFTER = re.compile(r"^[\s,]*instead\b(?!\s+of)", re.I)
REJECTED_BEFORE = re.compile(r"\b(?:instead\s+of|rather\s+than|not)\s*$", re.I)
ALTERNATIVE_BEFORE = re.compile(r"\bor\s+(?:(?:maybe|perhaps|possibly|even|like|up\s+to|"
                                r"something\s+like)\s+)?$", re.I)
ALT_PERIOD_AFTER = re.compile(r"^[^\n$€£¥₹\d]{0,20}?\bor\s+(?:is\s+it\s+|maybe\s+|per\s+|a\s+)?"
                              r"(?P<p>daily|weekly|monthly|day|week|month|total|lifetime|in\s+total)"
                              r"\b", re.I)
