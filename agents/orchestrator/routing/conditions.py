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


ONCE_NOTE = ("Read the condition as the pause rule: adpilot pauses what fails it now, once; it does "
             "not keep checking afterwards (`adpilot watch` adopts a campaign and keeps checking).")


def conditional_rules(asks: list[dict[str, Any]]) -> bool:
    """Tell whether an ask is a pause rule said as a condition ("if … goes over $50, pause it")."""
    return any(a["route"] == "pause_underperformers" and CONDITION.search(a.get("text") or "")
               for a in asks)


__all__ = ["ONCE_NOTE", "conditional_rules", "pause_rule"]
