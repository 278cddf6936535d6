"""Words that tell a later statement replaces an earlier one ("actually", "no wait", "scratch that").

Shared by the money and schedule parsers: with such a cue the later value wins and the card says
so; without one, two different values are a conflict the planner asks about.
"""

from __future__ import annotations

CORRECTION_CUE = (
    r"\bactually\b|\bno\s*,?\s*wait\b|\bwait\b|\bscratch\s+that\b|\bsorry\b|\bcorrection\b|"
    r"\bi\s+mean[t]?\b|\bmake\s+(?:it|that)\b|\bnvm\b|\bnever\s*mind\b|\boops\b|\bedit\s*:|"
    r"\b(?:budget|start|end|date)(?:'s|\s+is)\s+now\b|\bupdate[d]?\s*:|\brather\b|\binstead\b|"
    r"\bon\s+second\s+thought\b|\blet'?s\s+(?:do|say|go\s+with|make\s+it)\b|\bgo\s+with\b|"
    r"\bnew\s+(?:budget|date|start|end)\b|\brevised\b|"
    r"\b(?:change|increase|raise|reduce|cut|drop|lower|bump|up|move|push|set)(?:d|ed)?\s+"
    r"(?:it|that|this|the\s+\w+(?:\s+date)?)\s+(?:up\s+|down\s+|back\s+)?to\b"
)
