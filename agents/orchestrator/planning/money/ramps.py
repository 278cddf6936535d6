"""Words that change the budget over time: "$50/day for the first week then bump it to $100/day".

A campaign has one budget; Meta's budget scheduling is not something adpilot plans yet. Such a
brief used to plan one of the amounts from the first day — the later one read as a correction
("bump it to" is a correction cue), or the earlier one read as a price ("start at $50/day") —
or kept the first and listed "double it after the first week" as harmless. `PATTERN` finds
the words so the planner asks (`understand.unsupported_asks`), naming them. A correction with
no time in it ("$80 a day, scratch that, make it $95") is not matched: it still corrects.

Shapes (one clause each, never across a sentence end):
- a change verb on the budget, then when: "up it to $75 a day from the 20th", "double it
  after the first week", "push it to $120/day for cyber week", "increase the budget 20% every
  3 days";
- when, then a change verb on the budget: "From Black Friday raise the budget to $140/day";
- "then" / "after that" before a new amount: "$45 a day, then $90/day after launch week";
- a ramp: "ramp from $50 to $100", "scale up to $80 a day", "increasing to $60 a day";
- "the first 5 days … and after that …".
"""

from __future__ import annotations

_CUR = r"(?:[$€£¥₹₩]|\b(?:usd|eur|gbp|cad|aud|nzd|inr|jpy|krw|mxn|brl|chf|sek|nok|dkk|zar|sgd))"
_WORD = (
    r"(?:dollars?|bucks|euros?|pounds?|quid|yen|won|rupees?|reais|pesos|francs|usd|eur|gbp|"
    r"cad|aud|inr|jpy|krw|mxn|brl|chf)\b"
)
# An amount with its currency, and its period when one follows ("$100/day", "40 euros a day").
MONEY = (
    rf"(?:(?:\b[a-z]{{1,3}})?{_CUR}\s?\d[\d,.]*\s*k?|\d[\d,.]*\s*k?\s*(?:{_CUR}|{_WORD}))"
    r"(?:\s*(?:/|a|per)\s*(?:day|d|week|wk|month|mo)\b)?"
)
_VERB = (
    r"(?:bump(?:s|ed|ing)?|rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|boost(?:s|ed|ing)?|"
    r"scal(?:e|es|ed|ing)|up(?:s|ped|ping)?|lift(?:s|ed|ing)?|doubl(?:e|es|ed|ing)|"
    r"tripl(?:e|es|ed|ing)|halv(?:e|es|ed|ing)|cut(?:s|ting)?|lower(?:s|ed|ing)?|"
    r"reduc(?:e|es|ed|ing)|drop(?:s|ped|ping)?|push(?:es|ed|ing)?|step(?:s|ped|ping)?)"
)
_OBJECT = r"(?:it|that|this|spend(?:ing)?|(?:the\s+|our\s+)?(?:daily\s+|ad\s+)?(?:budget|spend))"
# When a change happens: a later day, a week, an event, a condition.
_WHEN = (
    r"(?:after|from|during|once|when|if|until|till|starting|every|later|mid[- ]\w+|"
    r"for\s+(?:the\s+)?(?:first|last|final|next|second|cyber|black|holiday|launch|sale|peak|"
    r"weekends?|christmas|bfcm|\d)|in\s+(?:week|the\s+(?:second|last|final|next))|"
    r"on\s+(?:the\s+)?(?:weekends?|black|cyber|\d|(?:mon|tues|wednes|thurs|fri|satur|sun)"
    r"days?)|by\s+(?:week|day)|week\s+(?:two|three|four|2|3|4)|the\s+(?:second|2nd|last|"
    r"final)\s+(?:week|half))\b"
)
_WHEN_BEFORE = (
    r"\b(?:after|from|during|once|starting|for|in|on)\s+(?:the\s+)?(?:first|second|"
    r"last|final|next|cyber|black|launch|week|day|weekends?|\d)"
)
_CHANGE = (
    rf"\b{_VERB}\s+{_OBJECT}(?:\s+(?:up|down|back))?(?:\s+(?:to|by))?(?:\s+(?:{MONEY}|\d+\s*%))?"
)

PATTERN = "|".join(
    (
        rf"{_CHANGE}[^.;!?\n]{{0,30}}?\b{_WHEN}",
        rf"{_WHEN_BEFORE}[^.;!?\n$€£¥₹₩]{{0,30}}?{_CHANGE}",
        rf"\b(?:then|after\s+(?:that|which)|afterwards|thereafter)\s*,?\s*(?:(?:we(?:'ll|\s+will|"
        rf"\s+can)?|let'?s|you\s+can)\s+)?(?:(?:{_VERB}|go(?:es|ing)?|mov(?:e|es|ing))\s+(?:{_OBJECT}"
        rf"\s+)?(?:up\s+|down\s+)?(?:to\s+)?)?{MONEY}",
        rf"\bramp(?:s|ed|ing)?\s+(?:{_OBJECT}\s+)?(?:up|down|from)\b(?:\s+(?:to\s+)?{MONEY})?",
        rf"\bscal(?:e|es|ed|ing)\s+(?:{_OBJECT}\s+)?(?:up|down)\s+(?:to\s+{MONEY}|from|over|after|by|"
        r"gradually|slowly)",
        rf"\b(?:increasing|rising|growing|going\s+up|stepping\s+up|moving\s+up|climbing|dropping|"
        rf"decreasing|falling|tapering(?:\s+(?:off|down))?)\s+to\s+{MONEY}",
        r"\bthe\s+first\s+(?:\d+|few|couple(?:\s+of)?|one|two|three|four|five|six|seven|ten)?\s*"
        r"(?:days?|weeks?)\b[^.;!?\n]{0,25}?\b(?:then|after\s+(?:that|which)|afterwards|thereafter)\b",
    )
)

__all__ = ["MONEY", "PATTERN"]
