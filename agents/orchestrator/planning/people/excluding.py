"""Everyday ways of leaving people or places out, rewritten as "exclude" for every parser.

The age, interest, place and audience readers each know "exclude", "except", "not", "no",
"minus", "without". A marketer also writes "cut out anyone under 25", "keep teens out of it",
"filter out crossfit fans", "steer clear of the crossfit folks", "rule out pilates", "don't
want crossfit people", "take Alaska off the list". Those words used to reach no reader: the
ages or interests after them were read as the people to *target* (ages 18-24, 13-17, CrossFit)
or the words were listed as harmless. `idiom_edits` rewrites them in the normalised text
(`normalise._exclusion_idioms`), so each reader leaves out what they name — and what no
reader takes is asked about as an exclusion, the brief's own words shown.

Only when what is left out is people, a place, an age or an interest: "we cut out the
middleman", "don't want a salesy tone", "leave out the price" are about the business or the
copy and stay as written.
"""

from __future__ import annotations

import re

# "leave out X", "filter out X", "cut out X", "rule out X", "weed out X", "screen out X"
_VERB_OUT = re.compile(
    r"\b(?:leav(?:e|ing)|left|filter(?:ing|ed)?|cut(?:ting)?|rul(?:e|ing|ed)|weed(?:ing|ed)?|"
    r"screen(?:ing|ed)?|carv(?:e|ing|ed)|strip(?:ping|ped)?)\s+out\b",
    re.I,
)
# "steer clear of X", "stay away from X", "keep (the ads) away from X", "don't want X",
# "we don't want to reach X", "no need to reach X"
_AWAY = re.compile(
    r"\b(?:steer(?:ing)?\s+clear\s+of|stay(?:ing)?\s+away\s+from|keep(?:ing)?\s+(?:it\s+|them\s+|"
    r"(?:the\s+)?ads?\s+)?away\s+from|(?:do\s+not|don'?t|dont|doesn'?t)\s+want(?:\s+to\s+"
    r"(?:reach|target|hit|show\s+(?:it|ads|this|them)\s+to))?|no\s+need\s+to\s+(?:reach|"
    r"target))\b",
    re.I,
)
# "keep teens out (of it)", "keep the marathon people out", "take Alaska off (the list)",
# "leave Alaska out": the verb and the closing word around what is left out.
_AROUND = re.compile(
    r"\b(?P<verb>keep(?:ing)?|take|taking|leav(?:e|ing))\s+(?P<what>(?:[\w'’-]+\s+){0,4}?"
    r"[\w'’-]+)\s+(?P<close>(?:out|off)(?:\s+of\s+(?:it|this|the\s+\w+)|\s+the\s+(?:list|"
    r"targeting|audience|map))?)\b",
    re.I,
)
_PEOPLE = frozenset(
    """people persons folks crowd crowds fans lovers types users buyers customers clients
    anyone anybody someone everyone students kids children teens teenagers seniors retirees
    pensioners parents moms mums dads men women guys girls boys ladies bros gen millennials
    boomers under over younger older aged ages age adults minors audience audiences
    followers subscribers members visitors interested into""".split()
)
_WORDS = re.compile(r"[\w'’-]+|[^\w\s]")
_STOP = frozenset(".,;:!?()—–\n")


def _is_left_out(words: list[str]) -> bool:
    """Whether the words name people, a place, an age or an interest (not a thing or a tone)."""
    from agents.orchestrator.planning.geo.names import place_names
    from agents.orchestrator.planning.people.interests import SYNONYMS, resolve

    places = place_names()
    if words and words[0].lower() == "to":
        return False  # "don't want to spend more", "don't want to annoy anyone"
    for i, w in enumerate(words):
        low = w.lower().strip("'’")
        if low in _PEOPLE or low.rstrip("s") in _PEOPLE:
            # "don't want people going to the website": what people do, not who they are
            after = words[i + 1].lower() if i + 1 < len(words) else ""
            return not (after.endswith("ing") or after in ("to", "should", "will", "would"))
        if any(c.isdigit() for c in w):
            return True
        if low in places or " ".join(x.lower() for x in words[i : i + 2]) in places:
            return True
        hit = resolve(low) if low not in ("the", "a", "an", "any", "all", "our") else None
        if hit and (hit["name"].lower() in (low, low.rstrip("s")) or low in SYNONYMS):
            return True  # an interest by its name, not a near miss ("salesy" is no Sales)
    return False


def _next_words(text: str, end: int, n: int = 5) -> list[str]:
    out: list[str] = []
    for m in _WORDS.finditer(text, end):
        if m.group(0) in _STOP or len(out) >= n:
            break
        out.append(m.group(0))
    return out


def idiom_edits(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, replacement) edits that say "exclude" where the brief leaves out."""
    edits: list[tuple[int, int, str]] = []
    for pat in (_VERB_OUT, _AWAY):
        for m in pat.finditer(text):
            if _is_left_out(_next_words(text, m.end())):
                edits.append((m.start(), m.end(), "exclude"))
    for m in _AROUND.finditer(text):
        if m.group("verb").lower().startswith("leav") and m.group("close").lower() != "out":
            continue  # "leave it off" is not a leaving out
        if any(s < m.end() and m.start() < e for s, e, _ in edits):
            continue
        if m.group("what").lower() in ("it", "them", "this", "that") or not _is_left_out(
            m.group("what").split()
        ):
            continue
        edits.append((m.start("verb"), m.end("verb"), "exclude"))
        edits.append((m.start("close") - 1, m.end("close"), ""))  # the space before it too
    return edits


__all__ = ["idiom_edits"]
