"""Bid strategies in a brief: cost cap, bid cap, minimum ROAS (docs/facts-bidding-placements-destinations.md).

- "cost cap $35 per purchase", "$35 cost cap", "keep CPA under $35 as a cost cap", "keep cost
  per lead at ₹450 (cost cap)" → `COST_CAP` with `bid_amount` (the account's minor units);
- "bid cap 2.50", "max bid $12", "入札上限120円" → `LOWEST_COST_WITH_BID_CAP` with `bid_amount`;
- "min ROAS 3x", "ROAS floor of 250%", "minimum ROAS 4", "ROAS goal of 3" (Meta's name for it),
  a ROAS made the floor after it is said ("ROAS of 3 — make that the floor", "3x ROAS as a hard
  floor") → `LOWEST_COST_WITH_MIN_ROAS` with
  `bid_constraints.roas_average_floor` (ROAS × 10,000) and the VALUE goal, never a bid amount.

A target without "cap" or "cost control" ("target CPA $40") is a performance target
(`money/targets.py`), not a cap. A cap with no amount, two strategies at once, or an amount in
a currency that is not the account's is asked (the question names the phrase and the field);
nothing is guessed. Spans are returned so the budget and target readers skip these amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.orchestrator.planning import SPEND, Question
from agents.orchestrator.planning.money.amount import currency_of
from agents.orchestrator.planning.money.parse import AMOUNT, parse_number
from state import rules

COST_CAP = re.compile(r"\bcost[- ]?caps?\b|\bcost\s+per\s+\w+\s+(?:cap|limit)\b|\bcpa\s+(?:limit|ceiling)\b|"
                      r"\bkostenobergrenze\b|\bl[ií]mite\s+(?:de|of)\s+cost[eo]\b|\bplafond\s+(?:de|of)\s+co[uû]t\b|"
                      r"\blimite\s+(?:de|of)\s+custo\b|\bcost\s+control\b|\bcap\s+(?:the\s+)?(?:cpa|cost(?:\s+per\s+"
                      r"\w+)?)\b|\bcpa\s+cap\b|\b(?:as|with)\s+a\s+cap\b", re.I)
BID_CAP = re.compile(r"\bbid[- ]?caps?\b|\bgebotsobergrenze\b|\bl[ií]mite\s+(?:de|of)\s+puja\b|"
                     r"\bplafond\s+d['’]ench[eè]re\b|\blimite\s+(?:de|of)\s+lance\b|\bmax(?:imum)?\s+bids?\b|\bbid\s+limit\b|\bmanual\s+bid"
                     r"(?:ding)?\b|入札上限", re.I)
MIN_ROAS = re.compile(r"\b(?:min(?:imum|imale?)?|lowest|mindest-?)\s*\.?\s*roas\b|\broas\s+m[ií]nim[oa]\b|\broas\s+(?:floor|minimum|min|goal)\b|"
                      r"\b(?:floor|minimum)\s+(?:of\s+)?roas\b", re.I)
ROAS_NUMBER = re.compile(r"^[\s:=~≥>(]*(?:(?:of|at|is|to|be|above|over|at\s+least|least|around|"
                         r"about|pls|please|bidding|bid|set|on\s+this\s+one)\s*){0,4}"
                         r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>x|×|%|:1)?", re.I)
ROAS_BEFORE_NUMBER = re.compile(r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>x|×|%)\s*(?:min(?:imum)?\s+)?$",
                                re.I)
# A ROAS said first and made the floor after it ("ROAS of 3 — make that the floor", "3x ROAS as
# a hard floor", "don't let Meta buy sales below a 2.5 return on ad spend, make that the floor")
FLOOR_AFTER = re.compile(r"\b(?:make|set|use|treat|take)\s+(?:that|this|it)\s+(?:as\s+)?(?:the|a|our)\s+"
                         r"(?:hard\s+|strict\s+)?floor\b|\b(?:as|is)\s+(?:the|a|our)\s+(?:hard\s+|strict\s+)?"
                         r"floor\b", re.I)
ROAS_SAID = re.compile(r"\b(?:roas|return\s+on\s+ad\s+spend)\s*(?:of|at|=|:|is)?\s*(?:at\s+least\s+|above\s+|"
                       r"over\s+)?(?P<a>\d+(?:[.,]\d+)?)\s*(?P<ua>x|×|%|:1)?|(?P<b>\d+(?:[.,]\d+)?)\s*"
                       r"(?P<ub>x|×|%)?\s*(?:roas|return\s+on\s+ad\s+spend)\b", re.I)
ROAS_LEAD = re.compile(r"(?:\b(?:please\s+)?(?:don'?t|do\s+not|never)\s+let\s+(?:meta|facebook|fb|it|the\s+"
                       r"algorithm)\s+(?:buy|get|bid\s+on|chase)\s+(?:\w+\s+)?(?:below|under|at\s+less\s+than)|"
                       r"\b(?:we\s+)?(?:want|need)|\bnothing\s+(?:below|under))\s+(?:a|an)?\s*$", re.I)
SENTENCE_END = re.compile(r"[.;!?\n](?!\d)")  # not the point of "2.5"
# What may sit between a cap word and its amount, either side ("cost cap of $35", "$35 cost cap",
# "keep CPA under $35 as a cost cap", "keep avg cost per lead at ₹450 (cost cap)").
GAP_AFTER = re.compile(r"^[\s:=~≤<(]*(?:(?:of|at|is|to|be|around|about|under|below|max(?:imum)?|"
                       r"per\s+\w+|on\s+it|pls|please|set\s+at|\w+)\s*){0,3}$", re.I)
GAP_BEFORE_MAX = 45
# "keep (the avg) CPA under $35 as a cost cap": the words that state the amount before the cue
CPA_BEFORE = re.compile(r"\b(?:(?:keep|hold|get)\s+)?(?:the\s+|our\s+)?(?:avg\.?\s+|average\s+)?"
                        r"(?:cpa|cpl|cpc|cost\s+per\s+\w+)\s*(?:(?:at|under|below|to|around|of|"
                        r"max(?:imum)?|at\s+most|<=?|≤)\s*)*$", re.I)
RESULT_AFTER = re.compile(r"^\s*(?:per|a|/|each)\s*(?:purchase|lead|click|result|install|conversion|"
                          r"sale|order|signup|sign-up|action)s?\b", re.I)


@dataclass
class BidRead:
    """The bid strategy a brief asks for and what it used."""

    strategy: str | None = None  # Meta's bid_strategy
    amount_minor: int | None = None  # bid_amount, minor units of the account currency
    roas_floor: int | None = None  # bid_constraints.roas_average_floor (ROAS × 10,000)
    value_goal: bool = False  # minimum ROAS bids on purchase value
    phrase: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    # what the other readers must not read: the bid phrase itself, never the rest of its clause
    # ("Sales in the US at $100/day and use a cost cap": the budget and country are theirs)
    mask: list[tuple[int, int]] = field(default_factory=list)
    flags: list[Question] = field(default_factory=list)


@dataclass
class _Cap:
    strategy: str
    start: int
    end: int
    amount: float | None = None
    currency: str | None = None


def _clause(text: str, at: int) -> tuple[int, int]:
    start = max(text.rfind(c, 0, at) for c in ".;\n!?") + 1
    ends = [i for c in ".;\n!?" if (i := text.find(c, at)) != -1]
    # a decimal point ("2.50") ends no clause
    ends = [i for i in ends if not (text[i] == "." and i + 1 < len(text) and text[i + 1].isdigit())]
    return start, min(ends, default=len(text))


def _amount_near(text: str, cue: re.Match[str], account: str) -> tuple[float, str | None, int, int] | None:
    """Return the amount stated with a cap: after the cue, else before it, in the same clause."""
    lo, hi = _clause(text, cue.start())
    for m in AMOUNT.finditer(text, cue.end(), min(hi, cue.end() + 40)):
        if not GAP_AFTER.match(text[cue.end():m.start()]) or "%" in text[m.end():m.end() + 1]:
            continue
        cur, explicit = currency_of(m.group("pre"), m.group("post"), account)
        value = parse_number(m.group("num"))
        if value > 0 and (explicit or m.group("pre") or re.search(r"\d[.,]\d", m.group("num"))
                          or RESULT_AFTER.match(text[m.end():])):
            return value, (cur if explicit else None), m.start(), m.end()
    before = [m for m in AMOUNT.finditer(text, max(lo, cue.start() - GAP_BEFORE_MAX), cue.start())]
    for m in reversed(before):
        cur, explicit = currency_of(m.group("pre"), m.group("post"), account)
        value = parse_number(m.group("num"))
        if value > 0 and explicit and "/" not in text[m.end():m.end() + 2] and not re.match(
                r"\s*(?:/\s*day|a\s+day|per\s+day|daily|/\s*d\b)", text[m.end():], re.I):
            lead = CPA_BEFORE.search(text, max(lo, m.start() - 50), m.start())
            return value, cur, (lead.start() if lead else m.start()), m.end()
    return None


def _floor_after(text: str) -> tuple[float | None, int, int] | None:
    """Read "ROAS of 3 — make that the floor": the last ROAS said before the floor words."""
    for floor in FLOOR_AFTER.finditer(text):
        lo = max((m.end() for m in SENTENCE_END.finditer(text, 0, floor.start())), default=0)
        said = list(ROAS_SAID.finditer(text, lo, floor.start()))
        if not said:
            continue
        m = said[-1]
        value = parse_number(m.group("a") or m.group("b"))
        if (m.group("ua") or m.group("ub")) == "%" or (value >= 20 and not (m.group("ua") or m.group("ub"))):
            value /= 100
        lead = ROAS_LEAD.search(text, lo, m.start())
        return value, (lead.start() if lead else m.start()), floor.end()
    return None


WORDS_BEFORE = re.compile(r"\b(?:use|using|set|put|add|with|want|go\s+with|a|an|the|on)\s+(?:(?:a|an|the)\s+)?$",
                          re.I)
WORDS_AFTER = re.compile(r"^\s*(?:bidding|bid\s+strategy|strategy|on\s+(?:it|this(?:\s+one)?)|pls|please)\b",
                         re.I)


def _with_words(text: str, start: int, end: int, whole_clause: bool) -> tuple[int, int]:
    """Return the span of a bid phrase with its verbs ("use min roas bidding"); its clause if asked.

    A cap asked about (no amount) takes its clause: the question quotes the ask, so the rest
    ("so the CPA doesn't blow up") is not asked again as not understood.
    """
    if whole_clause:
        lo, hi = _clause(text, start)
        comma = text.find(",", end, hi)
        return lo, (hi if comma == -1 else comma)
    if m := WORDS_BEFORE.search(text, max(0, start - 12), start):
        start = m.start()
    if m := WORDS_AFTER.match(text[end:]):
        end += m.end()
    return start, end


def find_bids(text: str, account_currency: str) -> BidRead:
    """Return the bid strategy the brief asks for (see the module docstring)."""
    out = BidRead()
    account = account_currency.upper()
    caps: list[_Cap] = []
    for pattern, strategy in ((COST_CAP, "COST_CAP"), (BID_CAP, "LOWEST_COST_WITH_BID_CAP")):
        for cue in pattern.finditer(text):
            if any(c.start <= cue.start() < c.end for c in caps):
                continue
            cap = _Cap(strategy, cue.start(), cue.end())
            if hit := _amount_near(text, cue, account):
                cap.amount, cap.currency, s, e = hit
                cap.start, cap.end = min(cap.start, s), max(cap.end, e)
            caps.append(cap)
    roas = None
    for cue in MIN_ROAS.finditer(text):
        after = ROAS_NUMBER.match(text[cue.end():cue.end() + 40])
        before = ROAS_BEFORE_NUMBER.search(text[max(0, cue.start() - 12):cue.start()])
        num = after or before
        value = None
        end, start = cue.end(), cue.start()
        if num:
            value = parse_number(num.group("num"))
            if num.group("unit") == "%" or (value >= 20 and not num.group("unit")):
                value /= 100  # "ROAS floor of 250%" is 2.5x
            if after:
                end = cue.end() + after.end()
            else:
                start = cue.start() - 12 + num.start() if cue.start() >= 12 else num.start()
        roas = (value, max(0, start), end)
        break
    if roas is None:
        roas = _floor_after(text)
    strategies = {c.strategy for c in caps} | ({"LOWEST_COST_WITH_MIN_ROAS"} if roas else set())
    for c in caps:
        out.spans.append(_with_words(text, c.start, c.end, c.amount is None))
        out.mask.append(_with_words(text, c.start, c.end, False))
    if roas:
        out.spans.append(_with_words(text, roas[1], roas[2], roas[0] is None))
        out.mask.append(_with_words(text, roas[1], roas[2], False))
    if not strategies:
        return out
    phrases = [text[c.start:c.end].strip() for c in caps] + ([text[roas[1]:roas[2]].strip()]
                                                              if roas else [])
    out.phrase = " … ".join(phrases)
    if len(strategies) > 1:
        out.flags.append(Question(
            "bid_strategy", f"The brief asks for {' and '.join(repr(p) for p in phrases)}: an "
            "ad set has one bid strategy (a cost cap, a bid cap or a minimum ROAS, not two). "
            "Which one should it use?", "conflict", out.phrase, SPEND))
        return out
    strategy = strategies.pop()
    out.strategy = strategy
    if strategy == "LOWEST_COST_WITH_MIN_ROAS" and roas is not None:
        out.value_goal = True
        if roas[0] is None or roas[0] <= 0:
            out.flags.append(Question(
                "bid_constraints", f"‘{phrases[0]}’: what is the lowest ROAS the ad set may "
                "bid for? (e.g. 'minimum ROAS 2.5x' or 'ROAS floor 250%')", "missing",
                phrases[0], SPEND))
        else:
            out.roas_floor = round(roas[0] * 10000)
        return out
    cap = caps[-1]
    name = "cost cap" if strategy == "COST_CAP" else "bid cap"
    if cap.amount is None:
        out.flags.append(Question(
            "bid_amount", f"‘{phrases[-1]}’: what amount should the {name} be? Meta needs it "
            f"(bid_amount), adpilot does not pick one. (e.g. '{name} {account} 30 per result')",
            "missing", phrases[-1], SPEND))
    elif cap.currency and cap.currency != account:
        out.flags.append(Question(
            "bid_amount", f"The {name} ‘{phrases[-1]}’ is in {cap.currency} but the ad account "
            f"bills in {account}; adpilot never converts currencies. What is the {name} in "
            f"{account}?", "invalid", phrases[-1], SPEND))
    else:
        out.amount_minor = rules.to_minor(cap.amount, account)
    return out
