"""Words that tie statements of a brief together: corrections, lists, alternatives.

"women 25-45 … actually make it 30-50", "$50/day, no wait $70": a correction cue between two
statements means the later one replaces the earlier (and the card says so). Two different
statements without one are a conflict the planner asks about. "18-24 and 35-44": statements
joined only by list words are a list (one ad set each), not a conflict. Around an amount of
money: an alternative ("or maybe $100"), a rejected value ("instead of $50"), a period left
open ("… or weekly?"). Shared by the people, go-live, money and schedule parsers.
"""

from __future__ import annotations

import re

# A person's answer to a clarifying question, as the orchestrator appends it to the brief
# (`orchestrator.merge_answer`): a line "Answer: …", read as a correction of what came before.
ANSWER_PREFIX = "Answer: "
ANSWER_LINE = r"(?:^|\n)[ \t]*answer\s*:"

CORRECTION_CUE = (
    r"\bactually(?:\s*,?\s*no\b)?|\bno\s*,?\s*wait\b|\bwait(?:\s*,?\s*no\b)?|\bscratch\s+that\b|\bsorry\b|"
    r"\bcorrection\b|\bi\s+mean[t]?\b|\bmake\s+(?:it|that|them|this)\b|\bnvm\b|"
    r"\bnever\s*mind\b|\boops\b|\bmy\s+bad\b|\bedit\b|\bchanged\s+my\s+mind\b|"
    r"\bstrike\s+that\b|\bforget\s+(?:that|it)\b|\breplace\s+(?:it|that|this)\s+with\b|"
    r"\b(?:budget|start|end|date)(?:'s|\s+is)\s+now\b|\bupdate[d]?\b|\brather\b|\binstead\b|"
    r"\bon\s+second\s+thought\b|\blet'?s\s+(?:do|say|go\s+with|make\s+it)\b|\bgo\s+with\b|"
    r"\bnew\s+(?:budget|date|start|end)\b|\brevised\b|" + ANSWER_LINE + "|"
    r"\b(?:change|switch|increase|raise|reduce|cut|drop|lower|bump|up|move|push|set)(?:d|ed)?\s+"
    r"(?:it|that|this|them|the\s+\w+(?:\s+date)?)\s+(?:up\s+|down\s+|back\s+)?to\b"
)
# People and go-live statements: a cue, or "not X but Y".
CORRECTION = re.compile(rf"(?:{CORRECTION_CUE})|\bnot\s+\w+(?:\s+\w+)?\s*(?:,|—|–|-)?\s*but\b",
                        re.I)
# A later budget replaces the earlier: a cue just before it, or the answer line the
# orchestrator appends to the brief ("Answer: Budget: $75 a day", see
# orchestrator.merge_answer; "Answer:" is itself a cue).
BUDGET_CORRECTION = re.compile(rf"(?:{CORRECTION_CUE}|\n\s*budget\s*[:=])", re.I)
# A bare number ("no wait, 70") is a budget only right after the cue.
CUE_THEN_NUMBER = re.compile(rf"(?:{BUDGET_CORRECTION.pattern})[\s,:.!–—-]*(?:(?:make\s+it|to|"
                             r"is|it'?s|just|only|say)\s+)?$", re.I)
INSTEAD_AFTER = re.compile(r"^\W{0,3}(?:instead|rather)\b(?!\s+(?:of|than)\b)", re.I)
REJECTED_BEFORE = re.compile(r"\b(?:instead\s+of|rather\s+than|not)\s*$", re.I)
ALTERNATIVE_BEFORE = re.compile(r"\bor\s+(?:(?:maybe|perhaps|possibly|even|like|up\s+to|"
                                r"something\s+like)\s+)?$", re.I)
ALT_PERIOD_AFTER = re.compile(r"^[^\n$€£¥₹\d]{0,20}?\bor\s+(?:is\s+it\s+|maybe\s+|per\s+|a\s+)?"
                              r"(?P<p>daily|weekly|monthly|day|week|month|total|lifetime|in\s+total)"
                              r"\b", re.I)
LIST_GAP = re.compile(
    r"(?:[\s,;/&+()]|\b(?:and|vs\.?|versus|against|plus|as\s+well\s+as|then|also|one|ones|for|"
    r"another|each|ages?d?|years?[- ]old|year[- ]olds?|y/?o|women|men|woman|man|females?|"
    r"males?|ladies|guys|girls|boys|moms|dads|the|a|an|separate|ad\s*sets?|groups?|bands?|"
    r"brackets?|audiences?|students?|retirees?|seniors?|parents?|teens?|adults?|professionals?|"
    r"millennials|boomers|gen\s?z|gen\s?x)\b)*", re.I)


def corrected(text: str, first_end: int, later_start: int, later_end: int) -> bool:
    """Whether the later statement corrects the earlier one ("…actually make it 30-50")."""
    return correction_span(text, first_end, later_start, later_end) is not None


def correction_span(text: str, first_end: int, later_start: int, later_end: int
                    ) -> tuple[int, int] | None:
    """Where the correcting words are ("actually no", "instead"), or None if none correct.

    A parser that applies the correction reads those words too, so they are not reported as
    not understood.
    """
    if m := CORRECTION.search(text, first_end, later_start):
        return m.span()
    if m := INSTEAD_AFTER.match(text[later_end:later_end + 20]):  # "^" needs a slice
        return later_end + m.start(), later_end + m.end()
    return None


def listed(text: str, first_end: int, later_start: int) -> bool:
    """Whether only list words stand between two statements ("18-24 and 35-44")."""
    return first_end <= later_start and bool(LIST_GAP.fullmatch(text[first_end:later_start]))


# "exclude people interested in", "but not", "no", "don't use": what follows is left out.
NEGATED_BEFORE = re.compile(
    r"\b(?:exclud(?:e|ing)|except(?:\s+for)?|without|not|no|minus|other\s+than|never|avoid|skip|"
    r"leave\s+out|don'?t\s+(?:target|show\s+(?:it\s+|ads\s+)?to|include|use|want)|do\s+not\s+"
    r"(?:target|show\s+(?:it\s+|ads\s+)?to|include|use|want)|instead\s+of)"
    r"(?:\s+(?:people|anyone|those|folks|users|the|any|our|who\s+(?:are|is)|who|that|are|is|"
    r"(?:interested|into)\s+in|interested|into|like|likes|love|loves|enjoy|enjoys|fans\s+of|"
    r"speakers?\s+of))*\s*[:,-]?\s*$", re.I)


def negated_before(text: str, start: int) -> int | None:
    """Return where the negation that leaves out what starts at `start` begins, or None.

    Only the item's own clause counts, and the negation must bear on this item, not on an
    earlier one of a list ("a, not b, c" leaves out b only).
    """
    clause = max(text.rfind(c, 0, start) for c in ".;\n!?") + 1
    offset = max(clause, start - 60)
    m = NEGATED_BEFORE.search(text[offset:start])
    return offset + m.start() if m else None
