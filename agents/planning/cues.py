"""Words that tie two statements of a brief together: corrections and lists.

"women 25-45 … actually make it 30-50": a correction cue between two statements means the
later one replaces the earlier (and the card says so). Two different statements without one
are a conflict the planner asks about. "18-24 and 35-44": statements joined only by list
words are a list (one ad set each), not a conflict.
"""

from __future__ import annotations

import re

CORRECTION = re.compile(
    r"\b(?:actually(?:\s*,?\s*no\b)?|no\s*,?\s*wait|sorry|scratch\s+that|make\s+(?:it|that|them|this)|change\s+(?:it|that|this|"
    r"them)\s+to|instead|correction|i\s+mean(?:t)?|wait|on\s+second\s+thought|rather|update[d]?|"
    r"let'?s\s+(?:do|go\s+with|say)|switch\s+(?:it|that|this)\s+to|oops|my\s+bad|edit|"
    r"changed\s+my\s+mind|never\s*mind|nvm|strike\s+that|forget\s+(?:that|it)|replace\s+"
    r"(?:it|that|this)\s+with|go\s+with)\b|\bnot\s+\w+(?:\s+\w+)?\s*(?:,|—|–|-)?\s*but\b", re.I)
INSTEAD_AFTER = re.compile(r"^\W{0,3}(?:instead|rather)\b", re.I)
LIST_GAP = re.compile(
    r"(?:[\s,;/&+()]|\b(?:and|vs\.?|versus|against|plus|as\s+well\s+as|then|also|one|ones|for|"
    r"another|each|ages?d?|years?[- ]old|year[- ]olds?|y/?o|women|men|woman|man|females?|"
    r"males?|ladies|guys|girls|boys|moms|dads|the|a|an|separate|ad\s*sets?|groups?|bands?|"
    r"brackets?|audiences?)\b)*", re.I)


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
    if m := INSTEAD_AFTER.match(text, later_end, later_end + 20):
        return m.span()
    return None


def listed(text: str, first_end: int, later_start: int) -> bool:
    """Whether only list words stand between two statements ("18-24 and 35-44")."""
    return first_end <= later_start and bool(LIST_GAP.fullmatch(text[first_end:later_start]))
