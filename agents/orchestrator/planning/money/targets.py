"""Find performance targets in a brief: a target cost per result (CPA) and a target ROAS.

Handles "target CPA $25", "CPA under €20", "cost per lead below 15 EUR", "keep cost per
purchase at most 30 dollars", "cost per lead no higher than $40", "ROAS of 3x", "3x ROAS target", "target ROAS 2.5", "ROAS above
400%". The optimise loop judges ads against these.
Spans are returned so the budget finder never reads a target amount as the budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import GOAL, Adjustment, Question
from agents.orchestrator.planning.money.amount import currency_of
from agents.orchestrator.planning.money.parse import AMOUNT, parse_number

_RESULT = (r"(?:lead|purchase|sale|acquisition|conversion|order|sign[- ]?up|install|result|"
           r"customer|booking|registration)s?")
CPA_CUE = re.compile(rf"\b(?:target(?:ed)?\s+)?(?:cpa|cpl|cost[- ]per[- ]{_RESULT})"
                     rf"(?:\s+(?:target|goal))?\b", re.I)
# What may sit between the cue and the amount: "of", "under", "at most", "should stay below"...
CPA_GAP = re.compile(r"^[\s:=~≤<]*(?:(?:of|at|is|to|be|should|must|stay|stays|keep|kept|under|"
                     r"below|around|about|near|max(?:imum)?|most|no|more|higher|greater|than|less|equal|"
                     r"or|approximately|roughly|target|goal|:)\s*){0,6}$", re.I)
ROAS_NUM = r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>x|×|%|:1)?"
ROAS_AFTER = re.compile(rf"\b(?:target(?:ed)?\s+)?roas(?:\s+(?:target|goal))?[\s:=~≥>]*(?:(?:of|at|"
                        rf"is|to|be|above|over|least|at\s+least|around|about|min(?:imum)?|"
                        rf"should|stay|keep)\s*){{0,4}}{ROAS_NUM}", re.I)
ROAS_BEFORE = re.compile(r"\b(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>x|×|%)\s+roas\b(?:\s+(?:target|goal))?",
                         re.I)


@dataclass
class Targets:
    """The brief's targets: CPA as (amount in major units, currency or None), ROAS as a ratio."""

    cpa: float | None = None
    cpa_currency: str | None = None
    roas: float | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)  # a target in another currency
    adjustments: list[Adjustment] = field(default_factory=list)


def _roas_value(num: str, unit: str | None) -> float | None:
    value = parse_number(num)
    if unit == "%":
        value /= 100  # "ROAS of 300%" is 3x
    return value if value > 0 else None


def find_targets(text: str, account_currency: str) -> Targets:
    """Return the CPA and ROAS targets stated in `text` (the last CPA, the first ROAS).

    A CPA in a currency that is not the account's is flagged (`flags`), never converted.
    """
    out = Targets()
    account = account_currency.upper()
    phrase = ""
    for cue in CPA_CUE.finditer(text):  # the last statement wins ("cpa: $20" as an answer)
        for m in AMOUNT.finditer(text, cue.end(), min(len(text), cue.end() + 40)):
            pre = m.group("pre") if currency_of(m.group("pre"), None, account)[1] else None
            # a three-letter word before the number ("most 30") is no currency symbol
            if not CPA_GAP.match(text[cue.end():m.start("pre") if pre else m.start("num")]):
                break
            cur, explicit = currency_of(pre, m.group("post"), account)
            value = parse_number(m.group("num"))
            if value <= 0:
                break
            out.cpa, out.cpa_currency = value, (cur if explicit else None)
            end = m.end("post") if m.group("post") and explicit else m.end("num")
            out.spans.append((cue.start(), end))
            phrase = text[cue.start():end]
            break
    if out.cpa_currency and out.cpa_currency != account:
        out.flags.append(Question(
            "cpa", f"The target ‘{phrase}’ is in {out.cpa_currency} but the ad account bills in "
            f"{account}; adpilot never converts currencies. What is the target in {account}? "
            f"(e.g. 'cpa: 25 {account}')", "invalid", phrase, GOAL))
    hit = ROAS_BEFORE.search(text) or ROAS_AFTER.search(text)
    roas = _roas_value(hit.group("num"), hit.group("unit")) if hit else None
    if hit and roas:
        out.roas = roas
        out.spans.append(hit.span())
    return out
