"""A pause that waits on a metric of the ads or ad sets it pauses is the pause rule.

"in Trail Shoes, if any ad set's CPA goes over $50 pause it", "when an ad's CPA tops $40 in
Spring Sale, kill it", "if ROAS on Frühjahrs-Sale DE dips under 2, pause the ad set": each
says which ads (or ad sets) to pause by a threshold on their own metric — what
`pause_underperformers` does. They were read as a status change waiting on a condition
(`clarify`: "adpilot never checks a condition before writing"), or, because "ad set" holds the
word "set", as a budget of $50 to split. A condition on a named object ("if Spring Sale's CPA
goes over $50, pause it") is still a conditional pause of that object: asked about.
"""

from __future__ import annotations

import re
from typing import Any

from agents.orchestrator.routing import cues
from agents.orchestrator.routing.params import KIND_WORD, Clause, thresholds

CONDITION = re.compile(r"\b(?:if|when|whenever|once|as\s+soon\s+as|should)\b(?!\s+(?:you|u|possible|"
                       r"poss|convenient|needed|necessary)\b)", re.I)


def pause_rule(c: Clause) -> bool:
    """Tell whether `c` pauses the ads or ad sets whose metric crosses a threshold it names."""
    plain = re.sub(cues.E, " ", c.text)
    if not cues.PAUSE.search(plain) or cues.RESUME.search(plain) or not CONDITION.search(plain):
        return False
    if not KIND_WORD.search(c.text):  # "if X's CPA goes over $50, pause it": X itself
        return False
    return any(t["metric"] not in ("spend", None) for t in thresholds(c)[0])


IF_WHEN = re.compile(r"\b(?:if|when|whenever|as\s+soon\s+as)\b(?!\s+(?:you|u|possible|poss|convenient|"
                     r"needed|necessary)\b)", re.I)
ONCE_NOTE = ("Read the condition as the pause rule: adpilot pauses what fails it now, once; it does "
             "not keep checking afterwards (`adpilot watch` adopts a campaign and keeps checking).")


def conditional_rules(asks: list[dict[str, Any]]) -> bool:
    """Tell whether an ask is a pause rule said as a condition ("if … goes over $50, pause it")."""
    return any(a["route"] == "pause_underperformers" and IF_WHEN.search(a.get("text") or "")
               for a in asks)  # not "once they've run 3 days": a rule's minimum, said as before


# "ROAS must not drop below 2.5 on X", "keep CPA under $40", "don't let frequency go over 4":
# a target, said with no change to make (not a question: answering it drops the target)
TARGET = re.compile(
    r"\b(?:must|should|shall|has\s+to|have\s+to|needs?\s+to|got\s+to|gotta)\s+(?:not\s+|never\s+)?"
    r"(?:stay|remain|be|drop|fall|go|get|dip|exceed|rise|climb|sink|slip)\b|\b(?:mustn'?t|shouldn'?t|"
    r"can'?t|cannot|never)\s+(?:\S+\s+){0,2}?(?:drop|fall|go|get|dip|exceed|rise|climb|sink|slip|be)\b|"
    r"\bdon'?t\s+let\b|\b(?:keep|hold)\s+(?:\S+\s+){0,5}?(?:above|below|under|over|at\s+least|"
    r"at\s+most|north\s+of|south\s+of)\b|\b(?:stays?|remains?)\s+(?:above|below|under|over|at\s+least|"
    r"at\s+most)\b|\bmake\s+sure\b|\bensure\b", re.I)


HANDOVER = re.compile(r"\b(?:manage|run|handle|steer|optimi[sz]e|look\s+after|take\s+over|babysit|"
                      r"watch|monitor|adopt|autopilot)\b", re.I)


def states_target(c: Clause) -> bool:
    """Tell whether `c` states a metric target with nothing to change ("ROAS must stay over 2")."""
    plain = re.sub(cues.E, " ", c.text)
    if "?" in plain or cues.QUESTION_START.search(c.text) or not TARGET.search(plain) or \
            HANDOVER.search(plain):  # "manage X for me, don't let CPA go above $34": a watch's target
        return False
    return any(t["metric"] not in ("spend", None) for t in thresholds(c)[0])


def target_question(text: str, names: list[str]) -> str:
    """Ask what to do about a target said with no change."""
    what = " and ".join(names) or "it"
    return (f"adpilot read a target (\"{text.strip()}\") but no change to make. Watch {what} with "
            "that target (`adpilot watch` keeps checking and proposes changes), pause its ads or "
            "ad sets that miss it now (say which), or was it a question?")


__all__ = ["ONCE_NOTE", "TARGET", "conditional_rules", "pause_rule", "states_target", "target_question"]
